// SPDX-License-Identifier: MIT
/* test_kmalloc.c - the kmalloc family: size classes, zones, large requests,
 * krealloc, ksize, the k*dup helpers, invalid and double frees. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mm/internal.h"

static void boot(void)
{
	ukmem_dmesg_clear();
	cr_assert_eq(ukmem_boot("mem=128M nr_cpus=2"), 0);
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_shutdown();
}

TestSuite(kmalloc, .init = boot, .fini = down);

static const char *cache_of(const void *p)
{
	struct page *pg = compound_head(virt_to_page(p));

	return PageSlab(pg) ? kmem_cache_name(pg->slab_cache) : "(pages)";
}

Test(kmalloc, size_class_boundaries)
{
	static const struct {
		size_t size;
		const char *cache;
	} tab[] = {
	    {1, "kmalloc-8"},	  {8, "kmalloc-8"},	{9, "kmalloc-16"},    {16, "kmalloc-16"},
	    {17, "kmalloc-32"},	  {32, "kmalloc-32"},	{33, "kmalloc-64"},   {64, "kmalloc-64"},
	    {65, "kmalloc-96"},	  {96, "kmalloc-96"},	{97, "kmalloc-128"},  {128, "kmalloc-128"},
	    {129, "kmalloc-192"}, {192, "kmalloc-192"}, {193, "kmalloc-256"}, {256, "kmalloc-256"},
	    {257, "kmalloc-512"}, {512, "kmalloc-512"}, {513, "kmalloc-1k"},  {1024, "kmalloc-1k"},
	    {1025, "kmalloc-2k"}, {2048, "kmalloc-2k"}, {2049, "kmalloc-4k"}, {4096, "kmalloc-4k"},
	    {4097, "kmalloc-8k"}, {8192, "kmalloc-8k"}, {8193, "(pages)"},
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		void *p = kmalloc(tab[i].size, GFP_KERNEL);

		cr_assert(p);
		cr_assert_str_eq(cache_of(p), tab[i].cache, "size %zu", tab[i].size);
		cr_assert_eq(ksize(p), kmalloc_size_roundup(tab[i].size));
		cr_assert_geq(ksize(p), tab[i].size);
		memset(p, 0x5c, ksize(p));
		kfree(p);
	}
	cr_assert_eq(kmalloc_size_roundup(0), 0);
	cr_assert_eq(kmalloc_size_roundup(8193), 16384);
	cr_assert_eq(kmalloc_size_roundup(100000), 131072);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(kmalloc, power_of_two_sizes_naturally_aligned)
{
	for (size_t size = 8; size <= 4096; size *= 2) {
		void *p[4];

		for (int i = 0; i < 4; i++) {
			p[i] = kmalloc(size, GFP_KERNEL);
			cr_assert_eq((uintptr_t)p[i] % size, 0, "kmalloc(%zu) = %p", size, p[i]);
		}
		for (int i = 0; i < 4; i++)
			kfree(p[i]);
	}
}

Test(kmalloc, zero_size_and_null_frees)
{
	void *p = kmalloc(0, GFP_KERNEL);

	cr_assert_eq(p, ZERO_SIZE_PTR);
	cr_assert_eq(ksize(p), 0);
	kfree(p);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	kfree_sensitive(NULL);
	cr_assert_eq(kzalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(kmalloc, array_overflow_gives_null)
{
	volatile size_t half = SIZE_MAX / 2, eighth = SIZE_MAX / 8 + 1;

	cr_assert_null(kmalloc_array(half, 3, GFP_KERNEL));
	cr_assert_null(kcalloc(eighth, 16, GFP_KERNEL));
	cr_assert_null(krealloc_array(NULL, SIZE_MAX, 2, GFP_KERNEL));
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(kmalloc, kzalloc_kcalloc_zero)
{
	unsigned char *a = kmalloc(200, GFP_KERNEL), *b;
	int *c;

	memset(a, 0xee, 200);
	kfree(a);
	b = kzalloc(200, GFP_KERNEL);
	for (int i = 0; i < 200; i++)
		cr_assert_eq(b[i], 0);
	c = kcalloc(50, sizeof(int), GFP_KERNEL);
	for (int i = 0; i < 50; i++)
		cr_assert_eq(c[i], 0);
	kfree(b);
	kfree(c);
	b = kzalloc_node(30000, GFP_KERNEL, 0);
	for (int i = 0; i < 30000; i++)
		cr_assert_eq(b[i], 0);
	kfree(b);
	b = kmalloc_node(40, GFP_KERNEL, 0);
	kfree(b);
	c = kmalloc_array(10, 4, GFP_KERNEL);
	kfree(c);
}

Test(kmalloc, highmem_is_reported_and_lowmem_returned)
{
	void *p = kmalloc(64, GFP_KERNEL | __GFP_HIGHMEM);
	void *q = kmalloc(20000, GFP_KERNEL | __GFP_HIGHMEM);

	cr_assert(p && virt_addr_valid(p));
	cr_assert(q && virt_addr_valid(q));
	cr_assert_eq(ukmem_dmesg_count("Unexpected gfp: 0x2 (__GFP_HIGHMEM). Fixing up to gfp: "
				       "0xcc0 (GFP_KERNEL). Fix your code!"),
		     2);
	kfree(p);
	kfree(q);
}

Test(kmalloc, dma_and_reclaimable_families)
{
	void *d = kmalloc(100, GFP_KERNEL | GFP_DMA);
	void *r = kmalloc(100, GFP_KERNEL | __GFP_RECLAIMABLE);
	void *big = kmalloc(50000, GFP_DMA);

	cr_assert_str_eq(cache_of(d), "dma-kmalloc-128");
	cr_assert_lt(virt_to_phys(d), 16ul << 20);
	cr_assert_str_eq(cache_of(r), "kmalloc-rcl-128");
	cr_assert_lt(virt_to_phys(big), 16ul << 20);
	kfree(d);
	kfree(r);
	kfree(big);
	cr_assert_eq(ukmem_report_total(), 0);
}

/*
 * kmalloc's inline fast path looks up the normal caches only and leaves
 * __GFP_DMA, __GFP_RECLAIMABLE and __GFP_ZERO to its out-of-line half
 * (s->fast_gfp): a hot object of kmalloc-128 must not be handed to a
 * GFP_DMA or __GFP_RECLAIMABLE caller, nor come back dirty from kzalloc.
 */
Test(kmalloc, hot_normal_object_stays_in_its_family)
{
	for (int round = 0; round < 3; round++) {
		unsigned char *n = kmalloc(100, GFP_KERNEL), *d, *r, *z;

		memset(n, 0xee, 100);
		kfree(n); /* on top of this thread's array of kmalloc-128 */
		d = kmalloc(100, GFP_KERNEL | GFP_DMA);
		r = kmalloc(100, GFP_KERNEL | __GFP_RECLAIMABLE);
		cr_assert_str_eq(cache_of(d), "dma-kmalloc-128");
		cr_assert_str_eq(cache_of(r), "kmalloc-rcl-128");
		cr_assert_neq(d, n);
		cr_assert_neq(r, n);
		z = kzalloc(100, GFP_KERNEL);
		cr_assert_eq(z, n); /* the hot one, through the out-of-line leaf */
		for (int i = 0; i < 100; i++)
			cr_assert_eq(z[i], 0);
		kfree(d);
		kfree(r);
		kfree(z);
	}
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(kmalloc, hot_cache_object_zeroed_by_kmem_cache_zalloc)
{
	struct kmem_cache *c = kmem_cache_create("zhot", 72, 0, SLAB_NO_MERGE, NULL);

	cr_assert(c);
	for (int round = 0; round < 3; round++) {
		unsigned char *a = kmem_cache_alloc(c, GFP_KERNEL), *b;

		memset(a, 0xee, 72);
		kmem_cache_free(c, a);
		b = kmem_cache_zalloc(c, GFP_KERNEL);
		cr_assert_eq(b, a);
		for (int i = 0; i < 72; i++)
			cr_assert_eq(b[i], 0);
		kmem_cache_free(c, b);
	}
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(kmalloc, physically_contiguous_across_pages)
{
	size_t sizes[] = {4096, 8192, 8193, 65536, 1 << 20};

	for (size_t k = 0; k < 5; k++) {
		unsigned char *p = kmalloc(sizes[k], GFP_KERNEL);
		phys_addr_t base = virt_to_phys(p);

		cr_assert(p);
		for (size_t off = 0; off < sizes[k]; off += PAGE_SIZE) {
			cr_assert_eq(virt_to_phys(p + off), base + off);
			cr_assert_eq(page_to_pfn(virt_to_page(p + off)),
				     (base + off) >> PAGE_SHIFT);
		}
		memset(p, 0xa1, sizes[k]);
		kfree(p);
	}
}

Test(kmalloc, large_limits)
{
	void *p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);

	cr_assert(p);
	cr_assert_eq(ksize(p), KMALLOC_MAX_SIZE);
	kfree(p);
	cr_assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	cr_assert_eq(ukmem_report_total(), 0);
	volatile size_t huge = SIZE_MAX;

	cr_assert_null(kmalloc(huge, GFP_KERNEL));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
}

Test(kmalloc, krealloc_grow_shrink_keep_contents)
{
	char *p = krealloc(NULL, 20, GFP_KERNEL), *q;

	memcpy(p, "0123456789abcdefghi", 20);
	q = krealloc(p, 24, GFP_KERNEL); /* same class (32) */
	cr_assert_eq(q, p);
	q = krealloc(p, 300, GFP_KERNEL | __GFP_ZERO);
	cr_assert_neq(q, p);
	cr_assert_str_eq(q, "0123456789abcdefghi");
	cr_assert_eq(q[299], 0);
	p = krealloc(q, 10000, GFP_KERNEL);
	cr_assert_str_eq(p, "0123456789abcdefghi");
	q = krealloc(p, 12000, GFP_KERNEL); /* within the 16 KiB block */
	cr_assert_eq(q, p);
	p = krealloc(q, 40, GFP_KERNEL);
	cr_assert_eq(p, q); /* shrinking never moves */
	cr_assert_eq(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	cr_assert_eq(ukmem_report_total(), 0);
	p = kmalloc(8, GFP_KERNEL);
	q = krealloc_array(p, 10, 8, GFP_KERNEL);
	cr_assert(q);
	kfree(q);
}

Test(kmalloc, kfree_sensitive_clears)
{
	unsigned char *p = kmalloc(60, GFP_KERNEL);

	memset(p, 0x99, 60);
	kfree_sensitive(p);
	/* freed memory is ours to peek at in this model: all but the free pointer */
	for (int i = 0; i < 24; i++)
		cr_assert_eq(p[i], 0, "byte %d", i);
}

Test(kmalloc, kfree_bulk_mixed)
{
	void *p[6] = {kmalloc(10, GFP_KERNEL),
		      kmalloc(100, GFP_KERNEL),
		      kmalloc(1000, GFP_KERNEL),
		      kmalloc(10000, GFP_KERNEL),
		      NULL,
		      kmalloc(64, GFP_KERNEL)};

	kfree_bulk(6, p);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(kmalloc, string_helpers)
{
	char *s = kstrdup("hello", GFP_KERNEL), *n;
	const char *c;
	char buf[] = "not const";
	void *m;

	cr_assert_str_eq(s, "hello");
	cr_assert_str_eq(cache_of(s), "kmalloc-8");
	n = kstrndup("abcdefgh", 3, GFP_KERNEL);
	cr_assert_str_eq(n, "abc");
	kfree(n);
	n = kstrndup("ab", 10, GFP_KERNEL);
	cr_assert_str_eq(n, "ab");
	kfree(n);
	c = kstrdup_const("literal", GFP_KERNEL);
	cr_assert_str_eq(c, "literal");
	kfree_const(c);
	c = kstrdup_const(s, GFP_KERNEL); /* a kmalloc string is copied */
	cr_assert_neq(c, s);
	kfree_const(c);
	(void)buf;
	m = kmemdup("\1\2\3\4", 4, GFP_KERNEL);
	cr_assert(!memcmp(m, "\1\2\3\4", 4));
	kfree(m);
	n = kmemdup_nul("xyzw", 2, GFP_KERNEL);
	cr_assert_str_eq(n, "xy");
	kfree(n);
	cr_assert_null(kstrdup(NULL, GFP_KERNEL));
	cr_assert_null(kstrndup(NULL, 4, GFP_KERNEL));
	cr_assert_null(kmemdup_nul(NULL, 4, GFP_KERNEL));
	kfree_const(NULL);
	kfree(s);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(kmalloc, double_frees_never_hand_out_twice)
{
	void *a = kmalloc(64, GFP_KERNEL), *b = kmalloc(64, GFP_KERNEL);
	void *got[8];

	kfree(a);
	kfree(a);
	kfree(b);
	kfree(a);
	cr_assert_eq(ukmem_dmesg_count("Object already free"), 2);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	for (int i = 0; i < 8; i++) {
		got[i] = kmalloc(64, GFP_KERNEL);
		for (int j = 0; j < i; j++)
			cr_assert_neq(got[i], got[j]);
	}
	for (int i = 0; i < 8; i++)
		kfree(got[i]);
	/* large kmalloc double free: the page allocator refuses the second */
	a = kmalloc(20000, GFP_KERNEL);
	kfree(a);
	kfree(a);
	cr_assert_geq(
	    ukmem_report_count(UKMEM_REPORT_SLAB) + ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 3);
}

Test(kmalloc, invalid_frees_are_reported_and_refused)
{
	char *a = kmalloc(128, GFP_KERNEL);
	char *big = kmalloc(3 * PAGE_SIZE + 1, GFP_KERNEL);
	unsigned long pg = __get_free_page(GFP_KERNEL);
	int local;
	void *host = malloc(32);

	memset(a, 0x3c, 128);
	kfree(a + 1);
	kfree(a + 8);
	cr_assert_eq(ukmem_dmesg_count("Invalid object pointer"), 2);
	kfree(&local);
	kfree(host);
	cr_assert_eq(ukmem_dmesg_count("not a kernel logical address"), 2);
	kfree((void *)pg);
	cr_assert(ukmem_dmesg_contains("page is not from kmalloc (not a slab page)"));
	kfree(big + PAGE_SIZE);
	cr_assert(ukmem_dmesg_contains("page is not from kmalloc") ||
		  ukmem_dmesg_contains("pointer into the middle"));
	kfree(big + 16);
	cr_assert(ukmem_dmesg_contains("pointer into the middle of a large kmalloc"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 7);
	cr_assert_eq(ksize(a + 4), 128); /* interior ksize is the kernel's too */
	/* nothing was released */
	for (int i = 0; i < 128; i++)
		cr_assert_eq((unsigned char)a[i], 0x3c);
	kfree(a);
	kfree(big);
	free_page(pg);
	free(host);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 0);
}

Test(kmalloc, ksize_of_foreign_pointer_reported)
{
	int local = 0;

	cr_assert_eq(ksize(&local), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
}

Test(kmalloc, implicit_boot)
{
	void *p;

	ukmem_shutdown();
	setenv("UKMEM_CMDLINE", "mem=32M", 1);
	p = kmalloc(10, GFP_KERNEL);
	cr_assert(p);
	cr_assert(ukmem_booted());
	kfree(p);
}

Test(kmalloc, krealloc_misuse_is_refused)
{
	char *p = kmalloc(100, GFP_KERNEL);
	int local = 0;

	memset(p, 7, 100);
	cr_assert_null(krealloc(p + 8, 200, GFP_KERNEL));
	cr_assert(ukmem_dmesg_contains("Invalid object pointer"));
	cr_assert_null(krealloc(&local, 200, GFP_KERNEL));
	cr_assert(ukmem_dmesg_contains("krealloc: "));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(p[i], 7);
	kfree(p);
}

Test(kmalloc, kmem_cache_alloc_of_null_cache)
{
	cr_assert_null(kmem_cache_alloc(NULL, GFP_KERNEL));
	kmem_cache_free(NULL, NULL);
	cr_assert_eq(kmem_cache_size(NULL), 0);
	kmem_cache_shrink(NULL);
}

Test(kmalloc, exhaustion_returns_null_and_recovers)
{
	static void *objs[200000];
	unsigned long slab_before;
	int n = 0, i;

	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=16M nr_cpus=2"), 0);
	ukmem_report_reset();
	slab_before = node_page_state(NR_SLAB_UNRECLAIMABLE);
	while (n < 200000 && (objs[n] = kmalloc(512, GFP_KERNEL | __GFP_NOWARN))) {
		memset(objs[n], (n + 1) & 0xff, 512);
		n++;
	}
	cr_assert_gt(n, 1000);
	cr_assert_lt(n, 200000);
	/* every object intact, then all of it comes back */
	for (i = 0; i < n; i++)
		cr_assert_eq(((unsigned char *)objs[i])[511], (i + 1) & 0xff);
	for (i = 0; i < n; i++)
		kfree(objs[i]);
	/*
	 * kswapd, woken by the exhaustion, may still be running: it may have
	 * shrunk the empty slabs before us (so our shrink can find nothing), or
	 * hold objects from a CPU array it is flushing, which reach their slabs
	 * after our shrink. Shrink until it is done; everything must come back.
	 */
	slab_shrink_all(GFP_KERNEL);
	for (i = 0; i < 200 && node_page_state(NR_SLAB_UNRECLAIMABLE) != slab_before; i++) {
		usleep(5000);
		slab_shrink_all(GFP_KERNEL);
	}
	cr_assert_eq(node_page_state(NR_SLAB_UNRECLAIMABLE), slab_before);
	cr_assert(kmalloc(512, GFP_KERNEL));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 0);
}

Test(kmalloc, ksize_and_krealloc_of_freed_object_are_reported)
{
	char *p = kmalloc(100, GFP_KERNEL), *q = kmalloc(100, GFP_KERNEL);

	kfree(p);
	cr_assert_eq(ksize(p), 0);
	cr_assert(ukmem_dmesg_contains("INFO: ksize() of a free object"));
	cr_assert_null(krealloc(p, 300, GFP_KERNEL));
	cr_assert(ukmem_dmesg_contains("INFO: krealloc() of a free object"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	/* nothing was handed out twice */
	p = kmalloc(100, GFP_KERNEL);
	cr_assert_neq(p, q);
	cr_assert_eq(ksize(q), 128);
	kfree(p);
	kfree(q);
}
