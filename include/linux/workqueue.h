/* SPDX-License-Identifier: MIT */
/*
 * workqueue.h - work items run in process context by kworker threads
 * (in_task(), preemptible: GFP_KERNEL and sleeping are fine there).
 * One pool of kworkers serves every workqueue (the kernel's unbound pool;
 * it grows while all its workers are busy); max_active limits how many
 * items of one workqueue run at once (1: ordered), and a work item never
 * runs on two workers at once. Delayed work is armed with a timer.
 */
#ifndef _UKMEM_LINUX_WORKQUEUE_H
#define _UKMEM_LINUX_WORKQUEUE_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/container_of.h>
#include <linux/timer.h>

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	atomic_long_t data; /* WORK_STRUCT_* bits | the workqueue it was last queued on */
	struct list_head entry;
	work_func_t func;
};

enum {
	WORK_STRUCT_PENDING_BIT = 0,
	WORK_STRUCT_CANCELING_BIT = 1, /* (ukmem) a cancel_*_sync() is under way */
	WORK_STRUCT_FLAG_BITS = 4,
	WORK_STRUCT_PENDING = 1 << WORK_STRUCT_PENDING_BIT,
	WORK_CPU_UNBOUND = 4096,
};

struct workqueue_struct;

struct delayed_work {
	struct work_struct work;
	struct timer_list timer;
	struct workqueue_struct *wq;
	int cpu;
};

#define WORK_DATA_INIT() ATOMIC_LONG_INIT(0)
#define __WORK_INITIALIZER(n, f) {.data = WORK_DATA_INIT(), .entry = {&(n).entry, &(n).entry}, .func = (f)}
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)

#pragma GCC visibility push(default)
void delayed_work_timer_fn(struct timer_list *t);
#pragma GCC visibility pop

#define __DELAYED_WORK_INITIALIZER(n, f, tflags)                                                  \
	{.work = __WORK_INITIALIZER((n).work, (f)),                                                \
	 .timer = __TIMER_INITIALIZER(delayed_work_timer_fn, (tflags) | TIMER_IRQSAFE)}
#define DECLARE_DELAYED_WORK(n, f) struct delayed_work n = __DELAYED_WORK_INITIALIZER(n, f, 0)

#define INIT_WORK(_work, _func)                                                                   \
	do {                                                                                       \
		atomic_long_set(&(_work)->data, 0);                                                \
		INIT_LIST_HEAD(&(_work)->entry);                                                   \
		(_work)->func = (_func);                                                           \
	} while (0)
#define INIT_WORK_ONSTACK(_work, _func) INIT_WORK(_work, _func)
#define INIT_DELAYED_WORK(_work, _func)                                                           \
	do {                                                                                       \
		INIT_WORK(&(_work)->work, (_func));                                                \
		timer_setup(&(_work)->timer, delayed_work_timer_fn, TIMER_IRQSAFE);                \
		(_work)->wq = NULL;                                                                \
		(_work)->cpu = 0;                                                                  \
	} while (0)
#define INIT_DELAYED_WORK_ONSTACK(_work, _func) INIT_DELAYED_WORK(_work, _func)
#define destroy_work_on_stack(work) do { } while (0)
#define destroy_delayed_work_on_stack(work) do { } while (0)

#define work_pending(work) (atomic_long_read(&(work)->data) & WORK_STRUCT_PENDING)
#define delayed_work_pending(w) work_pending(&(w)->work)

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

/* alloc_workqueue() flags (the kernel's values) */
enum wq_flags {
	WQ_BH = 1 << 0,
	WQ_UNBOUND = 1 << 1,
	WQ_FREEZABLE = 1 << 2,
	WQ_MEM_RECLAIM = 1 << 3,
	WQ_HIGHPRI = 1 << 4,
	WQ_CPU_INTENSIVE = 1 << 5,
	WQ_SYSFS = 1 << 6,
	WQ_POWER_EFFICIENT = 1 << 7,
	__WQ_DESTROYING = 1 << 15,
	__WQ_DRAINING = 1 << 16,
	__WQ_ORDERED = 1 << 17,
	__WQ_LEGACY = 1 << 18,
	WQ_MAX_ACTIVE = 512,
	WQ_UNBOUND_MAX_ACTIVE = WQ_MAX_ACTIVE,
	WQ_DFL_ACTIVE = WQ_MAX_ACTIVE / 2,
};

#pragma GCC visibility push(default)
extern struct workqueue_struct *system_wq;
extern struct workqueue_struct *system_highpri_wq;
extern struct workqueue_struct *system_long_wq;
extern struct workqueue_struct *system_unbound_wq;
extern struct workqueue_struct *system_freezable_wq;
extern struct workqueue_struct *system_power_efficient_wq;

__printf(1, 4) struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
							int max_active, ...);
void destroy_workqueue(struct workqueue_struct *wq);
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);
bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *work,
			   unsigned long delay);
bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork,
			 unsigned long delay);
void flush_workqueue(struct workqueue_struct *wq);
void drain_workqueue(struct workqueue_struct *wq);
bool flush_work(struct work_struct *work);
bool cancel_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);
bool flush_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool work_busy(struct work_struct *work);
#pragma GCC visibility pop

#define alloc_ordered_workqueue(fmt, flags, args...)                                              \
	alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | (flags), 1, ##args)
#define create_workqueue(name) alloc_workqueue("%s", __WQ_LEGACY | WQ_MEM_RECLAIM, 1, (name))
#define create_freezable_workqueue(name)                                                          \
	alloc_workqueue("%s", __WQ_LEGACY | WQ_FREEZABLE | WQ_UNBOUND | WQ_MEM_RECLAIM, 1, (name))
#define create_singlethread_workqueue(name) alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, name)

static inline bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	return queue_work_on(WORK_CPU_UNBOUND, wq, work);
}

static inline bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
				      unsigned long delay)
{
	return queue_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay);
}

static inline bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
				    unsigned long delay)
{
	return mod_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay);
}

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

static inline bool schedule_work_on(int cpu, struct work_struct *work)
{
	return queue_work_on(cpu, system_wq, work);
}

static inline bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay)
{
	return queue_delayed_work(system_wq, dwork, delay);
}

static inline bool schedule_delayed_work_on(int cpu, struct delayed_work *dwork,
					    unsigned long delay)
{
	return queue_delayed_work_on(cpu, system_wq, dwork, delay);
}

#define flush_scheduled_work() flush_workqueue(system_wq)

#endif
