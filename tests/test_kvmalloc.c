// SPDX-License-Identifier: MIT
/*
 * test_kvmalloc.c - kvmalloc's policy (kmalloc first, quietly; vmalloc only
 * for blocking gfp), kvfree on both kinds, kvrealloc, kvfree_sensitive, and
 * the mismatched frees kfree(vmalloc) / vfree(kmalloc), reported and refused.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static unsigned long meminfo_kb(const char *key)
{
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned long v = ~0ul;

	ukmem_proc_show("meminfo", f);
	fclose(f);
	p = strstr(buf, key);
	if (p)
		sscanf(p + strlen(key), " %lu", &v);
	free(buf);
	return v;
}

/* hold every odd frame and every block above order 0 */
struct frag {
	struct page **held;
	unsigned int *orders;
	unsigned long n;
};

static void fragment(struct frag *f)
{
	unsigned long cap = max_pfn * 2, i, kept = 0;
	struct page *p;
	int order;

	f->held = calloc(cap, sizeof(*f->held));
	f->orders = calloc(cap, sizeof(*f->orders));
	f->n = 0;
	while ((p = alloc_page(GFP_ATOMIC | __GFP_NOWARN)))
		f->held[f->n++] = p;
	for (i = 0; i < f->n; i++) {
		if (page_to_pfn(f->held[i]) & 1)
			f->held[kept++] = f->held[i];
		else
			__free_page(f->held[i]);
	}
	f->n = kept;
	for (order = MAX_PAGE_ORDER; order >= 1; order--) {
		while ((p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, order))) {
			f->orders[f->n] = order;
			f->held[f->n++] = p;
		}
	}
}

static void unfragment(struct frag *f)
{
	unsigned long i;

	for (i = 0; i < f->n; i++)
		__free_pages(f->held[i], f->orders[i]);
	free(f->held);
	free(f->orders);
}

Test(kvmalloc, kmalloc_first)
{
	char *a, *b;

	cr_assert_eq(ukmem_boot("mem=128M"), 0);
	a = kvmalloc(100, GFP_KERNEL);
	b = kvmalloc(64 << 10, GFP_KERNEL);
	cr_assert(a && b);
	cr_assert(virt_addr_valid(a) && !is_vmalloc_addr(a));
	cr_assert(virt_addr_valid(b) && !is_vmalloc_addr(b), "contiguous memory was free");
	memset(b, 1, 64 << 10);
	kvfree(a);
	kvfree(b);
	kvfree(NULL);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(kvmalloc, vmalloc_fallback_when_fragmented)
{
	struct frag f;
	char *a, *z;
	size_t i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	fragment(&f);
	ukmem_dmesg_clear();
	a = kvmalloc(64 << 10, GFP_KERNEL);
	cr_assert(a);
	cr_assert(is_vmalloc_addr(a), "no order-4 block: vmalloc took over");
	cr_assert(!ukmem_dmesg_contains("page allocation failure"), "the kmalloc try is quiet");
	memset(a, 2, 64 << 10);
	cr_assert_null(kvmalloc(64 << 10, GFP_ATOMIC), "no vmalloc fallback without blocking");
	cr_assert(!ukmem_dmesg_contains("page allocation failure"));
	cr_assert_null(kvmalloc(64 << 10, GFP_NOWAIT));
	z = kvzalloc(32 << 10, GFP_KERNEL);
	cr_assert(is_vmalloc_addr(z));
	for (i = 0; i < (32 << 10); i++)
		cr_assert_eq(z[i], 0);
	a = kvrealloc(a, 128 << 10, GFP_KERNEL);
	cr_assert(is_vmalloc_addr(a));
	cr_assert_eq(a[(64 << 10) - 1], 2);
	kvfree(a);
	kvfree(z);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	unfragment(&f);
	ukmem_shutdown();
}

Test(kvmalloc, beyond_kmalloc_max_goes_to_vmalloc)
{
	char *a;

	cr_assert_eq(ukmem_boot("mem=256M"), 0);
	ukmem_dmesg_clear();
	a = kvmalloc(KMALLOC_MAX_SIZE * 2, GFP_KERNEL);
	cr_assert(a);
	cr_assert(is_vmalloc_addr(a));
	a[KMALLOC_MAX_SIZE * 2 - 1] = 1;
	kvfree(a);
	cr_assert_null(kvmalloc((size_t)INT_MAX + 2, GFP_KERNEL | __GFP_NOWARN));
	cr_assert_null(kvmalloc_array(SIZE_MAX / 4, 8, GFP_KERNEL));
	cr_assert_null(kvcalloc(SIZE_MAX / 4, 8, GFP_KERNEL));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 0);
	ukmem_shutdown();
}

Test(kvmalloc, arrays_and_realloc_on_kmalloc)
{
	int *v;
	unsigned int i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = kvcalloc(10, sizeof(int), GFP_KERNEL);
	for (i = 0; i < 10; i++)
		cr_assert_eq(v[i], 0);
	for (i = 0; i < 10; i++)
		v[i] = (int)i;
	v = kvrealloc(v, 1000 * sizeof(int), GFP_KERNEL);
	cr_assert(v && !is_vmalloc_addr(v));
	for (i = 0; i < 10; i++)
		cr_assert_eq(v[i], (int)i);
	kvfree(v);
	v = kvmalloc_array(1000, sizeof(int), GFP_KERNEL);
	cr_assert(v);
	kvfree(v);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(kvmalloc, kvfree_sensitive_clears)
{
	unsigned char *v, *alias;
	unsigned int i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = __vmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	memset(v, 0x5c, 2 * PAGE_SIZE);
	alias = page_address(vmalloc_to_page(v));
	kvfree_sensitive(v, 2 * PAGE_SIZE);
	for (i = 0; i < PAGE_SIZE; i++)
		cr_assert_eq(alias[i], 0, "secret cleared before the frame went back");
	kvfree_sensitive(NULL, 10);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(kvmalloc, mismatched_frees_reported_and_refused)
{
	char *v, *k, *kp, *extra[3];
	int nextra = 0;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = vmalloc(PAGE_SIZE);
	/* a kmalloc object that does not start a page (a fresh slab's first one does) */
	k = kmalloc(128, GFP_KERNEL);
	while (!offset_in_page(k) && nextra < 3) {
		extra[nextra++] = k;
		k = kmalloc(128, GFP_KERNEL);
	}
	cr_assert_neq(offset_in_page(k), 0);
	kp = kmalloc(PAGE_SIZE, GFP_KERNEL); /* page aligned */
	strcpy(v, "vmalloc");
	strcpy(k, "kmalloc");
	strcpy(kp, "kmalloc page");
	ukmem_dmesg_clear();

	kfree(v);
	cr_assert(ukmem_dmesg_contains("kfree: invalid free of"));
	cr_assert(ukmem_dmesg_contains("vmalloc memory (use vfree() or kvfree())"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
	cr_assert_str_eq(v, "vmalloc", "refused: still mapped and intact");
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 4);

	vfree(kp);
	cr_assert(ukmem_dmesg_contains("Trying to vfree() nonexistent vm area ("));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 1);
	cr_assert_str_eq(kp, "kmalloc page");
	vfree(k); /* not even page aligned */
	cr_assert(ukmem_dmesg_contains("Trying to vfree() bad address ("));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 2);
	cr_assert_str_eq(k, "kmalloc");

	kvfree(v); /* the right way for all three */
	kvfree(k);
	kvfree(kp);
	while (nextra)
		kfree(extra[--nextra]);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	cr_assert_eq(ukmem_report_total(), 3);
	ukmem_shutdown();
}
