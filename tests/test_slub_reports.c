// SPDX-License-Identifier: MIT
/*
 * test_slub_reports.c - the text and order of SLUB's debug reports as Linux
 * 6.12 mm/slub.c prints them, and, in the spirit of lib/slub_kunit.c, the
 * exact number of reports each corruption produces (one, never more), plus
 * the object layout slub_debug gives the kmalloc caches (/proc/slabinfo).
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <stdio.h>
#include <stdlib.h>
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

TestSuite(slub_reports, .fini = down);

/* hide the object size from the compiler: these overflows are the test */
static unsigned char *launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* the whole log, for order checks (caller frees) */
static char *log_text(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	ukmem_dmesg(f);
	fclose(f);
	return buf;
}

/* offset of the first @needle at or after @from in @log; cr_assert it is there */
static size_t at(const char *log, size_t from, const char *needle)
{
	const char *p = strstr(log + from, needle);

	cr_assert(p, "\"%s\" not found after offset %zu in:\n%s", needle, from, log);
	return (size_t)(p - log);
}

static unsigned long count_in(const char *log, const char *needle)
{
	unsigned long n = 0;

	for (const char *p = strstr(log, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* page->flags as 6.12 holds them: ukmem's page-type bits live in page_type there */
static unsigned long flags_612(const struct page *page)
{
	unsigned long types = 0;

	for (int bit = PG_buddy; bit < __NR_PAGEFLAGS; bit++)
		types |= 1UL << bit;
	return page->flags & ~types;
}

Test(slub_reports, redzone_report_order_bug_first_byte_fix_then_one_trailer)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_order", 64, 0, SLAB_RED_ZONE, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);
	char want[160];
	char *log;
	size_t o;

	launder(p)[-1] = 0x11; /* left red zone */
	launder(p)[64] = 0x22; /* right red zone */
	kmem_cache_free(c, p);
	log = log_text();
	o = at(log, 0, "BUG t_order (Not tainted): Left Redzone overwritten");
	o = at(log, o, "First byte 0x11 instead of 0xcc");
	o = at(log, o, "FIX t_order: Restoring Left Redzone 0x");
	o = at(log, o, "BUG t_order (");
	o = at(log, o, "): Right Redzone overwritten");
	snprintf(want, sizeof(want), "0x%016lx-0x%016lx @offset=", (unsigned long)(p + 64),
		 (unsigned long)(p + 64));
	o = at(log, o, want);
	o = at(log, o, "First byte 0x22 instead of 0xcc");
	o = at(log, o, "FIX t_order: Restoring Right Redzone 0x");
	/* then the trailer, once: Slab line, Object line, dumps, the stack */
	o = at(log, o, "Slab 0x");
	snprintf(want, sizeof(want), "Object 0x%016lx @offset=", (unsigned long)p);
	o = at(log, o, want);
	o = at(log, o, "Redzone  ");
	o = at(log, o, "Object   ");
	o = at(log, o, "Call Trace:");
	snprintf(want, sizeof(want), "FIX t_order: Object at 0x%016lx not freed", (unsigned long)p);
	at(log, o, want);
	cr_assert_eq(count_in(log, "Slab 0x"), 1);
	cr_assert_eq(count_in(log, "Call Trace:"), 1);
	cr_assert_eq(count_in(log, "BUG t_order"), 2);
	/* one report per corruption, no extra */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	cr_assert_eq(ukmem_report_total(), 2);
	free(log);
	/* both red zones were restored: the object is not freed (as 6.12), nothing more reported */
	cr_assert_eq(p[-1], 0xcc);
	cr_assert_eq(p[64], 0xcc);
}

Test(slub_reports, poison_and_padding_one_trailer_per_object)
{
	boot_with("mem=32M");
	/* 60 bytes: the free pointer after the object, then padding (P checks it) */
	struct kmem_cache *c = kmem_cache_create("t_pp", 60, 0, SLAB_POISON, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL), *q;
	char *log;

	kmem_cache_free(c, p);
	launder(p)[3] = 0;  /* use after free: Poison */
	launder(p)[59] = 0; /* End Poison */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	log = log_text();
	cr_assert_eq(count_in(log, "BUG t_pp"), 2);
	cr_assert_eq(count_in(log, "): Poison overwritten"), 1);
	cr_assert_eq(count_in(log, "): End Poison overwritten"), 1);
	cr_assert_eq(count_in(log, "FIX t_pp: Restoring Poison 0x"), 1);
	cr_assert_eq(count_in(log, "FIX t_pp: Restoring End Poison 0x"), 1);
	cr_assert_eq(count_in(log, "Call Trace:"), 1);
	cr_assert_eq(count_in(log, "FIX t_pp: Marking all objects used"), 1);
	at(log, at(log, 0, "Call Trace:"), "FIX t_pp: Marking all objects used");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	free(log);
	cr_assert(q && q != p);
}

Test(slub_reports, slab_line_names_page_flags)
{
	boot_with("mem=32M");
	/* 1000-byte objects: a compound slab ("head") */
	struct kmem_cache *c = kmem_cache_create("t_flags", 1000, 0, SLAB_RED_ZONE, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);
	struct page *slab = compound_head(virt_to_page(p));
	char want[200];

	cr_assert(compound_order(slab) > 0);
	launder(p)[1000] = 0;
	kmem_cache_free(c, p);
	snprintf(want, sizeof(want),
		 "Slab 0x%016lx objects=%u used=%u fp=0x%016lx flags=0x%lx(head|node=0|zone=%d)",
		 (unsigned long)slab, slab->objects, slab->inuse, (unsigned long)slab->freelist,
		 flags_612(slab), (int)page_zonenum(slab));
	cr_assert(ukmem_dmesg_contains(want), "%s", want);
	/* %pGp itself: no names, only the fields */
	unsigned long f = 1UL << 62;
	char buf[64];

	scnprintf(buf, sizeof(buf), "%pGp", &f);
	cr_assert_str_eq(buf, "0x4000000000000000(node=0|zone=1)");
	f |= (1UL << PG_locked) | (1UL << PG_head) | (1UL << PG_writeback);
	scnprintf(buf, sizeof(buf), "%pGp", &f);
	cr_assert_str_eq(buf, "0x4000000000008021(locked|writeback|head|node=0|zone=1)");
}

Test(slub_reports, padding_overwritten_text_and_dump_prefix)
{
	boot_with("mem=32M nr_cpus=4");
	struct kmem_cache *c =
	    kmem_cache_create("t_pad", 1000, 0, SLAB_CONSISTENCY_CHECKS | SLAB_POISON, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);
	struct page *slab = compound_head(virt_to_page(p));
	unsigned long bytes = PAGE_SIZE << compound_order(slab);
	unsigned char *start = page_address(slab), *end = start + bytes;
	unsigned long remainder = bytes % c->size;
	char want[200];
	char *log;
	size_t o;

	cr_assert(remainder >= 2);
	end[-2] = 0x00;
	kmem_cache_free(c, p);
	log = log_text();
	snprintf(want, sizeof(want),
		 "BUG t_pad (Not tainted): Padding overwritten. 0x%016lx-0x%016lx @offset=%lu",
		 (unsigned long)(end - 2), (unsigned long)(end - 2), bytes - 2);
	o = at(log, 0, want);
	o = at(log, o, "Slab 0x");
	o = at(log, o, "Call Trace:");
	/* the kernel's slab_pad_check prefix is "Padding " (8 characters) */
	snprintf(want, sizeof(want), "Padding %016lx: 5a", (unsigned long)(end - remainder));
	o = at(log, o, want);
	snprintf(want, sizeof(want), "FIX t_pad: Restoring slab padding 0x%016lx-0x%016lx=0x5a",
		 (unsigned long)(end - 2), (unsigned long)(end - 2));
	at(log, o, want);
	cr_assert_eq(count_in(log, "BUG t_pad"), 1);
	cr_assert_eq(end[-2], 0x5a);
	free(log);
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
	cr_assert_eq(ukmem_report_total(), 1);
}

Test(slub_reports, freechain_corrupt_wrong_object_count)
{
	boot_with("mem=32M");
	struct kmem_cache *c = kmem_cache_create("t_chain", 64, 0, SLAB_CONSISTENCY_CHECKS, NULL);
	unsigned long *a = kmem_cache_alloc(c, GFP_KERNEL);
	unsigned long *b = kmem_cache_alloc(c, GFP_KERNEL);
	unsigned long *d = kmem_cache_alloc(c, GFP_KERNEL);
	struct page *slab = compound_head(virt_to_page(a));
	unsigned int objects = slab->objects;
	char want[160];
	char *log;
	size_t o;
	void *x[4];

	cr_assert_eq(compound_head(virt_to_page(d)), slab);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b); /* freelist: b -> a -> never used ones */
	b[4] = 0xdeadbeef;     /* b's free pointer (middle of the object) */
	kmem_cache_free(c, d); /* on_freelist(d) walks into it */
	log = log_text();
	o = at(log, 0, "BUG t_chain (Not tainted): Freechain corrupt");
	snprintf(want, sizeof(want), "Object 0x%016lx @offset=", (unsigned long)b);
	o = at(log, o, want);
	o = at(log, o, "Call Trace:");
	/* b's link was cut: one free object counted instead of objects - 1 */
	snprintf(want, sizeof(want), "): Wrong object count. Counter is 1 but counted were %u",
		 objects - 1);
	o = at(log, o, want);
	o = at(log, o, "Slab 0x");
	o = at(log, o, "Call Trace:");
	at(log, o, "FIX t_chain: Object count adjusted");
	cr_assert_eq(count_in(log, "BUG t_chain"), 2);
	cr_assert_eq(count_in(log, "FIX t_chain"), 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
	free(log);
	/* d was freed after all; what is handed out next is valid and distinct */
	for (int i = 0; i < 4; i++) {
		x[i] = kmem_cache_alloc(c, GFP_KERNEL);
		cr_assert(x[i] && virt_addr_valid(x[i]));
		for (int j = 0; j < i; j++)
			cr_assert_neq(x[i], x[j]);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 2);
}

Test(slub_reports, invalid_object_pointer_not_freed)
{
	boot_with("mem=32M slub_debug=F");
	unsigned char *p = kmalloc(32, GFP_KERNEL);
	char want[160];
	char *log;
	size_t o;

	kfree(p + 4);
	log = log_text();
	snprintf(want, sizeof(want),
		 "BUG kmalloc-32 (Not tainted): Invalid object pointer 0x%016lx",
		 (unsigned long)(p + 4));
	o = at(log, 0, want);
	o = at(log, o, "Slab 0x");
	o = at(log, o, "Call Trace:");
	snprintf(want, sizeof(want), "FIX kmalloc-32: Object at 0x%016lx not freed",
		 (unsigned long)(p + 4));
	at(log, o, want);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
	cr_assert_eq(ukmem_report_total(), 1);
	free(log);
	kfree(p);
	cr_assert_eq(ukmem_report_total(), 1);
}

Test(slub_reports, objects_remaining_bug_slab_stack_objects)
{
	boot_with("mem=32M slub_debug=U,t_rem");
	struct kmem_cache *c = kmem_cache_create("t_rem", 200, 0, 0, NULL);
	void *p[64];
	unsigned int n = 0, per_slab;
	char want[160];
	char *log;
	size_t o;

	p[n++] = kmem_cache_alloc(c, GFP_KERNEL);
	per_slab = compound_head(virt_to_page(p[0]))->objects;
	cr_assert(per_slab < 63);
	/* fill the first slab and put one object in a second */
	while (n < per_slab + 1)
		p[n++] = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_neq(compound_head(virt_to_page(p[0])), compound_head(virt_to_page(p[n - 1])));
	kmem_cache_destroy(c);
	log = log_text();
	/* one report per slab that still has objects, each: BUG, Slab, stack, objects */
	cr_assert_eq(count_in(log, "BUG t_rem (Not tainted): Objects remaining in t_rem on "
				   "__kmem_cache_shutdown()"),
		     1);
	cr_assert_eq(count_in(log, "): Objects remaining in t_rem on __kmem_cache_shutdown()"), 2);
	o = at(log, 0, "Objects remaining in t_rem");
	o = at(log, o, "Slab 0x");
	o = at(log, o, "Call Trace:");
	o = at(log, o, "Object 0x");
	at(log, o, "Allocated in ");
	for (unsigned int i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "Object 0x%016lx @offset=", (unsigned long)p[i]);
		cr_assert_eq(count_in(log, want), 1, "%s", want);
	}
	cr_assert_eq(count_in(log, "Allocated in "), n);
	/* the slab reports taint B: the kmem_cache_destroy warning that follows says so */
	o = at(log, 0, "Slab cache still has objects");
	at(log, o, "Tainted: ");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 3); /* 2 slabs + the WARN */
	free(log);
	for (unsigned int i = 0; i < n; i++)
		kmem_cache_free(c, p[i]);
	kmem_cache_destroy(c);
}

/* one /proc/slabinfo line's objsize objperslab pagesperslab */
static void slabinfo_numbers(const char *name, unsigned int *objsize, unsigned int *per,
			     unsigned int *pages)
{
	char *buf = NULL, *line;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char want[32];

	cr_assert(f);
	ukmem_proc_show("slabinfo", f);
	fclose(f);
	snprintf(want, sizeof(want), "\n%s ", name);
	line = strstr(buf, want);
	cr_assert(line, "%s not in slabinfo", name);
	cr_assert_eq(sscanf(line + strlen(want), "%*u %*u %u %u %u", objsize, per, pages), 3);
	free(buf);
}

/*
 * The numbers below are 6.12 calculate_sizes() worked by hand for x86_64
 * with 4 CPUs (min_objects 16): struct track is 32 bytes (addr, stack
 * depot handle, cpu, pid, when), orig_size 4 bytes with U on kmalloc caches,
 * one word of padding and a left red zone of ALIGN(8, align) with Z, and
 * kmalloc alignment is the largest power of two dividing the size.
 */
Test(slub_reports, slabinfo_under_fzpu_matches_kernel_layout)
{
	static const struct {
		const char *name;
		unsigned int objsize, per, pages;
	} want[] = {
	    {"kmalloc-8", 112, 36, 1},	 {"kmalloc-64", 256, 16, 1},  {"kmalloc-96", 224, 18, 1},
	    {"kmalloc-192", 384, 21, 2}, {"kmalloc-1k", 3072, 10, 8},
	};

	boot_with("mem=64M nr_cpus=4 slub_debug=FZPU");
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		unsigned int objsize, per, pages;

		slabinfo_numbers(want[i].name, &objsize, &per, &pages);
		cr_expect_eq(objsize, want[i].objsize, "%s objsize %u", want[i].name, objsize);
		cr_expect_eq(per, want[i].per, "%s objperslab %u", want[i].name, per);
		cr_expect_eq(pages, want[i].pages, "%s pagesperslab %u", want[i].name, pages);
	}
}

Test(slub_reports, kmalloc_96_192_aligned_under_redzone)
{
	boot_with("mem=32M slub_debug=Z");
	for (int i = 0; i < 40; i++) {
		void *a = kmalloc(96, GFP_KERNEL), *b = kmalloc(192, GFP_KERNEL);

		cr_assert_eq((unsigned long)a % 32, 0, "kmalloc-96 object %p", a);
		cr_assert_eq((unsigned long)b % 64, 0, "kmalloc-192 object %p", b);
	}
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slub_reports, kmalloc_redzone_goes_with_store_user)
{
	unsigned char *p;

	/* Z alone: no orig_size is kept, so the class slack is not a red zone */
	boot_with("mem=32M slub_debug=Z,kmalloc-64");
	p = kmalloc(50, GFP_KERNEL);
	launder(p)[55] = 2;
	kfree(p);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();

	/* Z with U: the kernel's kmalloc Redzone, one report */
	boot_with("mem=32M slub_debug=ZU,kmalloc-64");
	p = kmalloc(50, GFP_KERNEL);
	launder(p)[55] = 2;
	kfree(p);
	cr_assert_eq(ukmem_dmesg_count("BUG kmalloc-64 (Not tainted): kmalloc Redzone overwritten"),
		     1);
	cr_assert(ukmem_dmesg_contains("First byte 0x2 instead of 0xcc"));
	cr_assert(ukmem_dmesg_contains("FIX kmalloc-64: Restoring kmalloc Redzone 0x"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
}

Test(slub_reports, tracking_record_prints_depot_stack)
{
	boot_with("mem=32M");
	struct kmem_cache *c =
	    kmem_cache_create("t_trk", 48, 0, SLAB_STORE_USER | SLAB_RED_ZONE, NULL);
	unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);
	char *log;
	size_t o;

	kmem_cache_free(c, p);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	launder(p)[48] = 1;
	kmem_cache_free(c, p);
	log = log_text();
	o = at(log, 0, "Allocated in ");
	o = at(log, o, " age=");
	o = at(log, o, "]  "); /* the stack depot's entries: " %pS" lines */
	o = at(log, o, "Freed in ");
	cr_assert_eq(count_in(log, "object allocation/free stack trace missing"), 0);
	free(log);
}

Test(slub_reports, krealloc_with_store_user_only_keeps_the_data)
{
	/* U alone keeps requested sizes; krealloc copies by them, so they must follow */
	boot_with("mem=32M slub_debug=U,kmalloc-64");
	unsigned char *p = kmalloc(40, GFP_KERNEL), *q;

	memset(p, 0x31, 40);
	q = krealloc(p, 60, GFP_KERNEL); /* same object: fits kmalloc-64 */
	cr_assert_eq(q, p);
	memset(launder(q) + 40, 0x32, 20);
	p = krealloc(p, 100, GFP_KERNEL); /* moves to kmalloc-128 */
	cr_assert(p);
	for (int i = 0; i < 60; i++)
		cr_assert_eq(p[i], i < 40 ? 0x31 : 0x32, "byte %d", i);
	kfree(p);
	cr_assert_eq(ukmem_report_total(), 0);
}
