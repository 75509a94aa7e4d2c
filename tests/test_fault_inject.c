// SPDX-License-Identifier: MIT
/*
 * test_fault_inject.c - fault injection: the boot syntax, the kernel's
 * decision order (fail-nth, probability, task filter, times, space,
 * interval, the draw), every knob, fail-nth per thread, the seeded random
 * mode, __GFP_NOFAIL and __GFP_NOWARN, vmalloc and per-CPU allocations,
 * the sweep on examples/fault_sweep.c, misuse of the API, and threads.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/fault-inject.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAULT_SWEEP_EXAMPLE_NO_MAIN
#include "../examples/fault_sweep.c"

static void boot_with(const char *cmdline)
{
	ukmem_dmesg_clear();
	cr_assert_eq(ukmem_boot(cmdline), 0, "%s", cmdline);
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_fail_nth(0);
	ukmem_make_it_fail(0);
	ukmem_shutdown();
}

TestSuite(fault_inject, .fini = down);

static long knob(const char *attr, const char *name)
{
	long v = LONG_MIN;

	cr_assert_eq(ukmem_fault_get(attr, name, &v), 0, "%s/%s", attr, name);
	return v;
}

static void set(const char *attr, const char *name, long v)
{
	cr_assert_eq(ukmem_fault_set(attr, name, v), 0, "%s/%s=%ld", attr, name, v);
}

/* ------------------------------------------------------------ boot syntax */

Test(fault_inject, boot_syntax)
{
	const char *bad[] = {"failslab",
			     "failslab=",
			     "failslab=1,2,3",
			     "failslab=1,2,3,4,5",
			     "failslab=a,b,c,d",
			     "failslab=-1,2,3,4",
			     "failslab=1,-2,3,4",
			     "failslab=1, 2,3,4",
			     "fail_page_alloc=1,2,3,4x",
			     "fail_page_alloc=1,2,3,99999999999"};
	const char *bad_seed[] = {"fault_seed", "fault_seed=", "fault_seed=-1", "fault_seed=12ab"};
	char cmd[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "mem=64M %s", bad[i]);
		ukmem_dmesg_clear();
		cr_assert_eq(ukmem_boot(cmd), -EINVAL, "%s", cmd);
		cr_expect(ukmem_dmesg_contains("FAULT_INJECTION: failed to parse arguments"), "%s",
			  cmd);
		cr_expect(ukmem_dmesg_contains("invalid for parameter `fail"), "%s", cmd);
		cr_assert_not(ukmem_booted());
	}
	for (size_t i = 0; i < sizeof(bad_seed) / sizeof(bad_seed[0]); i++) {
		snprintf(cmd, sizeof(cmd), "mem=64M %s", bad_seed[i]);
		ukmem_dmesg_clear();
		cr_assert_eq(ukmem_boot(cmd), -EINVAL, "%s", cmd);
		cr_expect(ukmem_dmesg_contains("invalid for parameter `fault_seed'"), "%s", cmd);
	}

	boot_with("mem=64M failslab=3,40,100,7 fail_page_alloc=5,60,-2,-1 fault_seed=0x2a");
	cr_assert_eq(knob("failslab", "interval"), 3);
	cr_assert_eq(knob("failslab", "probability"), 40);
	cr_assert_eq(knob("failslab", "space"), 100);
	cr_assert_eq(knob("failslab", "times"), 7);
	cr_assert_eq(knob("fail_page_alloc", "interval"), 5);
	cr_assert_eq(knob("fail_page_alloc", "probability"), 60);
	cr_assert_eq(knob("fail_page_alloc", "space"), -2);
	cr_assert_eq(knob("fail_page_alloc", "times"), -1);
	cr_assert_eq(ukmem_fault_seed_get(), 42);
	cr_assert(ukmem_dmesg_contains("FAULT_INJECTION: failslab armed"));
	cr_assert(ukmem_dmesg_contains("FAULT_INJECTION: random seed 42"));
	ukmem_shutdown();

	/* every boot starts from the kernel's defaults */
	boot_with("mem=64M");
	cr_assert_eq(knob("failslab", "interval"), 1);
	cr_assert_eq(knob("failslab", "probability"), 0);
	cr_assert_eq(knob("failslab", "times"), 1);
	cr_assert_eq(knob("failslab", "verbose"), 2);
	cr_assert_eq(knob("failslab", "ignore-gfp-wait"), 1);
	cr_assert_eq(knob("failslab", "cache-filter"), 0);
	cr_assert_eq(knob("fail_page_alloc", "ignore-gfp-wait"), 1);
	cr_assert_eq(knob("fail_page_alloc", "ignore-gfp-highmem"), 1);
	cr_assert_eq(knob("fail_page_alloc", "min-order"), 1);
	cr_assert_eq(knob("fail_page_alloc", "verbose_ratelimit_burst"), 10);
	cr_assert_eq(knob("fail_page_alloc", "verbose_ratelimit_interval_ms"), 5000);
	cr_assert_not(ukmem_dmesg_contains("FAULT_INJECTION"));
}

/* ------------------------------------------------------------ the decision order */

static void attr_init(struct fault_attr *a, unsigned long interval, unsigned long probability,
		      int space, int times)
{
	struct fault_attr init = FAULT_ATTR_INITIALIZER;
	char buf[64];

	*a = init;
	a->dname = "test_attr";
	a->verbose = 0;
	snprintf(buf, sizeof(buf), "%lu,%lu,%d,%d", interval, probability, space, times);
	cr_assert_eq(setup_fault_attr(a, buf), 1, "%s", buf);
}

Test(fault_inject, order_probability_first)
{
	struct fault_attr a;

	boot_with("mem=64M");
	/* probability 0 returns before space, times and interval are touched */
	attr_init(&a, 3, 0, 100, 5);
	for (int i = 0; i < 10; i++)
		cr_assert_not(should_fail(&a, 10));
	cr_assert_eq(a.space.counter, 100);
	cr_assert_eq(a.count, 0);
	cr_assert_eq(a.times.counter, 5);
}

Test(fault_inject, order_task_filter_before_times_and_space)
{
	struct fault_attr a;

	boot_with("mem=64M");
	attr_init(&a, 1, 100, 15, -1);
	a.task_filter = true;
	cr_assert_not(should_fail(&a, 10)); /* not make-it-fail: stops before space */
	cr_assert_eq(a.space.counter, 15);
	cr_assert_eq(ukmem_make_it_fail(1), 0);
	cr_assert_not(should_fail(&a, 10)); /* marked: space is spent now */
	cr_assert_eq(a.space.counter, 5);
	cr_assert(should_fail(&a, 10));
	cr_assert_eq(ukmem_make_it_fail(0), 0);
	cr_assert_not(should_fail(&a, 10));
}

Test(fault_inject, order_times_before_space)
{
	struct fault_attr a;

	boot_with("mem=64M");
	attr_init(&a, 1, 100, 50, 0);
	cr_assert_not(should_fail(&a, 10));
	cr_assert_eq(a.space.counter, 50, "times 0 must stop before space is spent");
}

Test(fault_inject, order_space_before_interval_before_draw)
{
	struct fault_attr a;
	bool got[6];

	boot_with("mem=64M");
	/* space 25: two calls of 10 spend it to 5 without counting for the interval */
	attr_init(&a, 2, 100, 25, -1);
	for (int i = 0; i < 6; i++)
		got[i] = should_fail(&a, 10);
	cr_assert_not(got[0]);
	cr_assert_not(got[1]);
	cr_assert_eq(a.space.counter, 5);
	/* then every 2nd call: count 1 no, 2 yes, 3 no, 4 yes */
	cr_assert_not(got[2]);
	cr_assert(got[3]);
	cr_assert_not(got[4]);
	cr_assert(got[5]);
	cr_assert_eq(a.count, 4);
	cr_assert_eq(a.times.counter, -1, "times -1 is never counted down");
}

Test(fault_inject, times_counts_down)
{
	struct fault_attr a;
	int failed = 0;

	boot_with("mem=64M");
	attr_init(&a, 1, 100, 0, 3);
	for (int i = 0; i < 10; i++)
		failed += should_fail(&a, 1);
	cr_assert_eq(failed, 3);
	cr_assert_eq(a.times.counter, 0);
}

Test(fault_inject, fail_nth_precedes_everything)
{
	struct fault_attr a;

	boot_with("mem=64M");
	attr_init(&a, 1, 0, 100, 0); /* would never fail by itself */
	cr_assert_eq(ukmem_fail_nth(3), 0);
	cr_assert_eq(ukmem_fail_nth_pending(), 3);
	cr_assert_not(should_fail(&a, 10));
	cr_assert_not(should_fail(&a, 10));
	cr_assert_eq(ukmem_fail_nth_pending(), 1);
	cr_assert(should_fail(&a, 10));
	cr_assert_eq(ukmem_fail_nth_pending(), 0);
	cr_assert_not(should_fail(&a, 10));
	cr_assert_eq(a.space.counter, 100, "fail-nth returns before space");
	cr_assert_eq(a.times.counter, 0);
}

/* ------------------------------------------------------------ the message */

Test(fault_inject, message_and_verbose)
{
	struct fault_attr a;

	boot_with("mem=64M");
	attr_init(&a, 1, 100, 0, 5);
	a.verbose = 1;
	cr_assert(should_fail(&a, 1));
	cr_assert_eq(ukmem_dmesg_count("FAULT_INJECTION: forcing a failure."), 1);
	cr_assert(ukmem_dmesg_contains("name test_attr, interval 1, probability 100, space 0, "
				       "times 5"));
	cr_assert_not(ukmem_dmesg_contains("Call Trace:"));
	a.verbose = 2;
	cr_assert(should_fail(&a, 1));
	cr_assert(ukmem_dmesg_contains("times 4"));
	cr_assert(ukmem_dmesg_contains("Call Trace:"));
	a.verbose = 0;
	ukmem_dmesg_clear();
	cr_assert(should_fail(&a, 1));
	cr_assert_not(ukmem_dmesg_contains("FAULT_INJECTION"));
	a.verbose = 1;
	cr_assert(should_fail_ex(&a, 1, FAULT_NOWARN));
	cr_assert_not(ukmem_dmesg_contains("FAULT_INJECTION"));
	cr_assert_eq(a.times.counter, 1, "a silent failure still counts");
	cr_assert_eq(ukmem_report_total(), 0, "an injected failure is no report");
}

Test(fault_inject, message_ratelimited)
{
	struct fault_attr a;

	boot_with("mem=64M");
	attr_init(&a, 1, 100, 0, -1);
	a.verbose = 1;
	a.ratelimit_burst = 4;
	a.ratelimit_interval_ms = 60000;
	for (int i = 0; i < 20; i++)
		cr_assert(should_fail(&a, 1));
	cr_assert_eq(ukmem_dmesg_count("FAULT_INJECTION: forcing a failure."), 4);
}

/* ------------------------------------------------------------ failslab */

Test(fault_inject, failslab_kmalloc_and_knobs)
{
	void *p;

	boot_with("mem=64M failslab=1,100,0,2");
	/* ignore-gfp-wait (default on): GFP_KERNEL is left alone */
	p = kmalloc(32, GFP_KERNEL);
	cr_assert_not_null(p);
	kfree(p);
	cr_assert_null(kmalloc(32, GFP_ATOMIC));
	cr_assert(ukmem_dmesg_contains("FAULT_INJECTION: forcing a failure."));
	cr_assert(ukmem_dmesg_contains("name failslab, interval 1, probability 100, space 0, "
				       "times 2"));
	cr_assert(ukmem_dmesg_contains("should_failslab"), "the stack names the hook");
	cr_assert_null(kmalloc(32, GFP_ATOMIC));
	p = kmalloc(32, GFP_ATOMIC); /* times used up */
	cr_assert_not_null(p);
	kfree(p);

	set("failslab", "times", -1);
	set("failslab", "ignore-gfp-wait", 0);
	cr_assert_null(kmalloc(32, GFP_KERNEL));
	cr_assert_null(kzalloc(100, GFP_KERNEL));
	/* __GFP_NOFAIL is never failed */
	p = kmalloc(32, GFP_KERNEL | __GFP_NOFAIL);
	cr_assert_not_null(p);
	kfree(p);
	/* __GFP_NOWARN fails silently */
	ukmem_dmesg_clear();
	cr_assert_null(kmalloc(32, GFP_KERNEL | __GFP_NOWARN));
	cr_assert_not(ukmem_dmesg_contains("FAULT_INJECTION"));
	cr_assert_eq(ukmem_report_total(), 0);
	/* a large kmalloc is a page allocation: fail_page_alloc's, not failslab's */
	p = kmalloc(64 * 1024, GFP_KERNEL);
	cr_assert_not_null(p);
	kfree(p);
	set("failslab", "probability", 0);
	p = kmalloc(32, GFP_KERNEL);
	cr_assert_not_null(p);
	kfree(p);
}

Test(fault_inject, failslab_cache_and_bulk)
{
	struct kmem_cache *c;
	void *objs[8], *p;

	boot_with("mem=64M failslab=1,0,0,-1");
	c = kmem_cache_create("fi_cache", 48, 0, 0, NULL);
	cr_assert_not_null(c);
	p = kmem_cache_alloc(c, GFP_ATOMIC);
	cr_assert_not_null(p);
	kmem_cache_free(c, p);
	set("failslab", "probability", 100);
	cr_assert_null(kmem_cache_alloc(c, GFP_ATOMIC));
	cr_assert_eq(kmem_cache_alloc_bulk(c, GFP_ATOMIC, 8, objs), 0);
	p = kmem_cache_alloc(c, GFP_ATOMIC | __GFP_NOFAIL);
	cr_assert_not_null(p);
	kmem_cache_free(c, p);
	set("failslab", "probability", 0);
	cr_assert_eq(kmem_cache_alloc_bulk(c, GFP_ATOMIC, 8, objs), 8);
	kmem_cache_free_bulk(c, 8, objs);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(fault_inject, failslab_cache_filter)
{
	struct kmem_cache *marked, *plain, *by_debug;
	void *p;

	boot_with("mem=64M failslab=1,100,0,-1 slub_debug=A,fi_by_debug");
	marked = kmem_cache_create("fi_marked", 64, 0, SLAB_FAILSLAB, NULL);
	plain = kmem_cache_create("fi_plain", 64, 0, 0, NULL);
	by_debug = kmem_cache_create("fi_by_debug", 64, 0, 0, NULL);
	cr_assert(marked && plain && by_debug);
	set("failslab", "cache-filter", 1);
	cr_assert_null(kmem_cache_alloc(marked, GFP_ATOMIC));
	cr_assert_null(kmem_cache_alloc(by_debug, GFP_ATOMIC), "slub_debug=A sets SLAB_FAILSLAB");
	p = kmem_cache_alloc(plain, GFP_ATOMIC);
	cr_assert_not_null(p);
	kmem_cache_free(plain, p);
	p = kmalloc(16, GFP_ATOMIC);
	cr_assert_not_null(p, "kmalloc caches carry no SLAB_FAILSLAB here");
	kfree(p);
	set("failslab", "cache-filter", 0);
	cr_assert_null(kmem_cache_alloc(plain, GFP_ATOMIC));
	kmem_cache_destroy(marked);
	kmem_cache_destroy(plain);
	kmem_cache_destroy(by_debug);
}

Test(fault_inject, failslab_task_filter)
{
	void *p;

	boot_with("mem=64M failslab=1,100,0,-1");
	set("failslab", "task-filter", 1);
	p = kmalloc(8, GFP_ATOMIC);
	cr_assert_not_null(p);
	kfree(p);
	cr_assert_eq(ukmem_make_it_fail(1), 0);
	cr_assert_null(kmalloc(8, GFP_ATOMIC));
	cr_assert_eq(ukmem_make_it_fail(0), 0);
	p = kmalloc(8, GFP_ATOMIC);
	cr_assert_not_null(p);
	kfree(p);
}

Test(fault_inject, failslab_needs_arming)
{
	void *p;

	boot_with("mem=64M");
	set("failslab", "probability", 100);
	set("failslab", "ignore-gfp-wait", 0);
	set("failslab", "times", -1);
	cr_assert(ukmem_dmesg_contains("FAULT_INJECTION: failslab is not armed"));
	p = kmalloc(8, GFP_ATOMIC); /* the fast path does not ask */
	cr_assert_not_null(p);
	kfree(p);
	/* vmalloc and per-CPU allocations ask failslab whether armed or not */
	cr_assert_null(vmalloc(8192));
	cr_assert_null(alloc_percpu(long));
	cr_assert_eq(ukmem_report_total(), 0, "injected failures are silent: no report");
}

/* ------------------------------------------------------------ fail_page_alloc */

Test(fault_inject, fail_page_alloc_knobs)
{
	struct page *pg;

	boot_with("mem=64M fail_page_alloc=1,100,0,-1");
	pg = alloc_pages(GFP_ATOMIC, 0); /* below min-order 1 */
	cr_assert_not_null(pg);
	__free_pages(pg, 0);
	cr_assert_null(alloc_pages(GFP_ATOMIC, 1));
	cr_assert(ukmem_dmesg_contains("name fail_page_alloc, interval 1, probability 100"));
	cr_assert_not(ukmem_dmesg_contains("page allocation failure"),
		      "prepare_alloc_pages fails before any warning");
	pg = alloc_pages(GFP_KERNEL, 2); /* ignore-gfp-wait */
	cr_assert_not_null(pg);
	__free_pages(pg, 2);
	pg = alloc_pages(GFP_ATOMIC | __GFP_HIGHMEM, 1); /* ignore-gfp-highmem */
	cr_assert_not_null(pg);
	__free_pages(pg, 1);
	set("fail_page_alloc", "ignore-gfp-highmem", 0);
	cr_assert_null(alloc_pages(GFP_ATOMIC | __GFP_HIGHMEM, 1));
	set("fail_page_alloc", "min-order", 0);
	cr_assert_null(alloc_pages(GFP_ATOMIC, 0));
	set("fail_page_alloc", "ignore-gfp-wait", 0);
	cr_assert_null(alloc_pages(GFP_KERNEL, 0));
	cr_assert_eq(__get_free_pages(GFP_KERNEL, 0), 0);
	pg = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	cr_assert_not_null(pg, "__GFP_NOFAIL is never failed");
	__free_pages(pg, 0);
	ukmem_dmesg_clear();
	cr_assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0));
	cr_assert_not(ukmem_dmesg_contains("FAULT_INJECTION"));
	/* space is counted in pages */
	set("fail_page_alloc", "space", 3);
	pg = alloc_pages(GFP_KERNEL, 1); /* 2 of 3 */
	cr_assert_not_null(pg);
	__free_pages(pg, 1);
	cr_assert_eq(knob("fail_page_alloc", "space"), 1);
	cr_assert_null(alloc_pages(GFP_KERNEL, 1));
	cr_assert_eq(ukmem_report_total(), 0);
}

/* ------------------------------------------------------------ fail-nth */

Test(fault_inject, fail_nth_kmalloc)
{
	void *p[6];

	boot_with("mem=64M failslab=1,0,0,-1");
	set("failslab", "ignore-gfp-wait", 0);
	cr_assert_eq(ukmem_fail_nth(4), 0);
	for (int i = 0; i < 6; i++)
		p[i] = kmalloc(40, GFP_KERNEL);
	cr_assert_not_null(p[0]);
	cr_assert_not_null(p[1]);
	cr_assert_not_null(p[2]);
	cr_assert_null(p[3]);
	cr_assert_not_null(p[4]);
	cr_assert_not_null(p[5]);
	cr_assert_eq(ukmem_fail_nth_pending(), 0);
	for (int i = 0; i < 6; i++)
		kfree(p[i]);
	/* 0 cancels a pending one */
	cr_assert_eq(ukmem_fail_nth(2), 0);
	cr_assert_eq(ukmem_fail_nth(0), 0);
	for (int i = 0; i < 3; i++) {
		p[i] = kmalloc(40, GFP_KERNEL);
		cr_assert_not_null(p[i]);
		kfree(p[i]);
	}
	/* __GFP_NOFAIL does not take a turn: the filter comes first, as in the kernel */
	cr_assert_eq(ukmem_fail_nth(1), 0);
	p[0] = kmalloc(40, GFP_KERNEL | __GFP_NOFAIL);
	cr_assert_not_null(p[0]);
	cr_assert_eq(ukmem_fail_nth_pending(), 1);
	cr_assert_null(kmalloc(40, GFP_KERNEL));
	kfree(p[0]);
	cr_assert_eq(ukmem_fail_nth(UINT_MAX), -EINVAL);
	cr_assert_eq(ukmem_fail_nth((unsigned int)INT_MAX + 1), -EINVAL);
	cr_assert_eq(ukmem_fail_nth_pending(), 0);
}

static void *nth_other_thread(void *arg)
{
	int *ok = arg;

	*ok = 1;
	for (int i = 0; i < 50; i++) {
		void *p = kmalloc(24, GFP_KERNEL);

		if (!p)
			*ok = 0;
		kfree(p);
	}
	return NULL;
}

Test(fault_inject, fail_nth_is_per_thread)
{
	pthread_t th;
	int ok = 0;
	void *a, *b;

	boot_with("mem=64M failslab=1,0,0,-1");
	set("failslab", "ignore-gfp-wait", 0);
	cr_assert_eq(ukmem_fail_nth(2), 0);
	pthread_create(&th, NULL, nth_other_thread, &ok);
	pthread_join(th, NULL);
	cr_assert(ok, "another thread's allocations do not count");
	cr_assert_eq(ukmem_fail_nth_pending(), 2);
	a = kmalloc(24, GFP_KERNEL);
	b = kmalloc(24, GFP_KERNEL);
	cr_assert_not_null(a);
	cr_assert_null(b);
	kfree(a);
}

Test(fault_inject, fail_nth_unarmed)
{
	void *p;

	boot_with("mem=64M");
	set("failslab", "ignore-gfp-wait", 0);
	cr_assert_eq(ukmem_fail_nth(2), 0);
	cr_assert(ukmem_dmesg_contains("failslab is not armed"));
	p = kmalloc(8, GFP_KERNEL); /* not a decision: the caches are on their fast path */
	cr_assert_not_null(p);
	kfree(p);
	p = vmalloc(4096);
	cr_assert_not_null(p);
	cr_assert_null(vmalloc(4096));
	vfree(p);
}

/* ------------------------------------------------------------ seeded random mode */

static void pattern(char *out, int n)
{
	for (int i = 0; i < n; i++) {
		void *p = kmalloc(32, GFP_ATOMIC | __GFP_NOWARN);

		out[i] = p ? '.' : 'X';
		kfree(p);
	}
	out[n] = 0;
}

Test(fault_inject, same_seed_same_failures)
{
	char a[201], b[201], c[201], d[201];

	boot_with("mem=64M failslab=1,50,0,-1 fault_seed=1234");
	pattern(a, 200);
	ukmem_shutdown();
	boot_with("mem=64M failslab=1,50,0,-1 fault_seed=1234");
	pattern(b, 200);
	cr_assert_str_eq(a, b, "the same seed on a new boot fails the same calls");
	ukmem_fault_seed(1234);
	pattern(d, 200);
	cr_assert_str_eq(a, d, "ukmem_fault_seed() restarts the stream");
	ukmem_shutdown();
	boot_with("mem=64M failslab=1,50,0,-1 fault_seed=1235");
	pattern(c, 200);
	cr_assert_str_neq(a, c, "another seed, other failures");
	cr_assert(strchr(a, 'X') && strchr(a, '.'));
}

/* ------------------------------------------------------------ vmalloc and per-CPU */

Test(fault_inject, vmalloc_and_percpu_take_part)
{
	void *v;
	int __percpu *pc;

	boot_with("mem=64M failslab=1,100,0,2");
	set("failslab", "ignore-gfp-wait", 0);
	cr_assert_null(vmalloc(3 * PAGE_SIZE));
	cr_assert_null(alloc_percpu(int));
	v = vmalloc(3 * PAGE_SIZE);
	pc = alloc_percpu(int);
	cr_assert_not_null(v);
	cr_assert_not_null(pc);
	vfree(v);
	free_percpu(pc);
	cr_assert_eq(ukmem_dmesg_count("FAULT_INJECTION: forcing a failure."), 2);
	cr_assert_not(ukmem_dmesg_contains("vmalloc error"), "a forced failure is silent");
	cr_assert_not(ukmem_dmesg_contains("percpu: allocation failed"));
	/* __GFP_NOFAIL is never failed here either */
	set("failslab", "times", -1);
	v = __vmalloc(PAGE_SIZE, GFP_KERNEL | __GFP_NOFAIL);
	cr_assert_not_null(v);
	vfree(v);
}

/* ------------------------------------------------------------ misuse */

Test(fault_inject, api_misuse)
{
	long v;

	boot_with("mem=64M");
	cr_assert_eq(ukmem_fault_set(NULL, "probability", 1), -EINVAL);
	cr_assert_eq(ukmem_fault_set("failslab", NULL, 1), -EINVAL);
	cr_assert_eq(ukmem_fault_set("failpage", "probability", 1), -ENOENT);
	cr_assert_eq(ukmem_fault_set("failslab", "nope", 1), -ENOENT);
	cr_assert_eq(ukmem_fault_set("failslab", "min-order", 1), -ENOENT);
	cr_assert_eq(ukmem_fault_set("failslab", "ignore-gfp-highmem", 1), -ENOENT);
	cr_assert_eq(ukmem_fault_set("fail_page_alloc", "cache-filter", 1), -ENOENT);
	cr_assert_eq(ukmem_fault_set("failslab", "probability", 101), -EINVAL);
	cr_assert_eq(ukmem_fault_set("failslab", "probability", -1), -EINVAL);
	cr_assert_eq(ukmem_fault_set("failslab", "times", -2), -EINVAL);
	cr_assert_eq(ukmem_fault_set("failslab", "space", -1), -EINVAL);
	cr_assert_eq(ukmem_fault_set("failslab", "verbose", 3), -EINVAL);
	cr_assert_eq(ukmem_fault_set("failslab", "task-filter", 2), -EINVAL);
	cr_assert_eq(ukmem_fault_set("fail_page_alloc", "min-order", MAX_PAGE_ORDER + 2), -EINVAL);
	cr_assert_eq(ukmem_fault_get("failslab", "probability", NULL), -EINVAL);
	cr_assert_eq(ukmem_fault_get(NULL, "probability", &v), -EINVAL);
	cr_assert_eq(ukmem_fault_get("failslab", "bogus", &v), -ENOENT);
	cr_assert_eq(ukmem_make_it_fail(2), -EINVAL);
	cr_assert_eq(ukmem_make_it_fail(-1), -EINVAL);
	/* nothing changed */
	cr_assert_eq(knob("failslab", "probability"), 0);
	cr_assert_eq(knob("failslab", "times"), 1);
	cr_assert_eq(knob("failslab", "verbose"), 2);
	cr_assert_eq(knob("fail_page_alloc", "min-order"), 1);
	cr_assert_eq(ukmem_fault_sweep(NULL, NULL, NULL, 5, NULL), -EINVAL);
	cr_assert_eq(ukmem_fault_sweep(widget_test, "x", NULL, 0, NULL), -EINVAL);
}

/* ------------------------------------------------------------ the sweep */

static void sweep_setup(void)
{
	setenv("UKMEM_CMDLINE", "mem=64M nr_cpus=2", 1);
}

Test(fault_inject, sweep_finds_planted_bugs)
{
	struct ukmem_sweep_step steps[32];
	long n, i, crash = -1, leak = -1;

	sweep_setup();
	n = ukmem_fault_sweep(widget_test, "gadget", steps, 32, NULL);
	cr_assert_gt(n, 2);
	cr_assert_lt(n, 32, "the sweep ends with a clean run");
	for (i = 0; i < n; i++) {
		cr_assert_eq(steps[i].nth, (unsigned int)i + 1);
		if (!steps[i].completed) {
			cr_assert_eq(crash, -1, "one crash only: step %ld too", i + 1);
			crash = i;
		}
		if (steps[i].leaked_objects > 0)
			leak = i;
	}
	/* the planted missing NULL check: its allocation is the last of widget_create */
	cr_assert_neq(crash, -1, "the sweep finds the missing NULL check");
	/* a SIGSEGV, or a sanitizer's exit when it saw the NULL store first */
	cr_assert(steps[crash].signal == SIGSEGV || steps[crash].exit_status != 0);
	cr_assert(steps[crash].injected);
	cr_assert_not(steps[crash].completed);
	cr_assert(strstr(steps[crash].site, "widget_attach_counts"), "site: %s", steps[crash].site);
	cr_assert_eq(crash, n - 2, "the last allocation's step comes right before the clean run");
	/* the planted leak: vmalloc failed, its error path forgets the name */
	cr_assert_neq(leak, -1);
	cr_assert_eq(steps[leak].leaked_objects, 1);
	cr_assert(strstr(steps[leak].site, "widget_alloc_table"), "site: %s", steps[leak].site);
	cr_assert(strstr(steps[leak].site, "vmalloc"), "vmalloc takes part: %s", steps[leak].site);
	cr_assert_eq(steps[leak].ret, -ENOMEM);
	/* every other failure is handled: clean, no leak, no report */
	for (i = 0; i < n - 1; i++) {
		cr_assert(steps[i].injected, "step %ld", i + 1);
		if (i == crash || i == leak)
			continue;
		cr_assert(steps[i].completed, "step %ld", i + 1);
		cr_assert_leq(steps[i].leaked_objects, 0, "step %ld", i + 1);
		cr_assert_leq(steps[i].leaked_pages, 0, "step %ld", i + 1);
		cr_assert_eq(steps[i].reports, 0, "step %ld", i + 1);
	}
	for (i = 0; i < n - 1; i++)
		if (strstr(steps[i].site, "alloc_percpu"))
			break;
	cr_assert_lt(i, n - 1, "per-CPU allocations take part");
	cr_assert_not(steps[n - 1].injected);
	cr_assert(steps[n - 1].completed);
	cr_assert_eq(steps[n - 1].ret, 0);
	cr_assert_eq(steps[n - 1].leaked_objects, 0);
	cr_assert_eq(steps[n - 1].signal, 0);
}

static int many_allocations(void *arg)
{
	int nr = *(int *)arg;
	void *p[16];

	for (int i = 0; i < nr; i++)
		p[i] = kmalloc(16, GFP_KERNEL);
	for (int i = 0; i < nr; i++)
		kfree(p[i]);
	return 0;
}

static int double_free(void *arg)
{
	void *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	kfree(p);
	return 0;
}

static int leaky(void *arg)
{
	return kmalloc(16, GFP_KERNEL) ? 0 : -ENOMEM;
}

Test(fault_inject, sweep_limits_reports_and_log)
{
	struct ukmem_sweep_step steps[4];
	int nr = 10;
	char *buf = NULL;
	size_t len = 0;
	FILE *log;

	sweep_setup();
	/* more allocations than steps: it stops at max_steps */
	cr_assert_eq(ukmem_fault_sweep(many_allocations, &nr, steps, 4, NULL), 4);
	cr_assert(steps[3].injected);
	/* a report in the run is counted */
	cr_assert_eq(ukmem_fault_sweep(double_free, NULL, steps, 4, NULL), 2);
	cr_assert_eq(steps[0].reports, 0);
	cr_assert_gt(steps[1].reports, 0);
	/* a leak in the clean run, and the log lines */
	log = open_memstream(&buf, &len);
	cr_assert_eq(ukmem_fault_sweep(leaky, NULL, steps, 4, log), 2);
	fclose(log);
	cr_assert_eq(steps[1].leaked_objects, 1);
	cr_assert(strstr(buf, "fault sweep step 1: returned -12, failure injected"), "%s", buf);
	cr_assert(strstr(buf, "failed at: "), "%s", buf);
	cr_assert(strstr(buf, "fault sweep step 2: returned 0, no failure injected, LEAK: 1 "
			      "objects"),
		  "%s", buf);
	free(buf);
	/* the parent's machine is untouched by the children */
	cr_assert_not(ukmem_booted());
}

/* ------------------------------------------------------------ threads */

#define STRESS_THREADS 4

static void *stress_thread(void *arg)
{
	long id = (long)arg, bad = 0;
	unsigned char *keep[32] = {0};

	for (int round = 0; round < 400; round++) {
		int k = round % 32;

		if (id == 0 && round % 50 == 0)
			ukmem_fail_nth(3);
		if (keep[k]) {
			for (int j = 0; j < 48; j++)
				if (keep[k][j] != (unsigned char)(id + k))
					bad++;
			kfree(keep[k]);
		}
		keep[k] = kmalloc(48, GFP_ATOMIC | __GFP_NOWARN);
		if (keep[k])
			memset(keep[k], (int)(id + k), 48);
		if (round % 16 == 0) {
			struct page *pg = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1);

			if (pg)
				__free_pages(pg, 1);
		}
	}
	for (int k = 0; k < 32; k++)
		kfree(keep[k]);
	ukmem_fail_nth(0);
	return (void *)bad;
}

Test(fault_inject, threads_stress)
{
	pthread_t th[STRESS_THREADS];
	void *bad;

	boot_with("mem=128M nr_cpus=2 failslab=2,30,0,-1 fail_page_alloc=1,30,0,-1");
	set("failslab", "verbose", 0);
	set("fail_page_alloc", "verbose", 0);
	for (long i = 0; i < STRESS_THREADS; i++)
		pthread_create(&th[i], NULL, stress_thread, (void *)i);
	/* knobs change under the threads */
	for (int i = 0; i < 50; i++) {
		set("failslab", "probability", i % 2 ? 60 : 10);
		set("fail_page_alloc", "interval", 1 + i % 3);
	}
	for (int i = 0; i < STRESS_THREADS; i++) {
		pthread_join(th[i], &bad);
		cr_assert_null(bad, "object contents survived");
	}
	cr_assert_eq(ukmem_report_total(), 0);
}
