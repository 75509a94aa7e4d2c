// SPDX-License-Identifier: MIT
/*
 * bench_vmalloc.c - vmalloc/vfree and kmap costs beside the host floor.
 *
 * The host floor of an area is what the host charges for the same virtual
 * memory: mmap(MAP_ANONYMOUS) of the same size, every page touched, munmap.
 * ukmem's areas are touched the same way. Peer and ukmem batches alternate;
 * each figure is the median of REPS batches, per operation.
 *
 *   bench_vmalloc [--csv] [--quick]
 */
#include "bench.h"
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define REPS 7

static bool csv;
static unsigned int scale = 1;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void touch(char *p, unsigned long pages)
{
	unsigned long i;

	for (i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE_SIZE] = (char)i;
}

static void report(const char *what, double ukmem_ns, const char *peer, double peer_ns,
		   const char *note)
{
	if (csv) {
		printf("%s,%.1f,%s,%.1f,%.3f\n", what, ukmem_ns, peer, peer_ns, ukmem_ns / peer_ns);
		return;
	}
	printf("%-44s ukmem %9.2f us   %-14s %9.2f us   ratio %5.2f%s%s\n", what, ukmem_ns / 1e3,
	       peer, peer_ns / 1e3, ukmem_ns / peer_ns, note ? "   " : "", note ? note : "");
}

/* ---------------------------------------------------------------- batches */

static double batch_vmalloc(unsigned long pages, unsigned int n)
{
	double t = now_ns();
	unsigned int i;

	for (i = 0; i < n; i++) {
		char *p = vmalloc(pages * PAGE_SIZE);

		touch(p, pages);
		vfree(p);
	}
	return (now_ns() - t) / n;
}

static double batch_host(unsigned long pages, unsigned int n)
{
	double t = now_ns();
	unsigned int i;

	for (i = 0; i < n; i++) {
		char *p = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		touch(p, pages);
		munmap(p, pages * PAGE_SIZE);
	}
	return (now_ns() - t) / n;
}

static void bench_fixed_sizes(void)
{
	static const unsigned long sizes[] = {1, 4, 16, 64};
	unsigned int s;

	for (s = 0; s < 4; s++) {
		double u[REPS], h[REPS];
		unsigned int n = (unsigned int)(4000 / sizes[s] + 100) / scale;
		char what[64];
		int r;

		batch_vmalloc(sizes[s], n); /* warm: frames faulted in once */
		batch_host(sizes[s], n);
		for (r = 0; r < REPS; r++) {
			u[r] = batch_vmalloc(sizes[s], n);
			h[r] = batch_host(sizes[s], n);
		}
		snprintf(what, sizeof(what), "vmalloc+touch+vfree %lu page%s (%lu KiB)", sizes[s],
			 sizes[s] > 1 ? "s" : "", sizes[s] * 4);
		report(what, median(u, REPS), "mmap+munmap", median(h, REPS), NULL);
	}
}

/* pairs of one-page vmalloc+vfree with @live other areas alive */
static double pairs_with_live(void **live, unsigned int nlive, unsigned int n)
{
	unsigned int i;
	double t;

	for (i = 0; i < nlive; i++) {
		live[i] = vmalloc(PAGE_SIZE);
		touch(live[i], 1);
	}
	t = now_ns();
	for (i = 0; i < n; i++) {
		char *p = vmalloc(PAGE_SIZE);

		touch(p, 1);
		vfree(p);
	}
	t = (now_ns() - t) / n;
	for (i = 0; i < nlive; i++)
		vfree(live[i]);
	vm_unmap_aliases();
	return t;
}

static void bench_many_live(void)
{
	enum { N = 15000 };
	void **live = calloc(N, sizeof(*live));
	double u[REPS], h[REPS], few[REPS], many[REPS];
	unsigned int i, n = 3000 / scale;
	int r;

	for (r = 0; r < REPS; r++) {
		double t;

		/* 15,000 live areas, then all freed: per area */
		t = now_ns();
		for (i = 0; i < N; i++) {
			live[i] = vmalloc(PAGE_SIZE);
			touch(live[i], 1);
		}
		for (i = 0; i < N; i++)
			vfree(live[i]);
		u[r] = (now_ns() - t) / N;
		vm_unmap_aliases();

		t = now_ns();
		for (i = 0; i < N; i++) {
			live[i] = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			touch(live[i], 1);
		}
		for (i = 0; i < N; i++)
			munmap(live[i], PAGE_SIZE);
		h[r] = (now_ns() - t) / N;

		few[r] = pairs_with_live(live, 10, n);
		many[r] = pairs_with_live(live, N, n);
	}
	report("15,000 live 1-page areas, then free (/area)", median(u, REPS), "mmap+munmap",
	       median(h, REPS), NULL);
	report("1-page pair with 15,000 live vs with 10", median(many, REPS), "with 10 live",
	       median(few, REPS), "(target <= 1.3)");
	free(live);
}

static void bench_random_sizes(void)
{
	enum { N = 1000 };
	unsigned long sizes[N], total = 0;
	double u[REPS], h[REPS];
	unsigned int i, n = N / scale;
	unsigned int seed = 12345;
	int r;

	for (i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		sizes[i] = (seed >> 16) % 100 + 1;
		total += sizes[i];
	}
	for (r = 0; r < REPS; r++) {
		double t = now_ns();

		for (i = 0; i < n; i++) {
			char *p = vmalloc(sizes[i] * PAGE_SIZE);

			touch(p, sizes[i]);
			vfree(p);
		}
		u[r] = (now_ns() - t) / n;
		t = now_ns();
		for (i = 0; i < n; i++) {
			char *p = mmap(NULL, sizes[i] * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			touch(p, sizes[i]);
			munmap(p, sizes[i] * PAGE_SIZE);
		}
		h[r] = (now_ns() - t) / n;
	}
	report("random sizes 1-100 pages (mean 50.5)", median(u, REPS), "mmap+munmap",
	       median(h, REPS), NULL);
	(void)total;
}

static void bench_aligned(void)
{
	static const unsigned long aligns[] = {1, 16, 256}; /* in pages */
	unsigned int a;

	for (a = 0; a < 3; a++) {
		double u[REPS], h[REPS];
		unsigned int i, n = 2000 / scale;
		char what[64];
		int r;

		for (r = 0; r < REPS; r++) {
			double t = now_ns();

			for (i = 0; i < n; i++) {
				/* alternate sizes so the alignment really shifts the fit */
				unsigned long pages = 1 + (i & 3);
				char *p = __vmalloc_node(pages * PAGE_SIZE, aligns[a] * PAGE_SIZE,
							 GFP_KERNEL, NUMA_NO_NODE, NULL);

				touch(p, pages);
				vfree(p);
			}
			u[r] = (now_ns() - t) / n;
			t = now_ns();
			for (i = 0; i < n; i++) {
				unsigned long pages = 1 + (i & 3);
				char *p = mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

				touch(p, pages);
				munmap(p, pages * PAGE_SIZE);
			}
			h[r] = (now_ns() - t) / n;
		}
		snprintf(what, sizeof(what), "1-4 pages aligned to %lu KiB", aligns[a] * 4);
		report(what, median(u, REPS), "mmap+munmap", median(h, REPS), NULL);
	}
}

static void bench_kmap(void)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	double u[REPS], g[REPS], h[REPS];
	unsigned int i, n = 5000 / scale;
	int r;

	if (!PageHighMem(page)) {
		printf("kmap: no highmem page (skipped)\n");
		return;
	}
	for (r = 0; r < REPS; r++) {
		double t = now_ns();

		for (i = 0; i < n; i++) {
			char *k = kmap_local_page(page);

			((volatile char *)k)[0] = (char)i;
			kunmap_local(k);
		}
		u[r] = (now_ns() - t) / n;
		t = now_ns();
		for (i = 0; i < n; i++) {
			char *k = kmap(page);

			((volatile char *)k)[0] = (char)i;
			kunmap(page);
		}
		g[r] = (now_ns() - t) / n;
		t = now_ns();
		for (i = 0; i < n; i++) {
			char *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			((volatile char *)p)[0] = (char)i;
			munmap(p, PAGE_SIZE);
		}
		h[r] = (now_ns() - t) / n;
	}
	report("kmap_local_page+kunmap_local (highmem)", median(u, REPS), "mmap+munmap",
	       median(h, REPS), "(target <= 2)");
	report("kmap+kunmap (highmem, lazy release)", median(g, REPS), "mmap+munmap",
	       median(h, REPS), NULL);
	__free_page(page);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = true;
		else if (!strcmp(argv[i], "--quick"))
			scale = 10;
	}
	if (csv)
		printf("measurement,ukmem_ns,peer,peer_ns,ratio\n");
	if (ukmem_boot("mem=1G quiet")) {
		fprintf(stderr, "boot failed\n");
		return 1;
	}
	bench_fixed_sizes();
	bench_many_live();
	bench_random_sizes();
	bench_aligned();
	ukmem_shutdown();

	if (ukmem_boot("machine=i386 mem=2G quiet")) {
		fprintf(stderr, "i386 boot failed\n");
		return 1;
	}
	bench_kmap();
	ukmem_shutdown();
	return 0;
}
