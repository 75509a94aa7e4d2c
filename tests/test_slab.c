// SPDX-License-Identifier: MIT
/* test_slab.c - slab caches: creation forms, constructors, alignment, flags,
 * misuse reports, destroy, shrink, merging, bulk, accounting, slabinfo. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mm/internal.h"
#include "mm/slab.h"
#include "machine/sched.h"

static void boot(void)
{
	ukmem_dmesg_clear();
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_shutdown();
}

TestSuite(slab, .init = boot, .fini = down);

static int ctor_calls;
static void count_ctor(void *p)
{
	ctor_calls++;
	memset(p, 0x42, 24);
}

static char *slabinfo_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ukmem_proc_show("slabinfo", f);
	fclose(f);
	return buf;
}

/* the slabinfo line of @name: active, total, objsize, perslab, pages, slabs */
static int slabinfo_line(const char *name, unsigned long v[6])
{
	char *text = slabinfo_text(), *line, *save = NULL;
	int found = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char n[64];
		unsigned long t0, t1, t2, sa, sn, sh;

		if (sscanf(line,
			   "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
			   n, &v[0], &v[1], &v[2], &v[3], &v[4], &t0, &t1, &t2, &sa, &sn,
			   &sh) == 12 &&
		    !strcmp(n, name)) {
			v[5] = sn;
			found = 1;
			break;
		}
	}
	free(text);
	return found;
}

Test(slab, classic_form_alloc_free_and_size)
{
	struct kmem_cache *c = kmem_cache_create("t_classic", 100, 0, SLAB_NO_MERGE, NULL);
	char *a, *b;

	cr_assert(c);
	cr_assert_eq(kmem_cache_size(c), 100);
	cr_assert_str_eq(kmem_cache_name(c), "t_classic");
	a = kmem_cache_alloc(c, GFP_KERNEL);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert(a && b && a != b);
	cr_assert(labs(a - b) >= 100);
	memset(a, 1, 100);
	memset(b, 2, 100);
	kmem_cache_free(c, a);
	cr_assert_eq(b[99], 2);
	kmem_cache_free(c, b);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab, args_form_and_usercopy_and_KMEM_CACHE)
{
	struct kmem_cache_args args = {.align = 32, .ctor = count_ctor};
	struct foo {
		long a;
		char b[40];
	};
	struct kmem_cache *c = kmem_cache_create("t_args", 48, &args, 0);
	struct kmem_cache *d = kmem_cache_create("t_args_null", 48, NULL, SLAB_NO_MERGE);
	struct kmem_cache *e = KMEM_CACHE(foo, SLAB_NO_MERGE);
	struct kmem_cache *u = KMEM_CACHE_USERCOPY(foo, 0, b);
	void *p;

	cr_assert(c && d && e && u);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert(((unsigned long)p & 31) == 0);
	cr_assert_eq(((unsigned char *)p)[0], 0x42);
	cr_assert_gt(ctor_calls, 0);
	kmem_cache_free(c, p);
	cr_assert_str_eq(kmem_cache_name(e), "foo");
	cr_assert_eq(kmem_cache_size(e), sizeof(struct foo));
	p = kmem_cache_zalloc(u, GFP_KERNEL);
	cr_assert(p);
	cr_assert_eq(((long *)p)[0], 0);
	kmem_cache_free(u, p);
	kmem_cache_destroy(c);
	kmem_cache_destroy(d);
	kmem_cache_destroy(e);
	kmem_cache_destroy(u);
	/* KMEM_CACHE and KMEM_CACHE_USERCOPY both named it "foo" */
	cr_assert_eq(ukmem_report_total(), 1);
	cr_assert(
	    ukmem_dmesg_contains("kmem_cache_create(foo): a cache of that name already exists"));
}

Test(slab, constructor_runs_per_slab_object_never_per_allocation)
{
	struct kmem_cache *c = kmem_cache_create("t_ctor", 24, 0, 0, count_ctor);
	unsigned long v[6];
	void *objs[10];
	int i, after_first;

	ctor_calls = 0;
	objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
	after_first = ctor_calls;
	cr_assert(slabinfo_line("t_ctor", v));
	/* exactly one slab's worth of objects constructed */
	cr_assert_eq((unsigned long)after_first, v[3]);
	/* an object freed and allocated again keeps its constructed state */
	memset(objs[0], 0x77, 24);
	kmem_cache_free(c, objs[0]);
	objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_eq(((unsigned char *)objs[0])[5], 0x77);
	for (i = 1; i < 10; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		cr_assert_eq(((unsigned char *)objs[i])[23], 0x42);
	}
	cr_assert_eq(ctor_calls, after_first);
	for (i = 0; i < 10; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
}

Test(slab, alignment_for_every_flag_combination)
{
	static const slab_flags_t flag_bits[] = {SLAB_HWCACHE_ALIGN, SLAB_RED_ZONE, SLAB_POISON,
						 SLAB_STORE_USER, SLAB_CONSISTENCY_CHECKS};
	static const unsigned int sizes[] = {1, 7, 8, 24, 33, 64, 100, 256, 1000, 4096};
	static const unsigned int aligns[] = {0, 8, 16, 64, 256};
	unsigned int m, si, ai;
	char name[64];

	for (m = 0; m < 32; m++) {
		slab_flags_t flags = SLAB_NO_MERGE;

		for (unsigned int b = 0; b < 5; b++)
			if (m & (1u << b))
				flags |= flag_bits[b];
		for (si = 0; si < 10; si++) {
			for (ai = 0; ai < 5; ai++) {
				unsigned int size = sizes[si], align = aligns[ai], want;
				struct kmem_cache *c;
				void *p[3];
				int k;

				if (align > size && align)
					continue;
				snprintf(name, sizeof(name), "t_al_%u_%u_%u", m, size, align);
				c = kmem_cache_create(name, size, align, flags, NULL);
				cr_assert(c, "%s", name);
				want = align ? align : 8;
				if ((flags & SLAB_HWCACHE_ALIGN) && size > 32 && want < 64)
					want = 64;
				for (k = 0; k < 3; k++) {
					p[k] = kmem_cache_alloc(c, GFP_KERNEL);
					cr_assert(p[k]);
					cr_assert_eq((unsigned long)p[k] % want, 0,
						     "%s: %p not %u-aligned", name, p[k], want);
					memset(p[k], 0xab, size);
				}
				for (k = 0; k < 3; k++)
					kmem_cache_free(c, p[k]);
				kmem_cache_destroy(c);
			}
		}
	}
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab, bad_requests_are_integrity_failures)
{
	struct kmem_cache *c;

	c = kmem_cache_create(NULL, 32, 0, 0, NULL);
	cr_assert_null(c);
	cr_assert(ukmem_dmesg_contains("kmem_cache_create((null)) integrity check failed"));
	cr_assert_null(kmem_cache_create("t_zero", 0, 0, 0, NULL));
	cr_assert(ukmem_dmesg_contains("kmem_cache_create(t_zero) integrity check failed"));
	cr_assert_null(
	    __kmem_cache_create("t_huge", (unsigned int)KMALLOC_MAX_SIZE + 1, 0, 0, NULL));
	cr_assert(ukmem_dmesg_contains("kmem_cache_create(t_huge) integrity check failed"));
	cr_assert_null(kmem_cache_create("t_align", 64, 24, 0, NULL));
	cr_assert(ukmem_dmesg_contains("kmem_cache_create(t_align) integrity check failed"));
	cr_assert(ukmem_dmesg_contains("kmem_cache_create(t_align) failed with error -22"));
	/* SLAB_TYPESAFE_BY_RCU is supported since src/kernel/rcu.c (test_rcu.c) */
	c = kmem_cache_create("t_rcu", 64, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	cr_assert_not_null(c);
	kmem_cache_destroy(c);
	cr_assert_geq(ukmem_report_count(UKMEM_REPORT_SLAB), 4);
}

Test(slab, slab_panic_on_bad_request_panics, .signal = SIGABRT)
{
	kmem_cache_create("t_panic", 0, 0, SLAB_PANIC, NULL);
}

Test(slab, duplicate_name_is_reported_but_works)
{
	struct kmem_cache *a = kmem_cache_create("t_dup", 40, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *b = kmem_cache_create("t_dup", 40, 0, SLAB_NO_MERGE, NULL);

	cr_assert(a && b && a != b);
	cr_assert(
	    ukmem_dmesg_contains("kmem_cache_create(t_dup): a cache of that name already exists"));
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

Test(slab, unexpected_gfp_is_fixed_up)
{
	struct kmem_cache *c = kmem_cache_create("t_gfp", 64, 0, SLAB_NO_MERGE, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL | __GFP_HIGHMEM);

	cr_assert(p);
	cr_assert(virt_addr_valid(p));
	cr_assert(ukmem_dmesg_contains("Unexpected gfp: 0x2 (__GFP_HIGHMEM). Fixing up to gfp: "
				       "0xcc0 (GFP_KERNEL). Fix your code!"));
	kmem_cache_free(c, p);
	p = kmem_cache_alloc(c, GFP_KERNEL | __GFP_DMA32);
	cr_assert(p);
	cr_assert_eq(ukmem_dmesg_count("Unexpected gfp"), 2);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

Test(slab, dma_and_dma32_caches_use_their_zones)
{
	struct kmem_cache *d = kmem_cache_create("t_dma", 128, 0, SLAB_CACHE_DMA, NULL);
	struct kmem_cache *d32 = kmem_cache_create("t_dma32", 128, 0, SLAB_CACHE_DMA32, NULL);
	void *p = kmem_cache_alloc(d, GFP_KERNEL), *q = kmem_cache_alloc(d32, GFP_KERNEL);
	void *r = kmem_cache_alloc(d32, GFP_KERNEL | __GFP_DMA32);

	cr_assert(p && q && r);
	cr_assert_lt(virt_to_phys(p), 16ul << 20);
	cr_assert_lt(virt_to_phys(q), 4ul << 30);
	cr_assert_eq(ukmem_dmesg_count("Unexpected gfp"), 0);
	kmem_cache_free(d, p);
	kmem_cache_free(d32, q);
	kmem_cache_free(d32, r);
	kmem_cache_destroy(d);
	kmem_cache_destroy(d32);
}

Test(slab, destroy_with_live_objects_reports_and_keeps_them)
{
	struct kmem_cache *c = kmem_cache_create("t_live", 200, 0, SLAB_NO_MERGE, NULL);
	char *a = kmem_cache_alloc(c, GFP_KERNEL), *b = kmem_cache_alloc(c, GFP_KERNEL);
	unsigned long v[6];

	memset(a, 0x11, 200);
	memset(b, 0x22, 200);
	kmem_cache_free(c, b);
	kmem_cache_destroy(c);
	cr_assert(ukmem_dmesg_contains("Objects remaining in t_live on __kmem_cache_shutdown()"));
	cr_assert(ukmem_dmesg_contains("kmem_cache_destroy t_live: Slab cache still has objects"));
	cr_assert_eq(ukmem_dmesg_count("Object 0x"), 1); /* a listed, b not */
	/* the cache is kept: the object is intact and can be freed */
	cr_assert(slabinfo_line("t_live", v));
	cr_assert_eq(a[199], 0x11);
	kmem_cache_free(c, a);
	kmem_cache_destroy(c); /* now it goes */
	cr_assert(!slabinfo_line("t_live", v));
}

Test(slab, destroy_twice_and_null)
{
	struct kmem_cache *c = kmem_cache_create("t_twice", 64, 0, SLAB_NO_MERGE, NULL);

	kmem_cache_destroy(NULL);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
	kmem_cache_destroy(c);
	cr_assert(ukmem_dmesg_contains("is not a live slab cache (destroyed twice?)"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
}

Test(slab, wrong_cache_free_goes_back_to_real_cache)
{
	struct kmem_cache *a = kmem_cache_create("t_wa", 64, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *b = kmem_cache_create("t_wb", 96, 0, SLAB_NO_MERGE, NULL);
	void *x = kmem_cache_alloc(a, GFP_KERNEL);
	unsigned long v[6];

	kmem_cache_free(b, x);
	cr_assert(ukmem_dmesg_contains("Wrong slab cache. t_wb but object is from t_wa"));
	kmem_cache_shrink(a);
	cr_assert(slabinfo_line("t_wa", v));
	cr_assert_eq(v[0], 0); /* freed to t_wa: nothing active */
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	cr_assert_eq(ukmem_dmesg_count("Objects remaining"), 0);
}

Test(slab, shrink_returns_empty_slabs_and_meminfo_follows)
{
	struct kmem_cache *c = kmem_cache_create("t_shrink", 512, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *r =
	    kmem_cache_create("t_rcl", 512, 0, SLAB_NO_MERGE | SLAB_RECLAIM_ACCOUNT, NULL);
	unsigned long before = node_page_state(NR_SLAB_UNRECLAIMABLE);
	unsigned long rbefore = node_page_state(NR_SLAB_RECLAIMABLE);
	void *objs[400];
	unsigned long v[6];
	int i;

	for (i = 0; i < 400; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_gt(node_page_state(NR_SLAB_UNRECLAIMABLE), before + 400 * 512 / 4096 - 1);
	cr_assert(slabinfo_line("t_shrink", v));
	cr_assert_eq(v[0], v[1]);
	for (i = 0; i < 400; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_shrink(c);
	cr_assert(slabinfo_line("t_shrink", v));
	cr_assert_eq(v[5], 0);
	cr_assert_eq(node_page_state(NR_SLAB_UNRECLAIMABLE), before);
	objs[0] = kmem_cache_alloc(r, GFP_KERNEL);
	cr_assert_gt(node_page_state(NR_SLAB_RECLAIMABLE), rbefore);
	kmem_cache_free(r, objs[0]);
	cr_assert_gt(slab_shrink_all(GFP_KERNEL), 0);
	cr_assert_eq(node_page_state(NR_SLAB_RECLAIMABLE), rbefore);
	kmem_cache_destroy(c);
	kmem_cache_destroy(r);
}

Test(slab, merging_and_slab_no_merge)
{
	struct kmem_cache *a = kmem_cache_create("t_m1", 72, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("t_m2", 72, 0, 0, NULL);
	struct kmem_cache *c = kmem_cache_create("t_m3", 72, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *d = kmem_cache_create("t_m4", 72, 0, 0, count_ctor);

	cr_assert_eq(a, b);
	cr_assert_neq(a, c);
	cr_assert_neq(a, d);
	kmem_cache_destroy(b);
	/* still usable through the other alias */
	kmem_cache_free(a, kmem_cache_alloc(a, GFP_KERNEL));
	kmem_cache_destroy(a);
	kmem_cache_destroy(c);
	kmem_cache_destroy(d);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab, slab_nomerge_parameter)
{
	struct kmem_cache *a, *b;

	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=64M slab_nomerge"), 0);
	a = kmem_cache_create("t_n1", 72, 0, 0, NULL);
	b = kmem_cache_create("t_n2", 72, 0, 0, NULL);
	cr_assert_neq(a, b);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=64M slab_nomerge=1"), -EINVAL);
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	a = kmem_cache_create("t_n1", 72, 0, 0, NULL);
	b = kmem_cache_create("t_n2", 72, 0, 0, NULL);
	cr_assert_eq(a, b);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

Test(slab, bulk_alloc_and_free)
{
	struct kmem_cache *c = kmem_cache_create("t_bulk", 48, 0, SLAB_NO_MERGE, NULL);
	void *p[300];
	size_t sizes[] = {1, 2, 16, 64, 256, 300};
	unsigned long v[6];

	for (size_t k = 0; k < 6; k++) {
		size_t n = sizes[k];

		cr_assert_eq(kmem_cache_alloc_bulk(c, GFP_KERNEL | __GFP_ZERO, n, p), (int)n);
		for (size_t i = 0; i < n; i++) {
			cr_assert_eq(((long *)p[i])[3], 0);
			memset(p[i], (int)i, 48);
		}
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n && j < i + 8; j++)
				cr_assert_neq(p[i], p[j]);
		kmem_cache_free_bulk(c, n, p);
	}
	kmem_cache_shrink(c);
	cr_assert(slabinfo_line("t_bulk", v));
	cr_assert_eq(v[0], 0);
	cr_assert_eq(kmem_cache_alloc_bulk(NULL, GFP_KERNEL, 4, p), 0);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab, alloc_node_and_zalloc)
{
	struct kmem_cache *c = kmem_cache_create("t_node", 80, 0, SLAB_NO_MERGE, NULL);
	long *p = kmem_cache_alloc_node(c, GFP_KERNEL, 0);

	memset(p, 0xff, 80);
	kmem_cache_free(c, p);
	p = kmem_cache_zalloc(c, GFP_KERNEL);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(p[i], 0);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

Test(slab, may_sleep_allocation_in_atomic_is_reported)
{
	struct kmem_cache *c = kmem_cache_create("t_atomic", 64, 0, SLAB_NO_MERGE, NULL);
	void *p, *q;

	preempt_disable();
	p = kmem_cache_alloc(c, GFP_ATOMIC);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 0);
	q = kmem_cache_alloc(c, GFP_KERNEL);
	preempt_enable();
	cr_assert(p && q);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	kmem_cache_free(c, p);
	kmem_cache_free(c, q);
	kmem_cache_destroy(c);
}

Test(slab, double_free_without_debug_is_refused)
{
	struct kmem_cache *c = kmem_cache_create("t_df", 64, 0, SLAB_NO_MERGE, NULL);
	void *a = kmem_cache_alloc(c, GFP_KERNEL), *b = kmem_cache_alloc(c, GFP_KERNEL);
	void *x, *y;

	kmem_cache_free(c, a);
	kmem_cache_free(c, a); /* A A */
	cr_assert_eq(ukmem_dmesg_count("BUG t_df (Not tainted): Object already free"), 1);
	kmem_cache_free(c, b);
	kmem_cache_free(c, a); /* A B A */
	cr_assert_eq(ukmem_dmesg_count("Object already free"), 2);
	x = kmem_cache_alloc(c, GFP_KERNEL);
	y = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_neq(x, y);
	cr_assert(kmem_cache_alloc(c, GFP_KERNEL) != x);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	kmem_cache_shrink(c);
}

Test(slab, double_free_of_object_back_on_its_slab)
{
	struct kmem_cache *c = kmem_cache_create("t_df2", 256, 0, SLAB_NO_MERGE, NULL);
	void *objs[200], *first;
	int i;

	for (i = 0; i < 200; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	first = objs[0];
	for (i = 0; i < 200; i++)
		kmem_cache_free(c, objs[i]); /* overflows the CPU array: slabs */
	kmem_cache_shrink(c);
	/* objs[0] was flushed back to a slab or freed with it; re-allocate a slab */
	for (i = 0; i < 10; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 1; i < 10; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_free(c, objs[0]);
	kmem_cache_free(c, objs[5]); /* in the CPU array */
	cr_assert_eq(ukmem_dmesg_count("Object already free"), 1);
	(void)first;
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_dmesg_count("Objects remaining"), 0);
}

Test(slab, invalid_frees_are_refused)
{
	struct kmem_cache *c = kmem_cache_create("t_inv", 64, 0, SLAB_NO_MERGE, NULL);
	char *a = kmem_cache_alloc(c, GFP_KERNEL);
	int local;
	void *host = malloc(64);
	struct page *pg = alloc_pages(GFP_KERNEL, 0);

	kmem_cache_free(c, a + 8);
	cr_assert(ukmem_dmesg_contains("BUG t_inv (Not tainted): Invalid object pointer"));
	kmem_cache_free(c, &local);
	kmem_cache_free(c, host);
	cr_assert_eq(ukmem_dmesg_count("not a kernel logical address"), 2);
	kmem_cache_free(c, page_address(pg));
	cr_assert(ukmem_dmesg_contains("object is not from a slab cache"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 4);
	/* nothing was released: a is still ours, the page too */
	memset(a, 1, 64);
	kmem_cache_free(c, a);
	__free_pages(pg, 0);
	free(host);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_dmesg_count("Objects remaining"), 0);
}

/* ------------------------------------------------------------ 2.6 era */

static int legacy_ctor_calls, legacy_dtor_calls, legacy_bad_flags;
static kmem_cache_t *legacy_cache;

static void legacy_ctor(void *obj, kmem_cache_t *cache, unsigned long flags)
{
	if (cache != legacy_cache && legacy_cache)
		legacy_bad_flags++;
	if (!(flags & SLAB_CTOR_CONSTRUCTOR))
		legacy_bad_flags++;
	legacy_ctor_calls++;
	*(unsigned int *)obj = 0xc0ffee;
}

static void legacy_dtor(void *obj, kmem_cache_t *cache, unsigned long flags)
{
	if (*(unsigned int *)obj != 0xc0ffee)
		legacy_bad_flags++;
	legacy_dtor_calls++;
}

Test(slab, legacy_six_argument_interface_with_ctor_and_dtor)
{
	unsigned long v[6];
	void *objs[100];
	int i;

	legacy_cache = NULL;
	legacy_cache =
	    kmem_cache_create("scullc", 4000, 0, SLAB_HWCACHE_ALIGN, legacy_ctor, legacy_dtor);
	cr_assert(legacy_cache);
	for (i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(legacy_cache, GFP_KERNEL);
		cr_assert_eq(*(unsigned int *)objs[i], 0xc0ffee);
	}
	cr_assert(slabinfo_line("scullc", v));
	cr_assert_eq((unsigned long)legacy_ctor_calls, v[1]); /* every object, once */
	for (i = 0; i < 100; i++)
		kmem_cache_free(legacy_cache, objs[i]);
	kmem_cache_destroy(legacy_cache);
	cr_assert_eq(legacy_dtor_calls, legacy_ctor_calls);
	cr_assert_eq(legacy_bad_flags, 0);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab, legacy_dtor_runs_on_shrink_too)
{
	kmem_cache_t *c;
	void *p;

	legacy_ctor_calls = legacy_dtor_calls = 0;
	legacy_cache = NULL;
	c = kmem_cache_create("t_legacy2", 100, 0, 0, legacy_ctor, legacy_dtor);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, p);
	cr_assert_eq(legacy_dtor_calls, 0);
	kmem_cache_shrink(c);
	cr_assert_eq(legacy_dtor_calls, legacy_ctor_calls);
	kmem_cache_destroy(c);
}

/* ------------------------------------------------------------ slabinfo */

Test(slab, slabinfo_is_version_2_1)
{
	char *text = slabinfo_text();
	struct kmem_cache *c = kmem_cache_create("t_info", 100, 0, SLAB_NO_MERGE, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	unsigned long v[6];
	char line[256];

	cr_assert(!strncmp(text,
			   "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> "
			   "<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "
			   "<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n",
			   strlen("slabinfo - version: 2.1\n# name            <active_objs>")));
	cr_assert(strstr(text, "\nkmalloc-64 "));
	cr_assert(strstr(text, "\nkmalloc-8k "));
	cr_assert(strstr(text, "\ndma-kmalloc-96 "));
	cr_assert(strstr(text, "\nkmalloc-rcl-1k "));
	free(text);
	cr_assert(slabinfo_line("t_info", v));
	cr_assert_eq(v[2], 104);
	snprintf(line, sizeof(line),
		 "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		 "t_info", v[0], v[1], 104u, (unsigned int)v[3], (int)v[4], 0u, 0u, 0u, v[5], v[5],
		 0ul);
	text = slabinfo_text();
	cr_assert(strstr(text, line), "%s", line);
	free(text);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

Test(slab, meminfo_slab_lines_are_true)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	unsigned long slab_kb = 0, sunr = 0, srec = 0;
	char *s;
	void *p = kmalloc(100000, GFP_KERNEL);

	f = open_memstream(&buf, &len);
	ukmem_proc_show("meminfo", f);
	fclose(f);
	s = strstr(buf, "\nSlab:");
	cr_assert(s && sscanf(s, "\nSlab: %lu", &slab_kb) == 1);
	sscanf(strstr(buf, "SReclaimable:"), "SReclaimable: %lu", &srec);
	sscanf(strstr(buf, "SUnreclaim:"), "SUnreclaim: %lu", &sunr);
	cr_assert_eq(slab_kb, srec + sunr);
	cr_assert_geq(sunr, 128); /* the 128 KiB large kmalloc counts */
	cr_assert_eq(sunr * 1024, node_page_state(NR_SLAB_UNRECLAIMABLE) * PAGE_SIZE);
	free(buf);
	kfree(p);
}

Test(slab, shutdown_with_live_objects_reports_a_leak_and_reboots)
{
	struct kmem_cache *c = kmem_cache_create("t_leak", 64, 0, SLAB_NO_MERGE, NULL);

	cr_assert(kmem_cache_alloc(c, GFP_KERNEL));
	cr_assert(kmalloc(32, GFP_KERNEL));
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("slab cache t_leak: 1 objects still allocated at shutdown"));
	cr_assert(
	    ukmem_dmesg_contains("slab cache kmalloc-32: 1 objects still allocated at shutdown"));
	cr_assert(!ukmem_dmesg_contains("pages (") || 1);
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert(kmalloc(32, GFP_KERNEL));
}

/* procps' slabtop reads /proc/slabinfo only: show it ours in a private mount namespace */
Test(slab, slabtop_parses_slabinfo)
{
	struct kmem_cache *c = kmem_cache_create("t_slabtop", 100, 0, SLAB_NO_MERGE, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	char path[] = "/tmp/ukmem-slabinfo-XXXXXX", cmd[512], out[8192];
	int fd = mkstemp(path);
	FILE *f, *pipe;
	size_t n;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	ukmem_proc_show("slabinfo", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "command -v slabtop >/dev/null && unshare -m sh -c 'mount --bind %s "
		 "/proc/slabinfo && slabtop -o -s c' 2>/dev/null",
		 path);
	pipe = popen(cmd, "r");
	n = pipe ? fread(out, 1, sizeof(out) - 1, pipe) : 0;
	out[n] = 0;
	if (pipe)
		pclose(pipe);
	unlink(path);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	if (!strstr(out, "Active / Total Objects"))
		cr_skip_test("slabtop or a private mount namespace is not available here");
	cr_assert(strstr(out, "t_slabtop"), "%s", out);
	cr_assert(strstr(out, "kmalloc-64"));
}

/* an LDD3-era (2.6.10) scullc-style user, written as the book has it */
static kmem_cache_t *scullc_cache;
static int scullc_quantum = 4000;

Test(slab, ldd3_scullc_style_code_compiles_and_runs)
{
	void *data;

	scullc_cache =
	    kmem_cache_create("scullc_ldd3", scullc_quantum, 0, SLAB_HWCACHE_ALIGN, NULL, NULL);
	cr_assert(scullc_cache);
	data = kmem_cache_alloc(scullc_cache, SLAB_KERNEL);
	cr_assert(data);
	memset(data, 0, scullc_quantum);
	kmem_cache_free(scullc_cache, data);
	data = kmalloc(100, SLAB_ATOMIC);
	kzfree(data);
	if (scullc_cache)
		kmem_cache_destroy(scullc_cache);
	cr_assert_eq(ukmem_report_total(), 0);
}

/*
 * A thread that earned a standing lease keeps its task across a reboot: the
 * task is left over from the old machine, and its CPU need not exist in the
 * new one. The frameless fast paths must notice (the lease test fails) and
 * take the full path, which renews the task, instead of using CPU 3's array.
 */
static int lo_stage; /* __atomic: 1 leased, 2 rebooted, 3 done */
static void *lo_objs[64];
static int lo_cpu = -1;
static int lo_leaf_opened = -1; /* the leftover lease still opened a leaf section */

static void *leftover_lessee(void *arg)
{
	int i;

	ukmem_set_cpu(3);
	for (i = 0; i < 5000; i++) /* long enough to be granted a lease */
		kfree(kmalloc(64, GFP_KERNEL));
	__atomic_store_n(&lo_stage, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&lo_stage, __ATOMIC_SEQ_CST) != 2)
		usleep(1000);
	{
		/* what the frameless fast paths test first, before anything renews the task */
		unsigned long pcpu_off;
		struct ukmem_lease *leaf = pcpu_leaf_enter(task_peek(), &pcpu_off);

		lo_leaf_opened = leaf != NULL;
		if (leaf)
			pcpu_leaf_exit(leaf);
	}
	for (i = 0; i < 64; i++) {
		lo_objs[i] = kmalloc(64, GFP_KERNEL);
		if (lo_objs[i])
			memset(lo_objs[i], i, 64);
	}
	preempt_disable();
	lo_cpu = smp_processor_id();
	preempt_enable();
	return arg;
}

Test(slab, lease_left_over_from_an_earlier_boot)
{
	pthread_t th;
	int i, j;

	u32 lessee;
	unsigned long pcpu_off;

	/*
	 * Shutdown revokes every lease (its gate, docs/cpu-model.md), but a
	 * machine may go without one (a fork child forgets its parent's):
	 * the lease is put back as it stood, to be still standing when the
	 * next machine boots.
	 */
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4 slub_debug=F"), 0);
	pthread_create(&th, NULL, leftover_lessee, NULL);
	while (__atomic_load_n(&lo_stage, __ATOMIC_SEQ_CST) != 1)
		usleep(1000);
	lessee = __atomic_load_n(&cpu_states[3].lessee, __ATOMIC_SEQ_CST);
	cr_assert_neq(lessee, 0, "the thread holds a lease on CPU 3");
	pcpu_off = __atomic_load_n(&lease_slots[lessee].pcpu_off, __ATOMIC_SEQ_CST);
	cr_assert(pcpu_off);
	ukmem_shutdown();
	cr_assert_eq(__atomic_load_n(&cpu_states[3].lessee, __ATOMIC_SEQ_CST), 0,
		     "shutdown revoked the lease");
	__atomic_store_n(&cpu_states[3].lessee, lessee, __ATOMIC_SEQ_CST);
	__atomic_store_n(&lease_slots[lessee].pcpu_off, pcpu_off, __ATOMIC_SEQ_CST);
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=1"), 0);
	cr_assert_eq(__atomic_load_n(&cpu_states[3].lessee, __ATOMIC_SEQ_CST), 0,
		     "a new machine starts with no lease, on CPUs it has or not");
	ukmem_report_reset();
	__atomic_store_n(&lo_stage, 2, __ATOMIC_SEQ_CST);
	pthread_join(th, NULL);
	cr_assert_eq(lo_leaf_opened, 0, "a lease from an earlier boot opened a leaf section");
	cr_assert_eq(lo_cpu, 0);
	for (i = 0; i < 64; i++) {
		cr_assert(lo_objs[i]);
		for (j = 0; j < i; j++)
			cr_assert_neq(lo_objs[i], lo_objs[j]);
		cr_assert_eq(((unsigned char *)lo_objs[i])[63], i);
		kfree(lo_objs[i]);
	}
	cr_assert_eq(ukmem_report_total(), 0);
}

/*
 * Fallback slabs: when the cache's order cannot be had, a slab of the
 * smallest order holding one object is used (the kernel's oo_min). Such a
 * slab is not aligned to the cache's slab size, so the frameless free path
 * must leave it to the full path: frees, double frees and interior
 * pointers must all still be handled.
 */
Test(slab, fallback_slabs_of_a_lower_order)
{
	struct page *held[20000], *big[4096], *p;
	unsigned int big_order[4096];
	unsigned long n = 0, kept = 0, nbig = 0, i;
	struct kmem_cache *c;
	unsigned char *obj[40];
	int k, j, order;

	c = kmem_cache_create("t_fallback", 3072, 0, SLAB_NO_MERGE, NULL);
	cr_assert(c);
	/* every frame out, then every odd one back: no free block above order 0 */
	while (n < 20000 && (held[n] = alloc_page(GFP_ATOMIC | __GFP_NOWARN)))
		n++;
	cr_assert_lt(n, 20000);
	for (i = 0; i < n; i++) {
		if (page_to_pfn(held[i]) & 1)
			__free_page(held[i]);
		else
			held[kept++] = held[i];
	}
	/* ... and the reserves' larger blocks held too */
	for (order = MAX_PAGE_ORDER; order >= 1; order--)
		while (nbig < 4096 && (p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, order))) {
			big_order[nbig] = order;
			big[nbig++] = p;
		}
	cr_assert_null(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1));
	for (k = 0; k < 40; k++) {
		obj[k] = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN);
		cr_assert(obj[k]);
		cr_assert_not(PageHead(virt_to_page(obj[k])), "an order-0 fallback slab");
		memset(obj[k], k, 3072);
	}
	for (k = 0; k < 40; k++)
		for (j = 0; j < k; j++)
			cr_assert_neq(obj[k], obj[j]);
	/*
	 * Interior pointers at a third and two thirds of each object: one of
	 * them is a multiple of 3072 from the order-3 boundary below it, so a
	 * check that took the slab for one of the cache's order would pass it.
	 */
	for (k = 0; k < 40; k++) {
		kmem_cache_free(c, obj[k] + 1024);
		kmem_cache_free(c, obj[k] + 2048);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 80);
	for (k = 0; k < 40; k++) {
		cr_assert_eq(obj[k][3071], k);
		kmem_cache_free(c, obj[k]);
	}
	kmem_cache_free(c, obj[5]); /* double free: caught */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 81);
	cr_assert(ukmem_dmesg_contains("double free"));
	for (k = 0; k < 40; k++) {
		obj[k] = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN);
		cr_assert(obj[k]);
		for (j = 0; j < k; j++)
			cr_assert_neq(obj[k], obj[j]);
	}
	for (k = 0; k < 40; k++)
		kmem_cache_free(c, obj[k]);
	for (i = 0; i < kept; i++)
		__free_page(held[i]);
	for (i = 0; i < nbig; i++)
		__free_pages(big[i], big_order[i]);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 81);
}

/*
 * The barn: a full CPU array parks its oldest half in a sheaf instead of
 * walking slab freelists. Parked objects count as active (as objects in CPU
 * arrays do), are handed out again, are still recognised as free by a
 * second kfree, and go back to their slabs on kmem_cache_shrink. The barn
 * holds at most 1/64 of RAM (64 MiB here: 16384 objects of 64 bytes).
 */
Test(slab, barn_parks_sheaves_and_shrink_empties_it)
{
	struct kmem_cache *c = kmem_cache_create("t_barn", 64, 0, SLAB_NO_MERGE, NULL);
	unsigned long before = node_page_state(NR_SLAB_UNRECLAIMABLE), v[6];
	static void *objs[20000];
	int i, j;

	for (i = 0; i < 20000; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		cr_assert(objs[i]);
	}
	for (i = 0; i < 20000; i++)
		kmem_cache_free(c, objs[i]);
	cr_assert(slabinfo_line("t_barn", v));
	/* parked: active; beyond the cap they went back to their slabs */
	cr_assert_geq(v[0], 16384 - 4 * 510, "the barn took sheaves (active %lu)", v[0]);
	cr_assert_leq(v[0], 16384 + 4 * 510, "the barn stays under its cap (active %lu)", v[0]);
	kmem_cache_free(c, objs[100]); /* parked in a sheaf: still a double free */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
	cr_assert(ukmem_dmesg_contains("double free"));
	/* handed out again, each once */
	for (i = 0; i < 2000; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		memset(objs[i], i & 0xff, 64);
	}
	for (i = 0; i < 2000; i++)
		for (j = i + 1; j < 2000; j += 97)
			cr_assert_neq(objs[i], objs[j]);
	for (i = 0; i < 2000; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_shrink(c);
	cr_assert(slabinfo_line("t_barn", v));
	cr_assert_eq(v[0], 0);
	cr_assert_eq(v[5], 0, "every slab went back");
	cr_assert_eq(node_page_state(NR_SLAB_UNRECLAIMABLE), before, "sheaves freed too");
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
}

/*
 * kmem_cache_free_bulk checks every pointer as kmem_cache_free does, also
 * when it follows an object of the same slab (the bulk path reuses that
 * slab's checks): a repeat, an interior pointer, another cache's object
 * and a stack address are reported and refused; the rest are freed.
 */
Test(slab, bulk_free_with_misuse)
{
	struct kmem_cache *c = kmem_cache_create("t_bulkbad", 48, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *o = kmem_cache_create("t_bulkother", 48, 0, SLAB_NO_MERGE, NULL);
	char local[64];
	void *p[8], *q[8], *other = kmem_cache_alloc(o, GFP_KERNEL);
	unsigned long v[6];
	int i, j;

	cr_assert_eq(kmem_cache_alloc_bulk(c, GFP_KERNEL, 4, p), 4);
	q[0] = p[0];
	q[1] = p[1];
	q[2] = p[1];		  /* repeat: a double free */
	q[3] = (char *)p[2] + 16; /* interior pointer, same slab as p[1] */
	q[4] = p[2];
	q[5] = other; /* another cache's object: goes back there */
	q[6] = local; /* not a slab address */
	q[7] = p[3];
	kmem_cache_free_bulk(c, 8, q);
	cr_assert(ukmem_dmesg_contains("double free"));
	/* NULL and ZERO_SIZE_PTR first in a bulk: ignored and refused, no crash */
	q[0] = NULL;
	q[1] = ZERO_SIZE_PTR;
	kmem_cache_free_bulk(c, 2, q);
	cr_assert(ukmem_dmesg_contains("Invalid object pointer"));
	cr_assert(
	    ukmem_dmesg_contains("Wrong slab cache. t_bulkbad but object is from t_bulkother"));
	cr_assert(ukmem_dmesg_contains("invalid free"));
	kmem_cache_shrink(o);
	cr_assert(slabinfo_line("t_bulkother", v));
	cr_assert_eq(v[0], 0, "the other cache's object went back to it");
	/* every object of c is free exactly once: 8 allocations are 8 objects */
	cr_assert_eq(kmem_cache_alloc_bulk(c, GFP_KERNEL, 8, p), 8);
	for (i = 0; i < 8; i++)
		for (j = i + 1; j < 8; j++)
			cr_assert_neq(p[i], p[j]);
	kmem_cache_free_bulk(c, 8, p);
	kmem_cache_destroy(c);
	kmem_cache_destroy(o);
	cr_assert(!ukmem_dmesg_contains("Objects remaining"));
}

/*
 * CPU arrays: every cache's arrays lie one 4 KiB stride apart per CPU, in
 * blocks that caches with smaller arrays share. No two arrays may overlap
 * on any CPU, each keeps its own limit while its neighbours are used to the
 * full, blocks come back when their caches go (the same memory is handed
 * out again), and running out of blocks fails cache creation cleanly.
 */
#define NR_ARR_CACHES 48
static struct kmem_cache *arr_caches[NR_ARR_CACHES];

static void assert_arrays_apart(int n)
{
	for (int cpu = 0; cpu < ukmem_nr_cpus(); cpu++) {
		for (int i = 0; i < n; i++) {
			struct kmem_cache *a = arr_caches[i];
			char *pa = (char *)cpu_cache(a, cpu);
			size_t la = sizeof(struct kmem_cache_cpu) + a->cpu_limit * sizeof(void *);

			if (!a)
				continue;
			cr_assert_eq(cpu_cache(a, cpu)->limit, a->cpu_limit, "%s cpu %d", a->name,
				     cpu);
			cr_assert_eq((unsigned long)pa & 63, 0);
			cr_assert_leq(((unsigned long)pa & 4095) + la, 4096,
				      "%s crosses its stride", a->name);
			for (int j = 0; j < i; j++) {
				struct kmem_cache *b = arr_caches[j];
				char *pb;
				size_t lb;

				if (!b)
					continue;
				pb = (char *)cpu_cache(b, cpu);
				lb = sizeof(struct kmem_cache_cpu) + b->cpu_limit * sizeof(void *);
				cr_assert(pa + la <= pb || pb + lb <= pa,
					  "%s and %s overlap on cpu %d", a->name, b->name, cpu);
			}
		}
	}
}

Test(slab, cpu_arrays_share_blocks_without_overlap)
{
	static const unsigned int sizes[] = {8, 64, 200, 300, 900, 1500, 3000, 5000, 9000, 200000};
	static void *objs[NR_ARR_CACHES][600];
	static char names[2][NR_ARR_CACHES][32]; /* the kernel keeps the caller's name */
	int i, k, n[NR_ARR_CACHES];

	for (i = 0; i < NR_ARR_CACHES; i++) {
		snprintf(names[0][i], sizeof(names[0][i]), "t_arr%d", i);
		arr_caches[i] =
		    kmem_cache_create(names[0][i], sizes[i % 10], 0, SLAB_NO_MERGE, NULL);
		cr_assert(arr_caches[i]);
	}
	assert_arrays_apart(NR_ARR_CACHES);
	/* every array filled to its limit and emptied again, all caches at once */
	for (i = 0; i < NR_ARR_CACHES; i++) {
		n[i] = (int)min(arr_caches[i]->cpu_limit + 40, 600U);
		for (k = 0; k < n[i]; k++) {
			objs[i][k] = kmem_cache_alloc(arr_caches[i], GFP_KERNEL);
			cr_assert(objs[i][k]);
			memset(objs[i][k], i, min(sizes[i % 10], 64U));
		}
	}
	for (i = 0; i < NR_ARR_CACHES; i++)
		for (k = 0; k < n[i]; k++) {
			cr_assert_eq(((unsigned char *)objs[i][k])[0], i);
			kmem_cache_free(arr_caches[i], objs[i][k]);
		}
	assert_arrays_apart(NR_ARR_CACHES);
	cr_assert_eq(ukmem_report_total(), 0);
	/* half of them go; new ones reuse the freed room and still do not overlap */
	for (i = 0; i < NR_ARR_CACHES; i += 2) {
		kmem_cache_destroy(arr_caches[i]);
		arr_caches[i] = NULL;
	}
	for (i = 0; i < NR_ARR_CACHES; i += 2) {
		snprintf(names[1][i], sizeof(names[1][i]), "t_arr_again%d", i);
		arr_caches[i] =
		    kmem_cache_create(names[1][i], sizes[(i + 5) % 10], 0, SLAB_NO_MERGE, NULL);
		cr_assert(arr_caches[i]);
	}
	assert_arrays_apart(NR_ARR_CACHES);
	for (i = 0; i < NR_ARR_CACHES; i++)
		kmem_cache_destroy(arr_caches[i]);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab, out_of_cpu_array_blocks_fails_creation_cleanly)
{
	static struct kmem_cache *many[1100];
	static char names[1100][32]; /* the kernel keeps the caller's name */
	unsigned int saved = cpu_blocks_max;
	int i, made = 0;

	/* the table grows to 65536 blocks; a lower bound reaches its end in a test */
	cpu_blocks_max = 200;
	ukmem_report_reset();
	/* 64-byte objects: a whole 4 KiB stride each, so one block per cache */
	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "t_many%d", i);
		many[i] = kmem_cache_create(names[i], 64, 0, SLAB_NO_MERGE, NULL);
		if (!many[i])
			break;
		made++;
	}
	cr_assert_lt(made, 200, "the blocks have a limit");
	cr_assert_gt(made, 100, "the kmalloc caches took at most 100 blocks");
	cr_assert(ukmem_dmesg_contains("kmem_cache_create(t_many") &&
		  ukmem_dmesg_contains("failed with error -12"));
	/* nothing else was harmed: the caches made work, and going frees a block */
	void *p = kmem_cache_alloc(many[made - 1], GFP_KERNEL);

	cr_assert(p);
	kmem_cache_free(many[made - 1], p);
	kmem_cache_destroy(many[0]);
	many[0] = kmem_cache_create("t_many_again", 64, 0, SLAB_NO_MERGE, NULL);
	cr_assert(many[0], "a freed block is handed out again");
	cr_assert_null(kmem_cache_create("t_many_over", 64, 0, SLAB_NO_MERGE, NULL));
	for (i = 0; i < made; i++)
		kmem_cache_destroy(many[i]);
	cpu_blocks_max = saved;
	/* past the first chunk of the table (1024 descriptors): the table grows */
	ukmem_report_reset();
	for (i = 0; i < 1100; i++) {
		snprintf(names[i], sizeof(names[i]), "t_many%d", i);
		many[i] = kmem_cache_create(names[i], 64, 0, SLAB_NO_MERGE, NULL);
		cr_assert(many[i], "cache %d", i);
	}
	for (i = 0; i < 1100; i++)
		kmem_cache_destroy(many[i]);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 0);
}

/*
 * Pop order: objects come out of a fresh slab lowest address first, in
 * freelist order, as SLUB hands them out; with the page allocator's
 * ascending blocks a run of new slabs then goes one way throughout, which
 * hardware prefetchers follow far better than slabs walked downwards one
 * after another going upwards (docs/slab.md, "What is left in (2)").
 */
static struct kmem_cache *order_cache;
static char *order_objs[640];

/* on a thread of its own, pinned: one CPU's array throughout */
static void *order_allocator(void *arg)
{
	ukmem_set_cpu(1);
	for (int i = 0; i < 640; i++)
		order_objs[i] = kmem_cache_alloc(order_cache, GFP_KERNEL);
	return arg;
}

Test(slab, fresh_slabs_hand_out_ascending_addresses)
{
	struct kmem_cache *c = kmem_cache_create("t_order", 64, 0, SLAB_NO_MERGE, NULL);
	char **o = order_objs;
	long up = 0, down = 0;
	pthread_t th;

	cr_assert(c);
	order_cache = c;
	pthread_create(&th, NULL, order_allocator, NULL);
	pthread_join(th, NULL);
	for (int i = 0; i < 640; i++)
		cr_assert(o[i]);
	cr_assert_eq(offset_in_page(o[0]), 0, "the first object starts its slab");
	for (int i = 1; i < 640; i++) {
		if (o[i] > o[i - 1])
			up++;
		else
			down++;
		if (offset_in_page(o[i]))
			cr_assert_eq(o[i] - o[i - 1], 64, "within a slab: the next object");
	}
	cr_assert_geq(up, 630, "ascending: %ld up, %ld down", up, down);
	for (int i = 0; i < 640; i++)
		kmem_cache_free(c, o[i]);
	kmem_cache_destroy(c);
}

/*
 * issue 10 item 6: kstrdup_const() kept any name outside the direct map, so
 * a name built in a reused buffer named every cache after the last one ("a
 * cache of that name already exists") and dangled once the buffer went.
 * Only a string in the program's read-only data may be kept.
 */
Test(slab, cache_name_in_a_reused_buffer_is_copied)
{
	struct kmem_cache *c[3];
	char buf[16], *heap = strdup("t_heapname");
	unsigned long v[6];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "t_c%d", i);
		c[i] = kmem_cache_create(buf, 48 + 8 * i, 0, SLAB_NO_MERGE, NULL);
		cr_assert(c[i]);
	}
	memset(buf, 'X', sizeof(buf) - 1); /* the caller's buffer changes ... */
	buf[sizeof(buf) - 1] = 0;
	struct kmem_cache *h = kmem_cache_create(heap, 40, 0, SLAB_NO_MERGE, NULL);

	free(heap); /* ... or goes away */
	cr_assert(!ukmem_dmesg_contains("already exists"));
	cr_assert_eq(ukmem_report_total(), 0);
	for (i = 0; i < 3; i++) {
		char want[16];

		snprintf(want, sizeof(want), "t_c%d", i);
		cr_assert_str_eq(kmem_cache_name(c[i]), want);
		cr_assert_eq(slabinfo_line(want, v), 1, "slabinfo shows %s", want);
	}
	cr_assert_str_eq(kmem_cache_name(h), "t_heapname");
	cr_assert_eq(slabinfo_line("t_heapname", v), 1);
	for (i = 0; i < 3; i++)
		kmem_cache_destroy(c[i]);
	kmem_cache_destroy(h);
	cr_assert_eq(ukmem_report_total(), 0);
}

/* a string literal is read-only data: kept as it is, and kfree_const() leaves it alone */
Test(slab, kstrdup_const_keeps_only_read_only_data)
{
	static const char lit[] = "t_literal";
	static char writable[] = "t_writable";
	char stack[] = "t_stack";
	const char *a = kstrdup_const(lit, GFP_KERNEL);
	const char *b = kstrdup_const(writable, GFP_KERNEL);
	const char *d = kstrdup_const(stack, GFP_KERNEL);
	const char *k = kstrdup_const(a == lit ? b : a, GFP_KERNEL);

	cr_assert_eq(a, lit, "read-only data is not copied");
	cr_assert_neq(b, writable);
	cr_assert_neq(d, stack);
	cr_assert_str_eq(b, "t_writable");
	cr_assert_str_eq(d, "t_stack");
	cr_assert_neq(k, b, "a kmalloc string is copied");
	cr_assert_str_eq(k, "t_writable");
	kfree_const(a);
	kfree_const(b);
	kfree_const(d);
	kfree_const(k);
	cr_assert_eq(ukmem_report_total(), 0);
}

/*
 * A free that finds its thread array full moves the older half on and stays
 * in the thread array: the next allocation is the object freed last (hot),
 * whichever free path (kfree, kmem_cache_free) found the array full. Frees
 * past a full thread array used to go to the CPU array one by one, so the
 * array kept the oldest objects and every further free took the full path.
 */
static struct kmem_cache *lifo_cache;
static void *lifo_results[4];

static void *lifo_thread(void *arg)
{
	void *o[100];

	(void)arg;
	for (int i = 0; i < 100; i++)
		o[i] = kmem_cache_alloc(lifo_cache, GFP_KERNEL);
	lifo_results[2] = (void *)(unsigned long)(current_task()->slab_tc != NULL);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(lifo_cache, o[i]);
	lifo_results[0] = o[99];
	lifo_results[1] = kmem_cache_alloc(lifo_cache, GFP_KERNEL);
	kmem_cache_free(lifo_cache, lifo_results[1]);
	for (int i = 0; i < 100; i++)
		o[i] = kmalloc(64, GFP_KERNEL);
	for (int i = 0; i < 100; i++)
		kfree(o[i]);
	o[0] = kmalloc(64, GFP_KERNEL);
	lifo_results[3] = (void *)(unsigned long)(o[0] == o[99]);
	kfree(o[0]);
	return NULL;
}

Test(slab, free_past_a_full_thread_array_stays_in_it)
{
	pthread_t th;

	lifo_cache = kmem_cache_create("t_lifo", 64, 0, SLAB_NO_MERGE, NULL);
	cr_assert(lifo_cache);
	pthread_create(&th, NULL, lifo_thread, NULL);
	pthread_join(th, NULL);
	cr_assert(lifo_results[2], "the thread has thread caches");
	cr_assert_eq(lifo_results[1], lifo_results[0],
		     "kmem_cache_free: the last freed comes first");
	cr_assert(lifo_results[3], "kfree: the last freed comes first");
	kmem_cache_destroy(lifo_cache);
}

/*
 * A destroyed cache used again: Linux has no answer; ukmem reports each
 * use naming the cache and refuses it (NULL, no free) instead of crashing.
 */
Test(slab, use_of_destroyed_cache_is_reported_not_a_crash)
{
	struct kmem_cache *c;
	void *objs[4], *o;

	c = kmem_cache_create("doomed", 64, 0, SLAB_NO_MERGE, NULL);
	cr_assert_not_null(c);
	o = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, o);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_dmesg_clear();
	cr_assert_null(kmem_cache_alloc(c, GFP_KERNEL));
	cr_assert_null(kmem_cache_alloc(c, GFP_ATOMIC | __GFP_ZERO));
	cr_assert_eq(kmem_cache_alloc_bulk(c, GFP_KERNEL, 4, objs), 0);
	o = kmalloc(64, GFP_KERNEL);
	kmem_cache_free(c, o); /* refused: o stays live, so kfree below is clean */
	kmem_cache_shrink(c);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_dmesg_count("was destroyed"), 5);
	cr_assert(ukmem_dmesg_contains("is not a live slab cache (destroyed twice?)"));
	cr_assert(ukmem_dmesg_contains("kmem_cache_alloc: slab cache "));
	cr_assert(ukmem_dmesg_contains("(doomed) was destroyed"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 6);
	kfree(o);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 6);
}

/*
 * A destroyed cache and the thread caches: destroy drains every thread's
 * array and retires the cache's index (its stale struct points at the
 * empty dummy array), so a stale pointer's thread-cache fast path can
 * neither hand out nor take objects of the cache that reuses the index.
 */
Test(slab, destroyed_cache_thread_cache_index_is_retired)
{
	struct kmem_cache *c, *c2;
	void *o, *objs[4];
	unsigned int off;

	c = kmem_cache_create("doomed_tc", 64, 0, SLAB_NO_MERGE, NULL);
	cr_assert_not_null(c);
	if (!c->tc_off)
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	off = c->tc_off;
	o = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, o); /* parked in this thread's array */
	cr_assert_gt(tc_array_at((unsigned long)current->slab_tc, c)->avail, 0);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0, "destroy drained the thread array");
	cr_assert_eq(c->tc_off, 0, "the destroyed cache's index is retired");
	c2 = kmem_cache_create("heir_tc", 64, 0, SLAB_NO_MERGE, NULL);
	cr_assert_not_null(c2);
	cr_assert_eq(c2->tc_off, off, "the index went to the next cache");
	for (int i = 0; i < 4; i++)
		objs[i] = kmem_cache_alloc(c2, GFP_KERNEL);
	for (int i = 0; i < 4; i++)
		kmem_cache_free(c2, objs[i]);
	cr_assert_geq(tc_array_at((unsigned long)current->slab_tc, c2)->avail, 4);
	ukmem_dmesg_clear();
	cr_assert_null(kmem_cache_alloc(c, GFP_KERNEL), "a stale pointer got an object of c2");
	o = kmem_cache_alloc(c2, GFP_KERNEL);
	kmem_cache_free(c, o); /* refused: o stays c2's and live */
	cr_assert_eq(ukmem_dmesg_count("(doomed_tc) was destroyed"), 2);
	kmem_cache_free(c2, o);
	kmem_cache_destroy(c2);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
}
