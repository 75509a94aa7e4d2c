/* SPDX-License-Identifier: MIT */
/*
 * refcount.h - refcount_t: a reference counter that refuses to wrap. Misuse
 * (an increment from 0, a decrement below 1, an overflow) prints the
 * kernel's "refcount_t: ..." WARNING and leaves the counter saturated at
 * REFCOUNT_SATURATED, where it stays: the object then leaks instead of being
 * freed while in use. Fully ordered where the kernel's is (dec_and_test).
 */
#ifndef _UKMEM_LINUX_REFCOUNT_H
#define _UKMEM_LINUX_REFCOUNT_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/spinlock_types.h>
#include <limits.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n)                                                                           \
	{                                                                                          \
		.refs = ATOMIC_INIT(n)                                                             \
	}
#define REFCOUNT_MAX	   INT_MAX
#define REFCOUNT_SATURATED (INT_MIN / 2)

enum refcount_saturation_type {
	REFCOUNT_ADD_NOT_ZERO_OVF,
	REFCOUNT_ADD_OVF,
	REFCOUNT_ADD_UAF,
	REFCOUNT_SUB_UAF,
	REFCOUNT_DEC_LEAK,
};
/* refcount_warn_saturate - saturate @r and print the WARNING for @t */
void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t);

static inline void refcount_set(refcount_t *r, int n)
{
	atomic_set(&r->refs, n);
}
static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

static inline __must_check bool __refcount_add_not_zero(int i, refcount_t *r, int *oldp)
{
	int old = refcount_read(r);

	do {
		if (!old)
			break;
	} while (!atomic_try_cmpxchg(&r->refs, &old, old + i));
	if (oldp)
		*oldp = old;
	if (unlikely(old < 0 || (int)((unsigned int)old + (unsigned int)i) < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_NOT_ZERO_OVF);
	return old;
}
static inline __must_check bool refcount_add_not_zero(int i, refcount_t *r)
{
	return __refcount_add_not_zero(i, r, NULL);
}
static inline __must_check bool refcount_inc_not_zero(refcount_t *r)
{
	return __refcount_add_not_zero(1, r, NULL);
}

static inline void __refcount_add(int i, refcount_t *r, int *oldp)
{
	int old = atomic_fetch_add(i, &r->refs);

	if (oldp)
		*oldp = old;
	if (unlikely(!old))
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(old < 0 || (int)((unsigned int)old + (unsigned int)i) < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}
static inline void refcount_add(int i, refcount_t *r)
{
	__refcount_add(i, r, NULL);
}
static inline void refcount_inc(refcount_t *r)
{
	__refcount_add(1, r, NULL);
}

static inline __must_check bool __refcount_sub_and_test(int i, refcount_t *r, int *oldp)
{
	int old = atomic_fetch_sub(i, &r->refs);

	if (oldp)
		*oldp = old;
	if (old == i)
		return true; /* fetch_sub is fully ordered: the release and the acquire */
	if (unlikely(old < 0 || (int)((unsigned int)old - (unsigned int)i) < 0))
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}
static inline __must_check bool refcount_sub_and_test(int i, refcount_t *r)
{
	return __refcount_sub_and_test(i, r, NULL);
}
static inline __must_check bool refcount_dec_and_test(refcount_t *r)
{
	return __refcount_sub_and_test(1, r, NULL);
}
static inline void refcount_dec(refcount_t *r)
{
	if (unlikely(atomic_fetch_sub(1, &r->refs) <= 1))
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

/* refcount_dec_if_one - 1 -> 0 only; Return: whether it did */
static inline __must_check bool refcount_dec_if_one(refcount_t *r)
{
	int one = 1;

	return atomic_try_cmpxchg(&r->refs, &one, 0);
}
/* refcount_dec_not_one - decrement unless the count is 1 (or saturated) */
bool refcount_dec_not_one(refcount_t *r);
struct mutex;
bool refcount_dec_and_mutex_lock(refcount_t *r, struct mutex *lock);

bool refcount_dec_and_lock(refcount_t *r, spinlock_t *lock);

#ifdef __cplusplus
}
#endif
#endif
