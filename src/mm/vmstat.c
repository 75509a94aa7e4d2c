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
	unsigned long available, wmark_low = 0, reclaimable, totalreserve = 0;
	struct zone *zone;
	long avail;
	int j;

	/* si_mem_available(): free less the reserves, plus half the reclaimable slab */
	for_each_zone(zone) {
		unsigned long reserve = 0;

		wmark_low += low_wmark_pages(zone);
		for (j = zone_idx(zone); j < MAX_NR_ZONES; j++)
			reserve = max(reserve, (unsigned long)zone->lowmem_reserve[j]);
		reserve += high_wmark_pages(zone);
		totalreserve += min(reserve, zone_managed_pages(zone));
	}
	avail = (long)free - (long)totalreserve;
	reclaimable = sreclaim + node_page_state(NR_KERNEL_MISC_RECLAIMABLE);
	avail += (long)(reclaimable - min(reclaimable / 2, wmark_low));
	available = avail < 0 ? 0 : (unsigned long)avail;

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
	fprintf(out, "HardwareCorrupted: %5lu kB\n", 0UL);
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

static bool zone_shown(int z)
{
	if (machine.arch == MACHINE_X86_64 && z == ZONE_HIGHMEM)
		return false;
	if (machine.arch == MACHINE_I386 && z == ZONE_DMA32)
		return false;
	return true;
}

/* node counters zoneinfo prints under "per-node stats", kernel names and order */
static const struct {
	const char *name;
	int item;		/* enum node_stat_item, or -1 for a counter ukmem keeps at 0 */
} node_stats[] = {
	{ "nr_inactive_anon", -1 },
	{ "nr_active_anon", -1 },
	{ "nr_inactive_file", -1 },
	{ "nr_active_file", -1 },
	{ "nr_unevictable", -1 },
	{ "nr_slab_reclaimable", NR_SLAB_RECLAIMABLE },
	{ "nr_slab_unreclaimable", NR_SLAB_UNRECLAIMABLE },
	{ "nr_isolated_anon", -1 },
	{ "nr_isolated_file", -1 },
	{ "nr_anon_pages", -1 },
	{ "nr_mapped", -1 },
	{ "nr_file_pages", -1 },
	{ "nr_dirty", -1 },
	{ "nr_writeback", -1 },
	{ "nr_writeback_temp", -1 },
	{ "nr_shmem", -1 },
	{ "nr_kernel_misc_reclaimable", NR_KERNEL_MISC_RECLAIMABLE },
	{ "nr_kernel_stack", NR_KERNEL_STACK },
	{ "nr_page_table_pages", NR_PAGETABLE },
	{ "nr_sec_page_table_pages", -1 },
};

static const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
	"nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable",
	"nr_zone_write_pending", "nr_mlock", "nr_bounce", "nr_free_cma",
};

/*
 * zoneinfo_show - /proc/zoneinfo as mm/vmstat.c zoneinfo_show_print() of
 * Linux 6.1-6.12 prints it (no NUMA counters: ukmem is CONFIG_NUMA=n).
 * Every zone of the profile is shown; an empty one stops after protection.
 */
int zoneinfo_show(FILE *out)
{
	bool first = true;
	int z, i, cpu;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &ukmem_zones[z];

		if (!zone_shown(z))
			continue;
		fprintf(out, "Node %d, zone %8s", zone->node, zone->name);
		if (first && populated_zone(zone)) {
			first = false;
			fputs("\n  per-node stats", out);
			for (i = 0; i < (int)(sizeof(node_stats) / sizeof(node_stats[0])); i++)
				fprintf(out, "\n      %-12s %lu", node_stats[i].name,
					node_stats[i].item < 0 ? 0UL :
					node_page_state((enum node_stat_item)node_stats[i].item));
		}
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
		for (i = 0, cpu = 0; i < MAX_NR_ZONES; i++) {
			if (!zone_shown(i))
				continue;
			fprintf(out, "%s%ld", cpu++ ? ", " : "", zone->lowmem_reserve[i]);
		}
		fputc(')', out);
		if (!populated_zone(zone)) {
			fputc('\n', out);
			continue;
		}
		for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
			fprintf(out, "\n      %-12s %lu", zone_stat_names[i],
				zone_page_state(zone, (enum zone_stat_item)i));
		fputs("\n  pagesets", out);
		for (cpu = 0; cpu < machine.nr_cpus; cpu++) {
			struct per_cpu_pages pcp;

			pcp_snapshot(zone, cpu, &pcp);
			fprintf(out, "\n    cpu: %i"
				     "\n              count: %i"
				     "\n              high:  %i"
				     "\n              batch: %i",
				cpu, pcp.count, pcp.high, pcp.batch);
			fprintf(out, "\n  vm stats threshold: %d", 0);
		}
		fprintf(out, "\n  node_unreclaimable:  %u"
			     "\n  start_pfn:           %lu",
			kswapd_hopeless() ? 1u : 0u, zone->zone_start_pfn);
		fputc('\n', out);
	}
	return 0;
}

/*
 * show_mem - the "Mem-Info:" block that allocation failures and the OOM
 * report print (the kernel's __show_free_areas), through printk.
 */
void show_mem(void)
{
	unsigned long free = nr_free_pages(), pcp = nr_free_pcp_pages(NULL);
	unsigned long reserved = 0, highmem = 0;
	int z, o;

	printk(KERN_WARNING "Mem-Info:\n");
	printk(KERN_WARNING "active_anon:0 inactive_anon:0 isolated_anon:0\n"
	       " active_file:0 inactive_file:0 isolated_file:0\n"
	       " unevictable:0 dirty:0 writeback:0\n"
	       " slab_reclaimable:%lu slab_unreclaimable:%lu\n"
	       " mapped:0 shmem:0 pagetables:%lu\n"
	       " sec_pagetables:0 bounce:0\n"
	       " kernel_misc_reclaimable:%lu\n"
	       " free:%lu free_pcp:%lu free_cma:0\n",
	       node_page_state(NR_SLAB_RECLAIMABLE), node_page_state(NR_SLAB_UNRECLAIMABLE),
	       node_page_state(NR_PAGETABLE), node_page_state(NR_KERNEL_MISC_RECLAIMABLE),
	       free, pcp);
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &ukmem_zones[z];
		char line[512];
		size_t n = 0;
		unsigned long total = 0;
		int i;

		if (!populated_zone(zone))
			continue;
		reserved += zone->present_pages - zone_managed_pages(zone);
		if (z == ZONE_HIGHMEM)
			highmem += zone->present_pages;
		printk(KERN_WARNING "Node 0 %s free:%lukB boost:0kB min:%lukB low:%lukB high:%lukB reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:%lukB managed:%lukB mlocked:0kB bounce:0kB free_pcp:%lukB local_pcp:%ukB free_cma:0kB\n",
		       zone->name, zone_page_state(zone, NR_FREE_PAGES) << 2,
		       min_wmark_pages(zone) << 2, low_wmark_pages(zone) << 2,
		       high_wmark_pages(zone) << 2, zone->present_pages << 2,
		       zone_managed_pages(zone) << 2, nr_free_pcp_pages(zone) << 2, 0u);
		n += (size_t)snprintf(line + n, sizeof(line) - n, "lowmem_reserve[]:");
		for (i = 0; i < MAX_NR_ZONES; i++)
			if (zone_shown(i))
				n += (size_t)snprintf(line + n, sizeof(line) - n, " %ld",
						      zone->lowmem_reserve[i]);
		printk(KERN_WARNING "%s\n", line);
		n = (size_t)snprintf(line, sizeof(line), "Node 0 %s: ", zone->name);
		/* no zone->lock: a report may come from anywhere; nr_free is stored atomically */
		for (o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long nr = __atomic_load_n(&zone->free_area[o].nr_free,
							   __ATOMIC_RELAXED);

			total += nr << o;
			if (n < sizeof(line))
				n += (size_t)snprintf(line + n, sizeof(line) - n, "%lu*%lukB ", nr,
						      4UL << o);
		}
		printk(KERN_WARNING "%s= %lukB\n", line, total << 2);
	}
	printk(KERN_WARNING "0 total pagecache pages\n");
	printk(KERN_WARNING "%lu pages RAM\n", machine.max_pfn);
	printk(KERN_WARNING "%lu pages HighMem/MovableOnly\n", highmem);
	printk(KERN_WARNING "%lu pages reserved\n", reserved);
}
