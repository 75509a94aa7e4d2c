// SPDX-License-Identifier: MIT
/*
 * bench_page_alloc.c - alloc_pages+__free_pages pairs, order 0 and order 3,
 * with and without the per-CPU page lists, on 1 and 2 threads, beside the
 * host floor measured in the same run: mmap+munmap of the same size (the
 * host kernel's page allocator). Allocator peers (posix_memalign of a page
 * under glibc, mimalloc, jemalloc, tcmalloc) are compared by ukbench's
 * "page" shape, each preloaded into its own process (docs/benchmarks.md).
 *
 * Each repetition times ukmem and the floor back to back (alternating), the
 * line reports the median over repetitions in ns per pair (per thread), and
 * ratio = ukmem / floor (below 1: ukmem is faster).
 *
 * usage: bench_page_alloc [--csv] [--reps N] [--pairs N]
 */
#include "bench.h"
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum peer { P_UKMEM, P_MMAP, NR_PEERS };
static const char *const peer_names[NR_PEERS] = {"ukmem", "mmap"};

static int reps = 11;
static long pairs = 200000;
static int csv;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

struct job {
	enum peer peer;
	unsigned int order;
	long n;
	pthread_barrier_t *bar;
	double ns;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	size_t size = 4096UL << j->order;
	double t0;
	long i;

	if (j->bar)
		pthread_barrier_wait(j->bar);
	t0 = now_ns();
	switch (j->peer) {
	case P_UKMEM:
		for (i = 0; i < j->n; i++) {
			struct page *p = alloc_pages(GFP_KERNEL, j->order);

			__asm__ volatile("" : : "r"(p) : "memory");
			__free_pages(p, j->order);
		}
		break;
	case P_MMAP:
		for (i = 0; i < j->n; i++) {
			void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			__asm__ volatile("" : : "r"(p) : "memory");
			munmap(p, size);
		}
		break;
	default:
		break;
	}
	j->ns = (now_ns() - t0) / (double)j->n;
	return NULL;
}

/* ns per pair per thread: the mean over the threads of one timed run */
static double measure(enum peer peer, unsigned int order, int threads)
{
	long n = peer == P_MMAP ? pairs / 20 : pairs;
	struct job jobs[2];
	pthread_t th[2];
	pthread_barrier_t bar;
	double sum = 0;
	int i;

	if (threads == 1) {
		jobs[0] = (struct job){peer, order, n, NULL, 0};
		run_job(&jobs[0]);
		return jobs[0].ns;
	}
	pthread_barrier_init(&bar, NULL, (unsigned int)threads);
	for (i = 0; i < threads; i++) {
		jobs[i] = (struct job){peer, order, n, &bar, 0};
		pthread_create(&th[i], NULL, run_job, &jobs[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		sum += jobs[i].ns;
	}
	pthread_barrier_destroy(&bar);
	return sum / threads;
}

static void bench(int pcp, unsigned int order, int threads)
{
	double *t[NR_PEERS], med[NR_PEERS];
	int r, p, np = NR_PEERS;

	for (p = 0; p < np; p++)
		t[p] = calloc((size_t)reps, sizeof(double));
	measure(P_UKMEM, order, threads); /* warm the lists and the page tables */
	/* alternate: every peer once per repetition, starting with a different one */
	for (r = 0; r < reps; r++) {
		int k;

		for (k = 0; k < np; k++) {
			p = (k + r) % np;
			t[p][r] = measure((enum peer)p, order, threads);
		}
	}
	for (p = 0; p < np; p++)
		med[p] = median(t[p], reps);
	if (csv) {
		for (p = 0; p < np; p++)
			printf("order%u,pcp=%s,threads=%d,%s,%.1f,%.3f\n", order,
			       pcp ? "on" : "off", threads, peer_names[p], med[p],
			       med[P_UKMEM] / med[p]);
	} else {
		printf("order-%u pair (%2lu KiB)  pcp %-3s  %d thread%s: ukmem %7.1f ns", order,
		       4UL << order, pcp ? "on" : "off", threads, threads > 1 ? "s" : " ",
		       med[P_UKMEM]);
		for (p = 1; p < np; p++)
			printf(" | %s %7.1f ns (ratio %.2f)", peer_names[p], med[p],
			       med[P_UKMEM] / med[p]);
		printf("\n");
	}
	for (p = 0; p < np; p++)
		free(t[p]);
}

int main(int argc, char **argv)
{
	int i, pcp;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = 1;
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pairs") && i + 1 < argc)
			pairs = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--csv] [--reps N] [--pairs N]\n", argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > 64)
		reps = 11;
	if (pairs < 100)
		pairs = 100;
	if (csv)
		printf("workload,pcp,threads,peer,median_ns_per_pair,ratio_ukmem_over_floor\n");
	else
		printf("# median of %d repetitions, %ld pairs each (mmap: %ld); ratio = ukmem/host "
		       "floor\n",
		       reps, pairs, pairs / 20);
	for (pcp = 1; pcp >= 0; pcp--) {
		if (ukmem_boot(pcp ? "mem=1G nr_cpus=2 quiet"
				   : "mem=1G nr_cpus=2 quiet percpu_pagelists=0")) {
			fprintf(stderr, "boot failed\n");
			return 1;
		}
		bench(pcp, 0, 1);
		bench(pcp, 3, 1);
		bench(pcp, 0, 2);
		bench(pcp, 3, 2);
		ukmem_shutdown();
	}
	return 0;
}
