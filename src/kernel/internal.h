/* SPDX-License-Identifier: MIT */
/*
 * internal.h (kernel/) - what the context layer's files share: the softirq
 * runner, the interrupt controller thread, the sleeping helper and the
 * start/stop of the kernel's own threads (docs/contexts.md).
 *
 * Locking: each file has host mutexes of its own (pthread); they are leaf
 * locks - nothing that enters a CPU section (spin_lock, kmalloc, a handler)
 * is ever called under them, so a task waiting for one never holds up a
 * task that needs its CPU.
 */
#ifndef UKMEM_KERNEL_INTERNAL_H
#define UKMEM_KERNEL_INTERNAL_H

#include <linux/kernel.h>
#include <linux/sched.h>
#include <stdio.h>

#include "machine/machine.h"
#include "machine/sched.h"
#include "machine/report.h"

/* softirq.c */
int softirq_init(void);
void softirq_exit(void);
void softirq_stop_threads(void);
void softirq_forget(void);
void wakeup_softirqd(int cpu);
/* softirq_raise_and_run - raise @mask on t's held CPU and run its pending softirqs now */
void softirq_raise_and_run(struct task_struct *t, u32 mask);
int softirqs_show(FILE *out);

/* irq.c */
int irq_init(void);
void irq_exit_subsys(void);
void irq_stop_threads(void);
void irq_forget(void);
int interrupts_show(FILE *out);

/* kthread.c */
void kthread_stop_all(void);
void kthread_exit_subsys(void);
void kthread_forget(void);

/* workqueue.c */
int workqueue_init(void);
void workqueue_stop(void);
void workqueue_exit(void);
void workqueue_forget(void);

/* timer.c */
int timer_init(void);
void timer_stop(void);
void timer_exit(void);
void timer_forget(void);

/*
 * kctx_sleep - block the calling task while *@word == @val, at most
 * @timeout_ns (< 0: no limit), giving its CPU lease back first (the caller
 * has already made the might_sleep() check that suits it).
 */
void kctx_sleep(u32 *word, u32 val, s64 timeout_ns);
/* kctx_wake - bump *@word and wake every task sleeping on it */
void kctx_wake(u32 *word);

/* init.c: the context layer as one subsystem, and its threads' stop before the shutdown gate */
int ctx_init(void);
void ctx_exit(void);
void ctx_forget(void);
void ctx_stop_threads(void);
void ctx_resume(void);
/* ctx_stopping - the threads are being stopped: nothing new may start one */
extern bool ctx_threads_stopping;

#endif
