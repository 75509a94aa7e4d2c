// SPDX-License-Identifier: MIT
/*
 * report.c - the single report path: WARN/BUG/panic text in the kernel's
 * words, per-kind counters for tests, taint, stack dumps, panic_on_warn.
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"

static pthread_mutex_t report_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static unsigned long report_counts[UKMEM_REPORT_NR];
static unsigned long taint_mask;
static __thread int report_depth;

static const char taint_chars[] = "PFSRMBUDAWCIOELKXTNJ";

/* fork: another thread may have held the report lock at fork() time; the
 * child makes it anew. */
void report_fork_child(void)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&report_lock, &attr);
	pthread_mutexattr_destroy(&attr);
	report_depth = 0;
}

void add_taint(unsigned int flag)
{
	__atomic_fetch_or(&taint_mask, 1UL << flag, __ATOMIC_RELAXED);
}

void report_reset_taint(void)
{
	__atomic_store_n(&taint_mask, 0, __ATOMIC_RELAXED);
}

const char *print_tainted(void)
{
	static __thread char buf[64];
	unsigned long mask = __atomic_load_n(&taint_mask, __ATOMIC_RELAXED);
	size_t i;
	char *s;

	if (!mask)
		return "Not tainted";
	s = buf + snprintf(buf, sizeof(buf), "Tainted: ");
	for (i = 0; i < sizeof(taint_chars) - 1; i++) {
		char c = taint_chars[i];

		if (i == 0)
			*s++ = (mask & 1) ? 'P' : 'G';
		else
			*s++ = (mask & (1UL << i)) ? c : ' ';
	}
	*s = 0;
	return buf;
}

void report_start(enum ukmem_report_kind kind)
{
	pthread_mutex_lock(&report_lock);
	report_depth++;
	if (kind < UKMEM_REPORT_NR)
		__atomic_fetch_add(&report_counts[kind], 1, __ATOMIC_RELAXED);
}

void report_end(enum ukmem_report_kind kind)
{
	bool do_panic =
	    machine.panic_on_warn && kind != UKMEM_REPORT_ALLOC_FAIL && kind != UKMEM_REPORT_LEAK;

	report_depth--;
	pthread_mutex_unlock(&report_lock);
	if (do_panic && report_depth == 0)
		panic("panic_on_warn set ...\n");
}

void report_stack_skip(int skip)
{
	struct task_struct *t = &ukmem_task;
	void *frames[32];
	int n = plat_backtrace(frames, 32, 1 + skip), i;

	printk(KERN_WARNING "CPU: %d UID: 0 PID: %d Comm: %.20s %s 6.12.0-ukmem #1\n",
	       t->boot_gen ? t->cpu : 0, t->pid ? t->pid : plat_gettid(),
	       t->comm[0] ? t->comm : "ukmem", print_tainted());
	printk(KERN_WARNING "Hardware name: ukmem %s, BIOS ukmem\n",
	       machine.arch_name ? machine.arch_name : "x86_64");
	printk(KERN_WARNING "Call Trace:\n");
	printk(KERN_WARNING " <TASK>\n");
	for (i = 0; i < n; i++)
		printk(KERN_WARNING " %pS\n", frames[i]);
	printk(KERN_WARNING " </TASK>\n");
}

void report_stack(void)
{
	report_stack_skip(1);
}

__ukmem_export void dump_stack(void)
{
	report_stack_skip(1);
}

static void vreport_warn(enum ukmem_report_kind kind, const char *file, int line, void *caller,
			 const char *fmt, va_list ap)
{
	struct task_struct *t = &ukmem_task;
	const char *f = strstr(file, "/src/");

	report_start(kind);
	printk(KERN_WARNING "------------[ cut here ]------------\n");
	if (fmt)
		vprintk_level(LOGLEVEL_WARNING, fmt, ap);
	printk(KERN_WARNING "WARNING: CPU: %d PID: %d at %s:%d %pS\n", t->boot_gen ? t->cpu : 0,
	       t->pid ? t->pid : plat_gettid(), f ? f + 5 : file, line, caller);
	printk(KERN_WARNING "Modules linked in:\n");
	add_taint(TAINT_WARN);
	report_stack_skip(2);
	printk(KERN_WARNING "---[ end trace 0000000000000000 ]---\n");
	report_end(kind);
}

void report_warn(enum ukmem_report_kind kind, const char *file, int line, void *caller,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport_warn(kind, file, line, caller, fmt, ap);
	va_end(ap);
}

__ukmem_export void __ukmem_warn(const char *file, int line, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport_warn(UKMEM_REPORT_WARN, file, line, __builtin_return_address(0), fmt, ap);
	va_end(ap);
}

__ukmem_export void __ukmem_bug(const char *file, int line, const char *func)
{
	const char *f = strstr(file, "/src/");

	report_start(UKMEM_REPORT_BUG);
	printk(KERN_EMERG "------------[ cut here ]------------\n");
	printk(KERN_EMERG "kernel BUG at %s:%d!\n", f ? f + 5 : file, line);
	printk(KERN_EMERG "Oops: invalid opcode: 0000 [#1] PREEMPT SMP\n");
	report_stack();
	report_end(UKMEM_REPORT_BUG);
	panic("Fatal exception");
}

__ukmem_export void panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	ukmem_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	report_stack();
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", buf);
	plat_abort();
}

__ukmem_export unsigned long ukmem_report_count(enum ukmem_report_kind kind)
{
	if ((unsigned int)kind >= UKMEM_REPORT_NR)
		return 0;
	return __atomic_load_n(&report_counts[kind], __ATOMIC_RELAXED);
}

__ukmem_export unsigned long ukmem_report_total(void)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < UKMEM_REPORT_NR; i++)
		sum += ukmem_report_count(i);
	return sum;
}

__ukmem_export void ukmem_report_reset(void)
{
	int i;

	for (i = 0; i < UKMEM_REPORT_NR; i++)
		__atomic_store_n(&report_counts[i], 0, __ATOMIC_RELAXED);
}
