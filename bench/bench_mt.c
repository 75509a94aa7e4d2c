// SPDX-License-Identifier: MIT
/*
 * bench_mt.c - multi-thread allocation shapes, through ukmem's kmalloc/kfree
 * (bench_mt) or through malloc/free (bench_mt_malloc, run under LD_PRELOAD
 * for each peer). See workload.h.
 *
 *   pair      every thread: 64 B alloc+free pairs, independent of the others
 *   prodcons  threads in pairs: one allocates 64 B objects and hands them over
 *             in batches of 64 through a bounded ring, the other frees them
 *             (every object freed on another thread than it was allocated on)
 *   random    every thread keeps --n live objects (default 1,000) of random
 *             sizes 8-4096 and replaces a random one per op
 *
 * The main thread allocates and frees a little first (as any program's main
 * thread does before it starts workers); --pre-threads K then creates K
 * short-lived threads that allocate, exit and are joined before the measured
 * threads start. One timed run per process: a second run's threads would find
 * the first run's threads gone, which is what --pre-threads measures on purpose.
 * The total work is fixed and split over the threads; ns per op is the wall
 * time over one thread's operations, spread the last finish over the first.
 */
#include "workload.h"
#include <sched.h>

#define SHAPES "pair prodcons random"

static struct wl_opts o;

struct worker {
	struct wl_thread t;
	long ops;
	struct ring *ring;
} __attribute__((aligned(64)));

/* ---------------------------------------------------------------- pair */

static void *pair_worker(void *arg)
{
	struct worker *w = arg;

	wl_thread_begin(&w->t);
	for (long i = 0; i < w->ops; i++) {
		char *p = wl_alloc(64);

		wl_escape(p);
		*(volatile char *)p = (char)i;
		wl_free(p);
	}
	wl_thread_end(&w->t);
	return NULL;
}

/* ---------------------------------------------------------------- prodcons */

#define RING  64
#define BATCH 64

struct ring {
	unsigned long head __attribute__((aligned(64))); /* written by the producer */
	unsigned long tail __attribute__((aligned(64))); /* written by the consumer */
	void *obj[RING][BATCH] __attribute__((aligned(64)));
};

static void *producer(void *arg)
{
	struct worker *w = arg;
	struct ring *r = w->ring;
	long batches = w->ops / BATCH;

	wl_thread_begin(&w->t);
	for (long b = 0; b < batches; b++) {
		unsigned long h = r->head;
		void **slot = r->obj[h % RING];

		while (h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= RING)
			sched_yield();
		for (int i = 0; i < BATCH; i++) {
			slot[i] = wl_alloc(64);
			*(volatile char *)slot[i] = 1;
		}
		__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
	}
	wl_thread_end(&w->t);
	return NULL;
}

static void *consumer(void *arg)
{
	struct worker *w = arg;
	struct ring *r = w->ring;
	long batches = w->ops / BATCH;

	wl_thread_begin(&w->t);
	for (long b = 0; b < batches; b++) {
		unsigned long t = r->tail;
		void **slot = r->obj[t % RING];

		while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == t)
			sched_yield();
		for (int i = 0; i < BATCH; i++)
			wl_free(slot[i]);
		__atomic_store_n(&r->tail, t + 1, __ATOMIC_RELEASE);
	}
	wl_thread_end(&w->t);
	return NULL;
}

static void *prodcons_worker(void *arg)
{
	struct worker *w = arg;

	return w->t.id % 2 ? consumer(arg) : producer(arg);
}

/* ---------------------------------------------------------------- random */

static void *random_worker(void *arg)
{
	struct worker *w = arg;
	long live = o.n;
	void **slot = wl_xmalloc((size_t)live * sizeof(*slot));
	uint64_t seed = 1000 + (uint64_t)w->t.id;

	for (long i = 0; i < live; i++) {
		size_t sz = 8 + (size_t)(wl_rand(&seed) % 4089);

		slot[i] = wl_alloc(sz);
		wl_check(slot[i], sz);
	}
	wl_thread_begin(&w->t);
	for (long i = 0; i < w->ops; i++) {
		uint64_t r = wl_rand(&seed);
		long k = (long)((r >> 32) % (uint64_t)live);
		size_t sz = 8 + (size_t)((uint32_t)r % 4089);

		wl_free(slot[k]);
		slot[k] = wl_alloc(sz);
		*(volatile char *)slot[k] = 1;
	}
	for (long i = 0; i < live; i++)
		wl_free(slot[i]);
	wl_thread_end(&w->t);
	free(slot);
	return NULL;
}

/* the main thread's own use of the allocator before it starts workers */
static void warm_main(void)
{
	void *p[1000];
	uint64_t seed = 7;

	for (int i = 0; i < 1000; i++) {
		size_t sz = i % 2 ? 64 : 8 + (size_t)(wl_rand(&seed) % 4089);

		p[i] = wl_alloc(sz);
		wl_check(p[i], sz);
	}
	for (int i = 0; i < 1000; i++)
		wl_free(p[i]);
}

int main(int argc, char **argv)
{
	void *(*fn)(void *);
	struct worker *w;
	double total, wall, spread;
	int n;

	wl_parse(argc, argv, &o, SHAPES);
	n = o.threads;
	if (!strcmp(o.shape, "pair")) {
		fn = pair_worker;
		total = 8e6;
	} else if (!strcmp(o.shape, "prodcons")) {
		if (n % 2) {
			fprintf(stderr, "prodcons needs an even number of threads\n");
			return 2;
		}
		fn = prodcons_worker;
		total = 4e6;
	} else if (!strcmp(o.shape, "random")) {
		fn = random_worker;
		total = 4e6;
		if (o.n <= 0)
			o.n = 1000;
	} else {
		wl_usage(argv[0], SHAPES);
		return 2;
	}
	wl_boot(&o);
	w = aligned_alloc(64, (size_t)n * sizeof(*w));
	wl_check(w, (size_t)n * sizeof(*w));
	memset(w, 0, (size_t)n * sizeof(*w));
	for (int i = 0; i < n; i++) {
		w[i].ops = wl_ops(&o, total / n);
		if (fn == prodcons_worker) {
			/* a producer and its consumer move the same objects */
			w[i].ops = wl_ops(&o, total / (n / 2)) / BATCH * BATCH;
			if (!(i % 2)) {
				w[i].ring = aligned_alloc(64, sizeof(struct ring));
				wl_check(w[i].ring, sizeof(struct ring));
				memset(w[i].ring, 0, sizeof(struct ring));
			} else {
				w[i].ring = w[i - 1].ring;
			}
		}
	}
	warm_main();
	wl_pre_threads(o.pre_threads);
	wl_phase_begin();
	wall = wl_run_threads(n, fn, w, sizeof(*w), &spread);
	wl_phase_end();
	wl_result(wall / (double)w[0].ops, spread);
	return 0;
}
