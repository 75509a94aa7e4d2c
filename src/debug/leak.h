/* SPDX-License-Identifier: MIT */
/*
 * leak.h (internal) - what the leak report (debug/leak.c), kmemleak
 * (mm/kmemleak.c) and page_owner (mm/page_owner.c) need of the allocators:
 * walks over what each of them has handed out, and owner records.
 */
#ifndef UKMEM_DEBUG_LEAK_H
#define UKMEM_DEBUG_LEAK_H

#include <linux/types.h>
#include <linux/vmalloc.h>
#include <stdio.h>

struct page;
struct kmem_cache;
struct track;

/* percpu.c: every held per-CPU area (handle, size per CPU), under pcpu_lock */
unsigned long pcpu_for_each_area(void (*fn)(void *handle, unsigned long size, void *arg),
				 void *arg);
/* vmalloc.c: every VM_ALLOC area, under vmap_area_lock */
unsigned long vmalloc_for_each_area(void (*fn)(const struct vm_struct *vm, void *arg), void *arg);
/* page_alloc.c: order of the allocated block @page heads, or -1 */
int page_alloc_block_order(const struct page *page);
/* slub_debug.c: @object's alloc (0) or free (1) record; NULL without SLAB_STORE_USER */
const struct track *slab_object_track(struct kmem_cache *s, void *object, int item);

/*
 * leak_printf - one line of a leak or owner report: to @out when it is not
 * NULL, else to the kernel log at KERN_ERR.
 */
void leak_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* leak_print_stack - the frames of a stack depot handle, one " %pS" line each */
void leak_print_stack(FILE *out, u32 handle, const char *indent);
/* leak_print_track - "Allocated in/Freed in ..." and the stack of a slab track */
void leak_print_track(FILE *out, const char *what, const struct track *t);

/* debug/leak.c: the shutdown listing of leaked page blocks (page_alloc_exit) */
void leak_report_pages(void);
/* debug/leak.c: slab_exit()'s listing of the objects @s still has in use */
void leak_list_cache(struct kmem_cache *s);

#endif
