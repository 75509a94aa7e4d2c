// SPDX-License-Identifier: MIT
/*
 * vmstat.c - /proc/meminfo, /proc/buddyinfo and /proc/zoneinfo, in the
 * formats of fs/proc/meminfo.c and mm/vmstat.c (Linux 6.1+).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <stdio.h>

#include "mm/internal.h"

static void show_val_kb(FILE *out, const char *s, unsigned long num)
{
	fprintf(out, "%s%8lu kB\n", s, num << (PAGE_SHIFT - 10));
}

int meminfo_show(FILE *out)
{
	unsigned long total = totalram_pages(), free = nr_free_pages();
	unsigned long sreclaim = node_page_state(NR_SLAB_RECLAIMABLE);
	unsigned long sunreclaim = node_page_state(NR_SLAB_UNRECLAIMABLE);
	unsigned long available, wmark_low = 0;
	struct zone *zone;

	for_each_zone(zone)
		wmark_low += low_wmark_pages(zone);
	available = free > wmark_low ? free - wmark_low : 0;
	available += sreclaim - min(sreclaim / 2, wmark_low);

	show_val_kb(out, "MemTotal:       ", total);
	show_val_kb(out, "MemFree:        ", free);
	show_val_kb(out, "MemAvailable:   ", available);
	show_val_kb(out, "Buffers:        ", 0);
	show_val_kb(out, "Cached:         ", 0);
	show_val_kb(out, "SwapCached:     ", 0);
	show_val_kb(out, "Active:         ", 0);
	show_val_kb(out, "Inactive:       ", 0);
	show_val_kb(out, "Active(anon):   ", 0);
	show_val_kb(out, "Inactive(anon): ", 0);
	show_val_kb(out, "Active(file):   ", 0);
	show_val_kb(out, "Inactive(file): ", 0);
	show_val_kb(out, "Unevictable:    ", 0);
	show_val_kb(out, "Mlocked:        ", 0);
	if (machine.arch == MACHINE_I386) {
		show_val_kb(out, "HighTotal:      ", totalhigh_pages());
		show_val_kb(out, "HighFree:       ", nr_free_highpages());
		show_val_kb(out, "LowTotal:       ", total - totalhigh_pages());
		show_val_kb(out, "LowFree:        ", free - nr_free_highpages());
	}
	show_val_kb(out, "SwapTotal:      ", 0);
	show_val_kb(out, "SwapFree:       ", 0);
	show_val_kb(out, "Dirty:          ", 0);
	show_val_kb(out, "Writeback:      ", 0);
	show_val_kb(out, "AnonPages:      ", 0);
	show_val_kb(out, "Mapped:         ", 0);
	show_val_kb(out, "Shmem:          ", 0);
	show_val_kb(out, "KReclaimable:   ", sreclaim + node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb(out, "Slab:           ", sreclaim + sunreclaim);
	show_val_kb(out, "SReclaimable:   ", sreclaim);
	show_val_kb(out, "SUnreclaim:     ", sunreclaim);
	fprintf(out, "KernelStack:    %8lu kB\n", node_page_state(NR_KERNEL_STACK) << (PAGE_SHIFT - 10));
	show_val_kb(out, "PageTables:     ", node_page_state(NR_PAGETABLE));
	show_val_kb(out, "SecPageTables:  ", 0);
	show_val_kb(out, "NFS_Unstable:   ", 0);
	show_val_kb(out, "Bounce:         ", 0);
	show_val_kb(out, "WritebackTmp:   ", 0);
	show_val_kb(out, "CommitLimit:    ", total / 2);
	show_val_kb(out, "Committed_AS:   ", total - free);
	fprintf(out, "VmallocTotal:   %8lu kB\n",
		(unsigned long)(machine.vmalloc_end - machine.vmalloc_start) >> 10);
	show_val_kb(out, "VmallocUsed:    ", node_page_state(NR_VMALLOC));
	show_val_kb(out, "VmallocChunk:   ", 0);
	show_val_kb(out, "Percpu:         ", node_page_state(NR_PERCPU));
	show_val_kb(out, "HardwareCorrupted: ", 0);
	show_val_kb(out, "AnonHugePages:  ", 0);
	show_val_kb(out, "ShmemHugePages: ", 0);
	show_val_kb(out, "ShmemPmdMapped: ", 0);
	show_val_kb(out, "FileHugePages:  ", 0);
	show_val_kb(out, "FilePmdMapped:  ", 0);
	return 0;
}

int buddyinfo_show(FILE *out)
{
	struct zone *zone;
	int o;

	for_each_populated_zone(zone) {
		unsigned long nr[NR_PAGE_ORDERS];

		spin_lock(&zone->lock);
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			nr[o] = zone->free_area[o].nr_free;
		spin_unlock(&zone->lock);
		fprintf(out, "Node %d, zone %8s ", zone->node, zone->name);
		for (o = 0; o < NR_PAGE_ORDERS; o++)
			fprintf(out, "%6lu ", nr[o]);
		fputc('\n', out);
	}
	return 0;
}

int zoneinfo_show(FILE *out)
{
	struct zone *zone;

	for_each_zone(zone) {
		if (machine.arch == MACHINE_X86_64 && zone->zone_idx == ZONE_HIGHMEM)
			continue;
		if (machine.arch == MACHINE_I386 && zone->zone_idx == ZONE_DMA32)
			continue;
		fprintf(out, "Node %d, zone %8s", zone->node, zone->name);
		fprintf(out, "\n  pages free     %lu", zone_page_state(zone, NR_FREE_PAGES));
		fprintf(out, "\n        boost    %lu", 0UL);
		fprintf(out, "\n        min      %lu", min_wmark_pages(zone));
		fprintf(out, "\n        low      %lu", low_wmark_pages(zone));
		fprintf(out, "\n        high     %lu", high_wmark_pages(zone));
		fprintf(out, "\n        promo    %lu", zone->_watermark[WMARK_PROMO]);
		fprintf(out, "\n        spanned  %lu", zone->spanned_pages);
		fprintf(out, "\n        present  %lu", zone->present_pages);
		fprintf(out, "\n        managed  %lu", zone_managed_pages(zone));
		fprintf(out, "\n        cma      %lu", 0UL);
		fputs("\n        protection: (", out);
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			if (machine.arch == MACHINE_X86_64 && i == ZONE_HIGHMEM)
				continue;
			if (machine.arch == MACHINE_I386 && i == ZONE_DMA32)
				continue;
			fprintf(out, "%s%ld", i ? ", " : "", zone->lowmem_reserve[i]);
		}
		fputs(")\n", out);
		fprintf(out, "  start_pfn:           %lu\n", zone->zone_start_pfn);
	}
	return 0;
}
