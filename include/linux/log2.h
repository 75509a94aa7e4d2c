/* SPDX-License-Identifier: MIT */
#ifndef _UKMEM_LINUX_LOG2_H
#define _UKMEM_LINUX_LOG2_H
#include <stdbool.h>
static inline int __ilog2_ul(unsigned long n) { return (int)(sizeof(long) * 8 - 1) - __builtin_clzl(n); }
#define ilog2(n) __ilog2_ul((unsigned long)(n))
static inline bool is_power_of_2(unsigned long n) { return n != 0 && (n & (n - 1)) == 0; }
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1UL : 1UL << (__ilog2_ul(n - 1) + 1);
}
static inline unsigned long rounddown_pow_of_two(unsigned long n) { return 1UL << __ilog2_ul(n); }
static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int fls64(unsigned long long x) { return x ? 64 - __builtin_clzll(x) : 0; }
static inline unsigned long __ffs(unsigned long x) { return (unsigned long)__builtin_ctzl(x); }
static inline unsigned long __fls(unsigned long x) { return (unsigned long)__ilog2_ul(x); }
#define order_base_2(n) ((n) > 1 ? ilog2((n) - 1) + 1 : 0)
#endif
