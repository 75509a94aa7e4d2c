// SPDX-License-Identifier: MIT
/*
 * simdev.c - simulated devices: the hardware that drivers drive.
 *
 * A device has an MMIO window in the physical address space outside
 * System RAM (inserted into iomem_resource not busy, as the PCI core
 * inserts a BAR), register handlers that the MMIO accessors of ioremap.c
 * call, an IRQ line it asserts through ukmem_raise_irq(), and a DMA engine
 * that copies between host buffers and simulated RAM by bus address. There
 * is no IOMMU: a bus address is a physical address. The engine can reach
 * only what its hardware DMA mask covers (an ISA-style device: 24 bits); a
 * transfer beyond it, or outside System RAM, is a device fault: logged,
 * counted (UKMEM_REPORT_DMA), and nothing is copied, which is how a driver
 * learns it forgot GFP_DMA or dma_set_mask().
 *
 * A device without handlers (or with only one of them) keeps its registers
 * in a register file: mmio_size bytes of host memory, accessed atomically
 * at the access's width so that CPUs racing on a register are no data race.
 *
 * Locking: devices_lock (a spinlock) protects the device list and each
 * device's nr_maps (live ioremaps). A device is freed only by
 * ukmem_device_unregister() with no mapping and no DMA mapping left, or at
 * shutdown after ioremap.c and dma-mapping.c have dropped theirs.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/spinlock.h>
#include <linux/dma-mapping.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "drivers/drivers.h"

int ukmem_raise_irq(unsigned int irq); /* kernel/irq (contexts part) */

static DEFINE_SPINLOCK(devices_lock);
static struct ukmem_device *devices;
static const struct bus_type ukmem_bus = {.name = "ukmem"};

/* ------------------------------------------------------------ phys copies */

bool phys_is_ram(phys_addr_t phys, size_t len)
{
	phys_addr_t start = PFN_PHYS(machine.reserved_low_pfn), end = PFN_PHYS(machine.max_pfn);

	return len && phys + len > phys && phys >= start && phys + len <= end;
}

/*
 * Walk [phys, phys+len) a page at a time: lowmem through the direct map,
 * highmem through a kmap_local window (machine=i386).
 */
static void phys_walk(phys_addr_t phys, size_t len, void *buf, bool to_phys)
{
	while (len) {
		unsigned long pfn = PHYS_PFN(phys);
		size_t off = phys & ~PAGE_MASK, n = min_t(size_t, len, PAGE_SIZE - off);
		char *p;

		if (pfn < machine.max_low_pfn)
			p = (char *)__va(phys);
		else
			p = (char *)kmap_local_page(pfn_to_page(pfn)) + off;
		if (to_phys)
			memcpy(p, buf, n);
		else
			memcpy(buf, p, n);
		if (pfn >= machine.max_low_pfn)
			kunmap_local(p);
		phys += n;
		buf = (char *)buf + n;
		len -= n;
	}
}

void phys_copy_from(void *dst, phys_addr_t src, size_t len)
{
	phys_walk(src, len, dst, false);
}

void phys_copy_to(phys_addr_t dst, const void *src, size_t len)
{
	phys_walk(dst, len, (void *)src, true);
}

void phys_copy(phys_addr_t dst, phys_addr_t src, size_t len)
{
	char tmp[256];

	while (len) {
		size_t n = min(len, sizeof(tmp));

		phys_copy_from(tmp, src, n);
		phys_copy_to(dst, tmp, n);
		dst += n;
		src += n;
		len -= n;
	}
}

/* ------------------------------------------------------------ registry */

static struct ukmem_device *find_window_locked(phys_addr_t phys, size_t len)
{
	struct ukmem_device *d;

	for (d = devices; d; d = d->next)
		if (phys >= d->window.start && len - 1 <= d->window.end - phys)
			return d;
	return NULL;
}

struct ukmem_device *simdev_get_window(phys_addr_t phys, size_t len)
{
	struct ukmem_device *d;

	spin_lock(&devices_lock);
	d = find_window_locked(phys, len);
	if (d)
		d->nr_maps++;
	spin_unlock(&devices_lock);
	return d;
}

void simdev_put_window(struct ukmem_device *udev)
{
	spin_lock(&devices_lock);
	udev->nr_maps--;
	spin_unlock(&devices_lock);
}

/* the first free window of @size above RAM, aligned to its size as a BAR is */
static int place_window(struct ukmem_device *d, size_t size)
{
	phys_addr_t align = PAGE_SIZE, base, ram_end = PFN_PHYS(machine.max_pfn);
	int tries;

	while (align < size)
		align <<= 1;
	/* below 4 GiB where RAM leaves room (an i386 or small machine), as PCI holes are */
	base = ram_end <= 0xe0000000ull ? 0xe0000000ull : round_up(ram_end, 1ull << 28);
	base = round_up(base, align);
	for (tries = 0; tries < 4096; tries++, base += align) {
		d->window.start = base;
		d->window.end = base + size - 1;
		if (!request_resource(&iomem_resource, &d->window))
			return 0;
	}
	return -EBUSY;
}

/**
 * ukmem_device_register - plug in a simulated device
 * @info: name, window, handlers, IRQ line and DMA mask (docs/drivers.md)
 *
 * Context: process context; may sleep.
 * Return: the device, or NULL with a log line saying why.
 */
__ukmem_export struct ukmem_device *ukmem_device_register(const struct ukmem_device_info *info)
{
	struct ukmem_device *d;
	int err;

	ukmem_ensure_booted();
	might_sleep_check(__FILE__, __LINE__);
	if (!info || !info->name || !info->name[0] || !info->mmio_size) {
		pr_err("ukmem: device registration without %s refused\n",
		       !info				 ? "info"
		       : (!info->name || !info->name[0]) ? "a name"
							 : "a window");
		return NULL;
	}
	if (info->mmio_base + info->mmio_size - 1 < info->mmio_base) {
		pr_err("ukmem: %s: MMIO window at %#llx of %#zx bytes wraps\n", info->name,
		       (unsigned long long)info->mmio_base, info->mmio_size);
		return NULL;
	}
	if (info->mmio_base &&
	    region_intersects(info->mmio_base, info->mmio_size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("ukmem: %s: MMIO window [mem %#010llx-%#010llx] overlaps System RAM\n",
		       info->name, (unsigned long long)info->mmio_base,
		       (unsigned long long)(info->mmio_base + info->mmio_size - 1));
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->regs = calloc(1, round_up(info->mmio_size, 8));
	if (!d->regs) {
		free(d);
		return NULL;
	}
	snprintf(d->name, sizeof(d->name), "%s", info->name);
	d->window.name = d->name;
	d->window.flags = IORESOURCE_MEM;
	d->irq = info->irq;
	d->hw_dma_mask = info->dma_mask ? info->dma_mask : DMA_BIT_MASK(32);
	d->ops = info->ops;
	d->priv = info->priv;
	d->dev.init_name = d->name;
	d->dev.bus = &ukmem_bus;
	d->dev.ukmem_dev = d;
	device_initialize(&d->dev);

	if (info->mmio_base) {
		d->window.start = info->mmio_base;
		d->window.end = info->mmio_base + info->mmio_size - 1;
		err = request_resource(&iomem_resource, &d->window);
	} else {
		err = place_window(d, info->mmio_size);
	}
	if (err) {
		pr_err("ukmem: %s: MMIO window [mem %#010llx-%#010llx] conflicts with another "
		       "resource\n",
		       d->name, (unsigned long long)d->window.start,
		       (unsigned long long)d->window.end);
		free(d->regs);
		free(d);
		return NULL;
	}
	spin_lock(&devices_lock);
	d->next = devices;
	devices = d;
	spin_unlock(&devices_lock);
	return d;
}

static void simdev_free(struct ukmem_device *d)
{
	release_resource(&d->window);
	free(d->regs);
	free(d);
}

/**
 * ukmem_device_unregister - unplug a simulated device
 * @udev: the device
 *
 * Refused with a WARNING while its window is ioremapped, a region in it is
 * requested, or it holds DMA mappings: the driver must be torn down first.
 *
 * Context: process context. Return: 0, -EBUSY or -EINVAL (not a device).
 */
__ukmem_export int ukmem_device_unregister(struct ukmem_device *udev)
{
	struct ukmem_device **p;
	unsigned long pending;
	bool claimed;
	int maps;

	if (!udev)
		return -EINVAL;
	pending = dma_debug_pending(&udev->dev);
	claimed = resource_claimed(&udev->window);
	spin_lock(&devices_lock);
	for (p = &devices; *p && *p != udev; p = &(*p)->next)
		;
	if (!*p) {
		spin_unlock(&devices_lock);
		report_warn(UKMEM_REPORT_IOMEM, __FILE__, __LINE__, __builtin_return_address(0),
			    "ukmem: unregistering unknown device %p\n", udev);
		return -EINVAL;
	}
	maps = udev->nr_maps;
	if (maps || pending || claimed) {
		spin_unlock(&devices_lock);
		report_warn(UKMEM_REPORT_IOMEM, __FILE__, __LINE__, __builtin_return_address(0),
			    "ukmem: device %s unplugged with %d ioremap mappings, %lu DMA "
			    "mappings and %s regions live\n",
			    udev->name, maps, pending, claimed ? "requested" : "no requested");
		return -EBUSY;
	}
	*p = udev->next;
	spin_unlock(&devices_lock);
	simdev_free(udev);
	return 0;
}

__ukmem_export struct device *ukmem_device_dev(struct ukmem_device *udev)
{
	return udev ? &udev->dev : NULL;
}

__ukmem_export struct ukmem_device *ukmem_device_from_dev(struct device *dev)
{
	return dev ? dev->ukmem_dev : NULL;
}

__ukmem_export uint64_t ukmem_device_mmio_base(const struct ukmem_device *udev)
{
	return udev->window.start;
}

__ukmem_export size_t ukmem_device_mmio_size(const struct ukmem_device *udev)
{
	return resource_size(&udev->window);
}

__ukmem_export unsigned int ukmem_device_irq(const struct ukmem_device *udev)
{
	return udev->irq;
}

__ukmem_export void *ukmem_device_priv(const struct ukmem_device *udev)
{
	return udev->priv;
}

__ukmem_export void *ukmem_device_regs(struct ukmem_device *udev)
{
	return udev->regs;
}

__ukmem_export unsigned long ukmem_device_mmio_reads(const struct ukmem_device *udev)
{
	return __atomic_load_n(&udev->nr_reads, __ATOMIC_RELAXED);
}

__ukmem_export unsigned long ukmem_device_mmio_writes(const struct ukmem_device *udev)
{
	return __atomic_load_n(&udev->nr_writes, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------ MMIO */

u64 simdev_mmio_read(struct ukmem_device *udev, unsigned long offset, unsigned int width)
{
	void *r = udev->regs + offset;

	__atomic_fetch_add(&udev->nr_reads, 1, __ATOMIC_RELAXED);
	if (udev->ops && udev->ops->read)
		return udev->ops->read(udev, offset, width);
	switch (width) {
	case 1:
		return __atomic_load_n((u8 *)r, __ATOMIC_RELAXED);
	case 2:
		return __atomic_load_n((u16 *)r, __ATOMIC_RELAXED);
	case 4:
		return __atomic_load_n((u32 *)r, __ATOMIC_RELAXED);
	default:
		return __atomic_load_n((u64 *)r, __ATOMIC_RELAXED);
	}
}

void simdev_mmio_write(struct ukmem_device *udev, unsigned long offset, u64 val, unsigned int width)
{
	void *r = udev->regs + offset;

	__atomic_fetch_add(&udev->nr_writes, 1, __ATOMIC_RELAXED);
	if (udev->ops && udev->ops->write) {
		udev->ops->write(udev, offset, val, width);
		return;
	}
	switch (width) {
	case 1:
		__atomic_store_n((u8 *)r, (u8)val, __ATOMIC_RELAXED);
		break;
	case 2:
		__atomic_store_n((u16 *)r, (u16)val, __ATOMIC_RELAXED);
		break;
	case 4:
		__atomic_store_n((u32 *)r, (u32)val, __ATOMIC_RELAXED);
		break;
	default:
		__atomic_store_n((u64 *)r, val, __ATOMIC_RELAXED);
	}
}

/* ------------------------------------------------------------ DMA engine, IRQ */

static int dma_check(struct ukmem_device *udev, u64 bus, size_t len, const char *what)
{
	const char *why = NULL;

	if (!len)
		return 0;
	if (bus + len - 1 < bus || bus + len - 1 > udev->hw_dma_mask)
		why = "beyond the device's DMA mask";
	else if (!phys_is_ram(bus, len))
		why = "outside System RAM";
	if (!why)
		return 0;
	report_start(UKMEM_REPORT_DMA);
	_dev_printk(KERN_ERR, &udev->dev,
		    "DMA fault: device %s of %zu bytes at bus address %#llx is %s (mask %#llx)\n",
		    what, len, (unsigned long long)bus, why, (unsigned long long)udev->hw_dma_mask);
	report_stack_skip(1);
	report_end(UKMEM_REPORT_DMA);
	return -EFAULT;
}

/**
 * ukmem_device_dma_read - the device reads RAM (a DMA_TO_DEVICE transfer)
 * @udev: the device
 * @bus: bus address (the dma_addr_t a driver programmed)
 * @buf: where the device puts the bytes
 * @len: bytes
 *
 * Context: any. Return: 0, or -EFAULT after a device fault report.
 */
__ukmem_export int ukmem_device_dma_read(struct ukmem_device *udev, uint64_t bus, void *buf,
					 size_t len)
{
	if (!udev || (!buf && len))
		return -EINVAL;
	if (dma_check(udev, bus, len, "read"))
		return -EFAULT;
	phys_copy_from(buf, bus, len);
	return 0;
}

/**
 * ukmem_device_dma_write - the device writes RAM (a DMA_FROM_DEVICE transfer)
 * @udev: the device
 * @bus: bus address
 * @buf: the bytes
 * @len: bytes
 *
 * Context: any. Return: 0, or -EFAULT after a device fault report.
 */
__ukmem_export int ukmem_device_dma_write(struct ukmem_device *udev, uint64_t bus, const void *buf,
					  size_t len)
{
	if (!udev || (!buf && len))
		return -EINVAL;
	if (dma_check(udev, bus, len, "write"))
		return -EFAULT;
	phys_copy_to(bus, buf, len);
	return 0;
}

/**
 * ukmem_device_raise_irq - the device asserts its interrupt line
 * @udev: the device
 *
 * Context: any. Return: what ukmem_raise_irq() returns, -EINVAL without a line.
 */
__ukmem_export int ukmem_device_raise_irq(struct ukmem_device *udev)
{
	if (!udev || !udev->irq)
		return -EINVAL;
	return ukmem_raise_irq(udev->irq);
}

int simdev_init(void)
{
	spin_lock_init(&devices_lock);
	devices = NULL;
	return 0;
}

/* simdev_exit - unplug what is left (its mappings are gone by now) */
void simdev_exit(void)
{
	struct ukmem_device *d, *next;

	spin_lock(&devices_lock);
	d = devices;
	devices = NULL;
	spin_unlock(&devices_lock);
	for (; d; d = next) {
		next = d->next;
		simdev_free(d);
	}
}
