// SPDX-License-Identifier: MIT
/* test_slab_debug.c - slub_debug=: parameter parsing, every debug report in
 * the kernel's form, repair and survival afterwards. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
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

TestSuite(slab_debug, .fini = down);

/* hide the allocation size from the compiler: these overflows are the test */
static unsigned char *launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

Test(slab_debug, parameter_syntax)
{
	const char *good[] = { "slub_debug", "slub_debug=FZPU", "slab_debug=P",
			       "slub_debug=FZ,kmalloc-64", "slub_debug=-",
			       "slub_debug=FZ,kmalloc-64,kmalloc-1*;P,foo", "slub_debug=zpt" };
	const char *bad[] = { "slub_debug=X", "slub_debug=F,", "slab_debug=FZQ,foo" };

	for (unsigned int i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "mem=32M %s", good[i]);
		cr_assert_eq(ukmem_boot(cmd), 0, "%s", cmd);
		ukmem_shutdown();
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "mem=32M %s", bad[i]);
		cr_assert_eq(ukmem_boot(cmd), -EINVAL, "%s", cmd);
	}
	/* the next boot starts from the defaults again */
	boot_with("mem=32M");
	unsigned char *p = kmalloc(64, GFP_KERNEL);

	launder(p)[64] = 1;	/* no red zone without slub_debug: unnoticed */
	kfree(p);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab_debug, per_cache_selection)
{
	boot_with("mem=32M slub_debug=FZ,kmalloc-64");
	unsigned char *p = kmalloc(64, GFP_KERNEL), *q = kmalloc(128, GFP_KERNEL);

	launder(p)[64] = 0;
	launder(q)[128] = 0;	/* kmalloc-128 has no red zone: not detected */
	kfree(p);
	kfree(q);
	cr_assert_eq(ukmem_dmesg_count("BUG kmalloc-64 (Not tainted): Right Redzone overwritten"), 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
}

Test(slab_debug, global_poison_fills)
{
	boot_with("mem=32M slub_debug=P");
	unsigned char *p = kmalloc(64, GFP_KERNEL);

	/* a poisoned object reads 0x6b ... 0xa5 until written */
	for (int i = 0; i < 63; i++)
		cr_assert_eq(p[i], 0x6b);
	cr_assert_eq(p[63], 0xa5);
	kfree(p);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab_debug, right_and_left_redzone)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_rz", 40, 0, SLAB_RED_ZONE, NULL);
	unsigned char *keep = kmem_cache_alloc(c, GFP_KERNEL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);

	memset(keep, 0x17, 40);
	cr_assert_eq(p[40], 0xcc);	/* active red zone */
	cr_assert_eq(p[-1], 0xcc);
	p[41] = 0x00;
	kmem_cache_free(c, p);
	cr_assert(ukmem_dmesg_contains("BUG t_rz (Not tainted): Right Redzone overwritten"));
	cr_assert(ukmem_dmesg_contains("First byte 0x0 instead of 0xcc"));
	cr_assert(ukmem_dmesg_contains("FIX t_rz: Restoring Right Redzone"));
	cr_assert(ukmem_dmesg_contains("Redzone  "));
	cr_assert(ukmem_dmesg_contains("Object   "));
	cr_assert(ukmem_dmesg_contains("FIX t_rz: Object at 0x"));
	p = kmem_cache_alloc(c, GFP_KERNEL);
	p[-3] = 0x41;
	kmem_cache_free(c, p);
	cr_assert(ukmem_dmesg_contains("Left Redzone overwritten"));
	/* the taint shows in later reports */
	cr_assert(ukmem_dmesg_contains("BUG t_rz (Tainted: G    B"));
	/* the cache goes on, the other object is intact */
	for (int i = 0; i < 40; i++)
		cr_assert_eq(keep[i], 0x17);
	unsigned long before = ukmem_report_count(UKMEM_REPORT_SLAB);

	p = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, p);
	kmem_cache_free(c, keep);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), before);
	kmem_cache_destroy(c);
}

Test(slab_debug, kmalloc_redzone_between_request_and_class)
{
	/* the kmalloc red zone needs the requested size: U keeps it (6.12) */
	boot_with("mem=32M slub_debug=ZU,kmalloc-64");
	unsigned char *p = kmalloc(50, GFP_KERNEL), *q;

	memset(p, 1, 50);	/* the request: fine */
	launder(p)[55] = 2;		/* inside kmalloc-64 but past 50 */
	kfree(p);
	cr_assert(ukmem_dmesg_contains("BUG kmalloc-64 (Not tainted): kmalloc Redzone overwritten"));
	/* ksize() hands the whole class over: no report */
	q = kmalloc(50, GFP_KERNEL);
	cr_assert_eq(ksize(q), 64);
	memset(launder(q), 3, ksize(q));
	kfree(q);
	/* krealloc within the class re-arms the red zone for the new size */
	q = kmalloc(60, GFP_KERNEL);
	q = krealloc(q, 30, GFP_KERNEL);
	launder(q)[40] = 9;
	kfree(q);
	cr_assert_eq(ukmem_dmesg_count("kmalloc Redzone overwritten"), 2);
}

Test(slab_debug, poison_overwritten_write_after_free)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_poison", 128, 0, SLAB_POISON, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL), *q;

	kmem_cache_free(c, p);
	p[10] = 0x00;	/* use after free */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert(ukmem_dmesg_contains("BUG t_poison (Not tainted): Poison overwritten"));
	cr_assert(ukmem_dmesg_contains("First byte 0x0 instead of 0x6b"));
	cr_assert(ukmem_dmesg_contains("FIX t_poison: Restoring Poison"));
	cr_assert(q && q != p);	/* the damaged slab is set aside */
	kmem_cache_free(c, q);
	kmem_cache_destroy(c);
}

Test(slab_debug, freepointer_corrupt)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_fp", 64, 0, SLAB_CONSISTENCY_CHECKS, NULL);
	unsigned long *a = kmem_cache_alloc(c, GFP_KERNEL), *b = kmem_cache_alloc(c, GFP_KERNEL);
	void *x, *y;

	kmem_cache_free(c, a);
	a[4] = 0xdeadbeef;	/* the free pointer (middle of the object) */
	x = kmem_cache_alloc(c, GFP_KERNEL);
	y = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert(ukmem_dmesg_contains("BUG t_fp (Not tainted): Freepointer corrupt"));
	/* 6.12 alloc_consistency_checks(): the slab is taken out of use */
	cr_assert(ukmem_dmesg_contains("FIX t_fp: Marking all objects used"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
	cr_assert(x && y && x != y && y != b);
	cr_assert(virt_addr_valid(y));
	kmem_cache_free(c, b);
	kmem_cache_free(c, y);
}

Test(slab_debug, freepointer_corrupt_without_debugging)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_fp2", 64, 0, SLAB_NO_MERGE, NULL);
	unsigned long *objs[300];
	int i;

	for (i = 0; i < 300; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	/*
	 * Free all but every 50th (so no slab of 64 becomes empty), then shrink:
	 * CPU arrays and the barn give every free object back to its slab's
	 * freelist, where the free pointers are followed.
	 */
	for (i = 0; i < 300; i++)
		if (i % 50)
			kmem_cache_free(c, objs[i]);
	kmem_cache_shrink(c);
	for (i = 0; i < 300; i++)
		if (i % 50)
			objs[i][4] = 0x1234;	/* use after free on every freed object */
	for (i = 0; i < 300; i++)
		if (i % 50)
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert(ukmem_dmesg_contains("BUG t_fp2 (Not tainted): Freepointer corrupt"));
	for (i = 0; i < 300; i++) {
		cr_assert(objs[i]);
		cr_assert(virt_addr_valid(objs[i]));
		for (int j = i + 1; j < 300; j++)
			cr_assert_neq(objs[i], objs[j]);
	}
}

Test(slab_debug, double_free_and_invalid_free)
{
	boot_with("mem=32M slub_debug=F");
	unsigned char *p = kmalloc(32, GFP_KERNEL), *q = kmalloc(32, GFP_KERNEL);

	kfree(p);
	kfree(q);
	kfree(p);
	cr_assert(ukmem_dmesg_contains("BUG kmalloc-32 (Not tainted): Object already free"));
	cr_assert(ukmem_dmesg_contains("FIX kmalloc-32: Object at 0x"));
	p = kmalloc(32, GFP_KERNEL);
	q = kmalloc(32, GFP_KERNEL);
	cr_assert_neq(p, q);
	kfree(p + 4);
	cr_assert(ukmem_dmesg_contains("Invalid object pointer"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	kfree(p);
	kfree(q);
}

Test(slab_debug, padding_overwritten)
{
	boot_with("mem=32M nr_cpus=4");
	struct kmem_cache *c = kmem_cache_create("t_pad", 1000, 0,
						 SLAB_CONSISTENCY_CHECKS | SLAB_POISON, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);
	struct page *slab = compound_head(virt_to_page(p));
	unsigned char *end = (unsigned char *)page_address(slab) +
			     (PAGE_SIZE << compound_order(slab));

	cr_assert_eq(end[-1], 0x5a);
	end[-1] = 0;
	kmem_cache_free(c, p);
	cr_assert(ukmem_dmesg_contains("BUG t_pad (Not tainted): Padding overwritten."));
	cr_assert(ukmem_dmesg_contains("FIX t_pad: Restoring slab padding 0x"));
	cr_assert_eq(end[-1], 0x5a);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
}

Test(slab_debug, user_tracking_lines)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_user", 48, 0,
						 SLAB_STORE_USER | SLAB_RED_ZONE, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);

	kmem_cache_free(c, p);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	p[48] = 1;
	kmem_cache_free(c, p);
	cr_assert(ukmem_dmesg_contains("Allocated in "));
	cr_assert(ukmem_dmesg_contains("Freed in "));
	cr_assert(ukmem_dmesg_contains(" age="));
	cr_assert(ukmem_dmesg_contains(" cpu="));
	cr_assert(ukmem_dmesg_contains(" pid="));
	kmem_cache_destroy(c);
}

Test(slab_debug, destroy_lists_objects_with_owners)
{
	boot_with("mem=32M slub_debug=U,t_own");
	struct kmem_cache *c = kmem_cache_create("t_own", 48, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);

	kmem_cache_destroy(c);
	cr_assert(ukmem_dmesg_contains("Objects remaining in t_own on __kmem_cache_shutdown()"));
	cr_assert(ukmem_dmesg_contains("Allocated in "));
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
}

Test(slab_debug, trace_prints_each_operation)
{
	boot_with("mem=32M slub_debug=T,t_trace");
	struct kmem_cache *c = kmem_cache_create("t_trace", 48, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);

	kmem_cache_free(c, p);
	cr_assert(ukmem_dmesg_contains("TRACE t_trace alloc 0x"));
	cr_assert(ukmem_dmesg_contains("TRACE t_trace free 0x"));
	cr_assert_eq(ukmem_report_total(), 0);
	kmem_cache_destroy(c);
}

Test(slab_debug, full_debug_everything_survives)
{
	boot_with("mem=64M slub_debug");
	void *p[500];
	int i;

	for (i = 0; i < 500; i++) {
		p[i] = kmalloc((size_t)(i * 37 % 3000 + 1), GFP_KERNEL);
		memset(p[i], i & 0xff, (size_t)(i * 37 % 3000 + 1));
	}
	for (i = 0; i < 500; i++)
		kfree(p[i]);
	cr_assert_eq(ukmem_report_total(), 0);
}
