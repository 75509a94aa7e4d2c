/* SPDX-License-Identifier: MIT */
/*
 * dmapool.h - pools of small, equally sized blocks of coherent DMA memory
 * (descriptors, command blocks), carved out of dma_alloc_coherent() pages
 * so that no block crosses the pool's boundary.
 */
#ifndef _UKMEM_LINUX_DMAPOOL_H
#define _UKMEM_LINUX_DMAPOOL_H

#include <linux/types.h>
#include <linux/gfp.h>

struct device;
struct dma_pool;

#pragma GCC visibility push(default)
struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size, size_t align,
				 size_t boundary);
void dma_pool_destroy(struct dma_pool *pool);
void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle);
void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t dma);
#pragma GCC visibility pop

static inline void *dma_pool_zalloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	return dma_pool_alloc(pool, mem_flags | __GFP_ZERO, handle);
}

#endif
