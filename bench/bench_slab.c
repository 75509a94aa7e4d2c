// SPDX-License-Identifier: MIT
/*
 * bench_slab.c - the slab allocator against itself: what has no malloc
 * counterpart. Allocator peers are compared by ukbench (docs/benchmarks.md),
 * each preloaded into its own process; nothing here links or dlopen()s one.
 *
 *   pair     kmem_cache_alloc+free and kmalloc+kfree, 64 and 256 bytes, hot
 *   bulk     kmem_cache_alloc_bulk/free_bulk at 1..256 vs the single path
 *   memory   metadata + waste for 100k live 64-byte objects
 *
 * Every figure is the median of REPS runs. --csv prints CSV.
 */
#include "bench.h"
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 7

static int csv;
static struct kmem_cache *cur_cache;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* 1: hot alloc+free pairs of cur_cache (@slab) or kmalloc(@size). Return: ns per pair. */
static size_t pair_size;

static double pair_run(int slab, long iters)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		volatile char *p =
		    slab ? kmem_cache_alloc(cur_cache, GFP_KERNEL) : kmalloc(pair_size, GFP_KERNEL);

		p[0] = (char)i;
		if (slab)
			kmem_cache_free(cur_cache, (void *)p);
		else
			kfree((void *)p);
	}
	return (double)(now_ns() - t0) / (double)iters;
}

static void pair_lines(void)
{
	for (int s = 0; s < 2; s++) {
		double t_slab[REPS], t_km[REPS], a, b;

		pair_size = s ? 256 : 64;
		cur_cache = kmem_cache_create(s ? "bench_256" : "bench_64", (unsigned int)pair_size,
					      0, SLAB_NO_MERGE, NULL);
		pair_run(1, 200000);
		pair_run(0, 200000);
		for (int r = 0; r < REPS; r++) {
			t_slab[r] = pair_run(1, 2000000);
			t_km[r] = pair_run(0, 2000000);
		}
		a = median(t_slab, REPS);
		b = median(t_km, REPS);
		if (csv)
			printf("pair,%zu,kmem_cache,%.2f,kmalloc,%.2f\n", pair_size, a, b);
		else
			printf(
			    "1 pair %3zu B   kmem_cache_alloc+free %6.2f ns   kmalloc+kfree %6.2f "
			    "ns\n",
			    pair_size, a, b);
		kmem_cache_destroy(cur_cache);
	}
}

/* 2: bulk. Return: ns per object (alloc + free). */
static double bulk_run(long bulk)
{
	void *p[256];
	long rounds = 4000000 / bulk / 4 + 1, r;
	uint64_t t0 = now_ns();

	for (r = 0; r < rounds; r++) {
		if (kmem_cache_alloc_bulk(cur_cache, GFP_KERNEL, (size_t)bulk, p) != bulk)
			abort();
		kmem_cache_free_bulk(cur_cache, (size_t)bulk, p);
	}
	return (double)(now_ns() - t0) / (double)(rounds * bulk);
}

static double single_run(void)
{
	return pair_run(1, 2000000);
}

static void bulk_table(void)
{
	static const long bulks[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
	double single[REPS], b[REPS], s;

	for (int r = 0; r < REPS; r++)
		single[r] = single_run();
	s = median(single, REPS);
	for (unsigned int k = 0; k < sizeof(bulks) / sizeof(bulks[0]); k++) {
		for (int r = 0; r < REPS; r++) {
			b[r] = bulk_run(bulks[k]);
			single[r] = single_run();
		}
		s = median(single, REPS);
		if (csv)
			printf("bulk,%ld,%.2f,single,%.2f,%.3f\n", bulks[k], median(b, REPS), s,
			       median(b, REPS) / s);
		else
			printf("2 bulk %-3ld per object (64 B)      %8.2f ns  | single pair %.2f "
			       "ns (x%.2f)\n",
			       bulks[k], median(b, REPS), s, median(b, REPS) / s);
	}
}

static void memory_line(void)
{
	struct kmem_cache *c = kmem_cache_create("bench_mem64", 64, 0, SLAB_NO_MERGE, NULL);
	unsigned long before = 0, after = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	void **objs = malloc(100000 * sizeof(void *));
	char *line;

	for (int i = 0; i < 100000; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	f = open_memstream(&buf, &len);
	ukmem_proc_show("slabinfo", f);
	fclose(f);
	line = strstr(buf, "\nbench_mem64 ");
	if (line) {
		unsigned long active, total, objsize, per, pages, slabs;

		sscanf(line + 1,
		       "bench_mem64 %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu",
		       &active, &total, &objsize, &per, &pages, &slabs);
		after = slabs * pages * 4096;
		before = 100000UL * 64;
		/* per-CPU arrays: header + 510 pointers (4 KiB) per CPU, and struct kmem_cache */
		unsigned long meta = (unsigned long)ukmem_nr_cpus() * 4096 + 512;

		printf("%smemory: 100000 live 64-byte objects: %lu slabs x %lu pages = %lu bytes, "
		       "payload %lu, per-CPU arrays+cache ~%lu: overhead %.2f%%\n",
		       csv ? "# " : "", slabs, pages, after, before, meta,
		       100.0 * (double)(after + meta - before) / (double)before);
	}
	free(buf);
	for (int i = 0; i < 100000; i++)
		kmem_cache_free(c, objs[i]);
	free(objs);
	kmem_cache_destroy(c);
}

int main(int argc, char **argv)
{
	const char *only = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = 1;
		else if (argv[i][0] != '-' && !only)
			only = argv[i];
		else {
			fprintf(stderr, "usage: %s [pair|bulk|memory] [--csv]\n", argv[0]);
			return 2;
		}
	}
	if (ukmem_boot("mem=1G nr_cpus=4 loglevel=4"))
		return 1;
	if (!only || !strcmp(only, "pair"))
		pair_lines();
	if (!only || !strcmp(only, "bulk")) {
		cur_cache = kmem_cache_create("bench_64", 64, 0, SLAB_NO_MERGE, NULL);
		bulk_table();
		kmem_cache_destroy(cur_cache);
	}
	if (!only || !strcmp(only, "memory"))
		memory_line();
	ukmem_shutdown();
	return 0;
}
