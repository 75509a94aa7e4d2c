// SPDX-License-Identifier: MIT
/*
 * rcu.c - a small grace-period engine for read-copy update.
 *
 * Why not liburcu: the core library links libc and pthreads only. The
 * algorithm here is the classic one for user space (liburcu's "memb"
 * flavour, reduced to a single counter):
 *
 *   gp_seq      the grace-period counter, starts at 1, only grows.
 *   r->state    per thread: 0 outside a read-side section, else the gp_seq
 *               the thread read when it entered its outermost section.
 *
 * rcu_read_lock() (outermost) stores gp_seq into state, then a full fence;
 * synchronize_rcu() increments gp_seq (a full barrier) to "target", then
 * waits, thread by thread, while 0 < state < target. The two fences pair as
 * in Dekker's algorithm: either the updater sees the reader's state and
 * waits for it, or the reader, entering after the increment, sees every
 * store the updater made before synchronize_rcu() (the unpublished
 * pointer), so it cannot reach what is about to be freed. A reader that
 * entered after the increment has state >= target and is not waited for.
 * rcu_read_unlock() (outermost) stores 0 with release: the updater's
 * acquire load of that 0 orders the reader's accesses before the free.
 *
 * Callbacks (call_rcu, kfree_rcu) queue on two lists; a batch is taken,
 * a grace period waited for, and the batch invoked - by the "rcu_gp"
 * thread that boot starts (rcu_init), or by rcu_barrier() callers, which
 * process the queue themselves and then wait for the thread's batch. The
 * thread starts with a boot's first callback.
 *
 * Deviation: only rcu_read_lock() sections (and _bh/_sched) are readers; a
 * region with preemption or interrupts disabled but no rcu_read_lock() is
 * not waited for, as it would be by the kernel's consolidated RCU.
 *
 * Locks: readers_lock guards the list of threads (never held while a
 * grace period waits on one: the thread is pinned, so a new thread's first
 * rcu_read_lock() never waits behind a grace period); cb_lock guards the
 * callback lists. Neither is taken on the read side after a thread's first
 * section. Shutdown: ukmem_shutdown() stops the thread before it shuts the
 * allocators' gate (rcu_shutdown_prepare), so the thread is never caught
 * waiting at the gate; rcu_exit() then invokes what is left, in the
 * shutdown, before the slab caches report leaks.
 */
#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <pthread.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "kernel/kernel.h"

struct rcu_reader {
	u64 state;   /* 0, or the gp_seq seen at the outermost rcu_read_lock() */
	int nesting; /* this thread's depth (only the thread writes it) */
	bool registered;
	unsigned int pinned;	  /* grace periods looking at this record (readers_lock) */
	struct task_struct *task; /* whose rcu_read_lock_nesting mirrors ours */
	unsigned long task_gen;
	struct rcu_reader *next, **pprev;
};

static __thread struct rcu_reader rcu_me;
static u64 gp_seq = 1;	     /* atomic */
static u64 gp_completed = 1; /* atomic: every gp up to this one has ended */
static pthread_mutex_t readers_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t readers_cond = PTHREAD_COND_INITIALIZER;
static struct rcu_reader *readers;
static pthread_key_t reader_key;
static pthread_once_t reader_key_once = PTHREAD_ONCE_INIT;

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rcu_head *cb_list, **cb_tail = &cb_list; /* call_rcu() */
static struct rcu_head *kv_list,
    **kv_tail = &kv_list;      /* kvfree_call_rcu(): ->func is the pointer */
static u64 cb_queued, cb_done; /* atomic; cb_queued grows under cb_lock */
static u32 cb_wake, done_seq;  /* futex words */

static struct {
	plat_thread_t thread;
	bool running;
	u32 stop;
} gp_thread;

/* ---- readers ---- */

static void reader_exit(void *arg)
{
	struct rcu_reader *r = arg;

	/* a thread that ends inside a section no longer reads anything */
	__atomic_store_n(&r->state, 0, __ATOMIC_RELEASE);
	pthread_mutex_lock(&readers_lock);
	while (r->pinned)
		pthread_cond_wait(&readers_cond, &readers_lock);
	if (r->registered) {
		*r->pprev = r->next;
		if (r->next)
			r->next->pprev = r->pprev;
		r->registered = false;
	}
	pthread_mutex_unlock(&readers_lock);
}

static void reader_key_create(void)
{
	pthread_key_create(&reader_key, reader_exit);
}

static noinline void reader_register(struct rcu_reader *r)
{
	pthread_once(&reader_key_once, reader_key_create);
	pthread_setspecific(reader_key, r);
	pthread_mutex_lock(&readers_lock);
	r->next = readers;
	if (readers)
		readers->pprev = &r->next;
	readers = r;
	r->pprev = &readers;
	r->registered = true;
	pthread_mutex_unlock(&readers_lock);
}

/* the ukmem task's rcu_read_lock_nesting, which might_sleep() reads */
static struct task_struct *reader_task(struct rcu_reader *r)
{
	if (r->task && r->task_gen == __atomic_load_n(&machine.generation, __ATOMIC_RELAXED))
		return r->task;
	return NULL;
}

__ukmem_export void rcu_read_lock(void)
{
	struct rcu_reader *r = &rcu_me;
	struct task_struct *t;

	if (r->nesting++ == 0) {
		if (unlikely(!r->registered))
			reader_register(r);
#ifdef __SANITIZE_THREAD__
		/* ThreadSanitizer has no fences: a fully ordered exchange (a full barrier on x86)
		 */
		__atomic_exchange_n(&r->state, __atomic_load_n(&gp_seq, __ATOMIC_RELAXED),
				    __ATOMIC_SEQ_CST);
#else
		__atomic_store_n(&r->state, __atomic_load_n(&gp_seq, __ATOMIC_RELAXED),
				 __ATOMIC_SEQ_CST);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
		r->task = NULL;
		if (__atomic_load_n(&machine.booted, __ATOMIC_ACQUIRE)) {
			r->task = current_task();
			r->task_gen = r->task->boot_gen;
		}
	}
	t = reader_task(r);
	if (t)
		t->rcu_read_lock_nesting++;
}

__ukmem_export void rcu_read_unlock(void)
{
	struct rcu_reader *r = &rcu_me;
	struct task_struct *t;

	if (unlikely(r->nesting <= 0)) {
		report_start(UKMEM_REPORT_WARN);
		pr_warn("\n=====================================\n"
			"WARNING: bad unlock balance detected!\n"
			"-------------------------------------\n");
		pr_warn("%s is trying to release lock (rcu_read_lock) at:\n", "task");
		pr_warn("%pS\n", __builtin_return_address(0));
		pr_warn("but there are no more locks to release!\n");
		report_stack();
		report_end(UKMEM_REPORT_WARN);
		return;
	}
	t = reader_task(r);
	if (t && t->rcu_read_lock_nesting > 0)
		t->rcu_read_lock_nesting--;
	if (--r->nesting == 0)
		__atomic_store_n(&r->state, 0, __ATOMIC_RELEASE);
}

__ukmem_export int rcu_read_lock_held(void)
{
	return rcu_me.nesting > 0;
}

static bool reader_blocks(struct rcu_reader *r, u64 target)
{
	u64 s = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);

	return s && s < target;
}

static void wait_reader(struct rcu_reader *r, u64 target)
{
	unsigned int spins = 0;
	u64 ns = 10000;

	while (reader_blocks(r, target)) {
		if (spins++ < 64) {
			plat_yield();
			continue;
		}
		plat_sleep_ns(ns);
		if (ns < 1000000)
			ns *= 2;
	}
}

/* one grace period: every section that began before it has ended */
static void wait_grace_period(void)
{
	u64 target = __atomic_add_fetch(&gp_seq, 1, __ATOMIC_SEQ_CST);
	struct rcu_reader *r;
	u64 done;

	pthread_mutex_lock(&readers_lock);
restart:
	for (r = readers; r; r = r->next) {
		if (r == &rcu_me || !reader_blocks(r, target))
			continue;
		r->pinned++;
		pthread_mutex_unlock(&readers_lock);
		wait_reader(r, target);
		pthread_mutex_lock(&readers_lock);
		if (--r->pinned == 0)
			pthread_cond_broadcast(&readers_cond);
		goto restart;
	}
	pthread_mutex_unlock(&readers_lock);
	/* every grace period up to target - 1 has ended too (they started before ours) */
	done = __atomic_load_n(&gp_completed, __ATOMIC_RELAXED);
	while (done < target - 1 &&
	       !__atomic_compare_exchange_n(&gp_completed, &done, target - 1, false,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

/**
 * synchronize_rcu - wait until every rcu_read_lock() section that began
 * before the call has ended.
 * Context: may sleep; not inside rcu_read_lock() (reported and refused:
 * the grace period would wait for the caller itself).
 */
__ukmem_export void synchronize_rcu(void)
{
	might_sleep();
	if (rcu_me.nesting > 0) {
		report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, NULL,
			    "Illegal synchronize_rcu() in RCU read-side critical section\n");
		return;
	}
	wait_grace_period();
}

__ukmem_export unsigned long get_state_synchronize_rcu(void)
{
	/* a grace period that starts after now must end */
	return (unsigned long)__atomic_load_n(&gp_seq, __ATOMIC_SEQ_CST);
}

__ukmem_export unsigned long start_poll_synchronize_rcu(void)
{
	unsigned long cookie = get_state_synchronize_rcu();

	__atomic_add_fetch(&cb_wake, 1, __ATOMIC_RELEASE); /* the gp thread may run one */
	return cookie;
}

__ukmem_export bool poll_state_synchronize_rcu(unsigned long oldstate)
{
	return __atomic_load_n(&gp_completed, __ATOMIC_ACQUIRE) >= oldstate;
}

__ukmem_export void cond_synchronize_rcu(unsigned long oldstate)
{
	if (!poll_state_synchronize_rcu(oldstate))
		synchronize_rcu();
}

/* ---- callbacks ---- */

static void gp_thread_start(void);

static void gp_thread_wake(void)
{
	if (unlikely(!__atomic_load_n(&gp_thread.running, __ATOMIC_ACQUIRE)))
		gp_thread_start();
	__atomic_add_fetch(&cb_wake, 1, __ATOMIC_RELEASE);
	plat_futex_wake(&cb_wake, 1);
}

/**
 * call_rcu - invoke @func(@head) after a grace period.
 * Context: any. @head must stay valid (and unqueued) until then.
 */
__ukmem_export void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	if (unlikely(!head || !func)) {
		report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, NULL,
			    "call_rcu(%px, %ps): NULL %s\n", (void *)head, (void *)func,
			    head ? "callback" : "rcu_head");
		return;
	}
	head->func = func;
	head->next = NULL;
	pthread_mutex_lock(&cb_lock);
	*cb_tail = head;
	cb_tail = &head->next;
	__atomic_add_fetch(&cb_queued, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&cb_lock);
	gp_thread_wake();
}

/**
 * kvfree_call_rcu - kvfree(@ptr) after a grace period; @head lies inside it.
 * Context: any.
 */
__ukmem_export void kvfree_call_rcu(struct rcu_head *head, void *ptr)
{
	if (!ptr)
		return;
	if (unlikely(!head)) {
		__kvfree_rcu_mightsleep(ptr);
		return;
	}
	/* the pointer rides in ->func, as the kernel's kvfree_rcu does */
	head->func = (rcu_callback_t)ptr;
	head->next = NULL;
	pthread_mutex_lock(&cb_lock);
	*kv_tail = head;
	kv_tail = &head->next;
	__atomic_add_fetch(&cb_queued, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&cb_lock);
	gp_thread_wake();
}

__ukmem_export void __kvfree_rcu_mightsleep(void *ptr)
{
	if (!ptr)
		return;
	synchronize_rcu();
	kvfree(ptr);
}

/* take the queued callbacks, wait a grace period, invoke them */
static void rcu_process(void)
{
	struct rcu_head *cbs, *kvs, *h, *next;
	u64 n = 0;

	pthread_mutex_lock(&cb_lock);
	cbs = cb_list;
	kvs = kv_list;
	cb_list = kv_list = NULL;
	cb_tail = &cb_list;
	kv_tail = &kv_list;
	pthread_mutex_unlock(&cb_lock);
	if (!cbs && !kvs)
		return;
	wait_grace_period();
	for (h = cbs; h; h = next, n++) {
		next = h->next;
		h->func(h);
	}
	for (h = kvs; h; h = next, n++) {
		next = h->next;
		kvfree((void *)h->func);
	}
	__atomic_add_fetch(&cb_done, n, __ATOMIC_RELEASE);
	__atomic_add_fetch(&done_seq, 1, __ATOMIC_RELEASE);
	plat_futex_wake(&done_seq, INT_MAX);
}

/**
 * rcu_barrier - wait until every callback queued before the call has run.
 * Context: may sleep; not inside rcu_read_lock().
 */
__ukmem_export void rcu_barrier(void)
{
	u64 target = __atomic_load_n(&cb_queued, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&cb_done, __ATOMIC_ACQUIRE) >= target)
		return; /* nothing outstanding: no grace period needed */
	might_sleep();
	if (rcu_me.nesting > 0) {
		report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, NULL,
			    "Illegal rcu_barrier() in RCU read-side critical section\n");
		return;
	}
	rcu_process();
	for (;;) {
		u32 seen = __atomic_load_n(&done_seq, __ATOMIC_ACQUIRE);

		if (__atomic_load_n(&cb_done, __ATOMIC_ACQUIRE) >= target)
			break;
		plat_futex_wait(&done_seq, seen, 10 * 1000 * 1000);
	}
}

static void *rcu_gp_fn(void *arg)
{
	u32 seen = 0;

	for (;;) {
		u32 seq = __atomic_load_n(&cb_wake, __ATOMIC_ACQUIRE);

		if (__atomic_load_n(&gp_thread.stop, __ATOMIC_ACQUIRE))
			break;
		if (seq == seen) {
			plat_futex_wait(&cb_wake, seq, -1);
			continue;
		}
		seen = seq;
		/* during boot this thread cannot be a task yet: callbacks wait for the end of boot
		 */
		if (!__atomic_load_n(&machine.booted, __ATOMIC_ACQUIRE)) {
			plat_sleep_ns(1000000);
			seen--;
			continue;
		}
		rcu_process();
	}
	return arg;
}

/*
 * The rcu_gp thread starts with the first callback of a boot, not at boot:
 * a program that queues none pays no thread. gp_start_lock orders a start
 * against the stop at shutdown; "allowed" is false from the shutdown's start
 * to the next boot (a callback queued then runs in rcu_exit() or rcu_barrier()).
 */
static pthread_mutex_t gp_start_lock = PTHREAD_MUTEX_INITIALIZER;
static bool gp_start_allowed;

static void gp_thread_start(void)
{
	pthread_mutex_lock(&gp_start_lock);
	if (!__atomic_load_n(&gp_thread.running, __ATOMIC_RELAXED) && gp_start_allowed) {
		__atomic_store_n(&gp_thread.stop, 0, __ATOMIC_RELAXED);
		if (plat_thread_create(&gp_thread.thread, "rcu_gp", rcu_gp_fn, NULL))
			gp_start_allowed = false; /* callbacks then run in rcu_barrier()/shutdown */
		else
			__atomic_store_n(&gp_thread.running, true, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&gp_start_lock);
}

int rcu_init(void)
{
	pthread_mutex_lock(&gp_start_lock);
	gp_start_allowed = true;
	pthread_mutex_unlock(&gp_start_lock);
	return 0;
}

/* before the shutdown shuts the allocators' gate: the thread finishes its batch and ends */
void rcu_shutdown_prepare(void)
{
	pthread_mutex_lock(&gp_start_lock);
	gp_start_allowed = false;
	if (__atomic_load_n(&gp_thread.running, __ATOMIC_RELAXED)) {
		__atomic_store_n(&gp_thread.stop, 1, __ATOMIC_RELEASE);
		__atomic_add_fetch(&cb_wake, 1, __ATOMIC_RELEASE);
		plat_futex_wake(&cb_wake, 1);
		plat_thread_join(gp_thread.thread);
		__atomic_store_n(&gp_thread.running, false, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&gp_start_lock);
}

/* a shutdown that was refused: the machine stays up, and callbacks may start the thread again */
void rcu_shutdown_refused(void)
{
	if (__atomic_load_n(&machine.booted, __ATOMIC_ACQUIRE))
		rcu_init();
}

void rcu_exit(void)
{
	rcu_shutdown_prepare();
	rcu_process(); /* what was queued since: freed before slab reports leaks */
}

/* fork: the child has one thread and none of the parent's machine */
static void rcu_fork_child(void)
{
	pthread_mutex_init(&readers_lock, NULL);
	pthread_cond_init(&readers_cond, NULL);
	pthread_mutex_init(&cb_lock, NULL);
	readers = NULL;
	if (rcu_me.registered) {
		rcu_me.registered = false;
		rcu_me.pinned = 0;
		reader_register(&rcu_me);
	}
	cb_list = kv_list = NULL;
	cb_tail = &cb_list;
	kv_tail = &kv_list;
	__atomic_store_n(&cb_done, __atomic_load_n(&cb_queued, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
	gp_thread.running = false;
	pthread_mutex_init(&gp_start_lock, NULL);
	gp_start_allowed = false;
}

__attribute__((constructor)) static void rcu_register_fork(void)
{
	pthread_atfork(NULL, NULL, rcu_fork_child);
}
