/* SPDX-License-Identifier: MIT */
/*
 * vmalloc.h - virtually contiguous memory. vmalloc() takes frames one by one
 * (or in whatever runs are free) from the page allocator and maps them
 * side by side in the vmalloc area, with an unmapped guard page after each
 * area. The memory is virtually contiguous but physically scattered, may
 * come from highmem (machine=i386), and is never a kernel logical address:
 * virt_to_page() does not work on it, vmalloc_to_page() does.
 */
#ifndef _UKMEM_LINUX_VMALLOC_H
#define _UKMEM_LINUX_VMALLOC_H

#include <linux/cleanup.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/gfp.h>

struct page;

/* vm_struct flags (the values of Linux 6.12) */
#define VM_IOREMAP	     0x00000001 /* ioremap() and friends */
#define VM_ALLOC	     0x00000002 /* vmalloc() */
#define VM_MAP		     0x00000004 /* vmap()ed pages */
#define VM_USERMAP	     0x00000008 /* suitable for remap_vmalloc_range */
#define VM_DMA_COHERENT	     0x00000010 /* dma_alloc_coherent */
#define VM_UNINITIALIZED     0x00000020 /* vm_struct is not fully initialized */
#define VM_NO_GUARD	     0x00000040 /* no guard page after the area */
#define VM_KASAN	     0x00000080
#define VM_FLUSH_RESET_PERMS 0x00000100
#define VM_MAP_PUT_PAGES     0x00000200 /* vfree() puts the vmap()ed pages */
#define VM_ALLOW_HUGE_VMAP   0x00000400
#define VM_SPARSE	     0x00001000

/* protections for vmap() and __vmalloc_node_range() */
typedef struct {
	unsigned long pgprot;
} pgprot_t;
#define __pgprot(x)    ((pgprot_t){(x)})
#define pgprot_val(x)  ((x).pgprot)
#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_GLOBAL   0x100UL
#define _PAGE_NX       (1UL << 63)
#define PAGE_KERNEL                                                                                \
	__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_RO __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_EXEC                                                                           \
	__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL)

/*
 * struct vm_struct - one mapped area of the vmalloc space, as the kernel's.
 * @size includes the guard page (get_vm_area_size() excludes it);
 * @requested_size is what the caller asked for (vrealloc uses it).
 */
struct vm_struct {
	struct vm_struct *next;
	void *addr;
	unsigned long size;
	unsigned long flags;
	struct page **pages;
	unsigned int nr_pages;
	phys_addr_t phys_addr;
	const void *caller;
	unsigned long requested_size;
};

#pragma GCC visibility push(default)
void *vmalloc(unsigned long size) __malloc;
void *vzalloc(unsigned long size) __malloc;
void *vmalloc_user(unsigned long size) __malloc;
void *vmalloc_node(unsigned long size, int node) __malloc;
void *vzalloc_node(unsigned long size, int node) __malloc;
void *vmalloc_32(unsigned long size) __malloc;
void *vmalloc_32_user(unsigned long size) __malloc;
void *vmalloc_huge(unsigned long size, gfp_t gfp_mask) __malloc;
void *__vmalloc(unsigned long size, gfp_t gfp_mask) __malloc;
void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask, int node,
		     const void *caller) __malloc;
void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp_mask, pgprot_t prot, unsigned long vm_flags,
			   int node, const void *caller) __malloc;
void *vmalloc_array(size_t n, size_t size) __malloc;
void *__vmalloc_array(size_t n, size_t size, gfp_t flags) __malloc;
void *vcalloc(size_t n, size_t size) __malloc;
void *__vcalloc(size_t n, size_t size, gfp_t flags) __malloc;
void *vrealloc(const void *p, size_t size, gfp_t flags);

void vfree(const void *addr);
void vfree_atomic(const void *addr);

void *vmap(struct page **pages, unsigned int count, unsigned long flags, pgprot_t prot);
void vunmap(const void *addr);
/*
 * vm_map_ram - map @count pages contiguously (the kernel's fast per-CPU
 * vmap blocks; here a vmap() area). vm_unmap_ram() must get the same
 * address and count: anything else is reported and nothing is unmapped.
 */
void *vm_map_ram(struct page **pages, unsigned int count, int node);
void vm_unmap_ram(const void *mem, unsigned int count);

struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
bool is_vmalloc_addr(const void *x);
int is_vmalloc_or_module_addr(const void *x);

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller);
void free_vm_area(struct vm_struct *area);
struct vm_struct *find_vm_area(const void *addr);
struct vm_struct *remove_vm_area(const void *addr);
void vm_unmap_aliases(void);

/*
 * kvmalloc & co. (mm/kvmalloc.c; the kernel declares them in <linux/slab.h>,
 * which includes this header): kmalloc first, vmalloc as the fallback for
 * blocking gfp. Free with kvfree().
 */
void *kvmalloc_node(size_t size, gfp_t flags, int node) __malloc;
void *kvmalloc(size_t size, gfp_t flags) __malloc;
void *kvzalloc(size_t size, gfp_t flags) __malloc;
void *kvzalloc_node(size_t size, gfp_t flags, int node) __malloc;
void *kvmalloc_array(size_t n, size_t size, gfp_t flags) __malloc;
void *kvmalloc_array_node(size_t n, size_t size, gfp_t flags, int node) __malloc;
void *kvcalloc(size_t n, size_t size, gfp_t flags) __malloc;
void *kvcalloc_node(size_t n, size_t size, gfp_t flags, int node) __malloc;
void *kvrealloc(const void *p, size_t size, gfp_t flags);
void kvfree(const void *addr);
void kvfree_sensitive(const void *addr, size_t len);

/* ukmem: the kernel's VMALLOC_START / VMALLOC_END (host addresses) */
unsigned long ukmem_vmalloc_start(void);
unsigned long ukmem_vmalloc_end(void);
/* ukmem: how many host mmap() calls (runs) back the area at @addr, or -1 */
int ukmem_vmalloc_nr_runs(const void *addr);
#pragma GCC visibility pop

#define VMALLOC_START ukmem_vmalloc_start()
#define VMALLOC_END   ukmem_vmalloc_end()
#define VMALLOC_TOTAL (VMALLOC_END - VMALLOC_START)

static inline size_t get_vm_area_size(const struct vm_struct *area)
{
	if (!(area->flags & VM_NO_GUARD))
		return area->size - (1UL << 12);
	return area->size;
}

#define vzalloc_noprof	     vzalloc
#define vmalloc_noprof	     vmalloc
#define __vmalloc_noprof     __vmalloc
#define vmalloc_array_noprof vmalloc_array
#define vcalloc_noprof	     vcalloc

DEFINE_FREE(vfree, void *, if (_T) vfree(_T))

#endif
