/* SPDX-License-Identifier: MIT */
/*
 * wait.h - wait queues. wait_event*() sleep until the condition holds,
 * re-testing it after every wake_up*() on the queue; they may sleep, so
 * they report "sleeping function called from invalid context" in atomic
 * context. The queue is a sequence word: a wake_up() bumps it, a waiter
 * sleeps only while it has not changed since it last tested the
 * condition, so no wake-up is lost. Wakers should make the condition true
 * before wake_up() with a store the waiter's load can see (WRITE_ONCE,
 * an atomic, a lock), as in the kernel.
 */
#ifndef _UKMEM_LINUX_WAIT_H
#define _UKMEM_LINUX_WAIT_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/sched.h>

struct wait_queue_head {
	u32 seq;     /* bumped by every wake-up */
	u32 waiters; /* tasks inside a wait (waitqueue_active) */
};
typedef struct wait_queue_head wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) {0, 0}
#define DECLARE_WAIT_QUEUE_HEAD(name) wait_queue_head_t name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

#pragma GCC visibility push(default)
void init_waitqueue_head(struct wait_queue_head *wq_head);
void __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key);
/* (internal to the macros below) */
u32 __ukmem_wait_prepare(struct wait_queue_head *wq, const char *file, int line);
/* sleep while wq->seq == seq, at most @timeout jiffies (MAX_SCHEDULE_TIMEOUT: no limit) */
long __ukmem_wait_sleep(struct wait_queue_head *wq, u32 seq, long timeout);
void __ukmem_wait_finish(struct wait_queue_head *wq);
#pragma GCC visibility pop

#define wake_up(x)			__wake_up(x, TASK_NORMAL, 1, NULL)
#define wake_up_nr(x, nr)		__wake_up(x, TASK_NORMAL, nr, NULL)
#define wake_up_all(x)			__wake_up(x, TASK_NORMAL, 0, NULL)
#define wake_up_interruptible(x)	__wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_all(x)	__wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)
#define wake_up_locked(x)		wake_up(x)

static inline int waitqueue_active(struct wait_queue_head *wq_head)
{
	return __atomic_load_n(&wq_head->waiters, __ATOMIC_SEQ_CST) != 0;
}

static inline bool wq_has_sleeper(struct wait_queue_head *wq_head)
{
	return waitqueue_active(wq_head);
}

/*
 * ___ukmem_wait_event - the loop of every variant: test, sleep while
 * nothing woke the queue, test again. Return: the jiffies left (at least 1)
 * once @condition held, 0 on timeout. (ukmem tasks get no signals, so the
 * _interruptible and _killable forms never return -ERESTARTSYS.)
 */
#define ___ukmem_wait_event(wq_head, condition, timeout)                                          \
	({                                                                                         \
		long __t = (timeout);                                                              \
		u32 __seq = __ukmem_wait_prepare(&(wq_head), __FILE__, __LINE__);                  \
		for (;;) {                                                                         \
			if (condition) {                                                           \
				if (!__t)                                                          \
					__t = 1;                                                   \
				break;                                                             \
			}                                                                          \
			if (!__t)                                                                  \
				break;                                                             \
			__t = __ukmem_wait_sleep(&(wq_head), __seq, __t);                          \
			__seq = __atomic_load_n(&(wq_head).seq, __ATOMIC_ACQUIRE);                 \
		}                                                                                  \
		__ukmem_wait_finish(&(wq_head));                                                   \
		__t;                                                                               \
	})

#define wait_event(wq_head, condition)                                                            \
	do {                                                                                       \
		if (condition)                                                                     \
			break;                                                                     \
		(void)___ukmem_wait_event(wq_head, condition, MAX_SCHEDULE_TIMEOUT);              \
	} while (0)
#define wait_event_interruptible(wq_head, condition)                                              \
	({                                                                                         \
		if (!(condition))                                                                  \
			(void)___ukmem_wait_event(wq_head, condition, MAX_SCHEDULE_TIMEOUT);      \
		0;                                                                                 \
	})
#define wait_event_killable(wq_head, condition) wait_event_interruptible(wq_head, condition)
#define wait_event_freezable(wq_head, condition) wait_event_interruptible(wq_head, condition)
#define wait_event_timeout(wq_head, condition, timeout)                                          \
	({                                                                                         \
		long __ret = (timeout);                                                            \
		if (!(condition))                                                                  \
			__ret = ___ukmem_wait_event(wq_head, condition, __ret);                   \
		else if (!__ret)                                                                   \
			__ret = 1;                                                                 \
		__ret;                                                                             \
	})
#define wait_event_interruptible_timeout(wq_head, condition, timeout)                             \
	wait_event_timeout(wq_head, condition, timeout)
#define wait_event_killable_timeout(wq_head, condition, timeout)                                  \
	wait_event_timeout(wq_head, condition, timeout)

#endif
