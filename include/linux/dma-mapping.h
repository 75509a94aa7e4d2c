/* SPDX-License-Identifier: MIT */
/*
 * dma-mapping.h - the DMA API: what a device may address (its masks),
 * memory shared with a device (dma_alloc_coherent), and streaming mappings
 * of a driver's buffers (dma_map_single) with their ownership handoffs
 * (dma_sync_single_for_cpu / _for_device).
 *
 * There is no IOMMU: a bus address is the physical address. A streaming
 * mapping of a buffer the device cannot address (beyond *dev->dma_mask) is
 * bounced through a buffer it can, as swiotlb does. Every mapping is
 * tracked as CONFIG_DMA_API_DEBUG does, and misuse is reported in its
 * words ("DMA-API: <driver> <device>: ...").
 */
#ifndef _UKMEM_LINUX_DMA_MAPPING_H
#define _UKMEM_LINUX_DMA_MAPPING_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/device.h>
#include <linux/dma-direction.h>

struct page;

#define DMA_BIT_MASK(n)	  (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

/* the kernel's <linux/wordpart.h>, which drivers use to program bus addresses */
#ifndef lower_32_bits
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n)&0xffffffff))
#endif

/* attributes (accepted; the simulated bus has no caches to skip) */
#define DMA_ATTR_WEAK_ORDERING	    (1UL << 1)
#define DMA_ATTR_WRITE_COMBINE	    (1UL << 2)
#define DMA_ATTR_NO_KERNEL_MAPPING  (1UL << 4)
#define DMA_ATTR_SKIP_CPU_SYNC	    (1UL << 5)
#define DMA_ATTR_FORCE_CONTIGUOUS   (1UL << 6)
#define DMA_ATTR_ALLOC_SINGLE_PAGES (1UL << 7)
#define DMA_ATTR_NO_WARN	    (1UL << 8)
#define DMA_ATTR_PRIVILEGED	    (1UL << 9)

#pragma GCC visibility push(default)
int dma_set_mask(struct device *dev, u64 mask);
int dma_set_coherent_mask(struct device *dev, u64 mask);
int dma_supported(struct device *dev, u64 mask);
void *dma_alloc_attrs(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t flag,
		      unsigned long attrs);
void dma_free_attrs(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle,
		    unsigned long attrs);
dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page, size_t offset, size_t size,
			      enum dma_data_direction dir, unsigned long attrs);
dma_addr_t dma_map_single_attrs(struct device *dev, void *ptr, size_t size,
				enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_page_attrs(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs);
void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir);
int dma_mapping_error(struct device *dev, dma_addr_t dma_addr);
#pragma GCC visibility pop

static inline int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	int rc = dma_set_mask(dev, mask);

	if (rc == 0)
		dma_set_coherent_mask(dev, mask);
	return rc;
}
static inline u64 dma_get_mask(struct device *dev)
{
	if (dev && dev->dma_mask && *dev->dma_mask)
		return *dev->dma_mask;
	return DMA_BIT_MASK(32);
}
static inline void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle,
				       gfp_t gfp)
{
	return dma_alloc_attrs(dev, size, dma_handle, gfp, 0);
}
static inline void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr,
				     dma_addr_t dma_handle)
{
	dma_free_attrs(dev, size, cpu_addr, dma_handle, 0);
}
#define dma_map_single(d, a, s, r)   dma_map_single_attrs(d, a, s, r, 0)
#define dma_unmap_single(d, a, s, r) dma_unmap_page_attrs(d, a, s, r, 0)
#define dma_unmap_single_attrs	     dma_unmap_page_attrs
#define dma_map_page(d, p, o, s, r)  dma_map_page_attrs(d, p, o, s, r, 0)
#define dma_unmap_page(d, a, s, r)   dma_unmap_page_attrs(d, a, s, r, 0)

#endif
