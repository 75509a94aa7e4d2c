// SPDX-License-Identifier: MIT
/*
 * dmapool.c - pools of small coherent DMA blocks (the kernel's
 * mm/dmapool.c).
 *
 * A pool carves pages of dma_alloc_coherent() memory (at least a page, or
 * one block if blocks are bigger) into blocks of one size, aligned as asked
 * and never crossing the boundary (a power of two: hardware that cannot
 * have a descriptor straddle 4 KiB says 4096). Pages are added as blocks
 * run out and given back only at dma_pool_destroy(), as the kernel's.
 *
 * Unlike the kernel, which threads the free list through the free blocks
 * themselves, each pool page keeps its free blocks in host memory (a stack
 * of block indices) and a bit per block saying whether it is handed out:
 * so a driver writing into a block it freed cannot corrupt the pool, a
 * double free and a pointer that is not a block start are always caught
 * (the kernel catches them only with DMAPOOL_DEBUG), and freed blocks are
 * poisoned (0xa7, the kernel's POOL_POISON_FREED) and checked when handed
 * out again ("dma_pool_alloc %s, %p (corrupted)").
 *
 * Locking: pool->lock (irqsave; blocks are taken and given back in any
 * context) protects the page list and every page's stack and bits. It is
 * dropped while a new page is allocated.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "drivers/drivers.h"

#define POOL_POISON_FREED     0xa7
#define POOL_POISON_ALLOCATED 0xa9

struct dma_page {
	struct dma_page *next;
	char *vaddr;
	dma_addr_t dma;
	unsigned int nr_blocks, nr_free;
	unsigned int *free_stack;   /* indices of free blocks */
	unsigned long *in_use;	    /* a bit per block */
	unsigned int *block_offset; /* byte offset of each block */
};

struct dma_pool {
	char name[32];
	struct device *dev;
	size_t size, allocation, boundary;
	spinlock_t lock;
	struct dma_page *pages;
	unsigned long nr_active, nr_pages;
};

#define BITS_PER_UL (8 * sizeof(unsigned long))

/**
 * dma_pool_create - a pool of coherent blocks for @dev
 * @name: shown in reports (copied, up to 31 characters)
 * @dev: the device (its coherent mask decides the zone)
 * @size: bytes a block
 * @align: alignment, a power of two, or 0 for none
 * @boundary: a power of two no block may cross, or 0 for none
 *
 * Context: process context; may sleep.
 * Return: the pool, or NULL for a zero or huge size, a bad alignment or
 * boundary, or no device.
 */
__ukmem_export struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size,
						size_t align, size_t boundary)
{
	struct dma_pool *pool;
	size_t allocation;

	might_sleep_check(__FILE__, __LINE__);
	if (!dev || !size || size > INT_MAX)
		return NULL;
	if (!align)
		align = 1;
	else if (align & (align - 1))
		return NULL;
	size = ALIGN(size, align);
	if (size > INT_MAX)
		return NULL;
	allocation = max_t(size_t, size, PAGE_SIZE);
	if (!boundary)
		boundary = allocation;
	else if (boundary < size || (boundary & (boundary - 1)))
		return NULL;
	boundary = min(boundary, allocation);
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	snprintf(pool->name, sizeof(pool->name), "%s", name ? name : "");
	pool->dev = dev;
	pool->size = size;
	pool->allocation = allocation;
	pool->boundary = boundary;
	spin_lock_init(&pool->lock);
	return pool;
}

static void pool_page_free_meta(struct dma_page *page)
{
	free(page->free_stack);
	free(page->in_use);
	free(page->block_offset);
	free(page);
}

/* a new page carved into blocks: boundary-crossing positions are skipped */
static struct dma_page *pool_alloc_page(struct dma_pool *pool, gfp_t gfp)
{
	size_t offset = 0, next_boundary = pool->boundary;
	struct dma_page *page;
	unsigned int n = 0, max = pool->allocation / pool->size;

	page = calloc(1, sizeof(*page));
	if (!page)
		return NULL;
	page->free_stack = calloc(max, sizeof(unsigned int));
	page->block_offset = calloc(max, sizeof(unsigned int));
	page->in_use = calloc((max + BITS_PER_UL - 1) / BITS_PER_UL, sizeof(unsigned long));
	if (!page->free_stack || !page->block_offset || !page->in_use)
		goto fail;
	page->vaddr =
	    dma_alloc_coherent(pool->dev, pool->allocation, &page->dma, gfp & ~__GFP_ZERO);
	if (!page->vaddr)
		goto fail;
	while (offset + pool->size <= pool->allocation) {
		if (offset + pool->size > next_boundary) {
			offset = next_boundary;
			next_boundary += pool->boundary;
			continue;
		}
		page->block_offset[n] = (unsigned int)offset;
		n++;
		offset += pool->size;
	}
	page->nr_blocks = n;
	/* hand out low addresses first */
	for (page->nr_free = 0; page->nr_free < n; page->nr_free++)
		page->free_stack[page->nr_free] = n - 1 - page->nr_free;
	memset(page->vaddr, POOL_POISON_FREED, pool->allocation);
	return page;
fail:
	pool_page_free_meta(page);
	return NULL;
}

static bool block_poisoned(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != POOL_POISON_FREED)
			return false;
	return true;
}

/**
 * dma_pool_alloc - take a block
 * @pool: the pool
 * @mem_flags: GFP flags for a new page (__GFP_ZERO zeroes the block)
 * @handle: out: the block's bus address
 *
 * Context: any context with GFP_ATOMIC; may sleep with GFP_KERNEL.
 * Return: the block's address, or NULL.
 */
__ukmem_export void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags, dma_addr_t *handle)
{
	struct dma_page *page, *fresh = NULL;
	unsigned long flags;
	unsigned int idx;
	char *block;

	if (!pool || !handle) {
		report_warn(UKMEM_REPORT_DMA, __FILE__, __LINE__, __builtin_return_address(0),
			    "dma_pool_alloc with %s\n", !pool ? "no pool" : "no handle");
		return NULL;
	}
	if (gfpflags_allow_blocking(mem_flags))
		might_sleep_check(__FILE__, __LINE__);
retry:
	spin_lock_irqsave(&pool->lock, flags);
	if (fresh) {
		fresh->next = pool->pages;
		pool->pages = fresh;
		pool->nr_pages++;
		fresh = NULL;
	}
	for (page = pool->pages; page; page = page->next)
		if (page->nr_free)
			break;
	if (!page) {
		spin_unlock_irqrestore(&pool->lock, flags);
		fresh = pool_alloc_page(pool, mem_flags);
		if (!fresh)
			return NULL;
		goto retry;
	}
	idx = page->free_stack[--page->nr_free];
	page->in_use[idx / BITS_PER_UL] |= 1UL << (idx % BITS_PER_UL);
	pool->nr_active++;
	block = page->vaddr + page->block_offset[idx];
	*handle = page->dma + page->block_offset[idx];
	spin_unlock_irqrestore(&pool->lock, flags);

	if (!block_poisoned((unsigned char *)block, pool->size))
		dev_err(pool->dev, "dma_pool_alloc %s, %p (corrupted)\n", pool->name, block);
	memset(block, (mem_flags & __GFP_ZERO) ? 0 : POOL_POISON_ALLOCATED, pool->size);
	return block;
}

/**
 * dma_pool_free - give a block back
 * @pool: the pool it came from
 * @vaddr: the block's address
 * @dma: its bus address
 *
 * A pointer that is no block of the pool, a bus address that does not
 * match, or a block already free is reported (the kernel's words) and
 * nothing is freed.
 *
 * Context: any.
 */
__ukmem_export void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t dma)
{
	struct dma_page *page;
	unsigned long flags;
	const char *err = NULL;
	unsigned int i;

	if (!pool)
		return;
	spin_lock_irqsave(&pool->lock, flags);
	for (page = pool->pages; page; page = page->next)
		if ((char *)vaddr >= page->vaddr && (char *)vaddr < page->vaddr + pool->allocation)
			break;
	if (!page) {
		err = "bad vaddr";
		goto out;
	}
	for (i = 0; i < page->nr_blocks; i++)
		if (page->vaddr + page->block_offset[i] == (char *)vaddr)
			break;
	if (i == page->nr_blocks) {
		err = "bad vaddr";
		goto out;
	}
	if (page->dma + page->block_offset[i] != dma) {
		err = "bad dma";
		goto out;
	}
	if (!(page->in_use[i / BITS_PER_UL] & (1UL << (i % BITS_PER_UL)))) {
		err = "already free";
		goto out;
	}
	page->in_use[i / BITS_PER_UL] &= ~(1UL << (i % BITS_PER_UL));
	page->free_stack[page->nr_free++] = i;
	pool->nr_active--;
	memset(vaddr, POOL_POISON_FREED, pool->size);
out:
	spin_unlock_irqrestore(&pool->lock, flags);
	if (!err)
		return;
	report_start(UKMEM_REPORT_DMA);
	if (!strcmp(err, "already free"))
		dev_err(pool->dev, "dma_pool_free %s, dma %#llx already free\n", pool->name,
			(unsigned long long)dma);
	else
		dev_err(pool->dev, "dma_pool_free %s, %p/%#llx (%s)\n", pool->name, vaddr,
			(unsigned long long)dma, err);
	report_stack_skip(0);
	report_end(UKMEM_REPORT_DMA);
}

/**
 * dma_pool_destroy - free a pool and its pages
 * @pool: the pool, or NULL (a no-op)
 *
 * With blocks still handed out the kernel's "dma_pool_destroy <name> busy"
 * is reported and the pages are left allocated (they stay the device's
 * pending DMA memory), so no block still in use is handed to anybody else.
 *
 * Context: process context; may sleep.
 */
__ukmem_export void dma_pool_destroy(struct dma_pool *pool)
{
	struct dma_page *page, *next;
	bool busy;

	if (!pool)
		return;
	might_sleep_check(__FILE__, __LINE__);
	spin_lock(&pool->lock);
	busy = pool->nr_active != 0;
	page = pool->pages;
	pool->pages = NULL;
	spin_unlock(&pool->lock);
	if (busy) {
		report_start(UKMEM_REPORT_DMA);
		dev_err(pool->dev, "dma_pool_destroy %s busy\n", pool->name);
		report_stack_skip(0);
		report_end(UKMEM_REPORT_DMA);
	}
	for (; page; page = next) {
		next = page->next;
		if (!busy)
			dma_free_coherent(pool->dev, pool->allocation, page->vaddr, page->dma);
		pool_page_free_meta(page);
	}
	free(pool);
}
