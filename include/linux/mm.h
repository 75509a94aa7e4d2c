/* SPDX-License-Identifier: MIT */
/*
 * mm.h - pages and addresses. Kernel logical addresses are a direct map of
 * lowmem: __pa/__va, virt_to_page and page_address are arithmetic on it.
 * Highmem frames (machine=i386) have no permanent address: page_address()
 * is NULL for them unless kmapped.
 */
#ifndef _UKMEM_LINUX_MM_H
#define _UKMEM_LINUX_MM_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/gfp.h>
#include <linux/rcupdate.h> /* the kernel's mm.h reaches RCU too (kfree_rcu users) */

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)
#define PFN_ALIGN(x)	(((unsigned long)(x) + (PAGE_SIZE - 1)) & PAGE_MASK)
#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)	((unsigned long)((x) >> PAGE_SHIFT))

#pragma GCC visibility push(default)
extern struct page *mem_map;
extern char *__ukmem_direct_map;	/* __va(0) */
extern unsigned long max_pfn;		/* frames of RAM */
extern unsigned long max_low_pfn;	/* first frame beyond the direct map */
extern unsigned long totalram_pages_count;
void __ukmem_boot_if_needed(void);
void get_page(struct page *page);
void put_page(struct page *page);
int page_is_ram(unsigned long pfn);
void *page_address(const struct page *page);
#pragma GCC visibility pop

#define __pa(x)		((phys_addr_t)((const char *)(x) - __ukmem_direct_map))
#define __va(x)		((void *)(__ukmem_direct_map + (phys_addr_t)(x)))
#define __pa_symbol(x)	__pa(x)

static inline phys_addr_t virt_to_phys(const volatile void *address)
{
	return __pa(address);
}
static inline void *phys_to_virt(phys_addr_t address)
{
	return __va(address);
}
static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}
static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}
static inline int pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}
static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}
#define phys_to_page(phys)	pfn_to_page(PHYS_PFN(phys))
#define virt_to_pfn(kaddr)	PHYS_PFN(__pa(kaddr))
#define virt_to_page(kaddr)	pfn_to_page(virt_to_pfn(kaddr))
#define page_to_virt(page)	__va(page_to_phys(page))
#define pfn_to_kaddr(pfn)	__va((phys_addr_t)(pfn) << PAGE_SHIFT)
#define lowmem_page_address(page) page_to_virt(page)

/* virt_addr_valid - @kaddr is a kernel logical (direct-map) address of RAM. */
static inline bool virt_addr_valid(const volatile void *kaddr)
{
	const char *p = (const char *)kaddr;

	return __ukmem_direct_map && p >= __ukmem_direct_map &&
	       (unsigned long)(p - __ukmem_direct_map) < (max_low_pfn << PAGE_SHIFT);
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> ZONES_PGSHIFT) & ZONES_MASK);
}
static inline struct zone *page_zone(const struct page *page)
{
	return &ukmem_zones[page_zonenum(page)];
}
static inline int page_to_nid(const struct page *page)
{
	return 0;
}
static inline bool PageHighMem(const struct page *page)
{
	return page_zonenum(page) == ZONE_HIGHMEM;
}
static inline int page_count(const struct page *page)
{
	return atomic_read(&compound_head(page)->_refcount);
}
static inline int page_ref_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}
static inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}
static inline void init_page_count(struct page *page)
{
	set_page_count(page, 1);
}
static inline unsigned long page_private(const struct page *page)
{
	return page->private;
}
static inline void set_page_private(struct page *page, unsigned long private)
{
	page->private = private;
}

/* get_order - the order of the smallest block of pages holding @size bytes. */
static inline int get_order(unsigned long size)
{
	if (size <= PAGE_SIZE)
		return 0;
	return (int)(sizeof(long) * 8) - __builtin_clzl((size - 1) >> PAGE_SHIFT);
}

static inline unsigned long totalram_pages(void)
{
	return totalram_pages_count;
}

/*
 * Memory auto-initialisation (init_on_alloc=, init_on_free=; mm/mm_init.c).
 * want_init_on_alloc - zero what is being allocated with @flags: always
 * with init_on_alloc=1, else only for __GFP_ZERO.
 * want_init_on_free - zero what is being freed (init_on_free=1).
 */
extern bool init_on_alloc, init_on_free;
static inline bool want_init_on_alloc(gfp_t flags)
{
	return init_on_alloc || (flags & __GFP_ZERO);
}
static inline bool want_init_on_free(void)
{
	return init_on_free;
}

#endif
