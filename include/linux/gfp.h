/* SPDX-License-Identifier: MIT */
/*
 * gfp.h - the page allocator API. Zone modifiers pick the highest zone an
 * allocation may use (gfp_zone); it falls back to lower zones only.
 */
#ifndef _UKMEM_LINUX_GFP_H
#define _UKMEM_LINUX_GFP_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/gfp_types.h>
#include <linux/mmzone.h>

struct page;

#pragma GCC visibility push(default)
enum zone_type gfp_zone(gfp_t flags);
struct page *alloc_pages(gfp_t gfp, unsigned int order) __must_check;
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order) __must_check;
struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid, void *nodemask);
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void *alloc_pages_exact(size_t size, gfp_t gfp) __must_check;
void free_pages_exact(void *virt, size_t size);
void __free_pages(struct page *page, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages,
				     struct page **page_array);
void drain_all_pages(struct zone *zone);
void drain_local_pages(struct zone *zone);
#pragma GCC visibility pop

#define alloc_page(gfp)			alloc_pages(gfp, 0)
#define alloc_pages_bulk(gfp, nr, array) alloc_pages_bulk_array(gfp, nr, array)
#define __get_free_page(gfp)		__get_free_pages((gfp), 0)
#define __get_dma_pages(gfp, order)	__get_free_pages((gfp) | GFP_DMA, (order))
#define __free_page(page)		__free_pages((page), 0)
#define free_page(addr)			free_pages((addr), 0)

static inline bool gfpflags_allow_blocking(const gfp_t gfp)
{
	return !!(gfp & __GFP_DIRECT_RECLAIM);
}
static inline int numa_node_id(void)
{
	return 0;
}
static inline int numa_mem_id(void)
{
	return 0;
}

#endif
