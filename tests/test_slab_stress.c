// SPDX-License-Identifier: MIT
/* test_slab_stress.c - a random alloc/free model (no two live objects ever
 * overlap, patterns intact) and cross-thread frees under stress. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"
#include "mm/slab.h"

static void down(void)
{
	ukmem_shutdown();
}

TestSuite(slab_stress, .fini = down);

struct live {
	unsigned char *p;
	size_t size;
	struct kmem_cache *c; /* NULL: kmalloc */
	unsigned char tag;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill(struct live *l)
{
	memset(l->p, l->tag, l->size);
}

static void verify(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		if (l->p[i] != l->tag)
			cr_assert_fail("object %p+%zu: 0x%02x, expected 0x%02x", (void *)l->p, i,
				       l->p[i], l->tag);
}

static void run_model(int ops, int max_live)
{
	struct kmem_cache *caches[4];
	static const unsigned int csize[4] = {24, 64, 200, 3000};
	struct live *live = calloc((size_t)max_live, sizeof(*live));
	int nlive = 0, i, j;

	caches[0] = kmem_cache_create("m_24", 24, 0, 0, NULL);
	caches[1] = kmem_cache_create("m_64", 64, 0, SLAB_NO_MERGE, NULL);
	caches[2] = kmem_cache_create("m_200", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	caches[3] = kmem_cache_create("m_3000", 3000, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < ops; i++) {
		uint64_t r = rnd();

		if (nlive < max_live && (nlive == 0 || r % 100 < 55)) {
			struct live l = {.tag = (unsigned char)(r >> 8)};
			int kind = (int)((r >> 16) % 6);

			if (kind < 4) {
				l.c = caches[kind];
				l.size = csize[kind];
				l.p = kmem_cache_alloc(l.c, GFP_KERNEL);
			} else if (kind == 4) {
				l.size = (size_t)((r >> 24) % 4096) + 1;
				l.p = kmalloc(l.size, GFP_KERNEL);
			} else {
				l.size = (size_t)((r >> 24) % 40000) + 1;
				l.p = kzalloc(l.size, GFP_KERNEL);
				for (size_t k = 0; k < l.size; k += 997)
					cr_assert_eq(l.p[k], 0);
			}
			cr_assert(l.p);
			for (j = 0; j < nlive; j++) {
				uintptr_t a = (uintptr_t)l.p, b = (uintptr_t)live[j].p;

				if (a < b + live[j].size && b < a + l.size)
					cr_assert_fail("overlap: %p+%zu and %p+%zu", (void *)l.p,
						       l.size, (void *)live[j].p, live[j].size);
			}
			fill(&l);
			live[nlive++] = l;
		} else {
			int k = (int)((r >> 32) % (uint64_t)nlive);

			verify(&live[k]);
			if (live[k].c)
				kmem_cache_free(live[k].c, live[k].p);
			else if (r & 1)
				kfree(live[k].p);
			else
				kfree_sensitive(live[k].p);
			live[k] = live[--nlive];
		}
		if (i % 5000 == 4999)
			kmem_cache_shrink(caches[(i / 5000) % 4]);
	}
	for (i = 0; i < nlive; i++) {
		verify(&live[i]);
		if (live[i].c)
			kmem_cache_free(live[i].c, live[i].p);
		else
			kfree(live[i].p);
	}
	for (i = 0; i < 4; i++)
		kmem_cache_destroy(caches[i]);
	free(live);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab_stress, random_model_no_overlap)
{
	cr_assert_eq(ukmem_boot("mem=256M nr_cpus=3"), 0);
	run_model(30000, 1500);
}

Test(slab_stress, random_model_with_full_debugging)
{
	cr_assert_eq(ukmem_boot("mem=256M nr_cpus=2 slub_debug=FZPU"), 0);
	run_model(8000, 600);
}

/* ------------------------------------------------------------ cross-thread */

#define RING 1024
struct ring {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	void *slot[RING];
	unsigned int head, tail;
	int done;
};

static struct ring ring = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
static struct kmem_cache *xcache;
static int per_producer;

static void ring_put(void *p)
{
	pthread_mutex_lock(&ring.lock);
	while (ring.head - ring.tail == RING)
		pthread_cond_wait(&ring.cond, &ring.lock);
	ring.slot[ring.head++ % RING] = p;
	pthread_cond_broadcast(&ring.cond);
	pthread_mutex_unlock(&ring.lock);
}

static void *ring_get(void)
{
	void *p = NULL;

	pthread_mutex_lock(&ring.lock);
	while (ring.head == ring.tail && !ring.done)
		pthread_cond_wait(&ring.cond, &ring.lock);
	if (ring.head != ring.tail)
		p = ring.slot[ring.tail++ % RING];
	pthread_cond_broadcast(&ring.cond);
	pthread_mutex_unlock(&ring.lock);
	return p;
}

static void *producer(void *arg)
{
	uintptr_t id = (uintptr_t)arg;

	for (int i = 0; i < per_producer; i++) {
		unsigned long *p;

		if (i & 1) {
			p = kmem_cache_alloc(xcache, GFP_KERNEL);
			p[0] = 1;
		} else {
			p = kmalloc(48 + (size_t)(i % 5) * 100, GFP_KERNEL);
			p[0] = 2;
		}
		if (!p)
			abort();
		p[1] = (unsigned long)p ^ id;
		p[2] = id;
		/* keep a few locally and free them here, mixing same-CPU frees in */
		if (i % 7 == 0) {
			if (p[0] == 1)
				kmem_cache_free(xcache, p);
			else
				kfree(p);
			continue;
		}
		ring_put(p);
	}
	return NULL;
}

static unsigned long bad;

static void *consumer(void *arg)
{
	unsigned long *p;

	while ((p = ring_get())) {
		if (p[1] != ((unsigned long)p ^ p[2]))
			__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
		if (p[0] == 1)
			kmem_cache_free(xcache, p);
		else
			kfree(p);
	}
	return NULL;
}

static volatile int stop_shrinker;
static void *shrinker(void *arg)
{
	while (!__atomic_load_n(&stop_shrinker, __ATOMIC_ACQUIRE)) {
		kmem_cache_shrink(xcache);
		slab_shrink_all(GFP_KERNEL);
	}
	return NULL;
}

/*
 * Slabs allocated up front, so that the threads below mostly recycle them:
 * with no shrinker running, the page allocator is hardly entered while the
 * threads run (ThreadSanitizer flags races inside page_alloc.c itself, see
 * cross_thread_frees_with_concurrent_shrink).
 */
static void prewarm(void)
{
	static void *objs[4][3000];
	int i, k;

	for (i = 0; i < 3000; i++) {
		objs[0][i] = kmem_cache_alloc(xcache, GFP_KERNEL);
		for (k = 1; k < 4; k++)
			objs[k][i] = kmalloc((size_t)(48 + (k - 1) * 200), GFP_KERNEL);
	}
	for (i = 0; i < 3000; i++) {
		kmem_cache_free(xcache, objs[0][i]);
		for (k = 1; k < 4; k++)
			kfree(objs[k][i]);
	}
}

static void cross_thread(const char *cmdline, int producers, int consumers, int n,
			 bool with_shrinker)
{
	pthread_t t[16], s;
	int i;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	ukmem_report_reset();
	xcache = kmem_cache_create("xthread", 72, 0, SLAB_NO_MERGE, NULL);
	per_producer = n;
	ring.head = ring.tail = 0;
	ring.done = 0;
	stop_shrinker = 0;
	if (with_shrinker)
		pthread_create(&s, NULL, shrinker, NULL);
	else
		prewarm();
	for (i = 0; i < consumers; i++)
		pthread_create(&t[i], NULL, consumer, NULL);
	for (i = 0; i < producers; i++)
		pthread_create(&t[consumers + i], NULL, producer, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < producers; i++)
		pthread_join(t[consumers + i], NULL);
	pthread_mutex_lock(&ring.lock);
	ring.done = 1;
	pthread_cond_broadcast(&ring.cond);
	pthread_mutex_unlock(&ring.lock);
	for (i = 0; i < consumers; i++)
		pthread_join(t[i], NULL);
	__atomic_store_n(&stop_shrinker, 1, __ATOMIC_RELEASE);
	if (with_shrinker)
		pthread_join(s, NULL);
	cr_assert_eq(bad, 0);
	kmem_cache_destroy(xcache);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab_stress, cross_thread_frees_more_cpus_than_threads)
{
	cross_thread("mem=128M nr_cpus=8", 2, 2, 15000, false);
}

Test(slab_stress, cross_thread_frees_more_threads_than_cpus)
{
	cross_thread("mem=128M nr_cpus=2", 3, 3, 8000, false);
}

Test(slab_stress, cross_thread_frees_debug_caches)
{
	cross_thread("mem=128M nr_cpus=4 slub_debug=FZP", 2, 2, 4000, false);
}

/*
 * Shrinking (draining every CPU's array, freeing empty slabs) while other
 * threads allocate and free.
 */
Test(slab_stress, cross_thread_frees_with_concurrent_shrink)
{
	cross_thread("mem=128M nr_cpus=3", 3, 2, 10000, true);
}

/* caches created and destroyed (draining every CPU) while other threads allocate */
static volatile int stop_workers;
static void *cache_user(void *arg)
{
	unsigned long *held[64];
	unsigned long n = 0;

	while (!__atomic_load_n(&stop_workers, __ATOMIC_ACQUIRE)) {
		int k = (int)(n % 64);

		if (n >= 64) {
			if (held[k][0] != (unsigned long)held[k])
				__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
			kmem_cache_free(xcache, held[k]);
		}
		held[k] = kmem_cache_alloc(xcache, GFP_KERNEL);
		held[k][0] = (unsigned long)held[k];
		n++;
	}
	for (unsigned long i = 0; i < 64 && i < n; i++)
		kmem_cache_free(xcache, held[i]);
	return NULL;
}

Test(slab_stress, create_destroy_while_others_allocate)
{
	pthread_t t[3];
	int i, round;

	cr_assert_eq(ukmem_boot("mem=128M nr_cpus=4"), 0);
	ukmem_report_reset();
	xcache = kmem_cache_create("xuser", 72, 0, SLAB_NO_MERGE, NULL);
	prewarm();
	stop_workers = 0;
	bad = 0;
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, cache_user, NULL);
	for (round = 0; round < 200; round++) {
		struct kmem_cache *c =
		    kmem_cache_create("churn", 40 + round % 5 * 8, 0, SLAB_NO_MERGE, NULL);
		void *p[50];

		cr_assert(c);
		for (i = 0; i < 50; i++)
			p[i] = kmem_cache_alloc(c, GFP_KERNEL);
		for (i = 0; i < 50; i++)
			kmem_cache_free(c, p[i]);
		kmem_cache_destroy(c);
	}
	__atomic_store_n(&stop_workers, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(bad, 0);
	kmem_cache_destroy(xcache);
	cr_assert_eq(ukmem_report_total(), 0);
}

/*
 * Thread caches (issue 11): more threads than CPUs, each allocating into its
 * own cache, objects passed between threads, threads exiting with objects
 * cached and new ones taking their place, while another thread shrinks
 * (draining every thread's cache) and reclaim runs. An object must never
 * have two owners at once: each owner sets a mark with an atomic exchange
 * that must find it clear, and clears it before the free. At the end the
 * caches must be empty (destroy finds nothing left, no report at all).
 */
#define TC_MARK 0x5a5a5a5a5a5a5a5aUL
static unsigned long *tc_pass[8]; /* objects handed between threads */
static unsigned long tc_double;

static void tc_own(unsigned long *p)
{
	if (__atomic_exchange_n(&p[0], TC_MARK, __ATOMIC_SEQ_CST) == TC_MARK)
		__atomic_fetch_add(&tc_double, 1, __ATOMIC_RELAXED);
}

static void tc_disown(struct kmem_cache *c, unsigned long *p)
{
	__atomic_store_n(&p[0], 0, __ATOMIC_SEQ_CST);
	if (c)
		kmem_cache_free(c, p);
	else
		kfree(p);
}

static void *tc_worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	unsigned long *held[40] = {0};
	uint64_t x = id * 0x9e3779b97f4a7c15ull + 1;

	for (int i = 0; i < 6000; i++) {
		int k;
		unsigned long *p;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (int)(x % 40);
		if (held[k])
			tc_disown(k & 1 ? xcache : NULL, held[k]);
		p = k & 1 ? kmem_cache_alloc(xcache, GFP_KERNEL)
			  : kmalloc(16 + (size_t)(x >> 40) % 200, GFP_KERNEL);
		if (!p)
			abort();
		tc_own(p);
		held[k] = p;
		if ((x >> 20) % 8 == 0 && (k & 1)) {
			/* hand it over: freed by whichever thread takes it next */
			p = __atomic_exchange_n(&tc_pass[(x >> 30) % 8], p, __ATOMIC_SEQ_CST);
			held[k] = NULL;
			if (p) /* ownership came with it: the mark stays set */
				tc_disown(xcache, p);
		}
	}
	for (int k = 0; k < 40; k++)
		if (held[k])
			tc_disown(k & 1 ? xcache : NULL, held[k]);
	return NULL;
}

static void tc_run(const char *cmdline)
{
	pthread_t t[8], s;
	int i, round;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	ukmem_report_reset();
	xcache = kmem_cache_create("xtc", 72, 0, SLAB_NO_MERGE, NULL);
	stop_shrinker = 0;
	tc_double = 0;
	pthread_create(&s, NULL, shrinker, NULL);
	for (round = 0; round < 3; round++) { /* threads exit with cached objects */
		for (i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, tc_worker,
				       (void *)(uintptr_t)(round * 8 + i + 1));
		for (i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
	}
	__atomic_store_n(&stop_shrinker, 1, __ATOMIC_RELEASE);
	pthread_join(s, NULL);
	for (i = 0; i < 8; i++)
		if (tc_pass[i]) {
			tc_disown(xcache, tc_pass[i]);
			tc_pass[i] = NULL;
		}
	cr_assert_eq(tc_double, 0, "%lu objects had two owners", tc_double);
	kmem_cache_destroy(xcache);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab_stress, thread_caches_more_threads_than_cpus, .timeout = 240)
{
	tc_run("mem=128M nr_cpus=2");
}

Test(slab_stress, thread_caches_more_cpus_than_threads, .timeout = 240)
{
	tc_run("mem=128M nr_cpus=16");
}

/*
 * A detached thread frees its objects (they stay in its thread cache), says
 * so and exits; the cache is destroyed meanwhile. Its exit used to unlist
 * its thread cache before giving the objects back, so a destroy running in
 * between missed them: "Slab cache still has objects" for objects nobody
 * held, and the cache was kept. Many rounds: the window is a race.
 */
static struct kmem_cache *exit_cache;
static sem_t exit_done;

static void *exit_worker(void *arg)
{
	void *p[8];
	int i;

	for (i = 0; i < 8; i++)
		p[i] = kmem_cache_alloc(exit_cache, GFP_KERNEL);
	for (i = 0; i < 8; i++)
		kmem_cache_free(exit_cache, p[i]);
	sem_post(&exit_done);
	return NULL;
}

Test(slab_stress, destroy_while_a_thread_exits_finds_its_thread_cache, .timeout = 240)
{
	pthread_attr_t attr;
	int round;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_report_reset();
	sem_init(&exit_done, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (round = 0; round < 500; round++) {
		pthread_t t;

		exit_cache = kmem_cache_create("exit_tc", 72, 0, SLAB_NO_MERGE, NULL);
		cr_assert_not_null(exit_cache);
		cr_assert_eq(pthread_create(&t, &attr, exit_worker, NULL), 0);
		sem_wait(&exit_done);
		kmem_cache_destroy(exit_cache);
		if (ukmem_report_count(UKMEM_REPORT_SLAB))
			break;
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 0,
		     "round %d: destroy missed an exiting thread's cached objects", round);
	cr_assert(!ukmem_dmesg_contains("still has objects"));
	pthread_attr_destroy(&attr);
}

/*
 * A thread-exit hook that runs after ukmem's (a pthread key made later, a
 * C++ thread_local) allocates. It used to make the thread a new thread
 * cache, listed for good with objects in it: 16 KiB of tables per such
 * thread, never freed, and objects parked until the next shrink.
 */
static pthread_key_t late_key;

static void late_free(void *p)
{
	kfree(p);
	kfree(kmalloc(100, GFP_KERNEL)); /* e.g. a last log line */
}

static void *late_worker(void *arg)
{
	void *p = kmalloc(100, GFP_KERNEL);

	kfree(kmalloc(100, GFP_KERNEL)); /* this thread has a cache now */
	pthread_setspecific(late_key, p);
	return NULL;
}

Test(slab_stress, exit_hook_after_ukmem_leaves_no_thread_cache_behind)
{
	unsigned int before;
	pthread_t t;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	kfree(kmalloc(100, GFP_KERNEL)); /* ukmem's exit key first, as in any program */
	cr_assert_eq(pthread_key_create(&late_key, late_free), 0);
	before = tc_tables_nr();
	for (i = 0; i < 4; i++) {
		cr_assert_eq(pthread_create(&t, NULL, late_worker, NULL), 0);
		pthread_join(t, NULL);
	}
	cr_assert_eq(tc_tables_nr(), before, "%u thread caches outlived their threads",
		     tc_tables_nr() - before);
	pthread_key_delete(late_key);
	cr_assert_eq(ukmem_report_total(), 0);
}

/*
 * The same kind of late exit hook destroys a cache whose objects sit in
 * another thread's cache: the exiting thread must still drain the others.
 */
static struct kmem_cache *late_cache;

static void late_destroy(void *p)
{
	kmem_cache_destroy(late_cache);
}

static void *late_destroyer(void *arg)
{
	kfree(kmalloc(100, GFP_KERNEL));
	pthread_setspecific(late_key, (void *)1);
	return NULL;
}

Test(slab_stress, exit_hook_after_ukmem_can_destroy_a_cache)
{
	void *p[8];
	pthread_t t;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_report_reset();
	kfree(kmalloc(100, GFP_KERNEL)); /* ukmem's exit key first */
	cr_assert_eq(pthread_key_create(&late_key, late_destroy), 0);
	late_cache = kmem_cache_create("late_tc", 72, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < 8; i++)
		p[i] = kmem_cache_alloc(late_cache, GFP_KERNEL);
	for (i = 0; i < 8; i++)
		kmem_cache_free(late_cache, p[i]); /* into this thread's cache */
	cr_assert_eq(pthread_create(&t, NULL, late_destroyer, NULL), 0);
	pthread_join(t, NULL);
	pthread_key_delete(late_key);
	cr_assert_eq(ukmem_report_total(), 0);
	cr_assert(!ukmem_dmesg_contains("still has objects"));
}
