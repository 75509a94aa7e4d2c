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
 * Leases make the uncontended case cheap. A task that keeps finding its CPU
 * free is granted a lease: it stays the owner between sections, and entering
 * a section is a plain store (in_cs = 1) and a load (is the lease still
 * mine?), leaving it a plain store — no atomic read-modify-write. A task that
 * needs a leased CPU revokes the lease: it clears cs->lessee, runs
 * membarrier() (an asymmetric full fence: afterwards the lessee either sees
 * the revocation or its in_cs = 1 is visible), waits for in_cs == 0, then
 * frees the owner word. A CPU that saw a revocation grants no new lease
 * until LEASE_COOLDOWN uncontended acquisitions have passed.
 *
 * Invariants:  cpu_state[c].owner == pid  <=>  task pid has cpu_held or leased, cpu == c
 *              cpu_held  <=>  preempt_count != 0 || irqs_off
 *              cpu_state[c].lessee == pid  =>  cpu_state[c].owner == pid
 */
#ifndef UKMEM_MACHINE_SCHED_H
#define UKMEM_MACHINE_SCHED_H

#include <linux/sched.h>
#include <linux/preempt.h>

#include "machine/machine.h"

struct cpu_state {
	u32 owner;		/* pid of the task holding this CPU, 0 if idle */
	u32 waiters;		/* tasks sleeping on owner */
	u32 lessee;		/* pid holding a standing lease, 0 if none */
	u32 in_cs;		/* the lessee is inside a section */
	u32 cooldown;		/* acquisitions to go before a lease may be granted */
	unsigned long revocations;
} __attribute__((aligned(64)));

extern struct cpu_state *cpu_states;
extern __thread struct task_struct ukmem_task __attribute__((tls_model("initial-exec")));

void task_init(struct task_struct *t);
void cpu_acquire(struct task_struct *t);
void cpu_release(struct task_struct *t);
void cpu_lease_lost(struct task_struct *t);

static __always_inline struct task_struct *current_task(void)
{
	struct task_struct *t = &ukmem_task;

	if (unlikely(t->boot_gen != __atomic_load_n(&machine.generation, __ATOMIC_RELAXED)))
		task_init(t);
	return t;
}

/* cpu_enter - become the only task on t->cpu (see the lease protocol above). */
static __always_inline void cpu_enter(struct task_struct *t)
{
	if (likely(t->leased)) {
		struct cpu_state *cs = &cpu_states[t->cpu];

		__atomic_store_n(&cs->in_cs, 1, __ATOMIC_RELAXED);
		barrier(); /* the revoker's membarrier() supplies the full fence */
		if (likely(__atomic_load_n(&cs->lessee, __ATOMIC_ACQUIRE) == (u32)t->pid)) {
			t->cpu_held = 1;
			return;
		}
		cpu_lease_lost(t);
	}
	cpu_acquire(t);
}

static __always_inline void cpu_exit(struct task_struct *t)
{
	t->cpu_held = 0;
	if (likely(t->leased))
		__atomic_store_n(&cpu_states[t->cpu].in_cs, 0, __ATOMIC_RELEASE);
	else
		cpu_release(t);
}

static __always_inline void preempt_count_inc(struct task_struct *t, unsigned int val)
{
	if (t->preempt_count == 0 && !t->irqs_off)
		cpu_enter(t);
	t->preempt_count += val;
	barrier();
}

static __always_inline void preempt_count_dec(struct task_struct *t, unsigned int val)
{
	barrier();
	t->preempt_count -= val;
	if (t->preempt_count == 0 && !t->irqs_off)
		cpu_exit(t);
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
