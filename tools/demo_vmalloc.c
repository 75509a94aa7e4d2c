// SPDX-License-Identifier: MIT
/*
 * demo_vmalloc.c - the vmalloc and highmem sections of "ukmem demo":
 * a large buffer built from scattered frames of fragmented memory, its
 * /proc/vmallocinfo line, and kmap at work on the i386 machine.
 */
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

#define DEMO_PAGES 1024	/* a 4 MiB buffer */

struct held {
	struct page **pages;
	unsigned int *orders;
	unsigned long n;
};

/*
 * Fragment physical memory: take every free frame, give back the even ones,
 * then take every block larger than one frame that the watermarks now allow.
 */
static void fragment(struct held *h)
{
	unsigned long cap = max_pfn, kept = 0, i;
	struct page *p;
	int order;

	h->pages = calloc(cap, sizeof(*h->pages));
	h->orders = calloc(cap, sizeof(*h->orders));
	h->n = 0;
	while (h->n < cap && (p = alloc_page(GFP_ATOMIC | __GFP_NOWARN)))
		h->pages[h->n++] = p;
	for (i = 0; i < h->n; i++) {
		if (page_to_pfn(h->pages[i]) & 1)
			h->pages[kept++] = h->pages[i];
		else
			__free_page(h->pages[i]);
	}
	h->n = kept;
	for (order = MAX_PAGE_ORDER; order >= 1; order--) {
		while (h->n < cap && (p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, order))) {
			h->orders[h->n] = order;
			h->pages[h->n++] = p;
		}
	}
}

static void unfragment(struct held *h)
{
	unsigned long i;

	for (i = 0; i < h->n; i++)
		__free_pages(h->pages[i], h->orders[i]);
	free(h->pages);
	free(h->orders);
}

static void show_frames(const char *label, char *v)
{
	unsigned int i, jumps = 0;

	printf("%s: %d host mapping%s for %u pages; first frames:\n  ", label,
	       ukmem_vmalloc_nr_runs(v), ukmem_vmalloc_nr_runs(v) == 1 ? "" : "s", DEMO_PAGES);
	for (i = 0; i < DEMO_PAGES; i++) {
		unsigned long pfn = vmalloc_to_pfn(v + (unsigned long)i * PAGE_SIZE);

		if (i && pfn != vmalloc_to_pfn(v + (unsigned long)(i - 1) * PAGE_SIZE) + 1)
			jumps++;
		if (i < 12)
			printf("%#lx ", pfn);
	}
	printf("...\n  %u of %u neighbouring pages are not neighbouring frames\n", jumps,
	       DEMO_PAGES - 1);
}

static void demo_vmalloc_scattered(void)
{
	struct held h;
	char *v, *d;
	struct page *page;

	demo_heading("vmalloc: virtually contiguous, physically scattered");
	v = vmalloc((unsigned long)DEMO_PAGES * PAGE_SIZE);
	if (!v) {
		printf("vmalloc failed\n");
		return;
	}
	printf("vmalloc(%lu) on unfragmented memory = %p\n",
	       (unsigned long)DEMO_PAGES * PAGE_SIZE, (void *)v);
	show_frames("  unfragmented", v);
	vfree(v);

	fragment(&h);
	printf("\nfragmented: every odd frame held, so no two free frames are adjacent\n");
	v = vmalloc((unsigned long)DEMO_PAGES * PAGE_SIZE);
	if (!v) {
		printf("vmalloc failed\n");
		unfragment(&h);
		return;
	}
	printf("vmalloc(%lu) on fragmented memory = %p\n",
	       (unsigned long)DEMO_PAGES * PAGE_SIZE, (void *)v);
	show_frames("  fragmented", v);

	strcpy(v + 5 * PAGE_SIZE, "written through vmalloc");
	page = vmalloc_to_page(v + 5 * PAGE_SIZE);
	d = page_address(page);
	printf("\npage 5: vmalloc_to_page -> pfn %#lx; through the direct map at %p it reads \"%s\"\n",
	       page_to_pfn(page), (void *)d, d ? d : "(highmem)");
	printf("v[%d] is the guard page: touching it would raise SIGSEGV\n",
	       DEMO_PAGES * (int)PAGE_SIZE);

	demo_heading("/proc/vmallocinfo");
	ukmem_proc_show("vmallocinfo", stdout);
	demo_heading("/proc/meminfo (vmalloc lines)");
	{
		char *buf = NULL, *line;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		ukmem_proc_show("meminfo", f);
		fclose(f);
		for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (!strncmp(line, "Vmalloc", 7) || !strncmp(line, "PageTables", 10))
				printf("%s\n", line);
		free(buf);
	}
	vfree(v);
	unfragment(&h);
}

static void demo_highmem(void)
{
	struct page *page;
	char *k, *v;

	demo_heading("highmem on machine=i386 mem=2G: kmap");
	page = alloc_page(GFP_HIGHUSER);
	printf("alloc_page(GFP_HIGHUSER): pfn %#lx, zone %s, page_address %p\n",
	       page_to_pfn(page), page_zone(page)->name, page_address(page));
	k = kmap(page);
	strcpy(k, "hello from highmem");
	printf("kmap            -> %p, page_address now %p\n", (void *)k, page_address(page));
	kunmap(page);
	printf("kunmap          -> page_address still %p (pkmap releases lazily)\n",
	       page_address(page));
	kmap_flush_unused();
	printf("flush           -> page_address %p\n", page_address(page));
	k = kmap_local_page(page);
	printf("kmap_local_page -> %p reads \"%s\"; kunmap_local unmaps at once\n", (void *)k, k);
	kunmap_local(k);
	__free_page(page);

	v = vmalloc(64 * PAGE_SIZE);
	page = vmalloc_to_page(v);
	printf("vmalloc(256 KiB) = %p: its first frame pfn %#lx is in zone %s\n", (void *)v,
	       page_to_pfn(page), page_zone(page)->name);
	vfree(v);
	demo_heading("/proc/meminfo on i386 (high/low lines)");
	{
		char *buf = NULL, *line;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		ukmem_proc_show("meminfo", f);
		fclose(f);
		for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (!strncmp(line, "High", 4) || !strncmp(line, "Low", 3) ||
			    !strncmp(line, "Vmalloc", 7))
				printf("%s\n", line);
		free(buf);
	}
}

/* the command line the running machine was booted with, from its log */
static char *current_cmdline(void)
{
	char *buf = NULL, *p, *last = NULL, *out;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ukmem_dmesg(f);
	fclose(f);
	for (p = buf; (p = strstr(p, "Command line: ")); p++)
		last = p + strlen("Command line: ");
	out = strdup(last ? last : "");
	if (strchr(out, '\n'))
		*strchr(out, '\n') = 0;
	free(buf);
	return out;
}

void demo_vmalloc(void)
{
	char *cmdline;
	int err;

	demo_vmalloc_scattered();

	cmdline = current_cmdline();
	ukmem_shutdown();
	err = ukmem_boot("machine=i386 mem=2G quiet");
	if (!err) {
		demo_highmem();
		ukmem_shutdown();
	} else {
		printf("cannot boot machine=i386 mem=2G: %d\n", err);
	}
	if (ukmem_boot(cmdline))
		printf("cannot reboot with \"%s\"\n", cmdline);
	free(cmdline);
}
