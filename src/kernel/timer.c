// SPDX-License-Identifier: MIT
/*
 * timer.c - jiffies, timer_list timers, and the busy-wait delays.
 *
 * Pending timers sit on one list sorted by expiry (timer_lock, a leaf host
 * mutex). The machine's timer thread ("ktimer", started on first use)
 * sleeps until the earliest expiry, then acts as that CPU's tick: it takes
 * the timer's CPU with interrupts off and runs TIMER_SOFTIRQ there, whose
 * action runs every expired timer armed on that CPU in softirq context -
 * and any other softirq pending there, as irq_exit() would. A timer's CPU
 * is the one its arming task was on (add_timer_on() chooses it).
 *
 * timer_delete_sync() waits while the callback runs (__running), and warns
 * in hardirq context unless the timer is TIMER_IRQSAFE, as the kernel's.
 */
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/timer.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <pthread.h>

#include "kernel/internal.h"

static LIST_HEAD(timers); /* pending, by expiry (timer_lock) */
static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static u64 jiffies_base_ns;
static u32 timer_done_seq; /* bumped after each callback (timer_delete_sync) */

static struct {
	plat_thread_t thread;
	bool started; /* timer_lock */
	u32 wake;
	u32 stop;
} ktimer;

__ukmem_export u64 get_jiffies_64(void)
{
	ukmem_ensure_booted();
	return INITIAL_JIFFIES + (plat_clock_ns() - jiffies_base_ns) / NSEC_PER_MSEC;
}

static void *ktimer_fn(void *arg);

/* (timer_lock held) enqueue by expiry, start or kick the timer thread */
static void enqueue_timer(struct timer_list *timer)
{
	struct list_head *pos;

	list_for_each (pos, &timers) {
		struct timer_list *t = list_entry(pos, struct timer_list, entry);

		if (time_after(t->expires, timer->expires))
			break;
	}
	list_add_tail(&timer->entry, pos);
	if (!ktimer.started && !__atomic_load_n(&ctx_threads_stopping, __ATOMIC_ACQUIRE)) {
		if (!plat_thread_create(&ktimer.thread, "ktimer", ktimer_fn, NULL))
			ktimer.started = true;
	}
	if (timers.next == &timer->entry)
		kctx_wake(&ktimer.wake); /* a new earliest expiry */
}

static bool detach_timer(struct timer_list *timer)
{
	if (!timer->entry.next)
		return false;
	list_del(&timer->entry);
	timer->entry.next = NULL;
	timer->entry.prev = NULL;
	return true;
}

__ukmem_export void timer_setup(struct timer_list *timer, void (*func)(struct timer_list *),
				unsigned int flags)
{
	timer->entry.next = NULL;
	timer->entry.prev = NULL;
	timer->expires = 0;
	timer->function = func;
	timer->flags = flags & TIMER_INIT_FLAGS;
	timer->__running = 0;
}

__ukmem_export int timer_pending(const struct timer_list *timer)
{
	int ret;

	pthread_mutex_lock(&timer_lock);
	ret = timer->entry.next != NULL;
	pthread_mutex_unlock(&timer_lock);
	return ret;
}

/* __mod_timer: 1 if the timer was pending; @cpu < 0: the caller's CPU */
static int __mod_timer(struct timer_list *timer, unsigned long expires, bool pending_only, int cpu)
{
	int was;

	ukmem_ensure_booted();
	if (cpu < 0)
		cpu = current_task()->cpu;
	pthread_mutex_lock(&timer_lock);
	was = detach_timer(timer);
	if ((pending_only && !was) || !timer->function) {
		/* a shut-down timer (function NULL) is silently not armed, as in the kernel */
		pthread_mutex_unlock(&timer_lock);
		return was;
	}
	timer->expires = expires;
	timer->flags = (timer->flags & ~TIMER_BASEMASK) | ((u32)cpu & TIMER_CPUMASK);
	enqueue_timer(timer);
	pthread_mutex_unlock(&timer_lock);
	return was;
}

__ukmem_export int mod_timer(struct timer_list *timer, unsigned long expires)
{
	return __mod_timer(timer, expires, false, -1);
}

__ukmem_export int mod_timer_pending(struct timer_list *timer, unsigned long expires)
{
	return __mod_timer(timer, expires, true, -1);
}

__ukmem_export int timer_reduce(struct timer_list *timer, unsigned long expires)
{
	if (timer_pending(timer) && !time_before(expires, timer->expires))
		return 1;
	return __mod_timer(timer, expires, false, -1);
}

__ukmem_export void add_timer(struct timer_list *timer)
{
	if (WARN_ON_ONCE(timer_pending(timer)))
		return;
	__mod_timer(timer, timer->expires, false, -1);
}

__ukmem_export void add_timer_on(struct timer_list *timer, int cpu)
{
	if (WARN_ON_ONCE(timer_pending(timer)))
		return;
	if (WARN_ON_ONCE(cpu < 0 || cpu >= ukmem_nr_cpus()))
		return;
	__mod_timer(timer, timer->expires, false, cpu);
}

__ukmem_export int __ukmem_timer_delete(struct timer_list *timer)
{
	int was;

	pthread_mutex_lock(&timer_lock);
	was = detach_timer(timer);
	pthread_mutex_unlock(&timer_lock);
	return was;
}

__ukmem_export int try_to_del_timer_sync(struct timer_list *timer)
{
	int ret;

	pthread_mutex_lock(&timer_lock);
	if (timer->__running) {
		ret = -1;
	} else {
		ret = detach_timer(timer);
	}
	pthread_mutex_unlock(&timer_lock);
	return ret;
}

static int __timer_delete_sync(struct timer_list *timer, bool shutdown)
{
	int ret;

	/* kernel/time/timer.c: only an IRQSAFE timer may be waited for in hardirq context */
	WARN_ON(in_hardirq() && !(timer->flags & TIMER_IRQSAFE));
	for (;;) {
		u32 seq = __atomic_load_n(&timer_done_seq, __ATOMIC_ACQUIRE);

		pthread_mutex_lock(&timer_lock);
		if (shutdown)
			timer->function = NULL; /* no re-arming from here on */
		if (!timer->__running) {
			ret = detach_timer(timer);
			pthread_mutex_unlock(&timer_lock);
			return ret;
		}
		pthread_mutex_unlock(&timer_lock);
		if (current_task()->irqs_off || in_interrupt())
			plat_yield(); /* the callback runs on another CPU: spin, as the kernel does
				       */
		else
			kctx_sleep(&timer_done_seq, seq, 1000000);
	}
}

__ukmem_export int timer_delete_sync(struct timer_list *timer)
{
	return __timer_delete_sync(timer, false);
}

__ukmem_export int timer_shutdown(struct timer_list *timer)
{
	int was;

	pthread_mutex_lock(&timer_lock);
	was = detach_timer(timer);
	timer->function = NULL;
	pthread_mutex_unlock(&timer_lock);
	return was;
}

__ukmem_export int timer_shutdown_sync(struct timer_list *timer)
{
	return __timer_delete_sync(timer, true);
}

/* TIMER_SOFTIRQ: every expired timer of this CPU, in softirq context */
static void run_timer_softirq(void)
{
	int cpu = current_task()->cpu;

	for (;;) {
		struct timer_list *timer = NULL, *t;
		void (*fn)(struct timer_list *);
		unsigned long now = jiffies;

		pthread_mutex_lock(&timer_lock);
		list_for_each_entry (t, &timers, entry) {
			if (time_after(t->expires, now))
				break;
			if ((int)(t->flags & TIMER_CPUMASK) == cpu) {
				timer = t;
				break;
			}
		}
		if (!timer) {
			pthread_mutex_unlock(&timer_lock);
			return;
		}
		detach_timer(timer);
		fn = timer->function;
		timer->__running = 1;
		pthread_mutex_unlock(&timer_lock);
		fn(timer);
		pthread_mutex_lock(&timer_lock);
		timer->__running = 0;
		pthread_mutex_unlock(&timer_lock);
		kctx_wake(&timer_done_seq);
	}
}

/* the tick: sleep until the earliest expiry, then run TIMER_SOFTIRQ on that timer's CPU */
static void *ktimer_fn(void *arg)
{
	struct task_struct *t = current_task();

	t->flags |= PF_KTHREAD;
	for (;;) {
		u32 seq = __atomic_load_n(&ktimer.wake, __ATOMIC_ACQUIRE);
		s64 wait_ns = -1;
		int cpu = -1;

		if (__atomic_load_n(&ktimer.stop, __ATOMIC_ACQUIRE))
			break;
		pthread_mutex_lock(&timer_lock);
		if (!list_empty(&timers)) {
			struct timer_list *first =
			    list_first_entry(&timers, struct timer_list, entry);
			long left = (long)(first->expires - jiffies);

			if (left <= 0)
				cpu = (int)(first->flags & TIMER_CPUMASK);
			else
				wait_ns = left * NSEC_PER_MSEC;
		}
		pthread_mutex_unlock(&timer_lock);
		if (cpu >= 0) {
			struct cpu_borrow b;

			if (cpu >= ukmem_nr_cpus())
				cpu = 0;
			if (!sched_cpu_borrow(t, cpu, &b)) {
				local_irq_disable();
				softirq_raise_and_run(t, 1u << TIMER_SOFTIRQ);
				local_irq_enable();
				sched_cpu_return(t, &b);
			}
			continue;
		}
		kctx_sleep(&ktimer.wake, seq, wait_ns);
	}
	return arg;
}

/* timer_forget - fork child: the timer thread is the parent's */
void timer_forget(void)
{
	pthread_mutex_init(&timer_lock, NULL);
	ktimer.started = false;
	INIT_LIST_HEAD(&timers);
}

int timer_init(void)
{
	jiffies_base_ns = plat_clock_ns();
	INIT_LIST_HEAD(&timers);
	ktimer.started = false;
	__atomic_store_n(&ktimer.stop, 0, __ATOMIC_RELEASE);
	open_softirq(TIMER_SOFTIRQ, run_timer_softirq);
	return 0;
}

/* timer_stop - stop the timer thread; report and drop the timers still pending */
void timer_stop(void)
{
	struct timer_list *t, *n;
	bool started;

	pthread_mutex_lock(&timer_lock);
	started = ktimer.started;
	ktimer.started = false;
	pthread_mutex_unlock(&timer_lock);
	if (started) {
		__atomic_store_n(&ktimer.stop, 1, __ATOMIC_RELEASE);
		kctx_wake(&ktimer.wake);
		plat_thread_join(ktimer.thread);
		__atomic_store_n(&ktimer.stop, 0, __ATOMIC_RELEASE);
	}
	pthread_mutex_lock(&timer_lock);
	list_for_each_entry_safe (t, n, &timers, entry) {
		pr_warn("timer: %pS still pending at shutdown (expires in %ld jiffies), dropped\n",
			t->function, (long)(t->expires - jiffies));
		detach_timer(t);
	}
	pthread_mutex_unlock(&timer_lock);
}

void timer_exit(void)
{
	timer_stop();
}

/* ---- delays ---- */

__ukmem_export void udelay(unsigned long usecs)
{
	u64 end = plat_clock_ns() + (u64)usecs * 1000;

	while (plat_clock_ns() < end)
		cpu_relax();
}

__ukmem_export void ndelay(unsigned long nsecs)
{
	u64 end = plat_clock_ns() + nsecs;

	while (plat_clock_ns() < end)
		cpu_relax();
}

__ukmem_export void mdelay(unsigned long msecs)
{
	udelay(msecs * 1000);
}

__ukmem_export unsigned long msleep_interruptible(unsigned int msecs)
{
	msleep(msecs);
	return 0;
}
