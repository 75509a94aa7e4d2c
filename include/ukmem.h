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
	UKMEM_REPORT_NR
};
/* ukmem_report_count - reports of @kind since boot (or the last reset); boot zeroes them. */
unsigned long ukmem_report_count(enum ukmem_report_kind kind);
/* ukmem_report_total - reports of every kind. */
unsigned long ukmem_report_total(void);
/* ukmem_report_reset - zero every report counter; rate-limited reports may print again at once. */
void ukmem_report_reset(void);

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
