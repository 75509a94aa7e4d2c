/* SPDX-License-Identifier: MIT */
/*
 * preempt.h - preempt_count and preemption control. preempt_disable() really
 * keeps other tasks off this CPU until the matching preempt_enable(), so
 * per-CPU data touched in between needs no lock (see docs/cpu-model.md).
 */
#ifndef _UKMEM_LINUX_PREEMPT_H
#define _UKMEM_LINUX_PREEMPT_H

#include <linux/compiler.h>

#define PREEMPT_BITS	8
#define SOFTIRQ_BITS	8
#define HARDIRQ_BITS	4
#define NMI_BITS	4
#define PREEMPT_SHIFT	0
#define SOFTIRQ_SHIFT	(PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT	(SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT	(HARDIRQ_SHIFT + HARDIRQ_BITS)
#define __IRQ_MASK(x)	((1UL << (x)) - 1)
#define PREEMPT_MASK	(__IRQ_MASK(PREEMPT_BITS) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK	(__IRQ_MASK(SOFTIRQ_BITS) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK	(__IRQ_MASK(HARDIRQ_BITS) << HARDIRQ_SHIFT)
#define NMI_MASK	(__IRQ_MASK(NMI_BITS) << NMI_SHIFT)
#define PREEMPT_OFFSET	(1UL << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET	(1UL << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET	(1UL << HARDIRQ_SHIFT)
#define NMI_OFFSET	(1UL << NMI_SHIFT)
#define SOFTIRQ_DISABLE_OFFSET	(2 * SOFTIRQ_OFFSET)

#pragma GCC visibility push(default)
unsigned int preempt_count(void);
void __preempt_count_add(unsigned int val);
void __preempt_count_sub(unsigned int val);
#pragma GCC visibility pop

#define hardirq_count()	(preempt_count() & HARDIRQ_MASK)
#define softirq_count()	(preempt_count() & SOFTIRQ_MASK)
#define irq_count()	(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK))
#define in_nmi()		(preempt_count() & NMI_MASK)
#define in_hardirq()		(hardirq_count())
#define in_irq()		(hardirq_count())
#define in_softirq()		(softirq_count())
#define in_serving_softirq()	(softirq_count() & SOFTIRQ_OFFSET)
#define in_interrupt()		(irq_count())
#define in_task()	(!(preempt_count() & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_OFFSET)))
#define in_atomic()	(preempt_count() != 0)
#define preemptible()	(preempt_count() == 0 && !irqs_disabled())

#define preempt_disable()		__preempt_count_add(1)
#define preempt_enable()		__preempt_count_sub(1)
#define preempt_enable_no_resched()	__preempt_count_sub(1)
#define preempt_disable_notrace()	__preempt_count_add(1)
#define preempt_enable_notrace()	__preempt_count_sub(1)
#define migrate_disable()		preempt_disable()
#define migrate_enable()		preempt_enable()

#pragma GCC visibility push(default)
int irqs_disabled(void);
#pragma GCC visibility pop

#endif
