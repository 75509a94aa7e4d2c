/* SPDX-License-Identifier: MIT */
/* kasan.h (internal) - AddressSanitizer poisoning of ukmem memory (kasan.c) */
#ifndef UKMEM_DEBUG_KASAN_H
#define UKMEM_DEBUG_KASAN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

struct kmem_cache;
struct page;

extern bool kasan_on; /* kasan=on, in an ASan build */
bool kasan_built(void);
void kasan_poison(const void *addr, size_t size);
void kasan_unpoison(const void *addr, size_t size);
void kasan_slab_free_object(struct kmem_cache *s, void *object);
void kasan_slab_alloc_object(struct kmem_cache *s, void *object, size_t size);
void kasan_pages(struct page *page, unsigned int order, bool free);
void kasan_boot_note(void);

#endif
