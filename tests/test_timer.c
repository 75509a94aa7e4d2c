// SPDX-License-Identifier: MIT
/* test_timer.c - jiffies and timer_list timers: softirq context on the
 * arming CPU, deletion (sync included) and its misuse, many timers armed
 * and deleted from several threads at once. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <pthread.h>

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

Test(tick, start_near_the_32_bit_wrap_and_advance_at_hz, .init = boot, .fini = down)
{
	unsigned long a = jiffies, b;

	cr_assert_geq(a, INITIAL_JIFFIES);
	cr_assert_lt(a - INITIAL_JIFFIES, 60 * HZ, "counted from boot");
	msleep(20);
	b = jiffies;
	cr_assert(time_after(b, a + 10));
	cr_assert(time_before(a, b));
	cr_assert(time_after((unsigned long)1, (unsigned long)-1), "compares across a wrap");
	cr_assert_eq(msecs_to_jiffies(1000), HZ);
	cr_assert_eq(jiffies_to_msecs(HZ), 1000);
	cr_assert_eq(msecs_to_jiffies((unsigned int)-1), MAX_JIFFY_OFFSET);
	cr_assert_eq(usecs_to_jiffies(1500), 2);
}

struct ctimer {
	struct timer_list t;
	int calls, serving, hardirq, task, cpu;
	unsigned long fired_at;
};

static void ctx_timer_fn(struct timer_list *t)
{
	struct ctimer *c = from_timer(c, t, t);

	c->serving = !!in_serving_softirq();
	c->hardirq = !!in_hardirq();
	c->task = in_task();
	c->cpu = smp_processor_id();
	c->fired_at = jiffies;
	kfree(kmalloc(32, GFP_ATOMIC));
	__atomic_store_n(&c->calls, c->calls + 1, __ATOMIC_RELEASE);
}

Test(timer, fires_in_softirq_context_on_the_arming_cpu, .init = boot, .fini = down)
{
	struct ctimer c = {0};
	unsigned long expires;

	cr_assert_eq(ukmem_set_cpu(2), 0);
	timer_setup(&c.t, ctx_timer_fn, 0);
	cr_assert(!timer_pending(&c.t));
	expires = jiffies + msecs_to_jiffies(10);
	preempt_disable(); /* holds CPU 2: the timer cannot fire before the check */
	cr_assert_eq(mod_timer(&c.t, expires), 0);
	cr_assert(timer_pending(&c.t));
	preempt_enable();
	while (!__atomic_load_n(&c.calls, __ATOMIC_ACQUIRE))
		msleep(1);
	cr_assert(c.serving && !c.hardirq && !c.task);
	cr_assert_eq(c.cpu, 2);
	cr_assert(time_after_eq(c.fired_at, expires), "not before its expiry");
	cr_assert(!timer_pending(&c.t));
	cr_assert_eq(timer_delete_sync(&c.t), 0);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(timer, delete_and_modify, .init = boot, .fini = down)
{
	struct ctimer c = {0};

	timer_setup(&c.t, ctx_timer_fn, 0);
	c.t.expires = jiffies + 10 * HZ;
	add_timer(&c.t);
	cr_assert_eq(mod_timer(&c.t, jiffies + 20 * HZ), 1, "was pending");
	cr_assert_eq(timer_delete(&c.t), 1);
	cr_assert_eq(del_timer(&c.t), 0);
	cr_assert_eq(mod_timer_pending(&c.t, jiffies + 1), 0, "not pending: not armed");
	cr_assert(!timer_pending(&c.t));
	cr_assert_eq(mod_timer(&c.t, jiffies + 10 * HZ), 0);
	cr_assert_eq(del_timer_sync(&c.t), 1);
	msleep(5);
	cr_assert_eq(c.calls, 0);
	/* a shut-down timer cannot be armed again */
	cr_assert_eq(mod_timer(&c.t, jiffies + 10 * HZ), 0);
	cr_assert_eq(timer_shutdown_sync(&c.t), 1);
	cr_assert_eq(mod_timer(&c.t, jiffies + 1), 0);
	cr_assert(!timer_pending(&c.t));
}

static void gfp_kernel_timer(struct timer_list *t)
{
	kfree(kmalloc(64, GFP_KERNEL));
	__atomic_store_n(&t->expires, 0, __ATOMIC_RELEASE);
}

Test(timer, gfp_kernel_in_a_timer_is_reported, .init = boot, .fini = down)
{
	struct timer_list t;

	timer_setup(&t, gfp_kernel_timer, 0);
	mod_timer(&t, jiffies + 1);
	while (__atomic_load_n(&t.expires, __ATOMIC_ACQUIRE))
		msleep(1);
	timer_delete_sync(&t);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains("preempt_count: 100, expected: 0"));
}

static void msleep_timer(struct timer_list *t)
{
	msleep(1);
	__atomic_store_n(&t->expires, 0, __ATOMIC_RELEASE);
}

Test(timer, msleep_in_a_timer_is_reported, .init = boot, .fini = down)
{
	struct timer_list t;

	timer_setup(&t, msleep_timer, 0);
	mod_timer(&t, jiffies + 1);
	while (__atomic_load_n(&t.expires, __ATOMIC_ACQUIRE))
		msleep(1);
	timer_delete_sync(&t);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
}

Test(timer, misuse_is_reported, .init = boot, .fini = down)
{
	struct ctimer c = {0};

	timer_setup(&c.t, ctx_timer_fn, 0);
	mod_timer(&c.t, jiffies + 10 * HZ);
	add_timer(&c.t); /* already pending */
	cr_assert(ukmem_dmesg_contains("WARNING: CPU: "));
	cr_assert(ukmem_dmesg_contains("at kernel/timer.c:"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 1);
	irq_enter();
	timer_delete_sync(&c.t); /* hardirq, not IRQSAFE */
	irq_exit();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 2);
	cr_assert(!timer_pending(&c.t));
}

static struct timer_list self_timer;
static int self_runs;

static void rearm_fn(struct timer_list *t)
{
	if (__atomic_add_fetch(&self_runs, 1, __ATOMIC_RELAXED) < 5)
		mod_timer(t, jiffies + 1);
}

Test(timer, rearming_timer_stops_at_shutdown_sync, .init = boot, .fini = down)
{
	timer_setup(&self_timer, rearm_fn, 0);
	mod_timer(&self_timer, jiffies + 1);
	while (__atomic_load_n(&self_runs, __ATOMIC_RELAXED) < 5)
		msleep(1);
	msleep(3);
	cr_assert_eq(__atomic_load_n(&self_runs, __ATOMIC_RELAXED), 5);
	timer_delete_sync(&self_timer); /* its last run may still be finishing */
	timer_setup(&self_timer, rearm_fn, 0);
	__atomic_store_n(&self_runs, 0, __ATOMIC_RELAXED);
	mod_timer(&self_timer, jiffies + 1);
	timer_shutdown_sync(&self_timer);
	cr_assert(!timer_pending(&self_timer), "shut down: its callback could not re-arm it");
}

Test(timer, leftover_timer_is_reported_at_shutdown, .init = boot)
{
	static struct ctimer c;

	timer_setup(&c.t, ctx_timer_fn, 0);
	mod_timer(&c.t, jiffies + 100 * HZ);
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("timer: ctx_timer_fn"));
	cr_assert(ukmem_dmesg_contains("still pending at shutdown"));
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	c.calls = 0;
	timer_setup(&c.t, ctx_timer_fn, 0);
	mod_timer(&c.t, jiffies + 1);
	while (!__atomic_load_n(&c.calls, __ATOMIC_ACQUIRE))
		msleep(1);
	ukmem_shutdown();
}

/* ---- many threads arming and deleting ---- */

#define ARMERS 4
#define PER    64

static struct ctimer stress[ARMERS][PER];
static int stress_fired;

static void stress_fn(struct timer_list *t)
{
	struct ctimer *c = from_timer(c, t, t);

	c->calls++; /* plain: a timer never runs twice at once */
	__atomic_fetch_add(&stress_fired, 1, __ATOMIC_RELAXED);
}

static void *armer(void *arg)
{
	long id = (long)arg;

	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < PER; i++)
			mod_timer(&stress[id][i].t, jiffies + (unsigned long)(i % 3));
		for (int i = 0; i < PER; i += 2)
			timer_delete_sync(&stress[id][i].t);
	}
	for (int i = 0; i < PER; i++)
		timer_delete_sync(&stress[id][i].t);
	return arg;
}

Test(timer, many_threads_arm_and_delete, .init = boot, .fini = down)
{
	pthread_t th[ARMERS];

	for (int a = 0; a < ARMERS; a++)
		for (int i = 0; i < PER; i++)
			timer_setup(&stress[a][i].t, stress_fn, 0);
	for (long a = 0; a < ARMERS; a++)
		pthread_create(&th[a], NULL, armer, (void *)a);
	for (int a = 0; a < ARMERS; a++)
		pthread_join(th[a], NULL);
	for (int a = 0; a < ARMERS; a++)
		for (int i = 0; i < PER; i++)
			cr_assert(!timer_pending(&stress[a][i].t));
	{
		int sum = 0;

		for (int a = 0; a < ARMERS; a++)
			for (int i = 0; i < PER; i++)
				sum += stress[a][i].calls;
		cr_assert_eq(sum, __atomic_load_n(&stress_fired, __ATOMIC_RELAXED));
	}
	cr_assert_eq(ukmem_report_total(), 0);
}
