/* SPDX-License-Identifier: MIT */
/*
 * spinlock.h - spinlocks with the kernel's context rules: spin_lock disables
 * preemption, _bh disables softirqs, _irq/_irqsave disable interrupts, so
 * might_sleep() inside the critical section reports as the kernel does.
 * A waiter spins briefly, then yields the host CPU (tasks may outnumber cores).
 */
#ifndef _UKMEM_LINUX_SPINLOCK_H
#define _UKMEM_LINUX_SPINLOCK_H

#include <linux/cleanup.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <linux/bottom_half.h>
#include <linux/spinlock_types.h>

#pragma GCC visibility push(default)
void spin_lock_init(spinlock_t *lock);
void spin_lock(spinlock_t *lock);
int spin_trylock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
void spin_lock_bh(spinlock_t *lock);
void spin_unlock_bh(spinlock_t *lock);
void spin_lock_irq(spinlock_t *lock);
void spin_unlock_irq(spinlock_t *lock);
unsigned long _spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
int spin_is_locked(spinlock_t *lock);
void assert_spin_locked(spinlock_t *lock);

void rwlock_init(rwlock_t *lock);
void read_lock(rwlock_t *lock);
void read_unlock(rwlock_t *lock);
void write_lock(rwlock_t *lock);
void write_unlock(rwlock_t *lock);
unsigned long _read_lock_irqsave(rwlock_t *lock);
void read_unlock_irqrestore(rwlock_t *lock, unsigned long flags);
unsigned long _write_lock_irqsave(rwlock_t *lock);
void write_unlock_irqrestore(rwlock_t *lock, unsigned long flags);
#pragma GCC visibility pop

#define spin_lock_irqsave(lock, flags) do { (flags) = _spin_lock_irqsave(lock); } while (0)
#define read_lock_irqsave(lock, flags) do { (flags) = _read_lock_irqsave(lock); } while (0)
#define write_lock_irqsave(lock, flags) do { (flags) = _write_lock_irqsave(lock); } while (0)
#define raw_spin_lock_init spin_lock_init
#define raw_spin_lock spin_lock
#define raw_spin_unlock spin_unlock
#define raw_spin_lock_irqsave spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore
#define spin_lock_nested(lock, sub) spin_lock(lock)

/* guard(spinlock)(&lock) and friends (linux/cleanup.h) */
DEFINE_LOCK_GUARD_1(spinlock, spinlock_t, spin_lock(_T->lock), spin_unlock(_T->lock))
DEFINE_LOCK_GUARD_1(spinlock_irq, spinlock_t, spin_lock_irq(_T->lock), spin_unlock_irq(_T->lock))
DEFINE_LOCK_GUARD_1(spinlock_bh, spinlock_t, spin_lock_bh(_T->lock), spin_unlock_bh(_T->lock))
DEFINE_LOCK_GUARD_1(spinlock_irqsave, spinlock_t, spin_lock_irqsave(_T->lock, _T->flags),
		    spin_unlock_irqrestore(_T->lock, _T->flags), unsigned long flags)

#endif
