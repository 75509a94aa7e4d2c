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
