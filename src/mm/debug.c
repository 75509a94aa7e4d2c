// SPDX-License-Identifier: MIT
/*
 * debug.c - dump_page(): the struct page dump that "Bad page state" and
 * VM_BUG_ON_PAGE print, in the line formats of Linux 6.12 mm/debug.c
 * (__dump_folio):
 *
 *   page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x1f3
 *   head: order:3 mapcount:0 entire_mapcount:0 nr_pages_mapped:0 pincount:0
 *   flags: 0x4000000000000001(locked|node=0|zone=1)
 *   page_type: f5(slab)
 *   raw: 4000000000000001 0000000000000000 ... (print_hex_dump, 8-byte groups)
 *   raw: ...
 *   head: ... (a compound page's first two struct pages)
 *   page dumped because: <reason>
 *
 * Hex numbers are printed "0x%lx", not "%#lx": the kernel's %#lx prints
 * 0 as "0x0", the C library's as "0".
 *
 * What differs from 6.12 and why:
 * - ukmem keeps the 6.12 page types (buddy, slab, table) as PG_* bits, and
 *   page->page_type holds the allocator's order tag; the "page_type:" line
 *   shows the value 6.12 would hold (f0 buddy, f2 table, f5 slab), the raw
 *   lines show ukmem's real words.
 * - %pGp names every bit set, ukmem's type bits included (under their
 *   6.12 type names), then node=0|zone=N (no section/lastcpupid fields).
 * - ukmem never maps a page into user space: mapcount is always 0.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <string.h>

#include "mm/internal.h"

/* the 6.12 page type of @page (0 for none): PGTY_buddy/table/slab << 24 */
static unsigned int page_type_612(const struct page *page)
{
	if (PageBuddy(page))
		return 0xf0000000u;
	if (PageTable(page))
		return 0xf2000000u;
	if (PageSlab(page))
		return 0xf5000000u;
	return 0;
}

static const char *page_type_name(unsigned int type)
{
	switch (type >> 24) {
	case 0xf0:
		return "buddy";
	case 0xf2:
		return "table";
	case 0xf5:
		return "slab";
	default:
		return "unknown";
	}
}

/* print_hex_dump(KERN_WARNING, @prefix, DUMP_PREFIX_NONE, 32, 8, @p, @len, false) */
static void hex_dump_words(const char *prefix, const void *p, size_t len)
{
	const unsigned long *w = p;
	size_t i, n = len / sizeof(long);

	for (i = 0; i < n; i += 4) {
		char line[96];
		size_t pos = 0, j;

		for (j = i; j < n && j < i + 4; j++)
			pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "%s%016lx",
						j > i ? " " : "", w[j]);
		printk(KERN_WARNING "%s%s\n", prefix, line);
	}
}

/**
 * dump_page - print what the kernel knows about @page, and why
 * @page: a struct page of this machine
 * @reason: the "page dumped because:" text, or NULL
 *
 * Reads the struct page without locks (a snapshot, as the kernel's).
 *
 * Context: any; call between report_start() and report_end().
 */
void dump_page(const struct page *page, const char *reason)
{
	const struct page *head = compound_head(page);
	unsigned long idx = (unsigned long)(page - head), flags = head->flags;
	const void *mapping = PageSlab(head) ? NULL : head->mapping;
	unsigned int type = page_type_612(head);

	/* a tail that points outside the largest block is corrupt: dump it alone */
	if (idx >= MAX_ORDER_NR_PAGES) {
		head = page;
		idx = 0;
		flags = page->flags;
	}
	printk(KERN_WARNING "page: refcount:%d mapcount:%d mapping:%p index:0x%lx pfn:0x%lx\n",
	       atomic_read(&head->_refcount), 0, mapping, head->index + idx, page_to_pfn(page));
	if (PageHead(head))
		printk(KERN_WARNING "head: order:%u mapcount:%d entire_mapcount:%d "
				    "nr_pages_mapped:%d pincount:%d\n",
		       compound_order(head), 0, 0, 0, 0);
	printk(KERN_WARNING "flags: %pGp\n", &flags);
	if (type)
		printk(KERN_WARNING "page_type: %x(%s)\n", type >> 24, page_type_name(type));
	hex_dump_words("raw: ", page, sizeof(struct page));
	if (PageHead(head))
		hex_dump_words("head: ", head, 2 * sizeof(struct page));
	if (reason)
		printk(KERN_WARNING "page dumped because: %s\n", reason);
}
