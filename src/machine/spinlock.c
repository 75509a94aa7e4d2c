// SPDX-License-Identifier: MIT
/*
 * spinlock.c - spinlocks and rwlocks. Taking one first enters the matching
 * atomic context (preemption, bottom halves or interrupts off), so the
 * owner holds its CPU for the whole critical section, as in the kernel.
 * Waiters spin with pause, then yield: tasks may outnumber host cores, and
 * a holder that the host has descheduled must be let run.
 */
#include <linux/kernel.h>
#include <linux/spinlock.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"

/*
 * spin_bug - kernel/locking/spinlock_debug.c: "BUG: spinlock <msg>", the
 * lock line and the stack, printed by the call that turns lock debugging
 * off (once a boot, as the kernel). The caller repairs what it can.
 */
static void spin_bug(spinlock_t *lock, const char *msg)
{
	struct task_struct *t = current_task();
	int owner = __atomic_load_n(&lock->owner_pid, __ATOMIC_RELAXED);
	char buf[TASK_COMM_LEN];
	const char *comm = buf;

	if (!debug_locks_off())
		return;
	if (owner <= 0)
		comm = "<none>";
	else if (owner == t->pid)
		comm = t->comm;
	else if (!plat_thread_name_of(owner, buf, sizeof(buf)))
		comm = "<exited>";
	report_start(UKMEM_REPORT_BUG);
	printk(KERN_EMERG "BUG: spinlock %s on CPU#%d, %s/%d\n", msg, t->cpu, t->comm, t->pid);
	printk(KERN_EMERG " lock: %pS, .magic: %08x, .owner: %s/%d, .owner_cpu: %d\n", (void *)lock,
	       lock->magic, comm, owner > 0 ? owner : -1,
	       __atomic_load_n(&lock->owner_cpu, __ATOMIC_RELAXED));
	report_stack_skip(2);
	report_end(UKMEM_REPORT_BUG);
}

static void spin_check(spinlock_t *lock)
{
	if (unlikely(lock->magic != SPINLOCK_MAGIC)) {
		spin_bug(lock, "bad magic");
		lock->magic = SPINLOCK_MAGIC;
	}
}

static void arch_spin_lock(spinlock_t *lock)
{
	unsigned int spins = 0;

	for (;;) {
		if (!__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
			return;
		if (++spins < 128)
			__builtin_ia32_pause();
		else
			plat_yield();
	}
}

static void do_lock(spinlock_t *lock)
{
	struct task_struct *t = &ukmem_task;

	spin_check(lock);
	if (unlikely(__atomic_load_n(&lock->owner_pid, __ATOMIC_RELAXED) == t->pid &&
		     __atomic_load_n(&lock->locked, __ATOMIC_RELAXED)))
		spin_bug(lock, "recursion");
	arch_spin_lock(lock);
	__atomic_store_n(&lock->owner_pid, t->pid, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner_cpu, t->cpu, __ATOMIC_RELAXED);
}

static void do_unlock(spinlock_t *lock)
{
	spin_check(lock);
	if (unlikely(!__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))) {
		spin_bug(lock, "already unlocked");
		return;
	}
	if (unlikely(__atomic_load_n(&lock->owner_pid, __ATOMIC_RELAXED) != current_task()->pid))
		spin_bug(lock, "wrong owner");
	__atomic_store_n(&lock->owner_pid, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->owner_cpu, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

/* spinlocks that leave preemptible context note where, for might_sleep's report */
#define NOTE_PREEMPT_OFF(t)                                                                        \
	do {                                                                                       \
		if (!(t)->preempt_count)                                                           \
			preempt_disable_ip = __builtin_return_address(0);                          \
	} while (0)

__ukmem_export void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
	lock->magic = SPINLOCK_MAGIC;
	lock->owner_cpu = -1;
	lock->owner_pid = -1;
}

__ukmem_export void spin_lock(spinlock_t *lock)
{
	struct task_struct *t = current_task();

	NOTE_PREEMPT_OFF(t);
	preempt_count_inc(t, 1);
	do_lock(lock);
}

__ukmem_export int spin_trylock(spinlock_t *lock)
{
	struct task_struct *t = current_task();

	NOTE_PREEMPT_OFF(t);
	preempt_count_inc(t, 1);
	if (!__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&lock->owner_pid, t->pid, __ATOMIC_RELAXED);
		__atomic_store_n(&lock->owner_cpu, t->cpu, __ATOMIC_RELAXED);
		return 1;
	}
	preempt_count_dec(t, 1);
	return 0;
}

__ukmem_export void spin_unlock(spinlock_t *lock)
{
	do_unlock(lock);
	__preempt_count_sub(1);
}

__ukmem_export void spin_lock_bh(spinlock_t *lock)
{
	struct task_struct *t = current_task();
	bool was_preemptible = !t->preempt_count;

	local_bh_disable();
	if (was_preemptible)
		preempt_disable_ip = __builtin_return_address(0);
	do_lock(lock);
}

__ukmem_export void spin_unlock_bh(spinlock_t *lock)
{
	do_unlock(lock);
	local_bh_enable();
}

__ukmem_export void spin_lock_irq(spinlock_t *lock)
{
	struct task_struct *t = current_task();

	NOTE_PREEMPT_OFF(t);
	local_irq_disable();
	preempt_count_inc(t, 1);
	do_lock(lock);
}

__ukmem_export void spin_unlock_irq(spinlock_t *lock)
{
	do_unlock(lock);
	__preempt_count_sub(1);
	local_irq_enable();
}

__ukmem_export unsigned long _spin_lock_irqsave(spinlock_t *lock)
{
	struct task_struct *t = current_task();
	unsigned long flags;

	NOTE_PREEMPT_OFF(t);
	flags = __local_irq_save();
	preempt_count_inc(t, 1);
	do_lock(lock);
	return flags;
}

__ukmem_export void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	do_unlock(lock);
	__preempt_count_sub(1);
	local_irq_restore(flags);
}

__ukmem_export int spin_is_locked(spinlock_t *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0;
}

__ukmem_export void assert_spin_locked(spinlock_t *lock)
{
	WARN_ON(!spin_is_locked(lock));
}

/* rwlocks: cnt = readers * 2 + writer bit */
__ukmem_export void rwlock_init(rwlock_t *lock)
{
	lock->cnt = 0;
	lock->magic = SPINLOCK_MAGIC;
}

static void arch_read_lock(rwlock_t *lock)
{
	unsigned int spins = 0, v;

	for (;;) {
		v = __atomic_load_n(&lock->cnt, __ATOMIC_RELAXED);
		if (!(v & 1) && __atomic_compare_exchange_n(&lock->cnt, &v, v + 2, false,
							    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (++spins < 128)
			__builtin_ia32_pause();
		else
			plat_yield();
	}
}

static void arch_write_lock(rwlock_t *lock)
{
	unsigned int spins = 0, v;

	for (;;) {
		v = 0;
		if (__atomic_compare_exchange_n(&lock->cnt, &v, 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		if (++spins < 128)
			__builtin_ia32_pause();
		else
			plat_yield();
	}
}

__ukmem_export void read_lock(rwlock_t *lock)
{
	struct task_struct *t = current_task();
	bool was_preemptible = !t->preempt_count;

	__preempt_count_add(1);
	if (was_preemptible)
		preempt_disable_ip = __builtin_return_address(0);
	arch_read_lock(lock);
}

__ukmem_export void read_unlock(rwlock_t *lock)
{
	__atomic_fetch_sub(&lock->cnt, 2, __ATOMIC_RELEASE);
	__preempt_count_sub(1);
}

__ukmem_export void write_lock(rwlock_t *lock)
{
	struct task_struct *t = current_task();
	bool was_preemptible = !t->preempt_count;

	__preempt_count_add(1);
	if (was_preemptible)
		preempt_disable_ip = __builtin_return_address(0);
	arch_write_lock(lock);
}

__ukmem_export void write_unlock(rwlock_t *lock)
{
	__atomic_store_n(&lock->cnt, 0, __ATOMIC_RELEASE);
	__preempt_count_sub(1);
}

__ukmem_export unsigned long _read_lock_irqsave(rwlock_t *lock)
{
	unsigned long flags = __local_irq_save();

	read_lock(lock);
	return flags;
}

__ukmem_export void read_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
	read_unlock(lock);
	local_irq_restore(flags);
}

__ukmem_export unsigned long _write_lock_irqsave(rwlock_t *lock)
{
	unsigned long flags = __local_irq_save();

	write_lock(lock);
	return flags;
}

__ukmem_export void write_unlock_irqrestore(rwlock_t *lock, unsigned long flags)
{
	write_unlock(lock);
	local_irq_restore(flags);
}
