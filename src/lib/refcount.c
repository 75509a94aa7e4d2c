// SPDX-License-Identifier: MIT
/*
 * refcount.c - refcount_t's reports (lib/refcount.c's texts) and the
 * operations that take a lock on the last reference.
 */
#include <linux/kernel.h>
#include <linux/refcount.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "machine/machine.h"
#include "machine/report.h"

__ukmem_export void refcount_warn_saturate(refcount_t *r, enum refcount_saturation_type t)
{
	static const char *const what[] = {
	    [REFCOUNT_ADD_NOT_ZERO_OVF] = "saturated; leaking memory",
	    [REFCOUNT_ADD_OVF] = "saturated; leaking memory",
	    [REFCOUNT_ADD_UAF] = "addition on 0; use-after-free",
	    [REFCOUNT_SUB_UAF] = "underflow; use-after-free",
	    [REFCOUNT_DEC_LEAK] = "decrement hit 0; leaking memory",
	};

	/* saturate first: the count must not move from here on, whatever races */
	refcount_set(r, REFCOUNT_SATURATED);
	report_warn(UKMEM_REPORT_WARN, "lib/refcount.c", __LINE__, NULL, "refcount_t: %s.\n",
		    (unsigned int)t < ARRAY_SIZE(what) ? what[t] : "unknown");
}

__ukmem_export bool refcount_dec_not_one(refcount_t *r)
{
	int val = atomic_read(&r->refs);

	do {
		if (unlikely(val == REFCOUNT_SATURATED))
			return true;
		if (val == 1)
			return false;
		if (unlikely(val <= 0)) {
			refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
			return true;
		}
	} while (!atomic_try_cmpxchg(&r->refs, &val, val - 1));
	return true;
}

/* Return: true with @lock held when the count dropped to 0 */
__ukmem_export bool refcount_dec_and_mutex_lock(refcount_t *r, struct mutex *lock)
{
	if (refcount_dec_not_one(r))
		return false;
	mutex_lock(lock);
	if (!refcount_dec_and_test(r)) {
		mutex_unlock(lock);
		return false;
	}
	return true;
}

__ukmem_export bool refcount_dec_and_lock(refcount_t *r, spinlock_t *lock)
{
	if (refcount_dec_not_one(r))
		return false;
	spin_lock(lock);
	if (!refcount_dec_and_test(r)) {
		spin_unlock(lock);
		return false;
	}
	return true;
}
