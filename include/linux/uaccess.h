/* SPDX-License-Identifier: MIT */
/*
 * uaccess.h - copy_to_user()/copy_from_user() and hardened usercopy
 * (CONFIG_HARDENED_USERCOPY, mm/usercopy.c). ukmem has no user space: the
 * "user" side of a copy is plain host memory of the process (a NULL user
 * pointer counts as a fault: nothing copied). The kernel side is checked as
 * the kernel checks it: a span must lie inside one slab object and inside
 * its cache's usercopy window (kmem_cache_create_usercopy(); kmalloc caches
 * whole), inside one vmalloc area, inside one kmap'ed page, or inside one
 * (compound) page block. A refused copy is reported with the kernel's
 * "usercopy: Kernel memory exposure/overwrite attempt detected ..." text
 * and not done (the kernel BUG()s instead; see docs/hardening.md).
 */
#ifndef _UKMEM_LINUX_UACCESS_H
#define _UKMEM_LINUX_UACCESS_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <stdbool.h>

/* usercopy_abort - the report (mm/usercopy.c); in ukmem it returns */
void usercopy_abort(const char *name, const char *detail, bool to_user, unsigned long offset,
		    unsigned long len);
/* __check_object_size - check [@ptr, @ptr + @n) as a copy source (@to_user) or target */
void __check_object_size(const void *ptr, unsigned long n, bool to_user);
/* ukmem: the same check, telling whether the copy may go on */
bool ukmem_check_object_size(const void *ptr, unsigned long n, bool to_user);
static inline void check_object_size(const void *ptr, unsigned long n, bool to_user)
{
	__check_object_size(ptr, n, to_user);
}
/* check_copy_size - n above INT_MAX is a WARNING and no copy; then check_object_size() */
bool check_copy_size(const void *addr, size_t bytes, bool is_source);

/* Return: the number of bytes NOT copied (0 on success, @n when refused). */
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
#define __copy_to_user(to, from, n)   copy_to_user(to, from, n)
#define __copy_from_user(to, from, n) copy_from_user(to, from, n)

#endif
