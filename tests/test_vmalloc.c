// SPDX-License-Identifier: MIT
/*
 * test_vmalloc.c - vmalloc: real mappings aliasing the direct map (and
 * highmem through kmap), scattered frames, guard pages, the misuse reports,
 * lazy purge, /proc/vmallocinfo and meminfo, many live areas, a 256 MiB
 * area, and a many-thread stress.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/hardirq.h>
#include <pthread.h>
#include <signal.h>
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

static noinline char *vmallocinfo(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ukmem_proc_show("vmallocinfo", f);
	fclose(f);
	return buf;
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 12));
}

static bool check(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed * 31 + i * 7 + (i >> 12)))
			return false;
	return true;
}

/* write through one address, read through the other, both ways */
static void assert_aliasing(unsigned char *v, unsigned int nr)
{
	unsigned int i;

	fill(v, (size_t)nr * PAGE_SIZE, 5);
	for (i = 0; i < nr; i++) {
		struct page *page = vmalloc_to_page(v + i * PAGE_SIZE + 100);
		unsigned char *k;

		cr_assert(page);
		cr_assert(PageVmalloc(page));
		k = kmap_local_page(page);
		cr_assert(k);
		cr_assert(!memcmp(k, v + i * PAGE_SIZE, PAGE_SIZE), "page %u aliases", i);
		memset(k, 0xa0 + (i & 15), PAGE_SIZE);
		kunmap_local(k);
		cr_assert_eq(v[i * PAGE_SIZE + 4095], 0xa0 + (i & 15));
		cr_assert_eq(vmalloc_to_pfn(v + i * PAGE_SIZE), page_to_pfn(page));
	}
}

Test(vmalloc, aliasing_x86_64)
{
	unsigned char *v;
	unsigned int i;

	cr_assert_eq(ukmem_boot("mem=128M"), 0);
	v = vmalloc(10 * PAGE_SIZE);
	cr_assert(v);
	cr_assert(is_vmalloc_addr(v));
	cr_assert(!virt_addr_valid(v));
	assert_aliasing(v, 10);
	/* lowmem here: page_address is the direct-map alias */
	for (i = 0; i < 10; i++) {
		struct page *page = vmalloc_to_page(v + i * PAGE_SIZE);
		unsigned char *d = page_address(page);

		cr_assert(d && virt_addr_valid(d));
		d[7] = 0x5a;
		cr_assert_eq(v[i * PAGE_SIZE + 7], 0x5a);
	}
	cr_assert_null(vmalloc_to_page(v + 10 * PAGE_SIZE), "the guard page maps nothing");
	vfree(v);
	cr_assert_null(vmalloc_to_page(v), "PTEs cleared at vfree");
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(vmalloc, aliasing_i386_highmem)
{
	unsigned char *v;
	unsigned int i, high = 0;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G"), 0);
	v = vmalloc(64 * PAGE_SIZE);
	cr_assert(v);
	for (i = 0; i < 64; i++) {
		struct page *page = vmalloc_to_page(v + i * PAGE_SIZE);

		if (PageHighMem(page)) {
			high++;
			cr_assert_null(page_address(page), "highmem has no permanent address");
		}
	}
	cr_assert_eq(high, 64, "vmalloc prefers highmem frames on i386");
	assert_aliasing(v, 64);
	/* and through kmap(), the long-lived form */
	{
		struct page *page = vmalloc_to_page(v);
		unsigned char *k = kmap(page);

		cr_assert_eq(page_address(page), (void *)k);
		k[1] = 0x77;
		cr_assert_eq(v[1], 0x77);
		v[2] = 0x66;
		cr_assert_eq(k[2], 0x66);
		kunmap(page);
	}
	vfree(v);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(vmalloc, vzalloc_and_frames_zeroed)
{
	unsigned char *v, *z;
	unsigned int i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = vmalloc(8 * PAGE_SIZE);
	memset(v, 0xff, 8 * PAGE_SIZE);
	vfree(v);
	vm_unmap_aliases();
	z = vzalloc(8 * PAGE_SIZE + 1);
	cr_assert(z);
	for (i = 0; i < 9 * PAGE_SIZE; i++)
		cr_assert_eq(z[i], 0);
	vfree(z);
	z = vcalloc(100, 1000);
	for (i = 0; i < 100000; i++)
		cr_assert_eq(z[i], 0);
	vfree(z);
	ukmem_shutdown();
}

/* Leave no two adjacent free frames, and no free block above order 0. */
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
	while ((p = alloc_page(GFP_KERNEL | __GFP_NOWARN)))
		f->held[f->n++] = p;
	while ((p = alloc_page(GFP_ATOMIC | __GFP_NOWARN)))
		f->held[f->n++] = p;
	for (i = 0; i < f->n; i++) {
		if (page_to_pfn(f->held[i]) & 1)
			f->held[kept++] = f->held[i];
		else
			__free_page(f->held[i]);
	}
	f->n = kept;
	/* now the freed frames lift the watermarks: take every larger block too */
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

Test(vmalloc, fragmented_memory_scattered_frames)
{
	struct frag f;
	unsigned char *v;
	unsigned int i, nr = 2000;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	fragment(&f);
	v = vmalloc((unsigned long)nr * PAGE_SIZE);
	cr_assert(v, "enough single frames are free");
	for (i = 0; i < nr; i++) {
		unsigned long pfn = vmalloc_to_pfn(v + (unsigned long)i * PAGE_SIZE);

		cr_assert_eq(pfn & 1, 0, "frame %u is a freed even frame", i);
		if (i)
			cr_assert_neq(pfn,
				      vmalloc_to_pfn(v + (unsigned long)(i - 1) * PAGE_SIZE) + 1);
	}
	cr_assert_eq(ukmem_vmalloc_nr_runs(v), (int)nr, "one host mapping per scattered frame");
	fill(v, (size_t)nr * PAGE_SIZE, 9);
	cr_assert(check(v, (size_t)nr * PAGE_SIZE, 9));
	assert_aliasing(v, nr);
	vfree(v);
	unfragment(&f);
	ukmem_shutdown();
}

Test(vmalloc, fresh_machine_uses_few_mappings)
{
	unsigned char *v;

	cr_assert_eq(ukmem_boot("mem=256M"), 0);
	v = vmalloc(64 << 20);
	cr_assert(v);
	cr_assert_leq(ukmem_vmalloc_nr_runs(v), 32, "runs of contiguous frames are mapped at once");
	vfree(v);
	ukmem_shutdown();
}

Test(vmalloc, guard_page_faults, .signal = SIGSEGV)
{
	char *v;

	ukmem_boot("mem=64M");
	v = vmalloc(2 * PAGE_SIZE);
	v[2 * PAGE_SIZE - 1] = 1;		   /* last byte: fine */
	*(volatile char *)(v + 2 * PAGE_SIZE) = 1; /* guard page */
}

Test(vmalloc, access_after_vfree_faults, .signal = SIGSEGV)
{
	char *v;

	ukmem_boot("mem=64M");
	v = vmalloc(PAGE_SIZE);
	v[0] = 1;
	vfree(v);
	*(volatile char *)v = 2;
}

Test(vmalloc, bad_vfree_reported_and_refused)
{
	unsigned char *v, *w;
	struct page *page;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = vmalloc(3 * PAGE_SIZE);
	fill(v, 3 * PAGE_SIZE, 3);

	ukmem_dmesg_clear();
	vfree(NULL);
	cr_assert_eq(ukmem_report_total(), 0, "vfree(NULL) is a no-op");

	vfree(v + 8);
	cr_assert(ukmem_dmesg_contains("Trying to vfree() bad address ("));
	cr_assert(ukmem_dmesg_contains("WARNING: CPU:"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 1);

	vfree(v + PAGE_SIZE); /* interior, page aligned */
	cr_assert_eq(ukmem_dmesg_count("Trying to vfree() nonexistent vm area ("), 1);

	page = alloc_page(GFP_KERNEL);
	vfree(page_address(page)); /* a direct-map (kmalloc-like) pointer */
	cr_assert_eq(ukmem_dmesg_count("Trying to vfree() nonexistent vm area ("), 2);
	__free_page(page);

	{
		char on_stack[16];

		vfree(on_stack + 1); /* odd, so never page aligned (ASan may align frames) */
		cr_assert_eq(ukmem_dmesg_count("Trying to vfree() bad address"), 2);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 4);
	cr_assert(check(v, 3 * PAGE_SIZE, 3), "the area survived every bad free");
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 12);

	w = vmalloc(PAGE_SIZE);
	vfree(v);
	vfree(v); /* double free */
	cr_assert_eq(ukmem_dmesg_count("Trying to vfree() nonexistent vm area ("), 3);
	w[0] = 1; /* the other area is intact */
	vfree(w);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 5);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	ukmem_shutdown();
}

Test(vmalloc, vunmap_and_vrealloc_misuse)
{
	void *v;
	char *r;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = vmalloc(PAGE_SIZE);
	ukmem_dmesg_clear();
	vunmap(v); /* a vmalloc area: refused, its frames must not leak */
	cr_assert(ukmem_dmesg_contains("Trying to vunmap() nonexistent vm area ("));
	cr_assert_null(vrealloc((char *)v + PAGE_SIZE, 10, GFP_KERNEL));
	cr_assert(ukmem_dmesg_contains("Trying to vrealloc() nonexistent vm area ("));
	r = vrealloc(v, 100, GFP_KERNEL);
	cr_assert_eq(r, v, "shrink in place");
	strcpy(r, "hello");
	r = vrealloc(r, 5 * PAGE_SIZE, GFP_KERNEL);
	cr_assert_str_eq(r, "hello");
	r[5 * PAGE_SIZE - 1] = 1;
	r = vrealloc(r, 0, GFP_KERNEL);
	cr_assert_null(r);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	cr_assert_null(vmalloc_array(SIZE_MAX / 2, 3), "n * size overflow");
	cr_assert_null(vcalloc(SIZE_MAX / 2, 3));
	ukmem_shutdown();
}

Test(vmalloc, sleeping_in_atomic_reported_once)
{
	DEFINE_SPINLOCK(lock);
	void *v;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	ukmem_dmesg_clear();
	spin_lock(&lock);
	v = vmalloc(4 * PAGE_SIZE);
	spin_unlock(&lock);
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1, "one report per call");
	cr_assert(v);

	ukmem_report_reset(); /* might_sleep reports once a second, as the kernel */
	preempt_disable();
	vfree(v);
	preempt_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	ukmem_shutdown();
}

Test(vmalloc, vfree_from_interrupt_is_deferred)
{
	void *v, *w;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = vmalloc(4 * PAGE_SIZE);
	w = vmalloc(PAGE_SIZE);
	irq_enter();
	vfree(v);
	vfree_atomic(w);
	irq_exit();
	cr_assert_eq(ukmem_report_total(), 0, "no sleeping report: nothing slept");
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 20, "deferred, not yet freed");
	vm_unmap_aliases(); /* process context: the deferred frees run */
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(vmalloc, i386_vmalloc_space_is_small)
{
	void *v;

	cr_assert_eq(ukmem_boot("machine=i386 mem=1G"), 0);
	cr_assert_eq(meminfo_kb("VmallocTotal:"), 131072);
	ukmem_dmesg_clear();
	v = vmalloc(200 << 20);
	cr_assert_null(v);
	cr_assert(
	    ukmem_dmesg_contains("vmalloc error: size 209715200, vm_struct allocation failed"));
	cr_assert(ukmem_dmesg_contains("mode:0xcc0(GFP_KERNEL)"));
	ukmem_dmesg_clear();
	v = __vmalloc(200 << 20, GFP_KERNEL | __GFP_NOWARN);
	cr_assert_null(v);
	cr_assert(!ukmem_dmesg_contains("vmalloc error"), "__GFP_NOWARN is silent");
	v = vmalloc(100 << 20);
	cr_assert(v, "what fits, fits");
	vfree(v);
	ukmem_shutdown();

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G vmalloc=256M"), 0);
	cr_assert_eq(meminfo_kb("VmallocTotal:"), 262144);
	v = vmalloc(200 << 20);
	cr_assert(v);
	vfree(v);
	ukmem_shutdown();
}

Test(vmalloc, size_limits)
{
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	ukmem_dmesg_clear();
	cr_assert_null(vmalloc(0));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 1, "vmalloc(0) warns once");
	cr_assert_null(vmalloc(0));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 1);
	cr_assert_null(vmalloc(128 << 20));
	cr_assert(ukmem_dmesg_contains("vmalloc error: size 134217728, exceeds total pages"));
	cr_assert_null(vmalloc(ULONG_MAX - 10));
	ukmem_shutdown();
}

Test(vmalloc, vmalloc_32_frames_below_4g)
{
	unsigned char *v, *w;
	unsigned int i, above = 0;

	cr_assert_eq(ukmem_boot("mem=5G"), 0);
	w = vmalloc(64 * PAGE_SIZE);
	v = vmalloc_32(64 * PAGE_SIZE);
	cr_assert(v && w);
	for (i = 0; i < 64; i++) {
		cr_assert_lt(vmalloc_to_pfn(v + i * PAGE_SIZE), (4ul << 30) >> PAGE_SHIFT);
		if (vmalloc_to_pfn(w + i * PAGE_SIZE) >= (4ul << 30) >> PAGE_SHIFT)
			above++;
	}
	cr_assert_eq(above, 64, "plain vmalloc takes ZONE_NORMAL (above 4G) first");
	vfree(v);
	vfree(w);
	v = vmalloc_32_user(PAGE_SIZE);
	cr_assert_eq(v[100], 0);
	vfree(v);
	ukmem_shutdown();
}

Test(vmalloc, vmap_maps_given_pages)
{
	struct page *pages[3];
	unsigned char *v;
	unsigned int i;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G"), 0);
	pages[0] = alloc_page(GFP_KERNEL);
	pages[1] = alloc_page(GFP_HIGHUSER);
	pages[2] = alloc_page(GFP_KERNEL);
	v = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	cr_assert(v);
	for (i = 0; i < 3; i++)
		cr_assert_eq(vmalloc_to_page(v + i * PAGE_SIZE), pages[i]);
	memset(v, 0x42, 3 * PAGE_SIZE);
	cr_assert_eq(((unsigned char *)page_address(pages[0]))[10], 0x42);
	{
		unsigned char *k = kmap_local_page(pages[1]);

		cr_assert_eq(k[4095], 0x42);
		kunmap_local(k);
	}
	{
		char *info = vmallocinfo();

		cr_assert(strstr(info, " vmap\n"));
		free(info);
	}
	vunmap(v);
	cr_assert_eq(((unsigned char *)page_address(pages[2]))[0], 0x42, "pages stay");
	for (i = 0; i < 3; i++)
		__free_page(pages[i]);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(vmalloc, get_vm_area_reserves_space)
{
	struct vm_struct *area;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	area = get_vm_area(3 * PAGE_SIZE, VM_IOREMAP);
	cr_assert(area);
	cr_assert(is_vmalloc_addr(area->addr));
	cr_assert_eq(area->size, 4 * PAGE_SIZE, "size counts the guard page");
	cr_assert_eq(get_vm_area_size(area), 3 * PAGE_SIZE);
	cr_assert_eq(find_vm_area(area->addr), area);
	cr_assert_null(vmalloc_to_page(area->addr), "reserved, not mapped");
	free_vm_area(area);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(vmalloc, lazy_purge_delays_reuse)
{
	void *a, *b, *c;
	char *info;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	a = vmalloc(PAGE_SIZE);
	vfree(a);
	info = vmallocinfo();
	cr_assert(strstr(info, "unpurged vm_area"), "%s", info);
	free(info);
	b = vmalloc(PAGE_SIZE);
	cr_assert_neq(a, b, "a freed range is not reused before the purge");
	vfree(b);
	vm_unmap_aliases();
	info = vmallocinfo();
	cr_assert_null(strstr(info, "unpurged"));
	free(info);
	c = vmalloc(PAGE_SIZE);
	cr_assert_eq(c, a, "after the purge the lowest range is first fit again");
	vfree(c);
	ukmem_shutdown();
}

Test(vmalloc, vmallocinfo_format)
{
	void *a, *u;
	char *info, *line;
	unsigned long s, e;
	long size;
	char rest[256];

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	a = vmalloc(3 * PAGE_SIZE);
	u = vmalloc_user(PAGE_SIZE);
	info = vmallocinfo();
	line = strstr(info, "pages=3");
	cr_assert(line, "%s", info);
	while (line > info && line[-1] != '\n')
		line--;
	cr_assert_eq(sscanf(line, "0x%16lx-0x%16lx %7ld %255[^\n]", &s, &e, &size, rest), 4);
	cr_assert_eq(s, (unsigned long)a);
	cr_assert_eq(e, (unsigned long)a + 4 * PAGE_SIZE);
	cr_assert_eq(size, 16384);
	cr_assert_eq(line[2 + 16], '-');
	cr_assert(strstr(rest, " pages=3 vmalloc"), "%s", rest);
	cr_assert(strstr(info, " pages=1 vmalloc user\n"), "%s", info);
	free(info);
	vfree(a);
	vfree(u);
	ukmem_shutdown();
}

Test(vmalloc, meminfo_counts)
{
	unsigned long pt0, used;
	void *v;

	cr_assert_eq(ukmem_boot("mem=128M"), 0);
	cr_assert_eq(meminfo_kb("VmallocTotal:"), 34359738367ul, "the kernel's x86_64 figure");
	pt0 = meminfo_kb("PageTables:");
	cr_assert_geq(pt0, 4, "the PGD is a page-table page");
	v = vmalloc(10 << 20);
	used = meminfo_kb("VmallocUsed:");
	cr_assert_eq(used, 10240);
	/* 2560 PTEs: at least 5 PTE tables, plus the upper levels */
	cr_assert_geq(meminfo_kb("PageTables:"), pt0 + 5 * 4);
	vfree(v);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	ukmem_shutdown();
}

Test(vmalloc, fifteen_thousand_live_areas)
{
	enum { N = 15000 };
	unsigned long **areas = calloc(N, sizeof(*areas));
	unsigned int i;

	cr_assert_eq(ukmem_boot("mem=256M"), 0);
	for (i = 0; i < N; i++) {
		areas[i] = vmalloc(PAGE_SIZE);
		cr_assert(areas[i], "area %u", i);
		areas[i][0] = i;
		areas[i][511] = ~(unsigned long)i;
	}
	cr_assert_eq(meminfo_kb("VmallocUsed:"), N * 4ul);
	for (i = 0; i < N; i++) {
		cr_assert_eq(areas[i][0], i);
		cr_assert_eq(areas[i][511], ~(unsigned long)i);
		cr_assert_eq(vmalloc_to_page(areas[i]), vmalloc_to_page(&areas[i][511]));
	}
	for (i = 0; i < N; i += 2)
		vfree(areas[i]);
	for (i = 1; i < N; i += 2)
		cr_assert_eq(areas[i][0], i);
	for (i = 1; i < N; i += 2)
		vfree(areas[i]);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	free(areas);
	ukmem_shutdown();
}

Test(vmalloc, big_256m_on_fresh_1g)
{
	unsigned char *v;
	unsigned long i, size = 256ul << 20;

	cr_assert_eq(ukmem_boot("mem=1G"), 0);
	v = vmalloc(size);
	cr_assert(v);
	cr_assert_leq(ukmem_vmalloc_nr_runs(v), 128);
	for (i = 0; i < size; i += PAGE_SIZE)
		v[i] = (unsigned char)(i >> 12);
	for (i = 0; i < size; i += 64 * PAGE_SIZE) {
		unsigned char *d = page_address(vmalloc_to_page(v + i));

		cr_assert_eq(*d, (unsigned char)(i >> 12));
	}
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 262144);
	vfree(v);
	ukmem_shutdown();
}

Test(vmalloc, leak_reported_at_shutdown)
{
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	ukmem_dmesg_clear();
	(void)vmalloc(PAGE_SIZE);
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("vmalloc: 1 areas (1 pages) still allocated at shutdown"));
	cr_assert(!ukmem_dmesg_contains("pages (4 kB) still allocated"),
		  "the frames were given back after the report");
	cr_assert_eq(ukmem_boot("mem=64M"), 0, "clean reboot");
	ukmem_shutdown();
}

/* ---------------------------------------------------------------- stress */

struct stress_arg {
	unsigned int id;
	unsigned int errors;
};

static void *stress_thread(void *p)
{
	struct stress_arg *a = p;
	enum { LIVE = 8, ROUNDS = 300 };
	unsigned char *live[LIVE] = {0};
	size_t sizes[LIVE] = {0};
	unsigned int seeds[LIVE] = {0};
	unsigned int r, rnd = a->id * 2654435761u + 1;

	for (r = 0; r < ROUNDS; r++) {
		unsigned int slot;

		rnd = rnd * 1103515245u + 12345u;
		slot = (rnd >> 8) % LIVE;
		if (live[slot]) {
			if (!check(live[slot], sizes[slot], seeds[slot]))
				a->errors++;
			vfree(live[slot]);
		}
		sizes[slot] = ((rnd >> 16) % 16 + 1) * PAGE_SIZE - (rnd & 255);
		seeds[slot] = a->id * 1000 + r;
		live[slot] = vmalloc(sizes[slot]);
		if (!live[slot]) {
			a->errors++;
			continue;
		}
		fill(live[slot], sizes[slot], seeds[slot]);
	}
	for (r = 0; r < LIVE; r++) {
		if (live[r] && !check(live[r], sizes[r], seeds[r]))
			a->errors++;
		vfree(live[r]);
	}
	return NULL;
}

Test(vmalloc, many_threads_stress)
{
	enum { T = 8 };
	pthread_t th[T];
	struct stress_arg args[T];
	unsigned int i;

	cr_assert_eq(ukmem_boot("mem=256M nr_cpus=4"), 0);
	for (i = 0; i < T; i++) {
		args[i] = (struct stress_arg){.id = i};
		pthread_create(&th[i], NULL, stress_thread, &args[i]);
	}
	for (i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(args[i].errors, 0, "thread %u", i);
	}
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(vmalloc, vmap_put_pages_hands_pages_to_vfree)
{
	struct page **pages;
	unsigned long before;
	unsigned int i;
	char *v;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	vfree(vmalloc(PAGE_SIZE)); /* page tables for the first area exist now */
	pages = kvmalloc_array(8, sizeof(*pages), GFP_KERNEL);
	for (i = 0; i < 8; i++)
		pages[i] = alloc_page(GFP_KERNEL);
	drain_all_pages(NULL); /* MemFree does not count pages on per-CPU lists */
	before = meminfo_kb("MemFree:");
	v = vmap(pages, 8, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	cr_assert(v);
	memset(v, 3, 8 * PAGE_SIZE);
	vfree(v); /* frees the pages and the array */
	drain_all_pages(NULL);
	cr_assert_eq(meminfo_kb("MemFree:"), before + 32, "the 8 pages went back");
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(vmalloc, irqs_off_and_softirq_contexts)
{
	void *v, *w;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	ukmem_dmesg_clear();
	local_irq_disable();
	v = vmalloc(PAGE_SIZE);
	local_irq_enable();
	cr_assert(ukmem_dmesg_contains("irqs_disabled(): 1"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	w = vmalloc(PAGE_SIZE);
	ukmem_softirq_enter();
	vfree(v); /* softirq is interrupt context: deferred, no report */
	ukmem_softirq_exit();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 8);
	vfree(w); /* process context: runs the deferred free too */
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	ukmem_shutdown();
}

Test(vmalloc, foreign_pointers_refused)
{
	void *host = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	void *v;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	v = vmalloc(PAGE_SIZE);
	ukmem_dmesg_clear();
	vfree(host); /* host malloc memory, page aligned */
	cr_assert_eq(ukmem_dmesg_count("Trying to vfree() nonexistent vm area"), 1);
	vfree((char *)v + PAGE_SIZE); /* its guard page */
	cr_assert_eq(ukmem_dmesg_count("Trying to vfree() nonexistent vm area"), 2);
	vfree((void *)(ukmem_vmalloc_start() + (64 << 20))); /* no area there */
	cr_assert_eq(ukmem_dmesg_count("Trying to vfree() nonexistent vm area"), 3);
	memset(host, 1, PAGE_SIZE); /* untouched and still ours */
	free(host);
	vfree(v);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 3);
	ukmem_shutdown();
}

/* ------------------------------------------------ host mappings (issue 10 item 4) */

#include <setjmp.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/log2.h>
#include <linux/cpumask.h>
#include "platform/platform.h"

/* host_maps - host mappings (lines of /proc/self/maps) in the vmalloc space */
static int host_maps(void)
{
	unsigned long lo = ukmem_vmalloc_start(), hi = ukmem_vmalloc_end(), start, end;
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	cr_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start < hi && end > lo)
			n++;
	fclose(f);
	return n;
}

static sigjmp_buf fault_jmp;

static void fault_handler(int sig)
{
	siglongjmp(fault_jmp, sig);
}

/* readable - does a load from @p succeed (true) or fault (false)? */
static noinline bool readable(const void *p)
{
	struct sigaction sa = {.sa_handler = fault_handler}, old_segv, old_bus;
	volatile bool ok = false;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (!sigsetjmp(fault_jmp, 1)) {
		(void)*(const volatile char *)p;
		ok = true;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return ok;
}

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

/* can a guard page live inside a shared file mapping on this host? (asked here, not of ukmem) */
static bool host_has_guard_markers(void)
{
	int fd = memfd_create("probe", MFD_CLOEXEC);
	bool ok = false;
	char *p;

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 2 * PAGE_SIZE), 0);
	p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		ok = !madvise(p + PAGE_SIZE, PAGE_SIZE, MADV_GUARD_INSTALL);
		munmap(p, 2 * PAGE_SIZE);
	}
	close(fd);
	return ok;
}

Test(vmalloc, live_area_costs_one_host_mapping)
{
	enum { N = 2000 };
	void **v = calloc(N, sizeof(*v));
	int before, live, i;

	cr_assert_eq(ukmem_boot("mem=256M"), 0);
	if (!host_has_guard_markers())
		cr_skip_test("host without guard markers on shared mappings (Linux < 6.15)");
	before = host_maps();
	for (i = 0; i < N; i++) {
		v[i] = vmalloc(PAGE_SIZE);
		cr_assert(v[i]);
	}
	live = host_maps();
	cr_assert_leq(live - before, N + 2, "%d host mappings for %d one-page areas", live - before,
		      N);
	for (i = 0; i < N; i++)
		cr_assert(readable(v[i]));
	for (i = 0; i < N; i++)
		cr_assert_not(readable((char *)v[i] + PAGE_SIZE), "guard page of area %d", i);
	for (i = 0; i < N; i++)
		vfree(v[i]);
	cr_assert_leq(host_maps() - before, 2, "freed areas merge back into the reservation");
	cr_assert_eq(ukmem_report_total(), 0);
	free(v);
	ukmem_shutdown();
}

/* Fill the process's host map count up to vm.max_map_count (and one past, where do_mmap lets it).
 */
struct map_filler {
	char *region;
	size_t pages;
	void *extra[64];
	int nr_extra;
};

static void fill_host_maps(struct map_filler *f)
{
	size_t i;

	f->pages = 140000;
	f->region = mmap(NULL, f->pages * PAGE_SIZE, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	cr_assert_neq(f->region, MAP_FAILED);
	/* every other page PROT_NONE: each split costs host map entries */
	for (i = 1; i + 1 < f->pages; i += 2)
		if (mprotect(f->region + i * PAGE_SIZE, PAGE_SIZE, PROT_NONE))
			break;
	cr_assert_lt(i + 1, f->pages, "the host has no map count limit within reach");
	/* shared anonymous mappings never merge: top the count off */
	for (f->nr_extra = 0; f->nr_extra < 64; f->nr_extra++) {
		void *p = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			break;
		f->extra[f->nr_extra] = p;
	}
}

static void unfill_host_maps(struct map_filler *f)
{
	while (f->nr_extra)
		munmap(f->extra[--f->nr_extra], PAGE_SIZE);
	munmap(f->region, f->pages * PAGE_SIZE);
}

Test(vmalloc, vfree_at_host_map_limit_still_unmaps)
{
	enum { N = 64 };
	struct map_filler f;
	unsigned long *v[N];
	bool still_readable[N], refused_cleanly;
	void *extra;
	int i;

	FILE *mc = fopen("/proc/sys/vm/max_map_count", "r");
	long max_map_count = 0;

	if (mc) {
		if (fscanf(mc, "%ld", &max_map_count) != 1)
			max_map_count = 0;
		fclose(mc);
	}
	if (max_map_count <= 0 || max_map_count > 100000)
		cr_skip_test("vm.max_map_count %ld: too high to reach in a test", max_map_count);
	cr_assert_eq(ukmem_boot("mem=256M"), 0);
	for (i = 0; i < N; i++) {
		v[i] = vmalloc(PAGE_SIZE);
		cr_assert(v[i]);
		v[i][0] = 0x5a5a0000ul + i;
	}
	ukmem_dmesg_clear();
	fill_host_maps(&f);
	/* no map entry left: a new area must fail cleanly */
	extra = __vmalloc(PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN);
	refused_cleanly = !extra;
	for (i = 0; i < N; i++)
		vfree(v[i]);
	for (i = 0; i < N; i++)
		still_readable[i] = readable(v[i]);
	unfill_host_maps(&f);

	vfree(extra);
	for (i = 0; i < N; i++)
		cr_assert_not(still_readable[i], "area %d still mapped after vfree()", i);
	cr_assert(refused_cleanly, "a vmalloc() with no host map entry left");
	cr_assert_not(ukmem_dmesg_contains("kept out of use"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 0);
	/* the machine recovers: new areas map and every frame came back */
	for (i = 0; i < N; i++) {
		v[i] = vmalloc(PAGE_SIZE);
		cr_assert(v[i]);
		cr_assert(readable(v[i]));
	}
	for (i = 0; i < N; i++)
		vfree(v[i]);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	ukmem_shutdown();
}

/* free_now_kb - MemFree with the per-CPU page lists drained (they are not counted in it) */
static unsigned long free_now_kb(void)
{
	drain_all_pages(NULL);
	return meminfo_kb("MemFree:");
}

Test(vmalloc, failed_host_unmap_never_leaves_a_freed_frame_mapped)
{
	unsigned long free_kb;
	struct page *page, *pages[2];
	unsigned long *v;
	void *m;
	int i;

	cr_assert_eq(ukmem_boot("mem=256M"), 0);
	vfree(vmalloc(PAGE_SIZE));
	free_kb = free_now_kb();

	/* replacing the mapping fails: released and reserved again */
	v = vmalloc(PAGE_SIZE);
	plat_fail_inject(PLAT_FAIL_UNMAP, 1);
	vfree(v);
	cr_assert_not(readable(v));
	cr_assert_eq(free_now_kb(), free_kb, "the frame went back");

	/* release fails too: sealed in place */
	v = vmalloc(PAGE_SIZE);
	plat_fail_inject(PLAT_FAIL_UNMAP | PLAT_FAIL_RELEASE, -1);
	vfree(v);
	plat_fail_inject(0, 0);
	cr_assert_not(readable(v));
	cr_assert(ukmem_dmesg_contains("sealed instead"));
	cr_assert_eq(free_now_kb(), free_kb);
	cr_assert_eq(ukmem_report_total(), 0);

	/* nothing works: reported, and the frame is never handed out again */
	v = vmalloc(PAGE_SIZE);
	v[0] = 0xfeedface;
	page = vmalloc_to_page(v);
	plat_fail_inject(PLAT_FAIL_UNMAP | PLAT_FAIL_RELEASE | PLAT_FAIL_SEAL, -1);
	vfree(v);
	plat_fail_inject(0, 0);
	cr_assert(ukmem_dmesg_contains("its pages are kept out of use"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 1);
	cr_assert_eq(page_ref_count(page), 1, "the frame stays allocated");
	for (i = 0; i < 64; i++) {
		unsigned long *w = vmalloc(4 * PAGE_SIZE);

		cr_assert(w);
		memset(w, 0x11, 4 * PAGE_SIZE);
		cr_assert_neq(vmalloc_to_page(w), page);
		vfree(w);
	}
	cr_assert_eq(v[0], 0xfeedface, "whoever reads the old address sees no new owner's data");

	/* vmap(): the caller's pages are pinned when their mapping is stuck */
	pages[0] = alloc_page(GFP_KERNEL);
	pages[1] = alloc_page(GFP_KERNEL);
	m = vmap(pages, 2, VM_MAP, PAGE_KERNEL);
	cr_assert(m);
	plat_fail_inject(PLAT_FAIL_UNMAP | PLAT_FAIL_RELEASE | PLAT_FAIL_SEAL, -1);
	vunmap(m);
	plat_fail_inject(0, 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 2);
	__free_page(pages[0]);
	__free_page(pages[1]);
	cr_assert_eq(page_ref_count(pages[0]), 1, "still mapped at the vmap: kept");

	/* mapping fails: a clean NULL, no frame lost, nothing left mapped */
	free_kb = free_now_kb();
	plat_fail_inject(PLAT_FAIL_MAP, -1);
	v = vmalloc(8 * PAGE_SIZE);
	plat_fail_inject(0, 0);
	cr_assert_null(v);
	cr_assert(ukmem_dmesg_contains("failed to map pages"));
	cr_assert_eq(free_now_kb(), free_kb);
	v = vmalloc(8 * PAGE_SIZE);
	cr_assert(v);
	vfree(v);
	ukmem_shutdown();
}

/*
 * The shape of lib/test_vmalloc.c's full_fit_alloc_test: fls(CPUs) * 8192
 * one-page areas live beside as many freed ones (the free tree then holds
 * that many one-page holes), and one-page areas must still fit, with every
 * repeat passing.
 */
static int full_fit_once(unsigned int loops)
{
	int n = fls(num_online_cpus()) * (32 * 1024 * 1024 / PAGE_SIZE), i, rv = -1;
	void **keep = vmalloc(sizeof(void *) * n), **junk = vmalloc(sizeof(void *) * n);
	unsigned int l;

	if (!keep || !junk)
		goto out;
	for (i = 0; i < n; i++) {
		keep[i] = vmalloc(PAGE_SIZE);
		junk[i] = vmalloc(PAGE_SIZE);
	}
	for (i = 0; i < n; i++)
		vfree(junk[i]);
	rv = 0;
	for (l = 0; l < loops; l++) {
		unsigned char *p = vmalloc(PAGE_SIZE);

		if (!p) {
			rv = -1;
			break;
		}
		*p = 1;
		vfree(p);
	}
	for (i = 0; i < n; i++) {
		if (!keep[i])
			rv = -1;
		vfree(keep[i]);
	}
out:
	vfree(keep);
	vfree(junk);
	return rv;
}

Test(vmalloc, full_fit_alloc_test_passes_ten_of_ten, .timeout = 600)
{
	int passed = 0, r;

	cr_assert_eq(ukmem_boot("mem=512M nr_cpus=2"), 0);
	for (r = 0; r < 10; r++)
		passed += full_fit_once(1000) == 0;
	cr_assert_eq(passed, 10, "full_fit_alloc_test passed %d of 10", passed);
	cr_assert_eq(meminfo_kb("VmallocUsed:"), 0);
	ukmem_shutdown();
}
