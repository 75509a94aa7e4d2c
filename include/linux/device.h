/* SPDX-License-Identifier: MIT */
/*
 * device.h - the part of the kernel's device model that drivers touch
 * every day: struct device with its DMA masks and driver data, its name,
 * and the dev_err()/dev_warn()/dev_info() printk helpers that prefix each
 * line with "<driver> <device>: " as the kernel's do.
 *
 * There is no bus, kobject or sysfs: a struct device is either the one a
 * simulated device hands out (ukmem_device_dev(), <ukmem.h>) or one the
 * program fills in itself with device_initialize() and a name.
 */
#ifndef _UKMEM_LINUX_DEVICE_H
#define _UKMEM_LINUX_DEVICE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/printk.h>

struct ukmem_device;

struct device_driver {
	const char *name;
};

struct bus_type {
	const char *name;
};

struct device {
	struct device *parent;
	const char *init_name; /* dev_name() */
	const struct bus_type *bus;
	struct device_driver *driver; /* the bound driver, or NULL */
	void *driver_data;
	u64 *dma_mask;			/* what streaming mappings may address (dma_set_mask) */
	u64 coherent_dma_mask;		/* what dma_alloc_coherent may return */
	u64 bus_dma_limit;		/* 0: none */
	u64 _dma_mask;			/* storage dma_mask points at after device_initialize() */
	struct ukmem_device *ukmem_dev; /* the simulated hardware behind it, or NULL */
};

#pragma GCC visibility push(default)
/* device_initialize - zero nothing, point dma_mask at its own storage, 32-bit masks */
void device_initialize(struct device *dev);
const char *dev_driver_string(const struct device *dev);
void _dev_printk(const char *level, const struct device *dev, const char *fmt, ...) __printf(3, 4);
#pragma GCC visibility pop

static inline const char *dev_name(const struct device *dev)
{
	return dev->init_name ? dev->init_name : "(unnamed)";
}
static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}
static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

#ifndef dev_fmt
#define dev_fmt(fmt) fmt
#endif

#define dev_printk(level, dev, fmt, ...) _dev_printk(level, dev, fmt, ##__VA_ARGS__)
#define dev_emerg(dev, fmt, ...)	 _dev_printk(KERN_EMERG, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_alert(dev, fmt, ...)	 _dev_printk(KERN_ALERT, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...)		 _dev_printk(KERN_CRIT, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)		 _dev_printk(KERN_ERR, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)		 _dev_printk(KERN_WARNING, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...)	 _dev_printk(KERN_NOTICE, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)		 _dev_printk(KERN_INFO, dev, dev_fmt(fmt), ##__VA_ARGS__)
#ifdef DEBUG
#define dev_dbg(dev, fmt, ...) _dev_printk(KERN_DEBUG, dev, dev_fmt(fmt), ##__VA_ARGS__)
#else
#define dev_dbg(dev, fmt, ...)                                                                     \
	({                                                                                         \
		if (0)                                                                             \
			_dev_printk(KERN_DEBUG, dev, dev_fmt(fmt), ##__VA_ARGS__);                 \
	})
#endif
#define dev_err_ratelimited  dev_err
#define dev_warn_ratelimited dev_warn
#define dev_info_ratelimited dev_info
#define dev_err_once	     dev_err
#define dev_warn_once	     dev_warn

#endif
