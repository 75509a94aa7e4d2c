// SPDX-License-Identifier: MIT
/*
 * page_alloc.c - the buddy page allocator: zones, free areas per order,
 * per-CPU page lists, watermarks, the GFP policy of the slow path (kswapd,
 * direct reclaim, retries, __GFP_NOFAIL sleeps, OOM) and the page-state
 * checks on free.
 *
 * Buddy lists. Free blocks of 2^order frames sit on zone->free_area[order],
 * marked PageBuddy with page->private = order. Freeing merges a block with
 * its buddy (pfn ^ (1 << order)) while the buddy is free and of the same
 * order. NR_FREE_PAGES counts the frames on the buddy lists only.
 *
 * Per-CPU lists (pcp). Blocks of order <= PAGE_ALLOC_COSTLY_ORDER are freed
 * to, and allocated from, zone->per_cpu_pageset[cpu].lists[order] first:
 * the head (lists[o].next) is the hot end, the tail the cold end that
 * __GFP_COLD allocations and drains take. An empty list is refilled with
 * pcp->batch blocks under one zone->lock; a list that reaches pcp->high is
 * trimmed by a batch, coldest first. A page on a pcp list has PG_pcp and
 * private = order, is neither free (NR_FREE_PAGES) nor allocated, and a free
 * of it is a double free.
 *
 * Allocation tags. Allocated blocks carry a page_type tag: the head frame
 * ALLOC_HEAD|order, the others ALLOC_TAIL. That is how free_pages() with
 * the wrong order, a second free, or a free of a frame inside a block is
 * caught before it can corrupt the lists ("BUG: Bad page state"), even
 * without DEBUG_VM. A refused free changes nothing: the block stays with its
 * owner and no frame can be handed out twice.
 *
 * Locking.
 *   zone->lock	the buddy lists of the zone and PageBuddy state. Nests inside
 *		a pcp section; never held across a call out of this file.
 *   the CPU	a pcp list is touched only between pcpu_enter() and pcpu_exit()
 *		(src/machine/sched.h): the task then owns its virtual CPU, so
 *		no other task can run there, exactly the kernel's guarantee
 *		under preempt_disable(). The fast path costs the CPU owner word
 *		(one CAS) and no lock. drain_all_pages() and /proc readers reach
 *		another CPU's lists by taking that CPU the same way (pinning
 *		themselves to it for the moment), never by reading them under
 *		its feet.
 *   page->flags	written with relaxed atomic stores outside zone->lock,
 *		because a neighbour's free reads them (PageBuddy) under the lock.
 *
 * Slow path (__alloc_pages_slowpath): below the low watermark kswapd is
 * woken; then the min watermark, less for __GFP_HIGH (GFP_ATOMIC); then,
 * only with __GFP_DIRECT_RECLAIM, rounds of direct reclaim (shrinkers,
 * slab_shrink_all, drain of the pcp lists) with the kernel's retry policy.
 * ukmem has no processes to kill: where Linux would invoke the OOM killer,
 * it prints the OOM report and fails the allocation (docs/page_alloc.md).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/spinlock.h>
#include <linux/sched/mm.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "mm/internal.h"
#include "lib/fault-inject.h"
#include "debug/trace.h"
#include "debug/leak.h"
#include "mm/page_owner.h"
#include "debug/kasan.h"

#define PAGE_TYPE_ALLOC_HEAD 0xa1100000u /* | order */
#define PAGE_TYPE_ALLOC_TAIL 0xa1200000u
#define PAGE_TYPE_MASK	     0xfff00000u

static struct zone zones[MAX_NR_ZONES];
__ukmem_export struct zone *ukmem_zones = zones;
__ukmem_export unsigned long totalram_pages_count;
atomic_long_t vm_node_stat[NR_VM_NODE_STAT_ITEMS];
unsigned long vm_events[NR_VM_EVENT_ITEMS];
bool pcp_lists_enabled = true;

/* __GFP_NOFAIL sleepers: the free paths bump free_seq and wake them. */
static int alloc_waiters;
static u32 free_seq;

/* the legacy VGA/BIOS hole, 0x9f000-0xfffff, absent from an x86 e820 map */
#define X86_BIOS_HOLE_START_PFN 0x9fUL

static const char *const zone_names[MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "HighMem"};
/* the kernel's sysctl_lowmem_reserve_ratio defaults */
static const int lowmem_reserve_ratio[MAX_NR_ZONES] = {256, 256, 32, 0};

static inline void zone_mod_free(struct zone *zone, long delta)
{
	__atomic_fetch_add(&zone->vm_stat[NR_FREE_PAGES].counter, delta, __ATOMIC_RELAXED);
}

static inline void page_flags_store(struct page *page, unsigned long flags)
{
	__atomic_store_n(&page->flags, flags, __ATOMIC_RELAXED);
}

/* current_gfp_context() for a task already looked up */
static inline gfp_t current_gfp_context_of(const struct task_struct *t, gfp_t flags)
{
	if (t->flags & PF_MEMALLOC_NOIO)
		flags &= ~(__GFP_IO | __GFP_FS);
	else if (t->flags & PF_MEMALLOC_NOFS)
		flags &= ~__GFP_FS;
	return flags;
}

static inline bool pcp_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER;
}

/* ---------------------------------------------------------------- GFP */

#define GFP_ZONE_MODS (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM)

/* two or more of DMA, DMA32, HIGHMEM: the kernel's GFP_ZONE_BAD combinations */
static inline bool gfp_zone_bad(gfp_t flags)
{
	gfp_t z = flags & GFP_ZONE_MODS;

	return z & (z - 1);
}

/**
 * gfp_zone - the highest zone an allocation with @flags may use
 * @flags: GFP flags
 *
 * Contradictory zone modifiers (__GFP_DMA|__GFP_DMA32 ...) give the most
 * restrictive zone named; __alloc_pages() reports them.
 *
 * Context: any.
 * Return: ZONE_DMA, ZONE_DMA32 (ZONE_NORMAL on i386), ZONE_HIGHMEM on i386
 * for __GFP_HIGHMEM, else ZONE_NORMAL.
 */
static __always_inline enum zone_type __gfp_zone(gfp_t flags)
{
	if (likely(!(flags & GFP_ZONE_MODS)))
		return ZONE_NORMAL;
	if (flags & __GFP_DMA)
		return ZONE_DMA;
	if (flags & __GFP_DMA32)
		return machine.arch == MACHINE_X86_64 ? ZONE_DMA32 : ZONE_NORMAL;
	if (machine.arch == MACHINE_I386)
		return ZONE_HIGHMEM;
	return ZONE_NORMAL;
}

__ukmem_export enum zone_type gfp_zone(gfp_t flags)
{
	ukmem_ensure_booted();
	return __gfp_zone(flags);
}

/* ---------------------------------------------------------------- reports */

/*
 * bad_page - the kernel's "Bad page state" report: the page dump, modules,
 * stack, then the B taint (after printing, so this report still shows the
 * taint state it found). The caller decides what happens to the page.
 */
void bad_page(struct page *page, const char *reason)
{
	struct task_struct *t = current_task();

	report_start(UKMEM_REPORT_BAD_PAGE);
	printk(KERN_ALERT "BUG: Bad page state in process %s  pfn:%05lx\n", t->comm,
	       page_to_pfn(page));
	dump_page(page, reason);
	printk(KERN_ALERT "Modules linked in:\n");
	report_stack();
	add_taint(TAINT_BAD_PAGE); /* prints "Disabling lock debugging ..." the first time */
	report_end(UKMEM_REPORT_BAD_PAGE);
}

/* ---------------------------------------------------------------- buddy */

static inline bool page_is_buddy(struct zone *zone, struct page *buddy, unsigned int order)
{
	unsigned long pfn = page_to_pfn(buddy);

	return pfn >= zone->zone_start_pfn && pfn < zone_end_pfn(zone) && PageBuddy(buddy) &&
	       buddy->private == order;
}

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				    bool tail)
{
	struct free_area *area = &zone->free_area[order];

	page_flags_store(page, page->flags | (1UL << PG_buddy));
	page->private = order;
	__atomic_store_n(&page->page_type, 0, __ATOMIC_RELAXED); /* leak walks read it */
	if (tail)
		list_add_tail(&page->lru, &area->free_list);
	else
		list_add(&page->lru, &area->free_list);
	/* read without the lock by zone_watermark_ok() */
	__atomic_store_n(&area->nr_free, area->nr_free + 1, __ATOMIC_RELAXED);
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	list_del(&page->lru);
	page_flags_store(page, page->flags & ~(1UL << PG_buddy));
	page->private = 0;
	__atomic_store_n(&zone->free_area[order].nr_free, zone->free_area[order].nr_free - 1,
			 __ATOMIC_RELAXED);
}

/* __free_one_page - give a block back to the buddy lists, merging. zone->lock held. */
static void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order)
{
	unsigned int start_order = order;

	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy = page + ((long)buddy_pfn - (long)pfn);

		if (!page_is_buddy(zone, buddy, order))
			break;
		del_page_from_free_list(buddy, zone, order);
		pfn &= buddy_pfn;
		page = pfn_to_page(pfn);
		order++;
	}
	/* a block that could merge further soon goes to the tail (kept cold) */
	add_to_free_list(page, zone, order, order < MAX_PAGE_ORDER - 1 && order > start_order);
	zone_mod_free(zone, 1L << start_order);
}

/* expand - split a 2^high block down to 2^low, freeing the upper halves. */
static inline void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high, false);
	}
}

/* __rmqueue_smallest - take a 2^order block off the buddy lists. zone->lock held;
 * the caller adjusts NR_FREE_PAGES. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, bool cold)
{
	unsigned int o;

	for (o = order; o < NR_PAGE_ORDERS; o++) {
		struct free_area *area = &zone->free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = cold ? list_last_entry(&area->free_list, struct page, lru)
			    : list_first_entry(&area->free_list, struct page, lru);
		del_page_from_free_list(page, zone, o);
		expand(zone, page, order, o);
		return page;
	}
	return NULL;
}

/* ---------------------------------------------------------------- watermarks */

#define ALLOC_WMARK_MIN	    WMARK_MIN
#define ALLOC_WMARK_LOW	    WMARK_LOW
#define ALLOC_WMARK_HIGH    WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK    (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM	    0x08
#define ALLOC_NON_BLOCK	    0x10
#define ALLOC_MIN_RESERVE   0x20
#define ALLOC_RESERVES	    (ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_OOM)

/*
 * zone_watermark_ok - would @z stay above @mark after taking 2^order pages?
 * __GFP_HIGH (ALLOC_MIN_RESERVE) may use half of the min reserve, a
 * non-blocking __GFP_HIGH caller (GFP_ATOMIC) a quarter of the rest too:
 * the kernel's __zone_watermark_ok.
 */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags)
{
	long min = (long)mark;
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES) - (1L << order) + 1;
	unsigned int o;

	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (o = order; o < NR_PAGE_ORDERS; o++)
		if (__atomic_load_n(&z->free_area[o].nr_free, __ATOMIC_RELAXED))
			return true;
	return false;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp, const struct task_struct *t)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_MIN_RESERVE;
	if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_NON_BLOCK;
	/* __gfp_pfmemalloc_flags: reclaimers and __GFP_MEMALLOC ignore watermarks */
	if (!(gfp & __GFP_NOMEMALLOC)) {
		if (gfp & __GFP_MEMALLOC)
			alloc_flags |= ALLOC_NO_WATERMARKS;
		else if ((t->flags & PF_MEMALLOC) &&
			 !(t->preempt_count & (HARDIRQ_MASK | SOFTIRQ_OFFSET)))
			alloc_flags |= ALLOC_NO_WATERMARKS;
	}
	return alloc_flags;
}

/* ---------------------------------------------------------------- alloc */

/* kernel_init_pages - zero a block; a highmem block's frames are discarded (read as zero) */
static void kernel_init_pages(struct page *page, unsigned int order)
{
	if (!PageHighMem(page))
		memset(page_to_virt(page), 0, PAGE_SIZE << order);
	else
		plat_ram_discard(machine.ram_fd, page_to_phys(page), PAGE_SIZE << order);
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	unsigned long i, n = 1UL << order;

	for (i = 0; i < n; i++) {
		page_flags_store(&page[i], page[i].flags & (ZONES_MASK << ZONES_PGSHIFT));
		page[i].mapping = NULL;
		page[i].index = 0;
		page[i].private = 0;
		page[i].virtual = NULL;
		atomic_set(&page[i]._refcount, 0);
		/* atomic: the leak walks read it without the zone lock */
		__atomic_store_n(&page[i].page_type,
				 i ? PAGE_TYPE_ALLOC_TAIL : PAGE_TYPE_ALLOC_HEAD | order,
				 __ATOMIC_RELAXED);
	}
	set_page_count(page, 1);
	if (gfp & __GFP_COMP && order) {
		page_flags_store(page, page->flags | (1UL << PG_head));
		for (i = 1; i < n; i++)
			page[i].compound_head = (unsigned long)page | 1;
		page[1].compound_order = (unsigned char)order;
	}
	set_page_owner(page, order, gfp);
	kasan_pages(page, order, false);
	/* init_on_alloc=1 zeroes every block (with init_on_free=1 it was zeroed when freed) */
	if ((gfp & __GFP_ZERO) || unlikely(init_on_alloc && !init_on_free))
		kernel_init_pages(page, order);
}

/* pcp->count is written by the CPU's holder only, read by /proc without it */
static inline void pcp_count_add(struct per_cpu_pages *pcp, int delta)
{
	__atomic_store_n(&pcp->count, pcp->count + delta, __ATOMIC_RELAXED);
}

static inline void set_pcp_page(struct page *page, unsigned int order)
{
	page->private = order;
	page_flags_store(page, page->flags | (1UL << PG_pcp));
}

static inline void clear_pcp_page(struct page *page)
{
	page_flags_store(page, page->flags & ~(1UL << PG_pcp));
}

/*
 * rmqueue_bulk - move up to @count blocks of @order from the buddy lists to
 * @list (tail), under one zone->lock. Return: blocks moved.
 */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list)
{
	int i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue_smallest(zone, order, false);

		if (!page)
			break;
		set_pcp_page(page, order);
		list_add_tail(&page->lru, list);
	}
	zone_mod_free(zone, -((long)i << order));
	spin_unlock(&zone->lock);
	return i;
}

/*
 * free_pcppages_bulk - give @count pages (at least) of @pcp back to the
 * buddy lists, coldest first, one order after the other. CPU held.
 */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp)
{
	unsigned int o = 0;

	if (count > pcp->count)
		count = pcp->count;
	if (count <= 0)
		return;
	spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list = &pcp->lists[o];

		if (list_empty(list)) {
			o = (o + 1) % NR_PCP_LISTS;
			continue;
		}
		do {
			struct page *page = list_last_entry(list, struct page, lru);

			list_del(&page->lru);
			clear_pcp_page(page);
			pcp_count_add(pcp, -(1 << o));
			count -= 1 << o;
			__free_one_page(page, page_to_pfn(page), zone, o);
		} while (count > 0 && !list_empty(list));
		o = (o + 1) % NR_PCP_LISTS;
	}
	spin_unlock(&zone->lock);
	pcp->drains++;
	count_vm_event(PCP_DRAIN);
}

static inline int pcp_batch_blocks(const struct per_cpu_pages *pcp, unsigned int order)
{
	return max(pcp->batch >> order, 2);
}

/* __rmqueue_pcplist - take a block off this CPU's list, refilling it if empty. CPU held. */
static inline struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order, bool cold,
					     struct per_cpu_pages *pcp)
{
	struct list_head *list = &pcp->lists[order];
	struct page *page;

	if (unlikely(list_empty(list))) {
		int got = rmqueue_bulk(zone, order, pcp_batch_blocks(pcp, order), list);

		if (!got)
			return NULL;
		pcp_count_add(pcp, got << order);
		pcp->refills++;
		count_vm_event(PCP_REFILL);
	}
	page = cold ? list_last_entry(list, struct page, lru)
		    : list_first_entry(list, struct page, lru);
	list_del(&page->lru);
	clear_pcp_page(page);
	pcp_count_add(pcp, -(1 << order));
	pcp->alloc_hits++;
	return page;
}

static struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, gfp_t gfp)
{
	struct task_struct *t = pcpu_enter();
	struct page *page =
	    __rmqueue_pcplist(zone, order, gfp & __GFP_COLD, &zone->per_cpu_pageset[t->cpu]);

	pcpu_exit(t);
	return page;
}

struct page *rmqueue(struct zone *zone, unsigned int order, gfp_t gfp)
{
	struct page *page;

	if (likely(pcp_order(order) && pcp_lists_enabled))
		return rmqueue_pcplist(zone, order, gfp);
	alloc_enter(current_task()); /* an allocator section (sched.h) */
	spin_lock(&zone->lock);
	page = __rmqueue_smallest(zone, order, gfp & __GFP_COLD);
	if (page)
		zone_mod_free(zone, -(1L << order));
	spin_unlock(&zone->lock);
	alloc_exit(current_task());
	return page;
}

/* get_page_from_freelist - walk the zones from the highest allowed downward. */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
					   int highest_zoneidx)
{
	int z;

	for (z = highest_zoneidx; z >= 0; z--) {
		struct zone *zone = &zones[z];
		struct page *page;

		if (!zone_managed_pages(zone))
			continue;
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_ok(zone, order,
				       zone->_watermark[alloc_flags & ALLOC_WMARK_MASK],
				       highest_zoneidx, alloc_flags))
			continue;
		page = rmqueue(zone, order, gfp);
		if (page) {
			prep_new_page(page, order, gfp);
			return page;
		}
	}
	return NULL;
}

void warn_alloc(gfp_t gfp, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (gfp & __GFP_NOWARN)
		return;
	va_start(ap, fmt);
	ukmem_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_start(UKMEM_REPORT_ALLOC_FAIL);
	/* nodemask=%*pbl of a NULL mask, then cpuset_print_current_mems_allowed() */
	printk(KERN_WARNING "%s: %s, mode:%#x(%pGg), nodemask=(null),cpuset=/,mems_allowed=0\n",
	       current_task()->comm, msg, gfp, &gfp);
	report_stack();
	__show_mem((int)__gfp_zone(gfp));
	report_end(UKMEM_REPORT_ALLOC_FAIL);
}

/* wait_for_free_memory - sleep (futex) until a free path reports memory back. */
static void wait_for_free_memory(void)
{
	u32 seq;

	__atomic_fetch_add(&alloc_waiters, 1, __ATOMIC_SEQ_CST);
	seq = __atomic_load_n(&free_seq, __ATOMIC_SEQ_CST);
	count_vm_event(NOFAIL_WAIT);
	/* the timeout only bounds a lost wakeup; the free paths wake us */
	plat_futex_wait(&free_seq, seq, 200 * 1000 * 1000);
	__atomic_fetch_sub(&alloc_waiters, 1, __ATOMIC_SEQ_CST);
}

void wake_alloc_waiters(void)
{
	__atomic_fetch_add(&free_seq, 1, __ATOMIC_SEQ_CST);
	plat_futex_wake(&free_seq, 1 << 30);
}

static inline void check_alloc_waiters(void)
{
	if (unlikely(__atomic_load_n(&alloc_waiters, __ATOMIC_SEQ_CST)))
		wake_alloc_waiters();
}

static struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order, int highest,
					   struct task_struct *t)
{
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, t);
	int no_progress_loops = 0, progress_loops = 0;
	unsigned long progress;
	bool drained = false;
	struct page *page;

	/*
	 * A may-sleep allocation in atomic context was reported by the caller
	 * path; ukmem then goes on without sleeping (a task that sleeps while
	 * holding its virtual CPU would stall every task queued for it).
	 */
	if (can_direct_reclaim && !task_preemptible(t))
		can_direct_reclaim = false;
	if ((gfp & __GFP_NOFAIL) && !can_direct_reclaim && task_preemptible(t))
		WARN_ON_ONCE(1); /* __GFP_NOFAIL needs __GFP_DIRECT_RECLAIM */
	if ((gfp & __GFP_NOFAIL) && costly)
		WARN_ON_ONCE(1); /* __GFP_NOFAIL above PAGE_ALLOC_COSTLY_ORDER */
retry:
	if (gfp & __GFP_KSWAPD_RECLAIM)
		wakeup_kswapd(order, highest);
	page = get_page_from_freelist(gfp, order, alloc_flags, highest);
	if (page)
		return page;
	if (!can_direct_reclaim)
		goto nopage;
	/* a reclaimer's own allocations never recurse into reclaim */
	if (t->flags & PF_MEMALLOC)
		goto nopage;

	progress = try_to_free_pages(gfp, order, highest);
	page = get_page_from_freelist(gfp, order, alloc_flags, highest);
	if (!page && !drained) {
		drain_all_pages(NULL);
		drained = true;
		page = get_page_from_freelist(gfp, order, alloc_flags, highest);
	}
	if (page)
		return page;

	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly && !(gfp & (__GFP_RETRY_MAYFAIL | __GFP_NOFAIL)))
		goto nopage;
	/*
	 * should_reclaim_retry: go on while reclaim gives pages back, and for
	 * MAX_RECLAIM_RETRIES rounds without. Progress is pages, never the
	 * objects a shrinker claims; the bound on rounds with progress keeps
	 * other tasks that take every page reclaim frees from holding us.
	 */
	if (progress && ++progress_loops < 64 * MAX_RECLAIM_RETRIES) {
		no_progress_loops = 0;
		drained = false;
		goto retry;
	}
	if (++no_progress_loops <= MAX_RECLAIM_RETRIES)
		goto retry;

	if (gfp & __GFP_NOFAIL) {
		/* the kernel lets a failing __GFP_NOFAIL dip into the reserves first */
		page = get_page_from_freelist(gfp, order, ALLOC_WMARK_MIN | ALLOC_MIN_RESERVE,
					      highest);
		if (page)
			return page;
		wait_for_free_memory();
		no_progress_loops = 0;
		progress_loops = 0;
		drained = false;
		goto retry;
	}
	if (gfp & __GFP_RETRY_MAYFAIL)
		goto nopage;
	/* Linux would kill a process and retry; there is none: report, fail. */
	out_of_memory(gfp, order);
nopage:
	warn_alloc(gfp, "page allocation failure: order:%u", order);
	return NULL;
}

/**
 * __alloc_pages - allocate 2^@order contiguous page frames
 * @gfp: GFP flags (zone modifiers, reclaim and retry policy, __GFP_ZERO ...)
 * @order: log2 of the number of frames, at most MAX_PAGE_ORDER
 * @preferred_nid: node (only node 0 exists)
 * @nodemask: ignored (NULL)
 *
 * Context: any context for gfp without __GFP_DIRECT_RECLAIM; process
 * context that may sleep otherwise (misuse is reported, then handled as
 * non-blocking). The task's memalloc_noio/nofs scopes apply.
 * Return: the first struct page of the block, refcount 1; NULL on failure,
 * with the "page allocation failure" report unless __GFP_NOWARN.
 */
static __always_inline struct page *alloc_pages_gated(gfp_t gfp, unsigned int order)
{
	struct task_struct *t;
	struct page *page;
	int highest;

	if (unlikely(order > MAX_PAGE_ORDER)) {
		if (!(gfp & __GFP_NOWARN))
			report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__,
				    __builtin_return_address(0),
				    "__alloc_pages: order %u > MAX_PAGE_ORDER (%d)\n", order,
				    MAX_PAGE_ORDER);
		return NULL;
	}
	t = current_task();
	if (unlikely(t->flags & (PF_MEMALLOC_NOIO | PF_MEMALLOC_NOFS)))
		gfp = current_gfp_context_of(t, gfp);
	if (unlikely(gfp_zone_bad(gfp)))
		report_warn(
		    UKMEM_REPORT_WARN, __FILE__, __LINE__, __builtin_return_address(0),
		    "Unexpected gfp: %#x (%pGg): contradictory zone modifiers, using the lowest\n",
		    gfp, &gfp);
	if ((gfp & __GFP_DIRECT_RECLAIM) &&
	    unlikely(!task_preemptible(t) || t->rcu_read_lock_nesting))
		might_sleep_check(__FILE__, __LINE__);
	/* prepare_alloc_pages(): an injected failure returns before any free list, silently */
	if (unlikely(should_fail_alloc_page(gfp, order)))
		return NULL;
	highest = (int)__gfp_zone(gfp);
	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, highest);
	if (likely(page))
		return page;
	return __alloc_pages_slowpath(gfp, order, highest, t);
}

__ukmem_export struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid,
					  void *nodemask)
{
	struct task_struct *t;
	struct page *page;

	ukmem_ensure_booted();
	t = current_task();
	if (unlikely(!gate_enter(t)))
		return NULL; /* the machine was shut down meanwhile (sched.h) */
	page = alloc_pages_gated(gfp, order);
	gate_exit(t);
	trace_mm_page_alloc(page, order, gfp);
	return page;
}

/**
 * alloc_pages - allocate 2^@order contiguous frames on this (the only) node
 * @gfp: GFP flags
 * @order: log2 of the number of frames
 *
 * Context: as __alloc_pages().
 * Return: the first struct page, or NULL.
 */
__ukmem_export struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return __alloc_pages(gfp, order, 0, NULL);
}

/**
 * alloc_pages_node - alloc_pages() on node @nid
 * @nid: 0 or NUMA_NO_NODE (another node is warned about, node 0 used)
 * @gfp: GFP flags
 * @order: log2 of the number of frames
 *
 * Context: as __alloc_pages().
 * Return: the first struct page, or NULL.
 */
__ukmem_export struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	if (nid != 0 && nid != NUMA_NO_NODE)
		WARN_ONCE(1, "alloc_pages_node: node %d does not exist\n", nid);
	return __alloc_pages(gfp, order, 0, NULL);
}

/**
 * __get_free_pages - allocate 2^@order frames and return their address
 * @gfp: GFP flags; __GFP_HIGHMEM is dropped (the block needs an address)
 * @order: log2 of the number of frames
 *
 * Context: as __alloc_pages().
 * Return: the kernel logical (direct-map) address, or 0.
 */
__ukmem_export unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = __alloc_pages(gfp & ~__GFP_HIGHMEM, order, 0, NULL);

	return page ? (unsigned long)page_to_virt(page) : 0;
}

/**
 * get_zeroed_page - one zeroed page by its address
 * @gfp: GFP flags (__GFP_ZERO is added, __GFP_HIGHMEM dropped)
 *
 * Context: as __alloc_pages().
 * Return: its kernel logical address, or 0.
 */
__ukmem_export unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/*
 * page_alloc_block_order - the order of the allocated block whose head is
 * @page, or -1 when @page heads none (free, a tail, reserved). A lockless
 * snapshot, for the leak walks of debug/leak.c.
 */
int page_alloc_block_order(const struct page *page)
{
	unsigned int type = __atomic_load_n(&page->page_type, __ATOMIC_RELAXED);

	if ((type & PAGE_TYPE_MASK) != PAGE_TYPE_ALLOC_HEAD ||
	    (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) &
	     ((1UL << PG_buddy) | (1UL << PG_pcp))))
		return -1;
	return (int)(type & 0xff);
}

/* ---------------------------------------------------------------- free */

/* the kernel's PAGE_FLAGS_CHECK_AT_FREE (6.12; no LRU generations here) */
#define PAGE_FLAGS_CHECK_AT_FREE                                                                   \
	((1UL << PG_lru) | (1UL << PG_locked) | (1UL << PG_private) | (1UL << PG_private_2) |      \
	 (1UL << PG_writeback) | (1UL << PG_reserved) | (1UL << PG_active) |                       \
	 (1UL << PG_unevictable) | (1UL << PG_mlocked))

/*
 * page_bad_reason - why @page may not go back, as 6.12's page_bad_reason():
 * the last reason that applies wins. 6.12 keeps a slab or page-table page's
 * type in _mapcount ("nonzero mapcount"); there ->mapping aliases the slab
 * list, so it is not read for them. Tail frames of a block must hold no
 * reference of their own. NULL: fit to free.
 */
static const char *page_bad_reason(const struct page *page, bool tail)
{
	const char *reason = NULL;

	if (unlikely(page->flags & ((1UL << PG_slab) | (1UL << PG_table))))
		reason = "nonzero mapcount";
	else if (unlikely(page->mapping != NULL))
		reason = "non-NULL mapping";
	if (unlikely(tail && atomic_read(&page->_refcount) != 0))
		reason = "nonzero _refcount";
	if (unlikely(page->flags & PAGE_FLAGS_CHECK_AT_FREE))
		reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	return reason;
}

static __always_inline bool free_tag_ok(const struct page *page, unsigned int order)
{
	return !(__atomic_load_n(&page->flags, __ATOMIC_RELAXED) &
		 ((1UL << PG_buddy) | (1UL << PG_pcp))) &&
	       page->page_type == (PAGE_TYPE_ALLOC_HEAD | order);
}

/* what a head may not carry at free: the kernel's flags and the "free"/type bits */
#define PAGE_FLAGS_BAD_AT_FREE                                                                     \
	(PAGE_FLAGS_CHECK_AT_FREE | (1UL << PG_buddy) | (1UL << PG_pcp) | (1UL << PG_slab) |       \
	 (1UL << PG_table))

/*
 * free_pages_check_bad - the slow half of free_pages_check(): find the
 * reason, report it ("Bad page state"), return false (true if, after all,
 * nothing is wrong).
 */
static noinline bool free_pages_check_bad(struct page *page, unsigned int order)
{
	unsigned int type = page->page_type;
	unsigned long i, n = 1UL << order;
	const char *reason;

	if (unlikely(!free_tag_ok(page, order))) {
		char why[96];

		if (PageBuddy(page) || PagePcp(page))
			reason = "page is already free (double free)";
		else if ((type & PAGE_TYPE_MASK) == PAGE_TYPE_ALLOC_TAIL)
			reason = "freeing a page inside an allocated block";
		else if ((type & PAGE_TYPE_MASK) == PAGE_TYPE_ALLOC_HEAD) {
			snprintf(why, sizeof(why), "freed with order %u, allocated with order %u",
				 order, type & 0xff);
			reason = why;
		} else {
			/* a reserved frame gets the kernel's own reason */
			reason = page_bad_reason(page, false);
			if (!reason)
				reason = "page was not allocated by the page allocator";
		}
		bad_page(page, reason);
		return false;
	}
	reason = page_bad_reason(page, false);
	if (reason) {
		bad_page(page, reason);
		return false;
	}
	for (i = 1; i < n; i++) {
		reason = page_bad_reason(&page[i], true);
		if (reason) {
			bad_page(&page[i], reason);
			return false;
		}
	}
	return true;
}

/*
 * free_pages_check - may this block go back to the allocator? Checks the
 * allocation tag (double free, wrong order, a frame inside a block,
 * something never allocated), then the page state the kernel checks with
 * DEBUG_VM, on every frame. Reports and returns false if not; changes
 * nothing either way. The common case is one OR-accumulated test per frame.
 */
static __always_inline bool free_pages_check(struct page *page, unsigned int order)
{
	unsigned long i, n = 1UL << order;
	unsigned long bad =
	    (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) & PAGE_FLAGS_BAD_AT_FREE) |
	    (unsigned long)page->mapping | (page->page_type ^ (PAGE_TYPE_ALLOC_HEAD | order));

	for (i = 1; i < n; i++)
		bad |=
		    (__atomic_load_n(&page[i].flags, __ATOMIC_RELAXED) & PAGE_FLAGS_BAD_AT_FREE) |
		    (unsigned long)page[i].mapping | (unsigned int)atomic_read(&page[i]._refcount);
	if (likely(!bad))
		return true;
	return free_pages_check_bad(page, order);
}

/* free_pages_prepare - reset a checked block's frames for the free lists */
static __always_inline void free_pages_prepare(struct page *page, unsigned int order)
{
	unsigned long i, n = 1UL << order;

	reset_page_owner(page, order);
	if (unlikely(init_on_free)) {
		kasan_pages(page, order, false); /* slab pages may hold poisoned objects */
		kernel_init_pages(page, order);
	}
	if (unlikely(kasan_on))
		kasan_pages(page, order, true);

	for (i = 0; i < n; i++) {
		__atomic_store_n(&page[i].page_type, 0, __ATOMIC_RELAXED);
		page_flags_store(&page[i], page[i].flags & (ZONES_MASK << ZONES_PGSHIFT));
		page[i].compound_head = 0;
		page[i].virtual = NULL;
		INIT_LIST_HEAD(&page[i].lru);
	}
}

void free_one_block(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);

	alloc_enter(current_task()); /* an allocator section (sched.h) */
	spin_lock(&zone->lock);
	__free_one_page(page, page_to_pfn(page), zone, order);
	spin_unlock(&zone->lock);
	alloc_exit(current_task());
	check_alloc_waiters();
}

/* free_unref_page - a prepared block to this CPU's list (hot end), or the buddy. */
static void free_unref_page(struct page *page, unsigned int order)
{
	struct zone *zone;
	struct task_struct *t;
	struct per_cpu_pages *pcp;

	if (unlikely(!pcp_order(order) || !pcp_lists_enabled)) {
		free_one_block(page, order);
		return;
	}
	zone = page_zone(page);
	t = pcpu_enter();
	pcp = &zone->per_cpu_pageset[t->cpu];
	set_pcp_page(page, order);
	list_add(&page->lru, &pcp->lists[order]);
	pcp_count_add(pcp, 1 << order);
	if (unlikely(pcp->count >= pcp->high))
		free_pcppages_bulk(zone, pcp->count - pcp->high + pcp->batch, pcp);
	pcpu_exit(t);
	check_alloc_waiters();
}

static bool page_ref_put_checked(struct page *page)
{
	int old = atomic_read(&page->_refcount);

	do {
		if (unlikely(old <= 0)) {
			bad_page(page, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
			return false;
		}
	} while (!atomic_try_cmpxchg(&page->_refcount, &old, old - 1));
	return old == 1;
}

/*
 * put_block - drop a reference on the block headed by @page; the last one
 * frees it. The sole holder's block is checked before its reference goes,
 * so a refused free leaves it exactly as it was (refcount 1, contents,
 * owner). A block whose last reference a racing holder dropped first is
 * checked after, and if bad kept out of the free lists, as the kernel does.
 */
static __always_inline void put_block(struct page *page, unsigned int order)
{
	/* acquire: pairs with the release of the holder that dropped before us */
	int old = __atomic_load_n(&page->_refcount.counter, __ATOMIC_ACQUIRE);

	if (likely(old == 1)) {
		if (unlikely(!free_pages_check(page, order)))
			return;
		if (likely(atomic_try_cmpxchg(&page->_refcount, &old, 0)))
			goto free;
	}
	if (!page_ref_put_checked(page) || !free_pages_check(page, order))
		return;
free:
	trace_mm_page_free(page, order);
	free_pages_prepare(page, order);
	free_unref_page(page, order);
}

/*
 * split_referenced_block - __free_pages() of a non-compound block whose
 * first frame someone else still references (a speculative get_page(), as
 * the page cache takes): as the kernel's ___free_pages(), the rest goes
 * back now, in blocks of order n-1 ... 0 after the first frame, which
 * stays as an order-0 block until its last reference goes. The first frame
 * is retagged before our reference is dropped, so whichever holder drops
 * the last one frees an order-0 block.
 */
static void split_referenced_block(struct page *page, unsigned int order)
{
	page->page_type = PAGE_TYPE_ALLOC_HEAD;
	while (order-- > 0) {
		struct page *part = page + (1UL << order);

		part->page_type = PAGE_TYPE_ALLOC_HEAD | order;
		set_page_count(part, 1);
		put_block(part, order);
	}
	put_block(page, 0);
}

static inline bool page_of_this_machine(const struct page *page)
{
	return page >= mem_map && page < mem_map + max_pfn &&
	       !(((unsigned long)page - (unsigned long)mem_map) % sizeof(struct page));
}

/**
 * __free_pages - drop a reference to a block from alloc_pages()
 * @page: its first struct page (NULL is a no-op)
 * @order: the order it was allocated with
 *
 * A free with the wrong order, of a block already free, of a frame inside a
 * block or of something the allocator never handed out is reported ("BUG:
 * Bad page state") and refused; nothing changes.
 *
 * Context: any.
 */
static __always_inline void free_pages_gated(struct page *page, unsigned int order)
{
	if (unlikely(!mem_map || !page_of_this_machine(page))) {
		report_warn(UKMEM_REPORT_BAD_PAGE, __FILE__, __LINE__, __builtin_return_address(0),
			    "__free_pages: %px is not a struct page of this machine\n",
			    (void *)page);
		return;
	}
	if (unlikely(order > MAX_PAGE_ORDER)) {
		bad_page(page, "freed with an order above MAX_PAGE_ORDER");
		return;
	}
	/* the order must match whoever else holds a reference */
	if (unlikely(!free_tag_ok(page, order))) {
		free_pages_check(page, order); /* reports */
		return;
	}
	if (unlikely(order && !PageHead(page) &&
		     __atomic_load_n(&page->_refcount.counter, __ATOMIC_RELAXED) > 1)) {
		split_referenced_block(page, order);
		return;
	}
	put_block(page, order);
}

__ukmem_export void __free_pages(struct page *page, unsigned int order)
{
	struct task_struct *t;

	if (unlikely(!page))
		return;
	if (unlikely(!__atomic_load_n(&machine.booted, __ATOMIC_ACQUIRE) &&
		     !__atomic_load_n(&machine.stopping, __ATOMIC_ACQUIRE))) {
		free_pages_gated(page, order); /* reports it: no machine, and none booted for it */
		return;
	}
	t = current_task();
	if (unlikely(!gate_enter(t)))
		return; /* the machine was shut down meanwhile: its pages went with it */
	free_pages_gated(page, order);
	gate_exit(t);
}

/**
 * free_pages - free a block by its kernel logical address
 * @addr: what __get_free_pages() returned (0 is a no-op)
 * @order: the order it was allocated with
 *
 * Context: any.
 */
__ukmem_export void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	ukmem_ensure_booted();
	if (unlikely(!virt_addr_valid((void *)addr) || offset_in_page(addr))) {
		report_warn(UKMEM_REPORT_BAD_PAGE, __FILE__, __LINE__, __builtin_return_address(0),
			    "free_pages: %#lx is not a page-aligned kernel logical address\n",
			    addr);
		return;
	}
	__free_pages(virt_to_page((void *)addr), order);
}

/* get_page - take a reference on a (compound) page. Context: any. */
__ukmem_export void get_page(struct page *page)
{
	atomic_inc(&compound_head(page)->_refcount);
}

/* put_page - drop a reference; the last one frees the (compound) page. Context: any. */
__ukmem_export void put_page(struct page *page)
{
	struct page *head = compound_head(page);

	put_block(head, compound_order(head));
}

/**
 * alloc_pages_exact - @size bytes of physically contiguous, page-aligned memory
 * @size: bytes (rounded up to pages); the tail of the power-of-two block
 *        beyond it goes back to the allocator
 * @gfp: GFP flags (no __GFP_COMP)
 *
 * Context: as __alloc_pages().
 * Return: the address, or NULL. Free with free_pages_exact().
 */
__ukmem_export void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	unsigned int order = (unsigned int)get_order(size);
	unsigned long addr, used, end;

	if (!size || order > MAX_PAGE_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			WARN(1, "alloc_pages_exact: bad size %zu\n", size);
		return NULL;
	}
	addr = __get_free_pages(gfp & ~__GFP_COMP, order);
	if (!addr)
		return NULL;
	/* split the block and give back the pages beyond @size */
	{
		struct page *page = virt_to_page((void *)addr);
		unsigned long i, n = 1UL << order;

		for (i = 0; i < n; i++) {
			page[i].page_type = PAGE_TYPE_ALLOC_HEAD;
			set_page_count(&page[i], 1);
		}
	}
	used = addr + PAGE_ALIGN(size);
	end = addr + (PAGE_SIZE << order);
	for (; used < end; used += PAGE_SIZE)
		free_pages(used, 0);
	return (void *)addr;
}

/**
 * free_pages_exact - free what alloc_pages_exact() returned
 * @virt: its address (NULL is a no-op)
 * @size: the size it was allocated with
 *
 * Context: any.
 */
__ukmem_export void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt, end = addr + PAGE_ALIGN(size);

	if (!virt)
		return;
	for (; addr < end; addr += PAGE_SIZE)
		free_pages(addr, 0);
}

/**
 * alloc_pages_bulk_array - fill the NULL slots of @page_array with order-0 pages
 * @gfp: GFP flags
 * @nr_pages: slots in @page_array
 * @page_array: slots; non-NULL ones are kept as they are
 *
 * Takes the pages from this CPU's list under one pcpu section (refilling it
 * in batches); when that runs dry or the zone is under its low watermark,
 * one more page comes through the normal path, as the kernel does.
 *
 * Context: as __alloc_pages().
 * Return: the number of populated slots (old and new).
 */
__ukmem_export unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages,
						    struct page **page_array)
{
	unsigned long i, nr_populated = 0, want = 0;
	struct zone *zone = NULL;
	int z;

	ukmem_ensure_booted();
	if (unlikely(!page_array)) {
		if (nr_pages)
			WARN_ONCE(1, "alloc_pages_bulk_array: NULL page_array\n");
		return 0;
	}
	for (i = 0; i < nr_pages; i++) {
		if (page_array[i])
			nr_populated++;
		else
			want++;
	}
	if (!want)
		return nr_populated;
	if (want == 1 || !pcp_lists_enabled || (gfp & __GFP_COLD))
		goto failed;
	if (unlikely(current_task()->flags & (PF_MEMALLOC_NOIO | PF_MEMALLOC_NOFS)))
		gfp = current_gfp_context_of(current_task(), gfp);
	if ((gfp & __GFP_DIRECT_RECLAIM) && !task_preemptible(current_task()))
		goto failed; /* the single-page path reports it */
	for (z = (int)gfp_zone(gfp); z >= 0; z--) {
		if (!zone_managed_pages(&zones[z]))
			continue;
		if (zone_watermark_ok(&zones[z], 0, low_wmark_pages(&zones[z]) + want,
				      (int)gfp_zone(gfp), 0)) {
			zone = &zones[z];
			break;
		}
	}
	if (!zone)
		goto failed;
	{
		struct task_struct *t = pcpu_enter();
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[t->cpu];

		for (i = 0; i < nr_pages; i++) {
			struct page *page;

			if (page_array[i])
				continue;
			page = __rmqueue_pcplist(zone, 0, false, pcp);
			if (!page)
				break;
			prep_new_page(page, 0, gfp); /* as the kernel, inside the section */
			page_array[i] = page;
			nr_populated++;
		}
		pcpu_exit(t);
	}
failed:
	for (i = 0; i < nr_pages; i++) {
		if (page_array[i])
			continue;
		page_array[i] = __alloc_pages(gfp, 0, 0, NULL);
		if (page_array[i])
			nr_populated++;
		break;
	}
	return nr_populated;
}

/* ---------------------------------------------------------------- drain */

static void drain_pages_zone(struct zone *zone, struct per_cpu_pages *pcp)
{
	if (pcp->count)
		free_pcppages_bulk(zone, pcp->count, pcp);
}

/* drain_pages - empty @cpu's lists (of @zone, or all zones). That CPU is held. */
static void drain_pages(int cpu, struct zone *zone)
{
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		if (zone && zone != &zones[z])
			continue;
		if (zones[z].per_cpu_pageset)
			drain_pages_zone(&zones[z], &zones[z].per_cpu_pageset[cpu]);
	}
}

/*
 * on_cpu - run @fn(@cpu, @arg) while holding virtual CPU @cpu: the calling
 * task pins itself there for the moment and enters a pcpu section, so the
 * task that was using that CPU's lists has left them and no other can
 * enter. Must be called preemptible (it would otherwise hold two CPUs).
 */
static noinline void on_cpu(int cpu, void (*fn)(int cpu, void *arg), void *arg)
{
	struct task_struct *t = current_task();
	int saved_cpu = t->cpu, saved_pinned = t->pinned;

	ukmem_set_cpu(cpu); /* pins, and drops a standing lease on the old CPU */
	alloc_enter(t);
	preempt_count_inc(t, 1);
	fn(cpu, arg);
	t = current_task();
	preempt_count_dec(t, 1);
	alloc_exit(t);
	ukmem_set_cpu(saved_cpu);
	t->pinned = saved_pinned;
}

static void drain_one(int cpu, void *zone)
{
	drain_pages(cpu, zone);
}

/**
 * drain_local_pages - give this CPU's pcp pages back to the buddy lists
 * @zone: only this zone's lists, or NULL for all
 *
 * Context: any.
 */
__ukmem_export void drain_local_pages(struct zone *zone)
{
	struct task_struct *t;

	ukmem_ensure_booted();
	t = pcpu_enter();
	drain_pages(t->cpu, zone);
	pcpu_exit(t);
}

/**
 * drain_all_pages - give every CPU's pcp pages back to the buddy lists
 * @zone: only this zone's lists, or NULL for all
 *
 * Each CPU's lists are emptied by taking that CPU (see on_cpu()), which is
 * the kernel's per-CPU drain work without the workqueue.
 *
 * Context: process context, may sleep. From atomic context it is reported
 * and only this CPU's lists are drained.
 */
__ukmem_export void drain_all_pages(struct zone *zone)
{
	struct task_struct *t;
	int cpu;

	ukmem_ensure_booted();
	t = current_task();
	if (!task_preemptible(t)) {
		might_sleep_check(__FILE__, __LINE__);
		drain_pages(t->cpu, zone);
		return;
	}
	for (cpu = 0; cpu < machine.nr_cpus; cpu++)
		on_cpu(cpu, drain_one, zone);
	check_alloc_waiters();
}

void pcp_snapshot(struct zone *zone, int cpu, struct per_cpu_pages *out)
{
	memset(out, 0, sizeof(*out));
	if (!zone->per_cpu_pageset)
		return;
	/* count is stored atomically by its CPU; high and batch are fixed at boot */
	out->count = __atomic_load_n(&zone->per_cpu_pageset[cpu].count, __ATOMIC_RELAXED);
	out->high = zone->per_cpu_pageset[cpu].high;
	out->high_min = zone->per_cpu_pageset[cpu].high_min;
	out->high_max = zone->per_cpu_pageset[cpu].high_max;
	out->batch = zone->per_cpu_pageset[cpu].batch;
}

unsigned long nr_free_pcp_pages(struct zone *zone)
{
	unsigned long sum = 0;
	int z, cpu;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		if ((zone && zone != &zones[z]) || !zones[z].per_cpu_pageset)
			continue;
		for (cpu = 0; cpu < machine.nr_cpus; cpu++)
			sum += (unsigned long)__atomic_load_n(&zones[z].per_cpu_pageset[cpu].count,
							      __ATOMIC_RELAXED);
	}
	return sum;
}

/* ---------------------------------------------------------------- counters */

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++)
		sum += zone_page_state(&zones[z], NR_FREE_PAGES);
	return sum;
}

unsigned long nr_free_highpages(void)
{
	return zone_page_state(&zones[ZONE_HIGHMEM], NR_FREE_PAGES);
}

unsigned long totalhigh_pages(void)
{
	return zone_managed_pages(&zones[ZONE_HIGHMEM]);
}

__ukmem_export int page_is_ram(unsigned long pfn)
{
	return pfn < max_pfn;
}

/* ---------------------------------------------------------------- init */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, b = 1UL << (sizeof(long) * 8 - 2);

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

/* setup_per_zone_wmarks - min/low/high from min_free_kbytes, as the kernel. */
static void setup_per_zone_wmarks(void)
{
	unsigned long lowmem_pages = 0, pages_min;
	long min_free_kbytes = machine.min_free_kbytes;
	int z, j;

	for (z = 0; z < MAX_NR_ZONES; z++)
		if (z != ZONE_HIGHMEM)
			lowmem_pages += zone_managed_pages(&zones[z]);
	if (min_free_kbytes < 0) {
		unsigned long lowmem_kbytes = lowmem_pages * (PAGE_SIZE >> 10);

		min_free_kbytes = (long)int_sqrt(lowmem_kbytes * 16);
		min_free_kbytes = clamp(min_free_kbytes, 128L, 262144L);
		machine.min_free_kbytes = min_free_kbytes;
	}
	pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long managed = zone_managed_pages(zone), tmp;

		if (!managed)
			continue;
		if (z == ZONE_HIGHMEM)
			tmp = clamp(managed / 1024, 32UL, 128UL);
		else
			tmp = lowmem_pages ? pages_min * managed / lowmem_pages : 0;
		zone->_watermark[WMARK_MIN] = tmp;
		tmp = max(tmp >> 2, managed * 10 / 10000); /* watermark_scale_factor 10 */
		zone->_watermark[WMARK_LOW] = zone->_watermark[WMARK_MIN] + tmp;
		zone->_watermark[WMARK_HIGH] = zone->_watermark[WMARK_MIN] + tmp * 2;
		zone->_watermark[WMARK_PROMO] = zone->_watermark[WMARK_MIN] + tmp * 3;
	}
	/* lowmem_reserve: pages a lower zone keeps from allocations that could go higher */
	for (z = 0; z < MAX_NR_ZONES; z++) {
		unsigned long managed_above = 0;

		zones[z].lowmem_reserve[z] = 0;
		for (j = z + 1; j < MAX_NR_ZONES; j++) {
			managed_above += zone_managed_pages(&zones[j]);
			zones[z].lowmem_reserve[j] =
			    lowmem_reserve_ratio[z] && zone_managed_pages(&zones[z])
				? (long)(managed_above / (unsigned long)lowmem_reserve_ratio[z])
				: 0;
		}
	}
}

/* zone_batchsize - the kernel's pcp batch: about a quarter of a MiB, 2^n - 1 */
static int zone_batchsize(struct zone *zone)
{
	unsigned long batch = min(zone_managed_pages(zone) >> 10, (1UL << 20) / PAGE_SIZE);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = rounddown_pow_of_two(batch + batch / 2) - 1;
	return max((int)batch, 1);
}

/* zone_highsize - pcp high: the low watermark split over the CPUs (fraction 0),
 * or managed/fraction split likewise; never below four batches. */
static int zone_highsize(struct zone *zone, int batch, int fraction)
{
	unsigned long total =
	    fraction ? zone_managed_pages(zone) / (unsigned long)fraction : low_wmark_pages(zone);
	unsigned long high = total / (unsigned long)machine.nr_cpus;

	return (int)max(high, (unsigned long)batch << 2);
}

static int setup_zone_pagesets(void)
{
	int z, cpu, o;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		int batch, high_min, high_max;

		zone->per_cpu_pageset = NULL;
		if (!zone_managed_pages(zone))
			continue;
		batch = zone_batchsize(zone);
		high_min = zone_highsize(zone, batch, 0);
		high_max = zone_highsize(zone, batch, 8);
		zone->pageset_batch = batch;
		zone->pageset_high_min = high_min;
		zone->pageset_high_max = high_max;
		zone->per_cpu_pageset =
		    plat_meta_alloc(sizeof(struct per_cpu_pages) * (size_t)machine.nr_cpus);
		if (!zone->per_cpu_pageset)
			return -ENOMEM;
		for (cpu = 0; cpu < machine.nr_cpus; cpu++) {
			struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

			pcp->batch = batch;
			pcp->high = high_min;
			pcp->high_min = high_min;
			pcp->high_max = high_max;
			for (o = 0; o < NR_PCP_LISTS; o++)
				INIT_LIST_HEAD(&pcp->lists[o]);
		}
	}
	return 0;
}

static void free_zone_pagesets(void)
{
	int z, cpu;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		if (!zones[z].per_cpu_pageset)
			continue;
		/* the machine is going down: no task is inside a pcp section */
		for (cpu = 0; cpu < machine.nr_cpus; cpu++)
			drain_pages_zone(&zones[z], &zones[z].per_cpu_pageset[cpu]);
		plat_meta_free(zones[z].per_cpu_pageset,
			       sizeof(struct per_cpu_pages) * (size_t)machine.nr_cpus);
		zones[z].per_cpu_pageset = NULL;
	}
}

/*
 * page_alloc_param - "percpu_pagelists=0|1" turns the per-CPU page lists
 * off or on (default on); off, every allocation and free takes zone->lock.
 */
int page_alloc_param(const char *key, const char *val)
{
	if (!key) {
		pcp_lists_enabled = true;
		return 0;
	}
	if (!strcmp(key, "percpu_pagelists")) {
		if (!val || (strcmp(val, "0") && strcmp(val, "1")))
			return -EINVAL;
		pcp_lists_enabled = val[0] == '1';
		return 0;
	}
	return -ENOENT;
}

int page_alloc_init(void)
{
	unsigned long pfn, total = 0;
	int z, o;

	memset(zones, 0, sizeof(zones));
	memset(vm_node_stat, 0, sizeof(vm_node_stat));
	memset(vm_events, 0, sizeof(vm_events));
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long start = machine.zone_start_pfn[z], end = machine.zone_end_pfn[z];
		unsigned long reserved = 0, holes = 0;

		zone->name = zone_names[z];
		zone->zone_idx = (enum zone_type)z;
		zone->node = 0;
		spin_lock_init(&zone->lock);
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list);
		/* as on x86 (e820), the zones start at pfn 1: frame 0 is in none */
		if (start == 0 && end > 1)
			start = 1;
		zone->zone_start_pfn = start;
		zone->spanned_pages = end > start ? end - start : 0;
		/* frames below the first MiB: the BIOS hole is not even present */
		for (pfn = 0; pfn < end && pfn < machine.reserved_low_pfn; pfn++) {
			SetPageReserved(pfn_to_page(pfn));
			if (pfn < start)
				continue;
			if (pfn >= X86_BIOS_HOLE_START_PFN)
				holes++;
			else
				reserved++;
		}
		zone->present_pages = zone->spanned_pages - holes;
		atomic_long_set(&zone->managed_pages, (long)(zone->present_pages - reserved));
		total += zone->present_pages - reserved;
	}
	totalram_pages_count = total;
	ukmem_zones = zones;

	/* hand every managed frame to the buddy lists, in the largest aligned blocks */
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long end = zone_end_pfn(zone);

		pfn = max(zone->zone_start_pfn, machine.reserved_low_pfn);
		while (pfn < end) {
			unsigned int order = MAX_PAGE_ORDER;

			while (order &&
			       ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > end))
				order--;
			__free_one_page(pfn_to_page(pfn), pfn, zone, order);
			pfn += 1UL << order;
		}
	}
	setup_per_zone_wmarks();
	if (setup_zone_pagesets()) {
		free_zone_pagesets();
		return -ENOMEM;
	}
	pr_info("Built 1 zonelists, mobility grouping off.  Total pages: %lu\n", total);
	for (z = 0; z < MAX_NR_ZONES; z++)
		if (zone_managed_pages(&zones[z]))
			pr_info("  %s zone: %lu pages, LIFO batch:%d\n", zones[z].name,
				zone_managed_pages(&zones[z]), zones[z].pageset_batch);
	if (!pcp_lists_enabled)
		pr_info("ukmem: per-CPU page lists off (percpu_pagelists=0)\n");
	pr_info("Memory: %luK/%luK available\n", nr_free_pages() << (PAGE_SHIFT - 10),
		(unsigned long)(machine.mem_bytes >> 10));
	return 0;
}

void page_alloc_exit(void)
{
	unsigned long free;

	free_zone_pagesets();
	free = nr_free_pages();

	if (free != totalram_pages_count) {
		report_start(UKMEM_REPORT_LEAK);
		pr_err("ukmem: %lu pages (%lu kB) still allocated at shutdown\n",
		       totalram_pages_count - free,
		       (totalram_pages_count - free) << (PAGE_SHIFT - 10));
		leak_report_pages();
		report_end(UKMEM_REPORT_LEAK);
	}
	totalram_pages_count = 0;
}
