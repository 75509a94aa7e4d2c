// SPDX-License-Identifier: MIT
/*
 * dma-mapping.c - the DMA API (the kernel's kernel/dma/mapping.c and
 * direct.c) with dma-debug (kernel/dma/debug.c) always on.
 *
 * There is no IOMMU: a bus address is the physical address. A streaming
 * mapping (dma_map_single/dma_map_page) hands the device the buffer's own
 * physical address when the device's mask reaches it, and a swiotlb bounce
 * buffer (swiotlb.c) when it does not. dma_alloc_coherent() takes pages
 * from the zone the coherent mask calls for (ZONE_DMA for masks up to
 * 24 bits, ZONE_DMA32 up to 32) and returns their direct-map address.
 *
 * Every mapping and coherent allocation is an entry in a hash keyed by bus
 * address, as dma-debug keeps them, so each unmap, free and sync is checked
 * against what was mapped, and misuse is reported in dma-debug's words
 * ("DMA-API: <driver> <device>: device driver frees DMA memory with
 * different size ..."). Unlike the kernel, which reports and goes on, a
 * free of something never allocated, or of the wrong kind, frees nothing,
 * and a free with the wrong size or CPU address frees what was really
 * allocated, so nothing a caller still holds is corrupted.
 *
 * Locking: one spinlock per hash bucket (taken with irqsave: mappings are
 * made and released in any context); no lock is held across page
 * allocation, copies or reports. Entries come from host memory.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/dma-mapping.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "drivers/drivers.h"
#include "drivers/dma.h"

#define HASH_SIZE     1024
#define HASH_FN_SHIFT 13

enum dma_debug_type { dma_debug_single, dma_debug_sg, dma_debug_coherent, dma_debug_resource };

static const char *const type2name[] = {
    [dma_debug_single] = "single",
    [dma_debug_sg] = "scatter-gather",
    [dma_debug_coherent] = "coherent",
    [dma_debug_resource] = "resource",
};
static const char *const dir2name[] = {"DMA_BIDIRECTIONAL", "DMA_TO_DEVICE", "DMA_FROM_DEVICE",
				       "DMA_NONE"};

struct dma_entry {
	struct dma_entry *next;
	struct device *dev;
	dma_addr_t dev_addr;
	size_t size;
	enum dma_debug_type type;
	enum dma_data_direction dir;
	phys_addr_t orig;    /* the driver's buffer (streaming), the memory (coherent) */
	struct page *bounce; /* swiotlb buffer, or NULL */
	unsigned int order;  /* of the bounce or coherent pages */
	bool map_err_checked;
};

struct hash_bucket {
	spinlock_t lock;
	struct dma_entry *head;
};

static struct hash_bucket dma_hash[HASH_SIZE];
static size_t max_entry_size;

#define err_printk(dev, fmt, ...)                                                                  \
	report_warn(UKMEM_REPORT_DMA, __FILE__, __LINE__, __builtin_return_address(0),             \
		    "DMA-API: %s %s: " fmt, (dev) ? dev_driver_string(dev) : "NULL",               \
		    (dev) ? dev_name(dev) : "NULL", ##__VA_ARGS__)

static inline struct hash_bucket *bucket_of(dma_addr_t addr)
{
	return &dma_hash[(addr >> HASH_FN_SHIFT) & (HASH_SIZE - 1)];
}

static void add_entry(struct dma_entry *e)
{
	struct hash_bucket *b = bucket_of(e->dev_addr);
	unsigned long flags;
	size_t m = __atomic_load_n(&max_entry_size, __ATOMIC_RELAXED);

	while (e->size > m && !__atomic_compare_exchange_n(&max_entry_size, &m, e->size, false,
							   __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	spin_lock_irqsave(&b->lock, flags);
	e->next = b->head;
	b->head = e;
	spin_unlock_irqrestore(&b->lock, flags);
}

/*
 * take_exact - unlink the entry of (@dev, @addr), preferring one of @size;
 * with @keep_if_not_type (>= 0) an entry of another type stays linked and
 * is returned through @other.
 */
static struct dma_entry *take_exact(struct device *dev, dma_addr_t addr, size_t size, int keep_type,
				    struct dma_entry *other)
{
	struct hash_bucket *b = bucket_of(addr);
	struct dma_entry **p, **best = NULL, *e = NULL;
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	for (p = &b->head; *p; p = &(*p)->next) {
		if ((*p)->dev != dev || (*p)->dev_addr != addr)
			continue;
		if (!best || ((*p)->size == size && (*best)->size != size))
			best = p;
	}
	if (best) {
		e = *best;
		if (keep_type >= 0 && (int)e->type != keep_type) {
			*other = *e;
			e = NULL;
		} else {
			*best = e->next;
		}
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return e;
}

/* find_contain - a copy of the streaming entry of @dev holding @addr (for sync) */
static bool find_contain(struct device *dev, dma_addr_t addr, struct dma_entry *out)
{
	size_t span = __atomic_load_n(&max_entry_size, __ATOMIC_RELAXED);
	dma_addr_t lo = addr > span ? addr - span : 0;
	unsigned long i, n = ((addr >> HASH_FN_SHIFT) - (lo >> HASH_FN_SHIFT)) + 1;
	bool found = false;

	if (n > HASH_SIZE)
		n = HASH_SIZE;
	for (i = 0; i < n && !found; i++) {
		struct hash_bucket *b = bucket_of(addr - (i << HASH_FN_SHIFT));
		struct dma_entry *e;
		unsigned long flags;

		spin_lock_irqsave(&b->lock, flags);
		for (e = b->head; e; e = e->next) {
			if (e->dev == dev && e->type != dma_debug_coherent && addr >= e->dev_addr &&
			    addr - e->dev_addr < e->size) {
				*out = *e;
				found = true;
				break;
			}
		}
		spin_unlock_irqrestore(&b->lock, flags);
	}
	return found;
}

unsigned long dma_debug_pending(const struct device *dev)
{
	unsigned long i, n = 0;

	for (i = 0; i < HASH_SIZE; i++) {
		struct dma_entry *e;
		unsigned long flags;

		spin_lock_irqsave(&dma_hash[i].lock, flags);
		for (e = dma_hash[i].head; e; e = e->next)
			if (e->dev == dev)
				n++;
		spin_unlock_irqrestore(&dma_hash[i].lock, flags);
	}
	return n;
}

/* ------------------------------------------------------------ masks */

/**
 * dma_supported - can the machine serve a device limited to @mask?
 * @dev: the device
 * @mask: its DMA mask
 *
 * As dma-direct: yes when the mask reaches the top of ZONE_DMA (24 bits)
 * or all of RAM.
 *
 * Context: any. Return: 1 or 0.
 */
__ukmem_export int dma_supported(struct device *dev, u64 mask)
{
	u64 min_mask = PFN_PHYS(machine.max_pfn - 1);

	ukmem_ensure_booted();
	if (min_mask > DMA_BIT_MASK(24))
		min_mask = DMA_BIT_MASK(24);
	return mask >= min_mask;
}

/**
 * dma_set_mask - what streaming mappings of @dev may address
 * @dev: the device
 * @mask: DMA_BIT_MASK(n)
 *
 * Context: process context. Return: 0, or -EIO when @mask is too small to
 * be served (or @dev has no dma_mask storage).
 */
__ukmem_export int dma_set_mask(struct device *dev, u64 mask)
{
	if (!dev || !dev->dma_mask || !dma_supported(dev, mask))
		return -EIO;
	*dev->dma_mask = mask;
	return 0;
}

/**
 * dma_set_coherent_mask - what dma_alloc_coherent() for @dev may return
 * @dev: the device
 * @mask: DMA_BIT_MASK(n)
 *
 * Context: process context. Return: 0 or -EIO.
 */
__ukmem_export int dma_set_coherent_mask(struct device *dev, u64 mask)
{
	if (!dev || !dma_supported(dev, mask))
		return -EIO;
	dev->coherent_dma_mask = mask;
	return 0;
}

static u64 streaming_limit(const struct device *dev)
{
	u64 m = *dev->dma_mask;

	if (dev->bus_dma_limit && dev->bus_dma_limit < m)
		m = dev->bus_dma_limit;
	return m;
}

static gfp_t zone_for_mask(u64 mask)
{
	if (mask <= DMA_BIT_MASK(24))
		return GFP_DMA;
	if (mask <= DMA_BIT_MASK(32))
		return GFP_DMA32;
	return 0;
}

/* ------------------------------------------------------------ coherent */

/**
 * dma_alloc_attrs - memory the CPU and @dev share (dma_alloc_coherent)
 * @dev: the device
 * @size: bytes (whole pages are allocated)
 * @dma_handle: out: the bus address for the device
 * @flag: GFP flags; the zone modifiers are replaced by the zone the
 *	coherent mask calls for
 * @attrs: DMA_ATTR_*
 *
 * Context: process context with GFP_KERNEL; any context with GFP_ATOMIC.
 * Return: the zeroed memory's direct-map address, or NULL.
 */
__ukmem_export void *dma_alloc_attrs(struct device *dev, size_t size, dma_addr_t *dma_handle,
				     gfp_t flag, unsigned long attrs)
{
	struct dma_entry *e;
	struct page *page;
	unsigned int order;
	u64 mask;
	gfp_t gfp;
	void *va;

	ukmem_ensure_booted();
	if (!dev || !dma_handle || !size) {
		err_printk(dev, "device driver allocates coherent memory with %s\n",
			   !dev		 ? "no device"
			   : !dma_handle ? "no dma_handle"
					 : "zero size");
		return NULL;
	}
	mask = dev->coherent_dma_mask;
	if (!mask) {
		report_warn(UKMEM_REPORT_DMA, __FILE__, __LINE__, __builtin_return_address(0),
			    "%s %s: dma_alloc_attrs with a zero coherent_dma_mask\n",
			    dev_driver_string(dev), dev_name(dev));
		return NULL;
	}
	if (size > (1UL << (MAX_PAGE_ORDER + PAGE_SHIFT)))
		return NULL;
	order = get_order(size);
	gfp = (flag & ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM)) | zone_for_mask(mask);
	page = alloc_pages(gfp, order);
	if (page && page_to_phys(page) + size - 1 > mask && !(gfp & __GFP_DMA)) {
		/* the zone's top lies beyond an odd-sized mask: retry lower, as dma-direct does */
		__free_pages(page, order);
		page = alloc_pages((gfp & ~__GFP_DMA32) | __GFP_DMA, order);
	}
	if (page && page_to_phys(page) + size - 1 > mask) {
		__free_pages(page, order);
		page = NULL;
	}
	if (!page)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e) {
		__free_pages(page, order);
		return NULL;
	}
	va = page_address(page);
	memset(va, 0, PAGE_SIZE << order);
	e->dev = dev;
	e->dev_addr = page_to_phys(page);
	e->size = size;
	e->type = dma_debug_coherent;
	e->dir = DMA_BIDIRECTIONAL;
	e->orig = page_to_phys(page);
	e->order = order;
	e->map_err_checked = true;
	add_entry(e);
	*dma_handle = e->dev_addr;
	return va;
}

/**
 * dma_free_attrs - give back dma_alloc_coherent() memory (dma_free_coherent)
 * @dev: the device it was allocated for
 * @size: the size passed to the allocation
 * @cpu_addr: what it returned, or NULL (a no-op)
 * @dma_handle: the bus address it gave
 * @attrs: DMA_ATTR_*
 *
 * What was never allocated (or was a streaming mapping) is reported and
 * not freed; a wrong size or CPU address is reported and what was really
 * allocated is freed.
 *
 * Context: any context with irqs enabled.
 */
__ukmem_export void dma_free_attrs(struct device *dev, size_t size, void *cpu_addr,
				   dma_addr_t dma_handle, unsigned long attrs)
{
	struct dma_entry other = {0}, *e;
	phys_addr_t free_phys;

	if (irqs_disabled())
		report_warn(UKMEM_REPORT_DMA, __FILE__, __LINE__, __builtin_return_address(0),
			    "dma_free_attrs with irqs disabled\n");
	if (!cpu_addr)
		return;
	e = take_exact(dev, dma_handle, size, dma_debug_coherent, &other);
	if (!e) {
		if (other.dev)
			err_printk(dev,
				   "device driver frees DMA memory with wrong function [device "
				   "address=0x%016llx] [size=%llu bytes] [mapped as %s] [unmapped "
				   "as %s]\n",
				   (unsigned long long)dma_handle, (unsigned long long)size,
				   type2name[other.type], type2name[dma_debug_coherent]);
		else if (dma_handle == DMA_MAPPING_ERROR)
			err_printk(dev,
				   "device driver tries to free an invalid DMA memory address\n");
		else
			err_printk(dev,
				   "device driver tries to free DMA memory it has not allocated "
				   "[device address=0x%016llx] [size=%llu bytes]\n",
				   (unsigned long long)dma_handle, (unsigned long long)size);
		return;
	}
	if (e->size != size)
		err_printk(dev,
			   "device driver frees DMA memory with different size [device "
			   "address=0x%016llx] [map size=%llu bytes] [unmap size=%llu bytes]\n",
			   (unsigned long long)dma_handle, (unsigned long long)e->size,
			   (unsigned long long)size);
	free_phys = virt_addr_valid(cpu_addr) ? __pa(cpu_addr) : 0;
	if (free_phys != e->orig)
		err_printk(dev,
			   "device driver frees DMA memory with different CPU address [device "
			   "address=0x%016llx] [size=%llu bytes] [cpu alloc address=0x%016llx] "
			   "[cpu free address=0x%016llx]\n",
			   (unsigned long long)dma_handle, (unsigned long long)size,
			   (unsigned long long)e->orig, (unsigned long long)free_phys);
	__free_pages(phys_to_page(e->orig), e->order);
	free(e);
}

/* ------------------------------------------------------------ streaming */

static dma_addr_t map_phys(struct device *dev, phys_addr_t phys, size_t size,
			   enum dma_data_direction dir, unsigned long attrs)
{
	struct dma_entry *e;
	dma_addr_t addr = phys;
	u64 limit = streaming_limit(dev);

	e = calloc(1, sizeof(*e));
	if (!e)
		return DMA_MAPPING_ERROR;
	e->dev = dev;
	e->size = size;
	e->type = dma_debug_single;
	e->dir = dir;
	e->orig = phys;
	if (phys + size - 1 > limit) {
		addr = swiotlb_map(dev, phys, size, limit, &e->bounce, &e->order);
		if (addr == DMA_MAPPING_ERROR) {
			free(e);
			return DMA_MAPPING_ERROR;
		}
	}
	e->dev_addr = addr;
	add_entry(e);
	return addr;
}

static bool map_args_ok(struct device *dev, size_t size, enum dma_data_direction dir)
{
	if (!dev) {
		err_printk(dev, "device driver maps memory without a device\n");
		return false;
	}
	if (!dev->dma_mask) {
		report_warn(UKMEM_REPORT_DMA, __FILE__, __LINE__, __builtin_return_address(0),
			    "%s %s: DMA mapping without a dma_mask\n", dev_driver_string(dev),
			    dev_name(dev));
		return false;
	}
	if (!valid_dma_direction(dir)) {
		err_printk(dev, "device driver maps memory with invalid direction %d\n", dir);
		return false;
	}
	if (!size) {
		err_printk(dev, "device driver maps zero bytes\n");
		return false;
	}
	return true;
}

/**
 * dma_map_page_attrs - hand part of a page to @dev (dma_map_page)
 * @dev: the device
 * @page: the page (lowmem or highmem)
 * @offset: where the buffer starts in it
 * @size: bytes
 * @dir: DMA_TO_DEVICE, DMA_FROM_DEVICE or DMA_BIDIRECTIONAL
 * @attrs: DMA_ATTR_*
 *
 * Beyond the device's mask the buffer is bounced (swiotlb.c). Check the
 * result with dma_mapping_error() (an unchecked mapping is reported at unmap).
 *
 * Context: any. Return: the bus address, or DMA_MAPPING_ERROR.
 */
__ukmem_export dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page, size_t offset,
					     size_t size, enum dma_data_direction dir,
					     unsigned long attrs)
{
	phys_addr_t phys;

	ukmem_ensure_booted();
	if (!map_args_ok(dev, size, dir))
		return DMA_MAPPING_ERROR;
	if (!page) {
		err_printk(dev, "device driver maps a NULL page\n");
		return DMA_MAPPING_ERROR;
	}
	phys = page_to_phys(page) + offset;
	if (!phys_is_ram(phys, size)) {
		err_printk(dev,
			   "device driver maps memory from invalid area [addr=%#llx] [len=%zu]\n",
			   (unsigned long long)phys, size);
		return DMA_MAPPING_ERROR;
	}
	return map_phys(dev, phys, size, dir, attrs);
}

/**
 * dma_map_single_attrs - hand a kernel buffer to @dev (dma_map_single)
 * @dev: the device
 * @ptr: a direct-map address (kmalloc, __get_free_pages), not vmalloc or stack
 * @size: bytes
 * @dir: DMA_TO_DEVICE, DMA_FROM_DEVICE or DMA_BIDIRECTIONAL
 * @attrs: DMA_ATTR_*
 *
 * Memory that is not a kernel logical address is reported in dma-debug's
 * words and not mapped.
 *
 * Context: any. Return: the bus address, or DMA_MAPPING_ERROR.
 */
__ukmem_export dma_addr_t dma_map_single_attrs(struct device *dev, void *ptr, size_t size,
					       enum dma_data_direction dir, unsigned long attrs)
{
	ukmem_ensure_booted();
	if (!map_args_ok(dev, size, dir))
		return DMA_MAPPING_ERROR;
	if (!virt_addr_valid(ptr) || !virt_addr_valid((char *)ptr + size - 1)) {
		err_printk(dev, "device driver maps memory from invalid area [addr=%p] [len=%lu]\n",
			   ptr, (unsigned long)size);
		if (is_vmalloc_addr(ptr))
			err_printk(
			    dev,
			    "device driver maps memory from vmalloc area [addr=%p] [len=%lu]\n",
			    ptr, (unsigned long)size);
		return DMA_MAPPING_ERROR;
	}
	return map_phys(dev, __pa(ptr), size, dir, attrs);
}

/**
 * dma_unmap_page_attrs - end a streaming mapping (dma_unmap_single/_page)
 * @dev: the device
 * @addr: the bus address the map returned
 * @size: the size mapped
 * @dir: the direction mapped
 * @attrs: DMA_ATTR_*
 *
 * A bounced mapping copies back what the device wrote (FROM_DEVICE,
 * BIDIRECTIONAL). An address never mapped, or a coherent one, is reported
 * and nothing is released; a wrong size or direction is reported and the
 * mapping is released as it was made.
 *
 * Context: any.
 */
__ukmem_export void dma_unmap_page_attrs(struct device *dev, dma_addr_t addr, size_t size,
					 enum dma_data_direction dir, unsigned long attrs)
{
	struct dma_entry other = {0}, *e;

	e = take_exact(dev, addr, size, dma_debug_single, &other);
	if (!e) {
		if (other.dev)
			err_printk(dev,
				   "device driver frees DMA memory with wrong function [device "
				   "address=0x%016llx] [size=%llu bytes] [mapped as %s] [unmapped "
				   "as %s]\n",
				   (unsigned long long)addr, (unsigned long long)size,
				   type2name[other.type], type2name[dma_debug_single]);
		else if (addr == DMA_MAPPING_ERROR)
			err_printk(dev,
				   "device driver tries to free an invalid DMA memory address\n");
		else
			err_printk(dev,
				   "device driver tries to free DMA memory it has not allocated "
				   "[device address=0x%016llx] [size=%llu bytes]\n",
				   (unsigned long long)addr, (unsigned long long)size);
		return;
	}
	if (e->size != size)
		err_printk(dev,
			   "device driver frees DMA memory with different size [device "
			   "address=0x%016llx] [map size=%llu bytes] [unmap size=%llu bytes]\n",
			   (unsigned long long)addr, (unsigned long long)e->size,
			   (unsigned long long)size);
	if (e->dir != dir)
		err_printk(dev,
			   "device driver frees DMA memory with different direction [device "
			   "address=0x%016llx] [size=%llu bytes] [mapped with %s] [unmapped with "
			   "%s]\n",
			   (unsigned long long)addr, (unsigned long long)size, dir2name[e->dir],
			   valid_dma_direction(dir) || dir == DMA_NONE ? dir2name[dir] : "?");
	if (!e->map_err_checked)
		err_printk(dev,
			   "device driver failed to check map error[device address=0x%016llx] "
			   "[size=%llu bytes] [mapped as %s]",
			   (unsigned long long)addr, (unsigned long long)size, type2name[e->type]);
	if (e->bounce)
		swiotlb_unmap(e->orig, e->bounce, e->order, e->size, e->dir);
	free(e);
}

static void sync_single(struct device *dev, dma_addr_t addr, size_t size,
			enum dma_data_direction dir, bool to_cpu)
{
	struct dma_entry e;
	size_t off;

	if (!find_contain(dev, addr, &e)) {
		err_printk(dev,
			   "device driver tries to sync DMA memory it has not allocated [device "
			   "address=0x%016llx] [size=%llu bytes]\n",
			   (unsigned long long)addr, (unsigned long long)size);
		return;
	}
	off = addr - e.dev_addr;
	if (off + size > e.size) {
		err_printk(
		    dev,
		    "device driver syncs DMA memory outside allocated range [device "
		    "address=0x%016llx] [allocation size=%llu bytes] [sync offset+size=%llu]\n",
		    (unsigned long long)e.dev_addr, (unsigned long long)e.size,
		    (unsigned long long)(off + size));
		size = e.size - off;
	}
	if (!valid_dma_direction(dir)) {
		err_printk(dev, "device driver syncs DMA memory with invalid direction %d\n", dir);
		return;
	}
	if (e.dir != DMA_BIDIRECTIONAL) {
		if (dir != e.dir)
			err_printk(
			    dev,
			    "device driver syncs DMA memory with different direction [device "
			    "address=0x%016llx] [size=%llu bytes] [mapped with %s] [synced "
			    "with %s]\n",
			    (unsigned long long)addr, (unsigned long long)e.size, dir2name[e.dir],
			    dir2name[dir]);
		if (to_cpu && e.dir != DMA_FROM_DEVICE && dir != DMA_TO_DEVICE)
			err_printk(
			    dev,
			    "device driver syncs device read-only DMA memory for cpu [device "
			    "address=0x%016llx] [size=%llu bytes] [mapped with %s] [synced "
			    "with %s]\n",
			    (unsigned long long)addr, (unsigned long long)e.size, dir2name[e.dir],
			    dir2name[dir]);
		if (!to_cpu && e.dir != DMA_TO_DEVICE && dir != DMA_FROM_DEVICE)
			err_printk(dev,
				   "device driver syncs device write-only DMA memory to device "
				   "[device address=0x%016llx] [size=%llu bytes] [mapped with %s] "
				   "[synced with %s]\n",
				   (unsigned long long)addr, (unsigned long long)e.size,
				   dir2name[e.dir], dir2name[dir]);
	}
	if (e.bounce)
		swiotlb_sync(e.orig, e.bounce, off, size, dir, to_cpu);
}

/**
 * dma_sync_single_for_cpu - the CPU takes a streaming buffer back from the device
 * @dev: the device
 * @addr: a bus address inside the mapping
 * @size: bytes from @addr
 * @dir: the mapping's direction
 *
 * A bounced mapping copies what the device wrote into the driver's buffer.
 *
 * Context: any.
 */
__ukmem_export void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
					    enum dma_data_direction dir)
{
	sync_single(dev, addr, size, dir, true);
}

/**
 * dma_sync_single_for_device - hand a streaming buffer back to the device
 * @dev: the device
 * @addr: a bus address inside the mapping
 * @size: bytes from @addr
 * @dir: the mapping's direction
 *
 * A bounced mapping copies what the CPU wrote into the bounce buffer.
 *
 * Context: any.
 */
__ukmem_export void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
					       enum dma_data_direction dir)
{
	sync_single(dev, addr, size, dir, false);
}

/**
 * dma_mapping_error - did a dma_map_*() fail?
 * @dev: the device
 * @dma_addr: what it returned
 *
 * Also records that the driver checked (dma-debug reports unchecked
 * mappings at unmap).
 *
 * Context: any. Return: -ENOMEM for DMA_MAPPING_ERROR, else 0.
 */
__ukmem_export int dma_mapping_error(struct device *dev, dma_addr_t dma_addr)
{
	struct hash_bucket *b = bucket_of(dma_addr);
	struct dma_entry *e;
	unsigned long flags;

	if (dma_addr == DMA_MAPPING_ERROR)
		return -ENOMEM;
	spin_lock_irqsave(&b->lock, flags);
	for (e = b->head; e; e = e->next) {
		if (e->dev == dev && e->dev_addr == dma_addr && !e->map_err_checked) {
			e->map_err_checked = true;
			break;
		}
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return 0;
}

int dma_init(void)
{
	unsigned long i;

	for (i = 0; i < HASH_SIZE; i++) {
		spin_lock_init(&dma_hash[i].lock);
		dma_hash[i].head = NULL;
	}
	max_entry_size = 0;
	swiotlb_reset();
	return 0;
}

/*
 * dma_exit - report what drivers left mapped or allocated, per device, in
 * dma-debug's words, then release it so the page allocator's leak check
 * sees only its own.
 */
void dma_exit(void)
{
	unsigned long i;

	for (i = 0; i < HASH_SIZE; i++) {
		struct dma_entry *e, *next;

		e = dma_hash[i].head;
		dma_hash[i].head = NULL;
		for (; e; e = next) {
			next = e->next;
			report_start(UKMEM_REPORT_LEAK);
			printk(KERN_ERR "DMA-API: %s %s: device driver has pending DMA allocations "
					"while released from device [count=1]\n",
			       dev_driver_string(e->dev), dev_name(e->dev));
			printk(KERN_ERR "One of leaked entries details: [device address=0x%016llx] "
					"[size=%llu bytes] [mapped with %s] [mapped as %s]\n",
			       (unsigned long long)e->dev_addr, (unsigned long long)e->size,
			       dir2name[e->dir], type2name[e->type]);
			report_end(UKMEM_REPORT_LEAK);
			if (e->type == dma_debug_coherent)
				__free_pages(phys_to_page(e->orig), e->order);
			else if (e->bounce)
				__free_pages(e->bounce, e->order);
			free(e);
		}
	}
}
