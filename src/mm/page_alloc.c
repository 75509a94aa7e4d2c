// SPDX-License-Identifier: MIT
/*
 * page_alloc.c - the buddy page allocator: zones, free areas per order,
 * watermarks, GFP policy, and the page-state checks on free.
 *
 * Free blocks of 2^order frames sit on zone->free_area[order], marked
 * PageBuddy with page->private = order. Freeing merges a block with its
 * buddy (pfn ^ (1 << order)) while the buddy is free and of the same order.
 *
 * Allocated blocks carry a page_type tag: the head frame ALLOC_HEAD|order,
 * the others ALLOC_TAIL. That is how free_pages() with the wrong order, a
 * second free, or a free of a frame inside a block is caught before it can
 * corrupt the free lists ("BUG: Bad page state"), even without DEBUG_VM.
 *
 * Locking: zone->lock protects the free areas and NR_FREE_PAGES.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "mm/internal.h"

#define PAGE_TYPE_ALLOC_HEAD	0xa1100000u	/* | order */
#define PAGE_TYPE_ALLOC_TAIL	0xa1200000u
#define PAGE_TYPE_MASK		0xfff00000u

static struct zone zones[MAX_NR_ZONES];
__ukmem_export struct zone *ukmem_zones = zones;
__ukmem_export unsigned long totalram_pages_count;
atomic_long_t vm_node_stat[NR_VM_NODE_STAT_ITEMS];

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "HighMem" };
/* the kernel's sysctl_lowmem_reserve_ratio defaults */
static const int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32, 0 };

static inline void zone_mod_free(struct zone *zone, long delta)
{
	__atomic_fetch_add(&zone->vm_stat[NR_FREE_PAGES].counter, delta, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------- GFP */

__ukmem_export enum zone_type gfp_zone(gfp_t flags)
{
	ukmem_ensure_booted();
	if (flags & __GFP_DMA)
		return ZONE_DMA;
	if (flags & __GFP_DMA32)
		return machine.arch == MACHINE_X86_64 ? ZONE_DMA32 : ZONE_NORMAL;
	if ((flags & __GFP_HIGHMEM) && machine.arch == MACHINE_I386)
		return ZONE_HIGHMEM;
	return ZONE_NORMAL;
}

/* ---------------------------------------------------------------- reports */

void bad_page(struct page *page, const char *reason)
{
	struct task_struct *t = current_task();

	report_start(UKMEM_REPORT_BAD_PAGE);
	printk(KERN_ALERT "BUG: Bad page state in process %s  pfn:%05lx\n", t->comm,
	       page_to_pfn(page));
	printk(KERN_ALERT "page: refcount:%d mapcount:%d mapping:%016lx index:%#lx pfn:%#lx\n",
	       atomic_read(&page->_refcount), 0, (unsigned long)page->mapping,
	       page->index, page_to_pfn(page));
	printk(KERN_ALERT "flags: %#lx(zone=%d)\n", page->flags & ((1UL << __NR_PAGEFLAGS) - 1),
	       (int)page_zonenum(page));
	printk(KERN_ALERT "page dumped because: %s\n", reason);
	printk(KERN_ALERT "Modules linked in:\n");
	add_taint(TAINT_BAD_PAGE);
	report_stack();
	printk(KERN_ALERT "Disabling lock debugging due to kernel taint\n");
	report_end(UKMEM_REPORT_BAD_PAGE);
}

/* ---------------------------------------------------------------- buddy */

static inline bool page_is_buddy(struct zone *zone, struct page *buddy, unsigned int order)
{
	unsigned long pfn = page_to_pfn(buddy);

	return pfn >= zone->zone_start_pfn && pfn < zone_end_pfn(zone) &&
	       PageBuddy(buddy) && buddy->private == order;
}

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				    bool tail)
{
	struct free_area *area = &zone->free_area[order];

	__SetPageBuddy(page);
	page->private = order;
	page->page_type = 0;
	if (tail)
		list_add_tail(&page->lru, &area->free_list);
	else
		list_add(&page->lru, &area->free_list);
	area->nr_free++;
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone,
					   unsigned int order)
{
	list_del(&page->lru);
	__ClearPageBuddy(page);
	page->private = 0;
	zone->free_area[order].nr_free--;
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
static inline void expand(struct zone *zone, struct page *page, unsigned int low,
			  unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high, false);
	}
}

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
		zone_mod_free(zone, -(1L << order));
		return page;
	}
	return NULL;
}

/* ---------------------------------------------------------------- watermarks */

#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10
#define ALLOC_MIN_RESERVE	0x20
#define ALLOC_RESERVES	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_OOM)

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
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

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_MIN_RESERVE;
	if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_NON_BLOCK;
	return alloc_flags;
}

/* ---------------------------------------------------------------- alloc */

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	unsigned long i, n = 1UL << order;

	for (i = 0; i < n; i++) {
		page[i].flags &= ZONES_MASK << ZONES_PGSHIFT;
		page[i].mapping = NULL;
		page[i].index = 0;
		page[i].private = 0;
		page[i].virtual = NULL;
		atomic_set(&page[i]._refcount, 0);
		page[i].page_type = i ? PAGE_TYPE_ALLOC_TAIL : PAGE_TYPE_ALLOC_HEAD | order;
	}
	set_page_count(page, 1);
	if (gfp & __GFP_COMP && order) {
		__SetPageHead(page);
		for (i = 1; i < n; i++)
			page[i].compound_head = (unsigned long)page | 1;
		page[1].compound_order = (unsigned char)order;
	}
	if (gfp & __GFP_ZERO) {
		if (!PageHighMem(page))
			memset(page_to_virt(page), 0, PAGE_SIZE << order);
		else
			plat_ram_discard(machine.ram_fd, page_to_phys(page), PAGE_SIZE << order);
	}
}

struct page *rmqueue(struct zone *zone, unsigned int order, gfp_t gfp)
{
	struct page *page;

	spin_lock(&zone->lock);
	page = __rmqueue_smallest(zone, order, gfp & __GFP_COLD);
	spin_unlock(&zone->lock);
	return page;
}

/* get_page_from_freelist - walk the zones from the highest allowed downward. */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags, int highest_zoneidx)
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
	printk(KERN_WARNING "%s: %s, mode:%#x(%pGg), nodemask=(null)\n", current_task()->comm,
	       msg, gfp, &gfp);
	report_stack();
	report_end(UKMEM_REPORT_ALLOC_FAIL);
}

__ukmem_export struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid,
					  void *nodemask)
{
	struct page *page;
	int highest;

	ukmem_ensure_booted();
	if (unlikely(order > MAX_PAGE_ORDER)) {
		if (!(gfp & __GFP_NOWARN))
			report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__,
				    __builtin_return_address(0), NULL);
		return NULL;
	}
	if (gfp & __GFP_DIRECT_RECLAIM)
		might_sleep_check(__FILE__, __LINE__);
	highest = (int)gfp_zone(gfp);
	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, highest);
	if (likely(page))
		return page;
	page = get_page_from_freelist(gfp, order, gfp_to_alloc_flags(gfp, order), highest);
	if (page)
		return page;
	warn_alloc(gfp, "page allocation failure: order:%u", order);
	return NULL;
}

__ukmem_export struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return __alloc_pages(gfp, order, 0, NULL);
}

__ukmem_export struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	if (nid != 0 && nid != NUMA_NO_NODE)
		WARN_ONCE(1, "alloc_pages_node: node %d does not exist\n", nid);
	return __alloc_pages(gfp, order, 0, NULL);
}

__ukmem_export unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_to_virt(page) : 0;
}

__ukmem_export unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/* ---------------------------------------------------------------- free */

/* free_pages_check - is this block fit to go back? Reports and refuses if not. */
static bool free_pages_prepare(struct page *page, unsigned int order)
{
	unsigned int type = page->page_type;
	unsigned long i, n = 1UL << order;

	if (unlikely(PageBuddy(page) || PagePcp(page))) {
		bad_page(page, "page is already free (double free)");
		return false;
	}
	if (unlikely(PageReserved(page))) {
		bad_page(page, "PAGE_FLAGS_CHECK_AT_FREE flags set (reserved)");
		return false;
	}
	if (unlikely((type & PAGE_TYPE_MASK) == PAGE_TYPE_ALLOC_TAIL)) {
		bad_page(page, "freeing a page inside an allocated block");
		return false;
	}
	if (unlikely(type != (PAGE_TYPE_ALLOC_HEAD | order))) {
		char why[96];

		if ((type & PAGE_TYPE_MASK) == PAGE_TYPE_ALLOC_HEAD)
			snprintf(why, sizeof(why), "freed with order %u, allocated with order %u",
				 order, type & 0xff);
		else
			snprintf(why, sizeof(why), "page was not allocated by the page allocator");
		bad_page(page, why);
		return false;
	}
	for (i = 0; i < n; i++) {
		page[i].page_type = 0;
		page[i].flags &= ZONES_MASK << ZONES_PGSHIFT;
		page[i].compound_head = 0;
		page[i].virtual = NULL;
		INIT_LIST_HEAD(&page[i].lru);
	}
	return true;
}

void free_one_block(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);

	spin_lock(&zone->lock);
	__free_one_page(page, page_to_pfn(page), zone, order);
	spin_unlock(&zone->lock);
}

static void __free_pages_ok(struct page *page, unsigned int order)
{
	if (!free_pages_prepare(page, order))
		return;
	free_one_block(page, order);
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

__ukmem_export void __free_pages(struct page *page, unsigned int order)
{
	if (unlikely(!page))
		return;
	if (unlikely(page < mem_map || page >= mem_map + max_pfn)) {
		report_warn(UKMEM_REPORT_BAD_PAGE, __FILE__, __LINE__, __builtin_return_address(0),
			    "__free_pages: %px is not a struct page of this machine\n", (void *)page);
		return;
	}
	if (unlikely(order > MAX_PAGE_ORDER)) {
		bad_page(page, "freed with an order above MAX_PAGE_ORDER");
		return;
	}
	if (unlikely(PageBuddy(page) || PagePcp(page) || !page->page_type)) {
		__free_pages_ok(page, order); /* reports */
		return;
	}
	if (page_ref_put_checked(page))
		__free_pages_ok(page, order);
}

__ukmem_export void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (unlikely(!virt_addr_valid((void *)addr) || offset_in_page(addr))) {
		report_warn(UKMEM_REPORT_BAD_PAGE, __FILE__, __LINE__, __builtin_return_address(0),
			    "free_pages: %#lx is not a page-aligned kernel logical address\n",
			    addr);
		return;
	}
	__free_pages(virt_to_page((void *)addr), order);
}

__ukmem_export void get_page(struct page *page)
{
	atomic_inc(&compound_head(page)->_refcount);
}

__ukmem_export void put_page(struct page *page)
{
	struct page *head = compound_head(page);

	if (page_ref_put_checked(head))
		__free_pages_ok(head, compound_order(head));
}

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

__ukmem_export void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt, end = addr + PAGE_ALIGN(size);

	if (!virt)
		return;
	for (; addr < end; addr += PAGE_SIZE)
		free_pages(addr, 0);
}

__ukmem_export unsigned long alloc_pages_bulk_array(gfp_t gfp, unsigned long nr_pages,
						    struct page **page_array)
{
	unsigned long i, got = 0;

	if (!page_array)
		return 0;
	for (i = 0; i < nr_pages; i++) {
		if (page_array[i]) {
			got++;
			continue;
		}
		page_array[i] = alloc_pages(gfp, 0);
		if (!page_array[i])
			break;
		got++;
	}
	return got;
}

__ukmem_export void drain_local_pages(struct zone *zone)
{
}

__ukmem_export void drain_all_pages(struct zone *zone)
{
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
				lowmem_reserve_ratio[z] && zone_managed_pages(&zones[z]) ?
					(long)(managed_above / (unsigned long)lowmem_reserve_ratio[z]) : 0;
		}
	}
}

int page_alloc_param(const char *key, const char *val)
{
	return -ENOENT;
}

int page_alloc_init(void)
{
	unsigned long pfn, total = 0;
	int z, o;

	memset(zones, 0, sizeof(zones));
	memset(vm_node_stat, 0, sizeof(vm_node_stat));
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &zones[z];
		unsigned long start = machine.zone_start_pfn[z], end = machine.zone_end_pfn[z];
		unsigned long reserved = 0;

		zone->name = zone_names[z];
		zone->zone_idx = (enum zone_type)z;
		zone->node = 0;
		spin_lock_init(&zone->lock);
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list);
		zone->zone_start_pfn = start;
		zone->spanned_pages = end > start ? end - start : 0;
		for (pfn = start; pfn < end && pfn < machine.reserved_low_pfn; pfn++) {
			SetPageReserved(pfn_to_page(pfn));
			reserved++;
		}
		zone->present_pages = zone->spanned_pages;
		atomic_long_set(&zone->managed_pages, (long)(zone->spanned_pages - reserved));
		total += zone->spanned_pages - reserved;
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

			while (order && ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > end))
				order--;
			__free_one_page(pfn_to_page(pfn), pfn, zone, order);
			pfn += 1UL << order;
		}
	}
	setup_per_zone_wmarks();
	pr_info("Memory: %luK/%luK available\n", nr_free_pages() << (PAGE_SHIFT - 10),
		(unsigned long)(machine.mem_bytes >> 10));
	return 0;
}

void page_alloc_exit(void)
{
	unsigned long free = nr_free_pages();

	if (free != totalram_pages_count) {
		report_start(UKMEM_REPORT_LEAK);
		pr_err("ukmem: %lu pages (%lu kB) still allocated at shutdown\n",
		       totalram_pages_count - free,
		       (totalram_pages_count - free) << (PAGE_SHIFT - 10));
		report_end(UKMEM_REPORT_LEAK);
	}
	totalram_pages_count = 0;
}
