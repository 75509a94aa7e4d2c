// SPDX-License-Identifier: MIT
/*
 * test_iomem.c - the iomem resource tree and /proc/iomem, simulated
 * devices, ioremap and the MMIO accessors: dispatch to the device's
 * handlers and register file, faults on a plain dereference, the misuse
 * reports (ioremap of RAM, iounmap twice, access after iounmap and beyond
 * the mapped size, release of a region never requested, conflicts), and a
 * many-thread stress on the tree and on ioremap/readl/iounmap.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/device.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static char *proc(const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ukmem_proc_show(name, f);
	fclose(f);
	return buf;
}

/* a device whose handlers log the accesses and answer with a pattern */
struct logdev {
	unsigned long last_off;
	unsigned int last_width;
	uint64_t last_val;
	unsigned long widths[9];
};

static uint64_t log_read(struct ukmem_device *u, unsigned long off, unsigned int width)
{
	struct logdev *l = ukmem_device_priv(u);

	l->last_off = off;
	l->last_width = width;
	l->widths[width]++;
	return 0x1122334455667788ull >> (8 * (8 - width)) ^ off;
}

static void log_write(struct ukmem_device *u, unsigned long off, uint64_t val, unsigned int width)
{
	struct logdev *l = ukmem_device_priv(u);

	l->last_off = off;
	l->last_width = width;
	l->last_val = val;
	l->widths[width]++;
}

static const struct ukmem_device_ops log_ops = {.read = log_read, .write = log_write};

static void boot(const char *cmd)
{
	cr_assert_eq(ukmem_boot(cmd), 0);
	ukmem_dmesg_clear();
}

Test(iomem, proc_iomem_format)
{
	struct ukmem_device *u;
	struct ukmem_device_info info = {
	    .name = "nic0", .mmio_base = 0xfe000000, .mmio_size = 0x1000};
	struct resource *r;
	char *s;

	boot("mem=64M");
	s = proc("iomem");
	cr_assert_str_eq(s, "00000000-000fffff : Reserved\n00100000-03ffffff : System RAM\n", "%s",
			 s);
	free(s);
	u = ukmem_device_register(&info);
	cr_assert_not_null(u);
	r = request_mem_region(0xfe000000, 0x100, "mydrv");
	cr_assert_not_null(r);
	cr_assert_eq(r->flags & IORESOURCE_BUSY, IORESOURCE_BUSY);
	s = proc("iomem");
	cr_assert_str_eq(s,
			 "00000000-000fffff : Reserved\n00100000-03ffffff : System RAM\n"
			 "fe000000-fe000fff : nic0\n  fe000000-fe0000ff : mydrv\n",
			 "%s", s);
	free(s);
	release_mem_region(0xfe000000, 0x100);
	s = proc("iomem");
	cr_assert_null(strstr(s, "mydrv"));
	free(s);
	cr_assert_eq(ukmem_device_unregister(u), 0);
	s = proc("iomem");
	cr_assert_null(strstr(s, "nic0"));
	free(s);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(iomem, request_conflicts_refused)
{
	struct ukmem_device_info info = {
	    .name = "dev0", .mmio_base = 0xfd000000, .mmio_size = 0x2000};
	struct ukmem_device *u;
	struct resource *a, *b;

	boot("mem=64M");
	/* System RAM is busy: nobody claims it */
	cr_assert_null(request_mem_region(0x200000, 0x1000, "ramgrab"));
	cr_assert(ukmem_dmesg_contains("ramgrab [mem 0x00200000-0x00200fff] conflicts with System "
				       "RAM [mem 0x00100000-0x03ffffff]"));
	u = ukmem_device_register(&info);
	cr_assert_not_null(u);
	a = request_mem_region(0xfd000000, 0x1000, "first");
	cr_assert_not_null(a);
	b = request_mem_region(0xfd000800, 0x1000, "second");
	cr_assert_null(b, "overlaps a busy region");
	cr_assert(ukmem_dmesg_contains("second [mem 0xfd000800-0xfd0017ff] conflicts with first"));
	/* straddling the window's end */
	cr_assert_null(request_mem_region(0xfd001000, 0x2000, "third"));
	cr_assert(ukmem_dmesg_contains("third"));
	/* the disjoint half is free */
	b = request_mem_region(0xfd001000, 0x1000, "second");
	cr_assert_not_null(b);
	/* zero and wrapping sizes */
	cr_assert_null(request_mem_region(0xfd000000, 0, "zero"));
	cr_assert_null(request_mem_region(~0ull - 10, 100, "wrap"));
	cr_assert(ukmem_dmesg_contains("is empty or wraps"));
	release_mem_region(0xfd000000, 0x1000);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 0);
	cr_assert_eq(ukmem_device_unregister(u), -EBUSY, "a region in it is still claimed");
	cr_assert(ukmem_dmesg_contains("and requested regions live"));
	release_mem_region(0xfd001000, 0x1000);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 1);
	cr_assert_eq(ukmem_device_unregister(u), 0);
	ukmem_shutdown();
}

Test(iomem, release_nonexistent_reported)
{
	struct ukmem_device_info info = {
	    .name = "dev0", .mmio_base = 0xfd000000, .mmio_size = 0x2000};
	struct ukmem_device *u;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	cr_assert_not_null(request_mem_region(0xfd000000, 0x1000, "drv"));
	release_mem_region(0xfd000000, 0x800); /* wrong size */
	cr_assert(ukmem_dmesg_contains(
	    "Trying to free nonexistent resource <0x00000000fd000000-0x00000000fd0007ff>"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 1);
	release_mem_region(0x200000, 0x1000); /* System RAM is never released */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 2);
	release_mem_region(0xfd000000, 0x1000);
	release_mem_region(0xfd000000, 0x1000); /* twice */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 3);
	cr_assert_eq(ukmem_device_unregister(u), 0);
	/* RAM is still in the tree */
	cr_assert_eq(region_intersects(0x200000, 4096, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE),
		     REGION_INTERSECTS);
	ukmem_shutdown();
}

Test(iomem, device_registration_rules)
{
	struct ukmem_device_info info = {.name = "d", .mmio_base = 0x100000, .mmio_size = 0x1000};
	struct ukmem_device *a, *b;

	boot("mem=64M");
	cr_assert_null(ukmem_device_register(&info), "inside System RAM");
	cr_assert(ukmem_dmesg_contains("overlaps System RAM"));
	cr_assert_null(ukmem_device_register(NULL));
	info.mmio_base = 0;
	info.mmio_size = 0;
	cr_assert_null(ukmem_device_register(&info));
	info.mmio_size = 0x4000;
	info.name = NULL;
	cr_assert_null(ukmem_device_register(&info));
	info.name = "auto0";
	a = ukmem_device_register(&info);
	cr_assert_not_null(a);
	cr_assert_geq(ukmem_device_mmio_base(a), 64ull << 20, "outside RAM");
	cr_assert_eq(ukmem_device_mmio_base(a) & 0x3fff, 0, "aligned to its size");
	info.name = "auto1";
	b = ukmem_device_register(&info);
	cr_assert_not_null(b);
	cr_assert_neq(ukmem_device_mmio_base(a), ukmem_device_mmio_base(b));
	info.mmio_base = ukmem_device_mmio_base(a) + 0x1000;
	info.name = "clash";
	cr_assert_null(ukmem_device_register(&info));
	cr_assert(ukmem_dmesg_contains("clash: MMIO window"));
	cr_assert_str_eq(dev_name(ukmem_device_dev(a)), "auto0");
	cr_assert_eq(ukmem_device_from_dev(ukmem_device_dev(a)), a);
	cr_assert_eq(ukmem_device_unregister(a), 0);
	cr_assert_eq(ukmem_device_unregister(b), 0);
	ukmem_shutdown();
}

Test(iomem, ioremap_dispatches_to_handlers)
{
	struct logdev l = {0};
	struct ukmem_device_info info = {.name = "logdev",
					 .mmio_base = 0xfe100000,
					 .mmio_size = 0x100,
					 .ops = &log_ops,
					 .priv = &l};
	struct ukmem_device *u;
	void __iomem *io;
	unsigned char buf[32];

	boot("mem=64M");
	u = ukmem_device_register(&info);
	io = ioremap(0xfe100000, 0x100);
	cr_assert_not_null(io);
	cr_assert(is_vmalloc_addr((void *)io));
	cr_assert(is_ioremap_addr((void *)io));

	cr_assert_eq(readl(io + 0x10), 0x11223344u ^ 0x10);
	cr_assert_eq(l.last_off, 0x10);
	cr_assert_eq(l.last_width, 4);
	cr_assert_eq(readb(io + 3), 0x11 ^ 3);
	cr_assert_eq(readw(io + 4), 0x1122 ^ 4);
	cr_assert_eq(readq(io + 8), 0x1122334455667788ull ^ 8);
	cr_assert_eq(ioread32(io + 0x20), 0x11223344u ^ 0x20);
	cr_assert_eq(ioread16(io + 0x20), 0x1122 ^ 0x20);
	cr_assert_eq(ioread8(io + 0x21), 0x11 ^ 0x21);
	cr_assert_eq(readl_relaxed(io + 0x24), 0x11223344u ^ 0x24);
	writel(0xdeadbeef, io + 0x40);
	cr_assert_eq(l.last_off, 0x40);
	cr_assert_eq(l.last_val, 0xdeadbeef);
	cr_assert_eq(l.last_width, 4);
	writeb(0x5a, io + 0x41);
	cr_assert_eq(l.last_width, 1);
	writew(0x1234, io + 0x42);
	writeq(0x0102030405060708ull, io + 0x48);
	cr_assert_eq(l.last_val, 0x0102030405060708ull);
	cr_assert_eq(l.last_width, 8);
	iowrite32(7, io + 0x50);
	iowrite16(6, io + 0x54);
	iowrite8(5, io + 0x56);
	writel_relaxed(9, io + 0x58);
	cr_assert_eq(l.last_val, 9);
	iowrite32be(0x01020304, io + 0x5c);
	cr_assert_eq(l.last_val, 0x04030201);

	/* string accessors: naturally aligned pieces, widest first */
	memset(l.widths, 0, sizeof(l.widths));
	memcpy_fromio(buf, io + 0x61, 15); /* 1 @61, 2 @62, 4 @64, 8 @68 */
	cr_assert_eq(l.widths[1], 1);
	cr_assert_eq(l.widths[2], 1);
	cr_assert_eq(l.widths[4], 1);
	cr_assert_eq(l.widths[8], 1);
	cr_assert_eq(buf[0], 0x11 ^ 0x61);
	memset(l.widths, 0, sizeof(l.widths));
	memcpy_toio(io + 0x80, buf, 16);
	cr_assert_eq(l.widths[8], 2);
	memset_io(io + 0x90, 0xab, 8);
	cr_assert_eq(l.last_val, 0xababababababababull);
	cr_assert_eq(ukmem_device_mmio_reads(u) > 0, 1);
	cr_assert_eq(ukmem_report_total(), 0);
	iounmap(io);
	cr_assert_eq(ukmem_device_unregister(u), 0);
	ukmem_shutdown();
}

Test(iomem, register_file_without_handlers)
{
	struct ukmem_device_info info = {.name = "regs", .mmio_size = 0x40};
	struct ukmem_device *u;
	void __iomem *io;
	unsigned char out[16], in[16];
	u32 *regs;
	int i;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	io = ioremap_wc(ukmem_device_mmio_base(u), 0x40);
	cr_assert_not_null(io);
	regs = ukmem_device_regs(u);
	writel(0xcafef00d, io + 4);
	cr_assert_eq(regs[1], 0xcafef00d, "the device sees what the driver wrote");
	regs[2] = 0x12345678; /* the device sets a status register */
	cr_assert_eq(readl(io + 8), 0x12345678);
	cr_assert_eq(readw(io + 10), 0x1234);
	for (i = 0; i < 16; i++)
		out[i] = (unsigned char)(i * 13 + 1);
	memcpy_toio(io + 0x13, out, 16);
	memcpy_fromio(in, io + 0x13, 16);
	cr_assert_arr_eq(in, out, 16);
	memset_io(io + 0x30, 0x77, 16);
	cr_assert_eq(readq(io + 0x30), 0x7777777777777777ull);
	cr_assert_eq(ukmem_device_unregister(u), -EBUSY, "still mapped");
	cr_assert(ukmem_dmesg_contains("device regs unplugged with 1 ioremap mappings"));
	iounmap(io);
	cr_assert_eq(ukmem_device_unregister(u), 0);
	ukmem_shutdown();
}

Test(iomem, vmallocinfo_shows_ioremap)
{
	struct ukmem_device_info info = {.name = "v", .mmio_base = 0xfe200000, .mmio_size = 0x3000};
	struct ukmem_device *u;
	void __iomem *io;
	char *s, *line;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	io = ioremap(0xfe200010, 0x2000);
	cr_assert_not_null(io);
	cr_assert_eq((unsigned long)io & 0xfff, 0x10, "the cookie keeps the page offset");
	s = proc("vmallocinfo");
	line = strstr(s, "phys=0x00000000fe200000 ioremap");
	cr_assert_not_null(line, "%s", s);
	cr_assert_not_null(strstr(s, " 16384 "), "three pages (0x10 + 0x2000 bytes) + guard: %s",
			   s);
	free(s);
	iounmap(io);
	s = proc("vmallocinfo");
	cr_assert_null(strstr(s, "ioremap"));
	free(s);
	ukmem_device_unregister(u);
	ukmem_shutdown();
}

Test(iomem, ioremap_of_ram_refused)
{
	boot("mem=64M");
	cr_assert_null(ioremap(0x200000, 0x1000));
	cr_assert(
	    ukmem_dmesg_contains("ioremap on RAM at 0x0000000000200000 - 0x0000000000200fff"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 1);
	/* partly RAM */
	cr_assert_null(ioremap_cache(0x3fff000, 0x2000));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 2);
	/* zero size, wrap, beyond the physical address bits */
	cr_assert_null(ioremap(0xfe000000, 0));
	cr_assert_null(ioremap(~0ull - 0xff, 0x1000));
	cr_assert_null(ioremap_uc(1ull << 50, 0x1000));
	cr_assert(ukmem_dmesg_contains("ioremap: invalid physical address 4000000000000"));
	ukmem_shutdown();
}

Test(iomem, memremap_ram_and_device)
{
	struct ukmem_device_info info = {.name = "m", .mmio_base = 0xfe300000, .mmio_size = 0x1000};
	struct ukmem_device *u;
	struct page *pg;
	void *p;

	boot("mem=64M");
	pg = alloc_page(GFP_KERNEL);
	p = memremap(page_to_phys(pg), PAGE_SIZE, MEMREMAP_WB);
	cr_assert_eq(p, page_address(pg), "RAM with WB is the direct map");
	memunmap(p);
	cr_assert_null(memremap(page_to_phys(pg), PAGE_SIZE, MEMREMAP_WC));
	cr_assert(ukmem_dmesg_contains("memremap attempted on ram"));
	cr_assert_null(memremap(0x3fff000, 0x2000, MEMREMAP_WB));
	cr_assert(ukmem_dmesg_contains("memremap attempted on mixed range"));
	__free_page(pg);
	u = ukmem_device_register(&info);
	p = memremap(0xfe300000, 0x1000, MEMREMAP_WB);
	cr_assert_not_null(p);
	cr_assert(is_ioremap_addr(p));
	writel(3, (void __iomem *)p);
	cr_assert_eq(((u32 *)ukmem_device_regs(u))[0], 3);
	memunmap(p);
	cr_assert_eq(ukmem_device_unregister(u), 0);
	ukmem_shutdown();
}

Test(iomem, iounmap_misuse_reported)
{
	struct ukmem_device_info info = {.name = "x", .mmio_base = 0xfe400000, .mmio_size = 0x1000};
	struct ukmem_device *u;
	void __iomem *io;
	void *v;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	io = ioremap(0xfe400000, 0x1000);
	iounmap(io);
	iounmap(io); /* twice */
	cr_assert(ukmem_dmesg_contains("iounmap: bad address"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 1);
	v = vmalloc(100);
	iounmap((void __iomem *)v); /* not an ioremap */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 2);
	cr_assert_not_null(vmalloc_to_page(v), "the vmalloc area is untouched");
	vfree(v);
	iounmap(NULL); /* no-op */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 2);
	cr_assert_eq(ukmem_device_unregister(u), 0);
	ukmem_shutdown();
}

Test(iomem, access_after_iounmap_reported)
{
	struct ukmem_device_info info = {.name = "y", .mmio_base = 0xfe500000, .mmio_size = 0x1000};
	struct ukmem_device *u;
	void __iomem *io;
	unsigned char buf[8];

	boot("mem=64M");
	u = ukmem_device_register(&info);
	io = ioremap(0xfe500000, 0x1000);
	writel(1, io);
	iounmap(io);
	cr_assert_eq(readl(io + 4), 0xffffffffu, "nobody answers");
	cr_assert(ukmem_dmesg_contains("BUG: unable to handle page fault for address"));
	cr_assert(ukmem_dmesg_contains("#PF: supervisor read access in kernel mode"));
	cr_assert(ukmem_dmesg_contains("unmapped by iounmap() from"));
	writel(2, io);
	cr_assert(ukmem_dmesg_contains("#PF: supervisor write access in kernel mode"));
	memcpy_fromio(buf, io, 8);
	cr_assert_eq(buf[0], 0xff);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 3);
	cr_assert_eq(((u32 *)ukmem_device_regs(u))[0], 1, "the late write never arrived");
	cr_assert_eq(ukmem_device_unregister(u), 0);
	ukmem_shutdown();
}

Test(iomem, access_beyond_size_reported)
{
	struct ukmem_device_info info = {.name = "z", .mmio_base = 0xfe600000, .mmio_size = 0x2000};
	struct ukmem_device *u;
	void __iomem *io;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	io = ioremap(0xfe600000, 0x100);
	writel(5, io + 0xfc); /* the last word: fine */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 0);
	cr_assert_eq(readl(io + 0xfe), 0xffffffffu); /* straddles the end */
	cr_assert(ukmem_dmesg_contains("is outside the 0x100 bytes ioremapped"));
	writel(6, io + 0x100);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 2);
	cr_assert_eq(((u32 *)ukmem_device_regs(u))[0x40], 0, "nothing written past the mapping");
	memset_io(io + 0xf0, 0, 0x20);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_IOMEM), 3);
	cr_assert_eq(((u32 *)ukmem_device_regs(u))[0x3f], 5, "the refused memset wrote nothing");
	iounmap(io);
	ukmem_device_unregister(u);
	ukmem_shutdown();
}

Test(iomem, plain_dereference_faults, .signal = SIGSEGV)
{
	struct ukmem_device_info info = {.name = "f", .mmio_base = 0xfe700000, .mmio_size = 0x1000};
	void __iomem *io;

	boot("mem=64M");
	ukmem_device_register(&info);
	io = ioremap(0xfe700000, 0x1000);
	(void)*(volatile u32 *)io;
}

Test(iomem, accessors_on_ram_are_plain)
{
	u32 *p;

	boot("mem=64M");
	p = kmalloc(64, GFP_KERNEL);
	writel(0x01020304, p);
	cr_assert_eq(p[0], 0x01020304);
	cr_assert_eq(readb(p), 0x04);
	memset_io(p + 2, 0x11, 8);
	cr_assert_eq(readq(p + 2), 0x1111111111111111ull);
	kfree(p);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(iomem, dev_printk_prefix)
{
	struct ukmem_device_info info = {.name = "eth0dev", .mmio_size = 0x1000};
	struct device_driver drv = {.name = "mynic"};
	struct ukmem_device *u;
	struct device *dev;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	dev = ukmem_device_dev(u);
	dev_info(dev, "link up %d\n", 1000);
	cr_assert(ukmem_dmesg_contains("ukmem eth0dev: link up 1000"));
	dev->driver = &drv;
	dev_err(dev, "ring full\n");
	cr_assert(ukmem_dmesg_contains("mynic eth0dev: ring full"));
	dev_warn(NULL, "orphan\n");
	cr_assert(ukmem_dmesg_contains("(NULL device *): orphan"));
	ukmem_device_unregister(u);
	ukmem_shutdown();
}

Test(iomem, shutdown_cleans_up)
{
	struct ukmem_device_info info = {.name = "left", .mmio_size = 0x1000};
	struct ukmem_device *u;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	request_mem_region(ukmem_device_mmio_base(u), 0x10, "leftdrv");
	ioremap(ukmem_device_mmio_base(u), 0x1000);
	ukmem_shutdown();
	boot("mem=64M");
	{
		char *s = proc("iomem");

		cr_assert_null(strstr(s, "left"), "%s", s);
		free(s);
	}
	ukmem_shutdown();
}

/* ------------------------------------------------------------ stress */

#define NTHREADS 4
#define ROUNDS	 300

static struct ukmem_device *stress_dev[NTHREADS];

static void *stress_thread(void *arg)
{
	long id = (long)arg;
	phys_addr_t base = ukmem_device_mmio_base(stress_dev[id]);
	phys_addr_t shared = ukmem_device_mmio_base(stress_dev[0]);
	int i;

	for (i = 0; i < ROUNDS; i++) {
		struct resource *r = request_mem_region(base + 0x100 * (i % 4), 0x100, "stress");
		struct resource *s = request_mem_region(shared + 0x800, 0x10, "contended");
		void __iomem *io = ioremap(base, 0x1000);

		cr_assert_not_null(r);
		cr_assert_not_null(io);
		writel((u32)(id << 16 | i), io + 4 * (i % 64));
		cr_assert_eq(readl(io + 4 * (i % 64)), (u32)(id << 16 | i));
		iounmap(io);
		if (s)
			release_mem_region(shared + 0x800, 0x10);
		release_mem_region(base + 0x100 * (i % 4), 0x100);
	}
	return NULL;
}

Test(iomem, stress_tree_and_mappings)
{
	pthread_t t[NTHREADS];
	long i;
	char *s;

	boot("mem=64M nr_cpus=4");
	for (i = 0; i < NTHREADS; i++) {
		struct ukmem_device_info info = {.name = "stress", .mmio_size = 0x1000};

		stress_dev[i] = ukmem_device_register(&info);
		cr_assert_not_null(stress_dev[i]);
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, stress_thread, (void *)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(ukmem_report_total(), 0);
	s = proc("iomem");
	cr_assert_null(strstr(s, "stress\n  "), "every claim released: %s", s);
	free(s);
	s = proc("vmallocinfo");
	cr_assert_null(strstr(s, "ioremap"));
	free(s);
	for (i = 0; i < NTHREADS; i++)
		cr_assert_eq(ukmem_device_unregister(stress_dev[i]), 0);
	ukmem_shutdown();
}

Test(iomem, wrong_context_reported)
{
	static DEFINE_SPINLOCK(lock);
	struct ukmem_device_info info = {.name = "ctx", .mmio_size = 0x1000};
	struct ukmem_device *u;
	void __iomem *io;

	boot("mem=64M");
	u = ukmem_device_register(&info);
	io = ioremap(ukmem_device_mmio_base(u), 0x1000);
	spin_lock(&lock);
	writel(1, io); /* the accessors work in atomic context */
	cr_assert_eq(readl(io), 1);
	cr_assert_eq(ukmem_report_total(), 0);
	cr_assert_not_null(request_mem_region(ukmem_device_mmio_base(u), 0x10, "x"));
	spin_unlock(&lock);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1,
		     "request_mem_region may sleep");
	release_mem_region(ukmem_device_mmio_base(u), 0x10);
	ukmem_report_reset();
	spin_lock(&lock);
	iounmap(io);
	spin_unlock(&lock);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1, "iounmap may sleep");
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context"));
	cr_assert_eq(ukmem_device_unregister(u), 0);
	ukmem_shutdown();
}
