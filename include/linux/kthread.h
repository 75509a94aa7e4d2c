/* SPDX-License-Identifier: MIT */
/*
 * kthread.h - kernel threads: a host thread that is a task of the machine
 * (PF_KTHREAD), created stopped, started by wake_up_process(), and stopped
 * with kthread_stop(), which wakes it, sets kthread_should_stop() and
 * waits for its function's return value. A thread whose function returned
 * early stays a zombie until kthread_stop() (or the shutdown) reaps it, so
 * its task_struct stays valid as the kernel's reference would keep it.
 */
#ifndef _UKMEM_LINUX_KTHREAD_H
#define _UKMEM_LINUX_KTHREAD_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/sched.h>

#define NUMA_NO_NODE (-1)

#pragma GCC visibility push(default)
__printf(4, 5) struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data,
							  int node, const char namefmt[], ...);
int kthread_stop(struct task_struct *k);
bool kthread_should_stop(void);
void kthread_bind(struct task_struct *k, unsigned int cpu);
#pragma GCC visibility pop

#define kthread_create(threadfn, data, namefmt, arg...)                                           \
	kthread_create_on_node(threadfn, data, NUMA_NO_NODE, namefmt, ##arg)

#define kthread_run(threadfn, data, namefmt, ...)                                                 \
	({                                                                                         \
		struct task_struct *__k = kthread_create(threadfn, data, namefmt, ##__VA_ARGS__); \
		if ((unsigned long)__k < (unsigned long)-4095)                                     \
			wake_up_process(__k);                                                      \
		__k;                                                                               \
	})

#endif
