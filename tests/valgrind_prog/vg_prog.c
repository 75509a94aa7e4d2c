// SPDX-License-Identifier: MIT
/*
 * vg_prog.c - a small program test_valgrind runs under Memcheck: one bad
 * thing per mode, so the report Memcheck gives can be asserted.
 *   clean  allocate and free slab objects, pages and vmalloc memory rightly
 *   leak   drop the only pointer to a kmalloc object
 *   uaf    read a kmalloc object after kfree
 *   slack  read past kmalloc(13), inside its 16-byte class
 *   page   write a page after __free_pages
 */
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <stdio.h>
#include <string.h>

static volatile unsigned char sink;
static void *volatile keep;

/* noinline: no copy of the pointer survives in main's registers */
static noinline void leak_one(void)
{
	char *p = kmalloc(24, GFP_KERNEL);

	memset(p, 1, 24);
	keep = NULL;
}

static unsigned char *launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "clean";
	struct kmem_cache *c;
	struct page *pg;
	unsigned char *p;

	if (ukmem_boot("mem=32M nr_cpus=2"))
		return 2;
	if (!strcmp(mode, "clean")) {
		c = kmem_cache_create("vg_cache", 100, 0, 0, NULL);
		p = kmem_cache_alloc(c, GFP_KERNEL);
		memset(p, 1, 100);
		kmem_cache_free(c, p);
		kmem_cache_destroy(c);
		p = kzalloc(13, GFP_KERNEL);
		sink = p[12];
		memset(p, 2, ksize(p));
		kfree(p);
		pg = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
		sink = ((unsigned char *)page_address(pg))[5000];
		__free_pages(pg, 1);
		p = vzalloc(3 * PAGE_SIZE);
		sink = p[3 * PAGE_SIZE - 1];
		vfree(p);
	} else if (!strcmp(mode, "leak")) {
		leak_one();
	} else if (!strcmp(mode, "uaf")) {
		p = launder(kmalloc(64, GFP_KERNEL));
		kfree(p);
		sink = p[3];
	} else if (!strcmp(mode, "slack")) {
		p = launder(kmalloc(13, GFP_KERNEL));
		sink = p[14];
		kfree(p);
	} else if (!strcmp(mode, "page")) {
		pg = alloc_pages(GFP_KERNEL, 0);
		p = launder(page_address(pg));
		__free_pages(pg, 0);
		p[10] = 1;
	}
	ukmem_shutdown();
	return 0;
}
