// SPDX-License-Identifier: MIT
/*
 * test_trace.c - the kmem and vmalloc trace events: trace_event= and
 * tp_printk, the ftrace line format and 6.12's fields, subscribers, the
 * output FILE, $UKMEM_TRACE, misuse, and subscribers changing under threads.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
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

static FILE *null_out;

/* a sink for lines the test does not read */
static FILE *devnull(void)
{
	if (!null_out)
		null_out = fopen("/dev/null", "w");
	return null_out;
}

static void down(void)
{
	ukmem_trace_output(NULL);
	ukmem_shutdown();
	if (null_out)
		fclose(null_out);
	null_out = NULL;
}

TestSuite(trace, .fini = down);

#define MAX_RECS 64
struct recs {
	int n;
	struct ukmem_trace_record r[MAX_RECS];
	char fields[MAX_RECS][256];
};

static void record(const struct ukmem_trace_record *rec, void *arg)
{
	struct recs *rs = arg;

	if (rs->n < MAX_RECS) {
		rs->r[rs->n] = *rec;
		snprintf(rs->fields[rs->n], sizeof(rs->fields[0]), "%s", rec->fields);
		rs->r[rs->n].fields = rs->fields[rs->n];
		rs->n++;
	}
}

static const struct ukmem_trace_record *find(struct recs *rs, enum ukmem_trace_event ev,
					     const void *ptr)
{
	for (int i = 0; i < rs->n; i++)
		if (rs->r[i].event == ev && (!ptr || rs->r[i].ptr == ptr || rs->r[i].page == ptr))
			return &rs->r[i];
	return NULL;
}

Test(trace, boot_syntax)
{
	const char *bad[] = {"trace_event=kmem:nope", "trace_event=sched:sched_switch",
			     "trace_event=kmem:kmalloc,bogus", "trace_event", "tp_printk=1"};
	char cmd[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "mem=64M %s", bad[i]);
		ukmem_dmesg_clear();
		cr_assert_eq(ukmem_boot(cmd), -EINVAL, "%s", cmd);
		cr_assert_not(ukmem_booted());
	}
	ukmem_dmesg_clear();
	cr_assert_eq(ukmem_boot("mem=64M trace_event=kmem:nope"), -EINVAL);
	cr_assert(ukmem_dmesg_contains("Failed to enable trace event: kmem:nope"));
	boot_with("mem=64M quiet trace_event=kmem:kmalloc,vmalloc:*,mm_page_free,kmem: tp_printk");
	ukmem_shutdown();
	ukmem_trace_output(devnull());
	boot_with("mem=64M trace_event=*:* trace_event=");
}

Test(trace, ftrace_text_kmalloc_kfree)
{
	char *buf = NULL, want[160], comm[32];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	unsigned long secs, usecs;
	int pid, cpu, n;
	char flags[8], ev[32];
	void *p;

	boot_with("mem=64M nr_cpus=2 trace_event=kmem:kmalloc,kmem:kfree");
	ukmem_trace_output(out);
	p = kmalloc(100, GFP_KERNEL);
	cr_assert_not_null(p);
	kfree(p);
	ukmem_trace_output(NULL);
	fclose(out);
	/* "           <comm>-<pid>     [<cpu>] ..... <secs>.<usecs>: kmalloc: <fields>" */
	n = sscanf(buf, "%31[^-]-%d [%d] %7s %lu.%lu: %31[^:]:", comm, &pid, &cpu, flags, &secs,
		   &usecs, ev);
	cr_assert_eq(n, 7, "%s", buf);
	cr_assert_eq(strlen(comm), 16, "the task name right-aligned in 16 columns: '%s'", comm);
	cr_assert_eq(strlen(flags), 5, "%s", flags);
	cr_assert_str_eq(ev, "kmalloc");
	cr_assert(cpu >= 0 && cpu < 2);
	cr_assert_lt(usecs, 1000000);
	snprintf(want, sizeof(want),
		 "ptr=%016lx bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL "
		 "node=-1 accounted=false\n",
		 (unsigned long)p);
	cr_assert(strstr(buf, want), "%s", buf);
	/* call_site is a symbol (%pS), not a bare address */
	cr_assert(strstr(buf, ": kmalloc: call_site=") && !strstr(buf, ": kmalloc: call_site=0x"),
		  "%s", buf);
	cr_assert(strstr(buf, ": kfree: call_site="), "%s", buf);
	snprintf(want, sizeof(want), " ptr=%016lx\n", (unsigned long)p);
	cr_assert(strstr(strstr(buf, ": kfree: "), want), "%s", buf);
	free(buf);
}

Test(trace, tp_printk_to_the_log)
{
	void *p;

	boot_with("mem=64M quiet trace_event=kmem:kmalloc tp_printk");
	p = kmalloc(5000, GFP_KERNEL | __GFP_ZERO);
	cr_assert_not_null(p);
	cr_assert(ukmem_dmesg_contains("bytes_req=5000 bytes_alloc=8192 "
				       "gfp_flags=GFP_KERNEL|__GFP_ZERO node=-1 accounted=false"));
	kfree(p);
	p = kmalloc(64 * 1024, GFP_KERNEL); /* large: the pages are what it got */
	cr_assert(ukmem_dmesg_contains("bytes_req=65536 bytes_alloc=65536"));
	kfree(p);
	cr_assert_not(ukmem_dmesg_contains(": kfree: "), "kfree was not asked for");
}

Test(trace, subscribe_kmem_cache)
{
	static struct recs rs;
	const struct ukmem_trace_record *r;
	struct kmem_cache *c;
	void *o;
	int id;

	memset(&rs, 0, sizeof(rs));
	boot_with("mem=64M trace_event=kmem:kmem_cache_alloc");
	ukmem_trace_output(devnull());
	c = kmem_cache_create("tr_cache", 72, 0, SLAB_ACCOUNT, NULL);
	cr_assert_not_null(c);
	id = ukmem_trace_subscribe("kmem:kmem_cache_alloc,kmem:kmem_cache_free", record, &rs);
	cr_assert_geq(id, 0);
	o = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_not_null(o);
	kmem_cache_free(c, o);
	r = find(&rs, UKMEM_TRACE_KMEM_CACHE_ALLOC, o);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->system, "kmem");
	cr_assert_str_eq(r->name, "kmem_cache_alloc");
	cr_assert_eq(r->bytes_req, 72);
	cr_assert_geq(r->bytes_alloc, 72);
	cr_assert_eq(r->gfp_flags, GFP_KERNEL);
	cr_assert_eq(r->accounted, 1, "SLAB_ACCOUNT");
	cr_assert(strstr(r->fields, "bytes_req=72"), "%s", r->fields);
	r = find(&rs, UKMEM_TRACE_KMEM_CACHE_FREE, o);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->cache, "tr_cache");
	cr_assert(strstr(r->fields, " name=tr_cache"), "%s", r->fields);
	cr_assert_eq(ukmem_trace_unsubscribe(id), 0);
	rs.n = 0;
	o = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, o);
	cr_assert_eq(rs.n, 0, "nothing after unsubscribe");
	kmem_cache_destroy(c);
}

Test(trace, page_events_and_injected_failure)
{
	static struct recs rs;
	const struct ukmem_trace_record *r;
	struct page *pg;
	unsigned long pfn;
	int id;

	memset(&rs, 0, sizeof(rs));
	boot_with("mem=64M");
	ukmem_fault_set("fail_page_alloc", "verbose", 0);
	id = ukmem_trace_subscribe("kmem:mm_page_alloc,kmem:mm_page_free", record, &rs);
	cr_assert_geq(id, 0);
	pg = alloc_pages(GFP_KERNEL | __GFP_RECLAIMABLE, 2);
	cr_assert_not_null(pg);
	pfn = page_to_pfn(pg);
	r = find(&rs, UKMEM_TRACE_MM_PAGE_ALLOC, pg);
	cr_assert_not_null(r);
	cr_assert_eq(r->pfn, pfn);
	cr_assert_eq(r->order, 2);
	cr_assert_eq(r->migratetype, 2, "MIGRATE_RECLAIMABLE");
	__free_pages(pg, 2);
	r = find(&rs, UKMEM_TRACE_MM_PAGE_FREE, pg);
	cr_assert_not_null(r);
	cr_assert_eq(r->pfn, pfn);
	cr_assert_eq(r->order, 2);
	/* a failed allocation is an event too: page NULL, pfn -1 */
	rs.n = 0;
	ukmem_fault_set("fail_page_alloc", "times", 1);
	ukmem_fault_set("fail_page_alloc", "probability", 100);
	cr_assert_null(alloc_pages(GFP_ATOMIC, 1));
	cr_assert_eq(rs.n, 1);
	cr_assert_null(rs.r[0].page);
	cr_assert_eq(rs.r[0].pfn, -1UL);
	cr_assert(strstr(rs.r[0].fields, "pfn=0xffffffffffffffff order=1 migratetype=0 "
					 "gfp_flags=GFP_ATOMIC"),
		  "%s", rs.r[0].fields);
	cr_assert_eq(ukmem_trace_unsubscribe(id), 0);
}

Test(trace, vmalloc_events)
{
	static struct recs rs;
	const struct ukmem_trace_record *r;
	void *v;
	int id, i;

	memset(&rs, 0, sizeof(rs));
	boot_with("mem=64M");
	id = ukmem_trace_subscribe("vmalloc", record, &rs);
	cr_assert_geq(id, 0);
	v = vmalloc(3 * PAGE_SIZE);
	cr_assert_not_null(v);
	vfree(v);
	for (i = 0; i < rs.n; i++)
		if (rs.r[i].event == UKMEM_TRACE_ALLOC_VMAP_AREA &&
		    rs.r[i].va_start == (unsigned long)v)
			break;
	cr_assert_lt(i, rs.n, "alloc_vmap_area of %p", v);
	r = &rs.r[i];
	cr_assert_str_eq(r->system, "vmalloc");
	cr_assert_geq(r->size, 3 * PAGE_SIZE);
	cr_assert_eq(r->failed, 0);
	cr_assert(r->vstart <= r->va_start && r->va_start < r->vend);
	cr_assert(strstr(r->fields, "va_start: "), "%s", r->fields);
	for (i = 0; i < rs.n; i++)
		if (rs.r[i].event == UKMEM_TRACE_FREE_VMAP_AREA_NOFLUSH &&
		    rs.r[i].va_start == (unsigned long)v)
			break;
	cr_assert_lt(i, rs.n, "free_vmap_area_noflush of %p", v);
	cr_assert_geq(rs.r[i].nr_lazy, 3);
	cr_assert_eq(ukmem_trace_unsubscribe(id), 0);
}

Test(trace, enable_output_and_env)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct page *pg;
	void *p;

	boot_with("mem=64M");
	ukmem_trace_output(out);
	cr_assert_eq(ukmem_trace_enable("kmem:mm_page_alloc"), 0);
	pg = alloc_pages(GFP_KERNEL, 0);
	cr_assert_eq(ukmem_trace_enable("kmem:bogus"), -EINVAL);
	__free_pages(pg, 0);
	cr_assert_eq(ukmem_trace_enable(NULL), 0);
	pg = alloc_pages(GFP_KERNEL, 0);
	__free_pages(pg, 0);
	fflush(out);
	cr_assert(strstr(buf, ": mm_page_alloc: page="), "%s", buf);
	cr_assert_not(strstr(buf, "mm_page_free"), "%s", buf);
	cr_assert_eq(strstr(strstr(buf, "mm_page_alloc") + 1, "mm_page_alloc"), NULL,
		     "one line: the second allocation came after tracing was off");
	/* the slab events need the caches armed at boot */
	cr_assert_eq(ukmem_trace_enable("kmem:kmalloc"), 0);
	cr_assert(ukmem_dmesg_contains("the slab events need trace_event= at boot"));
	ukmem_shutdown();

	/* $UKMEM_TRACE is read at every boot, whatever the command line says */
	setenv("UKMEM_TRACE", "kmem:kmalloc", 1);
	boot_with("mem=64M");
	unsetenv("UKMEM_TRACE");
	p = kmalloc(24, GFP_KERNEL);
	kfree(p);
	fflush(out);
	cr_assert(strstr(buf, ": kmalloc: call_site="), "%s", buf);
	cr_assert(strstr(buf, "bytes_req=24 bytes_alloc=32"), "%s", buf);
	ukmem_trace_output(NULL);
	fclose(out);
	free(buf);
}

static void nop(const struct ukmem_trace_record *rec, void *arg)
{
}

Test(trace, api_misuse)
{
	int ids[8];

	boot_with("mem=64M");
	cr_assert_eq(ukmem_trace_subscribe("kmem", NULL, NULL), -EINVAL);
	cr_assert_eq(ukmem_trace_subscribe(NULL, nop, NULL), -EINVAL);
	cr_assert_eq(ukmem_trace_subscribe("", nop, NULL), -EINVAL);
	cr_assert_eq(ukmem_trace_subscribe("kmem:kmalloc,nope", nop, NULL), -EINVAL);
	cr_assert(ukmem_dmesg_contains("Failed to enable trace event: nope"));
	for (int i = 0; i < 8; i++) {
		ids[i] = ukmem_trace_subscribe("kmem:mm_page_free", nop, NULL);
		cr_assert_geq(ids[i], 0);
	}
	cr_assert_eq(ukmem_trace_subscribe("kmem:mm_page_free", nop, NULL), -ENOSPC);
	cr_assert_eq(ukmem_trace_unsubscribe(-1), -EINVAL);
	cr_assert_eq(ukmem_trace_unsubscribe(8), -EINVAL);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(ukmem_trace_unsubscribe(ids[i]), 0);
	cr_assert_eq(ukmem_trace_unsubscribe(ids[0]), -EINVAL, "twice");
	cr_assert_eq(ukmem_report_total(), 0);
}

/* ------------------------------------------------------------ threads */

static __thread long my_events;

static void count_mine(const struct ukmem_trace_record *rec, void *arg)
{
	my_events++;
	__atomic_fetch_add((long *)arg, 1, __ATOMIC_RELAXED);
}

static void *alloc_thread(void *arg)
{
	long n = 0;

	for (int i = 0; i < 2000; i++) {
		void *p = kmalloc(16 + i % 200, GFP_KERNEL);

		if (p)
			n++;
		kfree(p);
	}
	/* every kmalloc and every kfree of this thread, seen in this thread */
	return (void *)(my_events == 2 * n ? 0L : 1L);
}

Test(trace, subscribers_change_under_threads)
{
	pthread_t th[4];
	long total = 0, churn = 0;
	void *bad;
	int id;

	boot_with("mem=64M nr_cpus=2 trace_event=kmem:kmalloc,kmem:kfree");
	ukmem_trace_output(devnull());
	ukmem_trace_enable(NULL);
	id = ukmem_trace_subscribe("kmem:kmalloc,kmem:kfree", count_mine, &total);
	cr_assert_geq(id, 0);
	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, alloc_thread, NULL);
	for (int i = 0; i < 200; i++) {
		int c = ukmem_trace_subscribe("kmem:kmalloc", nop, &churn);

		cr_assert_geq(c, 0);
		cr_assert_eq(ukmem_trace_unsubscribe(c), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &bad);
		cr_assert_null(bad, "a thread missed or doubled an event");
	}
	cr_assert_eq(ukmem_trace_unsubscribe(id), 0);
	cr_assert_eq(total, 4 * 2 * 2000);
}
