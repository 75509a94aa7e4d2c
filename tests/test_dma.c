// SPDX-License-Identifier: MIT
/*
 * test_dma.c - the DMA API over simulated devices: masks, coherent memory
 * from the zone the mask calls for, streaming mappings, the device's DMA
 * engine faulting beyond its mask, swiotlb bounce copies in each direction
 * and at sync, dma-debug's misuse reports, the leak report at shutdown, and
 * a many-thread map/unmap stress.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>
#include <linux/spinlock.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ZONE_DMA_END (16ull << 20)

static struct ukmem_device *isa; /* a 24-bit ISA-style device */
static struct device *dev;

static void boot_isa(const char *cmd)
{
	struct ukmem_device_info info = {
	    .name = "isa0", .mmio_size = 0x1000, .irq = 5, .dma_mask = DMA_BIT_MASK(24)};

	cr_assert_eq(ukmem_boot(cmd), 0);
	isa = ukmem_device_register(&info);
	cr_assert_not_null(isa);
	dev = ukmem_device_dev(isa);
	ukmem_dmesg_clear();
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static bool check(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return false;
	return true;
}

/* a page above ZONE_DMA (so a 24-bit device cannot reach it) */
static void *high_buf(struct page **pg)
{
	*pg = alloc_pages(GFP_DMA32, 1);
	cr_assert_not_null(*pg);
	cr_assert_geq(page_to_phys(*pg), ZONE_DMA_END, "precondition: the buffer is above 16M");
	return page_address(*pg);
}

Test(dma, masks)
{
	boot_isa("mem=256M");
	cr_assert_eq(*dev->dma_mask, DMA_BIT_MASK(32), "a device starts with 32-bit masks");
	cr_assert_eq(dev->coherent_dma_mask, DMA_BIT_MASK(32));
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(16)), -EIO, "below ZONE_DMA: unservable");
	cr_assert_eq(*dev->dma_mask, DMA_BIT_MASK(32), "unchanged");
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(24)), 0);
	cr_assert_eq(*dev->dma_mask, DMA_BIT_MASK(24));
	cr_assert_eq(dev->coherent_dma_mask, DMA_BIT_MASK(24));
	cr_assert_eq(dma_get_mask(dev), DMA_BIT_MASK(24));
	cr_assert_eq(dma_set_coherent_mask(dev, DMA_BIT_MASK(64)), 0);
	cr_assert_eq(dma_set_mask(NULL, DMA_BIT_MASK(32)), -EIO);
	ukmem_shutdown();
}

Test(dma, coherent_zone_from_mask)
{
	dma_addr_t h24, h32;
	void *a, *b;

	boot_isa("mem=256M");
	cr_assert_eq(dma_set_coherent_mask(dev, DMA_BIT_MASK(24)), 0);
	a = dma_alloc_coherent(dev, 3 * PAGE_SIZE, &h24, GFP_KERNEL);
	cr_assert_not_null(a);
	cr_assert_eq(h24, virt_to_phys(a), "no IOMMU: the bus address is the physical one");
	cr_assert_lt(h24 + 3 * PAGE_SIZE - 1, ZONE_DMA_END, "ZONE_DMA for a 24-bit mask");
	cr_assert_eq(((unsigned char *)a)[0], 0);
	cr_assert_eq(((unsigned char *)a)[3 * PAGE_SIZE - 1], 0, "zeroed");
	cr_assert_eq(dma_set_coherent_mask(dev, DMA_BIT_MASK(32)), 0);
	b = dma_alloc_coherent(dev, PAGE_SIZE, &h32, GFP_KERNEL);
	cr_assert_not_null(b);
	cr_assert_geq(h32, ZONE_DMA_END, "ZONE_DMA32 for a 32-bit mask, ZONE_DMA spared");
	/* the device reaches coherent memory within its mask */
	fill(a, 100, 3);
	{
		unsigned char got[100];

		cr_assert_eq(ukmem_device_dma_read(isa, h24, got, 100), 0);
		cr_assert(check(got, 100, 3));
	}
	dma_free_coherent(dev, 3 * PAGE_SIZE, a, h24);
	dma_free_coherent(dev, PAGE_SIZE, b, h32);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(dma, device_dma_beyond_mask_faults)
{
	unsigned char data[64], *buf;
	struct page *pg;

	boot_isa("mem=256M");
	buf = high_buf(&pg);
	fill(buf, 64, 1);
	fill(data, 64, 9);
	cr_assert_eq(ukmem_device_dma_write(isa, page_to_phys(pg), data, 64), -EFAULT);
	cr_assert(ukmem_dmesg_contains("ukmem isa0: DMA fault: device write of 64 bytes at bus "
				       "address"));
	cr_assert(ukmem_dmesg_contains("beyond the device's DMA mask (mask 0xffffff)"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 1);
	cr_assert(check(buf, 64, 1), "nothing was written");
	cr_assert_eq(ukmem_device_dma_read(isa, page_to_phys(pg), data, 64), -EFAULT);
	cr_assert_eq(ukmem_device_dma_read(isa, 0x1000, data, 64), -EFAULT, "BIOS area");
	cr_assert(ukmem_dmesg_contains("outside System RAM"));
	cr_assert_eq(ukmem_device_dma_read(isa, 0xfff000, data, 0x2000), -EFAULT, "crosses 16M");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 4);
	cr_assert_eq(ukmem_device_dma_read(isa, 0, data, 0), 0, "nothing to move");
	__free_pages(pg, 1);
	ukmem_shutdown();
}

Test(dma, forgotten_mask_faults)
{
	struct page *pg;
	unsigned char *buf;
	dma_addr_t h;

	boot_isa("mem=256M");
	buf = high_buf(&pg);
	/* the driver never called dma_set_mask(): the API thinks 32 bits are fine */
	h = dma_map_single(dev, buf, 256, DMA_FROM_DEVICE);
	cr_assert_eq(dma_mapping_error(dev, h), 0);
	cr_assert_eq(h, page_to_phys(pg), "not bounced");
	cr_assert_eq(ukmem_device_dma_write(isa, h, "x", 1), -EFAULT, "the ISA device cannot");
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 1);
	dma_unmap_single(dev, h, 256, DMA_FROM_DEVICE);
	__free_pages(pg, 1);
	ukmem_shutdown();
}

Test(dma, bounce_to_device)
{
	unsigned char got[300];
	struct page *pg;
	unsigned char *buf;
	unsigned long before;
	dma_addr_t h;

	boot_isa("mem=256M");
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(24)), 0);
	buf = high_buf(&pg);
	fill(buf + 5, 300, 11);
	before = ukmem_swiotlb_bounced();
	h = dma_map_single(dev, buf + 5, 300, DMA_TO_DEVICE);
	cr_assert_eq(dma_mapping_error(dev, h), 0);
	cr_assert_neq(h, virt_to_phys(buf + 5), "bounced");
	cr_assert_lt(h + 299, ZONE_DMA_END);
	cr_assert_eq(ukmem_swiotlb_bounced(), before + 1);
	cr_assert_eq(ukmem_device_dma_read(isa, h, got, 300), 0);
	cr_assert(check(got, 300, 11), "the data was copied into the bounce buffer at map");
	/* the CPU changes the buffer and hands it back to the device */
	fill(buf + 5, 300, 12);
	dma_sync_single_for_device(dev, h, 300, DMA_TO_DEVICE);
	cr_assert_eq(ukmem_device_dma_read(isa, h, got, 300), 0);
	cr_assert(check(got, 300, 12));
	/* the device scribbles on a TO_DEVICE buffer: unmap must not copy it back */
	fill(got, 300, 99);
	cr_assert_eq(ukmem_device_dma_write(isa, h, got, 300), 0);
	dma_unmap_single(dev, h, 300, DMA_TO_DEVICE);
	cr_assert(check(buf + 5, 300, 12), "TO_DEVICE never copies back");
	cr_assert_eq(ukmem_report_total(), 0);
	__free_pages(pg, 1);
	ukmem_shutdown();
}

Test(dma, bounce_from_device)
{
	unsigned char data[200];
	struct page *pg;
	unsigned char *buf;
	dma_addr_t h;

	boot_isa("mem=256M");
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(24)), 0);
	buf = high_buf(&pg);
	fill(buf, 200, 1);
	h = dma_map_single(dev, buf, 200, DMA_FROM_DEVICE);
	cr_assert_eq(dma_mapping_error(dev, h), 0);
	cr_assert_neq(h, virt_to_phys(buf));
	fill(data, 200, 50);
	cr_assert_eq(ukmem_device_dma_write(isa, h, data, 200), 0);
	cr_assert(check(buf, 200, 1), "not visible before the CPU takes it back");
	dma_sync_single_for_cpu(dev, h + 100, 100, DMA_FROM_DEVICE);
	cr_assert(check(buf, 100, 1), "the first half was not synced");
	cr_assert(check(buf + 100, 100, 50 + 700), "the second half was");
	fill(data, 200, 60);
	cr_assert_eq(ukmem_device_dma_write(isa, h, data, 200), 0);
	dma_unmap_single(dev, h, 200, DMA_FROM_DEVICE);
	cr_assert(check(buf, 200, 60), "unmap copies what the device wrote");
	cr_assert_eq(ukmem_report_total(), 0);
	__free_pages(pg, 1);
	ukmem_shutdown();
}

Test(dma, bounce_bidirectional_and_map_page)
{
	unsigned char data[64];
	struct page *pg;
	unsigned char *buf;
	dma_addr_t h;

	boot_isa("mem=256M");
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(24)), 0);
	buf = high_buf(&pg);
	fill(buf + PAGE_SIZE + 8, 64, 4);
	h = dma_map_page(dev, pg + 1, 8, 64, DMA_BIDIRECTIONAL);
	cr_assert_eq(dma_mapping_error(dev, h), 0);
	cr_assert_lt(h, ZONE_DMA_END);
	cr_assert_eq(ukmem_device_dma_read(isa, h, data, 64), 0);
	cr_assert(check(data, 64, 4));
	fill(data, 64, 8);
	cr_assert_eq(ukmem_device_dma_write(isa, h, data, 64), 0);
	dma_unmap_page(dev, h, 64, DMA_BIDIRECTIONAL);
	cr_assert(check(buf + PAGE_SIZE + 8, 64, 8));
	/* within the mask: no bounce */
	{
		void *low = kmalloc(128, GFP_DMA);
		dma_addr_t l = dma_map_single(dev, low, 128, DMA_BIDIRECTIONAL);

		cr_assert_eq(dma_mapping_error(dev, l), 0);
		cr_assert_eq(l, virt_to_phys(low));
		dma_unmap_single(dev, l, 128, DMA_BIDIRECTIONAL);
		kfree(low);
	}
	cr_assert_eq(ukmem_report_total(), 0);
	__free_pages(pg, 1);
	ukmem_shutdown();
}

Test(dma, highmem_page_bounced)
{
	unsigned char data[32];
	struct page *pg;
	dma_addr_t h;
	char *k;

	boot_isa("machine=i386 mem=2G");
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(24)), 0);
	pg = alloc_page(GFP_HIGHUSER);
	cr_assert(PageHighMem(pg));
	k = kmap_local_page(pg);
	memset(k, 0x3c, 32);
	kunmap_local(k);
	h = dma_map_page(dev, pg, 0, 32, DMA_BIDIRECTIONAL);
	cr_assert_eq(dma_mapping_error(dev, h), 0);
	cr_assert_eq(ukmem_device_dma_read(isa, h, data, 32), 0);
	cr_assert_eq(data[31], 0x3c);
	memset(data, 0x5d, 32);
	ukmem_device_dma_write(isa, h, data, 32);
	dma_unmap_page(dev, h, 32, DMA_BIDIRECTIONAL);
	k = kmap_local_page(pg);
	cr_assert_eq(k[0], 0x5d);
	kunmap_local(k);
	__free_page(pg);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(dma, map_misuse_reported)
{
	char stackbuf[16];
	void *v, *k;

	boot_isa("mem=64M");
	cr_assert_eq(dma_map_single(NULL, stackbuf, 16, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert(ukmem_dmesg_contains("DMA-API: NULL NULL: device driver maps memory without a "
				       "device"));
	k = kmalloc(64, GFP_KERNEL);
	cr_assert_eq(dma_map_single(dev, k, 0, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert(ukmem_dmesg_contains("device driver maps zero bytes"));
	cr_assert_eq(dma_map_single(dev, k, 64, DMA_NONE), DMA_MAPPING_ERROR);
	cr_assert_eq(dma_map_single(dev, k, 64, (enum dma_data_direction)7), DMA_MAPPING_ERROR);
	cr_assert(ukmem_dmesg_contains("invalid direction 7"));
	cr_assert_eq(dma_map_single(dev, stackbuf, 16, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert(
	    ukmem_dmesg_contains("DMA-API: ukmem isa0: device driver maps memory from invalid "
				 "area"));
	v = vmalloc(64);
	cr_assert_eq(dma_map_single(dev, v, 64, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert(ukmem_dmesg_contains("device driver maps memory from vmalloc area"));
	cr_assert_eq(dma_map_page(dev, NULL, 0, 64, DMA_TO_DEVICE), DMA_MAPPING_ERROR);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 8);
	cr_assert_neq(dma_mapping_error(dev, DMA_MAPPING_ERROR), 0);
	vfree(v);
	kfree(k);
	ukmem_shutdown();
}

Test(dma, unmap_misuse_reported)
{
	struct page *pg;
	unsigned char *buf;
	dma_addr_t h;
	unsigned long dma_reports;

	boot_isa("mem=256M");
	cr_assert_eq(dma_set_mask(dev, DMA_BIT_MASK(24)), 0);
	buf = high_buf(&pg);
	/* never mapped, the error cookie */
	dma_unmap_single(dev, 0x123000, 64, DMA_TO_DEVICE);
	cr_assert(
	    ukmem_dmesg_contains("device driver tries to free DMA memory it has not allocated "
				 "[device address=0x0000000000123000] [size=64 bytes]"));
	dma_unmap_single(dev, DMA_MAPPING_ERROR, 64, DMA_TO_DEVICE);
	cr_assert(
	    ukmem_dmesg_contains("device driver tries to free an invalid DMA memory address"));

	/* unchecked, wrong size and direction: reported; released as mapped, copied back */
	h = dma_map_single(dev, buf, 128, DMA_FROM_DEVICE);
	cr_assert_eq(ukmem_device_dma_write(isa, h, "hello", 6), 0);
	dma_reports = ukmem_report_count(UKMEM_REPORT_DMA);
	dma_unmap_single(dev, h, 64, DMA_TO_DEVICE);
	cr_assert(ukmem_dmesg_contains("device driver frees DMA memory with different size "));
	cr_assert(ukmem_dmesg_contains("[map size=128 bytes] [unmap size=64 bytes]"));
	cr_assert(ukmem_dmesg_contains("[mapped with DMA_FROM_DEVICE] [unmapped with "
				       "DMA_TO_DEVICE]"));
	cr_assert(ukmem_dmesg_contains("device driver failed to check map error"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), dma_reports + 3);
	cr_assert_str_eq((char *)buf, "hello", "the mapping was released as it was made");
	/* double unmap */
	dma_unmap_single(dev, h, 128, DMA_FROM_DEVICE);
	cr_assert_eq(ukmem_dmesg_count("it has not allocated"), 2);
	__free_pages(pg, 1);
	ukmem_shutdown();
}

Test(dma, sync_misuse_reported)
{
	void *k;
	dma_addr_t h;

	boot_isa("mem=64M");
	k = kmalloc(256, GFP_DMA);
	h = dma_map_single(dev, k, 256, DMA_TO_DEVICE);
	cr_assert_eq(dma_mapping_error(dev, h), 0);
	dma_sync_single_for_device(dev, h + 16, 32, DMA_TO_DEVICE);
	cr_assert_eq(ukmem_report_total(), 0, "a sync inside the mapping is fine");
	dma_sync_single_for_cpu(dev, h, 256, DMA_FROM_DEVICE);
	cr_assert(ukmem_dmesg_contains("device driver syncs DMA memory with different direction"));
	cr_assert(ukmem_dmesg_contains("device driver syncs device read-only DMA memory for cpu"));
	dma_sync_single_for_device(dev, h + 200, 100, DMA_TO_DEVICE);
	cr_assert(ukmem_dmesg_contains("device driver syncs DMA memory outside allocated range"));
	dma_sync_single_for_cpu(dev, h + 4096, 4, DMA_TO_DEVICE);
	cr_assert(
	    ukmem_dmesg_contains("device driver tries to sync DMA memory it has not allocated"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 4);
	dma_unmap_single(dev, h, 256, DMA_TO_DEVICE);
	kfree(k);
	ukmem_shutdown();
}

Test(dma, free_coherent_misuse_reported)
{
	dma_addr_t h, h2, s;
	void *a, *b, *k;

	boot_isa("mem=64M");
	a = dma_alloc_coherent(dev, 2 * PAGE_SIZE, &h, GFP_KERNEL);
	b = dma_alloc_coherent(dev, PAGE_SIZE, &h2, GFP_KERNEL);
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	/* never allocated: nothing freed */
	dma_free_coherent(dev, PAGE_SIZE, b, h2 + PAGE_SIZE * 64);
	cr_assert(
	    ukmem_dmesg_contains("DMA-API: ukmem isa0: device driver tries to free DMA memory "
				 "it has not allocated"));
	memset(b, 0x42, PAGE_SIZE); /* still ours */
	/* a streaming mapping unmapped with dma_unmap_single is fine; freed as coherent it is not
	 */
	k = kmalloc(64, GFP_KERNEL);
	s = dma_map_single(dev, k, 64, DMA_TO_DEVICE);
	cr_assert_eq(dma_mapping_error(dev, s), 0);
	dma_free_coherent(dev, 64, k, s);
	cr_assert(ukmem_dmesg_contains("device driver frees DMA memory with wrong function"));
	cr_assert(ukmem_dmesg_contains("[mapped as single] [unmapped as coherent]"));
	dma_unmap_single(dev, s, 64, DMA_TO_DEVICE);
	cr_assert(ukmem_dmesg_count("wrong function") == 1, "the mapping survived the bad free");
	dma_unmap_single(dev, h2, PAGE_SIZE, DMA_BIDIRECTIONAL);
	cr_assert(ukmem_dmesg_contains("[mapped as coherent] [unmapped as single]"));
	/* wrong size and wrong CPU address: reported; what was allocated is freed */
	dma_free_coherent(dev, PAGE_SIZE, a, h);
	cr_assert(ukmem_dmesg_contains("[map size=8192 bytes] [unmap size=4096 bytes]"));
	dma_free_coherent(dev, PAGE_SIZE, (char *)b + 64, h2);
	cr_assert(
	    ukmem_dmesg_contains("device driver frees DMA memory with different CPU address"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 5);
	/* both are gone: freeing again reports */
	dma_free_coherent(dev, PAGE_SIZE, b, h2);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 6);
	dma_free_coherent(dev, PAGE_SIZE, NULL, h2); /* no-op */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 6);
	/* NULL device, zero size */
	cr_assert_null(dma_alloc_coherent(NULL, PAGE_SIZE, &h, GFP_KERNEL));
	cr_assert_null(dma_alloc_coherent(dev, 0, &h, GFP_KERNEL));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 8);
	kfree(k);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_BAD_PAGE), 0, "no page freed wrongly");
	ukmem_shutdown();
}

Test(dma, pending_at_unplug_and_shutdown)
{
	dma_addr_t h;
	void *a;

	boot_isa("mem=64M");
	a = dma_alloc_coherent(dev, PAGE_SIZE, &h, GFP_KERNEL);
	cr_assert_not_null(a);
	cr_assert_eq(ukmem_device_unregister(isa), -EBUSY);
	cr_assert(ukmem_dmesg_contains("0 ioremap mappings, 1 DMA mappings"));
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("DMA-API: ukmem isa0: device driver has pending DMA "
				       "allocations while released from device [count=1]"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 1);
}

/* ------------------------------------------------------------ stress */

#define NTHREADS 4
#define ROUNDS	 400

static void *stress_thread(void *arg)
{
	long id = (long)arg;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		size_t len = 64 + (i * 37) % 1500;
		gfp_t gfp = (i & 1) ? GFP_DMA32 : GFP_DMA;
		struct page *pg = alloc_pages(gfp, 1);
		unsigned char *buf, *back;
		dma_addr_t h, c;
		void *coh;

		cr_assert_not_null(pg);
		buf = page_address(pg);
		back = buf + PAGE_SIZE;
		fill(buf, len, (unsigned int)(id * 1000 + i));
		h = dma_map_single(dev, buf, len, DMA_BIDIRECTIONAL);
		cr_assert_eq(dma_mapping_error(dev, h), 0);
		cr_assert_eq(ukmem_device_dma_read(isa, h, back, len), 0);
		cr_assert(check(back, len, (unsigned int)(id * 1000 + i)));
		fill(back, len, (unsigned int)(id * 1000 + i + 1));
		cr_assert_eq(ukmem_device_dma_write(isa, h, back, len), 0);
		dma_unmap_single(dev, h, len, DMA_BIDIRECTIONAL);
		cr_assert(check(buf, len, (unsigned int)(id * 1000 + i + 1)));
		coh = dma_alloc_coherent(dev, len, &c, GFP_ATOMIC);
		cr_assert_not_null(coh);
		cr_assert_eq(ukmem_device_dma_write(isa, c, buf, len), 0);
		cr_assert_eq(memcmp(coh, buf, len), 0);
		dma_free_coherent(dev, len, coh, c);
		__free_pages(pg, 1);
	}
	return NULL;
}

Test(dma, stress_map_unmap)
{
	pthread_t t[NTHREADS];
	long i;

	boot_isa("mem=256M nr_cpus=4");
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(24)), 0);
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, stress_thread, (void *)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(ukmem_report_total(), 0);
	cr_assert_geq(ukmem_swiotlb_bounced(), NTHREADS * ROUNDS / 2, "the DMA32 half bounced");
	cr_assert_eq(ukmem_device_unregister(isa), 0, "nothing left mapped");
	ukmem_shutdown();
}

/* ------------------------------------------------------------ dmapool */

Test(dmapool, create_rejects_bad_geometry)
{
	boot_isa("mem=64M");
	cr_assert_null(dma_pool_create("p", dev, 0, 8, 0));
	cr_assert_null(dma_pool_create("p", dev, 64, 3, 0), "alignment not a power of two");
	cr_assert_null(dma_pool_create("p", dev, 64, 8, 32), "boundary below the size");
	cr_assert_null(dma_pool_create("p", dev, 64, 8, 96), "boundary not a power of two");
	cr_assert_null(dma_pool_create("p", NULL, 64, 8, 0));
	cr_assert_null(dma_pool_create("p", dev, (size_t)1 << 40, 8, 0));
	dma_pool_destroy(NULL);
	cr_assert_null(dma_pool_alloc(NULL, GFP_KERNEL, &(dma_addr_t){0}));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 1);
	ukmem_shutdown();
}

Test(dmapool, blocks_aligned_within_boundary_and_mask)
{
	struct dma_pool *pool;
	void *blk[200];
	dma_addr_t h[200];
	int i, j;

	boot_isa("mem=256M");
	cr_assert_eq(dma_set_mask_and_coherent(dev, DMA_BIT_MASK(24)), 0);
	pool = dma_pool_create("desc", dev, 48, 16, 64);
	cr_assert_not_null(pool);
	for (i = 0; i < 200; i++) {
		blk[i] = dma_pool_alloc(pool, GFP_KERNEL, &h[i]);
		cr_assert_not_null(blk[i]);
		cr_assert_eq(h[i], virt_to_phys(blk[i]));
		cr_assert_eq(h[i] % 16, 0, "aligned");
		cr_assert_eq(h[i] / 64, (h[i] + 47) / 64, "never crosses the 64-byte boundary");
		cr_assert_lt(h[i] + 47, ZONE_DMA_END, "the coherent mask's zone");
		memset(blk[i], i, 48);
	}
	for (i = 0; i < 200; i++)
		for (j = 0; j < 48; j++)
			cr_assert_eq(((unsigned char *)blk[i])[j], (unsigned char)i, "no overlap");
	cr_assert_eq(ukmem_device_dma_write(isa, h[7], "ring", 5), 0);
	cr_assert_str_eq(blk[7], "ring");
	for (i = 0; i < 200; i++)
		dma_pool_free(pool, blk[i], h[i]);
	blk[0] = dma_pool_zalloc(pool, GFP_ATOMIC, &h[0]);
	for (j = 0; j < 48; j++)
		cr_assert_eq(((unsigned char *)blk[0])[j], 0, "zalloc zeroes");
	dma_pool_free(pool, blk[0], h[0]);
	dma_pool_destroy(pool);
	cr_assert_eq(ukmem_report_total(), 0);
	cr_assert_eq(ukmem_device_unregister(isa), 0, "the pool's pages went back");
	ukmem_shutdown();
}

Test(dmapool, free_misuse_reported)
{
	struct dma_pool *pool;
	dma_addr_t h, h2;
	char *a, *b;

	boot_isa("mem=64M");
	pool = dma_pool_create("cmd", dev, 32, 8, 0);
	a = dma_pool_alloc(pool, GFP_KERNEL, &h);
	b = dma_pool_alloc(pool, GFP_KERNEL, &h2);
	strcpy(b, "live");
	dma_pool_free(pool, a, h + 32);
	cr_assert(ukmem_dmesg_contains("ukmem isa0: dma_pool_free cmd, "));
	cr_assert(ukmem_dmesg_contains("(bad dma)"));
	dma_pool_free(pool, a + 8, h + 8);
	cr_assert(ukmem_dmesg_contains("(bad vaddr)"));
	dma_pool_free(pool, &h, h);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 3);
	dma_pool_free(pool, a, h);
	dma_pool_free(pool, a, h); /* twice */
	cr_assert(ukmem_dmesg_contains("already free"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 4);
	/* write after free: caught when the block is handed out again */
	a[3] = 1;
	a = dma_pool_alloc(pool, GFP_KERNEL, &h);
	cr_assert(ukmem_dmesg_contains("dma_pool_alloc cmd, "));
	cr_assert(ukmem_dmesg_contains("(corrupted)"));
	cr_assert_str_eq(b, "live", "the other block is intact");
	dma_pool_free(pool, a, h);
	dma_pool_free(pool, b, h2);
	dma_pool_destroy(pool);
	ukmem_shutdown();
}

Test(dmapool, destroy_busy_keeps_pages)
{
	struct dma_pool *pool;
	dma_addr_t h;
	char *a;

	boot_isa("mem=64M");
	pool = dma_pool_create("busy", dev, 64, 0, 0);
	a = dma_pool_alloc(pool, GFP_KERNEL, &h);
	strcpy(a, "still mine");
	dma_pool_destroy(pool);
	cr_assert(ukmem_dmesg_contains("ukmem isa0: dma_pool_destroy busy busy"));
	cr_assert_str_eq(a, "still mine", "the page was not freed under the user");
	cr_assert_eq(ukmem_device_unregister(isa), -EBUSY);
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("device driver has pending DMA allocations"));
}

#define POOL_ROUNDS 2000
static struct dma_pool *stress_pool;

static void *pool_thread(void *arg)
{
	unsigned long id = (unsigned long)arg;
	unsigned long *held[16];
	dma_addr_t hh[16];
	int i, j;

	for (i = 0; i < POOL_ROUNDS; i++) {
		j = i % 16;
		if (i >= 16) {
			cr_assert_eq(held[j][0], id << 32 | (unsigned long)(i - 16),
				     "block intact");
			cr_assert_eq(hh[j], virt_to_phys(held[j]));
			dma_pool_free(stress_pool, held[j], hh[j]);
		}
		held[j] = dma_pool_alloc(stress_pool, GFP_ATOMIC, &hh[j]);
		cr_assert_not_null(held[j]);
		held[j][0] = id << 32 | (unsigned long)i;
	}
	for (j = 0; j < 16; j++)
		dma_pool_free(stress_pool, held[j], hh[j]);
	return NULL;
}

Test(dmapool, stress_alloc_free)
{
	pthread_t t[NTHREADS];
	long i;

	boot_isa("mem=64M nr_cpus=4");
	stress_pool = dma_pool_create("stress", dev, 40, 8, 0);
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, pool_thread, (void *)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	dma_pool_destroy(stress_pool);
	cr_assert_eq(ukmem_report_total(), 0);
	cr_assert_eq(ukmem_device_unregister(isa), 0);
	ukmem_shutdown();
}

Test(dma, wrong_context_reported)
{
	static DEFINE_SPINLOCK(lock);
	dma_addr_t h, m;
	void *a, *k;

	boot_isa("mem=64M");
	k = kmalloc(64, GFP_ATOMIC);
	spin_lock(&lock);
	a = dma_alloc_coherent(dev, PAGE_SIZE, &h, GFP_ATOMIC); /* fine */
	m = dma_map_single(dev, k, 64, DMA_TO_DEVICE);		/* fine in any context */
	cr_assert_eq(dma_mapping_error(dev, m), 0);
	dma_unmap_single(dev, m, 64, DMA_TO_DEVICE);
	cr_assert_eq(ukmem_report_total(), 0);
	dma_free_coherent(dev, PAGE_SIZE, a, h);
	a = dma_alloc_coherent(dev, PAGE_SIZE, &h, GFP_KERNEL); /* may sleep: reported */
	spin_unlock(&lock);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	cr_assert_eq(ukmem_device_dma_read(NULL, h, k, 4), -EINVAL);
	cr_assert_eq(ukmem_device_dma_write(isa, h, NULL, 4), -EINVAL);
	cr_assert_eq(ukmem_device_raise_irq(NULL), -EINVAL);
	if (a)
		dma_free_coherent(dev, PAGE_SIZE, a, h);
	kfree(k);
	ukmem_shutdown();
}
