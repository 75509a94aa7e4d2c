// SPDX-License-Identifier: MIT
/*
 * nic_driver.c - a NIC-like driver over a simulated device, end to end:
 * probe claims and ioremaps the registers, allocates a descriptor ring with
 * dma_alloc_coherent() and receive buffers from a kmem_cache mapped with
 * dma_map_single(); the device DMAs packets into them and raises its IRQ; the
 * handler takes the filled buffers (GFP_ATOMIC) and defers to a tasklet, which
 * hands them to a work item that allocates with GFP_KERNEL and vmalloc.
 *
 * The device is ISA-style: its DMA engine reaches only the first 16 MiB. A
 * correct driver says so with dma_set_mask_and_coherent(DMA_BIT_MASK(24)):
 * the ring comes from ZONE_DMA and buffers above 16 MiB are bounced.
 *
 *   nic_driver            run it correctly, print iomem/vmallocinfo/slabinfo/meminfo
 *   nic_driver --bugs     the planted bugs: GFP_KERNEL in the IRQ handler, and no
 *                         DMA mask (buffers beyond the device's reach, not bounced)
 *
 * Built into `ukmem demo` too (NIC_NO_MAIN), as its "driver" section.
 */
#include <ukmem.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <stdio.h>
#include <string.h>

#define NIC_IRQ			  11
#define NIC_RING		  16
#define NIC_BUF			  2048
#define REG_RING_DMA		  0x00 /* u64: bus address of the ring */
#define REG_RING_SIZE		  0x08 /* u32: descriptors */
#define REG_HEAD		  0x0c /* u32: next descriptor the device fills */
#define DESC_DONE		  1u
#define NIC_BUG_GFP_KERNEL_IN_IRQ 1u /* kmalloc(GFP_KERNEL) in the handler */
#define NIC_BUG_NO_DMA_MASK	  2u /* streaming mask left at 32 bits: no bounce */

struct nic_desc {
	u64 addr; /* bus address of the buffer */
	u32 len;
	u32 flags;
};

struct nic_pkt {
	struct nic_pkt *next;
	void *buf;
	u32 len;
};

struct nic {
	struct device *dev;
	struct ukmem_device *udev;
	void __iomem *regs;
	struct nic_desc *ring;
	dma_addr_t ring_dma;
	void *bufs[NIC_RING];
	dma_addr_t buf_dma[NIC_RING];
	unsigned int tail;
	struct kmem_cache *buf_cache;
	spinlock_t lock;
	struct nic_pkt *rx;   /* from the handler to the tasklet */
	struct nic_pkt *todo; /* from the tasklet to the work item */
	struct tasklet_struct tasklet;
	struct work_struct work;
	char *log; /* the work item's vmalloc'd packet log */
	size_t log_len;
	unsigned long packets, bytes;
	unsigned int bugs; /* NIC_BUG_* planted */
};

static struct nic nic;

/* ---- the device side: what the hardware does when a packet arrives ---- */

static int nic_wire_receive(struct ukmem_device *udev, const void *data, u32 len)
{
	u32 *regs = ukmem_device_regs(udev);
	u64 ring_dma;
	u32 head = __atomic_load_n(&regs[REG_HEAD / 4], __ATOMIC_ACQUIRE);
	struct nic_desc d;

	memcpy(&ring_dma, (char *)regs + REG_RING_DMA, sizeof(ring_dma));
	if (ukmem_device_dma_read(udev, ring_dma + head * sizeof(d), &d, sizeof(d)))
		return -1;
	if (d.flags & DESC_DONE)
		return -1; /* ring full: the driver is behind */
	if (ukmem_device_dma_write(udev, d.addr, data, len))
		return -1; /* the engine cannot reach the buffer: a device fault */
	d.len = len;
	d.flags = DESC_DONE;
	if (ukmem_device_dma_write(udev, ring_dma + head * sizeof(d), &d, sizeof(d)))
		return -1;
	__atomic_store_n(&regs[REG_HEAD / 4], (head + 1) % NIC_RING, __ATOMIC_RELEASE);
	return ukmem_device_raise_irq(udev);
}

/* ---- the driver ---- */

static int nic_map_buf(struct nic *n, unsigned int i, gfp_t gfp)
{
	n->bufs[i] = kmem_cache_alloc(n->buf_cache, gfp);
	if (!n->bufs[i])
		return -ENOMEM;
	n->buf_dma[i] = dma_map_single(n->dev, n->bufs[i], NIC_BUF, DMA_FROM_DEVICE);
	if (dma_mapping_error(n->dev, n->buf_dma[i])) {
		kmem_cache_free(n->buf_cache, n->bufs[i]);
		n->bufs[i] = NULL;
		return -ENOMEM;
	}
	n->ring[i].addr = n->buf_dma[i];
	n->ring[i].len = 0;
	n->ring[i].flags = 0;
	return 0;
}

static irqreturn_t nic_interrupt(int irq, void *dev_id)
{
	struct nic *n = dev_id;
	u32 head = readl(n->regs + REG_HEAD);
	bool any = false;

	while (n->tail != head && (n->ring[n->tail].flags & DESC_DONE)) {
		unsigned int i = n->tail;
		/* the planted bug: a sleeping allocation in hardirq context */
		struct nic_pkt *p = kmalloc(
		    sizeof(*p), (n->bugs & NIC_BUG_GFP_KERNEL_IN_IRQ) ? GFP_KERNEL : GFP_ATOMIC);

		dma_unmap_single(n->dev, n->buf_dma[i], NIC_BUF, DMA_FROM_DEVICE);
		if (p) {
			p->buf = n->bufs[i];
			p->len = n->ring[i].len;
			spin_lock(&n->lock);
			p->next = n->rx;
			n->rx = p;
			spin_unlock(&n->lock);
		} else {
			kmem_cache_free(n->buf_cache, n->bufs[i]); /* dropped */
		}
		nic_map_buf(n, i, GFP_ATOMIC);
		n->tail = (n->tail + 1) % NIC_RING;
		any = true;
	}
	if (!any)
		return IRQ_NONE;
	tasklet_schedule(&n->tasklet);
	return IRQ_HANDLED;
}

static void nic_tasklet(struct tasklet_struct *t)
{
	struct nic *n = from_tasklet(n, t, tasklet);
	struct nic_pkt *p;

	spin_lock(&n->lock);
	while ((p = n->rx)) {
		n->rx = p->next;
		p->next = n->todo;
		n->todo = p;
	}
	spin_unlock(&n->lock);
	schedule_work(&n->work);
}

static void nic_work(struct work_struct *w)
{
	struct nic *n = container_of(w, struct nic, work);
	struct nic_pkt *p;

	if (!n->log)
		n->log = vmalloc(64 * 1024); /* process context: may sleep */
	for (;;) {
		spin_lock_bh(&n->lock);
		p = n->todo;
		if (p)
			n->todo = p->next;
		spin_unlock_bh(&n->lock);
		if (!p)
			break;
		char *copy = kmemdup(p->buf, p->len, GFP_KERNEL);

		if (copy && n->log && n->log_len + p->len <= 64 * 1024) {
			memcpy(n->log + n->log_len, copy, p->len);
			n->log_len += p->len;
		}
		n->packets++;
		n->bytes += p->len;
		kfree(copy);
		kmem_cache_free(n->buf_cache, p->buf);
		kfree(p);
	}
}

static int nic_probe(struct nic *n, struct ukmem_device *udev, unsigned int bugs)
{
	u64 base = ukmem_device_mmio_base(udev);
	size_t size = ukmem_device_mmio_size(udev);
	unsigned int i;

	memset(n, 0, sizeof(*n));
	n->udev = udev;
	n->dev = ukmem_device_dev(udev);
	n->bugs = bugs;
	spin_lock_init(&n->lock);
	if (!request_mem_region(base, size, "nic_driver"))
		return -EBUSY;
	n->regs = ioremap(base, size);
	if (!n->regs)
		goto release;
	/*
	 * The second planted bug forgets the streaming mask: it stays at the
	 * 32-bit default, so buffers above 16 MiB are not bounced and the
	 * device's engine faults on them (the ring, coherent, is still right).
	 */
	if (bugs & NIC_BUG_NO_DMA_MASK) {
		if (dma_set_coherent_mask(n->dev, DMA_BIT_MASK(24)))
			goto unmap;
	} else if (dma_set_mask_and_coherent(n->dev, DMA_BIT_MASK(24))) {
		goto unmap;
	}
	n->ring = dma_alloc_coherent(n->dev, NIC_RING * sizeof(*n->ring), &n->ring_dma, GFP_KERNEL);
	if (!n->ring)
		goto unmap;
	n->buf_cache = kmem_cache_create("nic_buf", NIC_BUF, 0, 0, NULL);
	if (!n->buf_cache)
		goto free_ring;
	for (i = 0; i < NIC_RING; i++)
		if (nic_map_buf(n, i, GFP_KERNEL))
			goto free_bufs;
	tasklet_setup(&n->tasklet, nic_tasklet);
	INIT_WORK(&n->work, nic_work);
	writeq(n->ring_dma, n->regs + REG_RING_DMA);
	writel(NIC_RING, n->regs + REG_RING_SIZE);
	writel(0, n->regs + REG_HEAD);
	if (request_irq(ukmem_device_irq(udev), nic_interrupt, 0, "nic_driver", n))
		goto free_bufs;
	dev_info(n->dev, "ring of %d at bus %#llx, mask %#llx\n", NIC_RING,
		 (unsigned long long)n->ring_dma, (unsigned long long)*n->dev->dma_mask);
	return 0;
free_bufs:
	for (i = 0; i < NIC_RING; i++)
		if (n->bufs[i]) {
			dma_unmap_single(n->dev, n->buf_dma[i], NIC_BUF, DMA_FROM_DEVICE);
			kmem_cache_free(n->buf_cache, n->bufs[i]);
		}
	kmem_cache_destroy(n->buf_cache);
free_ring:
	dma_free_coherent(n->dev, NIC_RING * sizeof(*n->ring), n->ring, n->ring_dma);
unmap:
	iounmap(n->regs);
release:
	release_mem_region(base, size);
	return -ENODEV;
}

static void nic_remove(struct nic *n)
{
	unsigned int i;

	free_irq(ukmem_device_irq(n->udev), n);
	tasklet_kill(&n->tasklet);
	flush_work(&n->work);
	cancel_work_sync(&n->work);
	for (i = 0; i < NIC_RING; i++)
		if (n->bufs[i]) {
			dma_unmap_single(n->dev, n->buf_dma[i], NIC_BUF, DMA_FROM_DEVICE);
			kmem_cache_free(n->buf_cache, n->bufs[i]);
		}
	kmem_cache_destroy(n->buf_cache);
	dma_free_coherent(n->dev, NIC_RING * sizeof(*n->ring), n->ring, n->ring_dma);
	iounmap(n->regs);
	release_mem_region(ukmem_device_mmio_base(n->udev), ukmem_device_mmio_size(n->udev));
	vfree(n->log);
}

/*
 * nic_demo - boot, plug the device in, probe, receive @npkts packets,
 * show the machine, remove. Return: packets the driver delivered.
 */
unsigned long nic_demo(unsigned int bugs, int npkts, FILE *out);
unsigned long nic_demo(unsigned int bugs, int npkts, FILE *out)
{
	struct ukmem_device_info info = {
	    .name = "nic0",
	    .mmio_size = 0x1000,
	    .irq = NIC_IRQ,
	    .dma_mask = DMA_BIT_MASK(24), /* ISA-style: the first 16 MiB */
	};
	struct ukmem_device *udev = ukmem_device_register(&info);
	unsigned long delivered;
	char pkt[256];
	int i;

	if (!udev || nic_probe(&nic, udev, bugs)) {
		if (out)
			fprintf(out, "nic_driver: probe failed\n");
		return 0;
	}
	for (i = 0; i < npkts; i++) {
		memset(pkt, 'a' + i % 26, sizeof(pkt));
		if (nic_wire_receive(udev, pkt, (u32)(64 + i % 4 * 64)) && out)
			fprintf(out, "nic0: packet %d not received (see the log)\n", i);
		flush_work(&nic.work);
	}
	if (out)
		fprintf(out, "nic_driver: %lu packets, %lu bytes delivered; %lu mappings bounced\n",
			nic.packets, nic.bytes, ukmem_swiotlb_bounced());
	if (out && !bugs) {
		static const char *const files[] = {"iomem", "vmallocinfo", "slabinfo", "meminfo"};

		for (i = 0; i < 4; i++) {
			fprintf(out, "---- /proc/%s ----\n", files[i]);
			ukmem_proc_show(files[i], out);
		}
	}
	delivered = nic.packets;
	nic_remove(&nic);
	ukmem_device_unregister(udev);
	return delivered;
}

#ifndef NIC_NO_MAIN
int main(int argc, char **argv)
{
	bool bugs = argc > 1 && !strcmp(argv[1], "--bugs");
	unsigned long n;

	if (ukmem_boot("mem=64M nr_cpus=2 quiet"))
		return 1;
	if (!bugs) {
		n = nic_demo(0, 8, stdout);
		printf("reports: %lu\n", ukmem_report_total());
		ukmem_shutdown();
		/* a correct run delivers every packet with no report */
		return n == 8 && !ukmem_report_total() ? 0 : 1;
	}
	nic_demo(NIC_BUG_GFP_KERNEL_IN_IRQ, 4, stdout);
	nic_demo(NIC_BUG_NO_DMA_MASK, 4, stdout);
	printf("reports: %lu (sleeping function in the IRQ handler: %s, DMA fault: %s)\n",
	       ukmem_report_total(),
	       ukmem_dmesg_contains("BUG: sleeping function called from invalid context") ? "yes"
											  : "no",
	       ukmem_dmesg_contains("DMA fault") ? "yes" : "no");
	ukmem_shutdown();
	return 0;
}
#endif
