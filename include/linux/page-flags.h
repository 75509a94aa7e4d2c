/* SPDX-License-Identifier: MIT */
/* page-flags.h - PG_* bits of page->flags and their test/set helpers. */
#ifndef _UKMEM_LINUX_PAGE_FLAGS_H
#define _UKMEM_LINUX_PAGE_FLAGS_H

#include <linux/mm_types.h>

enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,		/* first page of a compound page */
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_owner_2,
	PG_arch_1,
	PG_reserved,		/* never handed out (BIOS area, holes) */
	PG_private,
	PG_private_2,
	PG_writeback,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	/* page types (page->page_type in 6.12), kept as flag bits here */
	PG_buddy,		/* free, in the buddy allocator; private = order */
	PG_slab,		/* owned by a slab cache */
	PG_table,		/* a page-table page */
	PG_vmalloc,		/* backs a vmalloc area */
	PG_percpu,		/* backs a per-CPU chunk */
	PG_pcp,			/* free, on a per-CPU list; private = order */
	__NR_PAGEFLAGS
};

/* zone number in the top bits of page->flags */
#define ZONES_WIDTH	2
#define ZONES_PGSHIFT	(sizeof(unsigned long) * 8 - ZONES_WIDTH)
#define ZONES_MASK	((1UL << ZONES_WIDTH) - 1)

#define __UKMEM_PAGEFLAG(uname, lname)                                        \
static inline bool Page##uname(const struct page *page)                       \
{ return (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> PG_##lname) & 1; } \
static inline void SetPage##uname(struct page *page)                          \
{ __atomic_fetch_or(&page->flags, 1UL << PG_##lname, __ATOMIC_RELAXED); }     \
static inline void ClearPage##uname(struct page *page)                        \
{ __atomic_fetch_and(&page->flags, ~(1UL << PG_##lname), __ATOMIC_RELAXED); } \
static inline void __SetPage##uname(struct page *page)                        \
{ page->flags |= 1UL << PG_##lname; }                                         \
static inline void __ClearPage##uname(struct page *page)                      \
{ page->flags &= ~(1UL << PG_##lname); }

__UKMEM_PAGEFLAG(Locked, locked)
__UKMEM_PAGEFLAG(Referenced, referenced)
__UKMEM_PAGEFLAG(Uptodate, uptodate)
__UKMEM_PAGEFLAG(Dirty, dirty)
__UKMEM_PAGEFLAG(LRU, lru)
__UKMEM_PAGEFLAG(Head, head)
__UKMEM_PAGEFLAG(Reserved, reserved)
__UKMEM_PAGEFLAG(Private, private)
__UKMEM_PAGEFLAG(Buddy, buddy)
__UKMEM_PAGEFLAG(Slab, slab)
__UKMEM_PAGEFLAG(Table, table)
__UKMEM_PAGEFLAG(Vmalloc, vmalloc)
__UKMEM_PAGEFLAG(Percpu, percpu)
__UKMEM_PAGEFLAG(Pcp, pcp)

static inline bool PageTail(const struct page *page)
{
	return __atomic_load_n(&page->compound_head, __ATOMIC_RELAXED) & 1;
}
static inline bool PageCompound(const struct page *page)
{
	return PageHead(page) || PageTail(page);
}
static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = __atomic_load_n(&page->compound_head, __ATOMIC_RELAXED);

	if (head & 1)
		return (struct page *)(head - 1);
	return (struct page *)page;
}
static inline unsigned int compound_order(const struct page *page)
{
	if (!PageHead(page))
		return 0;
	return page[1].compound_order;
}

#endif
