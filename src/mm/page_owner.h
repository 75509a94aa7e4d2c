/* SPDX-License-Identifier: MIT */
/*
 * page_owner.h (internal) - the page allocator's owner records
 * (page_owner=on, the kernel's mm/page_owner.c): who allocated each block.
 */
#ifndef UKMEM_MM_PAGE_OWNER_H
#define UKMEM_MM_PAGE_OWNER_H

#include <linux/types.h>
#include <stdio.h>

struct page;

/* page_owner=on: read by the page allocator's hooks (false: no cost but a test) */
extern bool page_owner_enabled;

void __set_page_owner(struct page *page, unsigned int order, gfp_t gfp);
void __reset_page_owner(struct page *page, unsigned int order);

static inline void set_page_owner(struct page *page, unsigned int order, gfp_t gfp)
{
	if (__builtin_expect(page_owner_enabled, 0))
		__set_page_owner(page, order, gfp);
}
static inline void reset_page_owner(struct page *page, unsigned int order)
{
	if (__builtin_expect(page_owner_enabled, 0))
		__reset_page_owner(page, order);
}

/* page_owner_stamp - a digest of @page's allocation record, 0 when there is none */
u64 page_owner_stamp(const struct page *page);
/* page_owner_print - "Page allocated via ..." and the stack, each line after @indent */
bool page_owner_print(FILE *out, const struct page *page, const char *indent);
/* page_owner_print_free - "page last free pid ..." of a free frame */
bool page_owner_print_free(FILE *out, const struct page *page, const char *indent);

int page_owner_param(const char *key, const char *val);
int page_owner_init(void);
void page_owner_exit(void);
int page_owner_show(FILE *out);

#endif
