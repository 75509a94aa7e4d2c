/* SPDX-License-Identifier: MIT */
/*
 * rcupdate.h - read-copy update as allocator code uses it: read-side
 * critical sections, grace periods (synchronize_rcu), callbacks after a
 * grace period (call_rcu, kfree_rcu), rcu_barrier, and the publish/read
 * pointer accessors. The engine is src/kernel/rcu.c (docs/kernel-api.md
 * "RCU"): a grace period ends when every rcu_read_lock() section that began
 * before it has ended, on every thread.
 */
#ifndef _UKMEM_LINUX_RCUPDATE_H
#define _UKMEM_LINUX_RCUPDATE_H

#include <linux/cleanup.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/preempt.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*rcu_callback_t)(struct rcu_head *head);

/* read side: nestable, never blocks, legal in any context */
void rcu_read_lock(void);
void rcu_read_unlock(void);
/* nonzero inside rcu_read_lock() on this thread */
int rcu_read_lock_held(void);
#define rcu_read_lock_any_held()   rcu_read_lock_held()
#define rcu_read_lock_bh_held()	   rcu_read_lock_held()
#define rcu_read_lock_sched_held() rcu_read_lock_held()
#define rcu_read_lock_bh()	   rcu_read_lock()
#define rcu_read_unlock_bh()	   rcu_read_unlock()
static inline void rcu_read_lock_sched(void)
{
	preempt_disable();
	rcu_read_lock();
}
static inline void rcu_read_unlock_sched(void)
{
	rcu_read_unlock();
	preempt_enable();
}

/* update side */
void synchronize_rcu(void);
#define synchronize_rcu_expedited() synchronize_rcu()
#define synchronize_rcu_mult(...)   synchronize_rcu()
#define synchronize_net()	    synchronize_rcu()
void call_rcu(struct rcu_head *head, rcu_callback_t func);
#define call_rcu_hurry(head, func) call_rcu(head, func)
void rcu_barrier(void);
#define kvfree_rcu_barrier() rcu_barrier()
void kvfree_call_rcu(struct rcu_head *head, void *ptr);

/* polled grace periods: a cookie, then whether a full grace period has passed since */
unsigned long get_state_synchronize_rcu(void);
unsigned long start_poll_synchronize_rcu(void);
bool poll_state_synchronize_rcu(unsigned long oldstate);
void cond_synchronize_rcu(unsigned long oldstate);

/*
 * kfree_rcu(ptr, rhf) / kvfree_rcu(ptr, rhf) - free @ptr (kmalloc'd, or
 * kvmalloc'd) after a grace period, through its rcu_head member @rhf. NULL
 * is ignored. The _mightsleep forms need no rcu_head: they wait for the
 * grace period in the caller (may sleep).
 */
#define kvfree_rcu_arg_2(ptr, rhf)                                                                 \
	do {                                                                                       \
		__typeof__(ptr) ___p = (ptr);                                                      \
		if (___p)                                                                          \
			kvfree_call_rcu(&((___p)->rhf), (void *)(___p));                           \
	} while (0)
void __kvfree_rcu_mightsleep(void *ptr);
#define kfree_rcu(ptr, rhf)	   kvfree_rcu_arg_2(ptr, rhf)
#define kvfree_rcu(ptr, rhf)	   kvfree_rcu_arg_2(ptr, rhf)
#define kfree_rcu_mightsleep(ptr)  __kvfree_rcu_mightsleep((void *)(ptr))
#define kvfree_rcu_mightsleep(ptr) __kvfree_rcu_mightsleep((void *)(ptr))

/* pointers: publish with release, read with a dependency-ordered (acquire) load */
#define rcu_dereference_raw(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference(p)		rcu_dereference_raw(p)
#define rcu_dereference_bh(p)		rcu_dereference_raw(p)
#define rcu_dereference_sched(p)	rcu_dereference_raw(p)
#define rcu_dereference_check(p, c)	rcu_dereference_raw(p)
#define rcu_dereference_bh_check(p, c)	rcu_dereference_raw(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_access_pointer(p)		__atomic_load_n(&(p), __ATOMIC_RELAXED)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)		__atomic_store_n(&(p), (v), __ATOMIC_RELAXED)
#define RCU_INITIALIZER(v)		(v)
#define rcu_replace_pointer(rcu_ptr, ptr, c)                                                       \
	({                                                                                         \
		__typeof__(ptr) __tmp = rcu_dereference_protected((rcu_ptr), (c));                 \
		rcu_assign_pointer((rcu_ptr), (ptr));                                              \
		__tmp;                                                                             \
	})
#define rcu_pointer_handoff(p) (p)
#define unrcu_pointer(p)       (p)

static inline void rcu_head_init(struct rcu_head *rhp)
{
	rhp->func = (rcu_callback_t)~0UL;
}
static inline bool rcu_head_after_call_rcu(struct rcu_head *rhp, rcu_callback_t f)
{
	return rhp->func == f;
}

#ifdef __cplusplus
}
#endif

/* guard(rcu)() (linux/cleanup.h) */
DEFINE_LOCK_GUARD_0(rcu, rcu_read_lock(), rcu_read_unlock())

#endif
