// SPDX-License-Identifier: MIT
/*
 * init.c - the context layer (interrupts, softirqs, kernel threads,
 * workqueues, timers) as one subsystem of the machine, and the sleeping
 * primitive its waits are built on.
 *
 * Shutdown: the layer's threads (ksoftirqd/N, irq/apic, kworkers, the timer
 * thread and the kthreads still running) are stopped by ctx_stop_threads()
 * before ukmem_shutdown() shuts its gate - a work item blocked at the gate
 * would otherwise be waited for by a shutdown that waits for the gate.
 * What was still queued is reported and dropped; the next boot starts
 * afresh (threads start again on first use).
 */
#include <linux/kernel.h>
#include <linux/sched.h>

#include "kernel/internal.h"

bool ctx_threads_stopping;

void kctx_sleep(u32 *word, u32 val, s64 timeout_ns)
{
	cpu_sleep_prepare(current_task());
	plat_futex_wait(word, val, timeout_ns);
}

void kctx_wake(u32 *word)
{
	__atomic_fetch_add(word, 1, __ATOMIC_RELEASE);
	plat_futex_wake(word, INT_MAX);
}

int ctx_init(void)
{
	int err;

	__atomic_store_n(&ctx_threads_stopping, false, __ATOMIC_RELEASE);
	err = softirq_init();
	if (!err)
		err = irq_init();
	if (!err)
		err = workqueue_init();
	if (!err)
		err = timer_init();
	return err;
}

/* ctx_stop_threads - stop the layer's threads, from ukmem_shutdown() before its gate */
void ctx_stop_threads(void)
{
	if (!ukmem_booted())
		return;
	__atomic_store_n(&ctx_threads_stopping, true, __ATOMIC_RELEASE);
	kthread_stop_all();
	timer_stop();
	workqueue_stop();
	irq_stop_threads();
	softirq_stop_threads();
}

/* ctx_resume - the shutdown was refused: threads may start again */
void ctx_resume(void)
{
	__atomic_store_n(&ctx_threads_stopping, false, __ATOMIC_RELEASE);
}

void ctx_exit(void)
{
	ctx_stop_threads(); /* (done already unless the machine failed to boot) */
	timer_exit();
	workqueue_exit();
	kthread_exit_subsys();
	irq_exit_subsys();
	softirq_exit();
}

/* fork child: the threads are the parent's; the next boot starts anew */
void ctx_forget(void)
{
	kthread_forget();
	timer_forget();
	workqueue_forget();
	irq_forget();
	softirq_forget();
}
