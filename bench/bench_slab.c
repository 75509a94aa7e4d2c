// SPDX-License-Identifier: MIT
/*
 * bench_slab.c - slab caches and kmalloc against glibc, mimalloc, jemalloc
 * and tcmalloc, each called through its own API in this one process:
 * glibc through malloc/free looked up in libc.so.6 itself (linking mimalloc
 * overrides malloc and even __libc_malloc), mimalloc through mi_malloc/mi_free, jemalloc
 * (mallocx/dallocx) and tcmalloc (tc_malloc/tc_free) dlopen()ed RTLD_LOCAL so that neither replaces
 * malloc for the others. Peers that cannot be had are skipped.
 *
 * Workloads (docs/slab.md quotes the figures):
 *   1 pair      kmem_cache_alloc+free, 64 and 256 bytes, hot
 *   2 batch     N allocs then N frees, N = 1000 and 100000
 *   3 bulk      kmem_cache_alloc_bulk/free_bulk at 1..256 vs the single path
 *   4 mixed     kmalloc random sizes 8-4096, live sets 25/100/400/1600, half
 *               freed FIFO, half LIFO (glibc bench-malloc-simple's shape),
 *               on the main thread and on a second thread
 *   5 xthread   producer/consumer: allocated on one thread, freed on another
 *   memory      metadata + waste for 100k live 64-byte objects
 *
 * Every line is the median of REPS runs, ukmem and peers alternating; the
 * ratio is ukmem's time over the peer's. --csv prints CSV.
 */
#include "bench.h"
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_MIMALLOC
#include <mimalloc.h>
#endif

#define REPS 7

/* glibc's own malloc/free, looked up in libc.so.6 (see find_peers) */
static void *(*libc_malloc)(size_t size);
static void (*libc_free)(void *p);

static int csv;

/* ------------------------------------------------------------ allocators */

struct alloc_ops {
	const char *name;
	void *(*alloc)(size_t size);
	void (*free)(void *p, size_t size);
};

static struct kmem_cache *cur_cache; /* for the "slab" allocator */

static void *slab_a(size_t size)
{
	return kmem_cache_alloc(cur_cache, GFP_KERNEL);
}
static void slab_f(void *p, size_t size)
{
	kmem_cache_free(cur_cache, p);
}
static void *kmalloc_a(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}
static void kmalloc_f(void *p, size_t size)
{
	kfree(p);
}
static void *glibc_a(size_t size)
{
	return libc_malloc(size);
}
static void glibc_f(void *p, size_t size)
{
	libc_free(p);
}
#ifdef HAVE_MIMALLOC
static void *mi_a(size_t size)
{
	return mi_malloc(size);
}
static void mi_f(void *p, size_t size)
{
	mi_free(p);
}
#endif
static void *(*je_mallocx)(size_t, int);
static void (*je_sdallocx)(void *, size_t, int);
static void *je_a(size_t size)
{
	return je_mallocx(size, 0);
}
static void je_f(void *p, size_t size)
{
	je_sdallocx(p, size, 0);
}
static void *(*tc_malloc_p)(size_t);
static void (*tc_free_p)(void *);
static void *tc_a(size_t size)
{
	return tc_malloc_p(size);
}
static void tc_f(void *p, size_t size)
{
	tc_free_p(p);
}

static struct alloc_ops peers[4];
static int nr_peers;

static void find_peers(void)
{
	void *h;

	h = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	if (h && (libc_malloc = (void *(*)(size_t))dlsym(h, "malloc")) &&
	    (libc_free = (void (*)(void *))dlsym(h, "free")))
		peers[nr_peers++] = (struct alloc_ops){"glibc", glibc_a, glibc_f};
	else
		fprintf(stderr, "note: glibc malloc not found (%s), skipped\n", dlerror());
#ifdef HAVE_MIMALLOC
	peers[nr_peers++] = (struct alloc_ops){"mimalloc", mi_a, mi_f};
#else
	fprintf(stderr, "note: mimalloc not found at configure time, skipped\n");
#endif
	h = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_LOCAL);
	if (h && (je_mallocx = (void *(*)(size_t, int))dlsym(h, "mallocx")) &&
	    (je_sdallocx = (void (*)(void *, size_t, int))dlsym(h, "sdallocx")))
		peers[nr_peers++] = (struct alloc_ops){"jemalloc", je_a, je_f};
	else
		fprintf(stderr, "note: jemalloc not loadable (%s), skipped\n", dlerror());
	h = dlopen("libtcmalloc_minimal.so.4", RTLD_NOW | RTLD_LOCAL);
	if (h && (tc_malloc_p = (void *(*)(size_t))dlsym(h, "tc_malloc")) &&
	    (tc_free_p = (void (*)(void *))dlsym(h, "tc_free")))
		peers[nr_peers++] = (struct alloc_ops){"tcmalloc", tc_a, tc_f};
	else
		fprintf(stderr, "note: tcmalloc not loadable (%s), skipped\n", dlerror());
}

/* ------------------------------------------------------------ timing */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* run @fn for ukmem (@mine) and every peer, alternating, REPS times */
typedef double (*workload_fn)(const struct alloc_ops *ops, long arg);

static void compare(const char *what, const struct alloc_ops *mine, workload_fn fn, long arg,
		    const char *unit)
{
	double t_mine[REPS], t_peer[4][REPS], m, p;
	int r, i;

	fn(mine, arg); /* warm up */
	for (i = 0; i < nr_peers; i++)
		fn(&peers[i], arg);
	for (r = 0; r < REPS; r++) {
		t_mine[r] = fn(mine, arg);
		for (i = 0; i < nr_peers; i++)
			t_peer[i][r] = fn(&peers[i], arg);
	}
	m = median(t_mine, REPS);
	if (csv)
		printf("%s,%s,%.2f", what, mine->name, m);
	else
		printf("%-34s %-8s %8.2f %s", what, mine->name, m, unit);
	for (i = 0; i < nr_peers; i++) {
		p = median(t_peer[i], REPS);
		if (csv)
			printf(",%s,%.2f,%.3f", peers[i].name, p, m / p);
		else
			printf("  | %s %.2f (x%.2f)", peers[i].name, p, m / p);
	}
	printf("\n");
}

/* ------------------------------------------------------------ workloads */

static size_t wl_size;

/* 1: alloc+free pairs, hot. Return: ns per pair. */
static double wl_pair(const struct alloc_ops *ops, long iters)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		volatile char *p = ops->alloc(wl_size);

		p[0] = (char)i;
		ops->free((void *)p, wl_size);
	}
	return (double)(now_ns() - t0) / (double)iters;
}

static void **batch_buf;

/* 2: N allocs then N frees. Return: ns per alloc+free. */
static double wl_batch(const struct alloc_ops *ops, long n)
{
	long rounds = n >= 100000 ? 5 : 2000000 / n, i, r;
	uint64_t t0 = now_ns();

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			batch_buf[i] = ops->alloc(wl_size);
			*(volatile char *)batch_buf[i] = 1;
		}
		for (i = 0; i < n; i++)
			ops->free(batch_buf[i], wl_size);
	}
	return (double)(now_ns() - t0) / (double)(rounds * n);
}

/* 4: random sizes with a live set; half freed FIFO, half LIFO. */
#define MIXED_SIZES 4096
static size_t mixed_sizes[MIXED_SIZES];

static double wl_mixed(const struct alloc_ops *ops, long live)
{
	void *blk[1600];
	size_t sz[1600];
	long rounds = 400000 / live, r, i, k = 0;
	uint64_t t0 = now_ns();

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < live; i++) {
			sz[i] = mixed_sizes[k++ & (MIXED_SIZES - 1)];
			blk[i] = ops->alloc(sz[i]);
			*(volatile char *)blk[i] = 1;
		}
		for (i = 0; i < live / 2; i++) /* FIFO half */
			ops->free(blk[i], sz[i]);
		for (i = live - 1; i >= live / 2; i--) /* LIFO half */
			ops->free(blk[i], sz[i]);
	}
	return (double)(now_ns() - t0) / (double)(rounds * live);
}

struct thread_job {
	const struct alloc_ops *ops;
	long arg;
	double result;
};

static void *mixed_thread(void *arg)
{
	struct thread_job *j = arg;

	j->result = wl_mixed(j->ops, j->arg);
	return NULL;
}

/* 4b: the same on a second thread (its own CPU / thread cache) */
static double wl_mixed_thread(const struct alloc_ops *ops, long live)
{
	struct thread_job j = {ops, live, 0};
	pthread_t t;

	pthread_create(&t, NULL, mixed_thread, &j);
	pthread_join(t, NULL);
	return j.result;
}

/* 5: producer/consumer over an SPSC ring. Return: ns per object. */
#define XRING 4096
struct xring {
	void *slot[XRING];
	unsigned long head __attribute__((aligned(64)));
	unsigned long tail __attribute__((aligned(64)));
};
static struct xring xr;
static const struct alloc_ops *xops;
static long xcount;

static void *x_consumer(void *arg)
{
	long got = 0;

	while (got < xcount) {
		unsigned long h = __atomic_load_n(&xr.head, __ATOMIC_ACQUIRE);
		unsigned long t = xr.tail;

		while (t != h) {
			xops->free(xr.slot[t % XRING], 64);
			t++;
			got++;
		}
		__atomic_store_n(&xr.tail, t, __ATOMIC_RELEASE);
	}
	return NULL;
}

static double wl_xthread(const struct alloc_ops *ops, long n)
{
	pthread_t c;
	uint64_t t0;
	long i;

	xops = ops;
	xcount = n;
	xr.head = xr.tail = 0;
	t0 = now_ns();
	pthread_create(&c, NULL, x_consumer, NULL);
	for (i = 0; i < n; i++) {
		void *p = ops->alloc(64);

		*(volatile char *)p = 1;
		while (xr.head - __atomic_load_n(&xr.tail, __ATOMIC_ACQUIRE) >= XRING)
			;
		xr.slot[xr.head % XRING] = p;
		__atomic_store_n(&xr.head, xr.head + 1, __ATOMIC_RELEASE);
	}
	pthread_join(c, NULL);
	return (double)(now_ns() - t0) / (double)n;
}

/* 3: bulk. Return: ns per object (alloc + free). */
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
	const struct alloc_ops slab = {"slab", slab_a, slab_f};

	return wl_pair(&slab, 2000000);
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
			printf("3 bulk %-3ld per object (64 B)      %8.2f ns  | single pair %.2f "
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
	const struct alloc_ops slab = {"slab", slab_a, slab_f};
	const struct alloc_ops km = {"kmalloc", kmalloc_a, kmalloc_f};
	static const long lives[] = {25, 100, 400, 1600};
	const char *only = NULL;
	char what[64];

	/*
	 * jemalloc's initial-exec TLS needs static TLS space dlopen() does
	 * not reserve by default: re-exec once with a larger reserve.
	 */
	if (!getenv("UKMEM_BENCH_REEXEC")) {
		setenv("UKMEM_BENCH_REEXEC", "1", 1);
		setenv("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=65536", 1);
		execv("/proc/self/exe", argv);
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--csv"))
			csv = 1;
		else
			only = argv[i];
	}
	if (ukmem_boot("mem=1G nr_cpus=4 loglevel=4"))
		return 1;
	find_peers();
	batch_buf = malloc(100000 * sizeof(void *));
	for (int i = 0; i < MIXED_SIZES; i++)
		mixed_sizes[i] = 8 + (size_t)(((uint64_t)i * 2654435761u) % 4089);
	if (csv)
		printf("workload,ukmem,ns,peer,ns,ratio...\n");

	if (!only || !strcmp(only, "pair")) {
		for (int s = 0; s < 2; s++) {
			wl_size = s ? 256 : 64;
			cur_cache =
			    kmem_cache_create(s ? "bench_256" : "bench_64", (unsigned int)wl_size,
					      0, SLAB_NO_MERGE, NULL);
			snprintf(what, sizeof(what), "1 pair %zu B (ns/pair)", wl_size);
			compare(what, &slab, wl_pair, 2000000, "ns");
			snprintf(what, sizeof(what), "1 pair %zu B kmalloc (ns/pair)", wl_size);
			compare(what, &km, wl_pair, 2000000, "ns");
			kmem_cache_destroy(cur_cache);
		}
	}
	if (!only || !strcmp(only, "batch")) {
		wl_size = 64;
		cur_cache = kmem_cache_create("bench_64", 64, 0, SLAB_NO_MERGE, NULL);
		compare("2 batch N=1000 64 B (ns/obj)", &slab, wl_batch, 1000, "ns");
		compare("2 batch N=100000 64 B (ns/obj)", &slab, wl_batch, 100000, "ns");
		kmem_cache_destroy(cur_cache);
	}
	if (!only || !strcmp(only, "bulk")) {
		cur_cache = kmem_cache_create("bench_64", 64, 0, SLAB_NO_MERGE, NULL);
		bulk_table();
		kmem_cache_destroy(cur_cache);
	}
	if (!only || !strcmp(only, "mixed")) {
		for (unsigned int k = 0; k < 4; k++) {
			snprintf(what, sizeof(what), "4 mixed live %ld main (ns/op)", lives[k]);
			compare(what, &km, wl_mixed, lives[k], "ns");
		}
		for (unsigned int k = 0; k < 4; k++) {
			snprintf(what, sizeof(what), "4 mixed live %ld thread2 (ns/op)", lives[k]);
			compare(what, &km, wl_mixed_thread, lives[k], "ns");
		}
	}
	if (!only || !strcmp(only, "xthread")) {
		cur_cache = kmem_cache_create("bench_x64", 64, 0, SLAB_NO_MERGE, NULL);
		compare("5 xthread 64 B slab (ns/obj)", &slab, wl_xthread, 1000000, "ns");
		compare("5 xthread 64 B kmalloc (ns/obj)", &km, wl_xthread, 1000000, "ns");
		kmem_cache_destroy(cur_cache);
	}
	if (!only || !strcmp(only, "memory"))
		memory_line();
	ukmem_shutdown();
	return 0;
}
