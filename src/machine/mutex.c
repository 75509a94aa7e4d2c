// SPDX-License-Identifier: MIT
/*
 * mutex.c - sleeping locks over host mutexes. mutex_lock() may sleep: in
 * atomic context it reports "sleeping function called from invalid context"
 * and then goes on (as a kernel with CONFIG_DEBUG_ATOMIC_SLEEP does).
 */
#include <linux/kernel.h>
#include <linux/mutex.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"

__ukmem_export void mutex_init(struct mutex *lock)
{
	pthread_mutex_init(&lock->m, NULL);
	lock->owner_pid = 0;
}

__ukmem_export void mutex_destroy(struct mutex *lock)
{
	pthread_mutex_destroy(&lock->m);
}

__ukmem_export void __mutex_lock(struct mutex *lock, const char *file, int line)
{
	struct task_struct *t = current_task();

	might_sleep_check(file, line);
	if (unlikely(__atomic_load_n(&lock->owner_pid, __ATOMIC_RELAXED) == t->pid)) {
		report_start(UKMEM_REPORT_BUG);
		printk(KERN_ERR "BUG: mutex recursion: %s/%d already holds %px\n", t->comm, t->pid,
		       (void *)lock);
		report_stack();
		report_end(UKMEM_REPORT_BUG);
	}
	if (pthread_mutex_trylock(&lock->m)) {
		cpu_sleep_prepare(t); /* no standing lease kept while blocked */
		pthread_mutex_lock(&lock->m);
	}
	__atomic_store_n(&lock->owner_pid, t->pid, __ATOMIC_RELAXED);
}

__ukmem_export int __mutex_lock_interruptible(struct mutex *lock, const char *file, int line)
{
	__mutex_lock(lock, file, line);
	return 0;
}

__ukmem_export int mutex_trylock(struct mutex *lock)
{
	if (pthread_mutex_trylock(&lock->m))
		return 0;
	__atomic_store_n(&lock->owner_pid, current_task()->pid, __ATOMIC_RELAXED);
	return 1;
}

__ukmem_export void mutex_unlock(struct mutex *lock)
{
	struct task_struct *t = current_task();

	if (unlikely(__atomic_load_n(&lock->owner_pid, __ATOMIC_RELAXED) != t->pid)) {
		report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, __builtin_return_address(0),
			    "DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)\n");
		return;
	}
	__atomic_store_n(&lock->owner_pid, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock->m);
}

__ukmem_export int mutex_is_locked(struct mutex *lock)
{
	return __atomic_load_n(&lock->owner_pid, __ATOMIC_RELAXED) != 0;
}
