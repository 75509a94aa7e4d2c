/* SPDX-License-Identifier: MIT */
#ifndef _UKMEM_LINUX_ERRNO_H
#define _UKMEM_LINUX_ERRNO_H
#include_next <linux/errno.h>
#include <errno.h>
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline int IS_ERR(const void *ptr) { return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO; }
static inline int IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }
#endif
