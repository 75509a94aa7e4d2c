// SPDX-License-Identifier: MIT
/*
 * bench_prog.c - the shapes of real allocation-heavy programs, as the
 * mimalloc-bench suite collects them, written here from their descriptions
 * (no code taken from the originals) and scaled down to run in well under a
 * second. Through ukmem's kmalloc/kfree (bench_prog) or malloc/free
 * (bench_prog_malloc under LD_PRELOAD). See workload.h.
 *
 *   larson   a server: every thread owns 1,000 slots of 8-1000 B blocks (filled
 *            by the main thread) and replaces random ones; after each of 4
 *            generations the thread starts a successor that inherits its slots
 *            and exits, so blocks are freed by threads that did not allocate them
 *   scratch  passive false sharing (cache-scratch): the main thread allocates
 *            one 8 B object per thread, each thread frees it and then
 *            repeatedly allocates 8 B, writes it many times and frees it; an
 *            allocator that hands the neighbouring object to another thread's
 *            CPU makes the threads fight over one cache line
 *   xmalloc  (xmalloc-test) half the threads allocate batches of 4,096 64 B
 *            objects and queue them (mutex and condition variable, at most 100
 *            batches waiting), the other half dequeue and free them
 *   simple   (glibc bench-malloc-simple) one thread: N blocks of S bytes, every
 *            int written, then all freed in order; N = 25, 100, 400, 1600, S = 16,
 *            32, 64; on the main thread, on a second thread, on the main again
 *   mstress  (mimalloc's stress test) threads of unequal length allocate
 *            random sizes (1-128 words, 1 % 100x larger), keep some for the whole
 *            run, free random earlier ones and swap objects with other threads
 *            through a shared array of 1,000 slots; every block is filled with a
 *            pattern and checked when freed
 *
 * ns per op: wall time over one thread's operations (an op is one
 * replacement, one scratch iteration, one object, one block, one allocation).
 */
#include "workload.h"

#define SHAPES "larson scratch xmalloc simple mstress"

static struct wl_opts o;

/* ---------------------------------------------------------------- larson */

#define LARSON_SLOTS 1000
#define LARSON_GENS  4

struct larson {
	struct wl_thread t;
	void **slot;
	uint64_t seed;
	long ops; /* per generation */
	int gen;
	pthread_t next[LARSON_GENS];
} __attribute__((aligned(64)));

static inline size_t larson_size(uint64_t *seed)
{
	return 8 + (size_t)(wl_rand(seed) % 993);
}

static void *larson_gen(void *arg)
{
	struct larson *l = arg;

	if (l->gen == 0)
		wl_thread_begin(&l->t);
	for (long i = 0; i < l->ops; i++) {
		uint64_t r = wl_rand(&l->seed);
		long k = (long)((r >> 32) % LARSON_SLOTS);
		size_t sz = 8 + (size_t)((uint32_t)r % 993);
		char *p;

		wl_free(l->slot[k]);
		p = wl_alloc(sz);
		wl_check(p, sz);
		p[0] = (char)i;
		p[sz - 1] = (char)i;
		l->slot[k] = p;
	}
	if (++l->gen < LARSON_GENS) {
		/* the successor inherits the slots; this thread exits */
		if (pthread_create(&l->next[l->gen], NULL, larson_gen, l)) {
			fprintf(stderr, "pthread_create failed\n");
			exit(1);
		}
	} else {
		wl_thread_end(&l->t);
	}
	return NULL;
}

static double run_larson(double *spread)
{
	int n = o.threads;
	struct larson *l = aligned_alloc(64, (size_t)n * sizeof(*l));
	pthread_barrier_t bar;
	pthread_t *th;
	double wall;

	wl_check(l, (size_t)n * sizeof(*l));
	memset(l, 0, (size_t)n * sizeof(*l));
	for (int i = 0; i < n; i++) {
		l[i].seed = 4141 + (uint64_t)i;
		l[i].ops = wl_ops(&o, 2e6 / LARSON_GENS / n);
		l[i].slot = wl_xmalloc(LARSON_SLOTS * sizeof(void *));
		for (int k = 0; k < LARSON_SLOTS; k++) {
			size_t sz = larson_size(&l[i].seed);

			l[i].slot[k] = wl_alloc(sz);
			wl_check(l[i].slot[k], sz);
		}
	}
	th = wl_xmalloc((size_t)n * sizeof(*th));
	wl_start_threads(n, larson_gen, l, sizeof(*l), &bar, th);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	/* next[g] was written by generation g-1, joined just before */
	for (int g = 1; g < LARSON_GENS; g++)
		for (int i = 0; i < n; i++)
			pthread_join(l[i].next[g], NULL);
	pthread_barrier_destroy(&bar);
	free(th);
	wall = wl_thread_times(n, l, sizeof(*l), spread);
	wall /= (double)(l[0].ops * LARSON_GENS);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < LARSON_SLOTS; k++)
			wl_free(l[i].slot[k]);
		free(l[i].slot);
	}
	free(l);
	return wall;
}

/* ---------------------------------------------------------------- scratch */

#define SCRATCH_SIZE 8
#define SCRATCH_REPS 500

struct scratch {
	struct wl_thread t;
	char *first;
	long iters;
} __attribute__((aligned(64)));

static void *scratch_worker(void *arg)
{
	struct scratch *s = arg;

	wl_thread_begin(&s->t);
	wl_free(s->first);
	for (long i = 0; i < s->iters; i++) {
		volatile char *p = wl_alloc(SCRATCH_SIZE);

		wl_check((void *)p, SCRATCH_SIZE);
		for (int r = 0; r < SCRATCH_REPS; r++)
			for (int b = 0; b < SCRATCH_SIZE; b++)
				p[b] = (char)(p[b] + r);
		wl_free((void *)p);
	}
	wl_thread_end(&s->t);
	return NULL;
}

static double run_scratch(double *spread)
{
	int n = o.threads;
	struct scratch *s = aligned_alloc(64, (size_t)n * sizeof(*s));
	double wall;

	wl_check(s, (size_t)n * sizeof(*s));
	memset(s, 0, (size_t)n * sizeof(*s));
	/* allocated back to back by one thread: neighbours in memory */
	for (int i = 0; i < n; i++) {
		s[i].first = wl_alloc(SCRATCH_SIZE);
		wl_check(s[i].first, SCRATCH_SIZE);
		s[i].iters = wl_ops(&o, 16000.0 / n);
	}
	wall = wl_run_threads(n, scratch_worker, s, sizeof(*s), spread);
	wall /= (double)s[0].iters;
	free(s);
	return wall;
}

/* ---------------------------------------------------------------- xmalloc */

#define XM_BATCH 4096
#define XM_LIMIT 100
#define XM_SIZE	 64

struct xm_batch {
	struct xm_batch *next;
	void *obj[XM_BATCH];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct xm_batch *head, *tail;
	int queued;
	long left; /* batches still to be dequeued */
} xq = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};

struct xm {
	struct wl_thread t;
	long batches;
} __attribute__((aligned(64)));

static void xm_enqueue(struct xm_batch *b)
{
	pthread_mutex_lock(&xq.lock);
	while (xq.queued >= XM_LIMIT)
		pthread_cond_wait(&xq.not_full, &xq.lock);
	b->next = NULL;
	if (xq.tail)
		xq.tail->next = b;
	else
		xq.head = b;
	xq.tail = b;
	xq.queued++;
	pthread_cond_signal(&xq.not_empty);
	pthread_mutex_unlock(&xq.lock);
}

/* Return: the oldest batch, or NULL once every batch has been taken */
static struct xm_batch *xm_dequeue(void)
{
	struct xm_batch *b = NULL;

	pthread_mutex_lock(&xq.lock);
	while (!xq.head && xq.left > 0)
		pthread_cond_wait(&xq.not_empty, &xq.lock);
	if (xq.head) {
		b = xq.head;
		xq.head = b->next;
		if (!xq.head)
			xq.tail = NULL;
		xq.queued--;
		if (--xq.left == 0)
			pthread_cond_broadcast(&xq.not_empty);
		pthread_cond_signal(&xq.not_full);
	}
	pthread_mutex_unlock(&xq.lock);
	return b;
}

static void *xm_worker(void *arg)
{
	struct xm *x = arg;

	wl_thread_begin(&x->t);
	if (x->t.id % 2 == 0) {
		for (long k = 0; k < x->batches; k++) {
			struct xm_batch *b = wl_alloc(sizeof(*b));

			wl_check(b, sizeof(*b));
			for (int i = 0; i < XM_BATCH; i++) {
				b->obj[i] = wl_alloc(XM_SIZE);
				wl_check(b->obj[i], XM_SIZE);
				memset(b->obj[i], i & 0xff, XM_SIZE);
			}
			xm_enqueue(b);
		}
	} else {
		struct xm_batch *b;

		while ((b = xm_dequeue())) {
			for (int i = 0; i < XM_BATCH; i++)
				wl_free(b->obj[i]);
			wl_free(b);
		}
	}
	wl_thread_end(&x->t);
	return NULL;
}

static double run_xmalloc(double *spread)
{
	int n = o.threads < 2 ? 2 : o.threads & ~1;
	struct xm *x = aligned_alloc(64, (size_t)n * sizeof(*x));
	long per = wl_ops(&o, 400.0 / (n / 2));
	double wall;

	wl_check(x, (size_t)n * sizeof(*x));
	memset(x, 0, (size_t)n * sizeof(*x));
	for (int i = 0; i < n; i++)
		x[i].batches = per;
	xq.left = per * (n / 2);
	wall = wl_run_threads(n, xm_worker, x, sizeof(*x), spread);
	free(x);
	return wall / (double)(per * XM_BATCH);
}

/* ---------------------------------------------------------------- simple */

static const int simple_n[] = {25, 100, 400, 1600};
static const size_t simple_size[] = {16, 32, 64};

static long simple_pass(void)
{
	static int *blk[1600];
	long blocks = 0;

	for (unsigned int s = 0; s < 3; s++) {
		size_t ints = simple_size[s] / sizeof(int);

		for (unsigned int k = 0; k < 4; k++) {
			int n = simple_n[k];
			long iters = wl_ops(&o, 100000.0 / n);

			for (long it = 0; it < iters; it++) {
				for (int i = 0; i < n; i++) {
					blk[i] = wl_alloc(simple_size[s]);
					for (size_t g = 0; g < ints; g++)
						blk[i][g] = (int)g;
				}
				for (int i = 0; i < n; i++)
					wl_free(blk[i]);
			}
			blocks += iters * n;
		}
	}
	return blocks;
}

static void *simple_thread(void *arg)
{
	*(long *)arg = simple_pass();
	return NULL;
}

static double run_simple(double *spread)
{
	long blocks = 0, in_thread = 0;
	pthread_t th;
	double t0;

	simple_pass(); /* warm-up, as the original does */
	t0 = wl_now();
	blocks += simple_pass();
	pthread_create(&th, NULL, simple_thread, &in_thread);
	pthread_join(th, NULL);
	blocks += in_thread;
	blocks += simple_pass();
	*spread = 1;
	return (wl_now() - t0) / (double)blocks;
}

/* ---------------------------------------------------------------- mstress */

#define MS_TRANSFERS 1000
#define MS_MAX_ITEM  128
#define MS_COOKIE    0x9e3779b97f4a7c15ull

static void *ms_transfer[MS_TRANSFERS];

struct ms {
	struct wl_thread t;
	long allocs;
} __attribute__((aligned(64)));

static inline int ms_chance(uint64_t *r, unsigned int percent)
{
	return wl_rand(r) % 100 < percent;
}

static void *ms_alloc(size_t items, uint64_t *r)
{
	uint64_t *p;

	if (ms_chance(r, 1))
		items *= 100;
	p = wl_alloc(items * sizeof(uint64_t));
	wl_check(p, items * sizeof(uint64_t));
	for (size_t i = 0; i < items; i++)
		p[i] = (items - i) ^ MS_COOKIE;
	return p;
}

static void ms_free(void *v)
{
	uint64_t *p = v;

	if (!p)
		return;
	for (uint64_t i = 0, items = p[0] ^ MS_COOKIE; i < items; i++) {
		if ((p[i] ^ MS_COOKIE) != items - i) {
			fprintf(stderr, "mstress: block %p corrupted at word %lu\n", v,
				(unsigned long)i);
			abort();
		}
	}
	wl_free(p);
}

static void *ms_worker(void *arg)
{
	struct ms *m = arg;
	uint64_t r = 42 ^ (uint64_t)m->t.id;
	long allocs = m->allocs, retain = allocs / 2, top = 0, kept = 0;
	void **data = wl_xmalloc((size_t)allocs * sizeof(void *));
	void **retained = wl_xmalloc((size_t)retain * sizeof(void *));

	wl_thread_begin(&m->t);
	while (allocs > 0 || retain > 0) {
		if (retain == 0 || (ms_chance(&r, 50) && allocs > 0)) {
			allocs--;
			data[top++] = ms_alloc(wl_rand(&r) % MS_MAX_ITEM + 1, &r);
		} else {
			retained[kept++] = ms_alloc(2 * (wl_rand(&r) % MS_MAX_ITEM + 1), &r);
			retain--;
		}
		if (ms_chance(&r, 66) && top > 0) {
			long k = (long)(wl_rand(&r) % (uint64_t)top);

			ms_free(data[k]);
			data[k] = NULL;
		}
		if (ms_chance(&r, 25) && top > 0) {
			long k = (long)(wl_rand(&r) % (uint64_t)top);
			long x = (long)(wl_rand(&r) % MS_TRANSFERS);

			data[k] = __atomic_exchange_n(&ms_transfer[x], data[k], __ATOMIC_ACQ_REL);
		}
	}
	for (long i = 0; i < kept; i++)
		ms_free(retained[i]);
	for (long i = 0; i < top; i++)
		ms_free(data[i]);
	wl_thread_end(&m->t);
	free(data);
	free(retained);
	return NULL;
}

static double run_mstress(double *spread)
{
	int n = o.threads;
	struct ms *m = aligned_alloc(64, (size_t)n * sizeof(*m));
	long base = wl_ops(&o, 30000.0 / n), sum = 0;
	double wall;

	wl_check(m, (size_t)n * sizeof(*m));
	memset(m, 0, (size_t)n * sizeof(*m));
	for (int i = 0; i < n; i++) {
		/* some threads work longer than others, as in the original */
		m[i].allocs = base * (i % 4 + 1) * 2 / 5;
		sum += m[i].allocs;
	}
	wall = wl_run_threads(n, ms_worker, m, sizeof(*m), spread);
	for (int i = 0; i < MS_TRANSFERS; i++) {
		ms_free(ms_transfer[i]);
		ms_transfer[i] = NULL;
	}
	free(m);
	return wall / ((double)sum / n);
}

int main(int argc, char **argv)
{
	double (*run)(double *spread);
	double ns, spread;

	wl_parse(argc, argv, &o, SHAPES);
	if (!strcmp(o.shape, "larson"))
		run = run_larson;
	else if (!strcmp(o.shape, "scratch"))
		run = run_scratch;
	else if (!strcmp(o.shape, "xmalloc"))
		run = run_xmalloc;
	else if (!strcmp(o.shape, "simple"))
		run = run_simple;
	else if (!strcmp(o.shape, "mstress"))
		run = run_mstress;
	else
		wl_usage(argv[0], SHAPES);
	wl_boot(&o);
	wl_phase_begin();
	ns = run(&spread);
	wl_phase_end();
	wl_result(ns, spread);
	return 0;
}
