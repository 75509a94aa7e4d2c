// SPDX-License-Identifier: MIT
/*
 * util.c - string and buffer duplication on kmalloc (the kernel's
 * mm/util.c): kstrdup, kstrndup, kstrdup_const/kfree_const, kmemdup,
 * kmemdup_nul. Each returns NULL for a NULL source or when memory runs out.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <string.h>

#include "machine/machine.h"

/*
 * The kernel's is_kernel_rodata() tests the kernel image's .rodata; here
 * the host is asked whether @x lies in a read-only segment of the program
 * or of a loaded library (string literals do). Anything else - a stack
 * buffer, host malloc memory, a kmalloc object - may change or go away, so
 * kstrdup_const() must copy it.
 */
static bool is_kernel_rodata(const void *x)
{
	return plat_is_rodata(x);
}

/**
 * kstrdup - a kmalloc copy of @s.
 * Context: as kmalloc() with @gfp.
 * Return: the copy, or NULL (also for @s NULL).
 */
__ukmem_export char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	buf = kmalloc(len, gfp);
	if (buf)
		memcpy(buf, s, len);
	return buf;
}

/**
 * kstrdup_const - @s itself when it lies in read-only data (a string
 * literal), else kstrdup(). Free with kfree_const().
 * Return: the string, or NULL.
 */
__ukmem_export const char *kstrdup_const(const char *s, gfp_t gfp)
{
	if (s && is_kernel_rodata(s))
		return s;
	return kstrdup(s, gfp);
}

/* kfree_const - kfree() unless @x came back from kstrdup_const() unchanged. */
__ukmem_export void kfree_const(const void *x)
{
	if (x && !is_kernel_rodata(x))
		kfree(x);
}

/**
 * kstrndup - a kmalloc copy of at most @max bytes of @s, NUL-terminated.
 * Return: the copy, or NULL.
 */
__ukmem_export char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	buf = kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

/**
 * kmemdup - a kmalloc copy of @len bytes at @src.
 * Return: the copy, ZERO_SIZE_PTR for @len 0, or NULL.
 */
__ukmem_export void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p && !ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

/**
 * kmemdup_nul - a kmalloc copy of @len bytes at @s plus a terminating NUL.
 * Return: the string, or NULL (also for @s NULL).
 */
__ukmem_export char *kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *buf;

	if (!s || len == SIZE_MAX)
		return NULL;
	buf = kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}
