/* SPDX-License-Identifier: MIT */
/*
 * sched/mm.h - allocation scopes: inside memalloc_noio_save()/restore() every
 * allocation of this task behaves as GFP_NOIO, inside memalloc_nofs_*() as
 * GFP_NOFS, whatever flags the callee passes.
 */
#ifndef _UKMEM_LINUX_SCHED_MM_H
#define _UKMEM_LINUX_SCHED_MM_H

#include <linux/sched.h>
#include <linux/gfp_types.h>

static inline unsigned int memalloc_noio_save(void)
{
	unsigned int flags = current->flags & PF_MEMALLOC_NOIO;

	current->flags |= PF_MEMALLOC_NOIO;
	return flags;
}
static inline void memalloc_noio_restore(unsigned int flags)
{
	current->flags = (current->flags & ~PF_MEMALLOC_NOIO) | flags;
}
static inline unsigned int memalloc_nofs_save(void)
{
	unsigned int flags = current->flags & PF_MEMALLOC_NOFS;

	current->flags |= PF_MEMALLOC_NOFS;
	return flags;
}
static inline void memalloc_nofs_restore(unsigned int flags)
{
	current->flags = (current->flags & ~PF_MEMALLOC_NOFS) | flags;
}
static inline unsigned int memalloc_noreclaim_save(void)
{
	unsigned int flags = current->flags & PF_MEMALLOC;

	current->flags |= PF_MEMALLOC;
	return flags;
}
static inline void memalloc_noreclaim_restore(unsigned int flags)
{
	current->flags = (current->flags & ~PF_MEMALLOC) | flags;
}

/* current_gfp_context - @flags as the current task's scopes allow them. */
static inline gfp_t current_gfp_context(gfp_t flags)
{
	unsigned int pflags = current->flags;

	if (pflags & PF_MEMALLOC_NOIO)
		flags &= ~(__GFP_IO | __GFP_FS);
	else if (pflags & PF_MEMALLOC_NOFS)
		flags &= ~__GFP_FS;
	return flags;
}

#pragma GCC visibility push(default)
void __might_alloc(gfp_t gfp, const char *file, int line);
#pragma GCC visibility pop
#define might_alloc(gfp) __might_alloc(gfp, __FILE__, __LINE__)

#endif
