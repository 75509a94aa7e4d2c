/* SPDX-License-Identifier: MIT */
/* dma.h (internal) - what dma-mapping.c asks of swiotlb.c. */
#ifndef UKMEM_DRIVERS_DMA_H
#define UKMEM_DRIVERS_DMA_H

#include <linux/dma-mapping.h>

struct page;

dma_addr_t swiotlb_map(struct device *dev, phys_addr_t orig, size_t size, u64 mask,
		       struct page **bounce, unsigned int *order);
void swiotlb_sync(phys_addr_t orig, struct page *bounce, size_t off, size_t size,
		  enum dma_data_direction dir, bool to_cpu);
void swiotlb_unmap(phys_addr_t orig, struct page *bounce, unsigned int order, size_t size,
		   enum dma_data_direction dir);
void swiotlb_reset(void);

#endif
