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

/* the hugetlb page sizes the profile's kernel registers (for_each_hstate order) */
static const unsigned long *hstate_kb(int *n)
{
	static const unsigned long x86_64[] = {1048576, 2048}, i386[] = {4096};

	*n = machine.arch == MACHINE_X86_64 ? 2 : 1;
	return machine.arch == MACHINE_X86_64 ? x86_64 : i386;
}

static void show_val_kb(FILE *out, const char *s, unsigned long num)
{
	fprintf(out, "%s%8lu kB\n", s, num << (PAGE_SHIFT - 10));
}

/* hugetlb_report_meminfo - no huge pages are reserved: the default hstate's zeros */
static void hugetlb_report_meminfo(FILE *out)
{
	int n;

	fprintf(out,
		"HugePages_Total:   %5lu\n"
		"HugePages_Free:    %5lu\n"
		"HugePages_Rsvd:    %5lu\n"
		"HugePages_Surp:    %5lu\n"
		"Hugepagesize:   %8lu kB\n",
		0UL, 0UL, 0UL, 0UL, hstate_kb(&n)[n - 1]);
	fprintf(out, "Hugetlb:        %8lu kB\n", 0UL);
}

/*
 * arch_report_meminfo - the x86 DirectMap lines: how the kernel would map
 * the direct map (all RAM on x86_64, lowmem on i386). The first big page
 * is mapped with 4k pages (the ISA range), then big pages (2M; 4M on
 * non-PAE i386), 1G pages on x86_64 over whole aligned gigabytes, and the
 * tail that fills no big page with 4k pages.
 */
static void arch_report_meminfo(FILE *out)
{
	unsigned long end = max_low_pfn << PAGE_SHIFT;
	unsigned long big = machine.arch == MACHINE_X86_64 ? 2UL << 20 : 4UL << 20;
	unsigned long k4, kbig, k1g = 0, head = min(end, big), big_end;

	big_end = end & ~(big - 1);
	if (big_end < head)
		big_end = head;
	if (machine.arch == MACHINE_X86_64 && big_end > (1UL << 30))
		k1g = (big_end & ~((1UL << 30) - 1)) - (1UL << 30);
	k4 = head + (end - big_end);
	kbig = big_end - head - k1g;
	fprintf(out, "DirectMap4k:    %8lu kB\n", k4 >> 10);
	if (machine.arch == MACHINE_X86_64) {
		fprintf(out, "DirectMap2M:    %8lu kB\n", kbig >> 10);
		fprintf(out, "DirectMap1G:    %8lu kB\n", k1g >> 10);
	} else {
		fprintf(out, "DirectMap4M:    %8lu kB\n", kbig >> 10);
	}
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
	for_each_zone (zone) {
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
	show_val_kb(out,
		    "KReclaimable:   ", sreclaim + node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb(out, "Slab:           ", sreclaim + sunreclaim);
	show_val_kb(out, "SReclaimable:   ", sreclaim);
	show_val_kb(out, "SUnreclaim:     ", sunreclaim);
	fprintf(out, "KernelStack:    %8lu kB\n",
		node_page_state(NR_KERNEL_STACK) << (PAGE_SHIFT - 10));
	show_val_kb(out, "PageTables:     ", node_page_state(NR_PAGETABLE));
	show_val_kb(out, "SecPageTables:  ", 0);
	show_val_kb(out, "NFS_Unstable:   ", 0);
	show_val_kb(out, "Bounce:         ", 0);
	show_val_kb(out, "WritebackTmp:   ", 0);
	show_val_kb(out, "CommitLimit:    ", total / 2);
	/* user-space commitments (vm_committed_as): ukmem has none */
	show_val_kb(out, "Committed_AS:   ", 0);
	/* x86_64: the kernel's 32 TiB vmalloc space (VMALLOC_END is inclusive);
	 * ukmem's own is smaller (docs/vmalloc.md) */
	fprintf(out, "VmallocTotal:   %8lu kB\n",
		machine.arch == MACHINE_X86_64
		    ? 34359738367UL
		    : (unsigned long)(machine.vmalloc_end - machine.vmalloc_start) >> 10);
	show_val_kb(out, "VmallocUsed:    ", node_page_state(NR_VMALLOC));
	show_val_kb(out, "VmallocChunk:   ", 0);
	show_val_kb(out, "Percpu:         ", node_page_state(NR_PERCPU));
	fprintf(out, "HardwareCorrupted: %5lu kB\n", 0UL);
	show_val_kb(out, "AnonHugePages:  ", 0);
	show_val_kb(out, "ShmemHugePages: ", 0);
	show_val_kb(out, "ShmemPmdMapped: ", 0);
	show_val_kb(out, "FileHugePages:  ", 0);
	show_val_kb(out, "FilePmdMapped:  ", 0);
	hugetlb_report_meminfo(out);
	arch_report_meminfo(out);
	return 0;
}

int buddyinfo_show(FILE *out)
{
	struct zone *zone;
	int o;

	for_each_populated_zone (zone) {
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
	int item; /* enum node_stat_item, or -1 for a counter ukmem keeps at 0 */
} node_stats[] = {
    {"nr_inactive_anon", -1},
    {"nr_active_anon", -1},
    {"nr_inactive_file", -1},
    {"nr_active_file", -1},
    {"nr_unevictable", -1},
    {"nr_slab_reclaimable", NR_SLAB_RECLAIMABLE},
    {"nr_slab_unreclaimable", NR_SLAB_UNRECLAIMABLE},
    {"nr_isolated_anon", -1},
    {"nr_isolated_file", -1},
    {"nr_anon_pages", -1},
    {"nr_mapped", -1},
    {"nr_file_pages", -1},
    {"nr_dirty", -1},
    {"nr_writeback", -1},
    {"nr_writeback_temp", -1},
    {"nr_shmem", -1},
    {"nr_kernel_misc_reclaimable", NR_KERNEL_MISC_RECLAIMABLE},
    {"nr_kernel_stack", NR_KERNEL_STACK},
    {"nr_page_table_pages", NR_PAGETABLE},
    {"nr_sec_page_table_pages", -1},
};

static const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
    "nr_free_pages",
    "nr_zone_inactive_anon",
    "nr_zone_active_anon",
    "nr_zone_inactive_file",
    "nr_zone_active_file",
    "nr_zone_unevictable",
    "nr_zone_write_pending",
    "nr_mlock",
    "nr_bounce",
    "nr_free_cma",
};

static int fls_ul(unsigned long x)
{
	return x ? (int)(sizeof(long) * 8) - __builtin_clzl(x) : 0;
}

/*
 * stat_threshold - the per-CPU counter drift the kernel allows a zone
 * (calculate_normal_threshold): 2 * fls(cpus) * (1 + fls(managed in
 * 128 MiB units)), at most 125. ukmem's counters are exact; the value is
 * shown as the kernel computes it.
 */
static int stat_threshold(const struct zone *zone)
{
	unsigned long mem = zone_managed_pages(zone) >> (27 - PAGE_SHIFT);
	int threshold = 2 * fls_ul((unsigned long)machine.nr_cpus) * (1 + fls_ul(mem));

	return min(threshold, 125);
}

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
				fprintf(
				    out, "\n      %-12s %lu", node_stats[i].name,
				    node_stats[i].item < 0
					? 0UL
					: node_page_state((enum node_stat_item)node_stats[i].item));
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
			fprintf(out,
				"\n    cpu: %i"
				"\n              count: %i"
				"\n              high:  %i"
				"\n              batch: %i",
				cpu, pcp.count, pcp.high, pcp.batch);
			fprintf(out, "\n  vm stats threshold: %d", stat_threshold(zone));
		}
		fprintf(out,
			"\n  node_unreclaimable:  %u"
			"\n  start_pfn:           %lu",
			kswapd_hopeless() ? 1u : 0u, zone->zone_start_pfn);
		fputc('\n', out);
	}
	return 0;
}

/*
 * __show_mem - the "Mem-Info:" block that allocation failures and the OOM
 * report print: mm/show_mem.c __show_mem() of Linux 6.12 through printk,
 * zones up to @max_zone_idx (the request's gfp_zone(), as the kernel
 * passes it). ukmem has no mobility grouping: every free block is
 * MIGRATE_UNMOVABLE, so the buddy lines show (U). No zone->lock and no
 * CPU is taken (a report may come from anywhere): nr_free and pcp counts
 * are read as the atomic snapshots their writers store.
 */
void __show_mem(int max_zone_idx)
{
	unsigned long free_pcp = 0, total = 0, reserved = 0, highmem = 0;
	struct zone *zone;
	char line[512];
	int n, k, i;
	const unsigned long *hkb = hstate_kb(&n);

	for_each_populated_zone (zone)
		if (zone_idx(zone) <= max_zone_idx)
			free_pcp += nr_free_pcp_pages(zone);
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
	       nr_free_pages(), free_pcp);
	printk(
	    KERN_WARNING "Node 0 active_anon:0kB inactive_anon:0kB active_file:0kB "
			 "inactive_file:0kB unevictable:0kB isolated(anon):0kB isolated(file):0kB "
			 "mapped:0kB dirty:0kB writeback:0kB shmem:0kB shmem_thp:0kB "
			 "shmem_pmdmapped:0kB anon_thp:0kB writeback_tmp:0kB kernel_stack:%lukB "
			 "pagetables:%lukB sec_pagetables:0kB all_unreclaimable? %s\n",
	    node_page_state(NR_KERNEL_STACK) << (PAGE_SHIFT - 10),
	    node_page_state(NR_PAGETABLE) << (PAGE_SHIFT - 10), kswapd_hopeless() ? "yes" : "no");
	for_each_populated_zone (zone) {
		size_t len;

		if (zone_idx(zone) > max_zone_idx)
			continue;
		printk(KERN_WARNING
		       "Node 0 %s free:%lukB boost:0kB min:%lukB low:%lukB high:%lukB "
		       "reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB "
		       "active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB "
		       "present:%lukB managed:%lukB mlocked:0kB bounce:0kB free_pcp:%lukB "
		       "local_pcp:%ukB free_cma:0kB\n",
		       zone->name, zone_page_state(zone, NR_FREE_PAGES) << 2,
		       min_wmark_pages(zone) << 2, low_wmark_pages(zone) << 2,
		       high_wmark_pages(zone) << 2, zone->present_pages << 2,
		       zone_managed_pages(zone) << 2, nr_free_pcp_pages(zone) << 2, 0u);
		/* one entry per zone type, as the kernel loops to MAX_NR_ZONES */
		len = (size_t)snprintf(line, sizeof(line), "lowmem_reserve[]:");
		for (i = 0; i < MAX_NR_ZONES; i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %ld",
						zone->lowmem_reserve[i]);
		printk(KERN_WARNING "%s\n", line);
	}
	for_each_populated_zone (zone) {
		unsigned long zone_free = 0;
		size_t len;
		int o;

		if (zone_idx(zone) > max_zone_idx)
			continue;
		len = (size_t)snprintf(line, sizeof(line), "Node 0 %s: ", zone->name);
		for (o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long nr =
			    __atomic_load_n(&zone->free_area[o].nr_free, __ATOMIC_RELAXED);

			zone_free += nr << o;
			if (len < sizeof(line))
				len +=
				    (size_t)snprintf(line + len, sizeof(line) - len, "%lu*%lukB %s",
						     nr, 4UL << o, nr ? "(U) " : "");
		}
		printk(KERN_WARNING "%s= %lukB\n", line, zone_free << 2);
	}
	for (k = 0; k < n; k++)
		printk(KERN_WARNING "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
				    "hugepages_size=%lukB\n",
		       hkb[k]);
	printk(KERN_WARNING "0 total pagecache pages\n");
	printk(KERN_WARNING "0 pages in swap cache\n");
	printk(KERN_WARNING "Free swap  = 0kB\n");
	printk(KERN_WARNING "Total swap = 0kB\n");
	for_each_populated_zone (zone) {
		total += zone->present_pages;
		reserved += zone->present_pages - zone_managed_pages(zone);
		if (zone_idx(zone) == ZONE_HIGHMEM)
			highmem += zone->present_pages;
	}
	printk(KERN_WARNING "%lu pages RAM\n", total);
	printk(KERN_WARNING "%lu pages HighMem/MovableOnly\n", highmem);
	printk(KERN_WARNING "%lu pages reserved\n", reserved);
}

void show_mem(void)
{
	__show_mem(MAX_NR_ZONES - 1);
}
