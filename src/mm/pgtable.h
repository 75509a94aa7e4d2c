/* SPDX-License-Identifier: MIT */
/*
 * pgtable.h (internal) - the kernel page table of the vmalloc and kmap
 * spaces: a four-level x86_64 table (PGD -> PUD -> PMD -> PTE, 512 entries
 * of 8 bytes per level) whose pages come from the page allocator, are marked
 * PG_table and counted in /proc/meminfo PageTables. The host MMU does the
 * real translation (the frames are mmap()ed from the RAM memfd); this table
 * is kept beside it so vmalloc_to_page() walks tables as the kernel does.
 */
#ifndef UKMEM_MM_PGTABLE_H
#define UKMEM_MM_PGTABLE_H

#include <linux/mm.h>
#include <linux/gfp.h>

/*
 * vmap_pages_pte - point the PTEs of [addr, addr + nr pages) at @pages,
 * allocating missing table pages with @gfp. Return: 0 or -ENOMEM.
 */
int vmap_pages_pte(unsigned long addr, struct page **pages, unsigned int nr, unsigned long prot,
		   gfp_t gfp);
/* vunmap_pte_range - clear the PTEs of [addr, addr + size). Tables stay. */
void vunmap_pte_range(unsigned long addr, unsigned long size);
/* pgtable_walk - the PTE value for @addr, 0 if none is present. Lockless. */
unsigned long pgtable_walk(unsigned long addr);
int pgtable_init(void);
void pgtable_exit(void);

#define PTE_PFN_MASK 0x000ffffffffff000UL

#endif
