/* SPDX-License-Identifier: MIT */
/*
 * drivers.h (internal) - what the files of src/drivers share: the boot
 * hooks, /proc/iomem, the simulated devices' lookup by physical address,
 * and physical-memory copies that reach highmem frames too.
 */
#ifndef UKMEM_DRIVERS_H
#define UKMEM_DRIVERS_H

#include <linux/types.h>
#include <linux/ioport.h>
#include <linux/device.h>
#include <ukmem.h>
#include <stdio.h>

/* a flag bit Linux 6.12 leaves unused: the node came from __request_region() */
#define IORESOURCE_UKMEM_OWNED 0x00800000

/* resource.c */
int iomem_init(void);
void iomem_exit(void);
int iomem_show(FILE *out);
bool resource_claimed(struct resource *r);

/* simdev.c */
struct ukmem_device {
	struct device dev; /* first: the driver's view */
	char name[64];
	struct resource window; /* in iomem_resource, not busy */
	unsigned int irq;
	u64 hw_dma_mask; /* what the engine can address */
	const struct ukmem_device_ops *ops;
	void *priv;
	unsigned char *regs; /* register file, window bytes */
	unsigned long nr_reads, nr_writes;
	int nr_maps; /* live ioremaps of its window (ioremap.c) */
	struct ukmem_device *next;
};
/* find the device whose window holds [phys, phys+len) and pin it (nr_maps++); NULL if none */
struct ukmem_device *simdev_get_window(phys_addr_t phys, size_t len);
void simdev_put_window(struct ukmem_device *udev);
/* an MMIO access of @width bytes at @offset into @udev's window */
u64 simdev_mmio_read(struct ukmem_device *udev, unsigned long offset, unsigned int width);
void simdev_mmio_write(struct ukmem_device *udev, unsigned long offset, u64 val,
		       unsigned int width);
int simdev_init(void);
void simdev_exit(void);

/* phys copies over lowmem and highmem frames alike (simdev.c) */
void phys_copy_from(void *dst, phys_addr_t src, size_t len);
void phys_copy_to(phys_addr_t dst, const void *src, size_t len);
void phys_copy(phys_addr_t dst, phys_addr_t src, size_t len);
/* is [phys, phys+len) all System RAM the page allocator manages? */
bool phys_is_ram(phys_addr_t phys, size_t len);

/* ioremap.c */
int ioremap_init(void);
void ioremap_exit(void);

/* dma-mapping.c */
int dma_init(void);
void dma_exit(void);
/* mappings (streaming and coherent) still held for @dev */
unsigned long dma_debug_pending(const struct device *dev);

/* the subsystem hooks for boot.c */
int drivers_init(void);
void drivers_exit(void);

#endif
