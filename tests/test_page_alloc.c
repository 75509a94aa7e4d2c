// SPDX-License-Identifier: MIT
/*
 * test_page_alloc.c - the buddy allocator and its per-CPU lists: accounting
 * (MemFree, buddyinfo), contiguity and alignment, zones per machine profile,
 * pcp hot/cold ends and drains, bulk allocation, bad frees and misuse of
 * every public function.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/irqflags.h>
#include <linux/slab.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"

static char *proc_text(const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_eq(ukmem_proc_show(name, f), 0);
	fclose(f);
	return buf;
}

static unsigned long meminfo_kb(const char *key)
{
	char *text = proc_text("meminfo"), *p = strstr(text, key);
	unsigned long v;

	cr_assert(p, "meminfo has %s", key);
	v = strtoul(p + strlen(key) + 1, NULL, 10);
	free(text);
	return v;
}

/* pages the boot itself took, as the node counters account them */
static unsigned long boot_accounted_pages(void)
{
	return node_page_state(NR_SLAB_RECLAIMABLE) + node_page_state(NR_SLAB_UNRECLAIMABLE) +
	       node_page_state(NR_PAGETABLE) + node_page_state(NR_KERNEL_STACK) +
	       node_page_state(NR_VMALLOC) + node_page_state(NR_PERCPU);
}

Test(page_alloc, fresh_boot_memfree_plus_allocated_is_memtotal)
{
	struct page *pages[64];
	unsigned long total, free0, held = 0;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2 percpu_pagelists=0"), 0);
	total = meminfo_kb("MemTotal:");
	free0 = meminfo_kb("MemFree:");
	cr_assert_eq(total, totalram_pages() * 4);
	cr_assert_eq(free0 + boot_accounted_pages() * 4, total,
		     "fresh boot: MemFree %lu + boot allocations == MemTotal %lu", free0, total);
	for (i = 0; i < 64; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i % 5));
		cr_assert(pages[i]);
		held += 1UL << (i % 5);
	}
	cr_assert_eq(meminfo_kb("MemFree:") + held * 4 + boot_accounted_pages() * 4, total);
	for (i = 0; i < 64; i++)
		__free_pages(pages[i], (unsigned int)(i % 5));
	cr_assert_eq(meminfo_kb("MemFree:"), free0, "MemFree %lu kB, was %lu kB",
		     (unsigned long)meminfo_kb("MemFree:"), (unsigned long)free0);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
}

struct blk {
	struct page *page;
	unsigned int order;
};

Test(page_alloc, random_alloc_free_then_drain_restores_memfree_and_buddyinfo)
{
	enum { N = 3000 };
	static struct blk b[N];
	char *buddy0, *buddy1;
	unsigned long free0;
	int n = 0, i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	srand(12345);
	drain_all_pages(NULL); /* boot-time users (slab, percpu) leave pages on pcp lists */
	free0 = meminfo_kb("MemFree:");
	buddy0 = proc_text("buddyinfo");
	/* interleave: mostly allocate, sometimes free a random live block */
	while (n < N) {
		if (n && rand() % 4 == 0) {
			int k = rand() % n;

			__free_pages(b[k].page, b[k].order);
			b[k] = b[--n];
			continue;
		}
		b[n].order = (unsigned int)(rand() % 6);
		b[n].page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, b[n].order);
		if (!b[n].page)
			break;
		memset(page_address(b[n].page), n & 0xff, PAGE_SIZE << b[n].order);
		n++;
	}
	cr_assert_gt(n, 1000);
	/* free the rest in a random sequence */
	for (i = n - 1; i > 0; i--) {
		int k = rand() % (i + 1);
		struct blk tmp = b[i];

		b[i] = b[k];
		b[k] = tmp;
	}
	for (i = 0; i < n; i++)
		__free_pages(b[i].page, b[i].order);
	drain_all_pages(NULL);
	cr_assert_eq(nr_free_pcp_pages(NULL), 0);
	cr_assert_eq(meminfo_kb("MemFree:"), free0, "MemFree %lu kB, was %lu kB",
		     (unsigned long)meminfo_kb("MemFree:"), (unsigned long)free0);
	buddy1 = proc_text("buddyinfo");
	cr_assert_str_eq(buddy1, buddy0, "buddyinfo back where it was:\n%s\nvs\n%s", buddy1,
			 buddy0);
	cr_assert_eq(ukmem_report_total(), 0);
	free(buddy0);
	free(buddy1);
	ukmem_shutdown();
}

Test(page_alloc, order3_is_8_contiguous_frames_aligned_32k)
{
	unsigned long addr;
	struct page *page;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	addr = __get_free_pages(GFP_KERNEL, 3);
	cr_assert(addr);
	cr_assert_eq(addr % 32768, 0);
	cr_assert_eq(virt_to_phys((void *)addr) % 32768, 0);
	page = virt_to_page((void *)addr);
	for (i = 0; i < 8; i++) {
		cr_assert_eq(virt_to_page((void *)(addr + (unsigned long)i * PAGE_SIZE)), page + i);
		cr_assert_eq(page_to_pfn(page + i), page_to_pfn(page) + (unsigned long)i);
	}
	memset((void *)addr, 0x5a, 8 * PAGE_SIZE);
	free_pages(addr, 3);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(page_alloc, zones_x86_64_6g)
{
	struct page *p;
	int i;

	cr_assert_eq(ukmem_boot("mem=6G nr_cpus=2"), 0);
	p = alloc_pages(GFP_KERNEL | GFP_DMA, 0);
	cr_assert(p);
	cr_assert_lt(page_to_phys(p), 16ull << 20);
	cr_assert_eq(page_zonenum(p), ZONE_DMA);
	__free_pages(p, 0);
	p = alloc_pages(GFP_KERNEL | GFP_DMA32, 2);
	cr_assert(p);
	cr_assert_lt(page_to_phys(p) + (4 << PAGE_SHIFT), (4ull << 30) + 1);
	cr_assert_eq(page_zonenum(p), ZONE_DMA32);
	__free_pages(p, 2);
	for (i = 0; i < 100; i++) {
		p = alloc_pages(GFP_KERNEL, 0);
		cr_assert(p);
		cr_assert_eq(page_zonenum(p), ZONE_NORMAL, "GFP_KERNEL prefers ZONE_NORMAL");
		cr_assert_geq(page_to_phys(p), 4ull << 30);
		__free_pages(p, 0);
	}
	/* __GFP_HIGHMEM means nothing on x86_64: Normal */
	p = alloc_pages(GFP_HIGHUSER, 0);
	cr_assert(p);
	cr_assert_eq(page_zonenum(p), ZONE_NORMAL);
	cr_assert(page_address(p));
	__free_pages(p, 0);
	ukmem_shutdown();
}

Test(page_alloc, zones_i386_highmem)
{
	struct page *p, *low[200];
	unsigned long addr;
	int i;

	cr_assert_eq(ukmem_boot("mem=2G machine=i386 nr_cpus=2"), 0);
	p = alloc_pages(GFP_HIGHUSER, 0);
	cr_assert(p);
	cr_assert(PageHighMem(p));
	cr_assert_eq(page_zonenum(p), ZONE_HIGHMEM);
	cr_assert_null(page_address(p), "a highmem page has no permanent address");
	cr_assert_geq(page_to_pfn(p), max_low_pfn);
	__free_pages(p, 0);
	for (i = 0; i < 200; i++) {
		low[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i % 4));
		cr_assert(low[i]);
		cr_assert(!PageHighMem(low[i]), "GFP_KERNEL never gives highmem");
		cr_assert(page_address(low[i]));
	}
	for (i = 0; i < 200; i++)
		__free_pages(low[i], (unsigned int)(i % 4));
	/* __get_free_pages drops __GFP_HIGHMEM: it must return an address */
	addr = __get_free_pages(GFP_HIGHUSER, 0);
	cr_assert(addr);
	cr_assert(virt_addr_valid((void *)addr));
	free_pages(addr, 0);
	p = alloc_pages(GFP_DMA, 0);
	cr_assert(p);
	cr_assert_lt(page_to_phys(p), 16ull << 20);
	__free_pages(p, 0);
	cr_assert(meminfo_kb("HighTotal:") > 0);
	ukmem_shutdown();
}

/* ---------------------------------------------------------------- pcp */

static int pcp_count(int z, int cpu)
{
	struct per_cpu_pages pcp;

	pcp_snapshot(&ukmem_zones[z], cpu, &pcp);
	return pcp.count;
}

Test(page_alloc, pcp_hot_and_cold_ends)
{
	struct page *a, *b, *c;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	cr_assert_eq(ukmem_set_cpu(0), 0);
	drain_all_pages(NULL); /* start from empty lists: boot-time users leave pages there */
	a = alloc_page(GFP_KERNEL);
	b = alloc_page(GFP_KERNEL);
	cr_assert(a && b);
	__free_page(b);
	__free_page(a);
	cr_assert(PagePcp(a), "a freed order-0 page sits on the pcp list");
	cr_assert(!PageBuddy(a));
	cr_assert_geq(pcp_count(ZONE_DMA32, 0), 2);
	/* hot end: the page freed last comes back first */
	c = alloc_page(GFP_KERNEL);
	cr_assert_eq(c, a);
	cr_assert(!PagePcp(c));
	/* cold end: __GFP_COLD takes the tail, not b (the next hot one) */
	struct page *d = alloc_page(GFP_KERNEL | __GFP_COLD);

	cr_assert(d);
	cr_assert_neq(d, b);
	__free_page(c);
	__free_page(d);
	drain_local_pages(NULL);
	cr_assert_eq(pcp_count(ZONE_DMA32, 0), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

static void *free_on_cpu1(void *arg)
{
	struct page **pages = arg;
	int i;

	cr_assert_eq(ukmem_set_cpu(1), 0);
	for (i = 0; i < 8; i++)
		__free_pages(pages[i], (unsigned int)(i & 3));
	return NULL;
}

Test(page_alloc, drain_all_pages_empties_other_cpus)
{
	struct page *pages[8];
	pthread_t th;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	cr_assert_eq(ukmem_set_cpu(0), 0);
	drain_all_pages(NULL);
	for (i = 0; i < 8; i++)
		cr_assert(pages[i] = alloc_pages(GFP_KERNEL, (unsigned int)(i & 3)));
	pthread_create(&th, NULL, free_on_cpu1, pages);
	pthread_join(th, NULL);
	cr_assert_gt(pcp_count(ZONE_DMA32, 1), 0, "cpu 1 holds the freed blocks");
	drain_local_pages(NULL);
	cr_assert_gt(pcp_count(ZONE_DMA32, 1), 0, "drain_local_pages leaves cpu 1 alone");
	drain_all_pages(NULL);
	cr_assert_eq(pcp_count(ZONE_DMA32, 1), 0);
	cr_assert_eq(nr_free_pcp_pages(NULL), 0);
	cr_assert(PageBuddy(pages[0]) || !PagePcp(pages[0]));
	ukmem_shutdown();
}

Test(page_alloc, pcp_lists_can_be_turned_off)
{
	struct page *p;

	cr_assert_eq(ukmem_boot("mem=32M percpu_pagelists=2"), -EINVAL);
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2 percpu_pagelists=0"), 0);
	p = alloc_page(GFP_KERNEL);
	cr_assert(p);
	__free_page(p);
	cr_assert(!PagePcp(p));
	cr_assert_eq(nr_free_pcp_pages(NULL), 0);
	cr_assert_eq(meminfo_kb("MemFree:") + boot_accounted_pages() * 4, totalram_pages() * 4);
	ukmem_shutdown();
}

Test(page_alloc, pcp_trims_at_high)
{
	enum { N = 400 };
	static struct page *p[N];
	struct per_cpu_pages pcp;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	cr_assert_eq(ukmem_set_cpu(0), 0);
	for (i = 0; i < N; i++)
		cr_assert(p[i] = alloc_page(GFP_KERNEL));
	for (i = 0; i < N; i++)
		__free_page(p[i]);
	pcp_snapshot(&ukmem_zones[ZONE_DMA32], 0, &pcp);
	cr_assert_gt(pcp.high, 0);
	cr_assert_lt(pcp.count, pcp.high, "count %d stays below high %d", pcp.count, pcp.high);
	cr_assert_gt(vm_event_count(PCP_DRAIN), 0);
	ukmem_shutdown();
}

Test(page_alloc, bulk_array_fills_only_empty_slots)
{
	struct page *arr[100] = {0}, *keep;
	unsigned long got;
	int i, j;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	keep = alloc_page(GFP_KERNEL);
	arr[10] = keep;
	got = alloc_pages_bulk(GFP_KERNEL, 100, arr);
	cr_assert_eq(got, 100);
	cr_assert_eq(arr[10], keep);
	for (i = 0; i < 100; i++) {
		cr_assert(arr[i]);
		cr_assert_eq(page_count(arr[i]), 1);
		cr_assert(!PagePcp(arr[i]) && !PageBuddy(arr[i]));
		for (j = 0; j < i; j++)
			cr_assert_neq(arr[i], arr[j]);
	}
	/* already full: nothing to do */
	cr_assert_eq(alloc_pages_bulk(GFP_KERNEL, 100, arr), 100);
	for (i = 0; i < 100; i++)
		__free_page(arr[i]);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(page_alloc, zero_exact_and_compound)
{
	unsigned long addr;
	struct page *p;
	void *ex;
	int i;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=1"), 0);
	addr = __get_free_page(GFP_KERNEL);
	memset((void *)addr, 0xee, PAGE_SIZE);
	free_page(addr);
	addr = get_zeroed_page(GFP_KERNEL);
	cr_assert(addr);
	for (i = 0; i < (int)PAGE_SIZE; i++)
		cr_assert_eq(((unsigned char *)addr)[i], 0);
	free_page(addr);
	ex = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	cr_assert(ex);
	cr_assert_eq(((char *)ex)[5 * PAGE_SIZE - 1], 0);
	free_pages_exact(ex, 5 * PAGE_SIZE);
	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	cr_assert(PageHead(p));
	cr_assert(PageTail(p + 3));
	cr_assert_eq(compound_head(p + 3), p);
	cr_assert_eq(compound_order(p), 2);
	get_page(p + 1);
	put_page(p + 2); /* drops the extra reference */
	put_page(p);	 /* the last: frees the compound page */
	cr_assert(PagePcp(p) || PageBuddy(p));
	drain_all_pages(NULL);
	cr_assert_eq(meminfo_kb("MemFree:") + boot_accounted_pages() * 4, totalram_pages() * 4);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/* ---------------------------------------------------------------- bad frees */

/* hold every free frame, checking that none is handed out twice */
static void assert_no_frame_twice(void)
{
	unsigned char *seen = calloc(max_pfn, 1);
	struct page *list = NULL, *p;
	unsigned long n = 0, pfn;

	drain_all_pages(NULL);
	while ((p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN | __GFP_MEMALLOC, 0))) {
		pfn = page_to_pfn(p);
		cr_assert_eq(seen[pfn], 0, "pfn %#lx handed out twice", pfn);
		seen[pfn] = 1;
		p->mapping = list;
		list = p;
		n++;
	}
	cr_assert_gt(n, 1000);
	while (list) {
		p = list;
		list = p->mapping;
		p->mapping = NULL;
		__free_page(p);
	}
	free(seen);
}

static void double_free_case(const char *cmdline)
{
	struct page *p, *q;
	char *a;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	p = alloc_page(GFP_KERNEL);
	q = alloc_pages(GFP_KERNEL, 3);
	a = page_address(q);
	memset(a, 0x77, 8 * PAGE_SIZE);
	__free_page(p);
	ukmem_dmesg_clear();
	__free_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 1);
	cr_assert(ukmem_dmesg_contains("BUG: Bad page state in process"));
	cr_assert(ukmem_dmesg_contains("page dumped because: page is already free"));
	/* wrong order, then a frame inside the block: refused, block intact */
	__free_pages(q, 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 2);
	cr_assert(ukmem_dmesg_contains("freed with order 0, allocated with order 3"));
	__free_pages(q + 2, 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 3);
	cr_assert(ukmem_dmesg_contains("freeing a page inside an allocated block"));
	free_pages((unsigned long)a + PAGE_SIZE, 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 4);
	for (int i = 0; i < 8 * (int)PAGE_SIZE; i++)
		cr_assert_eq((unsigned char)a[i], 0x77);
	assert_no_frame_twice();
	/* the block's owner still frees it correctly; then a second free is caught */
	__free_pages(q, 3);
	__free_pages(q, 3);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 5);
	assert_no_frame_twice();
	drain_all_pages(NULL);
	cr_assert_eq(meminfo_kb("MemFree:") + boot_accounted_pages() * 4, totalram_pages() * 4);
	ukmem_shutdown();
}

Test(page_alloc, double_free_on_pcp_list)
{
	double_free_case("mem=32M nr_cpus=2");
}

Test(page_alloc, double_free_into_buddy)
{
	double_free_case("mem=32M nr_cpus=2 percpu_pagelists=0");
}

/* ---------------------------------------------------------------- bad page state */

/* every frame free again: on the buddy lists once the pcp lists are drained */
static unsigned long free_after_drain(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

/*
 * issue 10 item 1: __free_page()/put_page() of a page a slab cache still
 * owns. Linux (DEBUG_VM) prints "Bad page state" and keeps the page out of
 * the free lists; ukmem refuses before the reference goes, so the slab and
 * its objects stay intact.
 */
Test(page_alloc, freeing_a_live_slab_page_is_refused)
{
	unsigned long free0;
	char *o, *others[64];
	struct page *p;
	int i, k;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	o = kmalloc(64, GFP_KERNEL);
	cr_assert(o);
	memset(o, 0x5a, 64);
	p = virt_to_page(o);
	cr_assert(PageSlab(p));
	free0 = free_after_drain();
	ukmem_dmesg_clear();
	__free_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 1);
	cr_assert(ukmem_dmesg_contains("BUG: Bad page state in process"));
	cr_assert(
	    ukmem_dmesg_contains("page: refcount:1 mapcount:0 mapping:0000000000000000 index:"));
	cr_assert(ukmem_dmesg_contains("page_type: f5(slab)"));
	cr_assert_eq(ukmem_dmesg_count("raw: "), 2);
	cr_assert(ukmem_dmesg_contains("page dumped because: nonzero mapcount"));
	put_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 2);
	cr_assert_eq(ukmem_dmesg_count("page dumped because: nonzero mapcount"), 2);
	/* nothing was freed, the slab keeps working and the object is intact */
	cr_assert_eq(free_after_drain(), free0);
	cr_assert(PageSlab(p));
	cr_assert_eq(page_ref_count(p), 1);
	for (i = 0; i < 64; i++)
		cr_assert_eq((unsigned char)o[i], 0x5a);
	for (k = 0; k < 64; k++) {
		others[k] = kmalloc(64, GFP_KERNEL);
		cr_assert(others[k]);
		cr_assert(others[k] != o);
		memset(others[k], k, 64);
	}
	for (i = 0; i < 64; i++)
		cr_assert_eq((unsigned char)o[i], 0x5a);
	assert_no_frame_twice();
	for (k = 0; k < 64; k++)
		kfree(others[k]);
	kfree(o);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 2);
	ukmem_shutdown();
}

/* issue 10 item 1: a page with ->mapping set or PG_locked is not fit to free */
Test(page_alloc, freeing_a_page_with_mapping_or_locked_is_refused)
{
	unsigned long free0;
	struct page *p;
	char *a;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	p = alloc_page(GFP_KERNEL);
	a = page_address(p);
	memset(a, 0x33, PAGE_SIZE);
	free0 = free_after_drain();
	ukmem_dmesg_clear();
	p->mapping = (void *)0x1000;
	__free_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 1);
	cr_assert(ukmem_dmesg_contains("mapping:0000000000001000"));
	cr_assert(ukmem_dmesg_contains("page dumped because: non-NULL mapping"));
	cr_assert_eq(ukmem_dmesg_count("raw: "), 2);
	cr_assert_eq(ukmem_dmesg_count("page_type: "), 0, "an allocated page has no type");
	p->mapping = NULL;
	SetPageLocked(p);
	put_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 2);
	cr_assert(
	    ukmem_dmesg_contains("page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag(s) set"));
	cr_assert(ukmem_dmesg_contains("flags: 0x4000000000000001(locked|node=0|zone=1)"));
	cr_assert_eq(free_after_drain(), free0, "refused: nothing freed");
	cr_assert_eq(page_ref_count(p), 1);
	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		cr_assert_eq((unsigned char)a[i], 0x33);
	ClearPageLocked(p);
	__free_page(p);
	cr_assert_eq(free_after_drain(), free0 + 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 2);
	/* a reserved frame: the kernel's flag reason */
	__free_page(pfn_to_page(3));
	cr_assert(ukmem_dmesg_contains("flags: 0x1000(reserved|node=0|zone=0)"));
	cr_assert_eq(ukmem_dmesg_count("page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag(s) set"),
		     2);
	ukmem_shutdown();
}

/*
 * issue 10 item 2, lib/test_free_pages.c: a speculative reference (as the
 * page cache takes) on the first page of a non-compound block. free_pages()
 * must give the other 2^order - 1 pages back at once, put_page() the first.
 */
static void speculative_reference_case(gfp_t gfp)
{
	unsigned long free0, i;

	free0 = free_after_drain();
	for (i = 0; i < 100 * 1000; i++) {
		unsigned long addr = __get_free_pages(gfp, 3);
		struct page *page;

		cr_assert(addr, "loop %lu: memory leaked away", i);
		page = virt_to_page((void *)addr);
		get_page(page);
		free_pages(addr, 3);
		if (i == 0 && !(gfp & __GFP_COMP))
			cr_assert_eq(free_after_drain(), free0 - 1, "all but the first page back");
		put_page(page);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 0);
	cr_assert_eq(ukmem_dmesg_count("Bad page state"), 0);
	cr_assert_eq(free_after_drain(), free0, "no page leaked");
}

Test(page_alloc, free_pages_with_a_speculative_reference)
{
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	speculative_reference_case(GFP_KERNEL);
	speculative_reference_case(GFP_KERNEL | __GFP_COMP);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2 percpu_pagelists=0"), 0);
	speculative_reference_case(GFP_KERNEL);
	ukmem_shutdown();
}

/* ---------------------------------------------------------------- misuse */

Test(page_alloc, misuse_of_every_function)
{
	struct page fake, *p, *arr[4] = {0};
	char stack_buf[64];
	void *host = malloc(8192);
	unsigned long base;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	/* NULL: silent no-ops */
	__free_pages(NULL, 0);
	free_pages(0, 3);
	free_pages_exact(NULL, 100);
	cr_assert_eq(ukmem_report_total(), 0);

	/* foreign pointers */
	free_pages((unsigned long)host, 0);
	free_pages((unsigned long)stack_buf, 0);
	__free_pages(&fake, 0);
	base = __get_free_page(GFP_KERNEL);
	free_pages(base + 8, 0); /* not page aligned */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 4);
	cr_assert(ukmem_dmesg_contains("is not a page-aligned kernel logical address"));
	cr_assert(ukmem_dmesg_contains("is not a struct page of this machine"));
	free_page(base);
	/* a never-allocated frame, a reserved (BIOS) frame */
	__free_pages(pfn_to_page(max_pfn - 1), 0);
	__free_pages(pfn_to_page(3), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 6);
	cr_assert(ukmem_dmesg_contains("reserved"));

	/* orders */
	cr_assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	cr_assert(ukmem_dmesg_contains("WARNING: CPU:"));
	cr_assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 40));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	cr_assert_eq(__get_free_pages(GFP_KERNEL | __GFP_NOWARN, 11), 0);
	p = alloc_page(GFP_KERNEL);
	__free_pages(p, MAX_PAGE_ORDER + 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 7);
	__free_pages(p, 0);
	cr_assert_null(alloc_pages_exact(0, GFP_KERNEL | __GFP_NOWARN));
	cr_assert_null(alloc_pages_exact(8UL << 20, GFP_KERNEL | __GFP_NOWARN));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	cr_assert_null(alloc_pages_exact(8UL << 20, GFP_KERNEL));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 2);
	free_pages_exact(host, 2 * PAGE_SIZE); /* two foreign pages: two reports */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 9);
	base = __get_dma_pages(GFP_KERNEL, 1);
	cr_assert(base);
	cr_assert_lt(virt_to_phys((void *)base), 16ul << 20);
	free_pages(base, 1);
	ukmem_report_reset();

	/* wrong flags: contradictory zone modifiers are reported, the lowest zone used */
	ukmem_dmesg_clear();
	p = alloc_pages(GFP_KERNEL | __GFP_DMA | __GFP_DMA32, 0);
	cr_assert(p);
	cr_assert_eq(page_zonenum(p), ZONE_DMA);
	cr_assert(ukmem_dmesg_contains("Unexpected gfp: 0xcc5 (GFP_KERNEL|GFP_DMA|GFP_DMA32)") ||
		  ukmem_dmesg_contains("Unexpected gfp: 0xcc5"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	__free_pages(p, 0);
	p = alloc_pages_node(3, GFP_KERNEL, 0);
	cr_assert(p);
	__free_pages(p, 0);
	cr_assert(ukmem_dmesg_contains("node 3 does not exist"));
	cr_assert_eq(alloc_pages_bulk(GFP_KERNEL, 4, NULL), 0);
	cr_assert(ukmem_dmesg_contains("NULL page_array"));
	cr_assert_eq(alloc_pages_bulk(GFP_KERNEL, 0, arr), 0);

	/* wrong context: may-sleep allocation and drain under a spinlock, irqs off */
	{
		DEFINE_SPINLOCK(lock);
		unsigned long flags;

		ukmem_dmesg_clear();
		spin_lock(&lock);
		p = alloc_page(GFP_KERNEL);
		spin_unlock(&lock);
		cr_assert(p, "the allocation goes on after the report");
		cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
		cr_assert(ukmem_dmesg_contains(
		    "BUG: sleeping function called from invalid context at mm/page_alloc.c:"));
		cr_assert(ukmem_dmesg_contains("in_atomic(): 1, irqs_disabled(): 0, non_block: 0"));
		__free_page(p);
		ukmem_report_reset(); /* might_sleep reports once a second, as the kernel */
		local_irq_save(flags);
		p = alloc_page(GFP_ATOMIC); /* fine */
		cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 0);
		__free_page(p); /* free is fine in any context */
		drain_all_pages(NULL);
		local_irq_restore(flags);
		cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	}
	/* put_page on a free page */
	p = alloc_page(GFP_KERNEL);
	__free_page(p);
	put_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 1);
	free(host);
	drain_all_pages(NULL);
	cr_assert_eq(meminfo_kb("MemFree:") + boot_accounted_pages() * 4, totalram_pages() * 4);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
}

/* ---------------------------------------------------------------- /proc */

Test(page_alloc, proc_formats)
{
	char *bi, *zi, *mi, *line, *save = NULL;
	int lines = 0;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	bi = proc_text("buddyinfo");
	for (line = strtok_r(bi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char zone[16];
		unsigned long v[11];
		int n;

		cr_assert_eq(
		    sscanf(line, "Node 0, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu%n",
			   zone, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8],
			   &v[9], &v[10], &n),
		    12, "%s", line);
		cr_assert_eq(strlen(line), 22 + 11 * 7, "%s", line);
		lines++;
	}
	cr_assert_eq(lines, 2);
	zi = proc_text("zoneinfo");
	cr_assert(strstr(zi, "Node 0, zone      DMA\n  per-node stats\n"));
	cr_assert(strstr(zi, "\n  pages free     "));
	cr_assert(strstr(zi, "\n        protection: (0, "));
	cr_assert(strstr(zi, "\n      nr_free_pages "));
	cr_assert(strstr(zi, "\n  pagesets\n    cpu: 0\n              count: "));
	cr_assert(strstr(zi, "\n              high:  "));
	cr_assert(strstr(zi, "\n              batch: "));
	cr_assert(strstr(zi, "\n    cpu: 1\n"));
	cr_assert(strstr(zi, "\n  vm stats threshold: "));
	cr_assert(strstr(zi, "\n  node_unreclaimable:  0\n  start_pfn:           1\n"));
	cr_assert(strstr(zi, "Node 0, zone   Normal\n  pages free     0\n"));
	free(zi);
	/* the pagesets show this CPU's pcp count */
	{
		struct page *pg[5];
		char want[96], *dma32;
		int k;

		cr_assert_eq(ukmem_set_cpu(0), 0);
		drain_all_pages(NULL);
		for (k = 0; k < 5; k++)
			pg[k] = alloc_page(GFP_KERNEL);
		for (k = 0; k < 5; k++)
			__free_page(pg[k]);
		zi = proc_text("zoneinfo");
		dma32 = strstr(zi, "zone    DMA32");
		cr_assert(dma32);
		snprintf(want, sizeof(want), "\n    cpu: 0\n              count: %d\n",
			 pcp_count(ZONE_DMA32, 0));
		cr_assert_geq(pcp_count(ZONE_DMA32, 0), 5);
		cr_assert(strstr(dma32, want), "%s", want);
	}
	mi = proc_text("meminfo");
	cr_assert(strncmp(mi, "MemTotal:          64512 kB\nMemFree:        ", 44) == 0, "%s", mi);
	cr_assert(strstr(mi, " kB\nMemAvailable:   "));
	free(bi);
	free(zi);
	free(mi);
	ukmem_shutdown();
}

/*
 * issue 10, kernel fidelity: the x86 zone layout (the zones start at pfn 1,
 * the BIOS hole 0x9f-0xff is not present), the vmstat threshold as
 * calculate_normal_threshold() computes it, and the meminfo lines of a
 * 6.12 x86 kernel (hugetlb, DirectMap, VmallocTotal, Committed_AS).
 */
Test(page_alloc, zoneinfo_and_meminfo_read_as_on_x86)
{
	char *zi, *mi, *dma, *dma32;

	cr_assert_eq(ukmem_boot("mem=1G nr_cpus=4"), 0);
	zi = proc_text("zoneinfo");
	dma = strstr(zi, "zone      DMA\n");
	dma32 = strstr(zi, "zone    DMA32\n");
	cr_assert(dma && dma32);
	/* 4095 frames from pfn 1, less the 97 of the hole; 158 more are reserved */
	cr_assert(
	    strstr(dma, "\n        spanned  4095\n        present  3998\n        managed  3840\n"));
	cr_assert(strstr(dma, "\n  vm stats threshold: 6\n"), "2 * fls(4) * (1 + fls(0))");
	cr_assert(strstr(dma, "start_pfn:           1\n"));
	cr_assert(strstr(dma32, "\n        spanned  258048\n        present  258048\n"));
	cr_assert(strstr(dma32, "\n  vm stats threshold: 24\n"), "2 * fls(4) * (1 + fls(7))");
	cr_assert(strstr(dma32, "start_pfn:           4096\n"));
	free(zi);
	cr_assert_eq(meminfo_kb("MemTotal:"), (3840 + 258048) * 4);
	cr_assert_eq(meminfo_kb("VmallocTotal:"), 34359738367ul);
	cr_assert_eq(meminfo_kb("Committed_AS:"), 0);
	mi = proc_text("meminfo");
	cr_assert(strstr(mi, "\nHugePages_Total:       0\nHugePages_Free:        0\n"
			     "HugePages_Rsvd:        0\nHugePages_Surp:        0\n"
			     "Hugepagesize:       2048 kB\nHugetlb:               0 kB\n"
			     "DirectMap4k:        2048 kB\nDirectMap2M:     1046528 kB\n"
			     "DirectMap1G:           0 kB\n"),
		  "%s", mi);
	free(mi);
	ukmem_shutdown();

	cr_assert_eq(ukmem_boot("mem=6G nr_cpus=2"), 0);
	mi = proc_text("meminfo");
	cr_assert(strstr(mi, "DirectMap4k:        2048 kB\nDirectMap2M:     1046528 kB\n"
			     "DirectMap1G:     5242880 kB\n"),
		  "%s", mi);
	free(mi);
	ukmem_shutdown();

	cr_assert_eq(ukmem_boot("machine=i386 mem=1G nr_cpus=1"), 0);
	mi = proc_text("meminfo");
	cr_assert(strstr(mi, "Hugepagesize:       4096 kB\n"));
	cr_assert(strstr(mi, "DirectMap4k:        4096 kB\nDirectMap4M:      913408 kB\n"), "%s",
		  mi);
	cr_assert_eq(meminfo_kb("VmallocTotal:"), 131072, "i386: the real vmalloc space");
	free(mi);
	zi = proc_text("zoneinfo");
	cr_assert(strstr(zi, "start_pfn:           1\n"));
	free(zi);
	ukmem_shutdown();
}
