/* SPDX-License-Identifier: MIT */
/*
 * percpu_counter.h - a counter split into a shared s64 and one s32 delta
 * per CPU. Adding touches only this CPU's delta until it reaches the batch,
 * then folds it into the shared count under the lock; percpu_counter_read()
 * is cheap and approximate (off by at most batch * nr_cpus),
 * percpu_counter_sum() is exact. Same semantics as the kernel's
 * lib/percpu_counter.c; percpu_counter_batch = max(32, 2 * nr_cpus).
 */
#ifndef _UKMEM_LINUX_PERCPU_COUNTER_H
#define _UKMEM_LINUX_PERCPU_COUNTER_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <limits.h>

struct percpu_counter {
	raw_spinlock_t lock;
	s64 count;		/* folded part; read without the lock */
	s32 __percpu *counters; /* this CPU's unfolded delta */
};

#pragma GCC visibility push(default)
extern int percpu_counter_batch;

int __percpu_counter_init_many(struct percpu_counter *fbc, s64 amount, gfp_t gfp, u32 nr_counters,
			       void *key);
void percpu_counter_destroy_many(struct percpu_counter *fbc, u32 nr_counters);
void percpu_counter_set(struct percpu_counter *fbc, s64 amount);
void percpu_counter_add_batch(struct percpu_counter *fbc, s64 amount, s32 batch);
s64 __percpu_counter_sum(struct percpu_counter *fbc);
int __percpu_counter_compare(struct percpu_counter *fbc, s64 rhs, s32 batch);
void percpu_counter_sync(struct percpu_counter *fbc);
#pragma GCC visibility pop

#define percpu_counter_init_many(fbc, value, gfp, nr_counters)                                     \
	__percpu_counter_init_many(fbc, value, gfp, nr_counters, NULL)
#define percpu_counter_init(fbc, value, gfp) percpu_counter_init_many(fbc, value, gfp, 1)

static inline void percpu_counter_destroy(struct percpu_counter *fbc)
{
	percpu_counter_destroy_many(fbc, 1);
}

static inline int percpu_counter_compare(struct percpu_counter *fbc, s64 rhs)
{
	return __percpu_counter_compare(fbc, rhs, percpu_counter_batch);
}

static inline void percpu_counter_add(struct percpu_counter *fbc, s64 amount)
{
	percpu_counter_add_batch(fbc, amount, percpu_counter_batch);
}

/* percpu_counter_add_local - add to this CPU only (cheap; only _sum sees it) */
static inline void percpu_counter_add_local(struct percpu_counter *fbc, s64 amount)
{
	percpu_counter_add_batch(fbc, amount, INT_MAX);
}

static inline s64 percpu_counter_sum_positive(struct percpu_counter *fbc)
{
	s64 ret = __percpu_counter_sum(fbc);

	return ret < 0 ? 0 : ret;
}

static inline s64 percpu_counter_sum(struct percpu_counter *fbc)
{
	return __percpu_counter_sum(fbc);
}

static inline s64 percpu_counter_read(struct percpu_counter *fbc)
{
	return __atomic_load_n(&fbc->count, __ATOMIC_RELAXED);
}

/* percpu_counter_read_positive - the approximate value, never negative */
static inline s64 percpu_counter_read_positive(struct percpu_counter *fbc)
{
	s64 ret = __atomic_load_n(&fbc->count, __ATOMIC_RELAXED);

	return ret >= 0 ? ret : 0;
}

static inline bool percpu_counter_initialized(struct percpu_counter *fbc)
{
	return fbc->counters != NULL;
}

static inline void percpu_counter_inc(struct percpu_counter *fbc)
{
	percpu_counter_add(fbc, 1);
}

static inline void percpu_counter_dec(struct percpu_counter *fbc)
{
	percpu_counter_add(fbc, -1);
}

static inline void percpu_counter_sub(struct percpu_counter *fbc, s64 amount)
{
	percpu_counter_add(fbc, -amount);
}

#endif
