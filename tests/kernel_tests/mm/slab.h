/* SPDX-License-Identifier: MIT */
/*
 * mm/slab.h for kernel test files built against ukmem (run.sh puts this file
 * where "../mm/slab.h" of lib/slub_kunit.c finds it): ukmem's own internal
 * mm/slab.h (struct kmem_cache, validate_slab_cache) and what the kernel's
 * mm/slab.h pulls in that such tests use.
 */
#ifndef UKMEM_KERNEL_TESTS_MM_SLAB_H
#define UKMEM_KERNEL_TESTS_MM_SLAB_H
#include <linux/kasan.h>
#include <linux/kconfig.h>
#include <mm/slab.h>
#endif
