// SPDX-License-Identifier: MIT
/* test_printk.c - the kernel log, the kernel's format extensions, WARN/BUG,
 * report counters and panic_on_warn. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dmesg_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ukmem_dmesg(f);
	fclose(f);
	return buf;
}

static void boot(void)
{
	cr_assert_eq(ukmem_boot("mem=32M"), 0);
	ukmem_dmesg_clear();
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_shutdown();
}

Test(printk, dmesg_lines_have_timestamps, .init = boot, .fini = down)
{
	char *text;
	unsigned long sec, usec;
	char word[32];

	pr_info("hello %d\n", 42);
	text = dmesg_text();
	cr_assert_eq(sscanf(text, "[%5lu.%6lu] %31s", &sec, &usec, word), 3, "%s", text);
	cr_assert_str_eq(word, "hello");
	cr_assert(text[0] == '[' && text[13] == ']' && text[14] == ' ', "%s", text);
	cr_assert(strstr(text, "] hello 42\n"));
	free(text);
}

Test(printk, continuation_lines_join, .init = boot, .fini = down)
{
	char *text;

	printk(KERN_INFO "part one");
	pr_cont(" and two\n");
	text = dmesg_text();
	cr_assert(strstr(text, "] part one and two\n"), "%s", text);
	free(text);
}

Test(printk, dmesg_clear_empties_the_log, .init = boot, .fini = down)
{
	pr_err("something\n");
	cr_assert(ukmem_dmesg_contains("something"));
	ukmem_dmesg_clear();
	cr_assert(!ukmem_dmesg_contains("something"));
	pr_err("x%dx\n", 1);
	pr_err("x%dx\n", 1);
	cr_assert_eq(ukmem_dmesg_count("x1x"), 2);
}

static const char *gfp_text(gfp_t gfp)
{
	static char buf[256];

	scnprintf(buf, sizeof(buf), "%pGg", &gfp);
	return buf;
}

Test(printk, gfp_flags_decode_like_the_kernel, .init = boot, .fini = down)
{
	cr_assert_str_eq(gfp_text(GFP_KERNEL), "GFP_KERNEL");
	cr_assert_str_eq(gfp_text(GFP_KERNEL | __GFP_NOWARN), "GFP_KERNEL|__GFP_NOWARN");
	cr_assert_str_eq(gfp_text(GFP_ATOMIC), "GFP_ATOMIC");
	cr_assert_str_eq(gfp_text(GFP_NOWAIT), "GFP_NOWAIT");
	cr_assert_str_eq(gfp_text(GFP_HIGHUSER), "GFP_HIGHUSER");
	cr_assert_str_eq(gfp_text(GFP_NOIO), "GFP_NOIO");
	cr_assert_str_eq(gfp_text(GFP_NOFS), "GFP_NOFS");
	cr_assert_str_eq(gfp_text(GFP_KERNEL | GFP_DMA), "GFP_KERNEL|GFP_DMA");
	cr_assert_str_eq(gfp_text(GFP_NOWAIT | __GFP_COMP | __GFP_ZERO),
			 "GFP_NOWAIT|__GFP_COMP|__GFP_ZERO");
	cr_assert_str_eq(gfp_text(0), "");
	cr_assert_eq(GFP_KERNEL, 0xcc0u);
	cr_assert_eq(GFP_ATOMIC, 0x820u);
	cr_assert_eq(GFP_HIGHUSER, 0x100cc2u);
	cr_assert_eq(__GFP_REPEAT, __GFP_RETRY_MAYFAIL);
}

Test(printk, ordinary_formats_pass_through, .init = boot, .fini = down)
{
	char buf[128];

	scnprintf(buf, sizeof(buf), "%5d|%-4s|%lx|%zu|%llu|%c|%%|%.2f", 42, "ab", 0xfful,
		  (size_t)7, 1ull << 40, 'z', 1.5);
	cr_assert_str_eq(buf, "   42|ab  |ff|7|1099511627776|z|%|1.50");
	cr_assert_eq(scnprintf(buf, 4, "%s", "abcdef"), 3, "scnprintf returns what fits");
	cr_assert_str_eq(buf, "abc");
}

Test(printk, warn_on_reports_once_per_hit, .init = boot, .fini = down)
{
	int i, hits = 0;

	cr_assert(WARN_ON(1 + 1 == 2));
	cr_assert(ukmem_dmesg_contains("------------[ cut here ]------------"));
	cr_assert(ukmem_dmesg_contains("WARNING: CPU: "));
	cr_assert(ukmem_dmesg_contains("test_printk.c:"));
	cr_assert(ukmem_dmesg_contains("---[ end trace"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	cr_assert(!WARN_ON(0));
	for (i = 0; i < 3; i++)
		hits += WARN_ON_ONCE(1);
	cr_assert_eq(hits, 3, "WARN_ON_ONCE still returns the condition");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 2);
	WARN(1, "custom %s\n", "text");
	cr_assert(ukmem_dmesg_contains("custom text"));
	cr_assert(ukmem_dmesg_contains("Tainted: G        W"));
}

Test(printk, bug_aborts, .init = boot, .signal = SIGABRT)
{
	BUG_ON(1);
}

Test(printk, panic_on_warn_turns_warnings_into_panics, .signal = SIGABRT)
{
	cr_assert_eq(ukmem_boot("mem=32M panic_on_warn=1"), 0);
	WARN_ON(1);
}

Test(printk, allocation_failure_warning_is_not_a_panic_trigger)
{
	cr_assert_eq(ukmem_boot("mem=32M panic_on_warn=0"), 0);
	cr_assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1));
	cr_assert_eq(ukmem_report_total(), 0, "NOWARN means no report at all");
	ukmem_shutdown();
}

Test(printk, report_reset_zeroes_counters, .init = boot, .fini = down)
{
	WARN_ON(1);
	cr_assert_eq(ukmem_report_total(), 1);
	ukmem_report_reset();
	cr_assert_eq(ukmem_report_total(), 0);
}
