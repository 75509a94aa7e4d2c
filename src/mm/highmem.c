// SPDX-License-Identifier: MIT
/*
 * highmem.c - addresses of pages. A lowmem page's address is its place in
 * the direct map; a highmem page has one only while kmapped (page->virtual).
 */
#include <linux/mm.h>

#include "mm/internal.h"

/**
 * page_address - the kernel virtual address of a page
 * @page: the page
 *
 * Context: any.
 * Return: the direct-map address of a lowmem page; for a highmem page the
 * address of its current kmap, or NULL if it is not mapped.
 */
__ukmem_export void *page_address(const struct page *page)
{
	if (!PageHighMem(page))
		return lowmem_page_address(page);
	return __atomic_load_n(&((struct page *)page)->virtual, __ATOMIC_ACQUIRE);
}
