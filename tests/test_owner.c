// SPDX-License-Identifier: MIT
/* test_owner.c - owner tracking: page_owner=on and its page_owner file,
 * kmem_dump_obj()/mem_dump_obj() on every kind of address. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/vmalloc.h>
#include <linux/printk.h>
#include <errno.h>
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

TestSuite(owner, .fini = down);

static char *proc_text(const char *name, int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*err = ukmem_proc_show(name, f);
	fclose(f);
	return buf;
}

static bool logged(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool logged(const char *fmt, ...)
{
	char needle[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	return ukmem_dmesg_contains(needle);
}

Test(owner, page_owner_file)
{
	struct page *p;
	char *text, want[160];
	int err;

	boot_with("mem=64M nr_cpus=1 page_owner=on");
	cr_assert(ukmem_dmesg_contains("page_owner is enabled"));
	p = alloc_pages(GFP_KERNEL | __GFP_RECLAIMABLE, 2);
	cr_assert_not_null(p);
	text = proc_text("page_owner", &err);
	cr_assert_eq(err, 0);
	snprintf(want, sizeof(want),
		 "Page allocated via order 2, mask 0xcd0(GFP_KERNEL|__GFP_RECLAIMABLE), pid ");
	cr_assert(strstr(text, want), "%s", text);
	snprintf(want, sizeof(want), "PFN 0x%lx type Reclaimable Block %lu type Reclaimable Flags",
		 page_to_pfn(p), page_to_pfn(p) >> 9);
	cr_assert(strstr(text, want), "%s", text);
#ifndef UKMEM_TSAN_SHIM_CRITERION_H /* no host backtraces in the TSan build */
	cr_assert(strstr(text, "owner_page_owner_file_"), "the allocation stack: %s", text);
#endif
	free(text);

	/* freed: its record leaves the file */
	__free_pages(p, 2);
	text = proc_text("page_owner", &err);
	snprintf(want, sizeof(want), "PFN 0x%lx type", page_to_pfn(p));
	cr_assert_null(strstr(text, want));
	free(text);
}

Test(owner, page_owner_off_and_bad_parameter)
{
	char *text;
	int err;

	boot_with("mem=32M nr_cpus=1");
	text = proc_text("page_owner", &err);
	cr_assert_eq(err, -EINVAL, "no file without page_owner=on");
	free(text);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=32M page_owner=yes"), -EINVAL);
	cr_assert(ukmem_dmesg_contains("`yes' invalid for parameter `page_owner'"));
	cr_assert_eq(ukmem_boot("mem=32M page_owner"), -EINVAL);
	boot_with("mem=32M page_owner=off");
	text = proc_text("page_owner", &err);
	cr_assert_eq(err, -EINVAL);
	free(text);
}

Test(owner, kmem_dump_obj_slab_with_stacks)
{
	char *p;

	boot_with("mem=64M nr_cpus=1 slub_debug=U,kmalloc-64");
	p = kmalloc(64, GFP_KERNEL);
	pr_info("object");
	cr_assert(kmem_dump_obj(p + 10));
	cr_assert(
	    logged("object slab kmalloc-64 start %016lx pointer offset 10 size 64 allocated at "
		   "owner_kmem_dump_obj_slab_with_stacks_",
		   (unsigned long)p));
#ifndef UKMEM_TSAN_SHIM_CRITERION_H
	cr_assert(logged("    __do_kmalloc"));
#endif
	cr_assert_not(ukmem_dmesg_contains("Free path:"));
	kfree(p);
	ukmem_dmesg_clear();
	pr_info("freed");
	cr_assert(kmem_dump_obj(p));
	cr_assert(logged("freed slab kmalloc-64 start %016lx pointer offset 0 size 64",
			 (unsigned long)p));
#ifndef UKMEM_TSAN_SHIM_CRITERION_H
	cr_assert(ukmem_dmesg_contains(" Free path:"));
#endif
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(owner, mem_dump_obj_each_kind)
{
	struct page *pg;
	char *v, *k, local;
	void *host = malloc(8);

	boot_with("mem=64M nr_cpus=1 page_owner=on");
	k = kmalloc(100, GFP_KERNEL);
	pr_info("k is");
	mem_dump_obj(k);
	cr_assert(logged("k is slab kmalloc-128 start %016lx pointer offset 0 size 128\n",
			 (unsigned long)k));

	v = vmalloc(3 * PAGE_SIZE);
	pr_info("v is");
	mem_dump_obj(v + PAGE_SIZE + 5);
	cr_assert(logged("v is 3-page vmalloc region starting at 0x%lx allocated at "
			 "owner_mem_dump_obj_each_kind_",
			 (unsigned long)v));
	vfree(v);
	pr_info("gone is");
	mem_dump_obj(v);
	cr_assert(ukmem_dmesg_contains("gone is vmalloc memory"));

	pg = alloc_pages(GFP_KERNEL, 1);
	pr_info("page is");
	mem_dump_obj((char *)page_address(pg) + PAGE_SIZE + 3);
	cr_assert(ukmem_dmesg_contains("page is non-slab/vmalloc memory"));
	cr_assert(logged("Page allocated via order 1, mask 0xcc0(GFP_KERNEL), pid "));
	cr_assert(kmem_dump_obj(page_address(pg)) == false);

	pr_info("null is");
	mem_dump_obj(NULL);
	cr_assert(ukmem_dmesg_contains("null is NULL pointer"));
	pr_info("zero is");
	mem_dump_obj(ZERO_SIZE_PTR);
	cr_assert(ukmem_dmesg_contains("zero is zero-size pointer"));
	pr_info("stack is");
	mem_dump_obj(&local);
	pr_info("host is");
	mem_dump_obj(host);
	cr_assert(ukmem_dmesg_contains("stack is non-paged memory"));
	cr_assert(ukmem_dmesg_contains("host is non-paged memory"));
	cr_assert_not(kmem_dump_obj(NULL));
	cr_assert_not(kmem_dump_obj(&local));
	cr_assert_eq(ukmem_report_total(), 0);
	kfree(k);
	__free_pages(pg, 1);
	free(host);
}
