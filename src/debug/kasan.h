/* SPDX-License-Identifier: MIT */
/* kasan.h (internal) - AddressSanitizer poisoning of ukmem memory (kasan.c) */
#ifndef UKMEM_DEBUG_KASAN_H
#define UKMEM_DEBUG_KASAN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

struct kmem_cache;
struct page;

extern bool kasan_on; /* kasan=on in an ASan build, or running under Valgrind */
bool kasan_built(void);
void kasan_poison(const void *addr, size_t size);
void kasan_unpoison(const void *addr, size_t size);
void kasan_slab_free_object(struct kmem_cache *s, void *object, bool was_allocated);
void kasan_slab_alloc_object(struct kmem_cache *s, void *object, size_t size, bool zeroed);
void kasan_pages(struct page *page, unsigned int order, bool free);
void kasan_boot_note(void);
/* kasan_forget_block - Memcheck: a block ukmem drops without freeing (at shutdown) */
void kasan_forget_block(const void *object);

#endif
