// SPDX-License-Identifier: MIT
/*
 * irq.c - interrupt lines: request_irq()/free_irq(), and their delivery.
 *
 * There is no interrupt hardware: a simulated device, or a program through
 * ukmem_raise_irq(), raises a line. Each line has a CPU (ukmem_irq_set_cpu(),
 * default CPU 0, as lines start out on the boot CPU), and its handlers run
 * there in hardirq context: irq_enter() on that CPU, every handler of the
 * line in order, irq_exit() - which runs the softirqs raised meanwhile,
 * tasklets and timers among them, as the kernel's does.
 *
 * Who runs them: the thread that raised the line, when it can take the
 * line's CPU - it is preemptible (it is moved there for the delivery and
 * back, waiting while another task holds the CPU as an interrupt waits for
 * a CPU with interrupts off), or it already holds that CPU with interrupts
 * on (nested, as a real interrupt arrives over preempt_disable()). A raise
 * from anywhere else (interrupts off, another CPU held, a handler) is
 * queued for the "irq/apic" thread, the machine's interrupt controller,
 * which delivers it as soon as the CPU can take it - as the hardware holds
 * an interrupt pending until the CPU enables interrupts.
 *
 * A line's handlers never run on two CPUs at once (the kernel's
 * IRQD_IRQ_INPROGRESS): a raise arriving meanwhile is counted, and the CPU
 * handling the line runs the handlers again for it before it lets go.
 * Unlike edge-triggered hardware, raises are not merged: each raise runs
 * the handlers once (docs/contexts.md).
 */
#include <linux/kernel.h>
#include <linux/interrupt.h>
#include <linux/sched.h>
#include <ukmem.h>
#include <pthread.h>
#include <string.h>

#include "kernel/internal.h"

#define MAX_SHARED 32 /* handlers on one line */

struct irqaction {
	irq_handler_t handler;
	void *dev_id;
	unsigned long flags;
	const char *name;
	struct irqaction *next;
};

struct irq_desc {
	struct irqaction *action; /* irq_lock */
	int cpu;		  /* where the handlers run */
	unsigned int depth;	  /* disable_irq() nesting */
	bool in_progress;	  /* handlers running on some CPU */
	bool pending_disabled;	  /* raised while disabled: delivered at enable_irq() */
	unsigned int replay;	  /* raises to run again before in_progress ends */
	unsigned int queued;	  /* raises waiting for the apic thread */
	unsigned long *counts;	  /* per CPU, for /proc/interrupts (atomic) */
	unsigned long unhandled;  /* runs that no handler claimed */
};

static struct irq_desc *irq_descs;
static int irq_nr_cpus;
static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;
static u32 irq_done_seq; /* bumped whenever a line's handling ends (synchronize_irq) */

static struct {
	plat_thread_t thread;
	bool started; /* under irq_lock */
	u32 wake;
	u32 stop;
} apic;

static void *apic_fn(void *arg);

static void apic_kick(void)
{
	if (!apic.started && !__atomic_load_n(&ctx_threads_stopping, __ATOMIC_ACQUIRE)) {
		if (!plat_thread_create(&apic.thread, "irq/apic", apic_fn, NULL))
			apic.started = true;
	}
	kctx_wake(&apic.wake);
}

/* run the line's handlers once, in hardirq context on the CPU the caller holds */
static void handle_once(struct task_struct *t, struct irq_desc *desc, unsigned int irq)
{
	irq_handler_t fn[MAX_SHARED];
	void *dev[MAX_SHARED];
	int n = 0, i;
	irqreturn_t ret = IRQ_NONE;
	struct irqaction *a;

	/* actions cannot go while in_progress: free_irq() waits for it */
	pthread_mutex_lock(&irq_lock);
	for (a = desc->action; a && n < MAX_SHARED; a = a->next, n++) {
		fn[n] = a->handler;
		dev[n] = a->dev_id;
	}
	pthread_mutex_unlock(&irq_lock);
	for (i = 0; i < n; i++) {
		unsigned int prev = t->preempt_count;

		ret |= fn[i]((int)irq, dev[i]);
		/* the kernel's __handle_irq_event_percpu() check */
		if (WARN_ONCE(!t->irqs_off, "irq %u handler %pS enabled interrupts\n", irq, fn[i]))
			t->irqs_off = 1; /* (preempt_count keeps the CPU held meanwhile) */
		if (unlikely(t->preempt_count != prev)) {
			WARN_ONCE(1,
				  "irq %u handler %pS left preempt_count %#x (entered with %#x)\n",
				  irq, fn[i], t->preempt_count, prev);
			t->preempt_count = prev;
		}
	}
	if (n && desc->counts)
		__atomic_fetch_add(&desc->counts[t->cpu], 1, __ATOMIC_RELAXED);
	if (n && ret == IRQ_NONE)
		__atomic_fetch_add(&desc->unhandled, 1, __ATOMIC_RELAXED);
}

/*
 * handle_line - deliver on the CPU the caller holds or will take: hardirq
 * context around every run, the replays that came meanwhile included; the
 * caller set in_progress.
 */
static void handle_line(struct task_struct *t, struct irq_desc *desc, unsigned int irq)
{
	irq_enter();
	for (;;) {
		handle_once(t, desc, irq);
		pthread_mutex_lock(&irq_lock);
		if (desc->replay) {
			desc->replay--;
			pthread_mutex_unlock(&irq_lock);
			continue;
		}
		desc->in_progress = false;
		pthread_mutex_unlock(&irq_lock);
		break;
	}
	irq_exit(); /* softirqs raised by the handlers run here */
	kctx_wake(&irq_done_seq);
}

/* deliver_on_cpu - take the line's CPU (borrowed: the caller is preemptible) and handle it */
static void deliver_borrowed(struct task_struct *t, struct irq_desc *desc, unsigned int irq)
{
	struct cpu_borrow b;

	if (sched_cpu_borrow(t, desc->cpu, &b)) {
		handle_line(t, desc, irq); /* cannot happen: checked by the caller */
		return;
	}
	handle_line(t, desc, irq);
	sched_cpu_return(t, &b);
}

static struct irq_desc *irq_to_desc(unsigned int irq)
{
	return irq_descs && irq < NR_IRQS ? &irq_descs[irq] : NULL;
}

__ukmem_export int ukmem_raise_irq(unsigned int irq)
{
	struct task_struct *t = current_task();
	struct irq_desc *desc = irq_to_desc(irq);
	bool own;

	if (!desc)
		return -EINVAL;
	pthread_mutex_lock(&irq_lock);
	if (!desc->action) {
		pthread_mutex_unlock(&irq_lock);
		/* arch/x86/kernel/irq.c, for a vector nobody requested */
		pr_emerg("__common_interrupt: %d.%u No irq handler for vector\n", t->cpu, irq);
		return -ENOENT;
	}
	if (desc->depth) {
		desc->pending_disabled = true; /* IRQS_PENDING: delivered at enable_irq() */
		pthread_mutex_unlock(&irq_lock);
		return 0;
	}
	if (desc->in_progress) {
		desc->replay++;
		pthread_mutex_unlock(&irq_lock);
		return 0;
	}
	/* can this thread take the interrupt now? */
	own = t->cpu == desc->cpu && t->cpu_held && !t->irqs_off &&
	      !(t->preempt_count & (HARDIRQ_MASK | NMI_MASK)) && !task_alloc_interrupted(t);
	if (!own && (!task_preemptible(t) || task_alloc_interrupted(t))) {
		desc->queued++;
		apic_kick();
		pthread_mutex_unlock(&irq_lock);
		return 0;
	}
	desc->in_progress = true;
	pthread_mutex_unlock(&irq_lock);
	if (own)
		handle_line(t, desc, irq);
	else
		deliver_borrowed(t, desc, irq);
	return 0;
}

/* the interrupt controller: delivers what could not be delivered where it was raised */
static void *apic_fn(void *arg)
{
	struct task_struct *t = NULL;

	for (;;) {
		u32 seq = __atomic_load_n(&apic.wake, __ATOMIC_ACQUIRE);
		unsigned int irq, found = NR_IRQS;

		if (__atomic_load_n(&apic.stop, __ATOMIC_ACQUIRE))
			break;
		if (!t) {
			t = current_task();
			t->flags |= PF_KTHREAD;
		}
		pthread_mutex_lock(&irq_lock);
		for (irq = 0; irq < NR_IRQS && found == NR_IRQS; irq++) {
			struct irq_desc *desc = &irq_descs[irq];

			if (!desc->queued)
				continue;
			desc->queued--;
			if (!desc->action || desc->depth) {
				if (desc->action)
					desc->pending_disabled = true;
				continue;
			}
			if (desc->in_progress) {
				desc->replay++;
				continue;
			}
			desc->in_progress = true;
			found = irq;
		}
		pthread_mutex_unlock(&irq_lock);
		if (found < NR_IRQS) {
			deliver_borrowed(t, &irq_descs[found], found);
			continue;
		}
		kctx_wake(&irq_done_seq); /* queued raises dropped above count as done */
		kctx_sleep(&apic.wake, seq, -1);
	}
	return arg;
}

/* line_busy - handlers running or raises waiting for the line */
static bool line_busy(struct irq_desc *desc)
{
	bool busy;

	pthread_mutex_lock(&irq_lock);
	busy = desc->in_progress || desc->queued;
	pthread_mutex_unlock(&irq_lock);
	return busy;
}

__ukmem_export void synchronize_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	if (!desc)
		return;
	might_sleep();
	for (;;) {
		u32 seq = __atomic_load_n(&irq_done_seq, __ATOMIC_ACQUIRE);

		if (!line_busy(desc))
			return;
		kctx_sleep(&irq_done_seq, seq, 10000000);
	}
}

__ukmem_export int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
			       const char *name, void *dev_id)
{
	struct irq_desc *desc;
	struct irqaction *new, *old, **pp;
	int n = 0;

	ukmem_ensure_booted();
	desc = irq_to_desc(irq);
	/* kernel/irq/manage.c request_threaded_irq(): the same refusals, silent */
	if ((flags & IRQF_SHARED) && !dev_id)
		return -EINVAL;
	if (!desc)
		return -EINVAL;
	if (!handler)
		return -EINVAL; /* (no threaded handlers here: no thread_fn to fall back on) */
	might_sleep();		/* it allocates with GFP_KERNEL and takes a mutex */
	new = plat_meta_alloc(sizeof(*new));
	if (!new)
		return -ENOMEM;
	new->handler = handler;
	new->dev_id = dev_id;
	new->flags = flags;
	new->name = name;
	pthread_mutex_lock(&irq_lock);
	old = desc->action;
	if (old) {
		/* __setup_irq(): both must agree to share, with the same trigger type */
		if (!(old->flags & new->flags &IRQF_SHARED) ||
		    ((old->flags ^ new->flags) & IRQF_TRIGGER_MASK)) {
			pthread_mutex_unlock(&irq_lock);
			if (!(new->flags &IRQF_PROBE_SHARED))
				pr_err("genirq: Flags mismatch irq %u. %08lx (%s) vs. %08lx (%s)\n",
				       irq, new->flags, new->name, old->flags, old->name);
			plat_meta_free(new, sizeof(*new));
			return -EBUSY;
		}
	}
	for (pp = &desc->action; *pp; pp = &(*pp)->next)
		n++;
	if (n >= MAX_SHARED) {
		pthread_mutex_unlock(&irq_lock);
		plat_meta_free(new, sizeof(*new));
		return -EBUSY;
	}
	if (!desc->counts)
		desc->counts = plat_meta_alloc(sizeof(*desc->counts) * (size_t)irq_nr_cpus);
	*pp = new;
	if (!old)
		desc->depth = (flags & IRQF_NO_AUTOEN) ? 1 : 0;
	pthread_mutex_unlock(&irq_lock);
	return 0;
}

__ukmem_export const void *free_irq(unsigned int irq, void *dev_id)
{
	struct irq_desc *desc = irq_to_desc(irq);
	struct irqaction *a = NULL, **pp;
	const char *name;

	if (!desc)
		return NULL;
	might_sleep();
	pthread_mutex_lock(&irq_lock);
	for (pp = &desc->action; *pp; pp = &(*pp)->next) {
		if ((*pp)->dev_id == dev_id) {
			a = *pp;
			*pp = a->next;
			break;
		}
	}
	if (!desc->action) {
		desc->pending_disabled = false;
		desc->depth = 0;
	}
	pthread_mutex_unlock(&irq_lock);
	if (!a) {
		WARN(1, "Trying to free already-free IRQ %u\n", irq);
		return NULL;
	}
	/* __free_irq(): the handler may be running on another CPU */
	for (;;) {
		u32 seq = __atomic_load_n(&irq_done_seq, __ATOMIC_ACQUIRE);
		bool busy;

		pthread_mutex_lock(&irq_lock);
		busy = desc->in_progress;
		pthread_mutex_unlock(&irq_lock);
		if (!busy)
			break;
		kctx_sleep(&irq_done_seq, seq, 10000000);
	}
	name = a->name;
	plat_meta_free(a, sizeof(*a));
	return name;
}

__ukmem_export void disable_irq_nosync(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	if (!desc)
		return;
	pthread_mutex_lock(&irq_lock);
	desc->depth++;
	pthread_mutex_unlock(&irq_lock);
}

__ukmem_export void disable_irq(unsigned int irq)
{
	disable_irq_nosync(irq);
	synchronize_irq(irq);
}

__ukmem_export void enable_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);
	bool unbalanced = false;

	if (!desc)
		return;
	pthread_mutex_lock(&irq_lock);
	if (!desc->depth) {
		unbalanced = true;
	} else if (!--desc->depth && desc->pending_disabled && desc->action) {
		/* check_irq_resend(): the raise that came while disabled */
		desc->pending_disabled = false;
		desc->queued++;
		apic_kick();
	}
	pthread_mutex_unlock(&irq_lock);
	WARN(unbalanced, "Unbalanced enable for IRQ %u\n", irq);
}

__ukmem_export int ukmem_irq_set_cpu(unsigned int irq, int cpu)
{
	struct irq_desc *desc;

	ukmem_ensure_booted();
	desc = irq_to_desc(irq);
	if (!desc || cpu < 0 || cpu >= irq_nr_cpus)
		return -EINVAL;
	__atomic_store_n(&desc->cpu, cpu, __ATOMIC_RELAXED);
	return 0;
}

int interrupts_show(FILE *out)
{
	int cpu;

	fprintf(out, "     ");
	for (cpu = 0; cpu < irq_nr_cpus; cpu++)
		fprintf(out, " CPU%-7d", cpu);
	fputc('\n', out);
	pthread_mutex_lock(&irq_lock);
	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		struct irq_desc *desc = &irq_descs[irq];

		if (!desc->action)
			continue;
		fprintf(out, "%4u:", irq);
		for (cpu = 0; cpu < irq_nr_cpus; cpu++)
			fprintf(out, " %10lu",
				__atomic_load_n(&desc->counts[cpu], __ATOMIC_RELAXED));
		fprintf(out, "  ukmem-irq  %-8s ",
			(desc->action->flags & IRQF_TRIGGER_MASK) &
				(IRQF_TRIGGER_HIGH | IRQF_TRIGGER_LOW)
			    ? "level"
			    : "edge");
		for (struct irqaction *a = desc->action; a; a = a->next)
			fprintf(out, "%s%s", a == desc->action ? " " : ", ",
				a->name ? a->name : "");
		fputc('\n', out);
	}
	pthread_mutex_unlock(&irq_lock);
	return 0;
}

/* irq_forget - fork child: the parent's thread and lock state are not ours */
void irq_forget(void)
{
	pthread_mutex_init(&irq_lock, NULL);
	apic.started = false;
	irq_descs = NULL;
}

int irq_init(void)
{
	apic.started = false;
	irq_nr_cpus = machine.nr_cpus;
	irq_descs = plat_meta_alloc(sizeof(*irq_descs) * NR_IRQS);
	if (!irq_descs)
		return -ENOMEM;
	__atomic_store_n(&apic.stop, 0, __ATOMIC_RELEASE);
	return 0;
}

/* irq_stop_threads - stop the apic thread (before the shutdown gate) */
void irq_stop_threads(void)
{
	bool started;

	pthread_mutex_lock(&irq_lock);
	started = apic.started;
	apic.started = false;
	pthread_mutex_unlock(&irq_lock);
	if (!started)
		return;
	__atomic_store_n(&apic.stop, 1, __ATOMIC_RELEASE);
	kctx_wake(&apic.wake);
	plat_thread_join(apic.thread);
	__atomic_store_n(&apic.stop, 0, __ATOMIC_RELEASE);
}

void irq_exit_subsys(void)
{
	if (!irq_descs)
		return;
	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		struct irq_desc *desc = &irq_descs[irq];
		struct irqaction *a, *next;

		for (a = desc->action; a; a = next) {
			next = a->next;
			pr_warn("genirq: irq %u still requested by %s at shutdown (no free_irq)\n",
				irq, a->name ? a->name : "(null)");
			plat_meta_free(a, sizeof(*a));
		}
		if (desc->counts)
			plat_meta_free(desc->counts, sizeof(*desc->counts) * (size_t)irq_nr_cpus);
	}
	plat_meta_free(irq_descs, sizeof(*irq_descs) * NR_IRQS);
	irq_descs = NULL;
}
