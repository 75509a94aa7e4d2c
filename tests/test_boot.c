// SPDX-License-Identifier: MIT
/* test_boot.c - boot parameters, reboot, implicit boot, /proc dispatch. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <errno.h>
#include <stdlib.h>

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
	const char *bad[] = { "mem=abc", "mem=", "machine=sparc", "nr_cpus=0", "nr_cpus=x",
			      "panic_on_warn=2", "loglevel=99", "mem=1K", "quiet=1" };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ukmem_dmesg_clear();
		cr_assert_eq(ukmem_boot(bad[i]), -EINVAL, "%s", bad[i]);
		cr_assert(ukmem_dmesg_contains(bad[i]), "log names %s", bad[i]);
	}
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
	const char *lines[] = { "mem=32M", "mem=2G machine=i386", "mem=64M nr_cpus=64", "mem=6G" };
	unsigned int i;

	for (i = 0; i < 8; i++) {
		cr_assert_eq(ukmem_boot(lines[i % 4]), 0, "%s", lines[i % 4]);
		struct page *p = alloc_pages(GFP_KERNEL, 3);

		cr_assert(p);
		__free_pages(p, 3);
		ukmem_shutdown();
	}
}
