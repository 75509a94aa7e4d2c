// SPDX-License-Identifier: MIT
/*
 * test_rcu.c - the grace-period engine (src/kernel/rcu.c): synchronize_rcu()
 * waits for the readers that were inside before it and only those,
 * kfree_rcu() frees after the grace period and not before (a poisoned
 * cache shows a too-early free as 0x6b under a reader), SLAB_TYPESAFE_BY_RCU
 * slabs stay slabs of their cache until the readers have left, callbacks run
 * once each, and misuse is reported in the kernel's words.
 *
 * No timing: "not yet" is asserted only while a reader provably still
 * holds its section, so the engine cannot have finished.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <pthread.h>
#include <string.h>

#define POISON_FREE 0x6b

struct obj {
	unsigned long pattern[8];
	struct rcu_head rcu;
};

/* a reader thread: enters, says so, stays until told to leave */
struct reader {
	pthread_t th;
	int inside, leave;
};

static void *reader_fn(void *arg)
{
	struct reader *r = arg;

	rcu_read_lock();
	__atomic_store_n(&r->inside, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->leave, __ATOMIC_ACQUIRE))
		sched_yield();
	rcu_read_unlock();
	return NULL;
}

static void reader_start(struct reader *r)
{
	memset(r, 0, sizeof(*r));
	cr_assert_eq(pthread_create(&r->th, NULL, reader_fn, r), 0);
	while (!__atomic_load_n(&r->inside, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void reader_stop(struct reader *r)
{
	__atomic_store_n(&r->leave, 1, __ATOMIC_RELEASE);
	pthread_join(r->th, NULL);
}

static int sync_done;
static void *sync_fn(void *arg)
{
	synchronize_rcu();
	__atomic_store_n(&sync_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

Test(rcu, synchronize_waits_for_earlier_readers_only)
{
	struct reader a, b;
	unsigned long cookie;
	pthread_t up;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	reader_start(&a);
	cookie = get_state_synchronize_rcu();
	cr_assert_eq(pthread_create(&up, NULL, sync_fn, NULL), 0);
	/* the updater has started its grace period once the counter moved */
	while (get_state_synchronize_rcu() == cookie)
		sched_yield();
	reader_start(&b); /* a later reader: not waited for */
	sched_yield();
	cr_assert_eq(__atomic_load_n(&sync_done, __ATOMIC_ACQUIRE), 0,
		     "synchronize_rcu() returned while an earlier reader was inside");
	reader_stop(&a);
	pthread_join(up, NULL); /* returns although b is still inside */
	cr_assert_eq(sync_done, 1);
	cr_assert(poll_state_synchronize_rcu(cookie));
	reader_stop(&b);
}

Test(rcu, kfree_rcu_frees_after_the_grace_period_not_before)
{
	struct kmem_cache *c;
	struct reader r;
	struct obj *p;
	unsigned char *bytes;
	unsigned long cookie;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	c = kmem_cache_create("rcu_poisoned", sizeof(struct obj), 0, SLAB_POISON, NULL);
	cr_assert_not_null(c);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	cr_assert_not_null(p);
	memset(p->pattern, 0x11, sizeof(p->pattern));
	bytes = (unsigned char *)p->pattern;
	reader_start(&r);
	cookie = get_state_synchronize_rcu();
	kfree_rcu(p, rcu);
	kfree_rcu((struct obj *)NULL, rcu);	      /* ignored */
	while (get_state_synchronize_rcu() == cookie) /* the rcu_gp thread is on it */
		sched_yield();
	for (int i = 0; i < 100; i++)
		sched_yield();
	cr_assert_eq(bytes[8], 0x11, "freed while a reader was inside");
	reader_stop(&r);
	rcu_barrier();
	cr_assert_eq(bytes[8], POISON_FREE, "not freed after the grace period");
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(rcu, kmem_cache_destroy_waits_for_pending_kfree_rcu)
{
	struct kmem_cache *c;
	struct obj *p;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	c = kmem_cache_create("rcu_pending", sizeof(struct obj), 0, SLAB_NO_MERGE, NULL);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	kfree_rcu(p, rcu);
	kmem_cache_destroy(c);
	cr_assert_not(ukmem_dmesg_contains("Objects remaining"));
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(rcu, typesafe_by_rcu_slab_not_freed_under_a_reader)
{
	struct kmem_cache *c;
	struct reader r;
	struct page *page;
	void *objs[256];
	unsigned long cookie;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	c = kmem_cache_create("rcu_typesafe", 512, 0, SLAB_TYPESAFE_BY_RCU, NULL);
	cr_assert_not_null(c);
	for (i = 0; i < 256; i++)
		cr_assert_not_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));
	page = compound_head(virt_to_page(objs[0]));
	cr_assert(PageSlab(page));
	reader_start(&r);
	cookie = get_state_synchronize_rcu();
	for (i = 0; i < 256; i++)
		kmem_cache_free(c, objs[i]);
	kmem_cache_shrink(c); /* the empty slabs are discarded... */
	/* the rcu_gp thread has taken them and started its grace period */
	while (get_state_synchronize_rcu() == cookie)
		sched_yield();
	for (i = 0; i < 100; i++)
		sched_yield();
	/* ...but stay this cache's slabs while the reader is inside */
	cr_assert(PageSlab(page), "slab page freed under a reader");
	cr_assert_eq(page->slab_cache, c);
	reader_stop(&r);
	rcu_barrier();
	cr_assert_not(PageSlab(page), "slab page not freed after the grace period");
	kmem_cache_destroy(c);
	cr_assert_eq(ukmem_report_total(), 0);
}

static int cb_count;
static void count_cb(struct rcu_head *h)
{
	__atomic_add_fetch(&cb_count, 1, __ATOMIC_RELAXED);
	kfree(container_of(h, struct obj, rcu));
}

static void *caller_fn(void *arg)
{
	for (int i = 0; i < 500; i++) {
		struct obj *o = kmalloc(sizeof(*o), GFP_KERNEL);

		cr_assert_not_null(o);
		call_rcu(&o->rcu, count_cb);
	}
	return NULL;
}

Test(rcu, callbacks_from_many_threads_run_once_each)
{
	pthread_t th[4];
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	for (i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, caller_fn, NULL), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	rcu_barrier();
	cr_assert_eq(__atomic_load_n(&cb_count, __ATOMIC_RELAXED), 2000);
	rcu_barrier(); /* nothing pending: returns at once */
	cr_assert_eq(ukmem_report_total(), 0);
}

/*
 * Readers follow a published pointer and check the object's pattern while
 * an updater replaces it and kfree_rcu()s the old one into a poisoned
 * cache: a grace period that ended too early shows as poison under a reader.
 */
static struct obj *global;
static int stop_readers, bad_reads;
static struct kmem_cache *stress_cache;

static void *stress_reader(void *arg)
{
	unsigned long reads = 0;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_ACQUIRE)) {
		struct obj *o;

		rcu_read_lock();
		o = rcu_dereference(global);
		if (o) {
			unsigned long v = o->pattern[0];

			for (int i = 1; i < 8; i++)
				if (o->pattern[i] != v || (v & 0xff) == POISON_FREE)
					__atomic_add_fetch(&bad_reads, 1, __ATOMIC_RELAXED);
		}
		rcu_read_unlock();
		reads++;
		sched_yield(); /* 2 cores: let the updater run */
	}
	return (void *)reads;
}

Test(rcu, stress_readers_never_see_a_freed_object)
{
	pthread_t th[2];
	int i, j;

	cr_assert_eq(ukmem_boot("mem=128M nr_cpus=4"), 0);
	stress_cache = kmem_cache_create("rcu_stress", sizeof(struct obj), 0, SLAB_POISON, NULL);
	for (i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, stress_reader, NULL), 0);
	for (i = 0; i < 600; i++) {
		struct obj *n = kmem_cache_alloc(stress_cache, GFP_KERNEL), *old;

		cr_assert_not_null(n);
		for (j = 0; j < 8; j++)
			n->pattern[j] = (unsigned long)i << 8 | 0x11;
		old = rcu_dereference_protected(global, 1);
		rcu_assign_pointer(global, n);
		if (old) {
			if (i % 3)
				kfree_rcu(old, rcu);
			else if (i % 2)
				kvfree_rcu_mightsleep(old);
			else {
				synchronize_rcu();
				kmem_cache_free(stress_cache, old);
			}
		}
	}
	__atomic_store_n(&stop_readers, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	kfree_rcu(global, rcu);
	rcu_barrier();
	cr_assert_eq(bad_reads, 0, "%d reads saw a freed object", bad_reads);
	kmem_cache_destroy(stress_cache);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(rcu, misuse_is_reported)
{
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	rcu_read_lock();
	cr_assert(rcu_read_lock_held());
	synchronize_rcu(); /* would wait for itself */
	cr_assert(
	    ukmem_dmesg_contains("Illegal synchronize_rcu() in RCU read-side critical section"));
	msleep(1);
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context"));
	cr_assert(ukmem_dmesg_contains("RCU nest depth: 1, expected: 0"));
	rcu_read_unlock();
	cr_assert_not(rcu_read_lock_held());
	rcu_read_unlock();
	cr_assert(ukmem_dmesg_contains("WARNING: bad unlock balance detected!"));
	call_rcu(NULL, count_cb);
	cr_assert(ukmem_dmesg_contains("call_rcu"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 3);
	/* the machine goes on: a later grace period works */
	synchronize_rcu();
}

Test(rcu, shutdown_runs_pending_callbacks_before_the_leak_report)
{
	struct obj *p;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	for (int i = 0; i < 100; i++) {
		p = kmalloc(sizeof(*p), GFP_KERNEL);
		kfree_rcu(p, rcu);
	}
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
	cr_assert_eq(ukmem_boot("mem=64M"), 0); /* and the engine comes back */
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	kfree_rcu(p, rcu);
	rcu_barrier();
}
