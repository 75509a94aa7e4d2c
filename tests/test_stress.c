// SPDX-License-Identifier: MIT
/*
 * test_stress.c - the shape of mimalloc's test-stress, written for ukmem's
 * API: threads allocate objects of every kind (kmalloc of small and large
 * sizes, kzalloc, a kmem_cache, kvmalloc, pages, per-CPU), keep some, hand
 * some to other threads through a shared transfer array, free the rest; all
 * threads end after each round and new ones start, so objects outlive the
 * threads that made them and are freed by threads that never saw their CPU
 * arrays. Every object carries a header and a fill pattern that is checked
 * before it is freed: an object handed to two owners, a lost write, or a
 * zeroing that fell short shows as a broken pattern.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__SANITIZE_THREAD__)
#define STRESS_ITERS 2500
#elif defined(__SANITIZE_ADDRESS__)
#define STRESS_ITERS 6000
#else
#define STRESS_ITERS 60000
#endif

#define STRESS_MAGIC 0x5ca1ab1eu
#define NR_LOCAL     64
#define NR_TRANSFER  256
#define NR_RETAINED  512
#define MAX_THREADS  8

enum kind { K_KMALLOC, K_KZALLOC, K_CACHE, K_KVMALLOC, K_PAGES, K_PERCPU, NR_KINDS };

/* the header of every object (for per-CPU objects: of every CPU's copy) */
struct hdr {
	uint32_t magic;
	uint8_t kind;
	uint8_t order;
	uint16_t pad;
	uint32_t size;
	uint32_t seed;
};

/* a per-CPU object is named through a small kmalloc'd handle */
struct pcpu_handle {
	struct hdr h;
	void __percpu *p;
};

static struct kmem_cache *stress_cache;
static void *transfer[NR_TRANSFER];
static void *retained[NR_RETAINED];
static unsigned long bad, bad_zero, nr_alloc, nr_failed;
static int nr_threads;

static void fail(unsigned long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* bytes past the header: every byte of small objects, every 64th of large ones */
static size_t stride(size_t size)
{
	return size > 8192 ? 64 : 1;
}

static void fill(void *p, size_t size, uint32_t seed, enum kind k, unsigned int order)
{
	struct hdr *h = p;
	unsigned char *b = p;
	size_t i, st = stride(size);

	h->magic = STRESS_MAGIC;
	h->kind = (uint8_t)k;
	h->order = (uint8_t)order;
	h->size = (uint32_t)size;
	h->seed = seed;
	for (i = sizeof(*h); i < size; i += st)
		b[i] = (unsigned char)(seed + i * 31);
}

/* Return: true when the pattern at @p is intact. */
static bool intact(const void *p, size_t size, uint32_t seed)
{
	const unsigned char *b = p;
	size_t i, st = stride(size);

	for (i = sizeof(struct hdr); i < size; i += st)
		if (b[i] != (unsigned char)(seed + i * 31))
			return false;
	return true;
}

static bool zeroed(const void *p, size_t size)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < size; i++)
		if (b[i])
			return false;
	return true;
}

static size_t small_size(uint64_t r)
{
	unsigned int pick = r % 100;

	if (pick < 80)
		return 16 + (r >> 8) % 1009; /* 16 .. 1024 */
	if (pick < 98)
		return 1024 + (r >> 8) % 7169; /* .. 8192 */
	return 8192 + (r >> 8) % (57 * 1024);  /* large kmalloc: pages */
}

static void *stress_alloc(uint64_t *rs)
{
	uint64_t r = next(rs);
	uint32_t seed = (uint32_t)(r >> 32);
	unsigned int pick = r % 1000, order;
	struct pcpu_handle *ph;
	struct page *page;
	size_t size;
	void *p;
	int cpu;

	if (pick < 600) {
		size = small_size(next(rs));
		p = kmalloc(size, GFP_KERNEL);
		if (p)
			fill(p, size, seed, K_KMALLOC, 0);
	} else if (pick < 750) {
		size = small_size(next(rs));
		p = kzalloc(size, GFP_KERNEL);
		if (p) {
			if (!zeroed(p, size))
				fail(&bad_zero);
			fill(p, size, seed, K_KZALLOC, 0);
		}
	} else if (pick < 950) {
		size = 200;
		p = kmem_cache_alloc(stress_cache, GFP_KERNEL);
		if (p)
			fill(p, size, seed, K_CACHE, 0);
	} else if (pick < 965) {
		size = 16384 + (next(rs) % (112 * 1024));
		p = kvmalloc(size, GFP_KERNEL);
		if (p)
			fill(p, size, seed, K_KVMALLOC, 0);
	} else if (pick < 985) {
		order = next(rs) % 3;
		page = alloc_pages(GFP_KERNEL, order);
		p = page ? page_address(page) : NULL;
		if (p)
			fill(p, PAGE_SIZE << order, seed, K_PAGES, order);
	} else {
		size = 16 + (next(rs) % 7) * 8;
		ph = kmalloc(sizeof(*ph), GFP_KERNEL);
		p = ph;
		if (ph) {
			ph->p = __alloc_percpu(size, 8);
			if (!ph->p) {
				kfree(ph);
				p = NULL;
			} else {
				for_each_possible_cpu (cpu)
					fill(per_cpu_ptr(ph->p, cpu), size, seed + cpu, K_PERCPU,
					     0);
				ph->h.magic = STRESS_MAGIC;
				ph->h.kind = K_PERCPU;
				ph->h.size = (uint32_t)size;
				ph->h.seed = seed;
			}
		}
	}
	if (p)
		__atomic_fetch_add(&nr_alloc, 1, __ATOMIC_RELAXED);
	else
		fail(&nr_failed);
	return p;
}

/* stress_free - check @p's pattern, then give it back the way it was made */
static void stress_free(void *p)
{
	struct hdr *h = p;
	struct pcpu_handle *ph;
	int cpu;

	if (!p)
		return;
	if (h->magic != STRESS_MAGIC || h->kind >= NR_KINDS) {
		fail(&bad);
		return; /* not ours to free: someone wrote over it */
	}
	switch (h->kind) {
	case K_PERCPU:
		ph = p;
		for_each_possible_cpu (cpu) {
			struct hdr *c = per_cpu_ptr(ph->p, cpu);

			if (c->magic != STRESS_MAGIC || c->seed != ph->h.seed + cpu ||
			    !intact(c, ph->h.size, c->seed))
				fail(&bad);
		}
		free_percpu(ph->p);
		kfree(ph);
		return;
	case K_PAGES:
		if (!intact(p, PAGE_SIZE << h->order, h->seed))
			fail(&bad);
		__free_pages(virt_to_page(p), h->order);
		return;
	default:
		break;
	}
	if (!intact(p, h->size, h->seed))
		fail(&bad);
	h->magic = 0; /* a second owner would find no header */
	if (h->kind == K_CACHE)
		kmem_cache_free(stress_cache, p);
	else if (h->kind == K_KVMALLOC)
		kvfree(p);
	else
		kfree(p);
}

static void *worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	uint64_t rs = 0x9e3779b97f4a7c15ull * (id + 1);
	void *local[NR_LOCAL] = {0};
	int it;

	for (it = 0; it < STRESS_ITERS; it++) {
		uint64_t r = next(&rs);
		unsigned int slot = (r >> 16) % NR_LOCAL, pick = r % 100;

		if (pick < 10) {
			/* hand an object to whoever takes the slot next */
			unsigned int t = (r >> 32) % NR_TRANSFER;

			local[slot] =
			    __atomic_exchange_n(&transfer[t], local[slot], __ATOMIC_ACQ_REL);
		} else if (pick < 12) {
			/* keep one across the round: a later thread frees it */
			unsigned int k = (r >> 32) % NR_RETAINED;

			local[slot] =
			    __atomic_exchange_n(&retained[k], local[slot], __ATOMIC_ACQ_REL);
		} else if (local[slot]) {
			stress_free(local[slot]);
			local[slot] = NULL;
		} else {
			local[slot] = stress_alloc(&rs);
		}
	}
	for (it = 0; it < NR_LOCAL; it++)
		stress_free(local[it]);
	return NULL;
}

static void stress_run(const char *cmdline, int threads, int rounds)
{
	pthread_t t[MAX_THREADS];
	int i, r;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	ukmem_report_reset();
	bad = bad_zero = nr_alloc = nr_failed = 0;
	memset(transfer, 0, sizeof(transfer));
	memset(retained, 0, sizeof(retained));
	nr_threads = threads;
	stress_cache = kmem_cache_create("stress_200", 200, 0, SLAB_NO_MERGE, NULL);
	cr_assert_not_null(stress_cache);
	for (r = 0; r < rounds; r++) {
		/* new threads each round: the old ones are gone with their caches */
		for (i = 0; i < threads; i++)
			cr_assert_eq(pthread_create(&t[i], NULL, worker,
						    (void *)(uintptr_t)(r * MAX_THREADS + i)),
				     0);
		for (i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
	}
	for (i = 0; i < NR_TRANSFER; i++)
		stress_free(transfer[i]);
	for (i = 0; i < NR_RETAINED; i++)
		stress_free(retained[i]);
	cr_assert_eq(bad, 0, "%lu objects found with a broken pattern", bad);
	cr_assert_eq(bad_zero, 0, "%lu kzalloc objects were not zeroed", bad_zero);
	cr_assert_eq(nr_failed, 0, "%lu allocations failed with memory to spare", nr_failed);
	cr_assert_gt(nr_alloc, (unsigned long)(threads * rounds * STRESS_ITERS / 4));
	/* objects left in the cache would be reported here ("Objects remaining") */
	kmem_cache_destroy(stress_cache);
	cr_assert_eq(ukmem_report_total(), 0, "reports during the stress run");
	cr_assert_not(ukmem_dmesg_contains("BUG"));
	ukmem_shutdown();
}

Test(stress, more_threads_than_cpus, .timeout = 300)
{
	stress_run("mem=256M nr_cpus=2", 4, 5);
}

Test(stress, more_cpus_than_threads, .timeout = 300)
{
	stress_run("mem=256M nr_cpus=8", 3, 5);
}

Test(stress, with_full_slab_debugging, .timeout = 300)
{
	stress_run("mem=256M nr_cpus=2 slub_debug=FZPU", 3, 3);
}
