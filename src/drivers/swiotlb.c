// SPDX-License-Identifier: MIT
/*
 * swiotlb.c - bounce buffers for streaming DMA (the kernel's
 * kernel/dma/swiotlb.c, in spirit): when a buffer a driver maps lies
 * beyond what the device can address, the device is given a buffer it can
 * address and the data is copied between the two at map, sync and unmap.
 *
 * Which way the copies go (as Linux 6.12):
 *   map:		original -> bounce, for every direction (so a device that
 *			writes less than it was given cannot leak stale bounce
 *			data to the CPU)
 *   sync_for_device:	original -> bounce for TO_DEVICE and BIDIRECTIONAL
 *   sync_for_cpu:	bounce -> original for FROM_DEVICE and BIDIRECTIONAL
 *   unmap:		bounce -> original for FROM_DEVICE and BIDIRECTIONAL
 *
 * Deviation: the kernel bounces through one pool reserved at boot below
 * 4 GiB (64 MiB of 2 KiB slots), which cannot serve a 24-bit ISA mask on
 * x86_64. Here each bounce buffer is taken from the page allocator, in the
 * zone the device's mask calls for (ZONE_DMA for masks under 32 bits,
 * ZONE_DMA32 for 32-bit ones), with GFP_ATOMIC since mappings are made in
 * any context; so a 24-bit device is served too, and the bounce pages show
 * in the zone counters while they are in use.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/dma-mapping.h>

#include "machine/machine.h"
#include "drivers/drivers.h"
#include "drivers/dma.h"

static unsigned long nr_bounced, pages_in_use;

static gfp_t mask_zone(u64 mask)
{
	if (mask < DMA_BIT_MASK(32))
		return GFP_DMA;
	if (mask < DMA_BIT_MASK(64) && mask < PFN_PHYS(machine.max_pfn) - 1)
		return GFP_DMA32;
	return 0;
}

/*
 * swiotlb_map - a bounce buffer for [orig, orig+size) that @mask can reach.
 * Return: its bus address (the data copied in), or DMA_MAPPING_ERROR.
 */
dma_addr_t swiotlb_map(struct device *dev, phys_addr_t orig, size_t size, u64 mask,
		       struct page **bounce, unsigned int *order)
{
	unsigned int o = get_order(size);
	struct page *page;
	phys_addr_t phys;
	gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN | mask_zone(mask);

	page = alloc_pages(gfp, o);
	if (page && page_to_phys(page) + size - 1 > mask && !(gfp & GFP_DMA)) {
		__free_pages(page, o);
		page = alloc_pages(GFP_ATOMIC | __GFP_NOWARN | GFP_DMA, o);
	}
	if (page && page_to_phys(page) + size - 1 > mask) {
		__free_pages(page, o);
		page = NULL;
	}
	if (!page) {
		dev_warn(dev,
			 "swiotlb buffer is full (sz: %zd bytes), total %lu (slots), used %lu "
			 "(slots)\n",
			 size, 0ul, __atomic_load_n(&pages_in_use, __ATOMIC_RELAXED));
		return DMA_MAPPING_ERROR;
	}
	phys = page_to_phys(page);
	phys_copy(phys, orig, size);
	__atomic_fetch_add(&nr_bounced, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&pages_in_use, 1UL << o, __ATOMIC_RELAXED);
	*bounce = page;
	*order = o;
	return phys;
}

/* swiotlb_sync - copy [off, off+size) of a bounced mapping the way @dir and @to_cpu say */
void swiotlb_sync(phys_addr_t orig, struct page *bounce, size_t off, size_t size,
		  enum dma_data_direction dir, bool to_cpu)
{
	phys_addr_t b = page_to_phys(bounce);

	if (to_cpu && (dir == DMA_FROM_DEVICE || dir == DMA_BIDIRECTIONAL))
		phys_copy(orig + off, b + off, size);
	else if (!to_cpu && (dir == DMA_TO_DEVICE || dir == DMA_BIDIRECTIONAL))
		phys_copy(b + off, orig + off, size);
}

/* swiotlb_unmap - copy back what the device wrote, then give the bounce pages back */
void swiotlb_unmap(phys_addr_t orig, struct page *bounce, unsigned int order, size_t size,
		   enum dma_data_direction dir)
{
	swiotlb_sync(orig, bounce, 0, size, dir, true);
	__free_pages(bounce, order);
	__atomic_fetch_sub(&pages_in_use, 1UL << order, __ATOMIC_RELAXED);
}

__ukmem_export unsigned long ukmem_swiotlb_bounced(void)
{
	return __atomic_load_n(&nr_bounced, __ATOMIC_RELAXED);
}

void swiotlb_reset(void)
{
	nr_bounced = 0;
	pages_in_use = 0;
}
