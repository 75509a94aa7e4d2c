// SPDX-License-Identifier: MIT
/* test_leaks.c - the leak report: ukmem_leak_report(), the mark/check API,
 * the shutdown listing with owners, and their misuse. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/preempt.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void boot_with(const char *cmdline)
{
	ukmem_dmesg_clear();
	cr_assert_eq(ukmem_boot(cmdline), 0, "%s", cmdline);
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_shutdown();
}

TestSuite(leaks, .fini = down);

/* a memstream the check prints into */
struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *text_open(struct text *t)
{
	memset(t, 0, sizeof(*t));
	t->f = open_memstream(&t->buf, &t->len);
	cr_assert_not_null(t->f);
	return t->f;
}

static const char *text_close(struct text *t)
{
	fclose(t->f);
	return t->buf;
}

static bool has(const char *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool has(const char *text, const char *fmt, ...)
{
	char needle[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	return strstr(text, needle) != NULL;
}

Test(leaks, nothing_since_the_mark)
{
	unsigned long m;
	void *keep;

	boot_with("mem=64M nr_cpus=2");
	keep = kmalloc(100, GFP_KERNEL); /* before the mark: not a leak since it */
	m = ukmem_leak_mark();
	cr_assert_neq(m, 0);
	/* allocate and free of every kind: nothing stays */
	kfree(kmalloc(64, GFP_KERNEL));
	free_pages(__get_free_pages(GFP_KERNEL, 2), 2);
	vfree(vmalloc(3 * PAGE_SIZE));
	free_percpu(alloc_percpu(long));
	cr_assert_eq(ukmem_leak_check(m, NULL), 0);
	kfree(keep);
	cr_assert_eq(ukmem_leak_check(m, NULL), 0, "a free of an older object is no leak");
	cr_assert_eq(ukmem_leak_unmark(m), 0);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(leaks, check_finds_each_kind_exactly)
{
	struct kmem_cache *c;
	struct text t;
	const char *out;
	unsigned long m;
	void *obj, *km, *big, *vm, *gone;
	unsigned long pg;
	int __percpu *pc;
	struct page *hp;

	boot_with("mem=64M nr_cpus=2");
	c = kmem_cache_create("leak_test", 40, 0, 0, NULL);
	cr_assert_not_null(c);
	m = ukmem_leak_mark();
	obj = kmem_cache_alloc(c, GFP_KERNEL);
	km = kmalloc(24, GFP_KERNEL);
	big = kmalloc(3 * PAGE_SIZE, GFP_KERNEL); /* a large kmalloc: pages */
	pg = __get_free_pages(GFP_KERNEL, 1);
	vm = vmalloc(5000);
	pc = alloc_percpu(int);
	hp = alloc_pages(GFP_KERNEL, 0);
	gone = kmalloc(24, GFP_KERNEL);
	kfree(gone);
	cr_assert(obj && km && big && pg && vm && pc && hp);

	text_open(&t);
	cr_assert_eq(ukmem_leak_check(m, t.f), 7);
	out = text_close(&t);
	cr_assert(has(out, "slab object 0x%016lx (size 40) in cache leak_test", (unsigned long)obj),
		  "%s", out);
	cr_assert(
	    has(out, "kmalloc object 0x%016lx (size 32) in cache kmalloc-32", (unsigned long)km),
	    "%s", out);
	cr_assert(has(out, "kmalloc block pfn %#lx order 2", page_to_pfn(virt_to_page(big))), "%s",
		  out);
	cr_assert(has(out, "page block pfn %#lx order 1", page_to_pfn(virt_to_page((void *)pg))),
		  "%s", out);
	cr_assert(has(out, "page block pfn %#lx order 0", page_to_pfn(hp)), "%s", out);
	cr_assert(has(out, "vmalloc area 0x%016lx (size 5000) pages=2 caller", (unsigned long)vm),
		  "%s", out);
	cr_assert(has(out, "per-CPU area %016lx (4 bytes per CPU)", (unsigned long)pc), "%s", out);
	cr_assert(has(out, "7 allocations since the mark still live: 1 slab objects, 2 kmalloc "
			   "objects, 2 page blocks, 1 vmalloc areas, 1 per-CPU areas"),
		  "%s", out);
	cr_assert_not(has(out, "%016lx ", (unsigned long)gone), "a freed object is no leak");
	free(t.buf);

	/* each one freed: the next check sees one fewer */
	kmem_cache_free(c, obj);
	cr_assert_eq(ukmem_leak_check(m, NULL), 6);
	kfree(km);
	kfree(big);
	free_pages(pg, 1);
	__free_pages(hp, 0);
	cr_assert_eq(ukmem_leak_check(m, NULL), 2);
	vfree(vm);
	free_percpu(pc);
	cr_assert_eq(ukmem_leak_check(m, NULL), 0);
	/* the check leaves the mark: a later one still compares with it */
	km = kmalloc(8, GFP_KERNEL);
	cr_assert_eq(ukmem_leak_check(m, NULL), 1);
	kfree(km);
	ukmem_leak_unmark(m);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(leaks, reused_address_counts_with_owner_tracking)
{
	unsigned long m;
	void *a, *b;

	boot_with("mem=64M nr_cpus=1 slub_debug=U,kmalloc-128");
	a = kmalloc(128, GFP_KERNEL);
	m = ukmem_leak_mark();
	kfree(a);
	b = kmalloc(128, GFP_KERNEL); /* debug caches reuse the freed object first */
	cr_assert_eq(b, a, "the test needs the address reused");
	cr_assert_eq(ukmem_leak_check(m, NULL), 1, "a new owner record: a new allocation");
	kfree(b);
	ukmem_leak_unmark(m);
}

Test(leaks, report_lists_owners)
{
	struct text t;
	const char *out;
	void *km;
	struct page *p;
	long n;

	boot_with("mem=64M nr_cpus=1 slub_debug=U,kmalloc-64 page_owner=on");
	km = kmalloc(50, GFP_KERNEL);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	text_open(&t);
	n = ukmem_leak_report(t.f);
	out = text_close(&t);
	cr_assert_geq(n, 2);
	cr_assert(
	    has(out, "kmalloc object 0x%016lx (size 50) in cache kmalloc-64", (unsigned long)km),
	    "%s", out);
	cr_assert(has(out, "  Allocated in "), "%s", out);
	cr_assert(has(out, "page block pfn %#lx order 1", page_to_pfn(p)), "%s", out);
	cr_assert(has(out, "  Page allocated via order 1, mask 0xdc0(GFP_KERNEL|__GFP_ZERO), pid "),
		  "%s", out);
	cr_assert(has(out, "allocations live: "), "%s", out);
	free(t.buf);
	kfree(km);
	__free_pages(p, 1);
}

Test(leaks, shutdown_lists_leaks_with_owners)
{
	void *km, *vm;
	struct page *p;
	char line[128];

	boot_with("mem=64M nr_cpus=1 slub_debug=U,kmalloc-64 page_owner=on");
	km = kmalloc(60, GFP_KERNEL);
	p = alloc_pages(GFP_KERNEL, 0);
	vm = vmalloc(PAGE_SIZE);
	cr_assert(km && p && vm);
	snprintf(line, sizeof(line), "kmalloc object 0x%016lx (size 60) in cache kmalloc-64",
		 (unsigned long)km);
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("ukmem: slab cache kmalloc-64: 1 objects still allocated"));
	cr_assert(ukmem_dmesg_contains(line));
	cr_assert(ukmem_dmesg_contains("  Allocated in "));
	cr_assert(ukmem_dmesg_contains("vmalloc: leaked "));
	cr_assert(ukmem_dmesg_contains("ukmem: 1 pages (4 kB) still allocated at shutdown"));
	cr_assert(ukmem_dmesg_contains("ukmem: leak: page block pfn "));
	cr_assert(ukmem_dmesg_contains("  Page allocated via order 0, mask 0xcc0(GFP_KERNEL)"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 3);
	/* and a clean reboot */
	boot_with("mem=64M nr_cpus=1");
	cr_assert_eq(ukmem_leak_report(NULL), 0);
}

Test(leaks, misuse)
{
	unsigned long marks[17], m;
	DEFINE_SPINLOCK(lock);
	int i;

	boot_with("mem=32M nr_cpus=1");
	cr_assert_eq(ukmem_leak_check(0, NULL), -EINVAL);
	cr_assert_eq(ukmem_leak_check(12345, NULL), -EINVAL);
	cr_assert_eq(ukmem_leak_unmark(0), -EINVAL);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 3);
	cr_assert(ukmem_dmesg_contains("ukmem_leak_check: 0x3039 is not a live leak mark"));

	m = ukmem_leak_mark();
	cr_assert_eq(ukmem_leak_unmark(m), 0);
	cr_assert_eq(ukmem_leak_unmark(m), -EINVAL, "released twice");
	cr_assert_eq(ukmem_leak_check(m, NULL), -EINVAL, "released");

	/* sixteen marks at most */
	for (i = 0; i < 16; i++)
		cr_assert_neq(marks[i] = ukmem_leak_mark(), 0);
	ukmem_report_reset();
	cr_assert_eq(ukmem_leak_mark(), 0);
	cr_assert(ukmem_dmesg_contains("ukmem_leak_mark: all 16 marks in use"));
	for (i = 0; i < 16; i++)
		cr_assert_eq(ukmem_leak_unmark(marks[i]), 0);

	/* atomic context: refused with the kernel's report */
	ukmem_report_reset();
	spin_lock(&lock);
	cr_assert_eq(ukmem_leak_report(NULL), -EPERM);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	ukmem_report_reset(); /* the report is rate-limited, as the kernel's */
	cr_assert_eq(ukmem_leak_mark(), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	spin_unlock(&lock);

	/* a mark of an earlier boot */
	m = ukmem_leak_mark();
	ukmem_shutdown();
	boot_with("mem=32M nr_cpus=1");
	cr_assert_eq(ukmem_leak_check(m, NULL), -ESTALE);
	cr_assert(ukmem_dmesg_contains("was made before the machine rebooted"));
	cr_assert_eq(ukmem_leak_unmark(m), 0);
}

/*
 * Threads allocate and free (and leak a known number) while the main
 * thread checks: the checks run beside them without harm, and once they
 * are done the check finds exactly what they leaked.
 */
#define LT_THREADS 4
#define LT_ROUNDS  300
static int leaker_failed;
static void *leaker(void *arg)
{
	void **keep = arg;
	int i;

	for (i = 0; i < LT_ROUNDS; i++) {
		void *p = kmalloc(16 + i % 200, GFP_KERNEL);
		unsigned long pg = __get_free_pages(GFP_KERNEL, i % 2);

		if (!p || !pg) { /* no cr_assert off the test's thread */
			__atomic_store_n(&leaker_failed, 1, __ATOMIC_RELAXED);
			kfree(p);
			free_pages(pg, i % 2);
			continue;
		}
		memset(p, 0x5a, 16);
		free_pages(pg, i % 2);
		if (i % 100 == 99)
			keep[i / 100] = p; /* leaked on purpose */
		else
			kfree(p);
	}
	return NULL;
}

Test(leaks, checks_beside_allocating_threads)
{
	void *keep[LT_THREADS][LT_ROUNDS / 100];
	pthread_t th[LT_THREADS];
	unsigned long m;
	int i, j;

	/* page_owner=on: its records are written beside the walks reading them */
	boot_with("mem=64M nr_cpus=2 page_owner=on");
	m = ukmem_leak_mark();
	for (i = 0; i < LT_THREADS; i++)
		pthread_create(&th[i], NULL, leaker, keep[i]);
	for (i = 0; i < 5; i++)
		cr_assert_geq(ukmem_leak_check(m, NULL), 0);
	for (i = 0; i < LT_THREADS; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(leaker_failed, 0);
	cr_assert_eq(ukmem_leak_check(m, NULL), LT_THREADS * (LT_ROUNDS / 100));
	for (i = 0; i < LT_THREADS; i++)
		for (j = 0; j < LT_ROUNDS / 100; j++)
			kfree(keep[i][j]);
	cr_assert_eq(ukmem_leak_check(m, NULL), 0);
	ukmem_leak_unmark(m);
	cr_assert_eq(ukmem_report_total(), 0);
}
