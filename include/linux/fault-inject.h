/* SPDX-License-Identifier: MIT */
/*
 * fault-inject.h - the kernel's fault-injection capability (lib/fault-inject.c):
 * a struct fault_attr describes when to fail, should_fail() asks it. Kernel
 * code may declare attributes of its own with DECLARE_FAULT_ATTR and call
 * should_fail() at its own failure points, as in Linux.
 *
 * ukmem's own attributes are failslab and fail_page_alloc (docs/fault-injection.md);
 * their knobs are set with the failslab= / fail_page_alloc= boot parameters
 * and ukmem_fault_set() in <ukmem.h>.
 */
#ifndef _UKMEM_LINUX_FAULT_INJECT_H
#define _UKMEM_LINUX_FAULT_INJECT_H

#include <linux/types.h>
#include <linux/atomic.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * struct fault_attr - when to fail. The fields keep the kernel's names and
 * meanings (Documentation/fault-injection/fault-injection.rst). Read and
 * written with atomics: the knobs may change while other threads ask.
 */
struct fault_attr {
	unsigned long probability; /* percent: 0 never, 100 always */
	unsigned long interval;	   /* fail only every interval-th eligible call */
	atomic_t times;		   /* failures left; -1: no limit */
	atomic_t space;		   /* bytes (pages for page allocations) to let pass first */
	unsigned long verbose;	   /* 0 quiet, 1 message, 2 message and stack */
	bool task_filter;	   /* only tasks marked make-it-fail fail */
	unsigned long count;	   /* eligible calls seen (interval) */
	/* verbose output is rate limited as the kernel's ratelimit_state */
	unsigned int ratelimit_interval_ms;
	unsigned int ratelimit_burst;
	u64 rl_begin_ns;
	unsigned int rl_printed;
	u64 rnd;	   /* ukmem: the seeded random stream (docs/fault-injection.md) */
	const char *dname; /* the name printed in "name %s, ..." */
};

#define FAULT_ATTR_INITIALIZER                                                                     \
	{                                                                                          \
		.interval = 1, .times = ATOMIC_INIT(1), .verbose = 2,                              \
		.ratelimit_interval_ms = 5000, .ratelimit_burst = 10,                              \
	}

#define DECLARE_FAULT_ATTR(name) struct fault_attr name = FAULT_ATTR_INITIALIZER

/* should_fail_ex() flags */
#define FAULT_NOWARN 0x1 /* fail silently (the caller asked for __GFP_NOWARN) */

/*
 * setup_fault_attr - parse "<interval>,<probability>,<space>,<times>" into
 * @attr, for a boot parameter. Return: 1 on success, 0 after printing
 * "FAULT_INJECTION: failed to parse arguments" (a __setup handler's convention).
 */
int setup_fault_attr(struct fault_attr *attr, char *str);

/*
 * should_fail_ex - should this call fail? @size is what it asks for (bytes,
 * or pages), spent from @attr->space. The decision order is the kernel's:
 * the task's fail-nth first, then probability 0, task filter, times, space,
 * interval, and the random draw. A failure prints the "FAULT_INJECTION:
 * forcing a failure." notice unless FAULT_NOWARN.
 */
bool should_fail_ex(struct fault_attr *attr, ssize_t size, int flags);
bool should_fail(struct fault_attr *attr, ssize_t size);

#ifdef __cplusplus
}
#endif
#endif
