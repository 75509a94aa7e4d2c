// SPDX-License-Identifier: MIT
/*
 * completion.c - completions on top of wait queues: done counts the
 * complete()s not yet consumed by a waiter; complete_all() sets it to
 * UINT_MAX, which no waiter consumes.
 */
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/jiffies.h>

#include "kernel/internal.h"

__ukmem_export void complete(struct completion *x)
{
	unsigned int d = __atomic_load_n(&x->done, __ATOMIC_RELAXED);

	do {
		if (d == UINT_MAX)
			break;
	} while (!__atomic_compare_exchange_n(&x->done, &d, d + 1, false, __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	__wake_up(&x->wait, TASK_NORMAL, 1, NULL);
}

__ukmem_export void complete_all(struct completion *x)
{
	__atomic_store_n(&x->done, UINT_MAX, __ATOMIC_RELEASE);
	__wake_up(&x->wait, TASK_NORMAL, 0, NULL);
}

__ukmem_export bool try_wait_for_completion(struct completion *x)
{
	unsigned int d = __atomic_load_n(&x->done, __ATOMIC_ACQUIRE);

	do {
		if (!d)
			return false;
		if (d == UINT_MAX)
			return true;
	} while (!__atomic_compare_exchange_n(&x->done, &d, d - 1, false, __ATOMIC_ACQUIRE,
					      __ATOMIC_ACQUIRE));
	return true;
}

__ukmem_export bool completion_done(struct completion *x)
{
	return __atomic_load_n(&x->done, __ATOMIC_ACQUIRE) != 0;
}

__ukmem_export unsigned long __wait_for_completion_timeout(struct completion *x,
							   unsigned long timeout, const char *file,
							   int line)
{
	long t =
	    timeout > (unsigned long)MAX_SCHEDULE_TIMEOUT ? MAX_SCHEDULE_TIMEOUT : (long)timeout;
	u32 seq = __ukmem_wait_prepare(&x->wait, file, line);

	for (;;) {
		if (try_wait_for_completion(x)) {
			t = t ? t : 1;
			break;
		}
		if (!t)
			break;
		t = __ukmem_wait_sleep(&x->wait, seq, t);
		seq = __atomic_load_n(&x->wait.seq, __ATOMIC_ACQUIRE);
	}
	__ukmem_wait_finish(&x->wait);
	return (unsigned long)t;
}

__ukmem_export void __wait_for_completion(struct completion *x, const char *file, int line)
{
	__wait_for_completion_timeout(x, MAX_SCHEDULE_TIMEOUT, file, line);
}
