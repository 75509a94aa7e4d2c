/* SPDX-License-Identifier: MIT */
/*
 * io.h - device memory: ioremap() maps a device's MMIO window into the
 * vmalloc space, and the accessors (readl, writel, ioread32, memcpy_fromio
 * ...) reach the device's registers through that cookie.
 *
 * The cookie is a real address in the vmalloc space (it shows in
 * /proc/vmallocinfo as "ioremap" with "phys="), but nothing is mapped
 * there: a plain dereference faults (SIGSEGV), as sparse's __iomem would
 * have warned. Only the accessors below work on it; each one finds the
 * mapping, checks the access lies inside what was ioremapped, and calls the
 * simulated device's register handlers (<ukmem.h>). An accessor used after
 * iounmap() or beyond the mapped size is reported and reads all ones, the
 * way a read from an absent device does. On any other address (RAM, a
 * memremap() of RAM) the accessors are plain volatile loads and stores.
 */
#ifndef _UKMEM_LINUX_IO_H
#define _UKMEM_LINUX_IO_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/ioport.h>

/* memremap() flags (Linux 6.12) */
enum {
	MEMREMAP_WB = 1 << 0,
	MEMREMAP_WT = 1 << 1,
	MEMREMAP_WC = 1 << 2,
	MEMREMAP_ENC = 1 << 3,
	MEMREMAP_DEC = 1 << 4,
};

#pragma GCC visibility push(default)
void __iomem *ioremap(resource_size_t offset, unsigned long size);
void __iomem *ioremap_uc(resource_size_t offset, unsigned long size);
void __iomem *ioremap_wc(resource_size_t offset, unsigned long size);
void __iomem *ioremap_wt(resource_size_t offset, unsigned long size);
void __iomem *ioremap_cache(resource_size_t offset, unsigned long size);
void iounmap(volatile void __iomem *addr);
void *memremap(resource_size_t offset, size_t size, unsigned long flags);
void memunmap(void *addr);
bool is_ioremap_addr(const void *x);

u8 readb(const volatile void __iomem *addr);
u16 readw(const volatile void __iomem *addr);
u32 readl(const volatile void __iomem *addr);
u64 readq(const volatile void __iomem *addr);
void writeb(u8 value, volatile void __iomem *addr);
void writew(u16 value, volatile void __iomem *addr);
void writel(u32 value, volatile void __iomem *addr);
void writeq(u64 value, volatile void __iomem *addr);

unsigned int ioread8(const void __iomem *addr);
unsigned int ioread16(const void __iomem *addr);
unsigned int ioread32(const void __iomem *addr);
u64 ioread64(const void __iomem *addr);
unsigned int ioread16be(const void __iomem *addr);
unsigned int ioread32be(const void __iomem *addr);
void iowrite8(u8 value, void __iomem *addr);
void iowrite16(u16 value, void __iomem *addr);
void iowrite32(u32 value, void __iomem *addr);
void iowrite64(u64 value, void __iomem *addr);
void iowrite16be(u16 value, void __iomem *addr);
void iowrite32be(u32 value, void __iomem *addr);

void memcpy_fromio(void *dst, const volatile void __iomem *src, size_t count);
void memcpy_toio(volatile void __iomem *dst, const void *src, size_t count);
void memset_io(volatile void __iomem *dst, int c, size_t count);
#pragma GCC visibility pop

/*
 * The simulated bus is strongly ordered and the accessors are calls:
 * relaxed and raw variants are the same accesses.
 */
#define readb_relaxed(a)     readb(a)
#define readw_relaxed(a)     readw(a)
#define readl_relaxed(a)     readl(a)
#define readq_relaxed(a)     readq(a)
#define writeb_relaxed(v, a) writeb(v, a)
#define writew_relaxed(v, a) writew(v, a)
#define writel_relaxed(v, a) writel(v, a)
#define writeq_relaxed(v, a) writeq(v, a)
#define __raw_readb(a)	     readb(a)
#define __raw_readw(a)	     readw(a)
#define __raw_readl(a)	     readl(a)
#define __raw_readq(a)	     readq(a)
#define __raw_writeb(v, a)   writeb(v, a)
#define __raw_writew(v, a)   writew(v, a)
#define __raw_writel(v, a)   writel(v, a)
#define __raw_writeq(v, a)   writeq(v, a)
#define ioremap_np(o, s)     ((void __iomem *)NULL)

#endif
