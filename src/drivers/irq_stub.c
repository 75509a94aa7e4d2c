// SPDX-License-Identifier: MIT
/*
 * irq_stub.c - TEMPORARY: stands in for ukmem_raise_irq() until the
 * contexts part (kernel/irq) is merged; the lead deletes this file at merge.
 */
#include <linux/errno.h>

#include "machine/machine.h"

int ukmem_raise_irq(unsigned int irq);

__ukmem_export int ukmem_raise_irq(unsigned int irq)
{
	(void)irq;
	return -ENOSYS;
}
