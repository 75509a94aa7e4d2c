// SPDX-License-Identifier: MIT
/*
 * fail_page_alloc.c - fault injection for the page allocator (the kernel's
 * mm/fail_page_alloc.c). __alloc_pages() asks should_fail_alloc_page()
 * before it looks at any free list, where 6.12's prepare_alloc_pages()
 * does; a forced failure returns NULL without the "page allocation
 * failure" warning, as there.
 */
#include <linux/kernel.h>
#include <linux/mm.h>

#include "lib/fault-inject.h"

struct fail_page_alloc_attr fail_page_alloc;

void fail_page_alloc_reset(void)
{
	struct fault_attr init = FAULT_ATTR_INITIALIZER;

	fail_page_alloc.attr = init;
	fail_page_alloc.attr.dname = "fail_page_alloc";
	fail_page_alloc.ignore_gfp_reclaim = true;
	fail_page_alloc.ignore_gfp_highmem = true;
	fail_page_alloc.min_order = 1;
}

bool __should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	int flags = 0;

	if (order < __atomic_load_n(&fail_page_alloc.min_order, __ATOMIC_RELAXED))
		return false;
	if (gfp_mask & __GFP_NOFAIL)
		return false;
	if (__atomic_load_n(&fail_page_alloc.ignore_gfp_highmem, __ATOMIC_RELAXED) &&
	    (gfp_mask & __GFP_HIGHMEM))
		return false;
	if (__atomic_load_n(&fail_page_alloc.ignore_gfp_reclaim, __ATOMIC_RELAXED) &&
	    (gfp_mask & __GFP_DIRECT_RECLAIM))
		return false;
	/* see should_failslab() */
	if (gfp_mask & __GFP_NOWARN)
		flags |= FAULT_NOWARN;
	return should_fail_ex(&fail_page_alloc.attr, 1 << order, flags);
}
