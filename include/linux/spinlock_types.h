/* SPDX-License-Identifier: MIT */
#ifndef _UKMEM_LINUX_SPINLOCK_TYPES_H
#define _UKMEM_LINUX_SPINLOCK_TYPES_H

#define SPINLOCK_MAGIC 0xdead4eadu

typedef struct spinlock {
	unsigned int locked;
	unsigned int magic;
	int owner_cpu;
	int owner_pid;
} spinlock_t;
typedef spinlock_t raw_spinlock_t;

typedef struct {
	unsigned int cnt;	/* readers << 1 | writer */
	unsigned int magic;
} rwlock_t;

#define __SPIN_LOCK_UNLOCKED(name) { 0, SPINLOCK_MAGIC, -1, -1 }
#define DEFINE_SPINLOCK(name) spinlock_t name = __SPIN_LOCK_UNLOCKED(name)
#define DEFINE_RAW_SPINLOCK(name) raw_spinlock_t name = __SPIN_LOCK_UNLOCKED(name)
#define __RW_LOCK_UNLOCKED(name) { 0, SPINLOCK_MAGIC }
#define DEFINE_RWLOCK(name) rwlock_t name = __RW_LOCK_UNLOCKED(name)

#endif
