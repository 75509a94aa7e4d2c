// SPDX-License-Identifier: MIT
/*
 * failslab.c - fault injection for slab allocations (the kernel's
 * mm/failslab.c): the failslab attribute and should_failslab(), which the
 * full allocation path asks before taking an object, as the kernel's
 * slab_pre_alloc_hook() does.
 *
 * vmalloc and per-CPU allocations ask the same attribute once per call
 * (should_fail_alloc_object()): Linux lets them fail only through the
 * pages and slab objects beneath, which for a per-CPU allocation from an
 * existing chunk is never; ukmem wants every allocation site to be
 * testable (docs/fault-injection.md).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <string.h>

#include "lib/fault-inject.h"
#include "mm/slab.h"

struct failslab_attr failslab;
int slab_hooks;

void failslab_reset(void)
{
	struct fault_attr init = FAULT_ATTR_INITIALIZER;

	failslab.attr = init;
	failslab.attr.dname = "failslab";
	failslab.ignore_gfp_reclaim = true;
	failslab.cache_filter = false;
}

int should_failslab(struct kmem_cache *s, gfp_t gfpflags)
{
	int flags = 0;

	/* no fault injection for the bootstrap cache (nor ukmem's own sheaf cache) */
	if (unlikely(s == slab_sheaf_cache || (s->name && !strcmp(s->name, "kmem_cache"))))
		return 0;
	if (gfpflags & __GFP_NOFAIL)
		return 0;
	if (__atomic_load_n(&failslab.ignore_gfp_reclaim, __ATOMIC_RELAXED) &&
	    (gfpflags & __GFP_DIRECT_RECLAIM))
		return 0;
	if (__atomic_load_n(&failslab.cache_filter, __ATOMIC_RELAXED) &&
	    !(s->flags & SLAB_FAILSLAB))
		return 0;
	/* __GFP_NOWARN callers want no output at all (the kernel's commit 6b9dbedbe349) */
	if (gfpflags & __GFP_NOWARN)
		flags |= FAULT_NOWARN;
	return should_fail_ex(&failslab.attr, s->object_size, flags) ? -ENOMEM : 0;
}

bool should_fail_alloc_object(gfp_t gfp, size_t size)
{
	int flags = 0;

	if (!fault_inject_on())
		return false;
	if (gfp & __GFP_NOFAIL)
		return false;
	if (__atomic_load_n(&failslab.ignore_gfp_reclaim, __ATOMIC_RELAXED) &&
	    (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	/* no cache to carry SLAB_FAILSLAB: a cache filter leaves them alone */
	if (__atomic_load_n(&failslab.cache_filter, __ATOMIC_RELAXED))
		return false;
	if (gfp & __GFP_NOWARN)
		flags |= FAULT_NOWARN;
	return should_fail_ex(&failslab.attr, (ssize_t)size, flags);
}
