/* SPDX-License-Identifier: MIT */
/*
 * highmem.h - temporary kernel mappings of pages (machine=i386 highmem).
 *
 * A highmem frame has no permanent kernel address. To touch it:
 *   kmap_local_page()/kunmap_local()  short-lived, per task, LIFO nested,
 *                                     never sleeps, preemption stays on;
 *   kmap_atomic()/kunmap_atomic()     the same with preemption and page
 *                                     faults disabled (legacy);
 *   kmap()/kunmap()                   global and long-lived, may sleep; the
 *                                     mapping is released lazily, and
 *                                     page_address() is valid while it lasts.
 * A lowmem page (and every page on x86_64) needs none of it: each call just
 * returns page_address().
 */
#ifndef _UKMEM_LINUX_HIGHMEM_H
#define _UKMEM_LINUX_HIGHMEM_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/mm.h>
#include <linux/bug.h>
#include <linux/preempt.h>
#include <string.h>

#pragma GCC visibility push(default)
void *kmap(struct page *page);
void kunmap(struct page *page);
void *kmap_local_page(struct page *page);
void kunmap_local(const void *addr);
void *kmap_atomic(struct page *page);
void kunmap_atomic(const void *addr);
struct page *kmap_to_page(void *addr);
void kmap_flush_unused(void);

/* page faults disabled (pagefault_disable in <linux/uaccess.h>) */
void pagefault_disable(void);
void pagefault_enable(void);
bool pagefault_disabled(void);
#pragma GCC visibility pop

#define faulthandler_disabled()		(pagefault_disabled() || in_atomic())
#define kmap_local_folio(folio, offset) ((char *)kmap_local_page(&(folio)->page) + (offset))

static inline void clear_page(void *page)
{
	memset(page, 0, PAGE_SIZE);
}

static inline void copy_page(void *to, const void *from)
{
	memcpy(to, from, PAGE_SIZE);
}

static inline void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len)
{
	char *from = kmap_local_page(page);

	VM_BUG_ON(offset + len > PAGE_SIZE);
	memcpy(to, from + offset, len);
	kunmap_local(from);
}

static inline void memcpy_to_page(struct page *page, size_t offset, const char *from, size_t len)
{
	char *to = kmap_local_page(page);

	VM_BUG_ON(offset + len > PAGE_SIZE);
	memcpy(to + offset, from, len);
	kunmap_local(to);
}

static inline void memcpy_page(struct page *dst_page, size_t dst_off, struct page *src_page,
			       size_t src_off, size_t len)
{
	char *dst = kmap_local_page(dst_page);
	char *src = kmap_local_page(src_page);

	VM_BUG_ON(dst_off + len > PAGE_SIZE || src_off + len > PAGE_SIZE);
	memcpy(dst + dst_off, src + src_off, len);
	kunmap_local(src);
	kunmap_local(dst);
}

static inline void memset_page(struct page *page, size_t offset, int val, size_t len)
{
	char *addr = kmap_local_page(page);

	VM_BUG_ON(offset + len > PAGE_SIZE);
	memset(addr + offset, val, len);
	kunmap_local(addr);
}

static inline void memzero_page(struct page *page, size_t offset, size_t len)
{
	memset_page(page, offset, 0, len);
}

static inline void clear_highpage(struct page *page)
{
	void *kaddr = kmap_local_page(page);

	clear_page(kaddr);
	kunmap_local(kaddr);
}

static inline void clear_user_highpage(struct page *page, unsigned long vaddr)
{
	clear_highpage(page);
}

static inline void copy_highpage(struct page *to, struct page *from)
{
	char *vfrom = kmap_local_page(from);
	char *vto = kmap_local_page(to);

	copy_page(vto, vfrom);
	kunmap_local(vto);
	kunmap_local(vfrom);
}

static inline void copy_user_highpage(struct page *to, struct page *from, unsigned long vaddr,
				      void *vma)
{
	copy_highpage(to, from);
}

static inline void zero_user_segments(struct page *page, unsigned int start1, unsigned int end1,
				      unsigned int start2, unsigned int end2)
{
	char *kaddr = kmap_local_page(page);

	BUG_ON(end1 > PAGE_SIZE || end2 > PAGE_SIZE);
	if (end1 > start1)
		memset(kaddr + start1, 0, end1 - start1);
	if (end2 > start2)
		memset(kaddr + start2, 0, end2 - start2);
	kunmap_local(kaddr);
}

static inline void zero_user_segment(struct page *page, unsigned int start, unsigned int end)
{
	zero_user_segments(page, start, end, 0, 0);
}

static inline void zero_user(struct page *page, unsigned int start, unsigned int size)
{
	zero_user_segments(page, start, start + size, 0, 0);
}

#endif
