// SPDX-License-Identifier: MIT
/*
 * report.c - the single report path: WARN/BUG/panic text in the kernel's
 * words, per-kind counters for tests, taint (kernel/panic.c), lock
 * debugging's off switch, rate limits, stack dumps (lib/dump_stack.c),
 * panic_on_warn.
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
static int debug_locks = 1;
static unsigned long report_epoch; /* bumped by boot and ukmem_report_reset() */
static __thread int report_depth;

/*
 * The taint flags of Linux 6.12 in bit order: the letter when set (when
 * clear: ' ', or 'G' for P) and the name print_tainted_verbose() shows.
 */
static const struct {
	char c_true;
	const char *desc;
} taint_flags[] = {
    {'P', "PROPRIETARY_MODULE"},
    {'F', "FORCED_MODULE"},
    {'S', "CPU_OUT_OF_SPEC"},
    {'R', "FORCED_RMMOD"},
    {'M', "MACHINE_CHECK"},
    {'B', "BAD_PAGE"},
    {'U', "USER"},
    {'D', "DIE"},
    {'A', "OVERRIDDEN_ACPI_TABLE"},
    {'W', "WARN"},
    {'C', "CRAP"},
    {'I', "FIRMWARE_WORKAROUND"},
    {'O', "OOT_MODULE"},
    {'E', "UNSIGNED_MODULE"},
    {'L', "SOFTLOCKUP"},
    {'K', "LIVEPATCH"},
    {'X', "AUX"},
    {'T', "RANDSTRUCT"},
    {'N', "TEST"},
};
#define TAINT_FLAGS_COUNT (int)(sizeof(taint_flags) / sizeof(taint_flags[0]))

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
	plat_fork_child();
}

bool debug_locks_off(void)
{
	return __atomic_exchange_n(&debug_locks, 0, __ATOMIC_RELAXED) != 0;
}

void add_taint(unsigned int flag)
{
	/*
	 * The kernel passes LOCKDEP_STILL_OK with TAINT_WARN and
	 * LOCKDEP_NOW_UNRELIABLE with the taints ukmem sets otherwise (bad
	 * page): the first of those turns lock debugging off, once.
	 */
	if (flag != TAINT_WARN && debug_locks_off())
		printk(KERN_WARNING "Disabling lock debugging due to kernel taint\n");
	__atomic_fetch_or(&taint_mask, 1UL << flag, __ATOMIC_RELAXED);
}

void report_reset_taint(void)
{
	__atomic_store_n(&taint_mask, 0, __ATOMIC_RELAXED);
}

/* report_boot_reset - a new machine: counters, taint and lock debugging as at power-on */
void report_boot_reset(void)
{
	ukmem_report_reset();
	report_reset_taint();
	__atomic_store_n(&debug_locks, 1, __ATOMIC_RELAXED);
}

static const char *tainted_text(bool verbose)
{
	static __thread char buf[TAINT_FLAGS_COUNT * 32 + 16];
	unsigned long mask = __atomic_load_n(&taint_mask, __ATOMIC_RELAXED);
	const char *sep = "";
	size_t at;
	int i;

	if (!mask)
		return "Not tainted";
	at = (size_t)snprintf(buf, sizeof(buf), "Tainted: ");
	for (i = 0; i < TAINT_FLAGS_COUNT && at < sizeof(buf) - 1; i++) {
		bool set = mask & (1UL << i);

		if (verbose) {
			if (set)
				at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s[%c]=%s", sep,
						       taint_flags[i].c_true, taint_flags[i].desc);
			if (set)
				sep = ", ";
		} else {
			buf[at++] = set ? taint_flags[i].c_true : i == 0 ? 'G' : ' ';
			buf[at] = 0;
		}
	}
	return buf;
}

const char *print_tainted(void)
{
	return tainted_text(false);
}

const char *print_tainted_verbose(void)
{
	return tainted_text(true);
}

bool report_ratelimit_hz(struct report_hz *rl)
{
	unsigned long epoch = __atomic_load_n(&report_epoch, __ATOMIC_RELAXED);
	u64 now = plat_clock_ns() | 1, prev = __atomic_load_n(&rl->prev_ns, __ATOMIC_RELAXED);

	if (__atomic_load_n(&rl->epoch, __ATOMIC_RELAXED) == epoch && prev &&
	    now - prev < 1000000000ull)
		return false;
	/* of racing reporters, the one that moves prev_ns reports */
	if (!__atomic_compare_exchange_n(&rl->prev_ns, &prev, now, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&rl->epoch, epoch, __ATOMIC_RELAXED);
	return true;
}

const char *report_file(const char *file)
{
	/*
	 * -fmacro-prefix-map makes __FILE__ relative to the source tree
	 * ("mm/slub.c", "include/linux/slab.h"), as the kernel's own names
	 * are; a compiler without it leaves the absolute path, and the
	 * tree's root (known at build time) is taken off here instead.
	 */
#ifdef UKMEM_SRC_ROOT
	size_t n = sizeof(UKMEM_SRC_ROOT) - 1;

	if (!strncmp(file, UKMEM_SRC_ROOT, n)) {
		file += n;
		if (!strncmp(file, "src/", 4))
			file += 4;
	}
#endif
	return file;
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

	/* lib/dump_stack.c: dump_stack_print_info(), then the trace */
	printk(KERN_WARNING "CPU: %d UID: 0 PID: %d Comm: %.20s %s 6.12.0-ukmem #1\n",
	       t->boot_gen ? t->cpu : 0, t->pid ? t->pid : plat_gettid(),
	       t->comm[0] ? t->comm : "ukmem", print_tainted());
	if (__atomic_load_n(&taint_mask, __ATOMIC_RELAXED))
		printk(KERN_WARNING "%s\n", print_tainted_verbose());
	printk(KERN_WARNING "Hardware name: ukmem %s, BIOS ukmem\n",
	       machine.arch_name ? machine.arch_name : "x86_64");
	printk(KERN_WARNING "Call Trace:\n");
	printk(KERN_WARNING " <TASK>\n");
	for (i = 0; i < n; i++)
		printk(KERN_WARNING " %pBb\n", frames[i]);
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

/*
 * vreport_warn - kernel/panic.c __warn(): the WARNING line names the file,
 * line and the function at @where (the code that warned), then the stack;
 * the taint is added after the report, so the first one says "Not tainted".
 */
static void vreport_warn(enum ukmem_report_kind kind, const char *file, int line, void *where,
			 const char *fmt, va_list ap)
{
	struct task_struct *t = &ukmem_task;

	report_start(kind);
	printk(KERN_WARNING "------------[ cut here ]------------\n");
	if (fmt)
		vprintk_level(LOGLEVEL_WARNING, fmt, ap);
	printk(KERN_WARNING "WARNING: CPU: %d PID: %d at %s:%d %pS\n", t->boot_gen ? t->cpu : 0,
	       t->pid ? t->pid : plat_gettid(), report_file(file), line, where);
	printk(KERN_WARNING "Modules linked in:\n");
	report_stack_skip(2);
	printk(KERN_WARNING "---[ end trace 0000000000000000 ]---\n");
	add_taint(TAINT_WARN);
	report_end(kind);
}

/*
 * warn_site - the address the WARNING line shows: @where (_THIS_IP_, which
 * the compiler may place anywhere in the function), or better the return
 * address of the report call @ret when it lies in that same function (it
 * does unless the call was a tail call).
 */
static void *warn_site(void *where, void *ret)
{
	return plat_same_function(where, ret) ? ret : where;
}

noinline void __report_warn(enum ukmem_report_kind kind, const char *file, int line, void *where,
			    const char *fmt, ...)
{
	va_list ap;

	where = warn_site(where, __builtin_return_address(0));
	va_start(ap, fmt);
	vreport_warn(kind, file, line, where, fmt, ap);
	va_end(ap);
}

noinline __ukmem_export void __ukmem_warn_at(const char *file, int line, void *where,
					     const char *fmt, ...)
{
	va_list ap;

	where = warn_site(where, __builtin_return_address(0));
	va_start(ap, fmt);
	vreport_warn(UKMEM_REPORT_WARN, file, line, where, fmt, ap);
	va_end(ap);
}

/* the entry of programs built against an older <linux/bug.h>: the return address names the caller
 */
noinline __ukmem_export void __ukmem_warn(const char *file, int line, const char *func,
					  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport_warn(UKMEM_REPORT_WARN, file, line, __builtin_return_address(0), fmt, ap);
	va_end(ap);
}

__ukmem_export void __ukmem_bug(const char *file, int line, const char *func)
{
	report_start(UKMEM_REPORT_BUG);
	printk(KERN_EMERG "------------[ cut here ]------------\n");
	printk(KERN_EMERG "kernel BUG at %s:%d!\n", report_file(file), line);
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
	/* rate-limited reports may print again at once */
	__atomic_fetch_add(&report_epoch, 1, __ATOMIC_RELAXED);
}
