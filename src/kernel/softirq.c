// SPDX-License-Identifier: MIT
/*
 * softirq.c - softirqs, ksoftirqd and tasklets.
 *
 * Each CPU has a mask of pending softirqs. raise_softirq() sets a bit on
 * the caller's CPU; the softirqs run on that CPU, in serving-softirq
 * context (SOFTIRQ_OFFSET in preempt_count, interrupts on), when the last
 * interrupt on it ends (irq_exit()), when a bh-disabled section ends
 * (local_bh_enable()), or in ksoftirqd/N when raised from task context or
 * when a run went on too long (the kernel's 10 rounds or 2 ms), as in
 * kernel/softirq.c. The mask is atomic; the rest of a run needs the CPU,
 * which the runner holds throughout (so two runs on one CPU never overlap).
 *
 * Tasklets sit on per-CPU lists (one host mutex for all of them: a leaf
 * lock) and run from TASKLET_SOFTIRQ / HI_SOFTIRQ. TASKLET_STATE_RUN keeps
 * a tasklet off two CPUs at once; one found running elsewhere goes back on
 * the list. A disabled tasklet is parked until tasklet_enable() (the kernel
 * re-raises the softirq over and over instead, which on a host would be a
 * busy ksoftirqd) - the order is the same, nothing else differs.
 */
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/sched.h>
#include <pthread.h>
#include <string.h>

#include "kernel/internal.h"

static struct softirq_action softirq_vec[NR_SOFTIRQS];
static const char *const softirq_to_name[NR_SOFTIRQS] = {
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"};

struct tasklet_head {
	struct tasklet_struct *head;
	struct tasklet_struct **tail;
};

struct softirq_cpu {
	u32 pending;			 /* raised softirqs (atomic) */
	u32 ksoftirqd_wake;		 /* futex word of ksoftirqd/N */
	bool ksoftirqd_started;		 /* under ksoftirqd_lock */
	plat_thread_t ksoftirqd;	 /* its host thread */
	struct tasklet_head tl[2];	 /* [0] TASKLET_SOFTIRQ, [1] HI_SOFTIRQ (tasklet_lock) */
	unsigned long stat[NR_SOFTIRQS]; /* runs, for /proc/softirqs (atomic) */
} __attribute__((aligned(64)));

static struct softirq_cpu *scpu;
static int scpu_n;
static struct tasklet_head parked; /* scheduled while disabled (tasklet_lock) */
static pthread_mutex_t tasklet_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ksoftirqd_lock = PTHREAD_MUTEX_INITIALIZER;
static u32 ksoftirqd_stop;

#define MAX_SOFTIRQ_RESTART 10
#define MAX_SOFTIRQ_TIME_NS 2000000ull

__ukmem_export void open_softirq(int nr, void (*action)(void))
{
	if (WARN_ON(nr < 0 || nr >= NR_SOFTIRQS))
		return;
	softirq_vec[nr].action = action;
}

__ukmem_export u32 local_softirq_pending(void)
{
	struct task_struct *t = current_task();

	return scpu ? __atomic_load_n(&scpu[t->cpu].pending, __ATOMIC_RELAXED) : 0;
}

static void *ksoftirqd_fn(void *arg);

/* wakeup_softirqd - have ksoftirqd/@cpu run @cpu's pending softirqs (started on first use) */
void wakeup_softirqd(int cpu)
{
	struct softirq_cpu *sc;

	if (!scpu || cpu >= scpu_n)
		return;
	sc = &scpu[cpu];
	if (!__atomic_load_n(&sc->ksoftirqd_started, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&ksoftirqd_lock);
		if (!sc->ksoftirqd_started &&
		    !__atomic_load_n(&ctx_threads_stopping, __ATOMIC_ACQUIRE)) {
			char name[24];

			snprintf(name, sizeof(name), "ksoftirqd/%d", cpu);
			if (!plat_thread_create(&sc->ksoftirqd, name, ksoftirqd_fn,
						(void *)(long)cpu))
				__atomic_store_n(&sc->ksoftirqd_started, true, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&ksoftirqd_lock);
	}
	kctx_wake(&sc->ksoftirqd_wake);
}

/*
 * __do_softirq - run @t's CPU's pending softirqs in serving-softirq context.
 * The caller holds the CPU (interrupts or preemption off) and is not in an
 * interrupt. Handlers run with interrupts on, as in the kernel.
 */
static void __do_softirq(struct task_struct *t)
{
	u64 end = plat_clock_ns() + MAX_SOFTIRQ_TIME_NS;
	int restart = MAX_SOFTIRQ_RESTART;
	unsigned int irqs = t->irqs_off;
	struct softirq_cpu *sc;
	u32 pending;

	preempt_count_inc(t, SOFTIRQ_OFFSET); /* the CPU is held already */
	sc = &scpu[t->cpu];
	while ((pending = __atomic_exchange_n(&sc->pending, 0, __ATOMIC_ACQ_REL))) {
		t->irqs_off = 0; /* handlers run with interrupts on; preempt_count keeps the CPU */
		barrier();
		for (int nr = 0; nr < NR_SOFTIRQS; nr++) {
			unsigned int prev = t->preempt_count;
			void (*action)(void) = softirq_vec[nr].action;

			if (!(pending & (1u << nr)) || !action)
				continue;
			__atomic_fetch_add(&sc->stat[nr], 1, __ATOMIC_RELAXED);
			action();
			if (unlikely(t->preempt_count != prev)) {
				pr_err("huh, entered softirq %u %s %p with preempt_count %08x, "
				       "exited with %08x?\n",
				       nr, softirq_to_name[nr], action, prev, t->preempt_count);
				t->preempt_count = prev;
			}
		}
		barrier();
		t->irqs_off = irqs;
		if (!__atomic_load_n(&sc->pending, __ATOMIC_RELAXED))
			break;
		if (plat_clock_ns() > end || !--restart) {
			wakeup_softirqd(t->cpu);
			break;
		}
	}
	preempt_count_dec(t, SOFTIRQ_OFFSET);
}

/* softirq_run_pending - the hook of irq_exit() and local_bh_enable() (sched.c) */
static void softirq_run_pending(struct task_struct *t)
{
	if (!__atomic_load_n(&scpu[t->cpu].pending, __ATOMIC_RELAXED))
		return;
	/* a signal handler over an allocator section: leave them to ksoftirqd's next run */
	if (task_alloc_interrupted(t))
		return;
	__do_softirq(t);
}

void softirq_raise_and_run(struct task_struct *t, u32 mask)
{
	__atomic_fetch_or(&scpu[t->cpu].pending, mask, __ATOMIC_RELEASE);
	__do_softirq(t);
}

__ukmem_export void raise_softirq_irqoff(unsigned int nr)
{
	struct task_struct *t = current_task();

	if (WARN_ON(nr >= NR_SOFTIRQS) || !scpu)
		return;
	__atomic_fetch_or(&scpu[t->cpu].pending, 1u << nr, __ATOMIC_RELEASE);
	/* outside interrupts nothing else would run them soon: ksoftirqd does */
	if (!(t->preempt_count & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK)))
		wakeup_softirqd(t->cpu);
}

__ukmem_export void raise_softirq(unsigned int nr)
{
	unsigned long flags;

	local_irq_save(flags);
	raise_softirq_irqoff(nr);
	local_irq_restore(flags);
}

static void *ksoftirqd_fn(void *arg)
{
	int cpu = (int)(long)arg;
	struct softirq_cpu *sc = &scpu[cpu];
	struct task_struct *t;

	ukmem_set_cpu(cpu); /* per-CPU, as the kernel's (bound to its CPU) */
	t = current_task();
	t->flags |= PF_KTHREAD;
	for (;;) {
		u32 seq = __atomic_load_n(&sc->ksoftirqd_wake, __ATOMIC_ACQUIRE);

		if (__atomic_load_n(&ksoftirqd_stop, __ATOMIC_ACQUIRE))
			break;
		if (__atomic_load_n(&sc->pending, __ATOMIC_ACQUIRE)) {
			local_irq_disable();
			if (__atomic_load_n(&sc->pending, __ATOMIC_RELAXED))
				__do_softirq(t);
			local_irq_enable();
			cond_resched();
			continue;
		}
		kctx_sleep(&sc->ksoftirqd_wake, seq, -1);
	}
	return NULL;
}

/* ---- tasklets ---- */

static void tl_append(struct tasklet_head *h, struct tasklet_struct *t)
{
	t->next = NULL;
	*h->tail = t;
	h->tail = &t->next;
}

static void tl_reset(struct tasklet_head *h)
{
	h->head = NULL;
	h->tail = &h->head;
}

static void tasklet_queue(struct tasklet_struct *t, int hi)
{
	unsigned long flags;
	int cpu;

	if (!scpu)
		return;
	local_irq_save(flags); /* holds the CPU: the tasklet runs where it was scheduled */
	cpu = current_task()->cpu;
	pthread_mutex_lock(&tasklet_lock);
	tl_append(&scpu[cpu].tl[hi], t);
	pthread_mutex_unlock(&tasklet_lock);
	raise_softirq_irqoff(hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
	local_irq_restore(flags);
}

__ukmem_export void __tasklet_schedule(struct tasklet_struct *t)
{
	tasklet_queue(t, 0);
}

__ukmem_export void __tasklet_hi_schedule(struct tasklet_struct *t)
{
	tasklet_queue(t, 1);
}

static void tasklet_action_common(int hi)
{
	struct task_struct *cur = current_task();
	struct softirq_cpu *sc = &scpu[cur->cpu];
	struct tasklet_struct *list, *t;

	pthread_mutex_lock(&tasklet_lock);
	list = sc->tl[hi].head;
	tl_reset(&sc->tl[hi]);
	pthread_mutex_unlock(&tasklet_lock);

	while ((t = list)) {
		list = t->next;
		if (!(__atomic_fetch_or(&t->state, 1UL << TASKLET_STATE_RUN, __ATOMIC_ACQUIRE) &
		      (1UL << TASKLET_STATE_RUN))) {
			if (!atomic_read(&t->count)) {
				if (!(__atomic_fetch_and(&t->state, ~(1UL << TASKLET_STATE_SCHED),
							 __ATOMIC_SEQ_CST) &
				      (1UL << TASKLET_STATE_SCHED)))
					WARN_ON_ONCE(1); /* the kernel's BUG_ON: not scheduled */
				if (t->use_callback)
					t->callback(t);
				else
					t->func(t->data);
				__atomic_fetch_and(&t->state, ~(1UL << TASKLET_STATE_RUN),
						   __ATOMIC_RELEASE);
				continue;
			}
			__atomic_fetch_and(&t->state, ~(1UL << TASKLET_STATE_RUN),
					   __ATOMIC_RELEASE);
			pthread_mutex_lock(&tasklet_lock);
			if (atomic_read(&t->count)) {
				tl_append(&parked, t); /* tasklet_enable() brings it back */
				pthread_mutex_unlock(&tasklet_lock);
				continue;
			}
			pthread_mutex_unlock(&tasklet_lock);
		}
		/* running on another CPU (or just enabled): again later, here */
		pthread_mutex_lock(&tasklet_lock);
		tl_append(&sc->tl[hi], t);
		pthread_mutex_unlock(&tasklet_lock);
		__atomic_fetch_or(&sc->pending, 1u << (hi ? HI_SOFTIRQ : TASKLET_SOFTIRQ),
				  __ATOMIC_RELEASE);
	}
}

static void tasklet_action(void)
{
	tasklet_action_common(0);
}

static void tasklet_hi_action(void)
{
	tasklet_action_common(1);
}

__ukmem_export void tasklet_setup(struct tasklet_struct *t,
				  void (*callback)(struct tasklet_struct *))
{
	t->next = NULL;
	t->state = 0;
	atomic_set(&t->count, 0);
	t->callback = callback;
	t->use_callback = true;
	t->data = 0;
}

__ukmem_export void tasklet_init(struct tasklet_struct *t, void (*func)(unsigned long),
				 unsigned long data)
{
	t->next = NULL;
	t->state = 0;
	atomic_set(&t->count, 0);
	t->func = func;
	t->use_callback = false;
	t->data = data;
}

/* wait, as a task, until @cond holds (polling, with the CPU lease given back) */
#define tasklet_wait(cond)                                                                         \
	do {                                                                                       \
		int __spins = 0;                                                                   \
		while (!(cond)) {                                                                  \
			if (++__spins < 16) {                                                      \
				plat_yield();                                                      \
			} else {                                                                   \
				cpu_sleep_prepare(current_task());                                 \
				plat_sleep_ns(50000);                                              \
			}                                                                          \
		}                                                                                  \
	} while (0)

__ukmem_export void tasklet_unlock_wait(struct tasklet_struct *t)
{
	tasklet_wait(!(__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) & (1UL << TASKLET_STATE_RUN)));
}

__ukmem_export void tasklet_kill(struct tasklet_struct *t)
{
	if (in_interrupt())
		pr_notice("Attempt to kill tasklet from interrupt\n");
	tasklet_wait(!(__atomic_fetch_or(&t->state, 1UL << TASKLET_STATE_SCHED, __ATOMIC_SEQ_CST) &
		       (1UL << TASKLET_STATE_SCHED)));
	tasklet_unlock_wait(t);
	__atomic_fetch_and(&t->state, ~(1UL << TASKLET_STATE_SCHED), __ATOMIC_RELEASE);
}

__ukmem_export void tasklet_disable_nosync(struct tasklet_struct *t)
{
	/* fully ordered (the kernel's atomic_inc + smp_mb__after_atomic) */
	__atomic_fetch_add(&t->count.counter, 1, __ATOMIC_SEQ_CST);
}

__ukmem_export void tasklet_disable(struct tasklet_struct *t)
{
	tasklet_disable_nosync(t);
	tasklet_unlock_wait(t);
}

__ukmem_export void tasklet_enable(struct tasklet_struct *t)
{
	struct tasklet_struct **pp;
	bool found = false;

	if (!atomic_dec_and_test(&t->count) || !scpu)
		return;
	pthread_mutex_lock(&tasklet_lock);
	for (pp = &parked.head; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			if (!*pp)
				parked.tail = pp;
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&tasklet_lock);
	if (found)
		tasklet_queue(t, 0);
}

/* ---- /proc/softirqs ---- */

int softirqs_show(FILE *out)
{
	int cpu, nr;

	fprintf(out, "                    ");
	for (cpu = 0; cpu < scpu_n; cpu++)
		fprintf(out, "CPU%-8d", cpu);
	fputc('\n', out);
	for (nr = 0; nr < NR_SOFTIRQS; nr++) {
		fprintf(out, "%12s:", softirq_to_name[nr]);
		for (cpu = 0; cpu < scpu_n; cpu++)
			fprintf(out, " %10lu",
				__atomic_load_n(&scpu[cpu].stat[nr], __ATOMIC_RELAXED));
		fputc('\n', out);
	}
	return 0;
}

/* ---- the machine's lifetime ---- */

/* softirq_forget - fork child: the parent's threads and locks are not ours */
void softirq_forget(void)
{
	pthread_mutex_init(&tasklet_lock, NULL);
	pthread_mutex_init(&ksoftirqd_lock, NULL);
	__atomic_store_n(&softirq_pending_hook, NULL, __ATOMIC_RELEASE);
	scpu = NULL;
	scpu_n = 0;
}

int softirq_init(void)
{
	scpu_n = machine.nr_cpus;
	scpu = plat_meta_alloc(sizeof(*scpu) * (size_t)scpu_n);
	if (!scpu)
		return -ENOMEM;
	for (int cpu = 0; cpu < scpu_n; cpu++) {
		tl_reset(&scpu[cpu].tl[0]);
		tl_reset(&scpu[cpu].tl[1]);
	}
	tl_reset(&parked);
	__atomic_store_n(&ksoftirqd_stop, 0, __ATOMIC_RELEASE);
	open_softirq(TASKLET_SOFTIRQ, tasklet_action);
	open_softirq(HI_SOFTIRQ, tasklet_hi_action);
	__atomic_store_n(&softirq_pending_hook, softirq_run_pending, __ATOMIC_RELEASE);
	return 0;
}

/* softirq_stop_threads - stop every ksoftirqd (before the shutdown gate) */
void softirq_stop_threads(void)
{
	if (!scpu)
		return;
	__atomic_store_n(&ksoftirqd_stop, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&ksoftirqd_lock);
	for (int cpu = 0; cpu < scpu_n; cpu++) {
		struct softirq_cpu *sc = &scpu[cpu];

		if (!sc->ksoftirqd_started)
			continue;
		kctx_wake(&sc->ksoftirqd_wake);
		plat_thread_join(sc->ksoftirqd);
		__atomic_store_n(&sc->ksoftirqd_started, false, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&ksoftirqd_lock);
	__atomic_store_n(&ksoftirqd_stop, 0, __ATOMIC_RELEASE);
}

void softirq_exit(void)
{
	int left = 0;

	__atomic_store_n(&softirq_pending_hook, NULL, __ATOMIC_RELEASE);
	if (!scpu)
		return;
	for (int cpu = 0; cpu < scpu_n; cpu++)
		for (int hi = 0; hi < 2; hi++)
			for (struct tasklet_struct *t = scpu[cpu].tl[hi].head; t; t = t->next)
				left++;
	for (struct tasklet_struct *t = parked.head; t; t = t->next)
		left++;
	if (left)
		pr_warn("softirq: %d tasklet(s) still scheduled at shutdown, not run\n", left);
	memset(softirq_vec, 0, sizeof(softirq_vec));
	plat_meta_free(scpu, sizeof(*scpu) * (size_t)scpu_n);
	scpu = NULL;
	scpu_n = 0;
}
