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
#define TAINT_BAD_PAGE	5
#define TAINT_WARN	9

void report_start(enum ukmem_report_kind kind);
void report_end(enum ukmem_report_kind kind);
void add_taint(unsigned int flag);
/* print_tainted - "Not tainted" or "Tainted: G    B    W ..." as the kernel prints it */
const char *print_tainted(void);
/* report_stack - the "CPU: ... Comm: ..." header and the host call trace. */
void report_stack(void);
/* report_stack_skip - the same, skipping @skip more frames of the trace. */
void report_stack_skip(int skip);
/* report_warn - the kernel's WARNING block with "at file:line func" and a stack. */
void report_warn(enum ukmem_report_kind kind, const char *file, int line,
		 void *caller, const char *fmt, ...) __printf(5, 6);
void report_reset_taint(void);

#endif
