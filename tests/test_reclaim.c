// SPDX-License-Identifier: MIT
/*
 * test_reclaim.c - kswapd (a real thread) reclaiming to the high watermark,
 * direct reclaim through a shrinker, __GFP_NOFAIL sleeping until another
 * thread frees memory, and the shrinker API (including its misuse).
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mm/internal.h"

static struct page *held;
static unsigned long nheld;

static void fill(gfp_t gfp)
{
	unsigned long round;
	struct page *p;

	do {
		round = 0;
		while ((p = alloc_page(gfp | __GFP_NOWARN))) {
			p->mapping = held;
			held = p;
			nheld++;
			round++;
		}
		drain_all_pages(NULL);
	} while (round);
}

static void release(unsigned long n)
{
	struct page *p;

	while (n-- && (p = held)) {
		held = p->mapping;
		p->mapping = NULL;
		__free_page(p);
		nheld--;
	}
}

/* a cache of pages the shrinker gives back; who called it is recorded */
static struct {
	pthread_mutex_t lock;
	struct page *list;
	unsigned long n;
	unsigned long kswapd_calls, direct_calls;
	int allow_kswapd, allow_direct;
	gfp_t seen_gfp;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void cache_fill(unsigned long n)
{
	pthread_mutex_lock(&cache.lock);
	while (n--) {
		struct page *p = alloc_page(GFP_KERNEL);

		cr_assert(p);
		p->mapping = cache.list;
		cache.list = p;
		cache.n++;
	}
	pthread_mutex_unlock(&cache.lock);
}

static void cache_empty(void)
{
	pthread_mutex_lock(&cache.lock);
	while (cache.list) {
		struct page *p = cache.list;

		cache.list = p->mapping;
		p->mapping = NULL;
		__free_page(p);
		cache.n--;
	}
	pthread_mutex_unlock(&cache.lock);
}

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long n;

	pthread_mutex_lock(&cache.lock);
	n = cache.n;
	pthread_mutex_unlock(&cache.lock);
	return n ? n : SHRINK_EMPTY;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	bool kswapd = current->flags & PF_KSWAPD;
	unsigned long freed = 0;

	cr_assert_eq(kswapd, strcmp(current->comm, "kswapd0") == 0);
	pthread_mutex_lock(&cache.lock);
	if (kswapd)
		cache.kswapd_calls++;
	else
		cache.direct_calls++;
	cache.seen_gfp = sc->gfp_mask;
	if ((kswapd && !cache.allow_kswapd) || (!kswapd && !cache.allow_direct)) {
		pthread_mutex_unlock(&cache.lock);
		return SHRINK_STOP;
	}
	while (freed < sc->nr_to_scan && cache.list) {
		struct page *p = cache.list;

		cache.list = p->mapping;
		p->mapping = NULL;
		__free_page(p);
		cache.n--;
		freed++;
	}
	pthread_mutex_unlock(&cache.lock);
	return freed;
}

static struct shrinker *cache_shrinker(void)
{
	struct shrinker *s = shrinker_alloc(0, "test-cache");

	cr_assert(s);
	s->count_objects = cache_count;
	s->scan_objects = cache_scan;
	shrinker_register(s);
	return s;
}

static unsigned long locked_read(unsigned long *v)
{
	unsigned long x;

	pthread_mutex_lock(&cache.lock);
	x = *v;
	pthread_mutex_unlock(&cache.lock);
	return x;
}

static bool any_zone_above_high(void)
{
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &ukmem_zones[z];

		if (zone_managed_pages(zone) &&
		    zone_page_state(zone, NR_FREE_PAGES) >
			high_wmark_pages(zone) + zone->lowmem_reserve[ZONE_NORMAL])
			return true;
	}
	return false;
}

Test(reclaim, kswapd_reclaims_to_the_high_watermark)
{
	struct shrinker *s;
	int i;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	s = cache_shrinker();
	cache_fill(1500);
	/* below low: GFP_NOWAIT cannot reclaim, but wakes kswapd (refused for now,
	 * so that it does not race the filling) */
	fill(GFP_NOWAIT);
	pthread_mutex_lock(&cache.lock);
	cache.allow_kswapd = 1;
	cache.kswapd_calls = 0;
	pthread_mutex_unlock(&cache.lock);
	for (i = 0; i < 500 && !locked_read(&cache.kswapd_calls); i++) {
		struct page *p = alloc_page(GFP_NOWAIT | __GFP_NOWARN); /* wakes kswapd */

		if (p) {
			p->mapping = held;
			held = p;
			nheld++;
		}
		usleep(10000);
	}
	for (i = 0; i < 500 && !(any_zone_above_high() && vm_event_count(PGSTEAL_KSWAPD)); i++)
		usleep(10000);
	cr_assert_gt(locked_read(&cache.kswapd_calls), 0, "kswapd0 ran the shrinker");
	cr_assert(any_zone_above_high(), "kswapd stopped above the high watermark");
	cr_assert_gt(vm_event_count(PAGEOUTRUN), 0);
	cr_assert_gt(vm_event_count(PGSTEAL_KSWAPD), 0);
	pthread_mutex_lock(&cache.lock);
	cr_assert(cache.seen_gfp == GFP_KERNEL);
	cr_assert_gt(cache.n, 0, "only as much as needed went");
	cr_assert_eq(cache.direct_calls, 0);
	pthread_mutex_unlock(&cache.lock);
	/* and GFP_NOWAIT works again */
	struct page *p = alloc_page(GFP_NOWAIT);

	cr_assert(p);
	__free_page(p);
	shrinker_free(s);
	cache_empty();
	release(~0UL);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	ukmem_shutdown();
}

Test(reclaim, direct_reclaim_through_a_shrinker)
{
	struct shrinker *s;
	struct page *p;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	s = cache_shrinker();
	cache_fill(300);
	pthread_mutex_lock(&cache.lock);
	cache.allow_direct = 1;
	pthread_mutex_unlock(&cache.lock);
	fill(GFP_ATOMIC);
	cr_assert_null(alloc_page(GFP_NOWAIT | __GFP_NOWARN));
	p = alloc_page(GFP_KERNEL);
	cr_assert(p, "direct reclaim got pages back from the shrinker");
	cr_assert_gt(locked_read(&cache.direct_calls), 0);
	pthread_mutex_lock(&cache.lock);
	cr_assert_eq(cache.seen_gfp, GFP_KERNEL);
	pthread_mutex_unlock(&cache.lock);
	cr_assert_gt(vm_event_count(ALLOCSTALL), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 0);
	__free_page(p);
	shrinker_free(s);
	cache_empty();
	release(~0UL);
	ukmem_shutdown();
}

static struct {
	struct page *page;
	int done;
	double cpu_s, wall_s;
} nofail;

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *nofail_thread(void *arg)
{
	double c0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC);

	nofail.page = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	nofail.cpu_s = now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	nofail.wall_s = now_s(CLOCK_MONOTONIC) - w0;
	__atomic_store_n(&nofail.done, 1, __ATOMIC_RELEASE);
	return NULL;
}

Test(reclaim, nofail_sleeps_until_memory_is_freed)
{
	pthread_t th;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	fill(GFP_ATOMIC);
	pthread_create(&th, NULL, nofail_thread, NULL);
	usleep(400000);
	cr_assert(!__atomic_load_n(&nofail.done, __ATOMIC_ACQUIRE),
		  "__GFP_NOFAIL waits while nothing can be had");
	cr_assert_gt(vm_event_count(NOFAIL_WAIT), 0, "it sleeps for memory");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 0, "it never fails");
	release(nheld / 2);
	pthread_join(th, NULL);
	cr_assert(nofail.page);
	cr_assert_lt(nofail.cpu_s, nofail.wall_s / 2, "slept, not spun: %.3fs CPU in %.3fs",
		     nofail.cpu_s, nofail.wall_s);
	__free_page(nofail.page);
	release(~0UL);
	ukmem_shutdown();
}

Test(reclaim, shrinker_api_and_misuse)
{
	struct shrinker *s, fake;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=1"), 0);
	s = shrinker_alloc(SHRINKER_NUMA_AWARE, "cache-%s-%d", "x", 7);
	cr_assert(s);
	cr_assert_str_eq(s->name, "cache-x-7");
	cr_assert_eq(s->seeks, DEFAULT_SEEKS);
	/* no callbacks */
	shrinker_register(s);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	s->count_objects = cache_count;
	s->scan_objects = cache_scan;
	shrinker_register(s);
	shrinker_register(s);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 2);
	cr_assert(ukmem_dmesg_contains("registered twice"));
	memset(&fake, 0, sizeof(fake));
	shrinker_register(&fake);
	shrinker_free(&fake);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 4);
	shrinker_free(NULL);
	/* an empty cache answers SHRINK_EMPTY and is skipped */
	fill(GFP_ATOMIC);
	cr_assert_null(alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN));
	cr_assert_eq(cache.direct_calls, 0);
	shrinker_free(s);
	release(~0UL);
	ukmem_shutdown();
	/* a shrinker left registered does not survive into the next boot */
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=1"), 0);
	s = cache_shrinker();
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=1"), 0);
	shrinker_free(s);
	ukmem_shutdown();
}

/*
 * issue 10 item 8: a shrinker that says it freed what it was asked to scan
 * but gives no page back. Objects claimed are not pages reclaimed: Linux
 * counts page progress only (sc->nr_reclaimed) and gives up after
 * MAX_RECLAIM_RETRIES rounds without it. Before that rule one
 * alloc_page(GFP_KERNEL) went on for a thousand rounds.
 */
#define LIAR_OBJECTS  1000
#define LIAR_BATCH    128
#define LIAR_GIVES_UP 20000 /* calls after which it stops lying (bounds the old code) */

static unsigned long liar_calls;

static unsigned long liar_count(struct shrinker *s, struct shrink_control *sc)
{
	return LIAR_OBJECTS;
}

static unsigned long liar_scan(struct shrinker *s, struct shrink_control *sc)
{
	if (current->flags & PF_KSWAPD)
		return SHRINK_STOP;
	if (++liar_calls > LIAR_GIVES_UP)
		return 0;
	return sc->nr_to_scan;
}

Test(reclaim, shrinker_claiming_progress_without_pages_gives_up)
{
	unsigned long per_round = 0, calls;
	struct shrinker *s;
	int prio;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	s = shrinker_alloc(0, "liar");
	cr_assert(s);
	s->count_objects = liar_count;
	s->scan_objects = liar_scan;
	s->batch = LIAR_BATCH;
	shrinker_register(s);
	fill(GFP_ATOMIC);
	ukmem_report_reset();
	ukmem_dmesg_clear();
	cr_assert_null(alloc_page(GFP_KERNEL));
	/* the most scan calls one round can make: per priority, the kernel's share in batches */
	for (prio = DEF_PRIORITY; prio >= 0; prio--) {
		unsigned long scan = (LIAR_OBJECTS >> prio) * 4 / DEFAULT_SEEKS;

		per_round += min(scan, 2UL * LIAR_OBJECTS) / LIAR_BATCH + 1;
	}
	calls = liar_calls;
	cr_assert_eq(vm_event_count(ALLOCSTALL), MAX_RECLAIM_RETRIES + 1, "%lu reclaim rounds",
		     vm_event_count(ALLOCSTALL));
	cr_assert_leq(calls, (MAX_RECLAIM_RETRIES + 1) * per_round, "%lu shrinker calls", calls);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_OOM), 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 1);
	cr_assert(ukmem_dmesg_contains("page allocation failure: order:0, mode:0xcc0(GFP_KERNEL)"));
	shrinker_free(s);
	release(~0UL);
	ukmem_shutdown();
}
