/* SPDX-License-Identifier: MIT */
/*
 * ukmem.h - the native API of ukmem: boot and tear down the simulated machine,
 * read its /proc files and kernel log, and place the calling thread on a CPU.
 *
 * The kernel API itself lives in the <linux/...> headers beside this one.
 */
#ifndef _UKMEM_H
#define _UKMEM_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ukmem_boot - boot the simulated machine with a kernel-style command line,
 * e.g. "mem=2G machine=i386 nr_cpus=4 slub_debug=FZPU". NULL or "" boots
 * the defaults. Return: 0, -EINVAL for an unknown or malformed parameter
 * (a log line names it), -EBUSY when already booted, -ENOMEM when the host
 * cannot provide the memory.
 */
int ukmem_boot(const char *cmdline);

/* ukmem_booted - nonzero while a machine is up. */
int ukmem_booted(void);

/*
 * ukmem_shutdown - report what is still allocated and tear the machine down.
 * ukmem_boot() may be called again afterwards. The log survives shutdown.
 * Other threads inside the allocator are waited for; calls arriving
 * meanwhile wait and then fail (NULL). A thread that stays inside (or in
 * atomic context) for over a second makes it refuse with a WARNING, and the
 * machine stays up (docs/cpu-model.md "Shutdown").
 */
void ukmem_shutdown(void);

/* ukmem_proc_show - the text of /proc/<name>. Return: 0, or -ENOENT. */
int ukmem_proc_show(const char *name, FILE *out);

/* ukmem_dmesg - the kernel log as dmesg prints it. Return: 0. */
int ukmem_dmesg(FILE *out);
/* ukmem_dmesg_clear - empty the log (like dmesg -C). */
void ukmem_dmesg_clear(void);
/* ukmem_dmesg_contains - nonzero when a log line contains @needle (for tests). */
int ukmem_dmesg_contains(const char *needle);
/* ukmem_dmesg_count - number of occurrences of @needle in the log. */
unsigned long ukmem_dmesg_count(const char *needle);

/*
 * ukmem_set_cpu - move the calling thread to virtual CPU @cpu and pin it there
 * (like sched_setaffinity to a single CPU). Return: 0, -EINVAL for a CPU that
 * does not exist, -EBUSY when called with preemption disabled.
 */
int ukmem_set_cpu(int cpu);
/* ukmem_nr_cpus - number of virtual CPUs of the running machine. */
int ukmem_nr_cpus(void);

/*
 * ukmem_raise_irq - raise interrupt line @irq, as a device would: the
 * line's handlers (request_irq()) run in hardirq context on the line's CPU,
 * then the softirqs raised meanwhile. A preemptible caller runs them itself
 * before returning (moved to that CPU for the delivery); from atomic
 * context the interrupt is delivered by the machine's interrupt controller
 * thread as soon as the CPU can take it (docs/contexts.md). Return: 0,
 * -EINVAL for a line that does not exist (>= NR_IRQS), -ENOENT when no
 * handler is requested on it (logged as the kernel's "No irq handler").
 */
int ukmem_raise_irq(unsigned int irq);
/* ukmem_irq_set_cpu - the CPU @irq's handlers run on (default 0). Return: 0 or -EINVAL. */
int ukmem_irq_set_cpu(unsigned int irq, int cpu);

/* Report kinds: every detected problem is counted under one of these. */
enum ukmem_report_kind {
	UKMEM_REPORT_WARN,	      /* WARNING: ... (WARN, WARN_ON) */
	UKMEM_REPORT_BUG,	      /* BUG: ... that does not stop */
	UKMEM_REPORT_BAD_PAGE,	      /* BUG: Bad page state */
	UKMEM_REPORT_SLEEP_IN_ATOMIC, /* BUG: sleeping function called from invalid context */
	UKMEM_REPORT_ALLOC_FAIL,      /* page allocation failure */
	UKMEM_REPORT_OOM,	      /* Out of memory */
	UKMEM_REPORT_SLAB,	      /* slab debugging and misuse reports */
	UKMEM_REPORT_VMALLOC,	      /* vmalloc misuse and failures */
	UKMEM_REPORT_PERCPU,	      /* per-CPU allocator misuse */
	UKMEM_REPORT_PREEMPT,	      /* BUG: using ...() in preemptible code, unbalanced preempt */
	UKMEM_REPORT_KMAP,	      /* kmap misuse */
	UKMEM_REPORT_LEAK,	      /* leaks found at shutdown */
	UKMEM_REPORT_IOMEM,	      /* ioremap, MMIO accessor and resource misuse */
	UKMEM_REPORT_DMA,	      /* DMA-API misuse and device DMA faults */
	UKMEM_REPORT_NR
};
/* ukmem_report_count - reports of @kind since boot (or the last reset); boot zeroes them. */
unsigned long ukmem_report_count(enum ukmem_report_kind kind);
/* ukmem_report_total - reports of every kind. */
unsigned long ukmem_report_total(void);
/* ukmem_report_reset - zero every report counter; rate-limited reports may print again at once. */
void ukmem_report_reset(void);

/*
 * Simulated devices (docs/drivers.md): a piece of hardware with an MMIO
 * window in the physical address space outside System RAM, register
 * handlers that the MMIO accessors (readl, writel ...) call, an IRQ line,
 * and a DMA engine that reads and writes simulated RAM by bus address and
 * faults beyond its DMA mask. A device belongs to one boot: shutdown
 * unregisters what is left.
 */
struct ukmem_device;
struct device;

struct ukmem_device_ops {
	/*
	 * read/write - a register access of @width bytes (1, 2, 4 or 8, naturally
	 * aligned) at @offset into the window. Either may be NULL: the access then
	 * goes to the device's register file (ukmem_device_regs()), plain memory.
	 * Called in the context of the CPU doing the access (any context); the
	 * handler must not sleep.
	 */
	uint64_t (*read)(struct ukmem_device *udev, unsigned long offset, unsigned int width);
	void (*write)(struct ukmem_device *udev, unsigned long offset, uint64_t val,
		      unsigned int width);
};

struct ukmem_device_info {
	const char *name;   /* dev_name() of its struct device, and /proc/iomem */
	uint64_t mmio_base; /* physical address of the window; 0: the machine picks */
	size_t mmio_size;   /* bytes of the window */
	unsigned int irq;   /* its interrupt line (0: none) */
	uint64_t dma_mask;  /* what its DMA engine can address; 0: 32 bits */
	const struct ukmem_device_ops *ops;
	void *priv; /* for the handlers: ukmem_device_priv() */
};

/*
 * ukmem_device_register - plug a device in: its window joins /proc/iomem (not
 * busy, so the driver's request_mem_region() nests in it). Return: the
 * device, or NULL (log line: a window overlapping RAM or another device, a
 * zero size, no name).
 */
struct ukmem_device *ukmem_device_register(const struct ukmem_device_info *info);
/*
 * ukmem_device_unregister - unplug it. Return: 0; -EBUSY with a WARNING while
 * its window is ioremapped or claimed, or it holds DMA mappings.
 */
int ukmem_device_unregister(struct ukmem_device *udev);
/* the struct device a driver binds to (dma_mask, dev_err ...) */
struct device *ukmem_device_dev(struct ukmem_device *udev);
/* the simulated device behind a struct device, or NULL */
struct ukmem_device *ukmem_device_from_dev(struct device *dev);
uint64_t ukmem_device_mmio_base(const struct ukmem_device *udev);
size_t ukmem_device_mmio_size(const struct ukmem_device *udev);
unsigned int ukmem_device_irq(const struct ukmem_device *udev);
void *ukmem_device_priv(const struct ukmem_device *udev);
/* the register file (mmio_size bytes of host memory) that handler-less accesses use */
void *ukmem_device_regs(struct ukmem_device *udev);
/*
 * ukmem_device_dma_read/_write - the device's DMA engine: copy @len bytes
 * between RAM at bus address @bus and @buf. An address range beyond the
 * device's DMA mask, or not in System RAM, is a device fault: reported in
 * the log, nothing copied. Return: 0, or -EFAULT.
 */
int ukmem_device_dma_read(struct ukmem_device *udev, uint64_t bus, void *buf, size_t len);
int ukmem_device_dma_write(struct ukmem_device *udev, uint64_t bus, const void *buf, size_t len);
/* ukmem_device_raise_irq - assert the device's line (ukmem_raise_irq(irq)). */
int ukmem_device_raise_irq(struct ukmem_device *udev);
/* ukmem_device_mmio_reads/_writes - handler calls so far (for tests) */
unsigned long ukmem_device_mmio_reads(const struct ukmem_device *udev);
unsigned long ukmem_device_mmio_writes(const struct ukmem_device *udev);
/* ukmem_swiotlb_bounced - mappings that were bounced since boot */
unsigned long ukmem_swiotlb_bounced(void);

#ifdef __cplusplus
}
#endif
#endif
