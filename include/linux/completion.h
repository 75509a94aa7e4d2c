/* SPDX-License-Identifier: MIT */
/*
 * completion.h - completions: complete() lets one waiter through,
 * complete_all() every present and future one (until reinit_completion()).
 * The waits may sleep (checked); complete() may be called from any context.
 */
#ifndef _UKMEM_LINUX_COMPLETION_H
#define _UKMEM_LINUX_COMPLETION_H
#include <linux/types.h>
#include <linux/wait.h>

struct completion {
	unsigned int done; /* UINT_MAX: complete_all() */
	struct wait_queue_head wait;
};

#define COMPLETION_INITIALIZER(work) {0, __WAIT_QUEUE_HEAD_INITIALIZER((work).wait)}
#define COMPLETION_INITIALIZER_ONSTACK(work) (*({ init_completion(&work); &work; }))
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) struct completion work = COMPLETION_INITIALIZER(work)

static inline void init_completion(struct completion *x)
{
	x->done = 0;
	x->wait.seq = 0;
	x->wait.waiters = 0;
}

static inline void reinit_completion(struct completion *x)
{
	__atomic_store_n(&x->done, 0, __ATOMIC_RELAXED);
}

#pragma GCC visibility push(default)
void complete(struct completion *x);
void complete_all(struct completion *x);
void __wait_for_completion(struct completion *x, const char *file, int line);
unsigned long __wait_for_completion_timeout(struct completion *x, unsigned long timeout,
					    const char *file, int line);
bool try_wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);
#pragma GCC visibility pop

#define wait_for_completion(x) __wait_for_completion(x, __FILE__, __LINE__)
#define wait_for_completion_timeout(x, t) __wait_for_completion_timeout(x, t, __FILE__, __LINE__)
#define wait_for_completion_interruptible(x) (__wait_for_completion(x, __FILE__, __LINE__), 0)
#define wait_for_completion_killable(x) (__wait_for_completion(x, __FILE__, __LINE__), 0)
#define wait_for_completion_io(x) __wait_for_completion(x, __FILE__, __LINE__)
#define wait_for_completion_interruptible_timeout(x, t)                                          \
	((long)__wait_for_completion_timeout(x, t, __FILE__, __LINE__))

#endif
