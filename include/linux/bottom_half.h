/* SPDX-License-Identifier: MIT */
#ifndef _UKMEM_LINUX_BOTTOM_HALF_H
#define _UKMEM_LINUX_BOTTOM_HALF_H
#include <linux/preempt.h>
#pragma GCC visibility push(default)
void local_bh_disable(void);
void local_bh_enable(void);
#pragma GCC visibility pop
#endif
