// SPDX-License-Identifier: MIT
/*
 * kthread.c - kernel threads, wake_up_process() and schedule_timeout().
 *
 * A kthread is a host thread (src/platform) that becomes a task of the
 * machine with PF_KTHREAD, publishes its task and waits for
 * wake_up_process() before calling its function. Its control block lives
 * in host memory on a registry (newest first), found by task pointer
 * without touching the task, so a stale pointer is detected rather than
 * followed. A thread whose function returned stays a zombie - its TLS task
 * still valid - until kthread_stop() or the shutdown reaps it.
 *
 * Sleeping tasks: set_current_state() + schedule_timeout() sleep on the
 * task's wake_seq until wake_up_process() sets TASK_RUNNING and bumps it.
 */
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <pthread.h>
#include <stdarg.h>

#include "kernel/internal.h"

enum {
	KT_STARTED = 1,	    /* task published */
	KT_WOKEN = 2,	    /* wake_up_process() let it run its function */
	KT_SHOULD_STOP = 4, /* kthread_stop() */
	KT_EXITED = 8,	    /* the function returned */
	KT_REAPED = 16,	    /* joined: the thread is gone */
};

struct kthread {
	struct task_struct *task;
	int (*fn)(void *data);
	void *data;
	plat_thread_t thread;
	u32 state; /* KT_* (futex word) */
	int result;
	char comm[TASK_COMM_LEN];
	struct kthread *next;
};

static struct kthread *kthreads; /* newest first (kthread_lock) */
static pthread_mutex_t kthread_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread struct kthread *self;

static void kt_set(struct kthread *k, u32 bits)
{
	__atomic_fetch_or(&k->state, bits, __ATOMIC_SEQ_CST);
	plat_futex_wake(&k->state, INT_MAX);
}

/* wait, as the caller's task, until one of @bits is set */
static u32 kt_wait(struct kthread *k, u32 bits)
{
	u32 s;

	while (!((s = __atomic_load_n(&k->state, __ATOMIC_ACQUIRE)) & bits))
		kctx_sleep(&k->state, s, -1);
	return s;
}

static struct kthread *to_kthread(struct task_struct *task)
{
	struct kthread *k;

	pthread_mutex_lock(&kthread_lock);
	for (k = kthreads; k && k->task != task; k = k->next)
		;
	pthread_mutex_unlock(&kthread_lock);
	return k;
}

static void *kthread_fn(void *arg)
{
	struct kthread *k = arg;
	struct task_struct *t = current_task();
	u32 s;

	self = k;
	t->flags |= PF_KTHREAD;
	k->task = t;
	kt_set(k, KT_STARTED);
	s = kt_wait(k, KT_WOKEN | KT_SHOULD_STOP);
	/* the kernel's kthread(): stopped before it ever ran, the function is not called */
	k->result = (s & KT_SHOULD_STOP) && !(s & KT_WOKEN) ? -EINTR : k->fn(k->data);
	if (!task_preemptible(t))
		pr_err("BUG: kthread %s[%d] returned in atomic context: preempt_count %#x\n",
		       t->comm, t->pid, t->preempt_count);
	kt_set(k, KT_EXITED);
	kt_wait(k, KT_REAPED); /* a zombie until reaped: the task stays valid */
	return NULL;
}

__ukmem_export struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data,
							  int node, const char namefmt[], ...)
{
	struct kthread *k;
	va_list ap;
	int err;

	might_sleep();
	if (!threadfn || !namefmt)
		return (struct task_struct *)(long)-EINVAL;
	if (__atomic_load_n(&ctx_threads_stopping, __ATOMIC_ACQUIRE))
		return (
		    struct task_struct *)(long)-EINTR; /* the kernel's answer while it goes down */
	k = plat_meta_alloc(sizeof(*k));
	if (!k)
		return (struct task_struct *)(long)-ENOMEM;
	k->fn = threadfn;
	k->data = data;
	va_start(ap, namefmt);
	vsnprintf(k->comm, sizeof(k->comm), namefmt, ap);
	va_end(ap);
	err = plat_thread_create(&k->thread, k->comm, kthread_fn, k);
	if (err) {
		plat_meta_free(k, sizeof(*k));
		return (struct task_struct *)(long)err;
	}
	kt_wait(k, KT_STARTED);
	pthread_mutex_lock(&kthread_lock);
	k->next = kthreads;
	kthreads = k;
	pthread_mutex_unlock(&kthread_lock);
	return k->task;
}

__ukmem_export bool kthread_should_stop(void)
{
	return self && (__atomic_load_n(&self->state, __ATOMIC_ACQUIRE) & KT_SHOULD_STOP);
}

/* wake_task - make a sleeping task runnable (schedule_timeout() returns) */
static int wake_task(struct task_struct *p)
{
	if (__atomic_exchange_n(&p->__state, TASK_RUNNING, __ATOMIC_SEQ_CST) == TASK_RUNNING)
		return 0;
	kctx_wake(&p->wake_seq);
	return 1;
}

__ukmem_export int wake_up_process(struct task_struct *p)
{
	struct kthread *k;
	u32 s;

	if (!p)
		return 0;
	k = to_kthread(p);
	if (!k)
		return wake_task(p); /* any other task sleeping in schedule_timeout() */
	s = __atomic_load_n(&k->state, __ATOMIC_ACQUIRE);
	if (s & (KT_EXITED | KT_REAPED))
		return 0;
	if (!(s & KT_WOKEN)) {
		kt_set(k, KT_WOKEN);
		return 1;
	}
	return wake_task(p);
}

__ukmem_export int kthread_stop(struct task_struct *p)
{
	struct kthread *k;
	u32 s;

	might_sleep();
	k = to_kthread(p);
	/* to_kthread(): WARN_ON(!(k->flags & PF_KTHREAD)) - here without touching the task */
	if (WARN_ON(!k))
		return -EINVAL;
	s = __atomic_load_n(&k->state, __ATOMIC_ACQUIRE);
	if (WARN(s & KT_REAPED, "kthread_stop: %s was stopped already\n", k->comm))
		return -ESRCH;
	kt_set(k, KT_SHOULD_STOP);
	if (!(s & KT_EXITED))
		wake_task(p); /* (a zombie's task is still valid too) */
	kt_wait(k, KT_EXITED);
	pthread_mutex_lock(&kthread_lock);
	s = __atomic_fetch_or(&k->state, KT_REAPED, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&kthread_lock);
	if (s & KT_REAPED)
		return k->result; /* a concurrent kthread_stop() joined it */
	plat_futex_wake(&k->state, INT_MAX);
	plat_thread_join(k->thread);
	return k->result;
}

__ukmem_export void kthread_bind(struct task_struct *p, unsigned int cpu)
{
	/* only before the first wake-up: the thread pins itself then (not modelled: a note) */
	(void)p;
	(void)cpu;
}

/* kthread_stop_all - stop every kthread still there (shutdown, before the gate) */
void kthread_stop_all(void)
{
	for (;;) {
		struct kthread *k;

		pthread_mutex_lock(&kthread_lock);
		for (k = kthreads; k && (__atomic_load_n(&k->state, __ATOMIC_ACQUIRE) & KT_REAPED);
		     k = k->next)
			;
		pthread_mutex_unlock(&kthread_lock);
		if (!k)
			return;
		if (!(__atomic_load_n(&k->state, __ATOMIC_ACQUIRE) & KT_EXITED))
			pr_warn("kthread: %s still running at shutdown: kthread_stop()\n", k->comm);
		kthread_stop(k->task);
	}
}

/* kthread_forget - fork child: the kthreads are the parent's */
void kthread_forget(void)
{
	pthread_mutex_init(&kthread_lock, NULL);
	kthreads = NULL;
}

void kthread_exit_subsys(void)
{
	struct kthread *k, *next;

	pthread_mutex_lock(&kthread_lock);
	for (k = kthreads; k; k = next) {
		next = k->next;
		plat_meta_free(k, sizeof(*k));
	}
	kthreads = NULL;
	pthread_mutex_unlock(&kthread_lock);
}

/* ---- sleeping ---- */

static long do_schedule_timeout(long timeout)
{
	struct task_struct *t = current_task();
	u64 start, ns;
	u32 seq;

	if (timeout < 0) {
		pr_err("schedule_timeout: wrong timeout value %lx\n", (unsigned long)timeout);
		report_stack();
		__atomic_store_n(&t->__state, TASK_RUNNING, __ATOMIC_RELAXED);
		return 0;
	}
	might_sleep_check(__FILE__, __LINE__);
	seq = __atomic_load_n(&t->wake_seq, __ATOMIC_ACQUIRE);
	if (__atomic_load_n(&t->__state, __ATOMIC_SEQ_CST) == TASK_RUNNING) {
		plat_yield(); /* schedule() of a running task: it just yields */
		return timeout;
	}
	start = plat_clock_ns();
	ns = timeout == MAX_SCHEDULE_TIMEOUT ? 0 : (u64)timeout * NSEC_PER_MSEC;
	for (;;) {
		u64 now = plat_clock_ns();

		if (__atomic_load_n(&t->__state, __ATOMIC_SEQ_CST) == TASK_RUNNING)
			break;
		if (ns && now - start >= ns)
			break;
		kctx_sleep(&t->wake_seq, seq, ns ? (s64)(ns - (now - start)) : -1);
		seq = __atomic_load_n(&t->wake_seq, __ATOMIC_ACQUIRE);
	}
	__atomic_store_n(&t->__state, TASK_RUNNING, __ATOMIC_RELAXED);
	if (timeout == MAX_SCHEDULE_TIMEOUT)
		return timeout;
	ns = (plat_clock_ns() - start) / NSEC_PER_MSEC;
	return ns >= (u64)timeout ? 0 : timeout - (long)ns;
}

__ukmem_export long schedule_timeout(long timeout)
{
	return do_schedule_timeout(timeout);
}

__ukmem_export long schedule_timeout_interruptible(long timeout)
{
	__set_current_state(TASK_INTERRUPTIBLE);
	return do_schedule_timeout(timeout);
}

__ukmem_export long schedule_timeout_uninterruptible(long timeout)
{
	__set_current_state(TASK_UNINTERRUPTIBLE);
	return do_schedule_timeout(timeout);
}

__ukmem_export long schedule_timeout_idle(long timeout)
{
	__set_current_state(TASK_IDLE);
	return do_schedule_timeout(timeout);
}
