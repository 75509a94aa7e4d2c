// SPDX-License-Identifier: MIT
/*
 * ioremap.c - device memory in the vmalloc space (the kernel's
 * arch/x86/mm/ioremap.c and lib/iomap.c), and the MMIO accessors.
 *
 * ioremap() reserves a VM_IOREMAP area of the vmalloc space (so
 * /proc/vmallocinfo shows "ioremap" with "phys=") and maps nothing there:
 * the range stays PROT_NONE, so a plain dereference of the cookie is a real
 * fault, as dereferencing an __iomem pointer is a bug a driver must not
 * rely on. The accessors find the mapping by address in iomap_list and
 * call the device's register handlers (simdev.c). System RAM is refused
 * with the kernel's "ioremap on RAM" WARNING.
 *
 * After iounmap() the address range is remembered in a small ring of
 * tombstones, so an accessor used on a stale cookie reports the kernel's
 * page fault text together with who unmapped it; an access past the size
 * that was mapped is reported too. Both read all ones and drop writes.
 *
 * Locking: iomap_lock (a rwlock) protects iomap_list and the tombstones.
 * Handlers run with no lock held (they may raise an IRQ whose handler uses
 * the accessors again); a driver that unmaps a range while another CPU
 * accesses it has the same bug as in the kernel.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/vmalloc.h>
#include <linux/spinlock.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "drivers/drivers.h"

#define NR_TOMBSTONES 64

enum io_memtype { IO_UC, IO_WC, IO_WT, IO_WB };

struct iomap {
	unsigned long area_start, area_end; /* the whole vm area, guard included */
	unsigned long cookie;		    /* what ioremap returned */
	unsigned long size;		    /* bytes from cookie */
	phys_addr_t phys;		    /* of the cookie */
	struct ukmem_device *udev;	    /* NULL: no device there */
	struct vm_struct *area;
	enum io_memtype type;
	struct iomap *next;
};

struct tombstone {
	unsigned long start, end;
	phys_addr_t phys;
	void *unmapper;
};

static DEFINE_RWLOCK(iomap_lock);
static struct iomap *iomap_list;
static struct tombstone tombstones[NR_TOMBSTONES];
static unsigned int tomb_next;

static bool phys_addr_valid(resource_size_t addr)
{
	unsigned int bits = machine.arch == MACHINE_I386 ? 36 : 46;

	return !(addr >> bits);
}

static void __iomem *__ioremap_caller(resource_size_t phys_addr, unsigned long size,
				      enum io_memtype type, void *caller)
{
	resource_size_t last_addr = phys_addr + size - 1, base;
	unsigned long offset, mapped;
	struct vm_struct *area;
	struct iomap *m;

	ukmem_ensure_booted();
	might_sleep_check(__FILE__, __LINE__);
	if (!size || last_addr < phys_addr)
		return NULL;
	if (!phys_addr_valid(phys_addr) || !phys_addr_valid(last_addr)) {
		report_warn(UKMEM_REPORT_IOMEM, __FILE__, __LINE__, caller,
			    "ioremap: invalid physical address %llx\n",
			    (unsigned long long)phys_addr);
		return NULL;
	}
	/* Don't allow anybody to remap normal RAM that we're using (the kernel's rule) */
	if (region_intersects(phys_addr, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_DISJOINT) {
		report_warn(UKMEM_REPORT_IOMEM, __FILE__, __LINE__, caller,
			    "ioremap on RAM at 0x%016llx - 0x%016llx\n",
			    (unsigned long long)phys_addr, (unsigned long long)last_addr);
		return NULL;
	}
	offset = phys_addr & ~PAGE_MASK;
	base = phys_addr & PAGE_MASK;
	mapped = PAGE_ALIGN(offset + size);
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	area = get_vm_area_caller(mapped, VM_IOREMAP, caller);
	if (!area) {
		free(m);
		return NULL;
	}
	area->phys_addr = base;
	m->area = area;
	m->area_start = (unsigned long)area->addr;
	m->area_end = m->area_start + area->size;
	m->cookie = m->area_start + offset;
	m->size = size;
	m->phys = phys_addr;
	m->type = type;
	m->udev = simdev_get_window(phys_addr, 1); /* pins the device while mapped */
	write_lock(&iomap_lock);
	m->next = iomap_list;
	iomap_list = m;
	write_unlock(&iomap_lock);
	return (void __iomem *)m->cookie;
}

/**
 * ioremap - map a device's MMIO window (uncached)
 * @offset: physical address
 * @size: bytes
 *
 * The cookie is for the accessors (readl ...) only; dereferencing it faults.
 * System RAM is refused with a WARNING ("ioremap on RAM at ...").
 *
 * Context: process context; may sleep.
 * Return: the cookie, or NULL.
 */
__ukmem_export void __iomem *ioremap(resource_size_t offset, unsigned long size)
{
	return __ioremap_caller(offset, size, IO_UC, __builtin_return_address(0));
}

/* ioremap_uc - as ioremap() (strong uncached) */
__ukmem_export void __iomem *ioremap_uc(resource_size_t offset, unsigned long size)
{
	return __ioremap_caller(offset, size, IO_UC, __builtin_return_address(0));
}

/* ioremap_wc - as ioremap(), write-combining (the simulated bus does not combine) */
__ukmem_export void __iomem *ioremap_wc(resource_size_t offset, unsigned long size)
{
	return __ioremap_caller(offset, size, IO_WC, __builtin_return_address(0));
}

/* ioremap_wt - as ioremap(), write-through */
__ukmem_export void __iomem *ioremap_wt(resource_size_t offset, unsigned long size)
{
	return __ioremap_caller(offset, size, IO_WT, __builtin_return_address(0));
}

/* ioremap_cache - as ioremap(), write-back */
__ukmem_export void __iomem *ioremap_cache(resource_size_t offset, unsigned long size)
{
	return __ioremap_caller(offset, size, IO_WB, __builtin_return_address(0));
}

static void iounmap_caller(volatile void __iomem *addr, void *caller)
{
	unsigned long a = (unsigned long)addr;
	struct iomap **p, *m;
	struct tombstone *t;

	if (!addr)
		return;
	write_lock(&iomap_lock);
	for (p = &iomap_list; (m = *p); p = &m->next)
		if (m->area_start == (a & PAGE_MASK))
			break;
	if (m) {
		*p = m->next;
		t = &tombstones[tomb_next++ % NR_TOMBSTONES];
		t->start = m->area_start;
		t->end = m->area_end;
		t->phys = m->phys;
		t->unmapper = caller;
	}
	write_unlock(&iomap_lock);
	if (!m) {
		report_start(UKMEM_REPORT_IOMEM);
		printk(KERN_ERR "iounmap: bad address %p\n", (void *)addr);
		report_stack_skip(1);
		report_end(UKMEM_REPORT_IOMEM);
		return;
	}
	if (m->udev)
		simdev_put_window(m->udev);
	free_vm_area(m->area);
	free(m);
}

/**
 * iounmap - release an ioremap() mapping
 * @addr: the cookie, or NULL (a no-op)
 *
 * An address that is no live mapping (a second iounmap, a vmalloc address)
 * prints the kernel's "iounmap: bad address" with a stack and frees nothing.
 *
 * Context: process context; may sleep.
 */
__ukmem_export void iounmap(volatile void __iomem *addr)
{
	might_sleep_check(__FILE__, __LINE__);
	iounmap_caller(addr, __builtin_return_address(0));
}

/**
 * is_ioremap_addr - is @x inside a live ioremap() mapping?
 * @x: any address
 *
 * Context: any. Return: true or false.
 */
__ukmem_export bool is_ioremap_addr(const void *x)
{
	unsigned long a = (unsigned long)x;
	struct iomap *m;

	if (!is_vmalloc_addr(x))
		return false;
	read_lock(&iomap_lock);
	for (m = iomap_list; m; m = m->next)
		if (a >= m->area_start && a < m->area_end)
			break;
	read_unlock(&iomap_lock);
	return m != NULL;
}

/**
 * memremap - map memory for the CPU: RAM through the direct map, a device
 * window through ioremap
 * @offset: physical address
 * @size: bytes
 * @flags: MEMREMAP_WB, MEMREMAP_WT or MEMREMAP_WC
 *
 * As the kernel's: System RAM with MEMREMAP_WB is its direct-map address;
 * RAM without MEMREMAP_WB, or a range that is partly RAM, is refused with a
 * WARNING. Anything else is ioremapped (deviation: the result is then an
 * ioremap cookie for the accessors, not memory to dereference).
 *
 * Context: process context; may sleep. Return: the address, or NULL.
 */
__ukmem_export void *memremap(resource_size_t offset, size_t size, unsigned long flags)
{
	void *caller = __builtin_return_address(0);
	int is_ram;

	ukmem_ensure_booted();
	if (!size || !flags)
		return NULL;
	is_ram = region_intersects(offset, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE);
	if (is_ram == REGION_MIXED) {
		report_warn(UKMEM_REPORT_IOMEM, __FILE__, __LINE__, caller,
			    "memremap attempted on mixed range 0x%016llx size: %#lx\n",
			    (unsigned long long)offset, (unsigned long)size);
		return NULL;
	}
	if (is_ram == REGION_INTERSECTS) {
		if ((flags & MEMREMAP_WB) && PHYS_PFN(offset + size - 1) < machine.max_low_pfn)
			return __va(offset);
		if (flags & MEMREMAP_WB) /* highmem: ioremap_cache refuses RAM, as the kernel's */
			return (void __force *)__ioremap_caller(offset, size, IO_WB, caller);
		report_warn(UKMEM_REPORT_IOMEM, __FILE__, __LINE__, caller,
			    "memremap attempted on ram 0x%016llx size: %#lx\n",
			    (unsigned long long)offset, (unsigned long)size);
		return NULL;
	}
	if (flags & MEMREMAP_WB)
		return (void __force *)__ioremap_caller(offset, size, IO_WB, caller);
	if (flags & MEMREMAP_WT)
		return (void __force *)__ioremap_caller(offset, size, IO_WT, caller);
	if (flags & MEMREMAP_WC)
		return (void __force *)__ioremap_caller(offset, size, IO_WC, caller);
	return NULL;
}

/**
 * memunmap - release a memremap() mapping
 * @addr: what memremap() returned, or NULL
 *
 * Context: process context; may sleep.
 */
__ukmem_export void memunmap(void *addr)
{
	if (addr && is_vmalloc_addr(addr))
		iounmap_caller((void __iomem *)addr, __builtin_return_address(0));
}

/* ------------------------------------------------------------ accessors */

enum io_kind { IO_PLAIN, IO_DEVICE, IO_NODEV, IO_BAD };

struct io_target {
	struct ukmem_device *udev;
	unsigned long off; /* into the device window */
	phys_addr_t phys;
};

static void report_io_fault(unsigned long a, bool write, void *caller)
{
	struct tombstone t = {0};
	unsigned int i;

	read_lock(&iomap_lock);
	for (i = 0; i < NR_TOMBSTONES; i++)
		if (a >= tombstones[i].start && a < tombstones[i].end)
			t = tombstones[i];
	read_unlock(&iomap_lock);
	report_start(UKMEM_REPORT_IOMEM);
	printk(KERN_ALERT "BUG: unable to handle page fault for address: %px\n", (void *)a);
	printk(KERN_ALERT "#PF: supervisor %s access in kernel mode\n", write ? "write" : "read");
	printk(KERN_ALERT "#PF: error_code(0x%04x) - not-present page\n", write ? 2 : 0);
	if (t.start)
		printk(KERN_ALERT "ioremap: %px was mapped to [mem %#010llx] and unmapped by "
				  "iounmap() from %pS\n",
		       (void *)a, (unsigned long long)(t.phys + (a - t.start)), t.unmapper);
	printk(KERN_ALERT "ioremap: accessor called from %pS\n", caller);
	report_stack_skip(2);
	report_end(UKMEM_REPORT_IOMEM);
}

/*
 * io_resolve - what an access of @len bytes at @addr reaches. Reports (and
 * returns IO_BAD for) an access outside what was ioremapped or after iounmap.
 */
static enum io_kind io_resolve(const volatile void *addr, size_t len, bool write,
			       struct io_target *t, void *caller)
{
	unsigned long a = (unsigned long)addr;
	struct iomap *m;
	enum io_kind kind = IO_PLAIN;

	if (!is_vmalloc_addr((const void *)addr))
		return IO_PLAIN;
	read_lock(&iomap_lock);
	for (m = iomap_list; m; m = m->next)
		if (a >= m->area_start && a < m->area_end)
			break;
	if (m) {
		unsigned long cookie = m->cookie, size = m->size;
		phys_addr_t phys = m->phys;
		struct ukmem_device *udev = m->udev;

		read_unlock(&iomap_lock);
		if (a < cookie || a - cookie + len > size) {
			report_start(UKMEM_REPORT_IOMEM);
			printk(KERN_ERR "ioremap: %s of %zu bytes at %px is outside the %#lx bytes "
					"ioremapped at %px ([mem %#010llx-%#010llx])\n",
			       write ? "write" : "read", len, (void *)a, size, (void *)cookie,
			       (unsigned long long)phys, (unsigned long long)(phys + size - 1));
			printk(KERN_ERR "ioremap: accessor called from %pS\n", caller);
			report_stack_skip(2);
			report_end(UKMEM_REPORT_IOMEM);
			return IO_BAD;
		}
		t->phys = phys + (a - cookie);
		if (udev && t->phys >= udev->window.start &&
		    len - 1 <= udev->window.end - t->phys) {
			t->udev = udev;
			t->off = t->phys - udev->window.start;
			return IO_DEVICE;
		}
		return IO_NODEV;
	}
	read_unlock(&iomap_lock);
	if (!vmalloc_to_page((const void *)addr)) {
		report_io_fault(a, write, caller);
		kind = IO_BAD;
	}
	return kind;
}

static noinline u64 io_read(const volatile void *addr, unsigned int width, void *caller)
{
	struct io_target t;

	switch (io_resolve(addr, width, false, &t, caller)) {
	case IO_DEVICE:
		return simdev_mmio_read(t.udev, t.off, width);
	case IO_PLAIN:
		switch (width) {
		case 1:
			return *(const volatile u8 *)addr;
		case 2:
			return *(const volatile u16 *)addr;
		case 4:
			return *(const volatile u32 *)addr;
		default:
			return *(const volatile u64 *)addr;
		}
	default:
		return ~0ull; /* nobody answers: the bus floats high */
	}
}

static noinline void io_write(volatile void *addr, u64 v, unsigned int width, void *caller)
{
	struct io_target t;

	switch (io_resolve(addr, width, true, &t, caller)) {
	case IO_DEVICE:
		simdev_mmio_write(t.udev, t.off, v, width);
		break;
	case IO_PLAIN:
		switch (width) {
		case 1:
			*(volatile u8 *)addr = (u8)v;
			break;
		case 2:
			*(volatile u16 *)addr = (u16)v;
			break;
		case 4:
			*(volatile u32 *)addr = (u32)v;
			break;
		default:
			*(volatile u64 *)addr = v;
		}
		break;
	default:
		break;
	}
}

#define RET_IP __builtin_return_address(0)

__ukmem_export u8 readb(const volatile void __iomem *addr)
{
	return (u8)io_read(addr, 1, RET_IP);
}
__ukmem_export u16 readw(const volatile void __iomem *addr)
{
	return (u16)io_read(addr, 2, RET_IP);
}
__ukmem_export u32 readl(const volatile void __iomem *addr)
{
	return (u32)io_read(addr, 4, RET_IP);
}
__ukmem_export u64 readq(const volatile void __iomem *addr)
{
	return io_read(addr, 8, RET_IP);
}
__ukmem_export void writeb(u8 value, volatile void __iomem *addr)
{
	io_write(addr, value, 1, RET_IP);
}
__ukmem_export void writew(u16 value, volatile void __iomem *addr)
{
	io_write(addr, value, 2, RET_IP);
}
__ukmem_export void writel(u32 value, volatile void __iomem *addr)
{
	io_write(addr, value, 4, RET_IP);
}
__ukmem_export void writeq(u64 value, volatile void __iomem *addr)
{
	io_write(addr, value, 8, RET_IP);
}

__ukmem_export unsigned int ioread8(const void __iomem *addr)
{
	return (u8)io_read(addr, 1, RET_IP);
}
__ukmem_export unsigned int ioread16(const void __iomem *addr)
{
	return (u16)io_read(addr, 2, RET_IP);
}
__ukmem_export unsigned int ioread32(const void __iomem *addr)
{
	return (u32)io_read(addr, 4, RET_IP);
}
__ukmem_export u64 ioread64(const void __iomem *addr)
{
	return io_read(addr, 8, RET_IP);
}
__ukmem_export unsigned int ioread16be(const void __iomem *addr)
{
	return __builtin_bswap16((u16)io_read(addr, 2, RET_IP));
}
__ukmem_export unsigned int ioread32be(const void __iomem *addr)
{
	return __builtin_bswap32((u32)io_read(addr, 4, RET_IP));
}
__ukmem_export void iowrite8(u8 value, void __iomem *addr)
{
	io_write(addr, value, 1, RET_IP);
}
__ukmem_export void iowrite16(u16 value, void __iomem *addr)
{
	io_write(addr, value, 2, RET_IP);
}
__ukmem_export void iowrite32(u32 value, void __iomem *addr)
{
	io_write(addr, value, 4, RET_IP);
}
__ukmem_export void iowrite64(u64 value, void __iomem *addr)
{
	io_write(addr, value, 8, RET_IP);
}
__ukmem_export void iowrite16be(u16 value, void __iomem *addr)
{
	io_write(addr, __builtin_bswap16(value), 2, RET_IP);
}
__ukmem_export void iowrite32be(u32 value, void __iomem *addr)
{
	io_write(addr, __builtin_bswap32(value), 4, RET_IP);
}

/* the widest naturally aligned access at @phys that fits in @left */
static unsigned int io_width(phys_addr_t phys, size_t left)
{
	unsigned int w;

	for (w = 8; w > 1; w >>= 1)
		if (!(phys & (w - 1)) && left >= w)
			break;
	return w;
}

/*
 * The string accessors check the whole range once, then move it in the
 * widest naturally aligned accesses (as x86's memcpy_fromio does), so the
 * handlers see widths 1, 2, 4 and 8 only at aligned offsets.
 */
static void io_string(volatile void *io, void *buf, int c, size_t count, bool write, void *caller)
{
	struct io_target t;
	size_t done = 0;

	if (!count)
		return;
	switch (io_resolve(io, count, write, &t, caller)) {
	case IO_PLAIN:
		if (!write)
			memcpy(buf, (const void *)io, count);
		else if (buf)
			memcpy((void *)io, buf, count);
		else
			memset((void *)io, c, count);
		return;
	case IO_DEVICE:
		break;
	default:
		if (!write)
			memset(buf, 0xff, count);
		return;
	}
	while (done < count) {
		unsigned int w = io_width(t.phys + done, count - done);
		u64 v;

		if (write) {
			if (buf)
				memcpy(&v, (char *)buf + done, w);
			else
				memset(&v, c, sizeof(v));
			simdev_mmio_write(t.udev, t.off + done, v, w);
		} else {
			v = simdev_mmio_read(t.udev, t.off + done, w);
			memcpy((char *)buf + done, &v, w); /* little-endian: the low bytes */
		}
		done += w;
	}
}

__ukmem_export void memcpy_fromio(void *dst, const volatile void __iomem *src, size_t count)
{
	io_string((volatile void *)src, dst, 0, count, false, RET_IP);
}

__ukmem_export void memcpy_toio(volatile void __iomem *dst, const void *src, size_t count)
{
	io_string(dst, (void *)src, 0, count, true, RET_IP);
}

__ukmem_export void memset_io(volatile void __iomem *dst, int c, size_t count)
{
	io_string(dst, NULL, c, count, true, RET_IP);
}

int ioremap_init(void)
{
	rwlock_init(&iomap_lock);
	iomap_list = NULL;
	memset(tombstones, 0, sizeof(tombstones));
	tomb_next = 0;
	return 0;
}

/* ioremap_exit - drop what drivers left mapped (the vm areas go with vmalloc_exit) */
void ioremap_exit(void)
{
	struct iomap *m, *next;

	write_lock(&iomap_lock);
	m = iomap_list;
	iomap_list = NULL;
	write_unlock(&iomap_lock);
	for (; m; m = next) {
		next = m->next;
		if (m->udev)
			simdev_put_window(m->udev);
		free_vm_area(m->area);
		free(m);
	}
}
