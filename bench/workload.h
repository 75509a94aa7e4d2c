/* SPDX-License-Identifier: MIT */
/*
 * workload.h - what the workload programs (bench_st, bench_mt, bench_prog)
 * share: the allocator they run on, timing, threads, and the result line.
 *
 * Each workload source is compiled twice:
 *   <name>_malloc  with BENCH_MALLOC: allocates through malloc/free only and
 *                  links nothing of ukmem, so the allocator measured is
 *                  whatever LD_PRELOAD puts in front of glibc (glibc itself
 *                  when nothing is preloaded);
 *   <name>         through ukmem's kernel API (kmalloc/kfree,
 *                  kmem_cache_alloc/free, alloc_pages, alloc_percpu), linked
 *                  with ukmem_static and run without any preload.
 * ukbench runs them, one process per measurement, peers and ukmem alternating.
 *
 * A program prints one line per measurement on stdout:
 *   RESULT <ns per op> <spread> <allocator> <voluntary context switches>
 * ns per op: wall time of the timed phase divided by the operations one
 * thread performs (with more threads than host cores it includes the time a
 * thread waits for a core, for every allocator alike). spread: the last
 * thread's finish time over the first one's, both from the common start
 * (1 with one thread). allocator: ukmem, or the malloc found in the process
 * (glibc, mimalloc, jemalloc, tcmalloc), so that a preload that did not take
 * is caught instead of measured as glibc. Voluntary context switches (the
 * process's, over the measured phase): a thread that sleeps on a futex
 * counts one each time; the pair and random shapes never block on their own,
 * so there every one of them is the allocator's doing (or the start barrier's).
 */
#ifndef UKMEM_BENCH_WORKLOAD_H
#define UKMEM_BENCH_WORKLOAD_H

#include "bench.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#ifdef BENCH_MALLOC
#define WL_API "malloc"
#else
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#define WL_API "ukmem"
#endif

/* keep the compiler from proving an allocation unused and dropping it */
#define wl_escape(p) __asm__ volatile("" : : "r"(p) : "memory")

static inline double wl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* splitmix64: cheap, the same sequence for every allocator */
static inline uint64_t wl_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* general-purpose allocation: kmalloc/kfree or malloc/free */
static inline __attribute__((always_inline)) void *wl_alloc(size_t size)
{
#ifdef BENCH_MALLOC
	return malloc(size);
#else
	return kmalloc(size, GFP_KERNEL);
#endif
}

static inline __attribute__((always_inline)) void wl_free(void *p)
{
#ifdef BENCH_MALLOC
	free(p);
#else
	kfree(p);
#endif
}

/* ---------------------------------------------------------------- options */

struct wl_opts {
	const char *shape;
	int cpus;	 /* ukmem nr_cpus= (0: ukmem's default, the host's CPUs) */
	const char *mem; /* ukmem mem= */
	int threads;
	int pre_threads; /* short-lived threads created and joined first */
	int reps;	 /* timed repetitions inside the process (single thread) */
	int cache;	 /* ukmem: kmem_cache_alloc instead of kmalloc */
	long n;		 /* shape parameter (batch size, live set, order) */
	int random;	 /* batch: free in random order */
	double scale;	 /* multiplies the amount of work */
};

static inline void wl_usage(const char *prog, const char *shapes)
{
	fprintf(stderr,
		"usage: %s SHAPE [--threads T] [--pre-threads K] [--cpus N] [--mem SIZE]\n"
		"          [--reps R] [--cache] [--n N] [--random] [--scale F]\n"
		"shapes: %s\n",
		prog, shapes);
	exit(2);
}

static inline void wl_parse(int argc, char **argv, struct wl_opts *o, const char *shapes)
{
	*o = (struct wl_opts){.mem = "512M", .threads = 1, .reps = 3, .scale = 1.0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--cache")) {
			o->cache = 1;
		} else if (!strcmp(a, "--random")) {
			o->random = 1;
		} else if (a[0] == '-' && a[1] == '-' && v) {
			i++;
			if (!strcmp(a, "--threads"))
				o->threads = atoi(v);
			else if (!strcmp(a, "--pre-threads"))
				o->pre_threads = atoi(v);
			else if (!strcmp(a, "--cpus"))
				o->cpus = atoi(v);
			else if (!strcmp(a, "--mem"))
				o->mem = v;
			else if (!strcmp(a, "--reps"))
				o->reps = atoi(v);
			else if (!strcmp(a, "--n"))
				o->n = atol(v);
			else if (!strcmp(a, "--scale"))
				o->scale = atof(v);
			else
				wl_usage(argv[0], shapes);
		} else if (a[0] != '-' && !o->shape) {
			o->shape = a;
		} else {
			wl_usage(argv[0], shapes);
		}
	}
	if (!o->shape || o->threads < 1 || o->threads > 256 || o->reps < 1 || o->reps > 99 ||
	    o->scale <= 0)
		wl_usage(argv[0], shapes);
}

/* scaled operation count, at least 1 */
static inline long wl_ops(const struct wl_opts *o, double base)
{
	double n = base * o->scale;

	return n < 1 ? 1 : (long)n;
}

/* ---------------------------------------------------------------- setup */

static inline const char *wl_allocator(void)
{
#ifdef BENCH_MALLOC
	/* the preloaded library's own entry points are visible to the whole process */
	if (dlsym(RTLD_DEFAULT, "mi_malloc"))
		return "mimalloc";
	if (dlsym(RTLD_DEFAULT, "mallocx"))
		return "jemalloc";
	if (dlsym(RTLD_DEFAULT, "tc_malloc"))
		return "tcmalloc";
	return "glibc";
#else
	return "ukmem";
#endif
}

static inline void wl_boot(const struct wl_opts *o)
{
#ifndef BENCH_MALLOC
	char cmdline[128];
	int len = snprintf(cmdline, sizeof(cmdline), "mem=%s loglevel=3", o->mem);

	if (o->cpus > 0)
		snprintf(cmdline + len, sizeof(cmdline) - (size_t)len, " nr_cpus=%d", o->cpus);
	if (ukmem_boot(cmdline)) {
		fprintf(stderr, "ukmem_boot(\"%s\") failed\n", cmdline);
		exit(1);
	}
#endif
}

static long wl_nvcsw_start, wl_nvcsw;

static inline long wl_nvcsw_now(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_nvcsw;
}

/* the measured phase starts/ends: the voluntary context switches between */
static inline void wl_phase_begin(void)
{
	wl_nvcsw_start = wl_nvcsw_now();
}

static inline void wl_phase_end(void)
{
	wl_nvcsw = wl_nvcsw_now() - wl_nvcsw_start;
}

static inline void wl_result(double ns_per_op, double spread)
{
	printf("RESULT %.3f %.3f %s %ld\n", ns_per_op, spread, wl_allocator(), wl_nvcsw);
	fflush(stdout);
}

static inline void *wl_xmalloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p) {
		fprintf(stderr, "out of host memory\n");
		exit(1);
	}
	return p;
}

static inline void wl_check(void *p, size_t size)
{
	if (!p) {
		fprintf(stderr, "allocation of %zu bytes failed\n", size);
		exit(1);
	}
}

/* ---------------------------------------------------------------- threads */

/* every worker's argument starts with this */
struct wl_thread {
	int id;
	pthread_barrier_t *start_bar;
	double start, end;
};

/* called by a worker when it is ready: waits for all, then the clock starts */
static inline void wl_thread_begin(struct wl_thread *t)
{
	if (t->start_bar)
		pthread_barrier_wait(t->start_bar);
	t->start = wl_now();
}

static inline void wl_thread_end(struct wl_thread *t)
{
	t->end = wl_now();
}

/*
 * wl_thread_times - after every worker of @args (@n of them, @stride bytes
 * apart) has ended. Return: wall time from the first start to the last
 * finish; *@spread: last finish over first finish.
 */
static inline double wl_thread_times(int n, void *args, size_t stride, double *spread)
{
	double start = 0, first = 0, last = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct wl_thread *t = (struct wl_thread *)((char *)args + (size_t)i * stride);

		if (!i || t->start < start)
			start = t->start;
	}
	for (i = 0; i < n; i++) {
		struct wl_thread *t = (struct wl_thread *)((char *)args + (size_t)i * stride);
		double f = t->end - start;

		if (!i || f < first)
			first = f;
		if (!i || f > last)
			last = f;
	}
	*spread = first > 0 ? last / first : 1;
	return last;
}

/*
 * wl_start_threads - start @n workers @fn on @args (@stride bytes apart, each
 * starting with a struct wl_thread), released together by @bar (initialised
 * here for @n); @th receives their handles.
 */
static inline void wl_start_threads(int n, void *(*fn)(void *), void *args, size_t stride,
				    pthread_barrier_t *bar, pthread_t *th)
{
	pthread_barrier_init(bar, NULL, (unsigned int)n);
	for (int i = 0; i < n; i++) {
		struct wl_thread *t = (struct wl_thread *)((char *)args + (size_t)i * stride);

		t->id = i;
		t->start_bar = bar;
		if (pthread_create(&th[i], NULL, fn, t)) {
			fprintf(stderr, "pthread_create failed\n");
			exit(1);
		}
	}
}

/* wl_run_threads - start the workers, join them; wl_thread_times() of the run */
static inline double wl_run_threads(int n, void *(*fn)(void *), void *args, size_t stride,
				    double *spread)
{
	pthread_t *th = wl_xmalloc((size_t)n * sizeof(*th));
	pthread_barrier_t bar;

	wl_start_threads(n, fn, args, stride, &bar, th);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	free(th);
	return wl_thread_times(n, args, stride, spread);
}

static inline void *wl_short_lived(void *arg)
{
	void *p[16];

	for (int i = 0; i < 16; i++) {
		p[i] = wl_alloc(64);
		wl_check(p[i], 64);
	}
	for (int i = 0; i < 16; i++)
		wl_free(p[i]);
	return arg;
}

/*
 * wl_pre_threads - @k threads that allocate a little and exit, all created
 * before any is joined: what a program that started and ended helper threads
 * leaves behind before the measured threads start.
 */
static inline void wl_pre_threads(int k)
{
	pthread_t th[64];

	if (k > 64)
		k = 64;
	for (int i = 0; i < k; i++)
		pthread_create(&th[i], NULL, wl_short_lived, NULL);
	for (int i = 0; i < k; i++)
		pthread_join(th[i], NULL);
}

#endif
