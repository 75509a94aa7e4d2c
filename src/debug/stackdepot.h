/* SPDX-License-Identifier: MIT */
/*
 * stackdepot.h (internal) - the kernel's stack depot (lib/stackdepot.c):
 * each distinct stack trace is stored once, and a 32-bit handle names it.
 * SLUB's owner tracking keeps a handle in struct track instead of the
 * frames, so the tracking record has the kernel's size.
 */
#ifndef UKMEM_DEBUG_STACKDEPOT_H
#define UKMEM_DEBUG_STACKDEPOT_H

#include <linux/types.h>

typedef u32 depot_stack_handle_t;

/* the most frames one record keeps (the kernel's TRACK_ADDRS_COUNT) */
#define STACK_DEPOT_MAX_FRAMES 16

/*
 * stack_depot_save - store @nr frames (at most STACK_DEPOT_MAX_FRAMES are
 * kept). Context: any; never sleeps, takes no ukmem lock.
 * Return: the handle, or 0 for an empty trace or a full depot.
 */
depot_stack_handle_t stack_depot_save(const unsigned long *entries, unsigned int nr);
/* stack_depot_fetch - the frames of @handle. Return: their number (0 for a bad handle). */
unsigned int stack_depot_fetch(depot_stack_handle_t handle, const unsigned long **entries);
/* stack_depot_print - one " %pS" line per frame of @handle, at KERN_ERR. */
void stack_depot_print(depot_stack_handle_t handle);
/* stack_depot_fork_child - a fork child's hook: the parent's lock holder is gone. */
void stack_depot_fork_child(void);

#endif
