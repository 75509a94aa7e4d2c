/* SPDX-License-Identifier: MIT */
/*
 * kref.h - the kernel's reference-counted object helper over refcount_t:
 * kref_put() calls @release when the last reference goes; misuse is
 * refcount_t's WARNING and a saturated (leaked, never freed) count.
 */
#ifndef _UKMEM_LINUX_KREF_H
#define _UKMEM_LINUX_KREF_H

#include <linux/refcount.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

struct kref {
	refcount_t refcount;
};

#define KREF_INIT(n)                                                                               \
	{                                                                                          \
		.refcount = REFCOUNT_INIT(n)                                                       \
	}

static inline void kref_init(struct kref *kref)
{
	refcount_set(&kref->refcount, 1);
}
static inline unsigned int kref_read(const struct kref *kref)
{
	return refcount_read(&kref->refcount);
}
static inline void kref_get(struct kref *kref)
{
	refcount_inc(&kref->refcount);
}
/* kref_put - drop a reference; Return: 1 when @release ran (the object is gone) */
static inline int kref_put(struct kref *kref, void (*release)(struct kref *kref))
{
	if (refcount_dec_and_test(&kref->refcount)) {
		release(kref);
		return 1;
	}
	return 0;
}
/* the last put takes @lock and calls @release with it held (it must drop it) */
static inline int kref_put_mutex(struct kref *kref, void (*release)(struct kref *kref),
				 struct mutex *lock)
{
	if (refcount_dec_and_mutex_lock(&kref->refcount, lock)) {
		release(kref);
		return 1;
	}
	return 0;
}
static inline int kref_put_lock(struct kref *kref, void (*release)(struct kref *kref),
				spinlock_t *lock)
{
	if (refcount_dec_and_lock(&kref->refcount, lock)) {
		release(kref);
		return 1;
	}
	return 0;
}
/* kref_get_unless_zero - a reference, unless the object is already on its way out */
static inline int __must_check kref_get_unless_zero(struct kref *kref)
{
	return refcount_inc_not_zero(&kref->refcount);
}

#endif
