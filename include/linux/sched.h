/* SPDX-License-Identifier: MIT */
/*
 * sched.h - the current task. Every host thread that calls into ukmem is a
 * task with the kernel's execution-context state: preempt_count (preemption,
 * softirq and hardirq nesting), irqs-disabled, the CPU it runs on, and the
 * memalloc scope flags of <linux/sched/mm.h>.
 */
#ifndef _UKMEM_LINUX_SCHED_H
#define _UKMEM_LINUX_SCHED_H

#include_next <linux/sched.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <limits.h>

#define TASK_COMM_LEN 16
#define KM_MAX_IDX    16

/* task flags (the kernel's PF_ values) */
#define PF_MEMALLOC	      0x00000800
#define PF_KSWAPD	      0x00020000
#define PF_MEMALLOC_NOFS      0x00040000
#define PF_MEMALLOC_NOIO      0x00080000
#define PF_KTHREAD	      0x00200000
#define PF_MEMALLOC_NORECLAIM 0x00800000

struct kmap_ctrl {
	int idx;
	unsigned long pteval[KM_MAX_IDX];
};

struct ukmem_lease; /* a task's lease state (internal: src/machine/sched.h) */

struct task_struct {
	int pid;
	char comm[TASK_COMM_LEN];
	unsigned int flags;
	unsigned int preempt_count;
	unsigned int irqs_off;		    /* local_irq_disable() state */
	int cpu;			    /* the CPU this task runs on */
	int pinned;			    /* ukmem_set_cpu() fixed it there */
	int cpu_held;			    /* this task owns its CPU right now */
	int leased;			    /* ... and keeps it between sections (sched.c) */
	int lease_lost;			    /* waiting for the revoker of its lease (sched.c) */
	unsigned int lease_id;		    /* this task's lease slot, 0: none */
	struct ukmem_lease *lease_slot;	    /* &lease_slots[lease_id] (internal) */
	struct ukmem_lease *fast_slot;	    /* lease_slot while preemptible, else lease_busy_slot */
	struct ukmem_lease *idle_slot;	    /* what fast_slot is while preemptible (sched.h) */
	unsigned long slab_cpu_tag;	    /* cpu_tag(cpu): slabs of this CPU (sched.h, slub.c) */
	unsigned long slab_cpu_q;	    /* cpu_tag(cpu) | the cache pointer bits */
	struct ukmem_lease *over_fast_slot; /* fast_slot under a section entered over our hold */
	unsigned long boot_gen;		    /* machine generation this state belongs to */
	int rcu_read_lock_nesting;
	unsigned int alloc_nest;      /* allocator sections entered and not left (sched.h) */
	unsigned int gate_nest;	      /* full allocator calls, a task without a lease slot */
	void *deferred_free;	      /* frees an interrupting handler deferred (slub.c) */
	unsigned int nr_deferred_bad; /* ... and the ones it could not check there */
	struct {
		const void *x;
		void *cache;
	} deferred_bad[4];
	struct kmap_ctrl kmap_ctrl;
	struct slab_tc *slab_tc; /* this thread's slab object caches (mm/slub.c), or NULL */
	unsigned int __state;	 /* TASK_RUNNING, TASK_INTERRUPTIBLE ... (set_current_state) */
	u32 wake_seq;		 /* bumped by wake_up_process() (kernel/kthread.c) */
};

/* task states (the kernel's values) */
#define TASK_RUNNING	     0x00000000
#define TASK_INTERRUPTIBLE   0x00000001
#define TASK_UNINTERRUPTIBLE 0x00000002
#define TASK_KILLABLE	     (0x00000100 | TASK_UNINTERRUPTIBLE)
#define TASK_IDLE	     (0x00000400 | TASK_UNINTERRUPTIBLE)
#define TASK_NORMAL	     (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define MAX_SCHEDULE_TIMEOUT LONG_MAX

#define __set_current_state(state_value)                                                          \
	__atomic_store_n(&get_current()->__state, (state_value), __ATOMIC_RELAXED)
#define set_current_state(state_value)                                                            \
	__atomic_store_n(&get_current()->__state, (state_value), __ATOMIC_SEQ_CST)

#pragma GCC visibility push(default)
struct task_struct *get_current(void);
#define current get_current()
int cond_resched(void);
void schedule(void);
void msleep(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
/* kernel/timer.c and kernel/kthread.c */
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_idle(long timeout);
int wake_up_process(struct task_struct *p);
#pragma GCC visibility pop

static inline pid_t task_pid_nr(struct task_struct *t)
{
	return t->pid;
}

#endif
