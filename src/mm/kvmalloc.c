// SPDX-License-Identifier: MIT
/*
 * kvmalloc.c - "kmalloc if you can, vmalloc if you must" (the kernel's
 * kvmalloc family in mm/util.c).
 *
 * Policy, as Linux 6.12: kmalloc first. For requests above a page the
 * kmalloc attempt is made cheap and quiet (__GFP_NOWARN, and __GFP_NORETRY
 * unless the caller asked for __GFP_RETRY_MAYFAIL; __GFP_NOFAIL is left to
 * the fallback) because a physically contiguous block is preferred but not
 * needed. Only if that fails, the size is above a page, and the gfp allows
 * blocking, vmalloc() takes over - vmalloc may sleep, so GFP_ATOMIC/GFP_NOWAIT
 * callers get NULL instead. kvfree() tells the two kinds apart by address.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <limits.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"

static gfp_t kmalloc_gfp_adjust(gfp_t flags, size_t size)
{
	if (size > PAGE_SIZE) {
		flags |= __GFP_NOWARN;
		if (!(flags & __GFP_RETRY_MAYFAIL))
			flags |= __GFP_NORETRY;
		flags &= ~__GFP_NOFAIL; /* the vmalloc fallback provides nofail */
	}
	return flags;
}

static void *__kvmalloc(size_t size, gfp_t flags, int node, void *caller)
{
	void *ret = kmalloc_node(size, kmalloc_gfp_adjust(flags, size), node);

	if (ret || size <= PAGE_SIZE)
		return ret;
	if (!gfpflags_allow_blocking(flags))
		return NULL; /* vmalloc may sleep: no fallback for atomic callers */
	if (unlikely(size > INT_MAX)) {
		if (!(flags & __GFP_NOWARN))
			report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, caller, NULL);
		return NULL;
	}
	return __vmalloc_node_range(size, 1, 0, 0, flags, PAGE_KERNEL, VM_ALLOW_HUGE_VMAP, node,
				    caller);
}

/**
 * kvmalloc_node - kmalloc, falling back to vmalloc for large blocking requests
 * @size: bytes wanted
 * @flags: gfp flags; the vmalloc fallback needs them to allow blocking
 * @node: ignored (one node)
 *
 * Context: as kmalloc() with @flags; may sleep if @flags allow it.
 * Return: the memory (free with kvfree()), or NULL.
 */
__ukmem_export void *kvmalloc_node(size_t size, gfp_t flags, int node)
{
	return __kvmalloc(size, flags, node, __builtin_return_address(0));
}

/**
 * kvmalloc - kmalloc, falling back to vmalloc for large blocking requests
 * @size: bytes wanted
 * @flags: gfp flags
 *
 * Context: as kmalloc() with @flags. Return: the memory, or NULL.
 */
__ukmem_export void *kvmalloc(size_t size, gfp_t flags)
{
	return __kvmalloc(size, flags, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * kvzalloc - zeroed kvmalloc
 * @size: bytes wanted
 * @flags: gfp flags
 *
 * Context: as kmalloc() with @flags. Return: the memory, or NULL.
 */
__ukmem_export void *kvzalloc(size_t size, gfp_t flags)
{
	return __kvmalloc(size, flags | __GFP_ZERO, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * kvzalloc_node - zeroed kvmalloc_node
 * @size: bytes wanted
 * @flags: gfp flags
 * @node: ignored
 *
 * Context: as kmalloc() with @flags. Return: the memory, or NULL.
 */
__ukmem_export void *kvzalloc_node(size_t size, gfp_t flags, int node)
{
	return __kvmalloc(size, flags | __GFP_ZERO, node, __builtin_return_address(0));
}

/**
 * kvmalloc_array_node - kvmalloc of @n elements of @size bytes
 * @n: number of elements
 * @size: bytes per element
 * @flags: gfp flags
 * @node: ignored
 *
 * Context: as kmalloc() with @flags. Return: the memory, or NULL (also when
 * @n * @size overflows).
 */
__ukmem_export void *kvmalloc_array_node(size_t n, size_t size, gfp_t flags, int node)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __kvmalloc(bytes, flags, node, __builtin_return_address(0));
}

/**
 * kvmalloc_array - kvmalloc of an array, with overflow check
 * @n: number of elements
 * @size: bytes per element
 * @flags: gfp flags
 *
 * Context: as kmalloc() with @flags. Return: the memory, or NULL.
 */
__ukmem_export void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __kvmalloc(bytes, flags, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * kvcalloc_node - zeroed kvmalloc_array_node
 * @n: number of elements
 * @size: bytes per element
 * @flags: gfp flags
 * @node: ignored
 *
 * Context: as kmalloc() with @flags. Return: the memory, or NULL.
 */
__ukmem_export void *kvcalloc_node(size_t n, size_t size, gfp_t flags, int node)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __kvmalloc(bytes, flags | __GFP_ZERO, node, __builtin_return_address(0));
}

/**
 * kvcalloc - zeroed kvmalloc_array
 * @n: number of elements
 * @size: bytes per element
 * @flags: gfp flags
 *
 * Context: as kmalloc() with @flags. Return: the memory, or NULL.
 */
__ukmem_export void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __kvmalloc(bytes, flags | __GFP_ZERO, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * kvfree - free memory from kvmalloc(), kmalloc() or vmalloc()
 * @addr: the memory, or NULL
 *
 * Context: as vfree() for vmalloc memory (may sleep), any for kmalloc memory.
 */
__ukmem_export void kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}

/**
 * kvfree_sensitive - zero @len bytes at @addr, then kvfree() it
 * @addr: the memory, or NULL
 * @len: bytes to clear
 *
 * Context: as kvfree().
 */
__ukmem_export void kvfree_sensitive(const void *addr, size_t len)
{
	if (likely(!ZERO_OR_NULL_PTR(addr))) {
		memzero_explicit((void *)addr, len);
		kvfree(addr);
	}
}

/**
 * kvrealloc - resize memory from kvmalloc()
 * @p: the memory, or NULL
 * @size: the new size
 * @flags: gfp flags
 *
 * vmalloc memory is resized with vrealloc(); kmalloc memory with krealloc(),
 * falling back to a kvmalloc() copy when that fails.
 *
 * Context: as kvmalloc(). Return: the resized memory, or NULL (then @p is
 * untouched).
 */
__ukmem_export void *kvrealloc(const void *p, size_t size, gfp_t flags)
{
	void *n;

	if (is_vmalloc_addr(p))
		return vrealloc(p, size, flags);
	n = krealloc(p, size, kmalloc_gfp_adjust(flags, size));
	if (!n && size) {
		n = __kvmalloc(size, flags, NUMA_NO_NODE, __builtin_return_address(0));
		if (!n)
			return NULL;
		if (!ZERO_OR_NULL_PTR(p)) {
			size_t old = ksize(p);

			memcpy(n, p, old < size ? old : size);
			kfree(p);
		}
	}
	return n;
}
