// SPDX-License-Identifier: MIT
/*
 * usercopy.c - hardened usercopy (the kernel's mm/usercopy.c and
 * __check_heap_object() of mm/slub.c): before a copy between kernel memory
 * and "user" memory, the kernel span must be one sane object:
 *   - not NULL/ZERO_SIZE_PTR, not wrapping around the address space;
 *   - in a kmap window: inside the one page mapped there;
 *   - in vmalloc space: inside one live area (guard page excluded);
 *   - in the direct map, a slab page: inside one object, and inside its
 *     cache's usercopy window (useroffset/usersize of
 *     kmem_cache_create_usercopy(); kmalloc caches are whitelisted whole,
 *     as 6.12 creates them with usersize = size; a cache created without a
 *     window allows nothing), and not in a left red zone;
 *   - in the direct map, a compound page block: inside the block.
 * Anything else (host memory, the stack) is not checked. A bad span is
 * reported with the kernel's words (usercopy_abort) and the copy refused.
 *
 * ukmem has no user space: the user side is plain host memory of the
 * process; a NULL user pointer reads as a fault (nothing copied, no report).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <linux/bug.h>
#include <limits.h>
#include <string.h>

#include "mm/slab.h"
#include "machine/report.h"

/*
 * usercopy_abort - "usercopy: Kernel memory exposure attempt detected from
 * SLUB object 'kmalloc-16' (offset 0, size 20)!", a stack, and a BUG report
 * (counted as UKMEM_REPORT_BUG). The kernel BUG()s here and kills the task;
 * ukmem returns and the caller refuses the copy (panic_on_warn=1 stops).
 */
__ukmem_export void usercopy_abort(const char *name, const char *detail, bool to_user,
				   unsigned long offset, unsigned long len)
{
	report_start(UKMEM_REPORT_BUG);
	pr_emerg(
	    "usercopy: Kernel memory %s attempt detected %s %s%s%s%s (offset %lu, size %lu)!\n",
	    to_user ? "exposure" : "overwrite", to_user ? "from" : "to", name ? name : "unknown?!",
	    detail ? " '" : "", detail ? detail : "", detail ? "'" : "", offset, len);
	report_stack();
	report_end(UKMEM_REPORT_BUG);
}

/* __check_heap_object - the slab part (mm/slub.c in the kernel) */
static bool check_slab_object(const void *ptr, unsigned long n, struct page *slab, bool to_user)
{
	struct kmem_cache *s = slab->slab_cache;
	unsigned long useroffset, usersize, offset;
	const char *base = slab_address(slab);

	if ((const char *)ptr < base) {
		usercopy_abort("SLUB object not in SLUB page?!", NULL, to_user, 0, n);
		return false;
	}
	offset = (unsigned long)((const char *)ptr - base) % s->size;
	if (s->flags & SLAB_RED_ZONE) {
		if (offset < s->red_left_pad) {
			usercopy_abort("SLUB object in left red zone", s->name, to_user, offset, n);
			return false;
		}
		offset -= s->red_left_pad;
	}
	useroffset = s->useroffset;
	usersize = s->usersize;
	if (s->flags & SLAB_KMALLOC) {
		useroffset = 0;
		usersize = s->object_size;
	}
	/* the whole span inside [useroffset, useroffset + usersize) */
	if (offset >= useroffset && offset - useroffset <= usersize &&
	    n <= useroffset - offset + usersize)
		return true;
	usercopy_abort("SLUB object", s->name, to_user, offset, n);
	return false;
}

static bool in_kmap_window(const void *ptr)
{
	const char *p = ptr;

	return machine.pkmap_size && p >= machine.pkmap_start &&
	       p < machine.pkmap_start + machine.pkmap_size;
}

/* check_heap_object - kmap, vmalloc, slab and page-block spans */
static bool check_heap_object(const void *ptr, unsigned long n, bool to_user)
{
	unsigned long addr = (unsigned long)ptr, offset, start, size;
	struct page *page;

	if (in_kmap_window(ptr)) {
		offset = addr & (PAGE_SIZE - 1);
		if (n > PAGE_SIZE - offset) {
			usercopy_abort("kmap", NULL, to_user, offset, n);
			return false;
		}
		return true;
	}
	if (is_vmalloc_addr(ptr)) {
		if (!vmalloc_area_span(ptr, &start, &size)) {
			usercopy_abort("vmalloc", "no area", to_user, 0, n);
			return false;
		}
		if (n > start + size - addr) {
			usercopy_abort("vmalloc", NULL, to_user, addr - start, n);
			return false;
		}
		return true;
	}
	if (!virt_addr_valid(ptr))
		return true; /* not kernel memory ukmem manages */
	page = compound_head(virt_to_page(ptr));
	if (PageSlab(page) && page->slab_cache)
		return check_slab_object(ptr, n, page, to_user);
	if (PageHead(page)) {
		offset = addr - (unsigned long)page_address(page);
		if (n > (PAGE_SIZE << compound_order(page)) - offset) {
			usercopy_abort("page alloc", NULL, to_user, offset, n);
			return false;
		}
	}
	return true;
}

/**
 * ukmem_check_object_size - __check_object_size() that says whether the
 * copy may go on. A zero size is always fine; a NULL or ZERO_SIZE_PTR
 * kernel pointer, or a span wrapping around, is reported.
 * Return: true when [@ptr, @ptr + @n) may be copied.
 */
__ukmem_export bool ukmem_check_object_size(const void *ptr, unsigned long n, bool to_user)
{
	unsigned long addr = (unsigned long)ptr;

	if (!n)
		return true;
	if (addr + (n - 1) < addr) {
		usercopy_abort("wrapped address", NULL, to_user, 0, addr + n);
		return false;
	}
	if (ZERO_OR_NULL_PTR(ptr)) {
		usercopy_abort("null address", NULL, to_user, addr, n);
		return false;
	}
	return check_heap_object(ptr, n, to_user);
}

/**
 * __check_object_size - the kernel's hardened usercopy check (reports only).
 * Context: any context.
 */
__ukmem_export void __check_object_size(const void *ptr, unsigned long n, bool to_user)
{
	(void)ukmem_check_object_size(ptr, n, to_user);
}

/**
 * check_copy_size - as 6.12's: a size above INT_MAX is a WARNING (once) and
 * no copy; otherwise check_object_size(). @is_source: the kernel side is read.
 * Return: true when the copy may go on.
 */
__ukmem_export bool check_copy_size(const void *addr, size_t bytes, bool is_source)
{
	if (WARN_ON_ONCE(bytes > INT_MAX))
		return false;
	return ukmem_check_object_size(addr, bytes, is_source);
}

/**
 * copy_to_user - copy @n bytes of kernel memory @from to "user" memory @to.
 * Return: bytes not copied: 0, or @n when @to is NULL or the span is refused.
 * Context: any context (ukmem's user memory never faults in).
 */
__ukmem_export unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!n)
		return 0;
	if (!to || !check_copy_size(from, n, true))
		return n;
	memcpy(to, from, n);
	return 0;
}

/**
 * copy_from_user - copy @n bytes of "user" memory @from to kernel memory @to.
 * Return: bytes not copied: 0, or @n when @from is NULL or the span is
 * refused (then @to is left untouched: zeroing it would be the overwrite).
 * Context: any context.
 */
__ukmem_export unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (!n)
		return 0;
	if (!check_copy_size(to, n, false))
		return n;
	if (!from) {
		memset(to, 0, n); /* the kernel zeroes what a fault left uncopied */
		return n;
	}
	memcpy(to, from, n);
	return 0;
}
