// SPDX-License-Identifier: MIT
/*
 * test_slab_sharing.c - passive false sharing (mm/slub.c, slab_set_owner()):
 * a thread that frees objects another CPU's thread allocated must not get
 * them back for its own allocations when they share cache lines with
 * objects still in use over there (mimalloc-bench's cache-scratch), while a
 * free on the slab's own CPU stays the hot LIFO push it was. The remote
 * stash that takes such frees must be drained by destroy and thread exit,
 * and a second free of a stashed object is still caught.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "mm/slab.h"
#include "machine/sched.h"

#define LINE(p) ((uintptr_t)(p) / 64)

static void boot(void)
{
	ukmem_dmesg_clear();
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_shutdown();
}

TestSuite(slab_sharing, .init = boot, .fini = down);

static bool have_thread_caches(struct kmem_cache *s)
{
	return s->tc_off != 0;
}

/* what the main thread allocated on CPU 0, still in use there */
#define NMAIN 16
static void *mine[NMAIN];

struct remote_arg {
	int cpu;
	struct kmem_cache *s; /* NULL: kmalloc(size) */
	size_t size;
	int nfree;     /* how many of mine[] it frees first */
	void *got[64]; /* what its allocations after the frees returned */
	int ngot;
};

static void *alloc_one(struct remote_arg *a)
{
	return a->s ? kmem_cache_alloc(a->s, GFP_KERNEL) : kmalloc(a->size, GFP_KERNEL);
}

static void free_one(struct remote_arg *a, void *p)
{
	if (a->s)
		kmem_cache_free(a->s, p);
	else
		kfree(p);
}

/* cache-scratch's thread: free the main thread's objects, then alloc/write/free */
static void *scratch_thread(void *arg)
{
	struct remote_arg *a = arg;

	cr_assert_eq(ukmem_set_cpu(a->cpu), 0);
	for (int i = 0; i < a->nfree; i++)
		free_one(a, mine[i]);
	for (int i = 0; i < a->ngot; i++) {
		void *p = alloc_one(a);

		cr_assert_not_null(p);
		memset(p, i, a->size);
		a->got[i] = p;
		free_one(a, p);
	}
	return NULL;
}

static void run_scratch(struct remote_arg *a)
{
	pthread_t th;

	cr_assert_eq(ukmem_set_cpu(0), 0);
	for (int i = 0; i < NMAIN; i++) {
		mine[i] = a->s ? kmem_cache_alloc(a->s, GFP_KERNEL) : kmalloc(a->size, GFP_KERNEL);
		cr_assert_not_null(mine[i]);
	}
	cr_assert_eq(pthread_create(&th, NULL, scratch_thread, a), 0);
	cr_assert_eq(pthread_join(th, NULL), 0);
}

/* the cache lines of [p, p + size) and [q, q + size) meet */
static bool lines_meet(const void *p, const void *q, size_t size)
{
	return LINE(p) <= LINE((const char *)q + size - 1) &&
	       LINE(q) <= LINE((const char *)p + size - 1);
}

/* no object the thread used shares a line with one of mine[] the main thread still holds */
static void assert_no_shared_line(struct remote_arg *a)
{
	for (int i = 0; i < a->ngot; i++)
		for (int j = a->nfree; j < NMAIN; j++)
			cr_assert_not(lines_meet(a->got[i], mine[j], a->size),
				      "alloc %d of the thread on CPU %d (%p) shares a cache line "
				      "with object %d of the main thread on CPU 0 (%p)",
				      i, a->cpu, a->got[i], j, mine[j]);
}

Test(slab_sharing, kfree_of_another_cpus_small_object_is_not_reused)
{
	/* fails without the CPU tags: the thread gets mine[3] back at once */
	struct remote_arg a = {.cpu = 1, .size = 8, .nfree = 4, .ngot = 64};

	if (!have_thread_caches(kmalloc_caches[KMALLOC_NORMAL][3]))
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	run_scratch(&a);
	assert_no_shared_line(&a);
	for (int i = 0; i < NMAIN; i++)
		if (i >= a.nfree)
			kfree(mine[i]);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab_sharing, kmem_cache_free_of_another_cpus_small_object_is_not_reused)
{
	struct kmem_cache *s = kmem_cache_create("t_share24", 24, 0, 0, NULL);
	struct remote_arg a = {.cpu = 2, .s = s, .size = 24, .nfree = 5, .ngot = 64};

	cr_assert_not_null(s);
	if (!have_thread_caches(s))
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	run_scratch(&a);
	assert_no_shared_line(&a);
	for (int i = a.nfree; i < NMAIN; i++)
		kmem_cache_free(s, mine[i]);
	kmem_cache_destroy(s);
	cr_assert_eq(ukmem_report_total(), 0);
	cr_assert_not(ukmem_dmesg_contains("Objects remaining"));
}

Test(slab_sharing, free_on_the_slabs_own_cpu_stays_lifo)
{
	/* same CPU as the allocator: the freed object is the next one handed out */
	struct remote_arg a = {.cpu = 0, .size = 8, .nfree = 1, .ngot = 1};

	run_scratch(&a);
	cr_assert_eq(a.got[0], mine[0]);
	for (int i = 1; i < NMAIN; i++)
		kfree(mine[i]);
}

Test(slab_sharing, line_sized_objects_are_never_remote)
{
	/* 64-byte objects share no line: a free on another CPU is an ordinary push */
	struct remote_arg a = {.cpu = 3, .size = 64, .nfree = 1, .ngot = 1};

	if (!have_thread_caches(kmalloc_caches[KMALLOC_NORMAL][6]))
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	run_scratch(&a);
	cr_assert_eq(a.got[0], mine[0]);
	for (int i = 1; i < NMAIN; i++)
		kfree(mine[i]);
}

/* ------------------------------------------------------------ the stash */

static struct kmem_cache *stash_cache;
static pthread_barrier_t stash_bar;
static void *stash_objs[200];
static int stash_n;

static void *stash_thread(void *arg)
{
	cr_assert_eq(ukmem_set_cpu(1), 0);
	for (int i = 0; i < stash_n; i++)
		kmem_cache_free(stash_cache, stash_objs[i]);
	pthread_barrier_wait(&stash_bar); /* freed: the main thread destroys */
	pthread_barrier_wait(&stash_bar); /* destroyed: exit */
	return arg;
}

static void destroy_with_stash(int n)
{
	pthread_t th;

	stash_cache = kmem_cache_create("t_stash", 16, 0, 0, NULL);
	cr_assert_not_null(stash_cache);
	if (!have_thread_caches(stash_cache))
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	cr_assert_eq(ukmem_set_cpu(0), 0);
	stash_n = n;
	for (int i = 0; i < n; i++)
		cr_assert_not_null(stash_objs[i] = kmem_cache_alloc(stash_cache, GFP_KERNEL));
	pthread_barrier_init(&stash_bar, NULL, 2);
	cr_assert_eq(pthread_create(&th, NULL, stash_thread, NULL), 0);
	pthread_barrier_wait(&stash_bar);
	/* the thread is alive, its stash (and flushed batches) hold our objects */
	kmem_cache_destroy(stash_cache);
	pthread_barrier_wait(&stash_bar);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&stash_bar);
	cr_assert_not(ukmem_dmesg_contains("Objects remaining"));
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(slab_sharing, destroy_drains_a_live_threads_remote_stash)
{
	destroy_with_stash(3); /* fails if tc_take() leaves the stash behind */
}

Test(slab_sharing, destroy_after_stash_flushes)
{
	destroy_with_stash(200); /* several batches back to the slabs, the rest stashed */
}

static void *exit_thread(void *arg)
{
	cr_assert_eq(ukmem_set_cpu(1), 0);
	for (int i = 0; i < stash_n; i++)
		kfree(stash_objs[i]);
	return arg;
}

Test(slab_sharing, thread_exit_gives_its_stash_back)
{
	pthread_t th;
	struct kmem_cache *s = kmalloc_caches[KMALLOC_NORMAL][4];
	unsigned long before, after, objs, free_before, free_after;

	if (!have_thread_caches(s))
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	cr_assert_eq(ukmem_set_cpu(0), 0);
	stash_n = 5;
	for (int i = 0; i < stash_n; i++)
		cr_assert_not_null(stash_objs[i] = kmalloc(16, GFP_KERNEL));
	slab_count(s, &before, &objs, &free_before);
	cr_assert_eq(pthread_create(&th, NULL, exit_thread, NULL), 0);
	pthread_join(th, NULL);
	slab_count(s, &after, &objs, &free_after);
	/* all five went back to their slabs (none to a CPU array, none lost) */
	cr_assert_eq(free_after, free_before + 5, "free on slabs %lu -> %lu", free_before,
		     free_after);
}

static void *double_thread(void *arg)
{
	cr_assert_eq(ukmem_set_cpu(1), 0);
	kfree(stash_objs[0]);
	kfree(stash_objs[0]); /* a second free of an object in the remote stash */
	for (int i = 0; i < 64; i++) {
		void *p = kmalloc(16, GFP_KERNEL);

		cr_assert_neq(p, stash_objs[0]);
		kfree(p);
	}
	return arg;
}

Test(slab_sharing, double_free_of_a_stashed_object_is_reported)
{
	pthread_t th;

	if (!have_thread_caches(kmalloc_caches[KMALLOC_NORMAL][4]))
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	cr_assert_eq(ukmem_set_cpu(0), 0);
	cr_assert_not_null(stash_objs[0] = kmalloc(16, GFP_KERNEL));
	cr_assert_eq(pthread_create(&th, NULL, double_thread, NULL), 0);
	pthread_join(th, NULL);
	cr_assert_eq(ukmem_dmesg_count("double free detected"), 1);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), 1);
}

/* ------------------------------------------------------------ stress */

#define SW_THREADS 4
#define SW_SLOTS   64
#define SW_ROUNDS  4000
static void *sw_slot[SW_SLOTS];
static struct kmem_cache *sw_cache;

/*
 * Threads on different CPUs allocate small objects stamped with their id,
 * swap them through shared slots and free what they take (remote frees),
 * while a shrinker drains the thread caches: an object handed out twice
 * shows as a stamp changed under its owner.
 */
static void *sw_thread(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t seed = (uint64_t)id * 0x9e3779b97f4a7c15ull + 1;
	unsigned char *held[8] = {0};

	ukmem_set_cpu(id % ukmem_nr_cpus());
	for (int r = 0; r < SW_ROUNDS; r++) {
		int k = r % 8;
		unsigned char *p;
		void *old;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		if (held[k]) {
			for (int b = 0; b < 24; b++)
				cr_assert_eq(held[k][b], (unsigned char)id,
					     "an object changed owner");
			/* give it away (or free it): another thread frees it */
			old = __atomic_exchange_n(&sw_slot[(seed >> 33) % SW_SLOTS], held[k],
						  __ATOMIC_ACQ_REL);
			if (old)
				kmem_cache_free(sw_cache, old);
			held[k] = NULL;
		}
		p = kmem_cache_alloc(sw_cache, GFP_KERNEL);
		cr_assert_not_null(p);
		memset(p, id, 24);
		held[k] = p;
		if (id == 0 && r % 500 == 0)
			kmem_cache_shrink(sw_cache);
	}
	for (int k = 0; k < 8; k++)
		if (held[k])
			kmem_cache_free(sw_cache, held[k]);
	return NULL;
}

Test(slab_sharing, remote_frees_under_threads_and_shrink, .timeout = 120)
{
	pthread_t th[SW_THREADS];

	sw_cache = kmem_cache_create("t_swap", 24, 0, 0, NULL);
	cr_assert_not_null(sw_cache);
	memset(sw_slot, 0, sizeof(sw_slot));
	for (intptr_t i = 0; i < SW_THREADS; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, sw_thread, (void *)i), 0);
	for (int i = 0; i < SW_THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < SW_SLOTS; i++)
		if (sw_slot[i])
			kmem_cache_free(sw_cache, sw_slot[i]);
	kmem_cache_destroy(sw_cache);
	cr_assert_not(ukmem_dmesg_contains("Objects remaining"));
	cr_assert_eq(ukmem_report_total(), 0);
}
