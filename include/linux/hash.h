/* SPDX-License-Identifier: MIT */
/*
 * hash.h - multiplicative (Fibonacci) hashing for hash tables: the golden
 * ratio constants of the kernel, so a table indexed by hash_32(x, bits)
 * spreads keys the same way. @bits must be 1..32 (1..64 for hash_64).
 */
#ifndef _UKMEM_LINUX_HASH_H
#define _UKMEM_LINUX_HASH_H

#include <linux/types.h>
#include <linux/compiler.h>

#define GOLDEN_RATIO_32 0x61C88647U
#define GOLDEN_RATIO_64 0x61C8864680B583EBULL

static inline u32 __hash_32(u32 val)
{
	return val * GOLDEN_RATIO_32;
}
static inline u32 hash_32(u32 val, unsigned int bits)
{
	return __hash_32(val) >> (32 - bits); /* the high bits are the well-mixed ones */
}
static inline u32 hash_64(u64 val, unsigned int bits)
{
	return (u32)((val * GOLDEN_RATIO_64) >> (64 - bits));
}
#if __SIZEOF_LONG__ == 8
#define hash_long(val, bits) hash_64(val, bits)
#else
#define hash_long(val, bits) hash_32(val, bits)
#endif
static inline u32 hash_ptr(const void *ptr, unsigned int bits)
{
	return hash_long((unsigned long)ptr, bits);
}
static inline u32 hash32_ptr(const void *ptr)
{
	unsigned long val = (unsigned long)ptr;

#if __SIZEOF_LONG__ == 8
	val ^= (val >> 32);
#endif
	return (u32)val;
}

#endif
