// SPDX-License-Identifier: MIT
/*
 * kasan.c - AddressSanitizer and Memcheck annotations of ukmem memory, the
 * role KASAN plays in the kernel. ASan and Memcheck know nothing of the
 * simulated RAM: to them the direct map is one big mapping where every byte
 * is valid. kasan_on turns the annotations on: kasan=on in an ASan build
 * (ASAN_POISON_MEMORY_REGION), or running under Valgrind (read at boot:
 * VALGRIND_MAKE_MEM_NOACCESS, MALLOCLIKE/FREELIKE blocks). Poisoned are
 *   - a free slab object (all but its free pointer word, which the
 *     allocator itself reads and writes while the object is free);
 *   - the bytes of a kmalloc object past the requested size (kmalloc(13):
 *     bytes 13..15), until ksize() or krealloc() hands them over;
 *   - a free block of lowmem pages (highmem pages have no mapping).
 * A program then touching such bytes gets the tool's report at the faulting
 * instruction, with its own stack. Every cache takes the full path while
 * kasan_on (as debug caches do), where the hooks are, so the fast paths
 * stay as they are. Otherwise the functions do nothing; kasan=on in a build
 * without ASan only says it is ignored. docs/hardening.md.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>

#include "mm/slab.h"
#include "debug/kasan.h"

#if defined(__SANITIZE_ADDRESS__)
#define UKMEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UKMEM_ASAN 1
#endif
#endif

#ifdef UKMEM_ASAN
#include <sanitizer/asan_interface.h>
#elif __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define UKMEM_MEMCHECK 1
#endif
#include "platform/platform.h"
#include <stdlib.h>
#include <string.h>

bool kasan_on;
#ifdef UKMEM_MEMCHECK
static bool on_valgrind; /* kasan_on because the process runs under Memcheck */
#endif

bool kasan_built(void)
{
#ifdef UKMEM_ASAN
	return true;
#else
	return false;
#endif
}

void kasan_poison(const void *addr, size_t size)
{
#ifdef UKMEM_ASAN
	if (kasan_on && size)
		ASAN_POISON_MEMORY_REGION(addr, size);
#elif defined(UKMEM_MEMCHECK)
	if (kasan_on && size)
		(void)VALGRIND_MAKE_MEM_NOACCESS(addr, size);
#else
	(void)addr;
	(void)size;
#endif
}

void kasan_unpoison(const void *addr, size_t size)
{
#ifdef UKMEM_ASAN
	if (kasan_on && size)
		ASAN_UNPOISON_MEMORY_REGION(addr, size);
#elif defined(UKMEM_MEMCHECK)
	/* contents are kept: what ukmem itself reads or hands over is defined */
	if (kasan_on && size)
		(void)VALGRIND_MAKE_MEM_DEFINED(addr, size);
#else
	(void)addr;
	(void)size;
#endif
}

/*
 * kasan_slab_free_object - @object of @s is free: all but its free pointer
 * word. @was_allocated: it was handed out (Memcheck: the block is freed, so
 * a later access names its allocation and free stacks).
 */
void kasan_slab_free_object(struct kmem_cache *s, void *object, bool was_allocated)
{
	if (!kasan_on)
		return;
#ifdef UKMEM_MEMCHECK
	if (on_valgrind && was_allocated)
		VALGRIND_FREELIKE_BLOCK(object, 0);
	if (on_valgrind && s->offset + sizeof(void *) <= s->object_size)
		(void)VALGRIND_MAKE_MEM_DEFINED((char *)object + s->offset, sizeof(void *));
#else
	(void)was_allocated;
#endif
	if (s->offset >= s->object_size) {
		kasan_poison(object, s->object_size);
		return;
	}
	kasan_poison(object, s->offset);
	kasan_poison((char *)object + s->offset + sizeof(void *),
		     s->object_size - s->offset - sizeof(void *));
}

/*
 * kasan_slab_alloc_object - @object (unpoisoned by the caller, then maybe
 * zeroed: @zeroed) is handed out for @size bytes: the rest of its class is
 * poisoned.
 */
void kasan_slab_alloc_object(struct kmem_cache *s, void *object, size_t size, bool zeroed)
{
	if (!kasan_on)
		return;
	if (size > s->object_size)
		size = s->object_size;
	kasan_poison((char *)object + size, s->object_size - size);
#ifndef UKMEM_MEMCHECK
	(void)zeroed;
#else
	/*
	 * A heap block for Memcheck: leaks ("definitely lost"), accesses after
	 * kfree ("Invalid read ... inside a block ... free'd") with stacks.
	 * Its contents are undefined, unless a constructor or init_on_free
	 * made them.
	 */
	if (on_valgrind) {
		VALGRIND_MALLOCLIKE_BLOCK(object, size, 0, zeroed);
		if (s->ctor || s->legacy_ctor || slab_want_init_on_free(s))
			(void)VALGRIND_MAKE_MEM_DEFINED(object, size);
	}
#endif
}

void kasan_pages(struct page *page, unsigned int order, bool free)
{
	if (!kasan_on || PageHighMem(page))
		return;
	if (free)
		kasan_poison(page_to_virt(page), PAGE_SIZE << order);
	else
		kasan_unpoison(page_to_virt(page), PAGE_SIZE << order);
}

#ifdef UKMEM_ASAN
/*
 * kasan_describe - ASan's error report callback: when the bad address is
 * ukmem memory, say what it is in KASAN's words (the object, its cache,
 * where in it, free or allocated) and, with slub_debug=U, the object's
 * alloc/free owners. Reads no poisoned byte.
 */
static void kasan_describe(const char *report)
{
	const char *at = strstr(report, " on address 0x");
	unsigned long addr, off;
	unsigned int size;
	struct kmem_cache *s;
	struct page *slab;
	char *base, *obj;

	if (!at)
		return;
	addr = strtoul(at + strlen(" on address "), NULL, 16);
	if (!virt_addr_valid((void *)addr))
		return;
	slab = compound_head(virt_to_page((void *)addr));
	if (!PageSlab(slab) || !slab->slab_cache) {
		pr_err("The buggy address belongs to the physical page:\n");
		dump_page(virt_to_page((void *)addr), NULL);
		return;
	}
	s = slab->slab_cache;
	base = (char *)slab_address(slab) + s->red_left_pad;
	if ((char *)addr < base)
		return;
	obj = base + ((char *)addr - base) / s->size * s->size;
	off = (unsigned long)((char *)addr - obj);
	pr_err("The buggy address belongs to the object at %px\n which belongs to the cache %s of "
	       "size %u\n",
	       obj, s->name, s->object_size);
	/* with slub_debug=U a kmalloc object knows its requested size, as KASAN does */
	size = slub_debug_orig_size(s) ? get_orig_size(s, obj) : s->object_size;
	pr_err("The buggy address is located %lu bytes %s of\n %s%u-byte region [%px, %px)\n",
	       off < size ? off : off - size, off < size ? "inside" : "to the right",
	       slab_object_free(s, slab, obj) ? "freed " : "allocated ", size, obj, obj + size);
	print_tracking(s, obj);
}
#endif

void kasan_forget_block(const void *object)
{
#ifdef UKMEM_MEMCHECK
	if (on_valgrind)
		VALGRIND_FREELIKE_BLOCK(object, 0);
#else
	(void)object;
#endif
}

void kasan_boot_note(void)
{
#ifdef UKMEM_MEMCHECK
	/* Memcheck only: callgrind (bench/cg_fastpaths.sh) must see the fast paths */
	on_valgrind = plat_running_on_memcheck();
	if (on_valgrind) {
		kasan_on = true;
		pr_info("kasan: running under Valgrind: slab objects and pages annotated for "
			"Memcheck\n");
		return;
	}
#endif
	if (kasan_on && !kasan_built())
		pr_info("kasan: ukmem is not built with AddressSanitizer: kasan=on ignored\n");
	if (!kasan_built())
		kasan_on = false;
	else if (kasan_on) {
		pr_info("kasan: ukmem memory poisoned for AddressSanitizer (kasan=on)\n");
#ifdef UKMEM_ASAN
		__asan_set_error_report_callback(kasan_describe);
#endif
	}
}
