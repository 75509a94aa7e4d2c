/* SPDX-License-Identifier: MIT */
/*
 * kasan.h - KASAN's interface, for code that calls it: ukmem has no KASAN
 * (its checks are slub_debug's and the host's sanitizers), so these are
 * no-ops, as in a kernel built without CONFIG_KASAN.
 */
#ifndef _UKMEM_LINUX_KASAN_H
#define _UKMEM_LINUX_KASAN_H

static inline void kasan_disable_current(void)
{
}
static inline void kasan_enable_current(void)
{
}
#define kasan_reset_tag(addr)	   ((void *)(addr))
#define kasan_check_read(p, size)  ((void)(p), (void)(size), true)
#define kasan_check_write(p, size) ((void)(p), (void)(size), true)
#define kasan_enabled()		   0

#endif
