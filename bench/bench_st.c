// SPDX-License-Identifier: MIT
/*
 * bench_st.c - single-thread allocation shapes, through ukmem's kernel API
 * (bench_st) or through malloc/free (bench_st_malloc, run under LD_PRELOAD
 * for each peer). workload.h says how the two builds differ; ukbench runs
 * them and compares.
 *
 *   pair     64 B alloc+free, hot (ukmem: kmalloc, or kmem_cache with --cache)
 *   batch    --n N allocations of 64 B, then N frees in allocation order,
 *            or in a random order with --random (a permutation drawn once)
 *   rand     --n live objects (default 10,000) of random sizes 8-4096; each
 *            op frees a random one and allocates a new random size in its place
 *   page     --n order: alloc_pages+__free_pages vs posix_memalign(4096)+free
 *            of the same size; one byte of the block written
 *   percpu   alloc_percpu(u64)+free_percpu vs malloc(8 * --cpus)+memset+free
 *
 * One warm-up run, then --reps timed runs; the result is their median, in ns
 * per operation (one alloc+free pair, one object of a batch, one replacement).
 */
#include "workload.h"

#define SHAPES "pair batch rand page percpu"

static struct wl_opts o;

#ifndef BENCH_MALLOC
static struct kmem_cache *cache64;
#endif

/* a 64-byte object: kmem_cache or kmalloc for ukmem, malloc for the peers */
static inline __attribute__((always_inline)) void *obj_alloc(const int cache)
{
#ifndef BENCH_MALLOC
	if (cache)
		return kmem_cache_alloc(cache64, GFP_KERNEL);
#endif
	return wl_alloc(64);
}

static inline __attribute__((always_inline)) void obj_free(void *p, const int cache)
{
#ifndef BENCH_MALLOC
	if (cache) {
		kmem_cache_free(cache64, p);
		return;
	}
#endif
	wl_free(p);
}

/* ---------------------------------------------------------------- pair */

static inline __attribute__((always_inline)) double pair_loop(long n, const int cache)
{
	double t0 = wl_now();

	for (long i = 0; i < n; i++) {
		char *p = obj_alloc(cache);

		wl_escape(p);
		*(volatile char *)p = (char)i;
		obj_free(p, cache);
	}
	return (wl_now() - t0) / (double)n;
}

static double run_pair(void)
{
	long n = wl_ops(&o, 2000000);

	return o.cache ? pair_loop(n, 1) : pair_loop(n, 0);
}

/* ---------------------------------------------------------------- batch */

static void **slots;
static unsigned int *perm;

static inline __attribute__((always_inline)) double batch_loop(long n, long rounds, const int cache)
{
	double t0 = wl_now();

	for (long r = 0; r < rounds; r++) {
		for (long i = 0; i < n; i++) {
			slots[i] = obj_alloc(cache);
			*(volatile char *)slots[i] = 1;
		}
		if (o.random)
			for (long i = 0; i < n; i++)
				obj_free(slots[perm[i]], cache);
		else
			for (long i = 0; i < n; i++)
				obj_free(slots[i], cache);
	}
	return (wl_now() - t0) / (double)(n * rounds);
}

static double run_batch(void)
{
	/* about 1,000,000 objects a run; large batches: 3 rounds (the first is cold) */
	long n = o.n, rounds = wl_ops(&o, 1000000.0 / (double)n);

	if (rounds < 3)
		rounds = 3;
	return o.cache ? batch_loop(n, rounds, 1) : batch_loop(n, rounds, 0);
}

static void setup_batch(void)
{
	uint64_t seed = 11;

	if (o.n <= 0)
		o.n = 1000;
	slots = wl_xmalloc((size_t)o.n * sizeof(*slots));
	perm = wl_xmalloc((size_t)o.n * sizeof(*perm));
	for (long i = 0; i < o.n; i++)
		perm[i] = (unsigned int)i;
	for (long i = o.n - 1; i > 0; i--) {
		long j = (long)(wl_rand(&seed) % (uint64_t)(i + 1));
		unsigned int t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
}

/* ---------------------------------------------------------------- rand */

static uint64_t rand_seed = 42;

static inline size_t rand_size(void)
{
	return 8 + (size_t)(wl_rand(&rand_seed) % 4089);
}

static void setup_rand(void)
{
	if (o.n <= 0)
		o.n = 10000;
	slots = wl_xmalloc((size_t)o.n * sizeof(*slots));
	for (long i = 0; i < o.n; i++) {
		size_t sz = rand_size();

		slots[i] = wl_alloc(sz);
		wl_check(slots[i], sz);
		*(volatile char *)slots[i] = 1;
	}
}

static double run_rand(void)
{
	long ops = wl_ops(&o, 250000);
	double t0 = wl_now();

	for (long i = 0; i < ops; i++) {
		uint64_t r = wl_rand(&rand_seed);
		long k = (long)((r >> 32) % (uint64_t)o.n);
		size_t sz = 8 + (size_t)((uint32_t)r % 4089);

		wl_free(slots[k]);
		slots[k] = wl_alloc(sz);
		*(volatile char *)slots[k] = 1;
	}
	return (wl_now() - t0) / (double)ops;
}

/* ---------------------------------------------------------------- page */

static double run_page(void)
{
	unsigned int order = (unsigned int)o.n;
	long n = wl_ops(&o, order ? 100000 : 200000);
	double t0 = wl_now();

	for (long i = 0; i < n; i++) {
#ifdef BENCH_MALLOC
		void *p;

		if (posix_memalign(&p, 4096, (size_t)4096 << order))
			wl_check(NULL, (size_t)4096 << order);
		*(volatile char *)p = 1;
		free(p);
#else
		struct page *page = alloc_pages(GFP_KERNEL, order);

		wl_check(page, (size_t)4096 << order);
		*(volatile char *)lowmem_page_address(page) = 1;
		__free_pages(page, order);
#endif
	}
	return (wl_now() - t0) / (double)n;
}

/* ---------------------------------------------------------------- percpu */

static double run_percpu(void)
{
	long n = wl_ops(&o, 50000);
	double t0 = wl_now();
#ifdef BENCH_MALLOC
	/* one copy per CPU: ukbench passes the host's CPUs as --cpus */
	size_t size = 8 * (size_t)(o.cpus > 0 ? o.cpus : sysconf(_SC_NPROCESSORS_ONLN));

	for (long i = 0; i < n; i++) {
		void *p = malloc(size);

		wl_check(p, size);
		memset(p, 0, size); /* alloc_percpu hands out zeroed copies */
		wl_escape(p);
		free(p);
	}
#else
	for (long i = 0; i < n; i++) {
		u64 __percpu *p = alloc_percpu(u64);

		wl_check((void *)p, sizeof(u64));
		wl_escape(p);
		free_percpu(p);
	}
#endif
	return (wl_now() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	double (*run)(void);
	double *t;

	wl_parse(argc, argv, &o, SHAPES);
	wl_boot(&o);
#ifndef BENCH_MALLOC
	if (o.cache) {
		cache64 = kmem_cache_create("bench_64", 64, 0, SLAB_NO_MERGE, NULL);
		wl_check(cache64, 64);
	}
#endif
	if (!strcmp(o.shape, "pair")) {
		run = run_pair;
	} else if (!strcmp(o.shape, "batch")) {
		setup_batch();
		run = run_batch;
	} else if (!strcmp(o.shape, "rand")) {
		setup_rand();
		run = run_rand;
	} else if (!strcmp(o.shape, "page")) {
		if (o.n < 0 || o.n > 10)
			wl_usage(argv[0], SHAPES);
		run = run_page;
	} else if (!strcmp(o.shape, "percpu")) {
		run = run_percpu;
	} else {
		wl_usage(argv[0], SHAPES);
		return 2;
	}
	t = wl_xmalloc((size_t)o.reps * sizeof(*t));
	run(); /* warm-up */
	wl_phase_begin();
	for (int r = 0; r < o.reps; r++)
		t[r] = run();
	wl_phase_end();
	wl_result(median(t, o.reps), 1.0);
	return 0;
}
