// SPDX-License-Identifier: MIT
/*
 * wait.c - wait queues (see <linux/wait.h>): a sequence word per queue, a
 * futex under it. A waiter reads the word, tests its condition, and sleeps
 * only while the word still has the value it read; wake_up() bumps it
 * after the waker made the condition true, so a wake-up between the test
 * and the sleep is never lost. Every waiter re-tests its condition, so
 * wake_up() (one waiter in the kernel) wakes them all: only the
 * exclusive-waiter optimisation is lost.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/jiffies.h>

#include "kernel/internal.h"

__ukmem_export void init_waitqueue_head(struct wait_queue_head *wq_head)
{
	__atomic_store_n(&wq_head->seq, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&wq_head->waiters, 0, __ATOMIC_RELAXED);
}

__ukmem_export void __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key)
{
	__atomic_fetch_add(&wq_head->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&wq_head->waiters, __ATOMIC_SEQ_CST))
		plat_futex_wake(&wq_head->seq, INT_MAX);
}

__ukmem_export u32 __ukmem_wait_prepare(struct wait_queue_head *wq, const char *file, int line)
{
	might_sleep_check(file, line);
	__atomic_fetch_add(&wq->waiters, 1, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&wq->seq, __ATOMIC_SEQ_CST);
}

__ukmem_export long __ukmem_wait_sleep(struct wait_queue_head *wq, u32 seq, long timeout)
{
	u64 start = plat_clock_ns(), slept;
	s64 ns = timeout == MAX_SCHEDULE_TIMEOUT ? -1 : (s64)timeout * NSEC_PER_MSEC;

	kctx_sleep(&wq->seq, seq, ns);
	if (timeout == MAX_SCHEDULE_TIMEOUT)
		return timeout;
	slept = (plat_clock_ns() - start) / NSEC_PER_MSEC;
	return slept >= (u64)timeout ? 0 : timeout - (long)slept;
}

__ukmem_export void __ukmem_wait_finish(struct wait_queue_head *wq)
{
	__atomic_fetch_sub(&wq->waiters, 1, __ATOMIC_SEQ_CST);
}
