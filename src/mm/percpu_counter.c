// SPDX-License-Identifier: MIT
/*
 * percpu_counter.c - distributed counters (the kernel's lib/percpu_counter.c).
 *
 * Invariant: true value = fbc->count + sum over CPUs of *per_cpu_ptr(counters).
 * fbc->count changes only under fbc->lock, together with the delta of the
 * CPU being folded, so _sum (which takes the lock) is exact at the moment it
 * runs. Each |delta| stays below the batch, so percpu_counter_read() is
 * within batch * nr_cpus of the truth - what __percpu_counter_compare uses
 * to avoid the exact sum when the answer is clear.
 *
 * Adding runs with interrupts off: the task owns its virtual CPU throughout
 * (see sched.h), so the unlocked read-modify-write of its own delta is safe.
 */
#include <linux/kernel.h>
#include <linux/percpu_counter.h>
#include <linux/irqflags.h>
#include <linux/cpumask.h>

#include "mm/internal.h"
#include "machine/machine.h"

/* max(32, 2 * nr_cpus), set at each boot by percpu_init() */
__ukmem_export int percpu_counter_batch = 32;

/**
 * __percpu_counter_init_many - set up @nr_counters counters at @amount
 * @fbc: the first of an array of counters
 * @amount: initial value of each
 * @gfp: allocation flags for the per-CPU deltas
 * @nr_counters: how many
 * @key: lockdep class (unused)
 *
 * Context: any context with a suitable @gfp.
 * Return: 0, or -ENOMEM.
 */
__ukmem_export int __percpu_counter_init_many(struct percpu_counter *fbc, s64 amount, gfp_t gfp,
					      u32 nr_counters, void *key)
{
	s32 __percpu *counters;
	u32 i;

	counters = __alloc_percpu_gfp(sizeof(*counters) * nr_counters, __alignof__(*counters), gfp);
	if (!counters) {
		for (i = 0; i < nr_counters; i++)
			fbc[i].counters = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < nr_counters; i++) {
		raw_spin_lock_init(&fbc[i].lock);
		fbc[i].count = amount;
		fbc[i].counters = &counters[i];
	}
	return 0;
}

/**
 * percpu_counter_destroy_many - free counters set up together
 * @fbc: the first counter
 * @nr_counters: how many
 *
 * Context: any context. Destroying an uninitialised counter does nothing.
 */
__ukmem_export void percpu_counter_destroy_many(struct percpu_counter *fbc, u32 nr_counters)
{
	u32 i;

	if (!fbc->counters)
		return;
	free_percpu(fbc[0].counters);
	for (i = 0; i < nr_counters; i++)
		fbc[i].counters = NULL;
}

/**
 * percpu_counter_set - set the counter to @amount exactly
 * @fbc: the counter
 * @amount: the new value
 *
 * Context: any context; racing adds may be lost, as in the kernel.
 */
__ukmem_export void percpu_counter_set(struct percpu_counter *fbc, s64 amount)
{
	unsigned long flags;
	int cpu;

	raw_spin_lock_irqsave(&fbc->lock, flags);
	for_each_possible_cpu (cpu)
		__atomic_store_n(per_cpu_ptr(fbc->counters, cpu), 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fbc->count, amount, __ATOMIC_RELAXED);
	raw_spin_unlock_irqrestore(&fbc->lock, flags);
}

/**
 * percpu_counter_add_batch - add @amount, folding this CPU's delta into the
 * shared count when its magnitude reaches @batch
 * @fbc: the counter
 * @amount: what to add
 * @batch: fold threshold
 *
 * Context: any context.
 */
__ukmem_export void percpu_counter_add_batch(struct percpu_counter *fbc, s64 amount, s32 batch)
{
	unsigned long flags;
	s64 count;

	local_irq_save(flags);
	count = __this_cpu_read(*fbc->counters) + amount;
	if (count >= batch || count <= -batch) {
		raw_spin_lock(&fbc->lock);
		__atomic_store_n(&fbc->count, fbc->count + count, __ATOMIC_RELAXED);
		__this_cpu_sub(*fbc->counters, count - amount);
		raw_spin_unlock(&fbc->lock);
	} else {
		this_cpu_add(*fbc->counters, amount);
	}
	local_irq_restore(flags);
}

/**
 * percpu_counter_sync - fold this CPU's delta into the shared count
 * @fbc: the counter
 *
 * Context: any context.
 */
__ukmem_export void percpu_counter_sync(struct percpu_counter *fbc)
{
	unsigned long flags;
	s64 count;

	raw_spin_lock_irqsave(&fbc->lock, flags);
	count = __this_cpu_read(*fbc->counters);
	__atomic_store_n(&fbc->count, fbc->count + count, __ATOMIC_RELAXED);
	__this_cpu_sub(*fbc->counters, count);
	raw_spin_unlock_irqrestore(&fbc->lock, flags);
}

/**
 * __percpu_counter_sum - the exact value
 * @fbc: the counter
 *
 * Context: any context.
 * Return: shared count plus every CPU's delta.
 */
__ukmem_export s64 __percpu_counter_sum(struct percpu_counter *fbc)
{
	unsigned long flags;
	s64 ret;
	int cpu;

	raw_spin_lock_irqsave(&fbc->lock, flags);
	ret = fbc->count;
	for_each_possible_cpu (cpu)
		ret += __atomic_load_n(per_cpu_ptr(fbc->counters, cpu), __ATOMIC_RELAXED);
	raw_spin_unlock_irqrestore(&fbc->lock, flags);
	return ret;
}

/**
 * __percpu_counter_compare - compare the counter with @rhs
 * @fbc: the counter
 * @rhs: the value to compare with
 * @batch: the batch the counter is added with
 *
 * The approximate count decides when it is farther than batch * nr_cpus
 * from @rhs; otherwise the exact sum does.
 * Context: any context.
 * Return: 1 if greater, 0 if equal, -1 if less.
 */
__ukmem_export int __percpu_counter_compare(struct percpu_counter *fbc, s64 rhs, s32 batch)
{
	s64 count = percpu_counter_read(fbc);
	s64 diff = count - rhs;

	if ((diff < 0 ? -diff : diff) > (s64)batch * (s64)num_online_cpus())
		return count > rhs ? 1 : -1;
	count = percpu_counter_sum(fbc);
	if (count > rhs)
		return 1;
	return count < rhs ? -1 : 0;
}
