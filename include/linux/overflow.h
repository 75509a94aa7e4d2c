/* SPDX-License-Identifier: MIT */
/*
 * overflow.h - arithmetic that reports overflow instead of wrapping:
 * check_*_overflow() (true when the result wrapped; *d holds the wrapped
 * value) and the size helpers that saturate at SIZE_MAX, which every
 * allocator refuses, so kmalloc(struct_size(p, items, n)) fails cleanly for
 * a huge n instead of allocating too little.
 */
#ifndef _UKMEM_LINUX_OVERFLOW_H
#define _UKMEM_LINUX_OVERFLOW_H

#include <linux/compiler.h>
#include <stddef.h>
#include <stdint.h>

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
#define overflows_type(n, T)                                                                       \
	({                                                                                         \
		__typeof__(T) __ovf_tmp;                                                           \
		__builtin_add_overflow((n), 0, &__ovf_tmp);                                        \
	})
#define is_signed_type(type) (((type)(-1)) < (type)1)
#define type_max(T)	     ((T)(is_signed_type(T) ? ((((T)1 << (8 * sizeof(T) - 2)) - 1) * 2 + 1) : ~(T)0))
#define type_min(T)	     ((T)(is_signed_type(T) ? -type_max(T) - 1 : (T)0))

static inline size_t __must_check size_mul(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}
static inline size_t __must_check size_add(size_t a, size_t b)
{
	size_t r;

	return __builtin_add_overflow(a, b, &r) ? SIZE_MAX : r;
}
/* a SIZE_MAX operand stays SIZE_MAX: a saturated size never shrinks back */
static inline size_t __must_check size_sub(size_t a, size_t b)
{
	size_t r;

	if (a == SIZE_MAX || b == SIZE_MAX || __builtin_sub_overflow(a, b, &r))
		return SIZE_MAX;
	return r;
}

#define array_size(a, b)     size_mul(a, b)
#define array3_size(a, b, c) size_mul(size_mul(a, b), c)
/* flex_array_size - bytes of @count elements of @p's flexible array @member */
#define flex_array_size(p, member, count) size_mul(count, sizeof(*(p)->member))
/* struct_size - bytes of *@p with @count elements in its flexible array @member */
#define struct_size(p, member, count)	   size_add(sizeof(*(p)), flex_array_size(p, member, count))
#define struct_size_t(type, member, count) struct_size((type *)NULL, member, count)

#endif
