/* SPDX-License-Identifier: MIT */
/*
 * hardirq.h - interrupt context. irq_enter()/irq_exit() put the calling task
 * in hardirq context (irqs off) the way the kernel's entry code does around a
 * handler; ukmem_softirq_enter()/exit() likewise for softirq handlers.
 */
#ifndef _UKMEM_LINUX_HARDIRQ_H
#define _UKMEM_LINUX_HARDIRQ_H
#include <linux/preempt.h>
#include <linux/irqflags.h>
#pragma GCC visibility push(default)
void irq_enter(void);
void irq_exit(void);
void ukmem_softirq_enter(void);
void ukmem_softirq_exit(void);
#pragma GCC visibility pop
#endif
