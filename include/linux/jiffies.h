/* SPDX-License-Identifier: MIT */
/*
 * jiffies.h - the tick count. HZ is 1000 (x86_64 defconfig's CONFIG_HZ_1000)
 * and, as in the kernel, jiffies starts 5 minutes before wrapping its low
 * 32 bits (INITIAL_JIFFIES), so code that compares jiffies without
 * time_after() meets a wrap early. jiffies is read from the host's
 * monotonic clock: a function call behind the kernel's variable name.
 */
#ifndef _UKMEM_LINUX_JIFFIES_H
#define _UKMEM_LINUX_JIFFIES_H
#include <linux/types.h>
#include <limits.h>

#define HZ	   1000
#define USER_HZ	   100
#define MSEC_PER_SEC 1000L
#define USEC_PER_MSEC 1000L
#define USEC_PER_SEC 1000000L
#define NSEC_PER_USEC 1000L
#define NSEC_PER_MSEC 1000000L
#define NSEC_PER_SEC 1000000000L
#define INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300 * HZ))
#define MAX_JIFFY_OFFSET ((LONG_MAX >> 1) - 1)

#pragma GCC visibility push(default)
u64 get_jiffies_64(void);
#pragma GCC visibility pop

#define jiffies	   ((unsigned long)get_jiffies_64())
#define jiffies_64 get_jiffies_64()

#define time_after(a, b)	 ((long)((b) - (a)) < 0)
#define time_before(a, b)	 time_after(b, a)
#define time_after_eq(a, b)	 ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	 time_after_eq(b, a)
#define time_in_range(a, b, c)	 (time_after_eq(a, b) && time_before_eq(a, c))
#define time_after64(a, b)	 ((s64)((b) - (a)) < 0)
#define time_before64(a, b)	 time_after64(b, a)
#define time_after_eq64(a, b)	 ((s64)((a) - (b)) >= 0)
#define time_before_eq64(a, b)	 time_after_eq64(b, a)
#define time_is_before_jiffies(a) time_after(jiffies, a)
#define time_is_after_jiffies(a)  time_before(jiffies, a)

static inline unsigned int jiffies_to_msecs(const unsigned long j)
{
	return (unsigned int)j; /* HZ == 1000 */
}

static inline unsigned int jiffies_to_usecs(const unsigned long j)
{
	return (unsigned int)(j * 1000);
}

static inline u64 jiffies_to_nsecs(const unsigned long j)
{
	return (u64)j * NSEC_PER_MSEC;
}

/* like the kernel's: a negative (huge) value gives MAX_JIFFY_OFFSET */
static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	if ((int)m < 0)
		return MAX_JIFFY_OFFSET;
	return m;
}

static inline unsigned long usecs_to_jiffies(const unsigned int u)
{
	if (u > (unsigned int)jiffies_to_usecs(MAX_JIFFY_OFFSET))
		return MAX_JIFFY_OFFSET;
	return (u + 999) / 1000;
}

static inline unsigned long nsecs_to_jiffies(u64 n)
{
	return (unsigned long)(n / NSEC_PER_MSEC);
}

#define secs_to_jiffies(s) ((unsigned long)(s) * HZ)

#endif
