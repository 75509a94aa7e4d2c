/* SPDX-License-Identifier: MIT */
/*
 * mmzone.h - zones, buddy free areas, watermarks and per-CPU page lists.
 */
#ifndef _UKMEM_LINUX_MMZONE_H
#define _UKMEM_LINUX_MMZONE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/spinlock_types.h>

#define MAX_PAGE_ORDER		10
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES	(1UL << MAX_PAGE_ORDER)
#define PAGE_ALLOC_COSTLY_ORDER 3
#define MAX_NUMNODES		1
#define NUMA_NO_NODE		(-1)

/* Zone indices are the same on every machine profile; a missing zone is empty. */
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_HIGHMEM, __MAX_NR_ZONES };
#define MAX_NR_ZONES __MAX_NR_ZONES

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

enum zone_stat_item {
	NR_FREE_PAGES,
	NR_ZONE_LRU_BASE,
	NR_ZONE_INACTIVE_ANON = NR_ZONE_LRU_BASE,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_FREE_CMA_PAGES,
	NR_VM_ZONE_STAT_ITEMS
};

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;
};

/*
 * Per-CPU lists of free pages (the kernel's pcp lists), one list per order
 * up to PAGE_ALLOC_COSTLY_ORDER. Only the task that holds the CPU touches
 * them (pcpu_enter() .. pcpu_exit()); drain_all_pages() reaches another CPU's
 * lists by taking that CPU the same way. Pages on a list carry PG_pcp and
 * page->private = order, and count as allocated in NR_FREE_PAGES (so MemFree
 * excludes them, as in Linux).
 *
 * Invariant: count == sum over lists of (pages on lists[o]) << o.
 */
#define NR_PCP_LISTS (PAGE_ALLOC_COSTLY_ORDER + 1)
struct per_cpu_pages {
	int count;    /* pages on all lists */
	int high;     /* free down by batch when count reaches this */
	int high_min; /* high with percpu_pagelist_high_fraction = 0 */
	int high_max; /* high with the minimum fraction (8) */
	int batch;    /* refill/drain chunk, in pages */
	struct list_head lists[NR_PCP_LISTS];
	unsigned long alloc_hits, refills, drains; /* statistics, owner-only */
} __attribute__((aligned(64)));

struct zone {
	unsigned long _watermark[NR_WMARK];
	long lowmem_reserve[MAX_NR_ZONES];
	int node;
	struct per_cpu_pages *per_cpu_pageset; /* [nr_cpus] */
	int pageset_high_min;
	int pageset_high_max;
	int pageset_batch;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	atomic_long_t managed_pages;
	const char *name;
	enum zone_type zone_idx;
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS];
	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
};

#define min_wmark_pages(z)  ((z)->_watermark[WMARK_MIN])
#define low_wmark_pages(z)  ((z)->_watermark[WMARK_LOW])
#define high_wmark_pages(z) ((z)->_watermark[WMARK_HIGH])
#define wmark_pages(z, i)   ((z)->_watermark[i])

#define DEF_PRIORITY	    12 /* reclaim scans 1/2^priority of a cache per pass */
#define MAX_RECLAIM_RETRIES 16 /* rounds without progress before OOM */

#pragma GCC visibility push(default)
extern struct zone *ukmem_zones; /* [MAX_NR_ZONES] of node 0 */
#pragma GCC visibility pop

static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}
static inline unsigned long zone_managed_pages(const struct zone *zone)
{
	return (unsigned long)__atomic_load_n(&zone->managed_pages.counter, __ATOMIC_RELAXED);
}
static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}
static inline int zone_idx(const struct zone *zone)
{
	return (int)zone->zone_idx;
}
static inline bool is_highmem_idx(enum zone_type idx)
{
	return idx == ZONE_HIGHMEM;
}
static inline bool is_highmem(const struct zone *zone)
{
	return zone->zone_idx == ZONE_HIGHMEM;
}
#define for_each_zone(z) for ((z) = ukmem_zones; (z) < ukmem_zones + MAX_NR_ZONES; (z)++)
#define for_each_populated_zone(z)                                                                 \
	for_each_zone (z)                                                                          \
		if (!populated_zone(z))                                                            \
			;                                                                          \
		else

#endif
