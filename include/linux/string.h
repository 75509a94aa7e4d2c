/* SPDX-License-Identifier: MIT */
/* string.h - libc's string functions plus the kernel's own; the slab issue adds kstrdup & co. */
#ifndef _UKMEM_LINUX_STRING_H
#define _UKMEM_LINUX_STRING_H
#include_next <linux/string.h>
#include <string.h>
#include <linux/types.h>
#include <linux/gfp_types.h>
char *kstrdup(const char *s, gfp_t gfp) __malloc;
const char *kstrdup_const(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t max, gfp_t gfp);
void *kmemdup(const void *src, size_t len, gfp_t gfp) __alloc_size(2);
char *kmemdup_nul(const char *s, size_t len, gfp_t gfp);
void kfree_const(const void *x);
static inline void memzero_explicit(void *s, size_t count)
{
	memset(s, 0, count);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}
static inline size_t strscpy(char *dst, const char *src, size_t count)
{
	size_t n = strnlen(src, count);
	if (count == 0)
		return (size_t)-7; /* -E2BIG */
	if (n == count) {
		memcpy(dst, src, count - 1);
		dst[count - 1] = 0;
		return (size_t)-7;
	}
	memcpy(dst, src, n + 1);
	return n;
}
#endif
