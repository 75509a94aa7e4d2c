// SPDX-License-Identifier: MIT
/*
 * vm_map_ram.c - vm_map_ram()/vm_unmap_ram(), the kernel's interface for
 * short-lived mappings of a few pages. Linux serves small counts from
 * per-CPU vmap blocks to avoid the global vmap lock; ukmem maps every call
 * as its own vmap() area (VM_MAP), so the addresses show in
 * /proc/vmallocinfo as "vmap" and a wrong vm_unmap_ram() is caught exactly.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "machine/machine.h"
#include "machine/report.h"

__ukmem_export void *vm_map_ram(struct page **pages, unsigned int count, int node)
{
	if (!pages || !count)
		return NULL;
	return vmap(pages, count, VM_MAP, PAGE_KERNEL);
}

__ukmem_export void vm_unmap_ram(const void *mem, unsigned int count)
{
	struct vm_struct *vm;

	if (!mem)
		return;
	vm = find_vm_area(mem);
	/* the kernel BUG()s on a bad address; here the mapping is left as it was */
	if (!vm || !(vm->flags & VM_MAP) || get_vm_area_size(vm) != (size_t)count << PAGE_SHIFT ||
	    (unsigned long)mem != (unsigned long)vm->addr) {
		report_warn(UKMEM_REPORT_VMALLOC, "mm/vmalloc.c", __LINE__, NULL,
			    "vm_unmap_ram: %px is not a vm_map_ram() area of %u pages\n", mem,
			    count);
		return;
	}
	vunmap(mem);
}
