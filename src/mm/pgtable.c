// SPDX-License-Identifier: MIT
/*
 * pgtable.c - the kernel page table for the vmalloc (and kmap) space.
 *
 * Four levels as on x86_64, indexed by the bits of the (host) virtual
 * address: PGD [47:39] -> PUD [38:30] -> PMD [29:21] -> PTE [20:12]. An
 * upper-level entry holds the physical address of the next table page with
 * _PAGE_PRESENT|_PAGE_RW; a PTE holds pfn << PAGE_SHIFT with the protection
 * bits. The i386 profile uses the same format (the kernel would use two
 * levels, or three with PAE): docs/vmalloc.md.
 *
 * Table pages come from the page allocator (lowmem, zeroed), are marked
 * PG_table and counted in NR_PAGETABLE. As in the kernel, tables of the
 * vmalloc space are never freed while the machine runs: a table populated
 * once stays for the next area there. pgtable_exit() frees them all.
 *
 * Concurrency: no lock. A missing table is allocated and installed with a
 * compare-and-swap (the loser frees its page), the way the kernel's
 * pmd_populate under init_mm.page_table_lock ends up. PTEs of one area are
 * written only by that area's owner (areas never share a virtual page);
 * vmalloc_to_page() reads entries with acquire loads, so a walker that sees
 * an entry sees the zeroed table behind it.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "mm/internal.h"
#include "mm/pgtable.h"

#define PTRS_PER_TABLE 512
#define TABLE_PRESENT  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static const unsigned int level_shift[4] = {39, 30, 21, 12};
static unsigned long *pgd;

static inline unsigned int table_index(unsigned long addr, int level)
{
	return (unsigned int)(addr >> level_shift[level]) & (PTRS_PER_TABLE - 1);
}

static inline unsigned long *entry_table(unsigned long entry)
{
	return __va(entry & PTE_PFN_MASK);
}

static unsigned long *alloc_table(gfp_t gfp)
{
	struct page *page;

	gfp &= __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HIGH;
	page = alloc_page(gfp | __GFP_ZERO | __GFP_NOWARN);
	if (!page)
		return NULL;
	SetPageTable(page);
	mod_node_page_state(NR_PAGETABLE, 1);
	return page_address(page);
}

static void free_table(unsigned long *table)
{
	struct page *page = virt_to_page(table);

	ClearPageTable(page);
	mod_node_page_state(NR_PAGETABLE, -1);
	__free_page(page);
}

/* pte_table - the PTE table covering @addr, allocating the levels above it. */
static unsigned long *pte_table(unsigned long addr, gfp_t gfp)
{
	unsigned long *table = pgd;
	int level;

	for (level = 0; level < 3; level++) {
		unsigned long *slot = &table[table_index(addr, level)];
		unsigned long entry = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

		if (!entry) {
			unsigned long *next = alloc_table(gfp);
			unsigned long want;

			if (!next)
				return NULL;
			want = (unsigned long)__pa(next) | TABLE_PRESENT;
			if (__atomic_compare_exchange_n(slot, &entry, want, false, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE))
				entry = want;
			else
				free_table(next); /* another CPU populated it first */
		}
		table = entry_table(entry);
	}
	return table;
}

int vmap_pages_pte(unsigned long addr, struct page **pages, unsigned int nr, unsigned long prot,
		   gfp_t gfp)
{
	unsigned int i = 0;

	while (i < nr) {
		unsigned long *pte = pte_table(addr, gfp);
		unsigned int idx;

		if (!pte)
			return -ENOMEM;
		/* fill this PTE table up to its end (or the last page) */
		for (idx = table_index(addr, 3); idx < PTRS_PER_TABLE && i < nr; idx++, i++) {
			unsigned long val = PFN_PHYS(page_to_pfn(pages[i])) | prot | _PAGE_PRESENT;

			__atomic_store_n(&pte[idx], val, __ATOMIC_RELEASE);
			addr += PAGE_SIZE;
		}
	}
	return 0;
}

void vunmap_pte_range(unsigned long addr, unsigned long size)
{
	unsigned long end = addr + size;

	while (addr < end) {
		unsigned long *table = pgd;
		int level;

		for (level = 0; level < 3; level++) {
			unsigned long entry =
			    __atomic_load_n(&table[table_index(addr, level)], __ATOMIC_ACQUIRE);

			if (!entry)
				break;
			table = entry_table(entry);
		}
		if (level < 3) {
			/* nothing mapped below this entry: skip what it covers */
			unsigned long span = 1UL << level_shift[level];

			addr = (addr & ~(span - 1)) + span;
			continue;
		}
		__atomic_store_n(&table[table_index(addr, 3)], 0UL, __ATOMIC_RELEASE);
		addr += PAGE_SIZE;
	}
}

unsigned long pgtable_walk(unsigned long addr)
{
	unsigned long *table = pgd, entry = 0;
	int level;

	if (!table)
		return 0;
	for (level = 0; level < 4; level++) {
		entry = __atomic_load_n(&table[table_index(addr, level)], __ATOMIC_ACQUIRE);
		if (!(entry & _PAGE_PRESENT))
			return 0;
		if (level < 3)
			table = entry_table(entry);
	}
	return entry;
}

int pgtable_init(void)
{
	pgd = alloc_table(GFP_KERNEL);
	return pgd ? 0 : -ENOMEM;
}

static void free_level(unsigned long *table, int level)
{
	int i;

	if (level < 3) {
		for (i = 0; i < PTRS_PER_TABLE; i++)
			if (table[i])
				free_level(entry_table(table[i]), level + 1);
	}
	free_table(table);
}

void pgtable_exit(void)
{
	if (pgd)
		free_level(pgd, 0);
	pgd = NULL;
}
