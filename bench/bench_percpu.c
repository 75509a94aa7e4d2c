// SPDX-License-Identifier: MIT
/*
 * bench_percpu.c - per-CPU data speed.
 *
 *  1. this_cpu_inc on a per-CPU counter against an atomic add on one shared
 *     counter, from 1 and 2 threads (each thread on its own virtual CPU);
 *     __this_cpu_inc inside one preempt_disable section and raw_cpu_inc as
 *     the floor.
 *  2. alloc_percpu(u64) + free_percpu, one pair at a time (the small-object
 *     fast path), against malloc(8 * nr_cpus) + memset + free of the same
 *     bytes (alloc_percpu zeroes one u64 per possible CPU); the same for a
 *     128-byte area (the locked chunk allocator).
 *  3. alloc_percpu/free_percpu: 35,000 random sizes 1-1024 with alignments
 *     2-2048, all allocated then all freed (the shape of the kernel's
 *     test_vmalloc pcpu_alloc_test), against posix_memalign/free of the same
 *     requests (and mimalloc when present).
 *
 * Peers and ukmem alternate; each figure is the median of REPS runs.
 * Usage: bench_percpu [--csv] [--cpus N] [--reps N] [--only counters|small|alloc]
 */
#include "bench.h"
#include <ukmem.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef HAVE_MIMALLOC
#include <mimalloc.h>
#endif

#define INC_OPS	  2000000
#define NR_ALLOCS 35000
#define NR_PAIRS  200000

static bool csv;
static int reps = 7;
static DEFINE_PER_CPU(unsigned long, bench_counter);
static unsigned long shared_counter __attribute__((aligned(64)));

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void emit(const char *what, int threads, double ns, const char *unit_name, double ratio,
		 const char *peer)
{
	if (csv)
		printf("%s,%d,%.2f,%s,%.2f,%s\n", what, threads, ns, unit_name, ratio, peer);
	else
		printf("%-34s threads=%d  %9.2f %-9s  x%.2f vs %s\n", what, threads, ns, unit_name,
		       ratio, peer);
}

/* ---- 1. counters ---- */

enum inc_kind { INC_ATOMIC, INC_THIS_CPU, INC_THIS_CPU_NOPREEMPT, INC_RAW };

struct inc_arg {
	enum inc_kind kind;
	int cpu;
	pthread_barrier_t *bar;
	double ns;
};

static void *inc_worker(void *p)
{
	struct inc_arg *a = p;
	double t0;
	int i;

	ukmem_set_cpu(a->cpu);
	this_cpu_inc(bench_counter); /* warm: task state, CPU, cache */
	pthread_barrier_wait(a->bar);
	t0 = now_ns();
	switch (a->kind) {
	case INC_ATOMIC:
		for (i = 0; i < INC_OPS; i++)
			__atomic_fetch_add(&shared_counter, 1, __ATOMIC_RELAXED);
		break;
	case INC_THIS_CPU:
		for (i = 0; i < INC_OPS; i++)
			this_cpu_inc(bench_counter);
		break;
	case INC_THIS_CPU_NOPREEMPT:
		preempt_disable();
		for (i = 0; i < INC_OPS; i++)
			__this_cpu_inc(bench_counter);
		preempt_enable();
		break;
	case INC_RAW:
		for (i = 0; i < INC_OPS; i++)
			raw_cpu_inc(bench_counter);
		break;
	}
	a->ns = (now_ns() - t0) / INC_OPS;
	return NULL;
}

static double run_inc(enum inc_kind kind, int threads)
{
	pthread_t th[2];
	struct inc_arg args[2];
	pthread_barrier_t bar;
	double worst = 0;
	int i;

	pthread_barrier_init(&bar, NULL, (unsigned int)threads);
	for (i = 0; i < threads; i++) {
		args[i] = (struct inc_arg){kind, i % ukmem_nr_cpus(), &bar, 0};
		pthread_create(&th[i], NULL, inc_worker, &args[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		if (args[i].ns > worst)
			worst = args[i].ns;
	}
	pthread_barrier_destroy(&bar);
	return worst;
}

static void bench_counters(void)
{
	static const struct {
		enum inc_kind kind;
		const char *name;
	} kinds[] = {
	    {INC_THIS_CPU, "this_cpu_inc"},
	    {INC_THIS_CPU_NOPREEMPT, "__this_cpu_inc (preempt off)"},
	    {INC_RAW, "raw_cpu_inc"},
	};
	int threads, k, r;

	for (threads = 1; threads <= 2; threads++) {
		double atomic[64], mine[3][64], a;

		for (r = 0; r < reps; r++) {
			atomic[r] = run_inc(INC_ATOMIC, threads);
			for (k = 0; k < 3; k++)
				mine[k][r] = run_inc(kinds[k].kind, threads);
		}
		a = median(atomic, reps);
		emit("atomic add, one shared counter", threads, a, "ns/op", 1.0, "itself");
		for (k = 0; k < 3; k++) {
			double m = median(mine[k], reps);

			emit(kinds[k].name, threads, m, "ns/op", m / a, "atomic add");
		}
	}
}

/* ---- 2. alloc_percpu(u64) + free_percpu pairs ---- */

static void *volatile sink;

static double run_small_percpu(size_t size)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < NR_PAIRS; i++) {
		void __percpu *p = __alloc_percpu(size, 8);

		if (!p) {
			fprintf(stderr, "alloc_percpu(%zu) failed at %d\n", size, i);
			exit(1);
		}
		sink = p;
		free_percpu(p);
	}
	return (now_ns() - t0) / NR_PAIRS;
}

static double run_small_malloc(size_t size)
{
	size_t bytes = size * (size_t)ukmem_nr_cpus();
	double t0 = now_ns();
	int i;

	for (i = 0; i < NR_PAIRS; i++) {
		void *p = malloc(bytes);

		if (!p)
			exit(1);
		memset(p, 0, bytes);
		sink = p; /* keeps the compiler from eliding the pair */
		free(p);
	}
	return (now_ns() - t0) / NR_PAIRS;
}

static void bench_small(void)
{
	static const size_t sizes[] = {sizeof(u64), 128};
	double mine[64], peer[64], m, g;
	char what[64];
	int r, k;

	for (k = 0; k < 2; k++) {
		for (r = 0; r < reps; r++) {
			peer[r] = run_small_malloc(sizes[k]);
			mine[r] = run_small_percpu(sizes[k]);
		}
		g = median(peer, reps);
		m = median(mine, reps);
		snprintf(what, sizeof(what), "malloc(%zu*nr_cpus)+memset/free", sizes[k]);
		emit(what, 1, g, "ns/pair", 1.0, "itself");
		snprintf(what, sizeof(what), "alloc_percpu(%zu B)/free_percpu", sizes[k]);
		emit(what, 1, m, "ns/pair", m / g, "malloc+memset");
	}
}

/* ---- 3. alloc_percpu/free_percpu, random sizes ---- */

struct req {
	size_t size, align;
};

static struct req reqs[NR_ALLOCS];
static void *ptrs[NR_ALLOCS];

static double run_percpu(void)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < NR_ALLOCS; i++) {
		ptrs[i] = __alloc_percpu(reqs[i].size, reqs[i].align);
		if (!ptrs[i]) {
			fprintf(stderr, "alloc_percpu failed at %d\n", i);
			exit(1);
		}
	}
	for (i = 0; i < NR_ALLOCS; i++)
		free_percpu(ptrs[i]);
	return (now_ns() - t0) / NR_ALLOCS / 1000.0;
}

static double run_memalign(void)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < NR_ALLOCS; i++) {
		if (posix_memalign(&ptrs[i],
				   reqs[i].align < sizeof(void *) ? sizeof(void *) : reqs[i].align,
				   reqs[i].size))
			exit(1);
		memset(ptrs[i], 0, reqs[i].size); /* alloc_percpu zeroes */
	}
	for (i = 0; i < NR_ALLOCS; i++)
		free(ptrs[i]);
	return (now_ns() - t0) / NR_ALLOCS / 1000.0;
}

#ifdef HAVE_MIMALLOC
static double run_mimalloc(void)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < NR_ALLOCS; i++)
		ptrs[i] = mi_zalloc_aligned(reqs[i].size, reqs[i].align);
	for (i = 0; i < NR_ALLOCS; i++)
		mi_free(ptrs[i]);
	return (now_ns() - t0) / NR_ALLOCS / 1000.0;
}
#endif

static void bench_alloc(void)
{
	double mine[64], glibc[64], m, g;
#ifdef HAVE_MIMALLOC
	double mi[64], x;
#endif
	unsigned int seed = 2019;
	int i, r;

	for (i = 0; i < NR_ALLOCS; i++) {
		reqs[i].size = 1 + (size_t)(rand_r(&seed) % 1024);
		reqs[i].align = (size_t)2 << (rand_r(&seed) % 11);
	}
	for (r = 0; r < reps; r++) {
		glibc[r] = run_memalign();
		mine[r] = run_percpu();
#ifdef HAVE_MIMALLOC
		mi[r] = run_mimalloc();
#endif
	}
	g = median(glibc, reps);
	m = median(mine, reps);
	emit("posix_memalign+memset/free", 1, g, "us/pair", 1.0, "itself");
#ifdef HAVE_MIMALLOC
	x = median(mi, reps);
	emit("mi_zalloc_aligned/mi_free", 1, x, "us/pair", x / g, "posix_memalign");
#endif
	emit("alloc_percpu/free_percpu", 1, m, "us/pair", m / g, "posix_memalign");
	if (!csv)
		printf("  (%d CPUs: alloc_percpu zeroes %d copies; Linux anchor ~6.6 us/pair, "
		       "target <= 1 us)\n",
		       ukmem_nr_cpus(), ukmem_nr_cpus());
}

int main(int argc, char **argv)
{
	char cmdline[128];
	const char *only = NULL;
	int cpus = 2, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = true;
		else if (!strcmp(argv[i], "--cpus") && i + 1 < argc)
			cpus = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--csv] [--cpus N] [--reps N] [--only "
				"counters|small|alloc]\n",
				argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > 64)
		reps = 7;
	snprintf(cmdline, sizeof(cmdline), "mem=2G nr_cpus=%d loglevel=3", cpus);
	if (ukmem_boot(cmdline)) {
		fprintf(stderr, "boot failed: %s\n", cmdline);
		return 1;
	}
	if (csv)
		printf("what,threads,value,unit,ratio,peer\n");
	if (!only || !strcmp(only, "counters"))
		bench_counters();
	if (!only || !strcmp(only, "small"))
		bench_small();
	if (!only || !strcmp(only, "alloc"))
		bench_alloc();
	ukmem_shutdown();
	return 0;
}
