// SPDX-License-Identifier: MIT
/* test_irq.c - interrupt lines, softirqs and tasklets: the context their
 * handlers see, the foundation's rules there, misuse, and raises from many
 * threads at once. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void boot(void)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	ukmem_dmesg_clear();
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_shutdown();
}

struct seen {
	int calls;
	int hardirq, softirq, serving, interrupt, task, irqs_off, cpu;
	void *dev;
};

static void look(struct seen *s)
{
	s->calls++;
	s->hardirq = !!in_hardirq();
	s->softirq = !!in_softirq();
	s->serving = !!in_serving_softirq();
	s->interrupt = !!in_interrupt();
	s->task = !!in_task();
	s->irqs_off = irqs_disabled();
	s->cpu = smp_processor_id();
}

static struct seen hseen;

static irqreturn_t ctx_handler(int irq, void *dev)
{
	look(&hseen);
	hseen.dev = dev;
	return IRQ_HANDLED;
}

Test(irq, handler_runs_in_hardirq_on_the_lines_cpu, .init = boot, .fini = down)
{
	int cookie;

	cr_assert_eq(request_irq(5, ctx_handler, 0, "ctxdev", &cookie), 0);
	cr_assert_eq(ukmem_irq_set_cpu(5, 2), 0);
	cr_assert_eq(ukmem_raise_irq(5), 0);
	cr_assert_eq(hseen.calls, 1);
	cr_assert(hseen.hardirq && hseen.interrupt && hseen.irqs_off);
	cr_assert(!hseen.task && !hseen.serving);
	cr_assert_eq(hseen.cpu, 2);
	cr_assert_eq(hseen.dev, &cookie);
	cr_assert(in_task() && !in_interrupt() && !irqs_disabled(),
		  "the raiser is back in task context");
	cr_assert_str_eq(free_irq(5, &cookie), "ctxdev");
	cr_assert_eq(ukmem_report_total(), 0);
}

static irqreturn_t gfp_kernel_handler(int irq, void *dev)
{
	kfree(kmalloc(64, GFP_KERNEL));
	return IRQ_HANDLED;
}

static irqreturn_t gfp_atomic_handler(int irq, void *dev)
{
	void *p = kmalloc(64, GFP_ATOMIC);

	cr_assert_not_null(p);
	kfree(p);
	return IRQ_HANDLED;
}

Test(irq, gfp_kernel_in_a_handler_is_reported_gfp_atomic_is_not, .init = boot, .fini = down)
{
	cr_assert_eq(request_irq(6, gfp_atomic_handler, 0, "atomic", NULL), 0);
	ukmem_raise_irq(6);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 0);
	free_irq(6, NULL);
	cr_assert_eq(request_irq(6, gfp_kernel_handler, 0, "sleeper", NULL), 0);
	ukmem_raise_irq(6);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context at "));
	cr_assert(ukmem_dmesg_contains("preempt_count: 10000, expected: 0"));
	free_irq(6, NULL);
}

static irqreturn_t vmalloc_handler(int irq, void *dev)
{
	vfree(vmalloc(4096));
	return IRQ_HANDLED;
}

Test(irq, vmalloc_in_a_handler_is_reported, .init = boot, .fini = down)
{
	cr_assert_eq(request_irq(7, vmalloc_handler, 0, "vm", NULL), 0);
	ukmem_raise_irq(7);
	cr_assert_geq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	free_irq(7, NULL);
}

static DEFINE_MUTEX(hmutex);

static irqreturn_t mutex_handler(int irq, void *dev)
{
	mutex_lock(&hmutex);
	mutex_unlock(&hmutex);
	return IRQ_HANDLED;
}

Test(irq, mutex_in_a_handler_is_reported, .init = boot, .fini = down)
{
	cr_assert_eq(request_irq(8, mutex_handler, 0, "mx", NULL), 0);
	ukmem_raise_irq(8);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	free_irq(8, NULL);
}

static int shared_a, shared_b;

static irqreturn_t shared_handler(int irq, void *dev)
{
	(*(int *)dev)++;
	return IRQ_HANDLED;
}

Test(irq, shared_lines_run_every_handler_and_free_by_dev_id, .init = boot, .fini = down)
{
	cr_assert_eq(request_irq(9, shared_handler, IRQF_SHARED, "a", &shared_a), 0);
	cr_assert_eq(request_irq(9, shared_handler, IRQF_SHARED, "b", &shared_b), 0);
	ukmem_raise_irq(9);
	cr_assert_eq(shared_a, 1);
	cr_assert_eq(shared_b, 1);
	cr_assert_str_eq(free_irq(9, &shared_a), "a");
	ukmem_raise_irq(9);
	cr_assert_eq(shared_a, 1);
	cr_assert_eq(shared_b, 2);
	cr_assert_str_eq(free_irq(9, &shared_b), "b");
	cr_assert_eq(ukmem_raise_irq(9), -ENOENT);
}

Test(irq, misuse_is_refused_with_the_kernels_words, .init = boot, .fini = down)
{
	int d;

	cr_assert_eq(request_irq(10, NULL, 0, "null", NULL), -EINVAL);
	cr_assert_eq(request_irq(NR_IRQS, ctx_handler, 0, "big", NULL), -EINVAL);
	cr_assert_eq(request_irq(10, ctx_handler, IRQF_SHARED, "nodev", NULL), -EINVAL);
	cr_assert_eq(ukmem_raise_irq(NR_IRQS), -EINVAL);
	cr_assert_eq(ukmem_raise_irq(10), -ENOENT);
	cr_assert(ukmem_dmesg_contains("No irq handler for vector"));

	cr_assert_eq(request_irq(10, ctx_handler, 0, "first", &d), 0);
	cr_assert_eq(request_irq(10, ctx_handler, 0, "second", &d), -EBUSY);
	cr_assert(ukmem_dmesg_contains(
	    "genirq: Flags mismatch irq 10. 00000000 (second) vs. 00000000 (first)"));
	cr_assert_eq(request_irq(10, ctx_handler, IRQF_SHARED, "third", &d), -EBUSY);

	cr_assert_null(free_irq(11, &d));
	cr_assert(ukmem_dmesg_contains("Trying to free already-free IRQ 11"));
	cr_assert_null(free_irq(10, NULL), "wrong dev_id");
	cr_assert_not_null(free_irq(10, &d));
	cr_assert_null(free_irq(10, &d), "double free_irq");
	cr_assert_eq(ukmem_dmesg_count("Trying to free already-free IRQ 10"), 2);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 3);

	enable_irq(12);
	cr_assert(ukmem_dmesg_contains("Unbalanced enable for IRQ 12"));
}

Test(irq, request_irq_in_atomic_context_is_reported, .init = boot, .fini = down)
{
	spin_lock_irq(&(spinlock_t)__SPIN_LOCK_UNLOCKED(x));
	cr_assert_eq(request_irq(13, ctx_handler, 0, "atomic", NULL), 0);
	local_irq_enable();
	preempt_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	free_irq(13, NULL);
}

static int disabled_calls;

static irqreturn_t count_handler(int irq, void *dev)
{
	__atomic_fetch_add(&disabled_calls, 1, __ATOMIC_RELAXED);
	return IRQ_HANDLED;
}

Test(irq, disabled_line_delivers_at_enable, .init = boot, .fini = down)
{
	cr_assert_eq(request_irq(14, count_handler, 0, "dis", NULL), 0);
	disable_irq(14);
	ukmem_raise_irq(14);
	cr_assert_eq(__atomic_load_n(&disabled_calls, __ATOMIC_RELAXED), 0);
	enable_irq(14);
	synchronize_irq(14);
	cr_assert_eq(__atomic_load_n(&disabled_calls, __ATOMIC_RELAXED), 1);
	free_irq(14, NULL);
}

Test(irq, raise_from_atomic_context_is_delivered_later, .init = boot, .fini = down)
{
	unsigned long flags;

	cr_assert_eq(request_irq(15, count_handler, 0, "later", NULL), 0);
	local_irq_save(flags);
	cr_assert_eq(ukmem_irq_set_cpu(15, smp_processor_id()), 0, "the CPU we hold");
	cr_assert_eq(ukmem_raise_irq(15), 0);
	cr_assert_eq(__atomic_load_n(&disabled_calls, __ATOMIC_RELAXED), 0,
		     "not while interrupts are off here");
	local_irq_restore(flags);
	synchronize_irq(15);
	cr_assert_eq(__atomic_load_n(&disabled_calls, __ATOMIC_RELAXED), 1);
	free_irq(15, NULL);
}

/* ---- softirqs and tasklets ---- */

static struct seen tseen;
static struct tasklet_struct tl;

static void tasklet_cb(struct tasklet_struct *t)
{
	look(&tseen);
	cr_assert_eq(t, &tl);
}

static irqreturn_t tasklet_handler(int irq, void *dev)
{
	tasklet_schedule(&tl);
	return IRQ_HANDLED;
}

Test(tasklet, scheduled_from_a_handler_runs_at_irq_exit_in_softirq, .init = boot, .fini = down)
{
	tasklet_setup(&tl, tasklet_cb);
	cr_assert_eq(request_irq(20, tasklet_handler, 0, "tl", NULL), 0);
	ukmem_irq_set_cpu(20, 1);
	ukmem_raise_irq(20);
	cr_assert_eq(tseen.calls, 1, "ran before ukmem_raise_irq returned");
	cr_assert(tseen.serving && tseen.softirq && tseen.interrupt);
	cr_assert(!tseen.hardirq && !tseen.task && !tseen.irqs_off);
	cr_assert_eq(tseen.cpu, 1, "on the CPU that scheduled it");
	cr_assert(!tasklet_is_scheduled(&tl));
	tasklet_kill(&tl);
	free_irq(20, NULL);
	cr_assert_eq(ukmem_report_total(), 0);
}

static int legacy_data;

static void legacy_func(unsigned long data)
{
	__atomic_store_n(&legacy_data, (int)data, __ATOMIC_RELEASE);
}

Test(tasklet, scheduled_from_a_task_runs_in_ksoftirqd, .init = boot, .fini = down)
{
	struct tasklet_struct t;

	tasklet_init(&t, legacy_func, 42);
	tasklet_schedule(&t);
	tasklet_kill(&t); /* waits for it to run */
	cr_assert_eq(__atomic_load_n(&legacy_data, __ATOMIC_ACQUIRE), 42);
}

Test(tasklet, bh_disabled_section_runs_it_at_local_bh_enable, .init = boot, .fini = down)
{
	tasklet_setup(&tl, tasklet_cb);
	local_bh_disable();
	tasklet_hi_schedule(&tl);
	cr_assert_eq(tseen.calls, 0);
	local_bh_enable();
	cr_assert_eq(tseen.calls, 1);
	cr_assert(tseen.serving);
}

static void gfp_kernel_tasklet(struct tasklet_struct *t)
{
	kfree(kmalloc(32, GFP_KERNEL));
}

Test(tasklet, gfp_kernel_in_a_tasklet_is_reported, .init = boot, .fini = down)
{
	struct tasklet_struct t;

	tasklet_setup(&t, gfp_kernel_tasklet);
	local_bh_disable();
	tasklet_schedule(&t);
	local_bh_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains("preempt_count: 101, expected: 0"));
}

static int dcount;

static void count_tasklet(struct tasklet_struct *t)
{
	__atomic_fetch_add(&dcount, 1, __ATOMIC_RELAXED);
}

Test(tasklet, disabled_tasklet_waits_for_enable, .init = boot, .fini = down)
{
	struct tasklet_struct t;

	tasklet_setup(&t, count_tasklet);
	tasklet_disable(&t);
	local_bh_disable();
	tasklet_schedule(&t);
	local_bh_enable();
	cr_assert_eq(__atomic_load_n(&dcount, __ATOMIC_RELAXED), 0);
	cr_assert(tasklet_is_scheduled(&t));
	tasklet_enable(&t);
	tasklet_kill(&t);
	cr_assert_eq(__atomic_load_n(&dcount, __ATOMIC_RELAXED), 1);
}

Test(tasklet, kill_from_an_interrupt_is_noted, .init = boot, .fini = down)
{
	struct tasklet_struct t;

	tasklet_setup(&t, count_tasklet);
	irq_enter();
	tasklet_kill(&t);
	irq_exit();
	cr_assert(ukmem_dmesg_contains("Attempt to kill tasklet from interrupt"));
}

static int softirq_seen_serving;

static void my_softirq(void)
{
	softirq_seen_serving = !!in_serving_softirq();
}

Test(softirq, raise_in_irq_runs_at_irq_exit, .init = boot, .fini = down)
{
	open_softirq(BLOCK_SOFTIRQ, my_softirq);
	irq_enter();
	raise_softirq(BLOCK_SOFTIRQ);
	cr_assert_eq(softirq_seen_serving, 0);
	irq_exit();
	cr_assert_eq(softirq_seen_serving, 1);
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		cr_assert_eq(ukmem_proc_show("softirqs", f), 0);
		fclose(f);
		cr_assert(strstr(buf, "       BLOCK:"));
		cr_assert(strstr(buf, "     TASKLET:"));
		free(buf);
	}
}

/* ---- many raisers ---- */

#define RAISERS 4
#define RAISES	2000

static int stress_in, stress_calls, stress_overlap, stress_tl;
static struct tasklet_struct stress_tasklet;

static void stress_tasklet_fn(struct tasklet_struct *t)
{
	__atomic_fetch_add(&stress_tl, 1, __ATOMIC_RELAXED);
}

static irqreturn_t stress_handler(int irq, void *dev)
{
	if (__atomic_fetch_add(&stress_in, 1, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&stress_overlap, 1, __ATOMIC_RELAXED);
	stress_calls++; /* plain: the line never runs on two CPUs at once */
	kfree(kmalloc(48, GFP_ATOMIC));
	tasklet_schedule(&stress_tasklet);
	__atomic_fetch_sub(&stress_in, 1, __ATOMIC_RELEASE);
	return IRQ_HANDLED;
}

static void *raiser(void *arg)
{
	for (int i = 0; i < RAISES; i++) {
		if (i % 7 == 0) {
			preempt_disable(); /* some from atomic context: through the apic thread */
			ukmem_raise_irq(30);
			preempt_enable();
		} else {
			ukmem_raise_irq(30);
		}
	}
	return arg;
}

Test(irq, raises_from_many_threads_run_each_once_never_overlapping, .init = boot, .fini = down)
{
	pthread_t th[RAISERS];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	tasklet_setup(&stress_tasklet, stress_tasklet_fn);
	cr_assert_eq(request_irq(30, stress_handler, 0, "stress", NULL), 0);
	ukmem_irq_set_cpu(30, 3);
	for (int i = 0; i < RAISERS; i++)
		pthread_create(&th[i], NULL, raiser, NULL);
	for (int i = 0; i < RAISERS; i++)
		pthread_join(th[i], NULL);
	synchronize_irq(30);
	tasklet_kill(&stress_tasklet);
	cr_assert_eq(__atomic_load_n(&stress_overlap, __ATOMIC_RELAXED), 0);
	cr_assert_eq(__atomic_load_n(&stress_calls, __ATOMIC_ACQUIRE), RAISERS * RAISES);
	cr_assert_geq(__atomic_load_n(&stress_tl, __ATOMIC_RELAXED), 1);
	f = open_memstream(&buf, &len);
	ukmem_proc_show("interrupts", f);
	fclose(f);
	cr_assert(strstr(buf, " 30:"));
	cr_assert(strstr(buf, "stress"));
	free(buf);
	free_irq(30, NULL);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(irq, leftover_handler_is_reported_at_shutdown, .init = boot)
{
	cr_assert_eq(request_irq(31, ctx_handler, 0, "forgotten", NULL), 0);
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("irq 31 still requested by forgotten at shutdown"));
	cr_assert_eq(ukmem_boot("mem=64M"), 0, "boots again");
	cr_assert_eq(ukmem_raise_irq(31), -ENOENT);
	ukmem_shutdown();
}

static irqreturn_t enabling_handler(int irq, void *dev)
{
	local_irq_enable();
	return IRQ_HANDLED;
}

Test(irq, handler_enabling_interrupts_is_warned_and_put_right, .init = boot, .fini = down)
{
	cr_assert_eq(request_irq(16, enabling_handler, 0, "en", NULL), 0);
	ukmem_raise_irq(16);
	cr_assert(ukmem_dmesg_contains("irq 16 handler enabling_handler"));
	cr_assert(ukmem_dmesg_contains("enabled interrupts"));
	cr_assert(!irqs_disabled() && preemptible());
	free_irq(16, NULL);
}

static int nested_calls;

static irqreturn_t inner_handler(int irq, void *dev)
{
	__atomic_fetch_add(&nested_calls, 1, __ATOMIC_RELAXED);
	return IRQ_HANDLED;
}

static irqreturn_t outer_handler(int irq, void *dev)
{
	cr_assert_eq(ukmem_raise_irq(18), 0); /* from a handler: queued, never nested */
	cr_assert_eq(__atomic_load_n(&nested_calls, __ATOMIC_RELAXED), 0);
	return IRQ_HANDLED;
}

Test(irq, a_line_raised_from_a_handler_is_delivered_after_it, .init = boot, .fini = down)
{
	cr_assert_eq(request_irq(17, outer_handler, 0, "outer", NULL), 0);
	cr_assert_eq(request_irq(18, inner_handler, 0, "inner", NULL), 0);
	ukmem_raise_irq(17);
	synchronize_irq(18);
	cr_assert_eq(__atomic_load_n(&nested_calls, __ATOMIC_RELAXED), 1);
	free_irq(17, NULL);
	free_irq(18, NULL);
}
