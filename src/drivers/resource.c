// SPDX-License-Identifier: MIT
/*
 * resource.c - the iomem resource tree (the kernel's kernel/resource.c):
 * which physical ranges are System RAM, reserved, or a device's window,
 * and which of them a driver has claimed with request_mem_region().
 *
 * The tree: iomem_resource covers the whole physical address space; its
 * children are sorted by address and never overlap, and each child's
 * children lie inside it, the same at every level. At boot the machine
 * inserts "Reserved" (the first MiB, the BIOS area) and "System RAM" (the
 * rest of the memfd), both BUSY as the kernel's e820 code marks them, so no
 * driver can claim RAM. A simulated device's window (device.c) is inserted
 * not busy, as the PCI core inserts a BAR, so the driver's
 * request_mem_region() nests inside it; a BUSY resource blocks every
 * request that overlaps it.
 *
 * __request_region() walks down as the kernel's does: a request that
 * overlaps a resource that is not busy descends into it and retries there;
 * one that overlaps a busy resource, or straddles a boundary, fails. Unlike
 * the kernel (which returns NULL silently) a refused request is logged with
 * what it collided with, since a conflict is what a driver writer needs to
 * see.
 *
 * Locking: resource_lock, a rwlock as the kernel's: writers for insertions
 * and removals, readers for lookups and /proc/iomem. Nodes that
 * __request_region() creates come from host memory (like vmalloc's
 * metadata), so claiming a region costs no simulated RAM and shows in no
 * slab cache; they carry IORESOURCE_UKMEM_OWNED (a bit Linux 6.12 leaves
 * unused) so that release and shutdown free exactly them.
 */
#include <linux/kernel.h>
#include <linux/ioport.h>
#include <linux/spinlock.h>
#include <linux/mm.h>
#include <stdlib.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "drivers/drivers.h"

#define MAX_IORES_LEVEL 5

__ukmem_export struct resource iomem_resource = {
    .name = "PCI mem", .start = 0, .end = ~(resource_size_t)0, .flags = IORESOURCE_MEM};
__ukmem_export struct resource ioport_resource = {
    .name = "PCI IO", .start = 0, .end = 0xffff, .flags = IORESOURCE_IO};

static DEFINE_RWLOCK(resource_lock);
static struct resource ram_res, bios_res;

/* the kernel's __request_resource: link @new under @root, or return what is in the way */
static struct resource *__request_resource(struct resource *root, struct resource *new)
{
	resource_size_t start = new->start, end = new->end;
	struct resource *tmp, **p;

	if (end < start || start < root->start || end > root->end)
		return root;
	p = &root->child;
	for (;;) {
		tmp = *p;
		if (!tmp || tmp->start > end) {
			new->sibling = tmp;
			*p = new;
			new->parent = root;
			return NULL;
		}
		p = &tmp->sibling;
		if (tmp->end < start)
			continue;
		return tmp;
	}
}

static int __release_resource(struct resource *old)
{
	struct resource *tmp, **p;

	if (!old->parent)
		return -EINVAL;
	p = &old->parent->child;
	for (; (tmp = *p); p = &tmp->sibling) {
		if (tmp == old) {
			*p = tmp->sibling;
			old->parent = NULL;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * request_resource_conflict - claim a resource under @root
 * @root: the parent
 * @new: the resource to link (the caller keeps ownership of the struct)
 *
 * Context: any. Return: NULL on success, else the resource in the way.
 */
__ukmem_export struct resource *request_resource_conflict(struct resource *root,
							  struct resource *new)
{
	struct resource *conflict;

	if (!root || !new)
		return root;
	write_lock(&resource_lock);
	conflict = __request_resource(root, new);
	write_unlock(&resource_lock);
	return conflict;
}

/**
 * request_resource - claim a resource under @root
 * @root: the parent
 * @new: the resource to link
 *
 * Context: any. Return: 0, or -EBUSY when something is in the way.
 */
__ukmem_export int request_resource(struct resource *root, struct resource *new)
{
	return request_resource_conflict(root, new) ? -EBUSY : 0;
}

/**
 * release_resource - unlink a resource linked by request_resource()/insert_resource()
 * @old: the resource; it leaves the tree with its children
 *
 * Context: any. Return: 0, or -EINVAL if @old is not in a tree.
 */
__ukmem_export int release_resource(struct resource *old)
{
	int ret;

	if (!old)
		return -EINVAL;
	write_lock(&resource_lock);
	ret = __release_resource(old);
	write_unlock(&resource_lock);
	return ret;
}

/*
 * __insert_resource - link @new at the deepest level that contains it,
 * adopting the siblings that lie wholly inside it. Return: NULL or the
 * resource that straddles @new's boundary.
 */
static struct resource *__insert_resource(struct resource *parent, struct resource *new)
{
	struct resource *first, *next, **p;

	for (;; parent = first) {
		first = __request_resource(parent, new);
		if (!first)
			return NULL;
		if (first == parent)
			return first;
		if (WARN_ON(first == new)) /* already linked */
			return first;
		if (first->start > new->start || first->end < new->end)
			break;
		if (first->start == new->start && first->end == new->end)
			break;
	}
	/* @first overlaps @new without containing it: adopt it and what follows, if all fit */
	for (next = first;; next = next->sibling) {
		if (next->start < new->start || next->end > new->end)
			return next;
		if (!next->sibling || next->sibling->start > new->end)
			break;
	}
	new->parent = parent;
	new->sibling = next->sibling;
	new->child = first;
	next->sibling = NULL;
	for (next = first; next; next = next->sibling)
		next->parent = new;
	for (p = &parent->child; *p != first; p = &(*p)->sibling)
		;
	*p = new;
	return NULL;
}

/**
 * insert_resource - link @new into the tree under @parent, below whatever contains it
 * @parent: where to start (usually &iomem_resource)
 * @new: the resource (the caller keeps ownership of the struct)
 *
 * Context: any. Return: 0, or -EBUSY when a resource straddles @new's boundary.
 */
__ukmem_export int insert_resource(struct resource *parent, struct resource *new)
{
	struct resource *conflict;

	if (!parent || !new)
		return -EINVAL;
	write_lock(&resource_lock);
	conflict = __insert_resource(parent, new);
	write_unlock(&resource_lock);
	return conflict ? -EBUSY : 0;
}

static const char *res_kind(const struct resource *r)
{
	return (r->flags & IORESOURCE_TYPE_BITS) == IORESOURCE_IO ? "io" : "mem";
}

/**
 * __request_region - claim a range for a driver (request_mem_region())
 * @parent: &iomem_resource or &ioport_resource
 * @start: first address
 * @n: length in bytes
 * @name: the claimant, shown in /proc/iomem (kept by pointer, as the kernel does)
 * @flags: IORESOURCE_EXCLUSIVE or 0
 *
 * A range inside a resource that is not busy (a device window) nests under
 * it; a range overlapping a busy one (System RAM, another driver's claim)
 * is refused with a log line naming it.
 *
 * Context: process context; may sleep (the kernel allocates with GFP_KERNEL).
 * Return: the new busy resource, or NULL.
 */
__ukmem_export struct resource *__request_region(struct resource *parent, resource_size_t start,
						 resource_size_t n, const char *name, int flags)
{
	struct resource *res, *conflict;

	might_sleep_check(__FILE__, __LINE__);
	ukmem_ensure_booted();
	if (!parent)
		return NULL;
	if (!n || start + n - 1 < start) {
		pr_warn("resource: %s request of %#llx bytes at %#010llx by %s is empty or wraps\n",
			res_kind(parent), (unsigned long long)n, (unsigned long long)start,
			name ? name : "<BAD>");
		return NULL;
	}
	res = calloc(1, sizeof(*res));
	if (!res)
		return NULL;
	res->name = name;
	res->start = start;
	res->end = start + n - 1;
	res->flags = (parent->flags & IORESOURCE_TYPE_BITS) | IORESOURCE_BUSY |
		     IORESOURCE_UKMEM_OWNED | flags;

	write_lock(&resource_lock);
	for (;;) {
		conflict = __request_resource(parent, res);
		if (!conflict)
			break;
		if (conflict != parent && !(conflict->flags & IORESOURCE_BUSY)) {
			parent = conflict;
			continue;
		}
		break;
	}
	if (conflict) {
		/* copy what the message needs: the conflict may be freed once unlocked */
		resource_size_t cs = conflict->start, ce = conflict->end;
		const char *ckind = res_kind(conflict);
		bool straddles = conflict == parent;
		char cname[64];

		snprintf(cname, sizeof(cname), "%s", conflict->name ? conflict->name : "<BAD>");

		write_unlock(&resource_lock);
		if (straddles)
			pr_warn("resource: %s [%s %#010llx-%#010llx] straddles the end of %s "
				"[%s %#010llx-%#010llx]\n",
				name ? name : "<BAD>", res_kind(res),
				(unsigned long long)res->start, (unsigned long long)res->end, cname,
				ckind, (unsigned long long)cs, (unsigned long long)ce);
		else
			pr_warn("resource: %s [%s %#010llx-%#010llx] conflicts with %s "
				"[%s %#010llx-%#010llx]\n",
				name ? name : "<BAD>", res_kind(res),
				(unsigned long long)res->start, (unsigned long long)res->end, cname,
				ckind, (unsigned long long)cs, (unsigned long long)ce);
		free(res);
		return NULL;
	}
	write_unlock(&resource_lock);
	return res;
}

/**
 * __release_region - give back a range claimed with __request_region()
 * @parent: &iomem_resource or &ioport_resource
 * @start: first address, exactly as requested
 * @n: length, exactly as requested
 *
 * Anything else prints the kernel's "Trying to free nonexistent resource".
 *
 * Context: any process context.
 */
__ukmem_export void __release_region(struct resource *parent, resource_size_t start,
				     resource_size_t n)
{
	resource_size_t end = start + n - 1;
	struct resource **p, *res;

	if (!parent)
		return;
	write_lock(&resource_lock);
	p = &parent->child;
	while ((res = *p)) {
		if (res->start <= start && res->end >= end) {
			if (!(res->flags & IORESOURCE_BUSY)) {
				p = &res->child;
				continue;
			}
			if (res->start != start || res->end != end)
				break;
			if (!(res->flags & IORESOURCE_UKMEM_OWNED))
				break; /* boot's RAM/reserved entries, a caller's own struct */
			*p = res->sibling;
			write_unlock(&resource_lock);
			free(res);
			return;
		}
		p = &res->sibling;
	}
	write_unlock(&resource_lock);
	report_start(UKMEM_REPORT_IOMEM);
	printk(KERN_WARNING "Trying to free nonexistent resource <0x%016llx-0x%016llx>\n",
	       (unsigned long long)start, (unsigned long long)end);
	report_stack_skip(0);
	report_end(UKMEM_REPORT_IOMEM);
}

/* next in depth-first order, not deeper than @max_depth */
static struct resource *next_resource(struct resource *r, const struct resource *root)
{
	if (r->child)
		return r->child;
	while (!r->sibling && r->parent && r->parent != root)
		r = r->parent;
	return r->sibling;
}

/**
 * region_intersects - how [start, start+size) relates to resources of a type
 * @start: first address
 * @size: length
 * @flags: the flags a resource must all have (IORESOURCE_SYSTEM_RAM ...)
 * @desc: IORES_DESC_NONE for any, or the desc a resource must have
 *
 * Context: any. Return: REGION_INTERSECTS when the range lies wholly in
 * matching resources, REGION_MIXED when partly, REGION_DISJOINT when not at all.
 */
__ukmem_export int region_intersects(resource_size_t start, size_t size, unsigned long flags,
				     unsigned long desc)
{
	resource_size_t end = start + size - 1, covered = 0;
	struct resource *r;

	if (!size)
		return REGION_DISJOINT;
	read_lock(&resource_lock);
	for (r = iomem_resource.child; r; r = next_resource(r, &iomem_resource)) {
		resource_size_t s, e;

		if (r->end < start || r->start > end)
			continue;
		if ((r->flags & flags) != flags)
			continue;
		if (desc != IORES_DESC_NONE && r->desc != desc)
			continue;
		/* matching resources never overlap each other at one level; take the top ones */
		if (r->parent != &iomem_resource && (r->parent->flags & flags) == flags)
			continue;
		s = max(r->start, start);
		e = min(r->end, end);
		covered += e - s + 1;
	}
	read_unlock(&resource_lock);
	if (!covered)
		return REGION_DISJOINT;
	return covered == size ? REGION_INTERSECTS : REGION_MIXED;
}

/**
 * iomem_is_exclusive - is @addr inside a region claimed IORESOURCE_EXCLUSIVE?
 * @addr: physical address
 *
 * Context: any. Return: 1 or 0.
 */
__ukmem_export int iomem_is_exclusive(u64 addr)
{
	struct resource *r;
	int ret = 0;

	read_lock(&resource_lock);
	for (r = iomem_resource.child; r; r = next_resource(r, &iomem_resource))
		if (r->start <= addr && addr <= r->end && (r->flags & IORESOURCE_EXCLUSIVE))
			ret = 1;
	read_unlock(&resource_lock);
	return ret;
}

/* resource_claimed - does anything lie inside @r (a driver's claim in a window)? */
bool resource_claimed(struct resource *r)
{
	bool ret;

	read_lock(&resource_lock);
	ret = r->child != NULL;
	read_unlock(&resource_lock);
	return ret;
}

/* iomem_show - /proc/iomem in the format of kernel/resource.c r_show() */
int iomem_show(FILE *out)
{
	struct resource *r, *p;
	int width = iomem_resource.end < 0x10000 ? 4 : 8;

	read_lock(&resource_lock);
	for (r = iomem_resource.child; r; r = next_resource(r, &iomem_resource)) {
		int depth = 0;

		for (p = r; p->parent && p->parent != &iomem_resource; p = p->parent)
			depth++;
		if (depth >= MAX_IORES_LEVEL)
			continue;
		fprintf(out, "%*s%0*llx-%0*llx : %s\n", depth * 2, "", width,
			(unsigned long long)r->start, width, (unsigned long long)r->end,
			r->name ? r->name : "<BAD>");
	}
	read_unlock(&resource_lock);
	return 0;
}

int iomem_init(void)
{
	rwlock_init(&resource_lock);
	iomem_resource.child = NULL;
	ioport_resource.child = NULL;
	bios_res = (struct resource){.name = "Reserved",
				     .start = 0,
				     .end = PFN_PHYS(machine.reserved_low_pfn) - 1,
				     .flags = IORESOURCE_MEM | IORESOURCE_BUSY,
				     .desc = IORES_DESC_RESERVED};
	ram_res = (struct resource){.name = "System RAM",
				    .start = PFN_PHYS(machine.reserved_low_pfn),
				    .end = PFN_PHYS(machine.max_pfn) - 1,
				    .flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY};
	if (machine.reserved_low_pfn)
		__request_resource(&iomem_resource, &bios_res);
	__request_resource(&iomem_resource, &ram_res);
	return 0;
}

static void free_requested(struct resource *r)
{
	while (r) {
		struct resource *next = r->sibling;

		free_requested(r->child);
		r->child = NULL;
		r->parent = NULL;
		if (r->flags & IORESOURCE_UKMEM_OWNED)
			free(r);
		r = next;
	}
}

/* iomem_exit - after the devices are gone: drop what drivers left claimed */
void iomem_exit(void)
{
	write_lock(&resource_lock);
	free_requested(iomem_resource.child);
	free_requested(ioport_resource.child);
	iomem_resource.child = NULL;
	ioport_resource.child = NULL;
	write_unlock(&resource_lock);
}
