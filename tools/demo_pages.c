// SPDX-License-Identifier: MIT
/* demo_pages.c - the page allocator section of "ukmem demo". */
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <stdio.h>

#include "demo.h"

void demo_pages(void)
{
	static const struct { gfp_t gfp; const char *name; } kinds[] = {
		{ GFP_DMA | GFP_KERNEL, "GFP_KERNEL|GFP_DMA" },
		{ GFP_DMA32 | GFP_KERNEL, "GFP_KERNEL|GFP_DMA32" },
		{ GFP_KERNEL, "GFP_KERNEL" },
		{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	};
	unsigned int i;

	demo_heading("Pages from each zone");
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
	demo_heading("/proc/buddyinfo");
	ukmem_proc_show("buddyinfo", stdout);
	demo_heading("/proc/meminfo (first lines)");
	ukmem_proc_show("meminfo", stdout);
}
