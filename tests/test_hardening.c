// SPDX-License-Identifier: MIT
/*
 * test_hardening.c - init_on_alloc= / init_on_free=, kfree_sensitive,
 * hardened usercopy (copy_to_user/copy_from_user, check_object_size),
 * the hardened free pointer (per-cache secret, swab'ed address) and
 * slab_freelist_random=. Reports are asserted by their kernel text.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "mm/slab.h"

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

TestSuite(hardening, .fini = down);

/* hide values from the compiler: the misuse is the test */
static void *launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}
static unsigned long launder_n(unsigned long n)
{
	__asm__("" : "+r"(n));
	return n;
}

/* the free pointer word of a free @x of @s: the only bytes a free object may use */
static bool is_fp_byte(struct kmem_cache *s, const void *x, const unsigned char *b)
{
	const unsigned char *fp = (const unsigned char *)freeptr_addr(s, (void *)x);

	return b >= fp && b < fp + sizeof(void *);
}

static struct kmem_cache *cache_of(const void *x)
{
	return compound_head(virt_to_page(x))->slab_cache;
}

/* ------------------------------------------------------------ init_on_alloc / init_on_free */

Test(hardening, meminit_line_off_by_default)
{
	boot_with("mem=32M");
	cr_assert(ukmem_dmesg_contains("mem auto-init: stack:off, heap alloc:off, heap free:off"));
	cr_assert(!ukmem_dmesg_contains("clearing system memory"));
}

Test(hardening, meminit_parameters)
{
	const char *bad[] = {"init_on_alloc=2", "init_on_alloc", "init_on_free=yes",
			     "slab_freelist_random=x"};

	boot_with("mem=32M init_on_alloc=1");
	cr_assert(ukmem_dmesg_contains("mem auto-init: stack:off, heap alloc:on, heap free:off"));
	ukmem_shutdown();
	boot_with("mem=32M init_on_free=on init_on_alloc=off");
	cr_assert(ukmem_dmesg_contains("mem auto-init: stack:off, heap alloc:off, heap free:on"));
	cr_assert(
	    ukmem_dmesg_contains("mem auto-init: clearing system memory may take some time..."));
	ukmem_shutdown();
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_neq(ukmem_boot(bad[i]), 0, "%s accepted", bad[i]);
	boot_with("mem=32M");
}

/* a freed object's bytes come back as they were without init_on_alloc */
Test(hardening, without_init_on_alloc_old_contents_survive)
{
	boot_with("mem=32M");
	unsigned char *p = kmalloc(64, GFP_KERNEL), *q;
	struct kmem_cache *s = cache_of(p);
	int kept = 0;

	memset(p, 0xaa, 64);
	kfree(p);
	q = kmalloc(64, GFP_KERNEL);
	cr_assert_eq(q, p, "LIFO: the same object back");
	for (int i = 0; i < 64; i++)
		kept += !is_fp_byte(s, q, q + i) && q[i] == 0xaa;
	cr_assert_eq(kept, 64 - (int)sizeof(void *));
	kfree(q);
}

Test(hardening, init_on_alloc_zeroes_slab_objects_and_pages)
{
	boot_with("mem=32M init_on_alloc=1");
	unsigned char *p = kmalloc(64, GFP_KERNEL), *q;
	struct kmem_cache *c = kmem_cache_create("t_ioa", 200, 0, SLAB_NO_MERGE, NULL);
	struct page *pg;

	memset(p, 0xaa, 64);
	kfree(p);
	q = kmalloc(64, GFP_KERNEL);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(q[i], 0, "byte %d", i);
	kfree(q);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	memset(p, 0x5a, 200);
	kmem_cache_free(c, p);
	q = kmem_cache_alloc(c, GFP_KERNEL);
	for (int i = 0; i < 200; i++)
		cr_assert_eq(q[i], 0, "byte %d", i);
	kmem_cache_free(c, q);
	kmem_cache_destroy(c);
	/* pages: every block comes out zeroed, large kmalloc included */
	for (int o = 0; o < 3; o++) {
		pg = alloc_pages(GFP_KERNEL, o);
		memset(page_address(pg), 0x77, PAGE_SIZE << o);
		__free_pages(pg, o);
		pg = alloc_pages(GFP_KERNEL, o);
		p = page_address(pg);
		for (unsigned long i = 0; i < PAGE_SIZE << o; i++)
			cr_assert_eq(p[i], 0, "order %d byte %lu", o, i);
		__free_pages(pg, o);
	}
	p = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	for (unsigned long i = 0; i < 3 * PAGE_SIZE; i++)
		cr_assert_eq(p[i], 0);
	kfree(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 0);
}

/* krealloc in place: the spare bytes behind the new size are zeroed */
Test(hardening, init_on_alloc_krealloc_spare_bytes)
{
	boot_with("mem=32M init_on_alloc=1");
	unsigned char *p = launder(kmalloc(60, GFP_KERNEL)), *q;

	memset(p, 0xaa, 64);
	q = launder(krealloc(p, 20, GFP_KERNEL));
	cr_assert_eq(q, p);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(q[i], i < 20 ? 0xaa : 0, "byte %d", i);
	kfree(q);
}

static void ctor_pattern(void *x)
{
	memset(x, 0x3c, 48);
}

/* constructed caches keep their state (the kernel excludes them), as do SLAB_POISON ones */
Test(hardening, init_on_alloc_leaves_constructed_objects_alone)
{
	boot_with("mem=32M init_on_alloc=1 init_on_free=1");
	struct kmem_cache *c = kmem_cache_create("t_ctor", 48, 0, 0, ctor_pattern);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);

	for (int i = 0; i < 48; i++)
		cr_assert_eq(p[i], 0x3c);
	kmem_cache_free(c, p);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	for (int i = 0; i < 48; i++)
		cr_assert_eq(p[i], 0x3c, "constructed state kept, byte %d", i);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	/* __GFP_ZERO still zeroes a constructed-cache object (the caller asked) */
	c = kmem_cache_create("t_ctor2", 48, 0, 0, ctor_pattern);
	p = kmem_cache_zalloc(c, GFP_KERNEL);
	for (int i = 0; i < 48; i++)
		cr_assert_eq(p[i], 0);
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

Test(hardening, init_on_free_zeroes_slab_objects_and_pages)
{
	boot_with("mem=32M init_on_free=1");
	unsigned char *p = kmalloc(100, GFP_KERNEL), *pa;
	struct kmem_cache *s = cache_of(p);
	struct page *pg;

	memset(p, 0xaa, 100);
	kfree(p);
	/* the freed object: zero but for its free pointer */
	for (int i = 0; i < 100; i++)
		if (!is_fp_byte(s, p, p + i))
			cr_assert_eq(p[i], 0, "byte %d", i);
	pg = alloc_pages(GFP_KERNEL, 2);
	pa = page_address(pg);
	memset(pa, 0x11, 4 * PAGE_SIZE);
	__free_pages(pg, 2);
	for (unsigned long i = 0; i < 4 * PAGE_SIZE; i++)
		cr_assert_eq(pa[i], 0, "byte %lu", i);
	/* the next allocation is zero too (init_on_free: nothing to do at alloc) */
	p = kmalloc(100, GFP_KERNEL);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(p[i], 0);
	kfree(p);
}

/* slub_debug caches with red zones: init_on_free leaves the red zones, no false report */
Test(hardening, init_on_free_with_red_zones)
{
	boot_with("mem=32M init_on_free=1 init_on_alloc=1 slub_debug=ZU");
	for (int round = 0; round < 4; round++) {
		unsigned char *p = kmalloc(13, GFP_KERNEL);

		for (int i = 0; i < 13; i++)
			cr_assert_eq(p[i], 0);
		memset(p, 0xee, 13);
		kfree(p);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 0);
	unsigned char *p = kmalloc(13, GFP_KERNEL);

	p = launder(p);
	p[13] = 0; /* still caught: the kmalloc red zone is intact */
	kfree(p);
	cr_assert(ukmem_dmesg_contains("kmalloc Redzone overwritten"));
}

/* several threads on full-path caches: every object zero when it comes out */
static void *zero_hammer(void *arg)
{
	for (int i = 0; i < 3000; i++) {
		size_t sz = 8 + (size_t)((i * 37 + (long)arg) % 500);
		unsigned char *p = kmalloc(sz, GFP_KERNEL);

		if (!p)
			return (void *)1;
		for (size_t j = 0; j < sz; j++)
			if (p[j])
				return (void *)2;
		memset(p, 0xff, sz);
		kfree(p);
	}
	return NULL;
}

Test(hardening, init_on_alloc_free_threads)
{
	boot_with("mem=64M nr_cpus=4 init_on_alloc=1 init_on_free=1");
	pthread_t th[4];
	void *ret;

	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, zero_hammer, (void *)i);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		cr_assert_null(ret, "thread %d: %ld", i, (long)ret);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 0);
}

/* ------------------------------------------------------------ kfree_sensitive */

Test(hardening, kfree_sensitive_clears_whole_ksize)
{
	boot_with("mem=32M");
	unsigned char *p = kmalloc(100, GFP_KERNEL);
	struct kmem_cache *s = cache_of(p);
	size_t ks = ksize(p);

	cr_assert_eq(ks, 128);
	p = launder(p);
	memset(p, 0xaa, ks);
	kfree_sensitive(p);
	for (size_t i = 0; i < ks; i++)
		if (!is_fp_byte(s, p, p + i))
			cr_assert_eq(p[i], 0, "byte %zu", i);
	/* large kmalloc: its pages are zeroed as well */
	p = kmalloc(2 * PAGE_SIZE + 1, GFP_KERNEL);
	ks = ksize(p);
	cr_assert_eq(ks, 4 * PAGE_SIZE);
	p = launder(p);
	memset(p, 0xaa, ks);
	kfree_sensitive(p);
	for (size_t i = 0; i < ks; i++)
		cr_assert_eq(p[i], 0, "byte %zu", i);
	kfree_sensitive(NULL);
	kfree_sensitive(ZERO_SIZE_PTR);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 0);
}

/* ------------------------------------------------------------ usercopy */

Test(hardening, usercopy_kmalloc_whitelisted_to_its_size)
{
	boot_with("mem=32M");
	unsigned char *p = launder(kmalloc(13, GFP_KERNEL)), user[64];

	memset(p, 0x42, 16);
	memset(user, 0, sizeof(user));
	cr_assert_eq(copy_to_user(user, p, launder_n(16)), 0);
	cr_assert_eq(user[15], 0x42);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 0);
	cr_assert_eq(copy_to_user(user, p, launder_n(17)), 17);
	cr_assert(ukmem_dmesg_contains("usercopy: Kernel memory exposure attempt detected from "
				       "SLUB object 'kmalloc-16' (offset 0, size 17)!"));
	memset(user, 0x99, sizeof(user));
	cr_assert_eq(copy_from_user(p + 8, user, launder_n(9)), 9);
	cr_assert(ukmem_dmesg_contains("usercopy: Kernel memory overwrite attempt detected to "
				       "SLUB object 'kmalloc-16' (offset 8, size 9)!"));
	cr_assert_eq(p[8], 0x42, "refused: the object is untouched");
	cr_assert_eq(copy_from_user(p + 8, user, launder_n(8)), 0);
	cr_assert_eq(p[15], 0x99);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 2);
	kfree(p);
}

Test(hardening, usercopy_spans_across_objects_refused)
{
	boot_with("mem=32M");
	unsigned char *a = kmalloc(64, GFP_KERNEL), user[256];
	unsigned char *b = kmalloc(64, GFP_KERNEL);

	memset(b, 0x17, 64);
	/* from inside a to past its end: whatever lies next is not exposed */
	cr_assert_eq(copy_to_user(user, a + 32, launder_n(64)), 64);
	cr_assert(ukmem_dmesg_contains("exposure attempt detected from SLUB object 'kmalloc-64' "
				       "(offset 32, size 64)!"));
	cr_assert_eq(copy_from_user(a, user, launder_n(200)), 200);
	cr_assert(ukmem_dmesg_contains("overwrite attempt detected to SLUB object 'kmalloc-64' "
				       "(offset 0, size 200)!"));
	for (int i = 0; i < 64; i++)
		cr_assert_eq(b[i], 0x17, "the neighbour intact");
	kfree(a);
	kfree(b);
}

Test(hardening, usercopy_cache_window)
{
	boot_with("mem=32M");
	struct kmem_cache *w = kmem_cache_create_usercopy("t_uwin", 64, 0, 0, 16, 8, NULL);
	struct kmem_cache *n = kmem_cache_create("t_unone", 64, 0, SLAB_NO_MERGE, NULL);
	unsigned char *p = kmem_cache_alloc(w, GFP_KERNEL), *q = kmem_cache_alloc(n, GFP_KERNEL);
	unsigned char user[64] = {0};

	cr_assert_eq(copy_to_user(user, p + 16, launder_n(8)), 0);
	cr_assert_eq(copy_to_user(user, p + 20, launder_n(4)), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 0);
	cr_assert_eq(copy_to_user(user, p + 16, launder_n(9)), 9);
	cr_assert(ukmem_dmesg_contains("from SLUB object 't_uwin' (offset 16, size 9)!"));
	cr_assert_eq(copy_to_user(user, p, launder_n(1)), 1);
	cr_assert(ukmem_dmesg_contains("from SLUB object 't_uwin' (offset 0, size 1)!"));
	cr_assert_eq(copy_from_user(p + 24, user, launder_n(1)), 1);
	cr_assert(ukmem_dmesg_contains("to SLUB object 't_uwin' (offset 24, size 1)!"));
	/* a cache created without a window: nothing may be copied */
	cr_assert_eq(copy_to_user(user, q, launder_n(1)), 1);
	cr_assert(ukmem_dmesg_contains("from SLUB object 't_unone' (offset 0, size 1)!"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 4);
	kmem_cache_free(w, p);
	kmem_cache_free(n, q);
	kmem_cache_destroy(w);
	kmem_cache_destroy(n);
}

Test(hardening, usercopy_left_red_zone)
{
	boot_with("mem=32M slub_debug=Z,kmalloc-64");
	unsigned char *p = kmalloc(64, GFP_KERNEL), user[8];
	struct kmem_cache *s = cache_of(p);

	cr_assert_gt(s->red_left_pad, 0);
	cr_assert_eq(copy_to_user(user, p - 1, launder_n(1)), 1);
	cr_assert(ukmem_dmesg_contains("from SLUB object in left red zone 'kmalloc-64' (offset"));
	cr_assert_eq(copy_to_user(user, p, launder_n(8)), 0);
	kfree(p);
}

Test(hardening, usercopy_misuse_null_zero_huge_wrapped)
{
	boot_with("mem=32M");
	unsigned char *p = kmalloc(32, GFP_KERNEL), user[64];

	/* zero bytes: nothing checked, nothing reported, even for NULL */
	cr_assert_eq(copy_to_user(user, launder(NULL), launder_n(0)), 0);
	cr_assert_eq(copy_from_user(launder(NULL), user, launder_n(0)), 0);
	cr_assert_eq(copy_to_user(user, p, launder_n(0)), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 0);
	cr_assert_eq(copy_to_user(user, launder(NULL), launder_n(4)), 4);
	cr_assert(ukmem_dmesg_contains("usercopy: Kernel memory exposure attempt detected from "
				       "null address (offset 0, size 4)!"));
	cr_assert_eq(copy_from_user(launder(ZERO_SIZE_PTR), user, launder_n(4)), 4);
	cr_assert(ukmem_dmesg_contains("overwrite attempt detected to null address (offset 16, "
				       "size 4)!"));
	/* a span wrapping around the address space */
	cr_assert(!ukmem_check_object_size(p, ULONG_MAX, true));
	cr_assert(ukmem_dmesg_contains("exposure attempt detected from wrapped address"));
	/* above INT_MAX: the WARNING of check_copy_size(), no copy */
	cr_assert_eq(copy_to_user(user, p, launder_n((unsigned long)INT_MAX + 1)),
		     (unsigned long)INT_MAX + 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	/* a NULL user pointer is a fault: nothing copied, no report */
	cr_assert_eq(copy_to_user(launder(NULL), p, launder_n(8)), 8);
	memset(p, 0x33, 32);
	cr_assert_eq(copy_from_user(p, launder(NULL), launder_n(8)), 8);
	cr_assert_eq(p[0], 0, "what a fault left uncopied is zeroed, as the kernel does");
	cr_assert_eq(p[8], 0x33);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 3);
	/* host memory (not ukmem's) is not checked */
	cr_assert_eq(copy_to_user(user, user + 32, launder_n(16)), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 3);
	kfree(p);
}

Test(hardening, usercopy_vmalloc_and_pages)
{
	boot_with("mem=32M");
	char *v = vmalloc(3 * PAGE_SIZE), *user = malloc(4 * PAGE_SIZE);
	struct page *pg = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
	char *pa = page_address(pg);

	cr_assert(v && user && pg);
	memset(v, 0x21, 3 * PAGE_SIZE);
	cr_assert_eq(copy_to_user(user, v, launder_n(3 * PAGE_SIZE)), 0);
	cr_assert_eq(copy_to_user(user, v + PAGE_SIZE, launder_n(2 * PAGE_SIZE)), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 0);
	cr_assert_eq(copy_to_user(user, v + PAGE_SIZE, launder_n(2 * PAGE_SIZE + 1)),
		     2 * PAGE_SIZE + 1);
	cr_assert(ukmem_dmesg_contains("usercopy: Kernel memory exposure attempt detected from "
				       "vmalloc (offset 4096, size 8193)!"));
	vfree(v);
	cr_assert_eq(copy_from_user(v, user, launder_n(8)), 8);
	cr_assert(ukmem_dmesg_contains("overwrite attempt detected to vmalloc 'no area' (offset 0, "
				       "size 8)!"));
	cr_assert_eq(copy_to_user(user, pa, launder_n(2 * PAGE_SIZE)), 0);
	cr_assert_eq(copy_to_user(user, pa + PAGE_SIZE, launder_n(PAGE_SIZE + 1)), PAGE_SIZE + 1);
	cr_assert(ukmem_dmesg_contains("exposure attempt detected from page alloc (offset 4096, "
				       "size 4097)!"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 3);
	__free_pages(pg, 1);
	free(user);
}

/* copies from vmalloc areas while other threads make and free areas */
static void *vmalloc_copier(void *arg)
{
	char user[256];

	for (int i = 0; i < 300; i++) {
		char *v = vmalloc(PAGE_SIZE * (1 + (i + (long)arg) % 4));

		if (!v)
			return (void *)1;
		memset(v, (int)i, 256);
		if (copy_to_user(user, v, 256) || user[255] != (char)i)
			return (void *)2;
		vfree(v);
	}
	return NULL;
}

Test(hardening, usercopy_vmalloc_threads)
{
	boot_with("mem=64M nr_cpus=4");
	pthread_t th[4];
	void *ret;

	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, vmalloc_copier, (void *)i);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		cr_assert_null(ret, "thread %d: %ld", i, (long)ret);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 0);
}

/* ------------------------------------------------------------ SLAB_FREELIST_HARDENED */

Test(hardening, free_pointer_is_encoded_per_cache)
{
	boot_with("mem=32M");
	struct kmem_cache *a = kmem_cache_create("t_fa", 64, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *b = kmem_cache_create("t_fb", 64, 0, SLAB_NO_MERGE, NULL);
	unsigned long *x = kmem_cache_alloc(a, GFP_KERNEL), *y = kmem_cache_alloc(a, GFP_KERNEL);
	unsigned long word;

	cr_assert_neq(a->random, b->random, "a secret of its own per cache");
	kmem_cache_free(a, y);
	kmem_cache_free(a, x);
	kmem_cache_shrink(a); /* both back on their slab's freelist: x -> y */
	word = *(unsigned long *)freeptr_addr(a, x);
	cr_assert_neq(word, (unsigned long)y, "not stored in the clear");
	cr_assert_neq(word ^ a->random, (unsigned long)y ^ (unsigned long)freeptr_addr(a, x),
		      "the address enters swab'ed");
	cr_assert_eq(get_freepointer(a, x), y);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

static char target[256];

/* an attacker's plain pointer written over a free object: detected, never followed */
Test(hardening, forged_free_pointer_never_followed)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_forge", 64, 0, SLAB_NO_MERGE, NULL);
	void *objs[128];
	int i;

	for (i = 0; i < 128; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < 128; i++)
		if (i % 64)
			kmem_cache_free(c, objs[i]);
	kmem_cache_shrink(c);
	/* a use after free writes the address it wants handed out */
	*(void **)freeptr_addr(c, objs[5]) = target;
	*(void **)freeptr_addr(c, objs[70]) = (char *)objs[0] + 8;
	for (i = 0; i < 128; i++)
		if (i % 64) {
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
			cr_assert(objs[i]);
			cr_assert_neq(objs[i], (void *)target);
			cr_assert_neq(objs[i], (char *)objs[0] + 8);
			cr_assert(virt_addr_valid(objs[i]));
		}
	cr_assert(ukmem_dmesg_contains("BUG t_forge (Not tainted): Freepointer corrupt"));
	/* the CPU-array path cuts the chain; the full path (under Valgrind) marks the slab used */
	cr_assert(ukmem_dmesg_contains("FIX t_forge: Isolate corrupted freechain") ||
		  ukmem_dmesg_contains("FIX t_forge: Marking all objects used"));
	for (i = 0; i < 128; i++)
		for (int j = i + 1; j < 128; j++)
			cr_assert_neq(objs[i], objs[j], "never handed out twice");
	for (i = 0; i < 128; i++)
		kmem_cache_free(c, objs[i]);
}

/* ------------------------------------------------------------ SLAB_FREELIST_RANDOM */

static struct kmem_cache *rnd_cache;
static void *rnd_objs[64];

/* a fresh thread: its first allocations come straight from one new slab */
static void *rnd_alloc(void *arg)
{
	for (int i = 0; i < 64; i++)
		rnd_objs[i] = kmem_cache_alloc(rnd_cache, GFP_KERNEL);
	return arg;
}

static int rnd_run(const char *cmdline, long *up)
{
	pthread_t th;
	char *base;

	boot_with(cmdline);
	rnd_cache = kmem_cache_create("t_rnd", 64, 0, SLAB_NO_MERGE, NULL);
	cr_assert_eq(rnd_cache->objects, 64);
	pthread_create(&th, NULL, rnd_alloc, NULL);
	pthread_join(th, NULL);
	base = (char *)((unsigned long)rnd_objs[0] & PAGE_MASK);
	*up = 0;
	for (int i = 0; i < 64; i++) {
		cr_assert_eq((unsigned long)rnd_objs[i] & PAGE_MASK, (unsigned long)base,
			     "one slab");
		for (int j = i + 1; j < 64; j++)
			cr_assert_neq(rnd_objs[i], rnd_objs[j]);
		if (i)
			*up += rnd_objs[i] > rnd_objs[i - 1];
	}
	for (int i = 0; i < 64; i++)
		kmem_cache_free(rnd_cache, rnd_objs[i]);
	kmem_cache_destroy(rnd_cache);
	ukmem_shutdown();
	return 0;
}

Test(hardening, freelist_random_shuffles_new_slabs)
{
	long up_plain, up_rnd;

	rnd_run("mem=32M", &up_plain);
	cr_assert_eq(up_plain, 63, "in order without slab_freelist_random");
	rnd_run("mem=32M slab_freelist_random=1", &up_rnd);
	/* a random permutation of 64 has 63 ascents with probability 1/64! */
	cr_assert_lt(up_rnd, 63);
	cr_assert_gt(up_rnd, 0);
	boot_with("mem=32M");
}
