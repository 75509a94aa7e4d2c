/* SPDX-License-Identifier: MIT */
/*
 * internal.h - what the mm files share and no user sees (the kernel's
 * mm/internal.h): node counters for /proc/meminfo, the subsystem hooks the
 * machine calls at boot and shutdown, and the /proc show functions.
 */
#ifndef UKMEM_MM_INTERNAL_H
#define UKMEM_MM_INTERNAL_H

#include <linux/mm.h>
#include <linux/gfp.h>
#include <stdio.h>

#include "machine/machine.h"

/*
 * Node-wide counters, in pages, that /proc/meminfo prints. Each subsystem
 * adjusts its own with mod_node_page_state().
 */
enum node_stat_item {
	NR_SLAB_RECLAIMABLE,   /* SReclaimable */
	NR_SLAB_UNRECLAIMABLE, /* SUnreclaim */
	NR_PAGETABLE,	       /* PageTables */
	NR_KERNEL_STACK,       /* KernelStack (pages) */
	NR_VMALLOC,	       /* pages backing vmalloc areas (VmallocUsed) */
	NR_PERCPU,	       /* Percpu */
	NR_KERNEL_MISC_RECLAIMABLE,
	NR_VM_NODE_STAT_ITEMS
};

extern atomic_long_t vm_node_stat[NR_VM_NODE_STAT_ITEMS];

static inline void mod_node_page_state(enum node_stat_item item, long delta)
{
	__atomic_fetch_add(&vm_node_stat[item].counter, delta, __ATOMIC_RELAXED);
}
static inline unsigned long node_page_state(enum node_stat_item item)
{
	long v = __atomic_load_n(&vm_node_stat[item].counter, __ATOMIC_RELAXED);

	return v < 0 ? 0 : (unsigned long)v;
}
static inline unsigned long zone_page_state(const struct zone *zone, enum zone_stat_item item)
{
	long v = __atomic_load_n(&zone->vm_stat[item].counter, __ATOMIC_RELAXED);

	return v < 0 ? 0 : (unsigned long)v;
}
static inline void set_page_zone(struct page *page, enum zone_type zone)
{
	page->flags &= ~(ZONES_MASK << ZONES_PGSHIFT);
	page->flags |= ((unsigned long)zone & ZONES_MASK) << ZONES_PGSHIFT;
}

/* debug.c */
void dump_page(const struct page *page, const char *reason);

/* page_alloc.c */
void bad_page(struct page *page, const char *reason);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags);
struct page *rmqueue(struct zone *zone, unsigned int order, gfp_t gfp);
void free_one_block(struct page *page, unsigned int order);
void warn_alloc(gfp_t gfp, const char *fmt, ...) __printf(2, 3);
int page_alloc_param(const char *key, const char *val);
int page_alloc_init(void);
void page_alloc_exit(void);
unsigned long nr_free_pages(void);
unsigned long nr_free_highpages(void);
unsigned long totalhigh_pages(void);

/* reclaim (vmscan.c) */
int reclaim_param(const char *key, const char *val);
int reclaim_init(void);
void reclaim_exit(void);

/* slab */
int slab_param(const char *key, const char *val);
int slab_init(void);
void slab_exit(void);
void slab_forget(void);
void slab_fork_child(void);
/* slab_shrink_all - give every cache's empty slabs back to the page allocator
 * (reclaim calls this under pressure). Return: pages freed. */
unsigned long slab_shrink_all(gfp_t gfp);

/* hardening (mm_init.c, usercopy.c; docs/hardening.md) */
int mm_init_param(const char *key, const char *val);
int mm_init_init(void);
extern bool slab_freelist_random; /* slab_freelist_random=1: shuffled new slabs */
/* vmalloc_area_span - the vmalloc area holding @addr: its start and usable size */
bool vmalloc_area_span(const void *addr, unsigned long *start, unsigned long *size);

/* vmalloc, highmem */
int vmalloc_param(const char *key, const char *val);
int vmalloc_init(void);
void vmalloc_exit(void);
int highmem_init(void); /* called by vmalloc_init */
void highmem_exit(void);

/* percpu */
int percpu_param(const char *key, const char *val);
int percpu_init(void);
void percpu_exit(void);

/* /proc */
int meminfo_show(FILE *out);
int buddyinfo_show(FILE *out);
int zoneinfo_show(FILE *out);
int slabinfo_show(FILE *out);
int vmallocinfo_show(FILE *out);

/* page allocator internals shared with reclaim and /proc (page_alloc.c) */
enum vm_event_item {
	ALLOCSTALL,	/* direct reclaim rounds */
	PAGEOUTRUN,	/* kswapd balance runs */
	KSWAPD_WAKEUP,	/* wakeups sent to kswapd (ukmem) */
	SLABS_SCANNED,	/* objects shrinkers were asked to scan */
	PGSTEAL_KSWAPD, /* pages kswapd got back */
	PGSTEAL_DIRECT, /* pages direct reclaim got back */
	OOM_KILL,	/* out_of_memory() reports */
	NOFAIL_WAIT,	/* __GFP_NOFAIL sleeps for memory (ukmem) */
	PCP_REFILL,	/* per-CPU list refills from the buddy lists (ukmem) */
	PCP_DRAIN,	/* per-CPU list batches given back (ukmem) */
	NR_VM_EVENT_ITEMS
};
extern unsigned long vm_events[NR_VM_EVENT_ITEMS];
static inline void count_vm_events(enum vm_event_item item, unsigned long delta)
{
	__atomic_fetch_add(&vm_events[item], delta, __ATOMIC_RELAXED);
}
static inline void count_vm_event(enum vm_event_item item)
{
	count_vm_events(item, 1);
}
static inline unsigned long vm_event_count(enum vm_event_item item)
{
	return __atomic_load_n(&vm_events[item], __ATOMIC_RELAXED);
}
extern bool pcp_lists_enabled; /* percpu_pagelists= */
/* pcp_snapshot - a CPU's pcp list state for one zone (takes that CPU). */
void pcp_snapshot(struct zone *zone, int cpu, struct per_cpu_pages *out);
/* nr_free_pcp_pages - pages sitting on per-CPU lists of @zone (NULL: all). */
unsigned long nr_free_pcp_pages(struct zone *zone);
/* wake_alloc_waiters - wake __GFP_NOFAIL sleepers: memory came back. */
void wake_alloc_waiters(void);

/* reclaim internals (vmscan.c) */
void wakeup_kswapd(unsigned int order, int highest_zoneidx);
/* try_to_free_pages - one direct reclaim round. Return: progress (pages + objects). */
unsigned long try_to_free_pages(gfp_t gfp, unsigned int order, int highest_zoneidx);
/* out_of_memory - the OOM report; nothing can be killed here. */
void out_of_memory(gfp_t gfp, unsigned int order);
bool kswapd_hopeless(void);
int kswapd_run(void);
void kswapd_stop(void);
/*
 * __show_mem - the Mem-Info block of allocation-failure and OOM reports
 * (vmstat.c), zones up to @max_zone_idx (the failing request's gfp_zone());
 * show_mem() shows them all.
 */
void __show_mem(int max_zone_idx);
void show_mem(void);
/* dump_unreclaimable_slab - the OOM report's "Unreclaimable slab info:" (slab_common.c) */
void dump_unreclaimable_slab(void);

#endif
