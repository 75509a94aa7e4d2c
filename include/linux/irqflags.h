/* SPDX-License-Identifier: MIT */
/* irqflags.h - local interrupt state of the current CPU (per task here). */
#ifndef _UKMEM_LINUX_IRQFLAGS_H
#define _UKMEM_LINUX_IRQFLAGS_H

#include <linux/preempt.h>

#pragma GCC visibility push(default)
void local_irq_disable(void);
void local_irq_enable(void);
unsigned long __local_irq_save(void);
void local_irq_restore(unsigned long flags);
int irqs_disabled(void);
#pragma GCC visibility pop

#define local_irq_save(flags)	do { (flags) = __local_irq_save(); } while (0)
#define raw_local_irq_save(flags) local_irq_save(flags)
#define raw_local_irq_restore(flags) local_irq_restore(flags)
#define irqs_disabled_flags(flags) ((flags) != 0)

#endif
