/* SPDX-License-Identifier: MIT */
/*
 * sched.h (internal) - tasks, virtual CPUs and execution context, with the
 * inline fast paths the allocators use.
 *
 * The CPU model (docs/cpu-model.md): each virtual CPU has an owner word.
 * A task that leaves preemptible context (preempt_count 0 -> nonzero, or
 * irqs disabled) takes ownership of its CPU, and gives it back on the way
 * out. While it owns the CPU no other task can, which is exactly the
 * kernel's guarantee that nothing else runs on this CPU until
 * preempt_enable(). A task whose CPU is owned by another migrates to an idle
 * CPU (unless pinned by ukmem_set_cpu) or waits on a futex.
 *
 * Invariants:  cpu_state[c].owner == pid  <=>  task pid has cpu_held && cpu == c
 *              cpu_held  <=>  preempt_count != 0 || irqs_off
 */
#ifndef UKMEM_MACHINE_SCHED_H
#define UKMEM_MACHINE_SCHED_H

#include <linux/sched.h>
#include <linux/preempt.h>

#include "machine/machine.h"

struct cpu_state {
	u32 owner;		/* pid of the task holding this CPU, 0 if idle */
	u32 waiters;
	unsigned long switches;	/* times ownership changed hands (stats) */
} __attribute__((aligned(64)));

extern struct cpu_state *cpu_states;
extern __thread struct task_struct ukmem_task __attribute__((tls_model("initial-exec")));

void task_init(struct task_struct *t);
void cpu_acquire(struct task_struct *t);
void cpu_release(struct task_struct *t);

static __always_inline struct task_struct *current_task(void)
{
	struct task_struct *t = &ukmem_task;

	if (unlikely(t->boot_gen != __atomic_load_n(&machine.generation, __ATOMIC_RELAXED)))
		task_init(t);
	return t;
}

static __always_inline void preempt_count_inc(struct task_struct *t, unsigned int val)
{
	if (t->preempt_count == 0 && !t->irqs_off)
		cpu_acquire(t);
	t->preempt_count += val;
	barrier();
}

static __always_inline void preempt_count_dec(struct task_struct *t, unsigned int val)
{
	barrier();
	t->preempt_count -= val;
	if (t->preempt_count == 0 && !t->irqs_off)
		cpu_release(t);
}

/* The fast-path pair the allocators use around per-CPU data. */
static __always_inline struct task_struct *pcpu_enter(void)
{
	struct task_struct *t = current_task();

	preempt_count_inc(t, 1);
	return t;
}

static __always_inline void pcpu_exit(struct task_struct *t)
{
	preempt_count_dec(t, 1);
}

static inline bool task_preemptible(const struct task_struct *t)
{
	return t->preempt_count == 0 && !t->irqs_off;
}

/*
 * check_preemption_disabled - report "BUG: using <what1><what2>() in
 * preemptible [%08x] code: comm/pid" when @t may be preempted. Return: the CPU.
 */
int check_preemption_disabled(const char *what1, const char *what2);

/* __might_resched_report - the sleeping-in-atomic report, if the context is atomic. */
bool might_sleep_check(const char *file, int line);

int sched_init(void);
void sched_exit(void);

#endif
