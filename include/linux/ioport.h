/* SPDX-License-Identifier: MIT */
/*
 * ioport.h - the resource tree: which ranges of the physical address space
 * are System RAM, reserved, or a device's window, and which of them a
 * driver has claimed (request_mem_region). /proc/iomem prints the tree.
 *
 * A resource covers [start, end] (end inclusive, as the kernel's). Children
 * lie inside their parent and never overlap their siblings. A BUSY resource
 * is claimed: nobody may claim anything overlapping it; a resource that is
 * not busy (a device window, a bridge) may have claimed children.
 */
#ifndef _UKMEM_LINUX_IOPORT_H
#define _UKMEM_LINUX_IOPORT_H

#include <linux/types.h>
#include <linux/compiler.h>

struct resource {
	resource_size_t start;
	resource_size_t end;
	const char *name;
	unsigned long flags;
	unsigned long desc;
	struct resource *parent, *sibling, *child;
};

/* flags (the values of Linux 6.12) */
#define IORESOURCE_BITS		 0x000000ff
#define IORESOURCE_TYPE_BITS	 0x00001f00
#define IORESOURCE_IO		 0x00000100
#define IORESOURCE_MEM		 0x00000200
#define IORESOURCE_REG		 0x00000300
#define IORESOURCE_IRQ		 0x00000400
#define IORESOURCE_DMA		 0x00000800
#define IORESOURCE_BUS		 0x00001000
#define IORESOURCE_PREFETCH	 0x00002000
#define IORESOURCE_READONLY	 0x00004000
#define IORESOURCE_CACHEABLE	 0x00008000
#define IORESOURCE_SIZEALIGN	 0x00040000
#define IORESOURCE_MEM_64	 0x00100000
#define IORESOURCE_WINDOW	 0x00200000
#define IORESOURCE_MUXED	 0x00400000
#define IORESOURCE_EXT_TYPE_BITS 0x01000000
#define IORESOURCE_SYSRAM	 0x01000000
#define IORESOURCE_EXCLUSIVE	 0x08000000
#define IORESOURCE_DISABLED	 0x10000000
#define IORESOURCE_UNSET	 0x20000000
#define IORESOURCE_AUTO		 0x40000000
#define IORESOURCE_BUSY		 0x80000000
#define IORESOURCE_SYSTEM_RAM	 (IORESOURCE_MEM | IORESOURCE_SYSRAM)

/* desc values */
enum {
	IORES_DESC_NONE = 0,
	IORES_DESC_CRASH_KERNEL = 1,
	IORES_DESC_ACPI_TABLES = 2,
	IORES_DESC_ACPI_NV_STORAGE = 3,
	IORES_DESC_PERSISTENT_MEMORY = 4,
	IORES_DESC_PERSISTENT_MEMORY_LEGACY = 5,
	IORES_DESC_DEVICE_PRIVATE_MEMORY = 6,
	IORES_DESC_RESERVED = 7,
	IORES_DESC_SOFT_RESERVED = 8,
	IORES_DESC_CXL = 9,
};

/* region_intersects() results */
enum {
	REGION_DISJOINT,
	REGION_INTERSECTS,
	REGION_MIXED,
};

#define DEFINE_RES_NAMED(_start, _size, _name, _flags)                                             \
	((struct resource){.start = (_start),                                                      \
			   .end = (_start) + (_size)-1,                                            \
			   .name = (_name),                                                        \
			   .flags = (_flags),                                                      \
			   .desc = IORES_DESC_NONE})
#define DEFINE_RES_MEM_NAMED(_start, _size, _name)                                                 \
	DEFINE_RES_NAMED((_start), (_size), (_name), IORESOURCE_MEM)
#define DEFINE_RES_MEM(_start, _size) DEFINE_RES_MEM_NAMED((_start), (_size), NULL)

#pragma GCC visibility push(default)
extern struct resource iomem_resource;
extern struct resource ioport_resource;

struct resource *__request_region(struct resource *parent, resource_size_t start, resource_size_t n,
				  const char *name, int flags);
void __release_region(struct resource *parent, resource_size_t start, resource_size_t n);
int request_resource(struct resource *root, struct resource *new);
struct resource *request_resource_conflict(struct resource *root, struct resource *new);
int release_resource(struct resource *old);
int insert_resource(struct resource *parent, struct resource *new);
int region_intersects(resource_size_t start, size_t size, unsigned long flags, unsigned long desc);
int iomem_is_exclusive(u64 addr);
#pragma GCC visibility pop

#define request_region(start, n, name) __request_region(&ioport_resource, (start), (n), (name), 0)
#define request_mem_region(start, n, name)                                                         \
	__request_region(&iomem_resource, (start), (n), (name), 0)
#define request_mem_region_exclusive(start, n, name)                                               \
	__request_region(&iomem_resource, (start), (n), (name), IORESOURCE_EXCLUSIVE)
#define release_region(start, n)     __release_region(&ioport_resource, (start), (n))
#define release_mem_region(start, n) __release_region(&iomem_resource, (start), (n))

static inline resource_size_t resource_size(const struct resource *res)
{
	return res->end - res->start + 1;
}
static inline unsigned long resource_type(const struct resource *res)
{
	return res->flags & IORESOURCE_TYPE_BITS;
}
static inline bool resource_contains(const struct resource *r1, const struct resource *r2)
{
	if (resource_type(r1) != resource_type(r2))
		return false;
	if (r1->flags & IORESOURCE_UNSET || r2->flags & IORESOURCE_UNSET)
		return false;
	return r1->start <= r2->start && r1->end >= r2->end;
}

#endif
