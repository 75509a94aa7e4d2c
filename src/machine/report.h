/* SPDX-License-Identifier: MIT */
/*
 * report.h (internal) - the one report path. Every detected problem is
 * printed between report_start() and report_end(): start serialises whole
 * reports (lines of two reports never interleave) and counts the kind; end
 * applies panic_on_warn. Text goes through printk, so to the log and stderr.
 */
#ifndef UKMEM_MACHINE_REPORT_H
#define UKMEM_MACHINE_REPORT_H

#include <ukmem.h>
#include <linux/printk.h>

#include "machine/machine.h"

/* taint flags set by reports (the kernel's TAINT_BAD_PAGE, TAINT_WARN) */
#define TAINT_BAD_PAGE 5
#define TAINT_WARN     9

/*
 * report_start/report_end bracket one report; the counters, taint and lock
 * debugging start anew at each boot (report_boot_reset).
 */
void report_start(enum ukmem_report_kind kind);
void report_end(enum ukmem_report_kind kind);
/*
 * add_taint - the kernel's add_taint(): TAINT_WARN keeps lock debugging on
 * (LOCKDEP_STILL_OK); any other flag turns it off (LOCKDEP_NOW_UNRELIABLE),
 * printing "Disabling lock debugging due to kernel taint" the first time.
 * Call it after the report's text, as the kernel does.
 */
void add_taint(unsigned int flag);
/* print_tainted - "Not tainted" or "Tainted: G    B    W" (19 columns, Linux 6.12) */
const char *print_tainted(void);
/* print_tainted_verbose - "Tainted: [B]=BAD_PAGE, [W]=WARN" */
const char *print_tainted_verbose(void);
/*
 * debug_locks_off - turn lock debugging off. Return: true for the call that
 * turned it off; the kernel's DEBUG_LOCKS_WARN_ON and spinlock BUGs print
 * only then (so once per boot, and never after a taint that disabled it).
 */
bool debug_locks_off(void);
/* report_boot_reset - counters, taint and lock debugging as at power-on */
void report_boot_reset(void);

/* the kernel's "prev_jiffy + HZ" rate limit: one report a second per site */
struct report_hz {
	u64 prev_ns;
	unsigned long epoch;
};
/* report_ratelimit_hz - may the site of @rl report now? Also true first after boot or a reset. */
bool report_ratelimit_hz(struct report_hz *rl);
/* where the running task last left preemptible context (sched.c, spinlock.c) */
extern __thread void *preempt_disable_ip __attribute__((tls_model("initial-exec")));
/* report_file - __FILE__ as the kernel names sources: "mm/slub.c" */
const char *report_file(const char *file);
/* report_stack - the "CPU: ... Comm: ..." header and the host call trace. */
void report_stack(void);
/* report_stack_skip - the same, skipping @skip more frames of the trace. */
void report_stack_skip(int skip);
/*
 * report_warn - the kernel's WARNING block with "at file:line func+off/size"
 * and a stack. The function named is the one holding the report_warn()
 * (the code that warned, as the kernel names the function holding the
 * WARN: _THIS_IP_, so a tail call cannot hide it); @caller is evaluated
 * but no longer printed.
 */
#ifndef _THIS_IP_
#define _THIS_IP_                                                                                  \
	({                                                                                         \
		__label__ __here;                                                                  \
	__here:                                                                                    \
		(unsigned long)&&__here;                                                           \
	})
#endif
void __report_warn(enum ukmem_report_kind kind, const char *file, int line, void *where,
		   const char *fmt, ...) __printf(5, 6);
#define report_warn(kind, file, line, caller, ...)                                                 \
	((void)(caller), __report_warn(kind, file, line, (void *)_THIS_IP_, __VA_ARGS__))
void report_reset_taint(void);

#endif
