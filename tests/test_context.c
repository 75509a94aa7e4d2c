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
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <pthread.h>
#include <stdio.h>

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
	cr_assert(ukmem_dmesg_contains("preempt_count: 10000, expected: 0"));
	ukmem_report_reset(); /* the report is rate-limited: one a second */
	ukmem_softirq_enter();
	might_sleep();
	ukmem_softirq_exit();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(ukmem_dmesg_contains("preempt_count: 100, expected: 0"));
}

static noinline void take_the_lock(spinlock_t *lock)
{
	spin_lock(lock);
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

/*
 * issue 10, report fidelity: __might_resched() reports at most once a
 * second (prev_jiffy + HZ), names where preemption was disabled, and taints
 * W after its report.
 */
Test(context, might_sleep_is_rate_limited_and_names_where_preemption_went_off, .init = boot,
     .fini = down)
{
	DEFINE_SPINLOCK(lock);
	int i;

	take_the_lock(&lock);
	for (i = 0; i < 5; i++)
		might_sleep();
	spin_unlock(&lock);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1, "one report a second");
	cr_assert_eq(ukmem_dmesg_count("BUG: sleeping function called from invalid context"), 1);
	cr_assert(ukmem_dmesg_contains("] Preemption disabled at:\n"));
	cr_assert(ukmem_dmesg_contains("] [<"));
	cr_assert(ukmem_dmesg_contains(">] take_the_lock"), "names the code that took the lock");
	cr_assert(ukmem_dmesg_contains(" Not tainted "), "tainted only after the report");
	cr_assert(!ukmem_dmesg_contains("Tainted: [W]=WARN"));
	/* with irqs off alone, preemption was not disabled: no such line */
	ukmem_report_reset();
	ukmem_dmesg_clear();
	local_irq_disable();
	might_sleep();
	local_irq_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert(!ukmem_dmesg_contains("Preemption disabled at:"));
	cr_assert(ukmem_dmesg_contains("Tainted: [W]=WARN"), "the first report tainted W");
}

Test(context, gfp_kernel_under_spinlock_reports_and_goes_on, .init = boot, .fini = down)
{
	DEFINE_SPINLOCK(lock);
	struct page *a, *b;

	spin_lock(&lock);
	a = alloc_pages(GFP_ATOMIC, 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 0,
		     "GFP_ATOMIC may run here");
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
	/* preempt_count_sub() under DEBUG_PREEMPT: a DEBUG_LOCKS_WARN_ON() */
	cr_assert(ukmem_dmesg_contains("DEBUG_LOCKS_WARN_ON(val > preempt_count())\n"));
	cr_assert(ukmem_dmesg_contains(" at machine/sched.c:"));
	cr_assert(ukmem_dmesg_contains(" __preempt_count_sub+0x"));
	/* which lock debugging reports once: the warning turned it off */
	local_bh_enable();
	cr_assert_eq(preempt_count(), 0, "refused all the same");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);
	cr_assert_eq(ukmem_dmesg_count("DEBUG_LOCKS_WARN_ON("), 1);
}

Test(context, unbalanced_local_bh_enable_names_the_check, .init = boot, .fini = down)
{
	preempt_disable();
	local_bh_enable();
	cr_assert_eq(preempt_count(), 1);
	preempt_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);
	cr_assert(ukmem_dmesg_contains("DEBUG_LOCKS_WARN_ON(val > preempt_count())"));
}

static DEFINE_SPINLOCK(t_static_lock);

/* kernel/locking/spinlock_debug.c spin_dump(): the lock line names the lock and its owner */
Test(context, spinlock_bug_prints_the_lock_line, .init = boot, .fini = down)
{
	spin_unlock(&t_static_lock);
	cr_assert(ukmem_dmesg_contains("BUG: spinlock already unlocked on CPU#"));
	cr_assert(ukmem_dmesg_contains(" lock: t_static_lock+0x0/0x10, .magic: dead4ead, .owner: "
				       "<none>/-1, .owner_cpu: -1\n"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 1);
	/* lock debugging is off now, as after the kernel's first spinlock BUG */
	spin_unlock(&t_static_lock);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 1);
	cr_assert_eq(preempt_count(), 0);
}

static void *unlock_elsewhere(void *lock)
{
	spin_unlock(lock);
	return NULL;
}

Test(context, spinlock_wrong_owner_names_the_owner, .init = boot, .fini = down)
{
	DEFINE_SPINLOCK(lock);
	pthread_t th;
	char line[128];
	int cpu;

	spin_lock(&lock);
	cpu = smp_processor_id();
	pthread_create(&th, NULL, unlock_elsewhere, &lock);
	pthread_join(th, NULL);
	snprintf(line, sizeof(line), ".owner: %s/%d, .owner_cpu: %d\n", current->comm, current->pid,
		 cpu);
	cr_assert(ukmem_dmesg_contains("BUG: spinlock wrong owner on CPU#"));
	cr_assert(ukmem_dmesg_contains(line), "%s", line);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 1);
	spin_unlock(&lock); /* already unlocked: lock debugging is off, silent */
	cr_assert_eq(preempt_count(), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BUG), 1);
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
#define ITERS	 20000
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
