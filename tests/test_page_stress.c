// SPDX-License-Identifier: MIT
/*
 * test_page_stress.c - many threads (more than CPUs) allocating and freeing
 * blocks of random orders with random GFP flags, handing blocks to each
 * other, draining, and checking every block's pattern and that no frame is
 * ever owned twice. Meant to run clean under TSan and ASan.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mm/internal.h"

#define NTHREADS	6
#define OPS		6000
#define LIVE		48

static unsigned char *owner;	/* per pfn: 0 free, else thread id + 1 */

struct blk {
	struct page *page;
	unsigned int order;
	unsigned long tag;
};

/* a mailbox for handing blocks to another thread */
static pthread_mutex_t box_lock = PTHREAD_MUTEX_INITIALIZER;
static struct blk box[64];
static int box_n;

static unsigned long nr_allocs, nr_failures;	/* atomics */

static unsigned long rnd(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void claim(struct blk *b, int id)
{
	unsigned long pfn = page_to_pfn(b->page), i;

	for (i = 0; i < (1UL << b->order); i++) {
		unsigned char zero = 0;

		cr_assert(__atomic_compare_exchange_n(&owner[pfn + i], &zero, (unsigned char)(id + 1),
						      false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED),
			  "pfn %#lx handed out twice", pfn + i);
	}
}

static void unclaim(struct blk *b)
{
	unsigned long pfn = page_to_pfn(b->page), i;

	for (i = 0; i < (1UL << b->order); i++)
		__atomic_store_n(&owner[pfn + i], 0, __ATOMIC_RELEASE);
}

/* pattern: a few words per page, enough to catch sharing or corruption */
static void stamp(struct blk *b)
{
	unsigned long i;

	for (i = 0; i < (1UL << b->order); i++) {
		unsigned long *w = page_address(b->page + i);

		w[0] = b->tag + i;
		w[PAGE_SIZE / sizeof(long) / 2] = ~(b->tag + i);
		w[PAGE_SIZE / sizeof(long) - 1] = b->tag ^ i;
	}
}

static void check(struct blk *b)
{
	unsigned long i;

	for (i = 0; i < (1UL << b->order); i++) {
		unsigned long *w = page_address(b->page + i);

		cr_assert_eq(w[0], b->tag + i);
		cr_assert_eq(w[PAGE_SIZE / sizeof(long) / 2], ~(b->tag + i));
		cr_assert_eq(w[PAGE_SIZE / sizeof(long) - 1], b->tag ^ i);
	}
}

static void put(struct blk *b)
{
	check(b);
	unclaim(b);
	__free_pages(b->page, b->order);
}

static void *worker(void *arg)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT, GFP_KERNEL | __GFP_ZERO,
				      GFP_KERNEL | GFP_DMA, GFP_KERNEL | __GFP_COLD,
				      GFP_KERNEL | __GFP_NORETRY };
	int id = (int)(long)arg;
	unsigned long seed = 0x9e3779b97f4a7c15ul * (unsigned long)(id + 1), op;
	struct blk live[LIVE];
	int n = 0, i;

	for (op = 0; op < OPS; op++) {
		unsigned long r = rnd(&seed);

		if (n == LIVE || (n && r % 3 == 0)) {
			i = (int)(rnd(&seed) % (unsigned long)n);
			if (r % 7 == 0) {
				/* hand it to whoever takes the mailbox next */
				pthread_mutex_lock(&box_lock);
				if (box_n < 64) {
					box[box_n++] = live[i];
					live[i] = live[--n];
				}
				pthread_mutex_unlock(&box_lock);
				continue;
			}
			put(&live[i]);
			live[i] = live[--n];
		} else if (r % 11 == 0) {
			struct blk b = { 0 };

			pthread_mutex_lock(&box_lock);
			if (box_n)
				b = box[--box_n];
			pthread_mutex_unlock(&box_lock);
			if (b.page)
				put(&b);
		} else if (r % 101 == 0) {
			if (r & 1)
				drain_all_pages(NULL);
			else
				drain_local_pages(NULL);
		} else {
			gfp_t gfp = gfps[rnd(&seed) % (sizeof(gfps) / sizeof(gfps[0]))];
			struct blk b;

			b.order = (unsigned int)(rnd(&seed) % 5);
			b.page = alloc_pages(gfp | __GFP_NOWARN, b.order);
			if (!b.page) {
				__atomic_fetch_add(&nr_failures, 1, __ATOMIC_RELAXED);
				continue;
			}
			__atomic_fetch_add(&nr_allocs, 1, __ATOMIC_RELAXED);
			claim(&b, id);
			if (gfp & __GFP_ZERO) {
				unsigned long *w = page_address(b.page);

				cr_assert_eq(w[0] | w[PAGE_SIZE / sizeof(long) - 1], 0);
			}
			b.tag = ((unsigned long)id << 48) ^ (op << 8) ^ rnd(&seed);
			stamp(&b);
			live[n++] = b;
		}
	}
	while (n)
		put(&live[--n]);
	return NULL;
}

static void stress(const char *cmdline, bool pressure)
{
	pthread_t th[NTHREADS];
	struct page *hog = NULL;
	unsigned long free0;
	long i;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	owner = calloc(max_pfn, 1);
	drain_all_pages(NULL);
	free0 = nr_free_pages();
	/* under pressure: leave the threads only ~300 pages between them */
	while (pressure && nr_free_pages() > 300) {
		struct page *p = alloc_page(GFP_KERNEL);

		cr_assert(p);
		p->mapping = hog;
		hog = p;
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	while (box_n) {
		box_n--;
		put(&box[box_n]);
	}
	while (hog) {
		struct page *p = hog;

		hog = p->mapping;
		p->mapping = NULL;
		__free_page(p);
	}
	drain_all_pages(NULL);
	cr_assert_gt(nr_allocs, NTHREADS * OPS / (pressure ? 6 : 3), "%lu allocations", nr_allocs);
	if (pressure)
		cr_assert_gt(nr_failures, 0, "the machine ran out of memory");
	cr_assert_eq(nr_free_pcp_pages(NULL), 0);
	cr_assert_eq(nr_free_pages(), free0, "every page came back");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 0);
	free(owner);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
}

Test(page_stress, six_threads_two_cpus)
{
	stress("mem=64M nr_cpus=2 loglevel=3", false);
}

Test(page_stress, six_threads_two_cpus_no_pcp)
{
	stress("mem=64M nr_cpus=2 percpu_pagelists=0 loglevel=3", false);
}

Test(page_stress, six_threads_under_pressure)
{
	/* the threads run the machine out of memory over and over */
	stress("mem=16M nr_cpus=2 loglevel=3", true);
}
