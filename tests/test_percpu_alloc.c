// SPDX-License-Identifier: MIT
/*
 * test_percpu_alloc.c - alloc_percpu/free_percpu: zeroing, alignment,
 * physical addresses, chunk growth and release (meminfo Percpu), illegal
 * requests, invalid frees, leaks at shutdown, and a random stress that
 * checks no two live allocations overlap on any CPU.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/percpu.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static DEFINE_PER_CPU(int, pca_static);

/* the "Percpu:" line of /proc/meminfo, in kB */
static unsigned long meminfo_percpu_kb(void)
{
	char *buf = NULL, *p;
	size_t len = 0;
	unsigned long kb = ~0ul;
	FILE *f = open_memstream(&buf, &len);

	ukmem_proc_show("meminfo", f);
	fclose(f);
	p = strstr(buf, "Percpu:");
	if (p)
		kb = strtoul(p + 7, NULL, 10);
	free(buf);
	return kb;
}

Test(percpu_alloc, zeroed_and_aligned_on_every_cpu)
{
	size_t align;
	int cpu;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=5"), 0);
	for (align = 1; align <= PAGE_SIZE; align *= 2) {
		size_t size = 3 * align + 1 > 4000 ? 4000 : 3 * align + 1;
		unsigned char *p = __alloc_percpu(size, align);

		cr_assert(p, "align %zu", align);
		for_each_possible_cpu(cpu) {
			unsigned char *c = per_cpu_ptr(p, cpu);
			size_t i;

			cr_assert_eq((uintptr_t)c % align, 0, "align %zu cpu %d", align, cpu);
			for (i = 0; i < size; i++)
				cr_assert_eq(c[i], 0);
			memset(c, 0xa5, size);	/* dirty it for the next round */
		}
		free_percpu(p);
	}
	/* reuse of dirtied memory is zeroed again */
	{
		long (*q)[8] = alloc_percpu(long[8]);

		for_each_possible_cpu(cpu)
			cr_assert_eq((*per_cpu_ptr(q, cpu))[7], 0);
		free_percpu(q);
	}
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_alloc, copies_are_distinct_and_have_physical_addresses)
{
	int *p, cpu;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	p = alloc_percpu(int);
	cr_assert(p);
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(p, cpu) = 1000 + cpu;
	for_each_possible_cpu(cpu) {
		phys_addr_t phys = per_cpu_ptr_to_phys(per_cpu_ptr(p, cpu));

		cr_assert_neq(phys, 0);
		cr_assert_lt(phys, (phys_addr_t)max_pfn << PAGE_SHIFT);
		cr_assert(PagePercpu(phys_to_page(phys)));
		/* the direct map aliases the same frame */
		cr_assert_eq(*(int *)phys_to_virt(phys), 1000 + cpu);
	}
	/* statics are per-CPU memory too */
	cr_assert_neq(per_cpu_ptr_to_phys(per_cpu_ptr(&pca_static, 2)), 0);
	free_percpu(p);
	ukmem_shutdown();
}

Test(percpu_alloc, illegal_size_or_align_warns_and_fails)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_dmesg_clear();
	cr_assert_null(__alloc_percpu(0, 4));
	cr_assert(ukmem_dmesg_contains("illegal size (0) or align (4) for percpu allocation"));
	cr_assert(ukmem_dmesg_contains("WARNING: "));
	cr_assert_null(__alloc_percpu(PCPU_MIN_UNIT_SIZE + 1, 8));
	cr_assert(ukmem_dmesg_contains("illegal size (32769) or align (8) for percpu allocation"));
	cr_assert_null(__alloc_percpu(16, 2 * PAGE_SIZE));
	cr_assert(ukmem_dmesg_contains("illegal size (16) or align (8192) for percpu allocation"));
	cr_assert_null(__alloc_percpu(16, 12));
	cr_assert(ukmem_dmesg_contains("illegal size (16) or align (12) for percpu allocation"));
	cr_assert_null(__alloc_percpu_gfp(16, 0, GFP_ATOMIC));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PERCPU), 5);
	/* the largest legal request works */
	{
		void *p = __alloc_percpu(PCPU_MIN_UNIT_SIZE, PAGE_SIZE);

		cr_assert(p);
		free_percpu(p);
	}
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PERCPU), 5);
	ukmem_shutdown();
}

Test(percpu_alloc, invalid_frees_are_reported_and_refused)
{
	int *a, *b, *c, cpu, local;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=3"), 0);
	free_percpu(NULL);
	cr_assert_eq(ukmem_report_total(), 0);
	a = alloc_percpu(int);
	b = __alloc_percpu(64, 8);
	c = alloc_percpu(int);
	for_each_possible_cpu(cpu) {
		*per_cpu_ptr(b, cpu) = 11;
		*per_cpu_ptr(c, cpu) = 22;
	}
	ukmem_dmesg_clear();
	free_percpu(a);
	free_percpu(a);		/* back to back */
	cr_assert(ukmem_dmesg_contains("BUG: free_percpu("));
	cr_assert(ukmem_dmesg_contains("): double free (not allocated)"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PERCPU), 1);

	free_percpu(b + 1);	/* interior */
	cr_assert(ukmem_dmesg_contains("not the start of a per-CPU allocation"));
	free_percpu(&local);	/* the stack */
	cr_assert(ukmem_dmesg_contains("not a per-CPU pointer"));
	free_percpu(&pca_static);	/* a static per-CPU variable */
	free_percpu(per_cpu_ptr(c, 1));	/* a CPU's copy, not the per-CPU pointer */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PERCPU), 5);
	cr_assert_eq(ukmem_dmesg_count("not a per-CPU pointer"), 3);

	/* refused: b and c are intact and still owned by their owner */
	for_each_possible_cpu(cpu) {
		cr_assert_eq(*per_cpu_ptr(b, cpu), 11);
		cr_assert_eq(*per_cpu_ptr(c, cpu), 22);
	}
	/* A, B, A with frees between: the second free of b is caught */
	free_percpu(b);
	free_percpu(c);
	free_percpu(b);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PERCPU), 6);
	/* nothing handed out twice: two new allocations differ */
	a = alloc_percpu(int);
	b = alloc_percpu(int);
	cr_assert_neq(a, b);
	free_percpu(a);
	free_percpu(b);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
}

Test(percpu_alloc, chunks_grow_and_are_released)
{
	enum { N = 600 };
	void *p[N];
	unsigned long start_kb, start_pages, peak;
	int i;

	cr_assert_eq(ukmem_boot("mem=256M nr_cpus=4"), 0);
	start_pages = pcpu_nr_pages();
	start_kb = meminfo_percpu_kb();
	cr_assert_gt(start_pages, 0, "the first chunk counts");
	cr_assert_eq(start_kb, start_pages * 4);
	for (i = 0; i < N; i++) {
		p[i] = __alloc_percpu(1024, 64);
		cr_assert(p[i]);
	}
	peak = pcpu_nr_pages();
	/* 600 KiB per CPU does not fit in one chunk */
	cr_assert_gt(peak, start_pages + 4 * (512 << 10) / PAGE_SIZE);
	cr_assert_eq(meminfo_percpu_kb(), peak * 4);
	/* free in an interleaved order */
	for (i = 0; i < N; i += 2)
		free_percpu(p[i]);
	for (i = 1; i < N; i += 2)
		free_percpu(p[i]);
	cr_assert_eq(pcpu_nr_pages(), start_pages);
	cr_assert_eq(meminfo_percpu_kb(), start_kb);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_alloc, leaks_are_reported_at_shutdown)
{
	void *p;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	p = __alloc_percpu(40, 8);
	cr_assert(p);
	ukmem_dmesg_clear();
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("percpu: leaked per-CPU area"));
	cr_assert(ukmem_dmesg_contains("percpu: 1 per-CPU areas (40 bytes per CPU) still allocated at shutdown"));
	/* and the next boot is clean */
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	p = alloc_percpu(int);
	free_percpu(p);
	ukmem_shutdown();
}

/* ---- random stress: patterns per CPU, nothing overlaps ---- */

struct live {
	unsigned char *p;
	size_t size;
	unsigned char tag;
};

static void fill(struct live *l)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(l->p, cpu), l->tag ^ cpu, l->size);
}

static void check(struct live *l)
{
	int cpu;
	size_t i;

	for_each_possible_cpu(cpu) {
		unsigned char *c = per_cpu_ptr(l->p, cpu);

		for (i = 0; i < l->size; i++)
			cr_assert_eq(c[i], (unsigned char)(l->tag ^ cpu), "overlap at %p", (void *)l->p);
	}
}

struct stress_arg {
	unsigned int seed;
	int ops;
};

static void *stress_worker(void *arg)
{
	struct stress_arg *a = arg;
	enum { LIVE = 300 };
	struct live live[LIVE] = { { 0 } };
	int i;

	for (i = 0; i < a->ops; i++) {
		struct live *l = &live[rand_r(&a->seed) % LIVE];

		if (l->p) {
			check(l);
			free_percpu(l->p);
			l->p = NULL;
		} else {
			l->size = 1 + rand_r(&a->seed) % 1024;
			l->p = __alloc_percpu(l->size, 2u << (rand_r(&a->seed) % 11));
			cr_assert(l->p);
			l->tag = (unsigned char)rand_r(&a->seed);
			fill(l);
		}
	}
	for (i = 0; i < LIVE; i++) {
		if (live[i].p) {
			check(&live[i]);
			free_percpu(live[i].p);
		}
	}
	return NULL;
}

Test(percpu_alloc, random_stress_from_several_threads)
{
	pthread_t th[3];
	struct stress_arg args[3];
	unsigned long start;
	int i;

	cr_assert_eq(ukmem_boot("mem=256M nr_cpus=3"), 0);
	start = pcpu_nr_pages();
	for (i = 0; i < 3; i++) {
		args[i] = (struct stress_arg){ 1234u + (unsigned int)i, 6000 };
		pthread_create(&th[i], NULL, stress_worker, &args[i]);
	}
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(pcpu_nr_pages(), start);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_alloc, the_benchmark_shape_35000_live)
{
	enum { N = 35000 };
	void **p = malloc(sizeof(void *) * N);
	unsigned int seed = 42;
	unsigned long start;
	int i;

	cr_assert_eq(ukmem_boot("mem=512M nr_cpus=2"), 0);
	start = pcpu_nr_pages();
	for (i = 0; i < N; i++) {
		size_t size = 1 + rand_r(&seed) % 1024;
		size_t align = 2u << (rand_r(&seed) % 11);

		p[i] = __alloc_percpu(size, align);
		cr_assert(p[i]);
		cr_assert_eq((uintptr_t)per_cpu_ptr(p[i], 1) % align, 0);
	}
	for (i = 0; i < N; i++)
		free_percpu(p[i]);
	cr_assert_eq(pcpu_nr_pages(), start);
	cr_assert_eq(ukmem_report_total(), 0);
	free(p);
	ukmem_shutdown();
}

Test(percpu_alloc, exhaustion_fails_cleanly_and_recovers)
{
	static void *p[4096];
	unsigned long start;
	int n = 0;

	cr_assert_eq(ukmem_boot("mem=16M nr_cpus=4"), 0);
	start = pcpu_nr_pages();
	while (n < 4096 && (p[n] = __alloc_percpu_gfp(PCPU_MIN_UNIT_SIZE, 8,
						       GFP_KERNEL | __GFP_NOWARN)))
		n++;
	cr_assert_gt(n, 10);
	cr_assert_lt(n, 4096);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 0, "__GFP_NOWARN is quiet");
	ukmem_dmesg_clear();
	cr_assert_null(__alloc_percpu(PCPU_MIN_UNIT_SIZE, 8));
	cr_assert(ukmem_dmesg_contains("percpu: allocation failed, size=32768 align=8 atomic=0, failed to allocate new chunk"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_ALLOC_FAIL), 1);
	/* everything held is intact and freeable; memory comes back */
	while (n--)
		free_percpu(p[n]);
	cr_assert_eq(pcpu_nr_pages(), start);
	p[0] = __alloc_percpu(PCPU_MIN_UNIT_SIZE, 8);
	cr_assert(p[0]);
	free_percpu(p[0]);
	ukmem_shutdown();
}

Test(percpu_alloc, context_checks)
{
	void *p;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	/* GFP_ATOMIC with preemption off: fine */
	preempt_disable();
	p = alloc_percpu_gfp(long, GFP_ATOMIC);
	preempt_enable();
	cr_assert(p);
	free_percpu(p);
	cr_assert_eq(ukmem_report_total(), 0);
	/* GFP_KERNEL may sleep: reported in atomic context */
	ukmem_dmesg_clear();
	preempt_disable();
	p = alloc_percpu(long);
	free_percpu(p);
	preempt_enable();
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	ukmem_shutdown();
}

Test(percpu_alloc, per_cpu_ptr_of_a_non_percpu_pointer_is_reported)
{
	long x = 5, *c;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_dmesg_clear();
	c = per_cpu_ptr(&x, 1);
	cr_assert_eq(c, &x, "left alone");
	cr_assert(ukmem_dmesg_contains("): not a per-CPU pointer"));
	cr_assert(ukmem_dmesg_contains("BUG: per_cpu_ptr("));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PERCPU), 1);
	ukmem_shutdown();
}

/* ---- the small-object fast path (per-thread magazines) ---- */

static bool all_zero(const void *p, size_t size)
{
	int cpu;
	size_t i;

	for_each_possible_cpu (cpu) {
		const unsigned char *c = per_cpu_ptr((const unsigned char *)p, cpu);

		for (i = 0; i < size; i++)
			if (c[i])
				return false;
	}
	return true;
}

Test(percpu_alloc, small_areas_are_zeroed_and_distinct_on_64_cpus)
{
	enum { N = 200 };
	u64 *p[N];
	int i, j, cpu;

	cr_assert_eq(ukmem_boot("mem=256M nr_cpus=64"), 0);
	for (j = 0; j < 3; j++) {
		for (i = 0; i < N; i++) {
			p[i] = alloc_percpu(u64);
			cr_assert(p[i]);
			cr_assert(all_zero(p[i], sizeof(u64)), "round %d area %d", j, i);
			for_each_possible_cpu (cpu)
				*per_cpu_ptr(p[i], cpu) = ((u64)i << 32) | (u64)cpu;
		}
		for (i = 0; i < N; i++)
			for_each_possible_cpu (cpu)
				cr_assert_eq(*per_cpu_ptr(p[i], cpu), ((u64)i << 32) | (u64)cpu);
		for (i = 0; i < N; i++)
			free_percpu(p[i]); /* dirty areas back to the magazines */
	}
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

struct churn_arg {
	int n;
};

static void *churn_64(void *arg)
{
	struct churn_arg *a = arg;
	void **p = malloc(sizeof(void *) * (size_t)a->n);
	int i;

	for (i = 0; i < a->n; i++)
		p[i] = __alloc_percpu(64, 64);
	for (i = 0; i < a->n; i++)
		free_percpu(p[i]);
	free(p);
	return NULL; /* this thread's cached areas must not be lost */
}

Test(percpu_alloc, cached_areas_of_an_exited_thread_go_back_to_the_chunk)
{
	enum { MAX = 4096 };
	static void *p[MAX];
	unsigned long start;
	struct churn_arg arg;
	pthread_t th;
	int k = 0, i, threads;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	start = pcpu_nr_pages();
	/* how many 64-byte areas the first chunk holds */
	while (k < MAX) {
		p[k] = __alloc_percpu(64, 64);
		cr_assert(p[k]);
		if (pcpu_nr_pages() != start)
			break;
		k++;
	}
	cr_assert_lt(k, MAX);
	for (i = 0; i <= k; i++)
		free_percpu(p[i]);
	cr_assert_eq(pcpu_nr_pages(), start);
	/* each thread would keep at least PCPU_MAG_SIZE / 2 = 8 areas cached */
	threads = k / 8 + 2;
	arg.n = 64;
	for (i = 0; i < threads; i++) {
		pthread_create(&th, NULL, churn_64, &arg);
		pthread_join(th, NULL);
	}
	/* all of it is still there for this thread */
	for (i = 0; i < k / 2; i++) {
		p[i] = __alloc_percpu(64, 64);
		cr_assert(p[i]);
	}
	cr_assert_eq(pcpu_nr_pages(), start, "areas cached by exited threads were lost");
	for (i = 0; i < k / 2; i++)
		free_percpu(p[i]);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/* two threads free one area at the same moment: one free, one report */
struct race_arg {
	pthread_barrier_t *bar;
	void *volatile *slot;
	int rounds;
};

static void *race_free(void *arg)
{
	struct race_arg *a = arg;
	int i;

	for (i = 0; i < a->rounds; i++) {
		pthread_barrier_wait(a->bar); /* the area is ready */
		free_percpu(*a->slot);
		pthread_barrier_wait(a->bar); /* both frees done */
	}
	return NULL;
}

Test(percpu_alloc, concurrent_double_free_is_claimed_once)
{
	enum { ROUNDS = 300 };
	pthread_barrier_t bar;
	void *volatile slot = NULL;
	struct race_arg arg = {&bar, &slot, ROUNDS};
	pthread_t th[2];
	long *a, *b;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	pthread_barrier_init(&bar, NULL, 3);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, race_free, &arg);
	for (i = 0; i < ROUNDS; i++) {
		slot = alloc_percpu(long);
		cr_assert(slot);
		pthread_barrier_wait(&bar);
		pthread_barrier_wait(&bar);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	cr_assert_eq(ukmem_dmesg_count("): double free (not allocated)"), ROUNDS);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PERCPU), ROUNDS);
	/* nothing was cached twice: two new areas differ */
	a = alloc_percpu(long);
	b = alloc_percpu(long);
	cr_assert_neq(a, b);
	free_percpu(a);
	free_percpu(b);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
}

/*
 * Many threads allocate and free at once, mostly small areas (the fast
 * path), and free areas other threads allocated: every area comes zeroed on
 * every CPU, keeps its pattern until freed, and everything comes back.
 */
#define XCHG_SLOTS 64
static void *xchg_slot[XCHG_SLOTS];

struct mt_arg {
	unsigned int seed;
	int ops;
};

static void mt_fill(unsigned char *p, size_t size)
{
	int cpu;

	for_each_possible_cpu (cpu)
		memset(per_cpu_ptr(p, cpu), (int)(((uintptr_t)p >> 2) ^ (uintptr_t)cpu) | 1, size);
}

static bool mt_check(unsigned char *p, size_t size)
{
	int cpu;
	size_t i;

	for_each_possible_cpu (cpu) {
		unsigned char want = (unsigned char)((((uintptr_t)p >> 2) ^ (uintptr_t)cpu) | 1);
		const unsigned char *c = per_cpu_ptr(p, cpu);

		for (i = 0; i < size; i++)
			if (c[i] != want)
				return false;
	}
	return true;
}

/* an area handed over carries bit 0 set for a u64 (fully checked); others check their first byte */
static void *mt_worker(void *arg)
{
	struct mt_arg *a = arg;
	enum { LIVE = 64 };
	unsigned char *live[LIVE] = {0};
	size_t live_size[LIVE] = {0};
	long bad = 0;
	int i;

	for (i = 0; i < a->ops; i++) {
		int k = (int)(rand_r(&a->seed) % LIVE);

		if (live[k]) {
			if (!mt_check(live[k], live_size[k]))
				bad++;
			if (rand_r(&a->seed) % 2) {
				free_percpu(live[k]);
			} else {
				/* hand it to another thread; free whatever was there */
				void *old = __atomic_exchange_n(
				    &xchg_slot[rand_r(&a->seed) % XCHG_SLOTS],
				    (void *)((uintptr_t)live[k] | (live_size[k] == 8)),
				    __ATOMIC_ACQ_REL);

				if (old) {
					size_t size = ((uintptr_t)old & 1) ? 8 : 1;
					unsigned char *o = (void *)((uintptr_t)old & ~(uintptr_t)1);

					if (!mt_check(o, size))
						bad++;
					free_percpu(o);
				}
			}
			live[k] = NULL;
		} else {
			unsigned int r = rand_r(&a->seed) % 10;
			size_t size = r < 4 ? 8 : r < 8 ? 1 : 1 + rand_r(&a->seed) % 1024;
			size_t align = size == 8 ? 8 : r < 8 ? 1 : 2u << (rand_r(&a->seed) % 7);

			live[k] = __alloc_percpu(size, align);
			if (!live[k] || !all_zero(live[k], size)) {
				bad++;
				continue;
			}
			live_size[k] = size;
			mt_fill(live[k], size);
		}
	}
	for (i = 0; i < LIVE; i++) {
		if (live[i]) {
			if (!mt_check(live[i], live_size[i]))
				bad++;
			free_percpu(live[i]);
		}
	}
	return (void *)bad;
}

Test(percpu_alloc, many_threads_alloc_and_free_concurrently)
{
	enum { T = 8 };
	pthread_t th[T];
	struct mt_arg args[T];
	unsigned long start;
	int i;

	cr_assert_eq(ukmem_boot("mem=256M nr_cpus=4"), 0);
	start = pcpu_nr_pages();
	for (i = 0; i < T; i++) {
		args[i] = (struct mt_arg){77u + (unsigned int)i, 20000};
		pthread_create(&th[i], NULL, mt_worker, &args[i]);
	}
	for (i = 0; i < T; i++) {
		void *bad;

		pthread_join(th[i], &bad);
		cr_assert_eq((long)bad, 0, "thread %d saw a lost, shared or non-zeroed area", i);
	}
	for (i = 0; i < XCHG_SLOTS; i++) {
		void *old = xchg_slot[i];

		if (old) {
			size_t size = ((uintptr_t)old & 1) ? 8 : 1;
			unsigned char *o = (void *)((uintptr_t)old & ~(uintptr_t)1);

			cr_assert(mt_check(o, size));
			free_percpu(o);
			xchg_slot[i] = NULL;
		}
	}
	cr_assert_eq(pcpu_nr_pages(), start);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
}
