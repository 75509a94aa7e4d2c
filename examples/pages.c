// SPDX-License-Identifier: MIT
/* pages.c - kernel-style code against ukmem: pages from zones, a sleeping-in-atomic catch.
 * Build: cc pages.c $(pkg-config --cflags --libs ukmem) */
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <stdio.h>

static DEFINE_SPINLOCK(lock);

int main(void)
{
	unsigned long addr;
	struct page *page;

	if (ukmem_boot("mem=256M nr_cpus=2"))
		return 1;
	addr = __get_free_pages(GFP_KERNEL, 3); /* 8 physically contiguous frames */
	printf("order-3 block at %#lx, phys %#llx\n", addr,
	       (unsigned long long)virt_to_phys((void *)addr));
	free_pages(addr, 3);

	page = alloc_page(GFP_DMA);
	printf("DMA page: phys %#llx (below 16 MiB)\n", (unsigned long long)page_to_phys(page));
	__free_page(page);

	spin_lock(&lock);
	page = alloc_page(GFP_KERNEL); /* may sleep: reported, then goes on */
	spin_unlock(&lock);
	__free_page(page);
	printf("reports: %lu sleeping-in-atomic\n",
	       ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC));
	ukmem_shutdown();
	return 0;
}
