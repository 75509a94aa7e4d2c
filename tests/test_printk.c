// SPDX-License-Identifier: MIT
/* test_printk.c - the kernel log, the kernel's format extensions, WARN/BUG,
 * report counters and panic_on_warn. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/mutex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/report.h"

static noinline char *dmesg_text(void)
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

	scnprintf(buf, sizeof(buf), "%5d|%-4s|%lx|%zu|%llu|%c|%%|%.2f", 42, "ab", 0xfful, (size_t)7,
		  1ull << 40, 'z', 1.5);
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

static char *dmesg_line_with(const char *needle)
{
	char *text = dmesg_text(), *at = strstr(text, needle), *start, *end, *line = NULL;

	if (at) {
		for (start = at; start > text && start[-1] != '\n'; start--)
			;
		end = strchr(at, '\n');
		line = strndup(start, end ? (size_t)(end - start) : strlen(start));
	}
	free(text);
	return line;
}

/*
 * issue 10, report fidelity: Linux 6.12 has 19 taint flags (P..N; J came in
 * 6.15), prints "Tainted: [W]=WARN" after the CPU line, and taints after
 * the report, so the first report of a boot says "Not tainted".
 */
Test(printk, taint_columns_verbose_line_and_order_are_the_kernels, .init = boot, .fini = down)
{
	char *line;

	WARN_ON(1);
	line = dmesg_line_with("Comm: ");
	cr_assert(line && strstr(line, " Not tainted 6.12.0-ukmem #1"), "%s", line);
	free(line);
	cr_assert(!ukmem_dmesg_contains("Tainted: ["), "no verbose line while untainted");
	ukmem_dmesg_clear();
	WARN_ON(1);
	line = dmesg_line_with("Comm: ");
	/* G, 8 blanks (F S R M B U D A), W, 9 blanks (C I O E L K X T N) */
	cr_assert(line && strstr(line, " Tainted: G        W          6.12.0-ukmem #1"), "%s",
		  line);
	free(line);
	line = dmesg_line_with("Tainted: [");
	cr_assert(line && strstr(line, "] Tainted: [W]=WARN") && !strstr(line, ","), "%s", line);
	free(line);
	add_taint(TAINT_BAD_PAGE);
	ukmem_dmesg_clear();
	WARN_ON(1);
	cr_assert(ukmem_dmesg_contains(" Tainted: G    B   W          6.12.0-ukmem #1"));
	cr_assert(ukmem_dmesg_contains("] Tainted: [B]=BAD_PAGE, [W]=WARN\n"));
}

/* the first taint that makes lock debugging unreliable says so, once a boot */
Test(printk, lock_debugging_is_disabled_once, .init = boot, .fini = down)
{
	add_taint(TAINT_WARN);
	cr_assert_eq(ukmem_dmesg_count("Disabling lock debugging due to kernel taint"), 0,
		     "a warning leaves lock debugging on");
	add_taint(TAINT_BAD_PAGE);
	add_taint(TAINT_BAD_PAGE);
	cr_assert_eq(ukmem_dmesg_count("Disabling lock debugging due to kernel taint"), 1);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=32M"), 0);
	ukmem_dmesg_clear();
	add_taint(TAINT_BAD_PAGE);
	cr_assert_eq(ukmem_dmesg_count("Disabling lock debugging due to kernel taint"), 1,
		     "a new machine has lock debugging on again");
}

static noinline void warn_from_a_static_function(int x)
{
	WARN(x > 0, "x is %d\n", x);
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

static noinline void call_the_warning(void)
{
	warn_from_a_static_function(3);
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

/*
 * issue 10 item 12 and stack traces: the WARNING line names the function
 * that warned as "name+0xoff/0xsize", and traces name the program's own
 * static functions, read from its ELF symbol table (no -rdynamic here).
 */
Test(printk, warning_line_and_trace_name_functions, .init = boot, .fini = down)
{
	struct mutex m;
	char *line;

	call_the_warning();
	line = dmesg_line_with("WARNING: CPU: ");
	cr_assert(line, "no WARNING line");
	cr_assert(strstr(line, "test_printk.c:"), "%s", line);
	/* (the compiler may name its copy "warn_from_a_static_function.constprop.0") */
	cr_assert(strstr(line, " warn_from_a_static_function"), "%s", line);
	cr_assert(strstr(strstr(line, "+0x"), "/0x"), "offset/size: %s", line);
	free(line);
	line = dmesg_line_with("Call Trace:");
	free(line);
	cr_assert(ukmem_dmesg_contains("]  warn_from_a_static_function"), "the trace names it");
	cr_assert(ukmem_dmesg_contains("]  call_the_warning+0x"), "and its caller");

	/* a warning inside ukmem names ukmem's function and its source from the tree's root */
	ukmem_dmesg_clear();
	mutex_init(&m);
	mutex_unlock(&m);
	line = dmesg_line_with("WARNING: CPU: ");
	cr_assert(line && strstr(line, " at machine/mutex.c:") && strstr(line, " mutex_unlock+0x"),
		  "%s", line);
	free(line);
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
