// SPDX-License-Identifier: MIT
/*
 * bench_percpu.c - per-CPU data speed.
 *
 *  1. this_cpu_inc on a per-CPU counter against an atomic add on one shared
 *     counter, from 1 and 2 threads (each thread on its own virtual CPU);
 *     __this_cpu_inc inside one preempt_disable section and raw_cpu_inc as
 *     the floor.
 *  2. alloc_percpu/free_percpu: 35,000 random sizes 1-1024 with alignments
 *     2-2048, all allocated then all freed (the shape of the kernel's
 *     test_vmalloc pcpu_alloc_test), in us per pair. Allocator peers are
 *     compared by ukbench's "percpu" shape (alloc_percpu(u64) against
 *     malloc+memset of one copy per CPU), each preloaded into its own process
 *     (docs/benchmarks.md); nothing here calls another allocator.
 *
 * Each figure is the median of REPS runs.
 * Usage: bench_percpu [--csv] [--cpus N] [--reps N]
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

#define INC_OPS	  2000000
#define NR_ALLOCS 35000

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

/* ---- 2. alloc_percpu/free_percpu ---- */

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

static void bench_alloc(void)
{
	double mine[64];
	unsigned int seed = 2019;
	int i, r;

	for (i = 0; i < NR_ALLOCS; i++) {
		reqs[i].size = 1 + (size_t)(rand_r(&seed) % 1024);
		reqs[i].align = (size_t)2 << (rand_r(&seed) % 11);
	}
	run_percpu(); /* warm: the chunks' host pages faulted in once */
	for (r = 0; r < reps; r++)
		mine[r] = run_percpu();
	emit("alloc_percpu/free_percpu", 1, median(mine, reps), "us/pair", 1.0, "itself");
	if (!csv)
		printf("  (%d CPUs: alloc_percpu zeroes %d copies; Linux anchor ~6.6 us/pair, "
		       "target <= 1 us)\n",
		       ukmem_nr_cpus(), ukmem_nr_cpus());
}

int main(int argc, char **argv)
{
	char cmdline[128];
	int cpus = 2, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = true;
		else if (!strcmp(argv[i], "--cpus") && i + 1 < argc)
			cpus = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--csv] [--cpus N] [--reps N]\n", argv[0]);
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
	bench_counters();
	bench_alloc();
	ukmem_shutdown();
	return 0;
}
