// SPDX-License-Identifier: MIT
/*
 * test_signals.c - signal handlers are this machine's interrupts: a handler
 * that runs irq_enter() .. irq_exit() may kmalloc(GFP_ATOMIC) and kfree,
 * even on top of the allocator's own fast and slow paths of the thread it
 * interrupted (docs/cpu-model.md, "Interrupts"). Every object carries its
 * owner's tag: none may ever be handed out twice, nothing may deadlock, and
 * every object must be back at the end.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/hardirq.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>

#include "machine/sched.h"
#include "mm/slab.h"

#define TAG_MAIN    0x4d41494e00000000UL /* "MAIN" */
#define TAG_HANDLER 0x48414e4400000000UL /* "HAND" */
#define TAG_MASK    0xffffffff00000000UL
#define HELD	    64
#define BATCH	    700

static struct kmem_cache *sig_cache;
static int use_irq_enter;
static volatile sig_atomic_t handled, failed, dup_seen, bad_tag;
static void *held[HELD]; /* the handler's objects (odd: kmalloc, even: cache) */
static unsigned long handler_seq;
static int stop; /* __atomic */

static int tagged(const void *p)
{
	unsigned long tag = *(const unsigned long *)p & TAG_MASK;

	return tag == TAG_MAIN || tag == TAG_HANDLER;
}

static void handler_free(int i)
{
	unsigned long *p = held[i];

	if (!p)
		return;
	if ((*p & TAG_MASK) != TAG_HANDLER)
		bad_tag = 1;
	*p = 0;
	if (i & 1)
		kfree(p);
	else
		kmem_cache_free(sig_cache, p);
	held[i] = NULL;
}

static void on_signal(int sig)
{
	int i = (int)(handler_seq++ % HELD);
	unsigned long *p;

	if (use_irq_enter)
		irq_enter();
	handler_free(i);
	p = (i & 1) ? kmalloc(64, GFP_ATOMIC) : kmem_cache_alloc(sig_cache, GFP_ATOMIC);
	if (p) {
		if (tagged(p))
			dup_seen = 1; /* someone else holds it */
		*p = TAG_HANDLER | i;
		held[i] = p;
	} else {
		failed++;
	}
	handled++;
	if (use_irq_enter)
		irq_exit();
}

static void *sender(void *arg)
{
	pthread_t target = *(pthread_t *)arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		pthread_kill(target, SIGUSR1);
		sched_yield();
	}
	return NULL;
}

static void main_take(unsigned long **objs, int n, int round)
{
	for (int i = 0; i < n; i++) {
		unsigned long *p =
		    (i & 1) ? kmalloc(64, GFP_KERNEL) : kmem_cache_alloc(sig_cache, GFP_KERNEL);

		cr_assert_not_null(p);
		cr_assert(!tagged(p), "object %p handed out twice (tag %lx)", p, *p);
		*p = TAG_MAIN | (unsigned long)round;
		objs[i] = p;
	}
}

static void main_give(unsigned long **objs, int n, int round)
{
	for (int i = 0; i < n; i++) {
		unsigned long *p = objs[i];

		cr_assert_eq(*p, TAG_MAIN | (unsigned long)round, "object %p changed owner", p);
		*p = 0;
		if (i & 1)
			kfree(p);
		else
			kmem_cache_free(sig_cache, p);
	}
}

static void run(int irq)
{
	static unsigned long *objs[BATCH];
	struct sigaction sa = {.sa_handler = on_signal};
	pthread_t self = pthread_self(), th;
	int round;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	use_irq_enter = irq;
	sig_cache = kmem_cache_create("sig_objects", 64, 0, 0, NULL);
	cr_assert_not_null(sig_cache);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&th, NULL, sender, &self);
	/* single pairs (leaf fast paths) and batches (refills, flushes, barn, slabs) */
	for (round = 0; handled < 2000 || round < 1000; round++) {
		int n = round % 4 == 0 ? BATCH : 1 + round % 3;

		main_take(objs, n, round);
		main_give(objs, n, round);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	signal(SIGUSR1, SIG_IGN);
	cr_assert_eq(dup_seen, 0, "the handler got an object someone else held");
	cr_assert_eq(bad_tag, 0, "a handler's object was changed by someone else");
	for (int i = 0; i < HELD; i++)
		handler_free(i);
	cr_log_info("%d signals, %d allocations refused over an allocator section", (int)handled,
		    (int)failed);
	/* every object is back: the cache goes without "Objects remaining" */
	kmem_cache_destroy(sig_cache);
	cr_assert_eq(ukmem_report_total(), 0, "reports: leak or double free");
	ukmem_shutdown();
}

Test(signals, kmalloc_in_irq_handler_never_hands_out_an_object_twice, .timeout = 300)
{
	run(1);
}

Test(signals, kmalloc_in_plain_signal_handler_never_hands_out_an_object_twice, .timeout = 300)
{
	run(0);
}

/*
 * The thread-cache leaf (slab_alloc_fast/slab_free_fast through the tc
 * word, no lease needed): a plain handler (preemptible, so its own calls
 * would use the same thread array) that interrupts a push or pop there must
 * not touch the array - it must find in_section set, take the full path and
 * be refused (NULL; its frees deferred). Checked on each signal that lands
 * inside such a section with the thread's tc word valid.
 */
#define TC_HELD 16
static struct kmem_cache *tc_cache;
static void *tc_held[TC_HELD];
static unsigned long tc_seq;
static volatile sig_atomic_t tc_signals, tc_over_leaf, tc_leaf_given, tc_dup, tc_bad_tag;
static int tc_stop; /* __atomic */

static void on_signal_tc(int sig)
{
	struct task_struct *t = current;
	int i = (int)(tc_seq++ % TC_HELD);
	bool over_leaf = t->preempt_count == 0 && !t->irqs_off && t->lease_slot &&
			 __atomic_load_n(&t->lease_slot->in_section, __ATOMIC_RELAXED) &&
			 __atomic_load_n(&t->lease_slot->tc, __ATOMIC_RELAXED);
	unsigned long *p = tc_held[i];

	tc_signals++;
	if (p) {
		if ((*p & TAG_MASK) != TAG_HANDLER)
			tc_bad_tag = 1;
		*p = 0;
		kmem_cache_free(tc_cache, p);
		tc_held[i] = NULL;
	}
	p = kmem_cache_alloc(tc_cache, GFP_ATOMIC);
	if (over_leaf) {
		tc_over_leaf++;
		if (p)
			tc_leaf_given++; /* the leaf below is mid-push or mid-pop */
	}
	if (p) {
		if (tagged(p))
			tc_dup = 1;
		*p = TAG_HANDLER | i;
		tc_held[i] = p;
	}
}

static void *sender_tc(void *arg)
{
	pthread_t target = *(pthread_t *)arg;

	while (!__atomic_load_n(&tc_stop, __ATOMIC_RELAXED)) {
		pthread_kill(target, SIGUSR1);
		sched_yield();
	}
	return NULL;
}

Test(signals, handler_over_thread_cache_leaf_takes_the_full_path, .timeout = 300)
{
	struct sigaction sa = {.sa_handler = on_signal_tc};
	pthread_t self = pthread_self(), th;
	unsigned long *objs[8];
	struct slab_tc_array *a;
	long round;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	tc_cache = kmem_cache_create("sig_tc_objects", 64, 0, 0, NULL);
	cr_assert_not_null(tc_cache);
	if (!tc_cache->tc_off)
		cr_skip_test("no thread caches here (membarrier() unavailable)");
	/* the thread's own array serves it: made, valid, with objects after a free */
	kmem_cache_free(tc_cache, kmem_cache_alloc(tc_cache, GFP_KERNEL));
	cr_assert_not_null(current->slab_tc);
	cr_assert_eq(__atomic_load_n(&current->lease_slot->tc, __ATOMIC_RELAXED),
		     (unsigned long)current->slab_tc, "the thread cache is in use");
	a = tc_array_at((unsigned long)current->slab_tc, tc_cache);
	cr_assert_gt(a->avail, 0);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&th, NULL, sender_tc, &self);
	/*
	 * Pairs small enough to stay inside the thread array: nearly every
	 * call is a thread-cache leaf. Until enough signals landed in one
	 * (ThreadSanitizer runs handlers only at calls it intercepts: never
	 * inside a leaf, so there a fixed number of rounds).
	 */
	for (round = 0;; round++) {
		int n = 1 + round % 8;

#ifdef __SANITIZE_THREAD__
		if (round >= 200000)
			break;
#else
		if (tc_over_leaf >= 200 && round >= 100000)
			break;
#endif
		for (int i = 0; i < n; i++) {
			objs[i] = kmem_cache_alloc(tc_cache, GFP_KERNEL);
			cr_assert_not_null(objs[i]);
			cr_assert(!tagged(objs[i]), "object %p handed out twice (tag %lx)", objs[i],
				  *objs[i]);
			*objs[i] = TAG_MAIN | (unsigned long)round;
		}
		for (int i = 0; i < n; i++) {
			cr_assert_eq(*objs[i], TAG_MAIN | (unsigned long)round,
				     "object %p changed owner", objs[i]);
			*objs[i] = 0;
			kmem_cache_free(tc_cache, objs[i]);
		}
	}
	__atomic_store_n(&tc_stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	signal(SIGUSR1, SIG_IGN);
	cr_log_info("%ld rounds, %d signals, %d over a thread-cache leaf", round, (int)tc_signals,
		    (int)tc_over_leaf);
	cr_assert_eq(tc_leaf_given, 0,
		     "%d of %d handlers over a thread-cache leaf section got an object",
		     (int)tc_leaf_given, (int)tc_over_leaf);
	cr_assert_eq(tc_dup, 0, "the handler got an object someone else held");
	cr_assert_eq(tc_bad_tag, 0, "a handler's object was changed by someone else");
	for (int i = 0; i < TC_HELD; i++)
		if (tc_held[i])
			kmem_cache_free(tc_cache, tc_held[i]);
	/* every object is back (deferred frees included): no "Objects remaining" */
	kmem_cache_destroy(tc_cache);
	cr_assert_eq(ukmem_report_total(), 0, "reports: leak or double free");
	ukmem_shutdown();
}
