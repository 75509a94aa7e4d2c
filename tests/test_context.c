// SPDX-License-Identifier: MIT
/* test_context.c - execution contexts: preempt_count, irqs, bottom halves,
 * interrupt entry, spinlocks, mutexes, and the sleeping-in-atomic report. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/hardirq.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
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

Test(context, preempt_count_nesting, .init = boot, .fini = down)
{
	cr_assert(!in_atomic());
	cr_assert(in_task());
	preempt_disable();
	preempt_disable();
	cr_assert_eq(preempt_count(), 2);
	cr_assert(in_atomic());
	cr_assert(!in_interrupt());
	preempt_enable();
	preempt_enable();
	cr_assert_eq(preempt_count(), 0);
	cr_assert(!in_atomic());
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(context, irq_save_restore_nests, .init = boot, .fini = down)
{
	unsigned long outer, inner;

	cr_assert(!irqs_disabled());
	local_irq_save(outer);
	cr_assert(irqs_disabled());
	local_irq_save(inner);
	local_irq_restore(inner);
	cr_assert(irqs_disabled(), "inner restore must keep irqs off");
	local_irq_restore(outer);
	cr_assert(!irqs_disabled());
}

Test(context, bottom_halves_and_interrupts, .init = boot, .fini = down)
{
	local_bh_disable();
	cr_assert(in_softirq());
	cr_assert(in_interrupt());
	cr_assert(!in_serving_softirq());
	cr_assert(in_task(), "bh-disabled task code is still task context");
	local_bh_enable();
	cr_assert(!in_softirq());

	ukmem_softirq_enter();
	cr_assert(in_serving_softirq());
	cr_assert(!in_task());
	ukmem_softirq_exit();

	irq_enter();
	cr_assert(in_hardirq());
	cr_assert(in_irq());
	cr_assert(in_interrupt());
	cr_assert(irqs_disabled());
	cr_assert(!in_task());
	irq_exit();
	cr_assert(!in_interrupt());
	cr_assert(!irqs_disabled());
}

Test(context, spinlock_variants_set_context, .init = boot, .fini = down)
{
	DEFINE_SPINLOCK(lock);
	unsigned long flags;

	spin_lock(&lock);
	cr_assert(in_atomic());
	cr_assert(!irqs_disabled());
	cr_assert(spin_is_locked(&lock));
	spin_unlock(&lock);
	cr_assert(!in_atomic());

	spin_lock_irqsave(&lock, flags);
	cr_assert(irqs_disabled());
	spin_unlock_irqrestore(&lock, flags);
	cr_assert(!irqs_disabled());

	spin_lock_irq(&lock);
	cr_assert(irqs_disabled());
	spin_unlock_irq(&lock);

	spin_lock_bh(&lock);
	cr_assert(in_softirq());
	spin_unlock_bh(&lock);
	cr_assert(!in_softirq());
	cr_assert(spin_trylock(&lock));
	cr_assert(!spin_trylock(&lock));
	spin_unlock(&lock);
	cr_assert_eq(preempt_count(), 0);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(context, might_sleep_in_preemptible_is_silent, .init = boot, .fini = down)
{
	might_sleep();
	cond_resched();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 0);
}

Test(context, sleeping_under_spinlock_is_reported, .init = boot, .fini = down)
{
	DEFINE_SPINLOCK(lock);

	spin_lock(&lock);
	might_sleep();
	spin_unlock(&lock);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context at "));
	cr_assert(ukmem_dmesg_contains("test_context.c:"));
	cr_assert(ukmem_dmesg_contains("in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: "));
	cr_assert(ukmem_dmesg_contains("preempt_count: 1, expected: 0"));
	cr_assert(ukmem_dmesg_contains("Call Trace:"));
}

Test(context, sleeping_with_irqs_off_is_reported, .init = boot, .fini = down)
{
	unsigned long flags;

	local_irq_save(flags);
	msleep(1);
	local_irq_restore(flags);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains("in_atomic(): 0, irqs_disabled(): 1"));
}

Test(context, sleeping_in_hardirq_and_softirq_is_reported, .init = boot, .fini = down)
{
	irq_enter();
	might_sleep();
	irq_exit();
	ukmem_softirq_enter();
	might_sleep();
	ukmem_softirq_exit();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 2);
}

Test(context, gfp_kernel_under_spinlock_reports_and_goes_on, .init = boot, .fini = down)
{
	DEFINE_SPINLOCK(lock);
	struct page *a, *b;

	spin_lock(&lock);
	a = alloc_pages(GFP_ATOMIC, 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 0, "GFP_ATOMIC may run here");
	b = alloc_pages(GFP_KERNEL, 0);
	spin_unlock(&lock);
	cr_assert_not_null(a);
	cr_assert_not_null(b, "the allocation goes on after the report");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

Test(context, mutex_lock_in_atomic_is_reported, .init = boot, .fini = down)
{
	DEFINE_MUTEX(m);

	preempt_disable();
	mutex_lock(&m);
	preempt_enable();
	mutex_unlock(&m);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	mutex_lock(&m);
	cr_assert(mutex_is_locked(&m));
	mutex_unlock(&m);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
}

Test(context, unbalanced_preempt_enable_is_reported, .init = boot, .fini = down)
{
	preempt_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);
	cr_assert_eq(preempt_count(), 0, "the count must not wrap");
	preempt_disable();
	cr_assert_eq(preempt_count(), 1);
	preempt_enable();
}

Test(context, spinlock_misuse_is_reported, .init = boot, .fini = down)
{
	DEFINE_SPINLOCK(lock);

	spin_unlock(&lock);
	cr_assert(ukmem_dmesg_contains("BUG: spinlock already unlocked"));
	cr_assert_eq(preempt_count(), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 1);
}

#define NTHREADS 6
#define ITERS 20000
static DEFINE_SPINLOCK(shared_lock);
static DEFINE_MUTEX(shared_mutex);
static unsigned long spin_counter, mutex_counter;

static void *locker(void *arg)
{
	int i;

	for (i = 0; i < ITERS; i++) {
		unsigned long flags;

		if (i & 1) {
			spin_lock(&shared_lock);
			spin_counter++;
			spin_unlock(&shared_lock);
		} else {
			spin_lock_irqsave(&shared_lock, flags);
			spin_counter++;
			spin_unlock_irqrestore(&shared_lock, flags);
		}
		if (i % 8 == 0) {
			mutex_lock(&shared_mutex);
			mutex_counter++;
			mutex_unlock(&shared_mutex);
		}
	}
	return NULL;
}

Test(context, locks_exclude_under_stress, .init = boot, .fini = down, .timeout = 120)
{
	pthread_t th[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, locker, NULL);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(spin_counter, (unsigned long)NTHREADS * ITERS);
	cr_assert_eq(mutex_counter, (unsigned long)NTHREADS * (ITERS / 8));
	cr_assert_eq(ukmem_report_total(), 0);
}
