// SPDX-License-Identifier: MIT
/*
 * workqueue.c - workqueues and the kworker pool.
 *
 * One pool of kworker threads ("kworker/uN:M") serves every workqueue, as
 * the kernel's unbound pools do; it starts on first use and grows by one
 * worker whenever an item is queued while no worker is idle (up to
 * MAX_WORKERS), so items that sleep or wait for each other do not starve
 * the rest. Pending items wait on one list in queueing order (pool_lock, a
 * leaf host mutex). A worker takes the first item whose workqueue is below
 * its max_active (1 for ordered ones, which keeps their order) and that no
 * other worker is running (the kernel's non-reentrancy). Items run in
 * process context: preemptible, in_task(), may sleep.
 *
 * work->data holds WORK_STRUCT_PENDING, WORK_STRUCT_CANCELING (queueing
 * fails while a cancel_*_sync() runs) and the workqueue last used.
 *
 * Destroyed workqueues are kept (in host memory, until shutdown) so that a
 * later queue_work() on one is reported instead of touching freed memory.
 * Differences: flush_workqueue() waits until the workqueue is idle (not
 * only for what was queued before it), flush_work() until the item is
 * neither pending nor running; an item that re-queues itself forever keeps
 * both waiting.
 */
#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <linux/sched.h>
#include <linux/irqflags.h>
#include <pthread.h>
#include <stdarg.h>

#include "kernel/internal.h"

#define MAX_WORKERS 32
#define WQ_NAME_LEN 24

struct workqueue_struct {
	char name[WQ_NAME_LEN];
	unsigned int flags;
	int max_active;
	int nr_active;	  /* items of this wq running */
	int nr_in_flight; /* pending + running */
	bool destroyed;
	struct workqueue_struct *next; /* all, destroyed ones too */
};

struct worker {
	plat_thread_t thread;
	struct task_struct *task;
	struct work_struct *current_work;
	work_func_t current_func;
	struct workqueue_struct *current_wq;
	int id;
};

static struct {
	pthread_mutex_t lock;
	struct list_head worklist;
	struct worker workers[MAX_WORKERS];
	int nr_workers, nr_idle;
	u32 wake;     /* futex: work arrived */
	u32 done_seq; /* futex: an item finished or was cancelled */
	u32 stop;
	struct workqueue_struct *wqs;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

/*
 * The system workqueues are static, so that the pointers are good before
 * the first boot: schedule_work() as a program's first call boots the
 * machine implicitly, after its argument was read. Boot resets them.
 */
static struct workqueue_struct system_wqs[] = {
    {.name = "events", .max_active = WQ_DFL_ACTIVE},
    {.name = "events_highpri", .flags = WQ_HIGHPRI, .max_active = WQ_DFL_ACTIVE},
    {.name = "events_long", .max_active = WQ_DFL_ACTIVE},
    {.name = "events_unbound", .flags = WQ_UNBOUND, .max_active = WQ_MAX_ACTIVE},
    {.name = "events_freezable", .flags = WQ_FREEZABLE, .max_active = WQ_DFL_ACTIVE},
    {.name = "events_power_efficient", .flags = WQ_POWER_EFFICIENT, .max_active = WQ_DFL_ACTIVE},
};
__ukmem_export struct workqueue_struct *system_wq = &system_wqs[0];
__ukmem_export struct workqueue_struct *system_highpri_wq = &system_wqs[1];
__ukmem_export struct workqueue_struct *system_long_wq = &system_wqs[2];
__ukmem_export struct workqueue_struct *system_unbound_wq = &system_wqs[3];
__ukmem_export struct workqueue_struct *system_freezable_wq = &system_wqs[4];
__ukmem_export struct workqueue_struct *system_power_efficient_wq = &system_wqs[5];

#define WORK_WQ_MASK (~((1UL << WORK_STRUCT_FLAG_BITS) - 1))

static struct workqueue_struct *work_wq(struct work_struct *work)
{
	return (struct workqueue_struct *)(atomic_long_read(&work->data) & WORK_WQ_MASK);
}

static void *worker_fn(void *arg);

static long atomic_long_fetch_or_pending(struct work_struct *work)
{
	return __atomic_fetch_or(&work->data.counter, (long)WORK_STRUCT_PENDING, __ATOMIC_SEQ_CST);
}

/* (pool.lock held) another worker when none is idle */
static void maybe_start_worker(void)
{
	struct worker *w;
	char name[32];

	if (pool.nr_idle || pool.nr_workers >= MAX_WORKERS ||
	    __atomic_load_n(&ctx_threads_stopping, __ATOMIC_ACQUIRE))
		return;
	w = &pool.workers[pool.nr_workers];
	w->id = pool.nr_workers;
	snprintf(name, sizeof(name), "kworker/u%d:%d", ukmem_nr_cpus() * 2, w->id);
	if (plat_thread_create(&w->thread, name, worker_fn, w))
		return;
	pool.nr_workers++;
	pool.nr_idle++; /* idle until it takes something */
}

static bool running_elsewhere(struct work_struct *work)
{
	for (int i = 0; i < pool.nr_workers; i++)
		if (pool.workers[i].current_work == work)
			return true;
	return false;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct task_struct *t = current_task();

	t->flags |= PF_KTHREAD;
	pthread_mutex_lock(&pool.lock);
	w->task = t;
	pthread_mutex_unlock(&pool.lock);
	for (;;) {
		u32 seq = __atomic_load_n(&pool.wake, __ATOMIC_ACQUIRE);
		struct work_struct *work = NULL, *pos;
		struct workqueue_struct *wq = NULL;
		work_func_t fn;

		pthread_mutex_lock(&pool.lock);
		if (__atomic_load_n(&pool.stop, __ATOMIC_ACQUIRE)) {
			pthread_mutex_unlock(&pool.lock);
			break;
		}
		list_for_each_entry (pos, &pool.worklist, entry) {
			struct workqueue_struct *pwq = work_wq(pos);

			if (pwq->nr_active >= pwq->max_active || running_elsewhere(pos))
				continue;
			work = pos;
			wq = pwq;
			break;
		}
		if (!work) {
			pthread_mutex_unlock(&pool.lock);
			kctx_sleep(&pool.wake, seq, -1);
			continue;
		}
		list_del_init(&work->entry);
		atomic_long_and(~(long)WORK_STRUCT_PENDING, &work->data);
		fn = work->func;
		wq->nr_active++;
		pool.nr_idle--;
		w->current_work = work;
		w->current_func = fn;
		w->current_wq = wq;
		pthread_mutex_unlock(&pool.lock);

		fn(work);
		if (unlikely(!task_preemptible(t) || t->rcu_read_lock_nesting)) {
			pr_err("BUG: workqueue leaked atomic, lock or RCU: %s[%d]\n"
			       "     preempt=0x%08x lock=%d->%d RCU=%d->%d workfn=%pS\n",
			       t->comm, t->pid, t->preempt_count, 0, 0, 0, t->rcu_read_lock_nesting,
			       fn);
			report_stack();
			if (t->irqs_off)
				local_irq_enable();
			if (t->preempt_count)
				__preempt_count_sub(t->preempt_count);
			t->rcu_read_lock_nesting = 0;
		}

		pthread_mutex_lock(&pool.lock);
		w->current_work = NULL;
		w->current_func = NULL;
		w->current_wq = NULL;
		wq->nr_active--;
		wq->nr_in_flight--;
		pool.nr_idle++;
		pthread_mutex_unlock(&pool.lock);
		kctx_wake(&pool.done_seq);
		kctx_wake(&pool.wake); /* items held back by max_active or reentrancy */
	}
	return NULL;
}

/* is the caller a worker running an item of @wq (chained work may go on a draining wq)? */
static bool is_chained_work(struct workqueue_struct *wq)
{
	struct task_struct *t = current_task();

	for (int i = 0; i < pool.nr_workers; i++)
		if (pool.workers[i].task == t && pool.workers[i].current_wq == wq)
			return true;
	return false;
}

static bool __queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	pthread_mutex_lock(&pool.lock);
	if (unlikely(wq->destroyed ||
		     ((wq->flags & (__WQ_DESTROYING | __WQ_DRAINING)) && !is_chained_work(wq)))) {
		pthread_mutex_unlock(&pool.lock);
		atomic_long_and(~(long)WORK_STRUCT_PENDING, &work->data);
		/* kernel/workqueue.c __queue_work(): WARN_ON_ONCE(!is_chained_work(wq)) */
		WARN_ONCE(1, "workqueue: queueing %pS on %s workqueue %s\n", work->func,
			  wq->destroyed ? "destroyed" : "draining", wq->name);
		return false;
	}
	atomic_long_set(&work->data, (long)((unsigned long)wq | WORK_STRUCT_PENDING |
					    (atomic_long_read(&work->data) &
					     (1UL << WORK_STRUCT_CANCELING_BIT))));
	list_add_tail(&work->entry, &pool.worklist);
	wq->nr_in_flight++;
	maybe_start_worker();
	pthread_mutex_unlock(&pool.lock);
	kctx_wake(&pool.wake);
	return true;
}

__ukmem_export bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work)
{
	long old;

	ukmem_ensure_booted();
	if (WARN_ON(!wq || !work))
		return false;
	if (WARN_ON_ONCE(!work->func))
		return false;
	old = atomic_long_fetch_or_pending(work);
	if (old & (WORK_STRUCT_PENDING | (1L << WORK_STRUCT_CANCELING_BIT))) {
		if (!(old & WORK_STRUCT_PENDING))
			atomic_long_and(~(long)WORK_STRUCT_PENDING, &work->data);
		return false; /* already pending, or being cancelled */
	}
	return __queue_work(wq, work);
}

__ukmem_export void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork = from_timer(dwork, t, timer);

	__queue_work(dwork->wq, &dwork->work);
}

__ukmem_export bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
					  struct delayed_work *dwork, unsigned long delay)
{
	struct work_struct *work = &dwork->work;
	long old;

	ukmem_ensure_booted();
	if (WARN_ON(!wq || !dwork))
		return false;
	old = atomic_long_fetch_or_pending(work);
	if (old & (WORK_STRUCT_PENDING | (1L << WORK_STRUCT_CANCELING_BIT))) {
		if (!(old & WORK_STRUCT_PENDING))
			atomic_long_and(~(long)WORK_STRUCT_PENDING, &work->data);
		return false;
	}
	dwork->wq = wq;
	dwork->cpu = cpu;
	if (!delay)
		return __queue_work(wq, work);
	/* __queue_delayed_work(): WARN_ON_ONCE(timer->function != delayed_work_timer_fn) */
	WARN_ON_ONCE(dwork->timer.function != delayed_work_timer_fn);
	dwork->timer.function = delayed_work_timer_fn;
	mod_timer(&dwork->timer, jiffies + delay);
	return true;
}

/* (pool.lock held) take a pending item off the list; true if it was there */
static bool grab_pending_locked(struct work_struct *work)
{
	struct workqueue_struct *wq;

	if (!(atomic_long_read(&work->data) & WORK_STRUCT_PENDING) || list_empty(&work->entry))
		return false;
	wq = work_wq(work);
	list_del_init(&work->entry);
	atomic_long_and(~(long)WORK_STRUCT_PENDING, &work->data);
	wq->nr_in_flight--;
	return true;
}

static bool work_running(struct work_struct *work)
{
	bool r;

	pthread_mutex_lock(&pool.lock);
	r = running_elsewhere(work);
	pthread_mutex_unlock(&pool.lock);
	return r;
}

/* wait (may sleep) until @busy(@arg) is false */
static void pool_wait(bool (*busy)(void *), void *arg)
{
	for (;;) {
		u32 seq = __atomic_load_n(&pool.done_seq, __ATOMIC_ACQUIRE);

		if (!busy(arg))
			return;
		kctx_sleep(&pool.done_seq, seq, 10000000);
	}
}

static bool work_busy_fn(void *arg)
{
	struct work_struct *work = arg;

	return (atomic_long_read(&work->data) & WORK_STRUCT_PENDING) || work_running(work);
}

__ukmem_export bool work_busy(struct work_struct *work)
{
	return work_busy_fn(work);
}

__ukmem_export bool flush_work(struct work_struct *work)
{
	bool waited;

	might_sleep();
	if (WARN_ON(!work) || WARN_ON(!work->func))
		return false;
	waited = work_busy_fn(work);
	pool_wait(work_busy_fn, work);
	return waited;
}

__ukmem_export bool cancel_work(struct work_struct *work)
{
	bool was;

	pthread_mutex_lock(&pool.lock);
	was = grab_pending_locked(work);
	pthread_mutex_unlock(&pool.lock);
	if (was)
		kctx_wake(&pool.done_seq);
	return was;
}

static bool running_fn(void *arg)
{
	return work_running(arg);
}

__ukmem_export bool cancel_work_sync(struct work_struct *work)
{
	bool was;

	might_sleep();
	if (WARN_ON(!work))
		return false;
	atomic_long_or(1L << WORK_STRUCT_CANCELING_BIT, &work->data);
	was = cancel_work(work);
	pool_wait(running_fn, work);
	atomic_long_and(~(1L << WORK_STRUCT_CANCELING_BIT), &work->data);
	return was;
}

__ukmem_export bool cancel_delayed_work(struct delayed_work *dwork)
{
	if (timer_delete(&dwork->timer)) {
		atomic_long_and(~(long)WORK_STRUCT_PENDING, &dwork->work.data);
		return true;
	}
	return cancel_work(&dwork->work);
}

__ukmem_export bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	bool was;

	might_sleep();
	atomic_long_or(1L << WORK_STRUCT_CANCELING_BIT, &dwork->work.data);
	if (timer_delete_sync(&dwork->timer)) {
		atomic_long_and(~(long)WORK_STRUCT_PENDING, &dwork->work.data);
		was = true;
	} else {
		was = cancel_work(&dwork->work);
	}
	pool_wait(running_fn, &dwork->work);
	atomic_long_and(~(1L << WORK_STRUCT_CANCELING_BIT), &dwork->work.data);
	return was;
}

__ukmem_export bool flush_delayed_work(struct delayed_work *dwork)
{
	if (timer_delete_sync(&dwork->timer))
		__queue_work(dwork->wq, &dwork->work);
	return flush_work(&dwork->work);
}

__ukmem_export bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq,
					struct delayed_work *dwork, unsigned long delay)
{
	bool was = cancel_delayed_work(dwork);

	queue_delayed_work_on(cpu, wq, dwork, delay);
	return was;
}

static bool wq_busy_fn(void *arg)
{
	struct workqueue_struct *wq = arg;
	bool busy;

	pthread_mutex_lock(&pool.lock);
	busy = wq->nr_in_flight != 0;
	pthread_mutex_unlock(&pool.lock);
	return busy;
}

__ukmem_export void flush_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	if (WARN_ON(!wq))
		return;
	pool_wait(wq_busy_fn, wq);
}

__ukmem_export void drain_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	if (WARN_ON(!wq))
		return;
	pthread_mutex_lock(&pool.lock);
	wq->flags |= __WQ_DRAINING;
	pthread_mutex_unlock(&pool.lock);
	pool_wait(wq_busy_fn, wq);
	pthread_mutex_lock(&pool.lock);
	wq->flags &= ~__WQ_DRAINING;
	pthread_mutex_unlock(&pool.lock);
}

static struct workqueue_struct *__alloc_workqueue(unsigned int flags, int max_active,
						  const char *fmt, va_list ap)
{
	struct workqueue_struct *wq;

	if (max_active < 0 || max_active > WQ_MAX_ACTIVE) {
		/* wq_clamp_max_active() */
		pr_warn("workqueue: max_active %d requested for %s is out of range, clamping "
			"between %d and %d\n",
			max_active, fmt, 1, WQ_MAX_ACTIVE);
		max_active = max_active < 0 ? 1 : WQ_MAX_ACTIVE;
	}
	wq = plat_meta_alloc(sizeof(*wq));
	if (!wq)
		return NULL;
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	wq->flags = flags;
	wq->max_active = max_active ? max_active : WQ_DFL_ACTIVE;
	pthread_mutex_lock(&pool.lock);
	wq->next = pool.wqs;
	pool.wqs = wq;
	pthread_mutex_unlock(&pool.lock);
	return wq;
}

__ukmem_export struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
							int max_active, ...)
{
	struct workqueue_struct *wq;
	va_list ap;

	might_sleep();
	if (!fmt)
		return NULL;
	ukmem_ensure_booted();
	va_start(ap, max_active);
	wq = __alloc_workqueue(flags, max_active, fmt, ap);
	va_end(ap);
	return wq;
}

__ukmem_export void destroy_workqueue(struct workqueue_struct *wq)
{
	might_sleep();
	if (WARN_ON(!wq))
		return;
	pthread_mutex_lock(&pool.lock);
	if (wq->destroyed) {
		pthread_mutex_unlock(&pool.lock);
		WARN(1, "workqueue: %s destroyed twice\n", wq->name);
		return;
	}
	wq->flags |= __WQ_DESTROYING | __WQ_DRAINING;
	pthread_mutex_unlock(&pool.lock);
	pool_wait(wq_busy_fn, wq);
	pthread_mutex_lock(&pool.lock);
	wq->destroyed = true;
	pthread_mutex_unlock(&pool.lock);
}

/* workqueue_forget - fork child: the kworkers are the parent's */
void workqueue_forget(void)
{
	pthread_mutex_init(&pool.lock, NULL);
	pool.nr_workers = pool.nr_idle = 0;
	pool.wqs = NULL;
}

int workqueue_init(void)
{
	INIT_LIST_HEAD(&pool.worklist);
	pool.nr_workers = pool.nr_idle = 0;
	pool.wqs = NULL;
	__atomic_store_n(&pool.stop, 0, __ATOMIC_RELEASE);
	for (size_t i = 0; i < ARRAY_SIZE(system_wqs); i++) {
		system_wqs[i].flags &= ~(__WQ_DESTROYING | __WQ_DRAINING);
		system_wqs[i].nr_active = system_wqs[i].nr_in_flight = 0;
		system_wqs[i].destroyed = false;
	}
	return 0;
}

/* workqueue_stop - finish running items, report and drop the rest, stop the workers */
void workqueue_stop(void)
{
	struct work_struct *work, *n;
	int i, nr;

	pthread_mutex_lock(&pool.lock);
	list_for_each_entry_safe (work, n, &pool.worklist, entry) {
		struct workqueue_struct *wq = work_wq(work);

		pr_warn("workqueue: %s: work %pS still queued at shutdown, dropped\n", wq->name,
			work->func);
		list_del_init(&work->entry);
		atomic_long_and(~(long)WORK_STRUCT_PENDING, &work->data);
		wq->nr_in_flight--;
	}
	__atomic_store_n(&pool.stop, 1, __ATOMIC_RELEASE);
	nr = pool.nr_workers;
	pthread_mutex_unlock(&pool.lock);
	kctx_wake(&pool.wake);
	for (i = 0; i < nr; i++)
		plat_thread_join(pool.workers[i].thread);
	pthread_mutex_lock(&pool.lock);
	pool.nr_workers = pool.nr_idle = 0;
	__atomic_store_n(&pool.stop, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&pool.lock);
}

void workqueue_exit(void)
{
	struct workqueue_struct *wq, *next;

	workqueue_stop();
	pthread_mutex_lock(&pool.lock);
	for (wq = pool.wqs; wq; wq = next) {
		next = wq->next;
		plat_meta_free(wq, sizeof(*wq));
	}
	pool.wqs = NULL;
	pthread_mutex_unlock(&pool.lock);
}
