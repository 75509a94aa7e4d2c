/* SPDX-License-Identifier: MIT */
/*
 * delay.h - busy waits (udelay, ndelay, mdelay: fine in any context) and
 * sleeps (msleep, usleep_range, ssleep: process context only, reported as
 * "sleeping function called from invalid context" elsewhere).
 */
#ifndef _UKMEM_LINUX_DELAY_H
#define _UKMEM_LINUX_DELAY_H
#include <linux/types.h>

#pragma GCC visibility push(default)
void msleep(unsigned int msecs);
unsigned long msleep_interruptible(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);
void udelay(unsigned long usecs);
void ndelay(unsigned long nsecs);
void mdelay(unsigned long msecs);
#pragma GCC visibility pop

static inline void ssleep(unsigned int seconds)
{
	msleep(seconds * 1000);
}

static inline void fsleep(unsigned long usecs)
{
	if (usecs <= 10)
		udelay(usecs);
	else if (usecs <= 20000)
		usleep_range(usecs, 2 * usecs);
	else
		msleep((unsigned int)((usecs + 999) / 1000));
}

#endif
