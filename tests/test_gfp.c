// SPDX-License-Identifier: MIT
/*
 * test_gfp.c - GFP semantics under memory pressure, one test each:
 * non-blocking allocations never block nor shrink, __GFP_HIGH reserves,
 * memalloc_noio/nofs scopes as seen by a shrinker, __GFP_NORETRY,
 * __GFP_RETRY_MAYFAIL, the GFP_KERNEL OOM report, costly orders, __GFP_ZERO,
 * the failure warning and __GFP_NOWARN, orders above MAX_PAGE_ORDER,
 * contradictory zone flags, may-sleep allocations in atomic context.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mm/internal.h"

/* ---------------------------------------------------------------- pressure */

struct held {
	struct page *list;
	unsigned long n;
};

static void hold(struct held *h, struct page *p)
{
	p->mapping = h->list;
	h->list = p;
	h->n++;
}

static struct page *unhold(struct held *h)
{
	struct page *p = h->list;

	if (p) {
		h->list = p->mapping;
		p->mapping = NULL;
		h->n--;
	}
	return p;
}

/* allocate order-0 pages with @gfp until it fails, even after draining the pcp lists */
static unsigned long fill(struct held *h, gfp_t gfp)
{
	unsigned long got = 0, round;
	struct page *p;

	do {
		round = 0;
		while ((p = alloc_page(gfp | __GFP_NOWARN))) {
			hold(h, p);
			round++;
		}
		drain_all_pages(NULL);
		got += round;
	} while (round);
	return got;
}

static void release(struct held *h, unsigned long n)
{
	struct page *p;

	while (n-- && (p = unhold(h)))
		__free_page(p);
}

/* ---------------------------------------------------------------- a test shrinker */

static struct {
	pthread_mutex_t lock;
	int tid; /* calls from this thread only are recorded */
	unsigned long direct_calls, kswapd_calls;
	gfp_t last_gfp;
	unsigned long fake_objects; /* "freed" without giving pages back */
	int one_page_per_call;	    /* give ts.pages back one per call */
	int stop_without_fs;
	struct held pages; /* pages it can give back */
} ts = {.lock = PTHREAD_MUTEX_INITIALIZER};

static unsigned long ts_count(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long n;

	pthread_mutex_lock(&ts.lock);
	/* fake objects show as one at a time: one scan call per reclaim round */
	n = ts.pages.n ? (ts.one_page_per_call ? 1 : ts.pages.n) : (ts.fake_objects ? 1 : 0);
	pthread_mutex_unlock(&ts.lock);
	return n ? n : SHRINK_EMPTY;
}

static unsigned long ts_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;

	pthread_mutex_lock(&ts.lock);
	if (current->flags & PF_KSWAPD) {
		ts.kswapd_calls++;
		pthread_mutex_unlock(&ts.lock);
		return SHRINK_STOP; /* these tests look at direct reclaim only */
	}
	if (gettid() == ts.tid) {
		ts.direct_calls++;
		ts.last_gfp = sc->gfp_mask;
	}
	if (ts.stop_without_fs && !(sc->gfp_mask & __GFP_FS)) {
		pthread_mutex_unlock(&ts.lock);
		return SHRINK_STOP;
	}
	if (ts.fake_objects) {
		ts.fake_objects--; /* one object per call: progress over many rounds */
		freed = 1;
	}
	while (freed < sc->nr_to_scan && ts.pages.n) {
		__free_page(unhold(&ts.pages));
		freed++;
		if (ts.one_page_per_call)
			break;
	}
	pthread_mutex_unlock(&ts.lock);
	return freed;
}

static struct shrinker *ts_register(void)
{
	struct shrinker *s = shrinker_alloc(0, "test-%d", 1);

	cr_assert(s);
	s->count_objects = ts_count;
	s->scan_objects = ts_scan;
	s->batch = 16;
	ts.tid = gettid();
	shrinker_register(s);
	return s;
}

static void boot(const char *cmdline)
{
	cr_assert_eq(ukmem_boot(cmdline), 0);
	ukmem_report_reset();
	ukmem_dmesg_clear();
}

/* ---------------------------------------------------------------- tests */

Test(gfp, nowait_and_atomic_never_run_shrinkers)
{
	struct held h = {0};
	struct shrinker *s;
	DEFINE_SPINLOCK(lock);

	boot("mem=32M nr_cpus=2");
	s = ts_register();
	ts.fake_objects = 1000;
	fill(&h, GFP_NOWAIT);
	fill(&h, GFP_ATOMIC);
	spin_lock(&lock);
	cr_assert_null(alloc_page(GFP_ATOMIC | __GFP_NOWARN));
	cr_assert_null(alloc_page(GFP_NOWAIT | __GFP_NOWARN));
	spin_unlock(&lock);
	cr_assert_eq(ts.direct_calls, 0, "no __GFP_DIRECT_RECLAIM: no shrinker runs here");
	cr_assert_eq(vm_event_count(ALLOCSTALL), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	shrinker_free(s);
	release(&h, ~0UL);
	ukmem_shutdown();
}

/* a shrinker that blocks until told: direct reclaim waits in it */
static struct {
	pthread_mutex_t m;
	pthread_cond_t c;
	int entered, released;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static unsigned long gate_count(struct shrinker *s, struct shrink_control *sc)
{
	return 1;
}

static unsigned long gate_scan(struct shrinker *s, struct shrink_control *sc)
{
	if (current->flags & PF_KSWAPD)
		return SHRINK_STOP;
	pthread_mutex_lock(&gate.m);
	gate.entered = 1;
	pthread_cond_broadcast(&gate.c);
	while (!gate.released)
		pthread_cond_wait(&gate.c, &gate.m);
	pthread_mutex_unlock(&gate.m);
	return SHRINK_STOP;
}

static void *kernel_alloc_thread(void *arg)
{
	return alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
}

Test(gfp, nowait_does_not_wait_for_a_blocked_reclaimer)
{
	struct held h = {0};
	struct shrinker *s;
	pthread_t th;
	void *ret;

	boot("mem=32M nr_cpus=2");
	s = shrinker_alloc(0, "gate");
	s->count_objects = gate_count;
	s->scan_objects = gate_scan;
	shrinker_register(s);
	fill(&h, GFP_ATOMIC);
	pthread_create(&th, NULL, kernel_alloc_thread, NULL);
	pthread_mutex_lock(&gate.m);
	while (!gate.entered)
		pthread_cond_wait(&gate.c, &gate.m);
	pthread_mutex_unlock(&gate.m);
	/* a reclaimer is stuck in a shrinker: GFP_NOWAIT/ATOMIC fail at once */
	cr_assert_null(alloc_page(GFP_NOWAIT | __GFP_NOWARN));
	cr_assert_null(alloc_page(GFP_ATOMIC | __GFP_NOWARN));
	pthread_mutex_lock(&gate.m);
	cr_assert(!gate.released, "returned while the reclaimer still waits");
	gate.released = 1;
	pthread_cond_broadcast(&gate.c);
	pthread_mutex_unlock(&gate.m);
	pthread_join(th, &ret);
	cr_assert_null(ret);
	shrinker_free(s);
	release(&h, ~0UL);
	ukmem_shutdown();
}

Test(gfp, atomic_dips_into_reserve_nowait_does_not)
{
	struct held h = {0};
	unsigned long atomic_got;

	boot("mem=32M nr_cpus=2");
	fill(&h, GFP_NOWAIT);
	cr_assert_null(alloc_page(GFP_NOWAIT | __GFP_NOWARN));
	atomic_got = fill(&h, GFP_ATOMIC);
	cr_assert_gt(atomic_got, 10, "GFP_ATOMIC got %lu pages below the min watermark",
		     atomic_got);
	cr_assert_null(alloc_page(GFP_NOWAIT | __GFP_NOWARN));
	/* the reserve is gone too: fails at once, with the warning */
	cr_assert_null(alloc_page(GFP_ATOMIC));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 1);
	cr_assert(ukmem_dmesg_contains(
	    ": page allocation failure: order:0, mode:0x820(GFP_ATOMIC), nodemask=(null)"));
	cr_assert(ukmem_dmesg_contains("Mem-Info:"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	cr_assert_eq(vm_event_count(ALLOCSTALL), 0);
	release(&h, ~0UL);
	ukmem_shutdown();
}

static void scope_case(int scope, gfp_t gfp, gfp_t want_set, gfp_t want_clear)
{
	struct held h = {0};
	struct shrinker *s;
	unsigned int flags = 0;
	struct page *p;

	boot("mem=32M nr_cpus=2");
	s = ts_register();
	ts.fake_objects = 0;
	ts.stop_without_fs = 1;
	fill(&h, GFP_ATOMIC);
	/* the shrinker holds pages it can give back */
	release(&h, 256);
	drain_all_pages(NULL); /* freed pages on a pcp list do not count as free */
	pthread_mutex_lock(&ts.lock);
	while (ts.pages.n < 128) {
		p = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		cr_assert(p);
		hold(&ts.pages, p);
	}
	pthread_mutex_unlock(&ts.lock);
	fill(&h, GFP_ATOMIC);
	if (scope == 1)
		flags = memalloc_nofs_save();
	else if (scope == 2)
		flags = memalloc_noio_save();
	p = alloc_page(gfp | __GFP_NORETRY | __GFP_NOWARN);
	if (scope == 1)
		memalloc_nofs_restore(flags);
	else if (scope == 2)
		memalloc_noio_restore(flags);
	cr_assert_gt(ts.direct_calls, 0);
	cr_assert_eq(ts.last_gfp & want_set, want_set, "gfp seen %#x", ts.last_gfp);
	cr_assert_eq(ts.last_gfp & want_clear, 0, "gfp seen %#x", ts.last_gfp);
	if (want_clear & __GFP_FS)
		cr_assert_null(p, "a shrinker that needs __GFP_FS stopped: nothing came back");
	else
		cr_assert(p, "the shrinker gave pages back");
	if (p)
		__free_page(p);
	shrinker_free(s);
	pthread_mutex_lock(&ts.lock);
	release(&ts.pages, ~0UL);
	pthread_mutex_unlock(&ts.lock);
	release(&h, ~0UL);
	ukmem_shutdown();
}

Test(gfp, shrinker_sees_gfp_kernel)
{
	scope_case(0, GFP_KERNEL, __GFP_FS | __GFP_IO | __GFP_DIRECT_RECLAIM, 0);
}

Test(gfp, shrinker_sees_gfp_nofs)
{
	scope_case(0, GFP_NOFS, __GFP_IO | __GFP_DIRECT_RECLAIM, __GFP_FS);
}

Test(gfp, memalloc_nofs_scope)
{
	scope_case(1, GFP_KERNEL, __GFP_IO | __GFP_DIRECT_RECLAIM, __GFP_FS);
}

Test(gfp, memalloc_noio_scope)
{
	scope_case(2, GFP_KERNEL, __GFP_DIRECT_RECLAIM, __GFP_FS | __GFP_IO);
}

Test(gfp, noretry_gives_up_after_one_round)
{
	struct held h = {0};
	struct shrinker *s;

	boot("mem=32M nr_cpus=2");
	s = ts_register();
	ts.fake_objects = 50; /* reclaim would keep "making progress" */
	fill(&h, GFP_ATOMIC);
	cr_assert_null(alloc_page(GFP_KERNEL | __GFP_NORETRY));
	cr_assert_eq(vm_event_count(ALLOCSTALL), 1, "one reclaim round");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 1);
	cr_assert(ukmem_dmesg_contains(
	    "page allocation failure: order:0, mode:0x10cc0(GFP_KERNEL|__GFP_NORETRY)"));
	shrinker_free(s);
	release(&h, ~0UL);
	ukmem_shutdown();
}

Test(gfp, retry_mayfail_retries_while_progress_then_fails)
{
	struct held h = {0};
	struct shrinker *s;
	unsigned long rounds;
	struct page *p;

	boot("mem=32M nr_cpus=2");
	s = ts_register();
	fill(&h, GFP_ATOMIC);
	/* six pages the shrinker gives back one per round: real progress, too little to pass min */
	pthread_mutex_lock(&ts.lock);
	ts.one_page_per_call = 1;
	while (ts.pages.n < 6 && (p = unhold(&h)))
		hold(&ts.pages, p);
	pthread_mutex_unlock(&ts.lock);
	cr_assert_null(alloc_page(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN));
	rounds = vm_event_count(ALLOCSTALL);
	cr_assert_eq(ts.pages.n, 0);
	cr_assert_geq(rounds, 6 + MAX_RECLAIM_RETRIES + 1,
		      "retried while reclaim gave pages back (%lu rounds)", rounds);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0, "MAYFAIL never OOMs");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 0, "__GFP_NOWARN");
	/* the seed-era name is the same flag */
	cr_assert_eq(__GFP_REPEAT, __GFP_RETRY_MAYFAIL);
	ts.one_page_per_call = 0;
	shrinker_free(s);
	release(&h, ~0UL);
	ukmem_shutdown();
}

/* claimed objects are no progress: as many rounds as with no shrinker at all */
Test(gfp, retry_mayfail_objects_without_pages_are_no_progress)
{
	struct held h = {0};
	struct shrinker *s;

	boot("mem=32M nr_cpus=2");
	s = ts_register();
	ts.fake_objects = 6;
	fill(&h, GFP_ATOMIC);
	cr_assert_null(alloc_page(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN));
	cr_assert_eq(vm_event_count(ALLOCSTALL), MAX_RECLAIM_RETRIES + 1);
	cr_assert_eq(ts.fake_objects, 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	shrinker_free(s);
	release(&h, ~0UL);
	ukmem_shutdown();
}

Test(gfp, gfp_kernel_out_of_memory_report_then_fails)
{
	struct held h = {0};

	boot("mem=32M nr_cpus=2");
	fill(&h, GFP_ATOMIC);
	cr_assert_null(alloc_page(GFP_KERNEL));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 1);
	cr_assert(ukmem_dmesg_contains(
	    "invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"));
	cr_assert(ukmem_dmesg_contains("Out of memory"));
	cr_assert(ukmem_dmesg_contains("Mem-Info:"));
	cr_assert(ukmem_dmesg_contains(" pages RAM"));
	/* dump_unreclaimable_slab(): the caches that hold what reclaim cannot free */
	cr_assert(ukmem_dmesg_contains("Unreclaimable slab info:"));
	cr_assert(ukmem_dmesg_contains("Name                      Used          Total"));
	cr_assert(ukmem_dmesg_contains("kmem_cache        "));
	cr_assert_eq(vm_event_count(ALLOCSTALL), MAX_RECLAIM_RETRIES + 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 1);
	cr_assert(ukmem_dmesg_contains(
	    "page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null)"));
	/* memory back: works again */
	release(&h, 200);
	struct page *p = alloc_page(GFP_KERNEL);

	cr_assert(p);
	__free_page(p);
	release(&h, ~0UL);
	ukmem_shutdown();
}

Test(gfp, costly_order_fails_without_oom)
{
	struct page *p[4];
	int i;

	boot("mem=16M nr_cpus=1");
	/* 16M: three aligned 4M blocks (the first MiB is reserved) */
	for (i = 0; i < 3; i++)
		cr_assert(p[i] = alloc_pages(GFP_KERNEL, 10));
	cr_assert_null(alloc_pages(GFP_KERNEL, 10));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	cr_assert_eq(vm_event_count(ALLOCSTALL), 1);
	cr_assert(
	    ukmem_dmesg_contains("page allocation failure: order:10, mode:0xcc0(GFP_KERNEL)"));
	cr_assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 10));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 1, "__GFP_NOWARN is silent");
	for (i = 0; i < 3; i++)
		__free_pages(p[i], 10);
	ukmem_shutdown();
}

Test(gfp, gfp_zero_zeroes_every_order)
{
	unsigned int order;

	boot("mem=32M nr_cpus=1");
	for (order = 0; order <= 4; order++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);
		unsigned char *a = page_address(p);
		size_t i;

		memset(a, 0xcd, PAGE_SIZE << order);
		__free_pages(p, order);
		p = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
		a = page_address(p);
		for (i = 0; i < (PAGE_SIZE << order); i++)
			cr_assert_eq(a[i], 0, "order %u byte %zu", order, i);
		__free_pages(p, order);
	}
	ukmem_shutdown();
}

Test(gfp, order_above_max_warns_unless_nowarn)
{
	boot("mem=32M nr_cpus=1");
	cr_assert_null(alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER + 1));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	cr_assert(ukmem_dmesg_contains("------------[ cut here ]------------"));
	cr_assert(ukmem_dmesg_contains("order 11 > MAX_PAGE_ORDER (10)"));
	cr_assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	ukmem_shutdown();
}

Test(gfp, contradictory_zone_flags_reported)
{
	static const gfp_t bad[] = {__GFP_DMA | __GFP_DMA32, __GFP_DMA | __GFP_HIGHMEM,
				    __GFP_DMA32 | __GFP_HIGHMEM};
	unsigned int i;

	boot("mem=2G machine=i386 nr_cpus=1");
	for (i = 0; i < 3; i++) {
		struct page *p = alloc_page(GFP_KERNEL | bad[i]);

		cr_assert(p);
		cr_assert(!PageHighMem(p));
		__free_page(p);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 3);
	cr_assert_eq(ukmem_dmesg_count("Unexpected gfp: "), 3);
	ukmem_shutdown();
}

Test(gfp, may_sleep_allocation_in_atomic_context)
{
	DEFINE_SPINLOCK(lock);
	struct page *p;

	boot("mem=32M nr_cpus=2");
	spin_lock(&lock);
	p = alloc_page(GFP_KERNEL);
	spin_unlock(&lock);
	cr_assert(p);
	__free_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains(
	    "BUG: sleeping function called from invalid context at mm/page_alloc.c:"));
	cr_assert(ukmem_dmesg_contains("preempt_count: 1, expected: 0"));
	/* GFP_ATOMIC there is right, and irqs-off GFP_KERNEL is reported too */
	spin_lock(&lock);
	p = alloc_page(GFP_ATOMIC);
	spin_unlock(&lock);
	__free_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	ukmem_report_reset(); /* might_sleep reports once a second, as the kernel */
	spin_lock_irq(&lock);
	p = alloc_page(GFP_KERNEL);
	spin_unlock_irq(&lock);
	__free_page(p);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains("irqs_disabled(): 1"));
	ukmem_shutdown();
}

static char *dmesg_text(void)
{
	static char *buf; /* static: GCC's -Wdangling-pointer mistakes it for a stack buffer */
	static size_t len;
	FILE *f;

	buf = NULL;
	len = 0;
	f = open_memstream(&buf, &len);
	ukmem_dmesg(f);
	fclose(f);
	return buf;
}

static long offset_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);

	return p ? (long)(p - text) : -1;
}

/* issue 10, kernel fidelity: GFP_NOWAIT is __GFP_KSWAPD_RECLAIM|__GFP_NOWARN since 6.8 */
Test(gfp, gfp_nowait_failures_are_silent)
{
	struct held h = {0};
	gfp_t gfp = GFP_NOWAIT;
	char text[64];

	cr_assert_eq(GFP_NOWAIT, 0x2800);
	boot("mem=32M nr_cpus=2");
	cr_assert(scnprintf(text, sizeof(text), "%pGg", &gfp) > 0);
	cr_assert_str_eq(text, "GFP_NOWAIT");
	fill(&h, GFP_NOWAIT);
	cr_assert_null(alloc_page(GFP_NOWAIT));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 0);
	cr_assert(!ukmem_dmesg_contains("page allocation failure"));
	release(&h, ~0UL);
	ukmem_shutdown();
}

/*
 * issue 10, kernel fidelity: warn_alloc() and __show_mem() of 6.12 - the
 * nodemask, cpuset and mems_allowed on the failure line, the per-node line,
 * every zone's free line before the buddy lines, one lowmem_reserve entry
 * per zone type, the migrate type of each non-empty order.
 */
Test(gfp, page_allocation_failure_report_reads_as_6_12)
{
	struct held h = {0};
	long dma_free, dma32_free, dma_buddy, dma32_buddy;
	char *text;

	boot("mem=32M nr_cpus=2");
	fill(&h, GFP_ATOMIC);
	ukmem_dmesg_clear();
	cr_assert_null(alloc_page(GFP_ATOMIC));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 1);
	cr_assert(
	    ukmem_dmesg_contains(": page allocation failure: order:0, mode:0x820(GFP_ATOMIC), "
				 "nodemask=(null),cpuset=/,mems_allowed=0\n"));
	cr_assert(!ukmem_dmesg_contains("\ncpuset="));
	cr_assert(
	    ukmem_dmesg_contains("Node 0 active_anon:0kB inactive_anon:0kB active_file:0kB "));
	cr_assert(ukmem_dmesg_contains(" all_unreclaimable? "));
	/* DMA keeps 4096 / 256 pages from DMA32 requests; one entry per zone type */
	cr_assert(ukmem_dmesg_contains("lowmem_reserve[]: 0 16 16 16\n"));
	cr_assert(ukmem_dmesg_contains("lowmem_reserve[]: 0 0 0 0\n"));
	cr_assert(ukmem_dmesg_contains("kB (U) "));
	cr_assert(ukmem_dmesg_contains("Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
				       "hugepages_size=2048kB"));
	cr_assert(ukmem_dmesg_contains("Free swap  = 0kB"));
	text = dmesg_text();
	dma_free = offset_of(text, "Node 0 DMA free:");
	dma32_free = offset_of(text, "Node 0 DMA32 free:");
	dma_buddy = offset_of(text, "Node 0 DMA: ");
	dma32_buddy = offset_of(text, "Node 0 DMA32: ");
	cr_assert(dma_free >= 0 && dma32_free >= 0 && dma_buddy >= 0 && dma32_buddy >= 0);
	cr_assert(dma_free < dma32_free && dma32_free < dma_buddy && dma_buddy < dma32_buddy,
		  "every free line before the buddy lines");
	free(text);
	/* a DMA request shows the DMA zone only (max_zone_idx = gfp_zone) */
	ukmem_dmesg_clear();
	cr_assert_null(alloc_pages(GFP_ATOMIC | GFP_DMA, 9));
	cr_assert(ukmem_dmesg_contains("Node 0 DMA free:"));
	cr_assert(!ukmem_dmesg_contains("Node 0 DMA32 free:"));
	release(&h, ~0UL);
	ukmem_shutdown();
}
