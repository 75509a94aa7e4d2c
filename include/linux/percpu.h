/* SPDX-License-Identifier: MIT */
/*
 * percpu.h - per-CPU variables and the dynamic per-CPU allocator.
 *
 * alloc_percpu(type) returns a per-CPU pointer: one zeroed, aligned copy of
 * @type per possible CPU, reached with per_cpu_ptr(), this_cpu_ptr() and the
 * this_cpu_* operations of <linux/percpu-defs.h>; free_percpu() gives it
 * back. See src/mm/percpu.c for the chunk allocator behind it.
 */
#ifndef _UKMEM_LINUX_PERCPU_H
#define _UKMEM_LINUX_PERCPU_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/percpu-defs.h>

/* Largest dynamic allocation (the kernel's PCPU_MIN_UNIT_SIZE) */
#define PCPU_MIN_UNIT_SIZE (32 << 10)
/* Space of the first chunk kept for DSOs loaded after boot (modules) */
#define PERCPU_MODULE_RESERVE (8 << 10)
/* Space of the first chunk kept free for dynamic allocations at boot */
#define PERCPU_DYNAMIC_RESERVE (20 << 10)
#define PCPU_MIN_ALLOC_SHIFT   2
#define PCPU_MIN_ALLOC_SIZE    (1 << PCPU_MIN_ALLOC_SHIFT)

#pragma GCC visibility push(default)
void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp) __must_check;
void __percpu *__alloc_percpu(size_t size, size_t align) __must_check;
void free_percpu(void __percpu *__pdata);
phys_addr_t per_cpu_ptr_to_phys(void *addr);
/* pcpu_nr_pages - pages backing all per-CPU chunks (meminfo "Percpu:"). */
unsigned long pcpu_nr_pages(void);
#pragma GCC visibility pop

#define alloc_percpu_gfp(type, gfp)                                                                \
	((__typeof__(type) __percpu *)__alloc_percpu_gfp(sizeof(type), __alignof__(type), gfp))
#define alloc_percpu(type)                                                                         \
	((__typeof__(type) __percpu *)__alloc_percpu(sizeof(type), __alignof__(type)))
#define alloc_percpu_noprof(type) alloc_percpu(type)

#endif
