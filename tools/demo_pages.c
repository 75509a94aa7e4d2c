// SPDX-License-Identifier: MIT
/*
 * demo_pages.c - the page allocator section of "ukmem demo": pages from each
 * zone with their physical addresses, GFP_ATOMIC vs GFP_NOWAIT vs GFP_KERNEL
 * under memory pressure, a sleeping-in-atomic report, and the /proc views.
 */
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

/* print the log lines added since @mark lines (dmesg has no seek: count them) */
static void show_new_log(unsigned long skip, unsigned int max_lines)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	unsigned long n = 0;
	unsigned int shown = 0;
	FILE *f = open_memstream(&buf, &len);

	ukmem_dmesg(f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (n++ < skip)
			continue;
		if (shown++ < max_lines)
			printf("  | %s\n", line);
	}
	if (shown > max_lines)
		printf("  | ... (%u more lines in dmesg)\n", shown - max_lines);
	free(buf);
}

static unsigned long log_lines(void)
{
	char *buf = NULL;
	size_t len = 0, i;
	unsigned long n = 0;
	FILE *f = open_memstream(&buf, &len);

	ukmem_dmesg(f);
	fclose(f);
	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	free(buf);
	return n;
}

static void zones_section(void)
{
	static const struct { gfp_t gfp; const char *name; } kinds[] = {
		{ GFP_DMA | GFP_KERNEL, "GFP_KERNEL|GFP_DMA" },
		{ GFP_DMA32 | GFP_KERNEL, "GFP_KERNEL|GFP_DMA32" },
		{ GFP_KERNEL, "GFP_KERNEL" },
		{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	};
	unsigned int i;
	unsigned long addr;

	demo_heading("Pages from each zone");
	printf("gfp_zone() picks the highest zone the flags allow; allocation falls back\n"
	       "to lower zones only. (Boot with --boot \"mem=6G\" to see ZONE_NORMAL, or\n"
	       "\"mem=2G machine=i386\" for highmem pages, which have no address.)\n\n");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct page *page = alloc_pages(kinds[i].gfp, 0);

		if (!page) {
			printf("%-22s failed\n", kinds[i].name);
			continue;
		}
		printf("%-22s pfn %#8lx  phys %#012llx  zone %-7s  page_address %p\n",
		       kinds[i].name, page_to_pfn(page), (unsigned long long)page_to_phys(page),
		       page_zone(page)->name, page_address(page));
		__free_pages(page, 0);
	}
	addr = __get_free_pages(GFP_KERNEL, 3);
	if (addr) {
		printf("%-22s %#lx = phys %#llx .. %#llx: 8 contiguous frames, 32 KiB aligned\n",
		       "__get_free_pages(,3)", addr, (unsigned long long)virt_to_phys((void *)addr),
		       (unsigned long long)virt_to_phys((void *)addr) + 8 * PAGE_SIZE - 1);
		free_pages(addr, 3);
	}
}

struct held {
	struct page *list;
	unsigned long n;
};

static unsigned long grab(struct held *h, gfp_t gfp)
{
	unsigned long got = 0, round;
	struct page *p;

	do {
		round = 0;
		while ((p = alloc_page(gfp | __GFP_NOWARN))) {
			p->mapping = h->list;
			h->list = p;
			h->n++;
			round++;
		}
		drain_all_pages(NULL);	/* pcp pages count as free only once drained */
		got += round;
	} while (round);
	return got;
}

static void release(struct held *h)
{
	while (h->list) {
		struct page *p = h->list;

		h->list = p->mapping;
		p->mapping = NULL;
		__free_page(p);
	}
	h->n = 0;
}

static void pressure_section(void)
{
	struct held h = { 0 };
	struct page *p;
	unsigned long mark;

	demo_heading("GFP_NOWAIT vs GFP_ATOMIC vs GFP_KERNEL under memory pressure");
	printf("Fill memory with GFP_NOWAIT (no reclaim, no reserves) until it fails:\n");
	printf("  GFP_NOWAIT took %lu pages, then failed at the min watermark.\n",
	       grab(&h, GFP_NOWAIT));
	printf("GFP_ATOMIC (__GFP_HIGH) may use part of the min reserve:\n");
	printf("  GFP_ATOMIC took %lu more pages; GFP_NOWAIT still fails: %s\n",
	       grab(&h, GFP_ATOMIC),
	       (p = alloc_page(GFP_NOWAIT | __GFP_NOWARN)) ? "no (?)" : "yes");
	if (p)
		__free_page(p);
	printf("Now even the reserve is gone; GFP_ATOMIC fails at once, with the warning:\n");
	mark = log_lines();
	p = alloc_page(GFP_ATOMIC);
	printf("  GFP_ATOMIC -> %s\n", p ? "a page (?)" : "NULL");
	show_new_log(mark, 4);
	if (p)
		__free_page(p);
	printf("GFP_KERNEL may sleep and reclaim: with nothing reclaimable it retries,\n"
	       "then prints the OOM report and fails (Linux would kill a process):\n");
	mark = log_lines();
	p = alloc_page(GFP_KERNEL);
	printf("  GFP_KERNEL -> %s\n", p ? "a page" : "NULL");
	show_new_log(mark, 3);
	if (p)
		__free_page(p);
	release(&h);
	drain_all_pages(NULL);
	printf("All %s pages given back.\n", "held");
}

static void atomic_section(void)
{
	DEFINE_SPINLOCK(lock);
	struct page *p;
	unsigned long mark;

	demo_heading("A may-sleep allocation in atomic context");
	printf("spin_lock(&lock); alloc_page(GFP_KERNEL); spin_unlock(&lock);\n");
	mark = log_lines();
	spin_lock(&lock);
	p = alloc_page(GFP_KERNEL);
	spin_unlock(&lock);
	show_new_log(mark, 6);
	printf("The report is printed and the allocation goes on (without sleeping): %s\n",
	       p ? "got a page" : "NULL");
	if (p)
		__free_page(p);
}

void demo_pages(void)
{
	zones_section();
	pressure_section();
	atomic_section();
	demo_heading("/proc/buddyinfo");
	ukmem_proc_show("buddyinfo", stdout);
	demo_heading("/proc/zoneinfo");
	ukmem_proc_show("zoneinfo", stdout);
	demo_heading("/proc/meminfo");
	ukmem_proc_show("meminfo", stdout);
}
