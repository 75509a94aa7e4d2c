// SPDX-License-Identifier: MIT
/* test_boot.c - boot parameters, reboot, implicit boot, /proc dispatch. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/bug.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/slab.h"

Test(boot, defaults_and_ebusy)
{
	cr_assert_eq(ukmem_boot(NULL), 0);
	cr_assert_eq(ukmem_boot(""), -EBUSY);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	ukmem_shutdown();
}

Test(boot, unknown_parameter_is_named)
{
	ukmem_dmesg_clear();
	cr_assert_eq(ukmem_boot("mem=64M frobnicate=3"), -EINVAL);
	cr_assert(ukmem_dmesg_contains("frobnicate=3"));
	cr_assert(!ukmem_booted());
}

Test(boot, malformed_parameters)
{
	/* the kernel's words: do_early_param() for early options, parse_args() for the rest */
	const char *bad[][2] = {
	    {"mem=abc", "Malformed early option 'mem'"},
	    {"mem=", "Malformed early option 'mem'"},
	    {"machine=sparc", "Booting kernel: `sparc' invalid for parameter `machine'"},
	    {"nr_cpus=0", "Malformed early option 'nr_cpus'"},
	    {"nr_cpus=x", "Malformed early option 'nr_cpus'"},
	    {"panic_on_warn=2", "Booting kernel: `2' invalid for parameter `panic_on_warn'"},
	    {"loglevel=99", "Malformed early option 'loglevel'"},
	    {"mem=1K", "Malformed early option 'mem'"},
	    {"quiet=1", "Malformed early option 'quiet'"},
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ukmem_dmesg_clear();
		cr_assert_eq(ukmem_boot(bad[i][0]), -EINVAL, "%s", bad[i][0]);
		cr_assert(ukmem_dmesg_contains(bad[i][1]), "%s: log says %s", bad[i][0], bad[i][1]);
	}
}

/* issue 10 item 11: memparse's suffix shift wrapped 17179869185G (2^64 + 1G) to 1 GiB */
Test(boot, mem_size_overflow_is_einval)
{
	const char *bad[] = {"mem=17179869185G",	 "mem=16777216T",
			     "mem=18446744073709551616", "mem=99999999999999999999M",
			     "mem=18014398509481984K",	 "vmalloc=17179869185G"};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ukmem_dmesg_clear();
		cr_assert_eq(ukmem_boot(bad[i]), -EINVAL, "%s", bad[i]);
		cr_assert(!ukmem_booted(), "%s booted", bad[i]);
		cr_assert(ukmem_dmesg_contains("Malformed early option '"), "%s", bad[i]);
	}
	/* the largest machine still boots by every spelling */
	cr_assert_eq(ukmem_boot("mem=32G"), 0);
	cr_assert_eq(max_pfn, (32ul << 30) >> PAGE_SHIFT);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=0x800000000"), 0);
	cr_assert_eq(max_pfn, (32ul << 30) >> PAGE_SHIFT);
	ukmem_shutdown();
}

/* issue 10 item 11: ukmem.h says the counters count reports "since boot" */
Test(boot, report_counters_start_from_zero_at_each_boot)
{
	cr_assert_eq(ukmem_boot("mem=32M"), 0);
	WARN_ON(1);
	cr_assert_eq(ukmem_report_total(), 1);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_total(), 1, "the counters survive shutdown, for its leak report");
	cr_assert_eq(ukmem_boot("mem=32M"), 0);
	cr_assert_eq(ukmem_report_total(), 0, "a new boot counts from zero");
	ukmem_dmesg_clear();
	WARN_ON(1);
	cr_assert(ukmem_dmesg_contains(" Not tainted "), "the taint went with the old machine");
	ukmem_shutdown();
}

/* the host mappings of this process in kB, less the malloc heap (which may fragment) */
static long host_vm_kb(void)
{
	char line[512];
	unsigned long lo, hi;
	long kb = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strstr(line, "[heap]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			kb += (long)((hi - lo) >> 10);
	if (f)
		fclose(f);
	return kb;
}

/*
 * 40 boots: a page a boot was the leak; AddressSanitizer's own bookkeeping
 * may map a page or two. ThreadSanitizer maps metadata for every new
 * address range it sees (each boot's reservation lands elsewhere), a page
 * or so a boot itself, so the check means nothing there.
 */
static void assert_host_vm_kept(long vm0)
{
#ifndef __SANITIZE_THREAD__
	cr_assert_lt(host_vm_kb() - vm0, 40 * 4 / 4, "host address space grew by %ld kB",
		     host_vm_kb() - vm0);
#endif
}

/*
 * issue 10 item 11: a boot whose slab init failed left its caches' per-CPU
 * arrays (host memory) in use; the next boot found fewer blocks free. Find
 * the fewest blocks a boot needs (successful boots clean up after
 * themselves), fail once with one block fewer, then boot with exactly that
 * many: the failed boot must have given every block back.
 */
Test(boot, failed_slab_init_gives_back_its_host_memory)
{
	unsigned int saved = cpu_blocks_max, need = 0, c;
	long vm0;
	int i;

	for (c = 200; c > 0; c--) {
		cpu_blocks_max = c;
		if (ukmem_boot("mem=32M nr_cpus=2"))
			break;
		ukmem_shutdown();
		need = c;
	}
	cr_assert(need > 1 && c == need - 1, "a boot needs %u blocks", need);
	cr_assert(ukmem_dmesg_contains("ukmem: slab init failed: -12"));
	cpu_blocks_max = need;
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0, "the failed boot kept blocks in use");
	ukmem_shutdown();

	/* many failing boots of several shapes cost the host nothing */
	vm0 = host_vm_kb();
	for (i = 0; i < 40; i++) {
		char cmd[64];

		cpu_blocks_max = need - 1 - (unsigned int)i % 3;
		snprintf(cmd, sizeof(cmd), "mem=32M nr_cpus=%d", 1 + i % 4);
		ukmem_dmesg_clear();
		cr_assert_neq(ukmem_boot(cmd), 0, "%s with %u blocks", cmd, cpu_blocks_max);
	}
	assert_host_vm_kept(vm0);
	cpu_blocks_max = saved;
	cr_assert_eq(ukmem_boot("mem=32M"), 0);
	ukmem_shutdown();
}

/* plat_reserve() left a page of address space behind at every boot (the per-CPU area's) */
Test(boot, reboots_cost_the_host_nothing)
{
	long vm0;
	int i;

	for (i = 0; i < 2; i++) {
		cr_assert_eq(ukmem_boot(i & 1 ? "mem=32M nr_cpus=3" : "mem=64M machine=i386"), 0);
		ukmem_shutdown();
	}
	vm0 = host_vm_kb();
	for (i = 0; i < 40; i++) {
		ukmem_dmesg_clear(); /* the log's buffer is host memory too */
		cr_assert_eq(ukmem_boot(i & 1 ? "mem=32M nr_cpus=3" : "mem=64M machine=i386"), 0);
		ukmem_shutdown();
	}
	assert_host_vm_kept(vm0);
}

Test(boot, implicit_boot_from_env)
{
	setenv("UKMEM_CMDLINE", "mem=48M nr_cpus=3", 1);
	struct page *p = alloc_pages(GFP_KERNEL, 0);

	cr_assert(p);
	cr_assert(ukmem_booted());
	cr_assert_eq(ukmem_nr_cpus(), 3);
	cr_assert_eq(max_pfn, (48ul << 20) >> PAGE_SHIFT);
	__free_pages(p, 0);
	ukmem_shutdown();
}

Test(boot, proc_unknown_is_enoent)
{
	cr_assert_eq(ukmem_boot("mem=32M"), 0);
	cr_assert_eq(ukmem_proc_show("nonesuch", stdout), -ENOENT);
	ukmem_shutdown();
}

Test(boot, reboot_many_times_with_different_machines)
{
	const char *lines[] = {"mem=32M", "mem=2G machine=i386", "mem=64M nr_cpus=64", "mem=6G"};
	unsigned int i;

	for (i = 0; i < 8; i++) {
		cr_assert_eq(ukmem_boot(lines[i % 4]), 0, "%s", lines[i % 4]);
		struct page *p = alloc_pages(GFP_KERNEL, 3);

		cr_assert(p);
		__free_pages(p, 3);
		ukmem_shutdown();
	}
}
