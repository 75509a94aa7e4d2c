// SPDX-License-Identifier: MIT
/*
 * core.c - the device model's small core (the kernel's drivers/base/core.c
 * as far as drivers see it): device_initialize(), dev_driver_string() and
 * the dev_printk() family with the kernel's "<driver> <device>: " prefix.
 */
#include <linux/kernel.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <stdarg.h>

#include "machine/machine.h"
#include "drivers/drivers.h"

/**
 * device_initialize - make a program's own struct device usable
 * @dev: the device (name, parent, driver are left as they are)
 *
 * dma_mask points at the device's own storage; both masks start at 32 bits,
 * the kernel's default for PCI devices.
 *
 * Context: any.
 */
__ukmem_export void device_initialize(struct device *dev)
{
	if (!dev)
		return;
	dev->_dma_mask = DMA_BIT_MASK(32);
	dev->dma_mask = &dev->_dma_mask;
	dev->coherent_dma_mask = DMA_BIT_MASK(32);
}

/**
 * dev_driver_string - the driver's name, else the bus's, else ""
 * @dev: the device
 *
 * Context: any. Return: a string that lives as long as the driver or bus.
 */
__ukmem_export const char *dev_driver_string(const struct device *dev)
{
	if (!dev)
		return "";
	if (dev->driver && dev->driver->name)
		return dev->driver->name;
	if (dev->bus && dev->bus->name)
		return dev->bus->name;
	return "";
}

static __printf(2, 3) void printk_at(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_level(level, fmt, ap);
	va_end(ap);
}

/**
 * _dev_printk - printk with the device's prefix, as dev_err() and friends
 * @level: KERN_ERR ...
 * @dev: the device, or NULL ("(NULL device *): ")
 * @fmt: printk format
 *
 * Context: any.
 */
__ukmem_export void _dev_printk(const char *level, const struct device *dev, const char *fmt, ...)
{
	int lvl = LOGLEVEL_WARNING; /* printk's default level */
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	ukmem_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (level && level[0] == KERN_SOH[0] && level[1] >= '0' && level[1] <= '7')
		lvl = level[1] - '0';
	if (dev)
		printk_at(lvl, "%s %s: %s", dev_driver_string(dev), dev_name(dev), buf);
	else
		printk_at(lvl, "(NULL device *): %s", buf);
}

/*
 * The drivers layer joins boot after vmalloc (ioremap needs its space) and
 * leaves before it: DMA mappings first, then mappings, the tree's claims, devices.
 */
int drivers_init(void)
{
	int err = iomem_init();

	if (!err)
		err = simdev_init();
	if (!err)
		err = ioremap_init();
	if (!err)
		err = dma_init();
	return err;
}

void drivers_exit(void)
{
	dma_exit();
	ioremap_exit();
	iomem_exit(); /* frees the claims inside device windows too */
	simdev_exit();
}
