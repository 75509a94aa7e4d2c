/* SPDX-License-Identifier: MIT */
/* mutex.h - sleeping locks: mutex_lock() may sleep, so it checks its context. */
#ifndef _UKMEM_LINUX_MUTEX_H
#define _UKMEM_LINUX_MUTEX_H

#include <linux/cleanup.h>
#include <linux/types.h>
#include <pthread.h>

struct mutex {
	pthread_mutex_t m;
	int owner_pid;
};

#define __MUTEX_INITIALIZER(name) { PTHREAD_MUTEX_INITIALIZER, 0 }
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)

#pragma GCC visibility push(default)
void mutex_init(struct mutex *lock);
void mutex_destroy(struct mutex *lock);
void __mutex_lock(struct mutex *lock, const char *file, int line);
int mutex_trylock(struct mutex *lock);
int __mutex_lock_interruptible(struct mutex *lock, const char *file, int line);
void mutex_unlock(struct mutex *lock);
int mutex_is_locked(struct mutex *lock);
#pragma GCC visibility pop

#define mutex_lock(lock) __mutex_lock(lock, __FILE__, __LINE__)
#define mutex_lock_interruptible(lock) __mutex_lock_interruptible(lock, __FILE__, __LINE__)
#define mutex_lock_killable(lock) __mutex_lock_interruptible(lock, __FILE__, __LINE__)
#define mutex_lock_nested(lock, sub) mutex_lock(lock)

/* guard(mutex)(&m) (linux/cleanup.h) */
DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))

#endif
