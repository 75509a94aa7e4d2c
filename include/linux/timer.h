/* SPDX-License-Identifier: MIT */
/*
 * timer.h - timer_list timers. A timer fires on the CPU that armed it, in
 * softirq context (TIMER_SOFTIRQ), once jiffies has passed its expiry: the
 * machine's timer thread takes that CPU and runs the softirq there, as a
 * tick would. timer_delete_sync() waits for a running callback.
 */
#ifndef _UKMEM_LINUX_TIMER_H
#define _UKMEM_LINUX_TIMER_H
#include <linux/types.h>
#include <linux/list.h>
#include <linux/container_of.h>
#include <linux/jiffies.h>
#include <time.h> /* first: POSIX has a timer_delete() of its own (see below) */

struct timer_list {
	struct list_head entry; /* entry.next NULL: not pending */
	unsigned long expires;
	void (*function)(struct timer_list *);
	u32 flags;
	u32 __running; /* (internal) callback running, under the timer lock */
};

#define TIMER_CPUMASK	 0x0003FFFF
#define TIMER_MIGRATING	 0x00040000
#define TIMER_BASEMASK	 (TIMER_CPUMASK | TIMER_MIGRATING)
#define TIMER_DEFERRABLE 0x00080000
#define TIMER_PINNED	 0x00100000
#define TIMER_IRQSAFE	 0x00200000
#define TIMER_INIT_FLAGS (TIMER_DEFERRABLE | TIMER_PINNED | TIMER_IRQSAFE)

#define __TIMER_INITIALIZER(_function, _flags)                                                    \
	{.entry = {NULL, NULL}, .function = (_function), .flags = (_flags)}
#define DEFINE_TIMER(_name, _function)                                                            \
	struct timer_list _name = __TIMER_INITIALIZER(_function, 0)

#define from_timer(var, callback_timer, timer_fieldname)                                          \
	container_of(callback_timer, __typeof__(*var), timer_fieldname)

#pragma GCC visibility push(default)
void timer_setup(struct timer_list *timer, void (*func)(struct timer_list *), unsigned int flags);
int timer_pending(const struct timer_list *timer);
void add_timer(struct timer_list *timer);
void add_timer_on(struct timer_list *timer, int cpu);
int mod_timer(struct timer_list *timer, unsigned long expires);
int mod_timer_pending(struct timer_list *timer, unsigned long expires);
int timer_reduce(struct timer_list *timer, unsigned long expires);
int __ukmem_timer_delete(struct timer_list *timer);
int timer_delete_sync(struct timer_list *timer);
int timer_shutdown(struct timer_list *timer);
int timer_shutdown_sync(struct timer_list *timer);
int try_to_del_timer_sync(struct timer_list *timer);
#pragma GCC visibility pop

/* the kernel's name, over POSIX timer_delete(timer_t) of <time.h> */
#define timer_delete(timer) __ukmem_timer_delete(timer)

#define timer_setup_on_stack(timer, callback, flags) timer_setup(timer, callback, flags)
#define destroy_timer_on_stack(timer) do { } while (0)

/* the names 6.12 still has */
static inline int del_timer(struct timer_list *timer)
{
	return timer_delete(timer);
}

static inline int del_timer_sync(struct timer_list *timer)
{
	return timer_delete_sync(timer);
}

static inline unsigned long round_jiffies(unsigned long j)
{
	return j - j % HZ + HZ;
}

static inline unsigned long round_jiffies_relative(unsigned long j)
{
	return j;
}

#endif
