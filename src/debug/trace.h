/* SPDX-License-Identifier: MIT */
/*
 * trace.h - the kmem and vmalloc trace events (include/trace/events/kmem.h
 * and vmalloc.h of the kernel), for the allocators to call. Each is one
 * load and a branch while its event is off, as a static key would be.
 */
#ifndef UKMEM_DEBUG_TRACE_H
#define UKMEM_DEBUG_TRACE_H

#include <ukmem.h>
#include <linux/types.h>

struct page;
struct kmem_cache;

extern unsigned int trace_events_on; /* bit per enum ukmem_trace_event */

static inline bool trace_event_on(enum ukmem_trace_event ev)
{
	return __builtin_expect(__atomic_load_n(&trace_events_on, __ATOMIC_RELAXED) & (1U << ev),
				0);
}

void __trace_kmalloc(unsigned long call_site, const void *ptr, size_t bytes_req, size_t bytes_alloc,
		     gfp_t gfp, bool accounted);
void __trace_kmem_cache_alloc(unsigned long call_site, const void *ptr, struct kmem_cache *s,
			      gfp_t gfp);
void __trace_kfree(unsigned long call_site, const void *ptr);
void __trace_kmem_cache_free(unsigned long call_site, const void *ptr, const char *name);
void __trace_mm_page_alloc(struct page *page, unsigned int order, gfp_t gfp);
void __trace_mm_page_free(struct page *page, unsigned int order);
void __trace_alloc_vmap_area(unsigned long addr, unsigned long size, unsigned long align,
			     unsigned long vstart, unsigned long vend, int failed);
void __trace_free_vmap_area_noflush(unsigned long va_start, unsigned long nr_lazy,
				    unsigned long nr_lazy_max);

#define trace_kmalloc(...)                                                                         \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_KMALLOC))                                           \
			__trace_kmalloc(__VA_ARGS__);                                              \
	} while (0)
#define trace_kmem_cache_alloc(...)                                                                \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_KMEM_CACHE_ALLOC))                                  \
			__trace_kmem_cache_alloc(__VA_ARGS__);                                     \
	} while (0)
#define trace_kfree(...)                                                                           \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_KFREE))                                             \
			__trace_kfree(__VA_ARGS__);                                                \
	} while (0)
#define trace_kmem_cache_free(...)                                                                 \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_KMEM_CACHE_FREE))                                   \
			__trace_kmem_cache_free(__VA_ARGS__);                                      \
	} while (0)
#define trace_mm_page_alloc(...)                                                                   \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_MM_PAGE_ALLOC))                                     \
			__trace_mm_page_alloc(__VA_ARGS__);                                        \
	} while (0)
#define trace_mm_page_free(...)                                                                    \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_MM_PAGE_FREE))                                      \
			__trace_mm_page_free(__VA_ARGS__);                                         \
	} while (0)
#define trace_alloc_vmap_area(...)                                                                 \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_ALLOC_VMAP_AREA))                                   \
			__trace_alloc_vmap_area(__VA_ARGS__);                                      \
	} while (0)
#define trace_free_vmap_area_noflush(...)                                                          \
	do {                                                                                       \
		if (trace_event_on(UKMEM_TRACE_FREE_VMAP_AREA_NOFLUSH))                            \
			__trace_free_vmap_area_noflush(__VA_ARGS__);                               \
	} while (0)

/* the boot parameters trace_event= and tp_printk */
int trace_param(const char *key, const char *val);
int trace_init(void);

#endif
