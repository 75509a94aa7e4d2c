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
/*
 * Fault injection (docs/fault-injection.md). The attributes are "failslab"
 * and "fail_page_alloc", the knobs the kernel's debugfs files of the same
 * names: "probability" (0..100), "interval", "times" (-1: no limit),
 * "space", "verbose" (0..2), "verbose_ratelimit_interval_ms",
 * "verbose_ratelimit_burst", "task-filter" (0/1), "ignore-gfp-wait" (0/1);
 * failslab also "cache-filter" (0/1: only caches with SLAB_FAILSLAB, see
 * slub_debug=A), fail_page_alloc also "ignore-gfp-highmem" (0/1) and
 * "min-order". Slab allocations are checked only on a machine booted with
 * failslab= (their caches then take the full path).
 * Return: 0, -EINVAL (NULL name, value out of range), -ENOENT (no such
 * attribute or knob).
 */
int ukmem_fault_set(const char *attr, const char *knob, long value);
int ukmem_fault_get(const char *attr, const char *knob, long *value);
/* ukmem_fault_seed - restart both attributes' random streams from @seed (as fault_seed=). */
void ukmem_fault_seed(unsigned long long seed);
/* ukmem_fault_seed_get - the seed the streams started from at boot or the last ukmem_fault_seed(). */
unsigned long long ukmem_fault_seed_get(void);
/*
 * ukmem_fail_nth - make the calling thread's @nth fault-injection decision
 * from now fail, whatever the attributes say (/proc/self/task/<tid>/fail-nth).
 * 0 cancels. Return: 0, or -EINVAL for @nth above INT_MAX.
 */
int ukmem_fail_nth(unsigned int nth);
/* ukmem_fail_nth_pending - decisions left before the failure; 0 once it happened (or none set). */
unsigned int ukmem_fail_nth_pending(void);
/* ukmem_make_it_fail - mark the calling thread for the task filter (/proc/<pid>/make-it-fail). */
int ukmem_make_it_fail(int on);

/*
 * ukmem_fault_sweep - run @fn(@arg) again and again, each run in a child
 * process on a freshly booted machine (the parent's command line with
 * failslab armed, GFP_KERNEL allocations included), failing its 1st, 2nd,
 * 3rd ... allocation, until a run completes with no failure injected or
 * @max_steps runs were made. Each step records what happened in @steps[i]
 * (may be NULL) and one line in @log (may be NULL). A run that ends without
 * returning (a signal, or an exit such as a sanitizer's) is a crash.
 * Return: the number of steps made, or -EINVAL (NULL @fn, @max_steps 0),
 * or -errno when a child could not be started.
 */
struct ukmem_sweep_step {
	unsigned int nth;	  /* the decision made to fail in this step */
	int injected;		  /* 1: a failure was forced */
	int completed;		  /* 1: @fn returned */
	int ret;		  /* what @fn returned */
	int signal;		  /* the signal that ended the run, 0 if none */
	int exit_status;	  /* the child's exit status (a sanitizer's report: nonzero) */
	long leaked_objects;	  /* slab objects allocated by the run and not freed */
	long leaked_pages;	  /* pages outside slabs, page tables and per-CPU chunks */
	unsigned long reports;	  /* reports the run caused (ukmem_report_total) */
	char site[512];		  /* the failed allocation's stack: "fn < caller < ..." */
};
long ukmem_fault_sweep(int (*fn)(void *arg), void *arg, struct ukmem_sweep_step *steps,
		       unsigned int max_steps, FILE *log);

/*
 * Tracepoints (docs/tracing.md): the kernel's kmem and vmalloc trace events.
 * Events are named as in tracefs: "kmem:kmalloc", "kmem:kfree",
 * "kmem:kmem_cache_alloc", "kmem:kmem_cache_free", "kmem:mm_page_alloc",
 * "kmem:mm_page_free", "vmalloc:alloc_vmap_area",
 * "vmalloc:free_vmap_area_noflush"; a list is comma-separated and
 * "kmem:*", "kmem", "*:*" name groups, as trace_event= does. The slab
 * events (kmalloc ... kmem_cache_free) are seen only on a machine booted
 * with trace_event= naming one of them (the caches then take the full path).
 */
enum ukmem_trace_event {
	UKMEM_TRACE_KMALLOC,
	UKMEM_TRACE_KFREE,
	UKMEM_TRACE_KMEM_CACHE_ALLOC,
	UKMEM_TRACE_KMEM_CACHE_FREE,
	UKMEM_TRACE_MM_PAGE_ALLOC,
	UKMEM_TRACE_MM_PAGE_FREE,
	UKMEM_TRACE_ALLOC_VMAP_AREA,
	UKMEM_TRACE_FREE_VMAP_AREA_NOFLUSH,
	UKMEM_TRACE_NR
};
/* one event: the fields of its TP_STRUCT__entry, and the text ftrace prints for it */
struct ukmem_trace_record {
	enum ukmem_trace_event event;
	const char *system;	   /* "kmem" or "vmalloc" */
	const char *name;	   /* "kmalloc" ... */
	unsigned long long ts_ns;  /* since boot */
	int pid, cpu;
	unsigned long call_site;   /* kmalloc, kfree, kmem_cache_* */
	const void *ptr;	   /* kmalloc, kfree, kmem_cache_* */
	size_t bytes_req, bytes_alloc;
	unsigned int gfp_flags;	   /* also mm_page_alloc */
	int node, accounted;
	const char *cache;	   /* kmem_cache_free: the cache's name */
	const void *page;	   /* mm_page_*: struct page *, NULL for a failed allocation */
	unsigned long pfn;	   /* -1UL for a failed allocation */
	unsigned int order;
	int migratetype;
	unsigned long va_start, size, align, vstart, vend; /* vmalloc events */
	int failed;
	unsigned long nr_lazy, nr_lazy_max;
	const char *fields;	   /* "call_site=... ptr=..." as TP_printk formats them */
};
/*
 * ukmem_trace_enable - print @events (NULL or "": none) in ftrace's text
 * format, one line each, to the output: the FILE of ukmem_trace_output(),
 * else the file named by $UKMEM_TRACE_OUT, else stderr; with tp_printk on
 * the command line, the kernel log. Return: 0, or -EINVAL for an unknown
 * event (nothing changes then).
 */
int ukmem_trace_enable(const char *events);
/* ukmem_trace_output - lines go to @out from now (NULL: back to the default). */
void ukmem_trace_output(FILE *out);
/*
 * ukmem_trace_subscribe - call @fn(record, @arg) for each of @events, in the
 * context of the allocation itself (it must not allocate from ukmem).
 * Return: an id for ukmem_trace_unsubscribe() (>= 0), -EINVAL (NULL @fn,
 * unknown event), -ENOSPC (8 subscribers already).
 */
int ukmem_trace_subscribe(const char *events,
			  void (*fn)(const struct ukmem_trace_record *rec, void *arg), void *arg);
/* ukmem_trace_unsubscribe - once it returns, @id's function is not running nor called again. */
int ukmem_trace_unsubscribe(int id);
/*
 * Leaks (docs/leaks.md). Each walks every allocator's live allocations:
 * slab objects, kmalloc, page blocks, vmalloc areas, per-CPU areas, with
 * their owners where tracking is on (slub_debug=U, page_owner=on,
 * kmemleak=on; vmalloc areas always name their caller). Exact while no
 * other thread allocates or frees meanwhile.
 * Context: process context that may sleep (else -EPERM after the
 * "sleeping function called from invalid context" report).
 */
/* ukmem_leak_report - list everything still allocated to @out (NULL: the log).
 * Return: the number of allocations, or -errno. */
long ukmem_leak_report(FILE *out);
/* ukmem_leak_mark - remember what is allocated now. Return: a token (nonzero),
 * 0 when every one of the 16 marks is in use (reported) or memory ran out. */
unsigned long ukmem_leak_mark(void);
/* ukmem_leak_check - list to @out each allocation made since
 * @mark that is still live (NULL: the log). Return: their number (0: none), -EINVAL
 * for a token that is no live mark, -ESTALE for a mark of an earlier boot. */
long ukmem_leak_check(unsigned long mark, FILE *out);
/* ukmem_leak_unmark - release @mark. Return: 0, -EINVAL (reported) for no live mark. */
int ukmem_leak_unmark(unsigned long mark);

#ifdef __cplusplus
}
#endif
#endif
