// SPDX-License-Identifier: MIT
/*
 * fault_inject.c - the faces of fault injection: the failslab=,
 * fail_page_alloc= and fault_seed= boot parameters, the native knobs
 * (ukmem_fault_set/get, the debugfs files' names), fail-nth and
 * make-it-fail for the calling thread, and the sweep, which runs a test
 * function in child processes failing its 1st, 2nd, 3rd ... allocation.
 * The decisions themselves are lib/fault-inject.c's; the hooks are in
 * mm/failslab.c and mm/fail_page_alloc.c.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <ukmem.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault-inject.h"
#include "machine/machine.h"
#include "mm/internal.h"
#include "mm/slab.h"
#include "platform/platform.h"

int fault_inject_active;
static u64 fault_seed;

static void fault_seed_all(u64 seed)
{
	__atomic_store_n(&fault_seed, seed, __ATOMIC_RELAXED);
	fault_attr_seed(&failslab.attr, seed);
	fault_attr_seed(&fail_page_alloc.attr, seed);
}

static void fault_activate(void)
{
	__atomic_store_n(&fault_inject_active, 1, __ATOMIC_RELAXED);
}

/*
 * fault_inject_param - "failslab=<interval>,<probability>,<space>,<times>",
 * "fail_page_alloc=..." (lib/fault-inject.c setup_fault_attr syntax) and
 * "fault_seed=<n>". failslab= also arms the slab hook: the caches are made
 * to take the full path, where should_failslab() is asked.
 */
int fault_inject_param(const char *key, const char *val)
{
	char buf[96];
	struct fault_attr *attr;

	if (!key) {
		failslab_reset();
		fail_page_alloc_reset();
		slab_hooks &= ~SLAB_HOOK_FAILSLAB;
		__atomic_store_n(&fault_inject_active, 0, __ATOMIC_RELAXED);
		fault_seed_all(plat_random());
		return 0;
	}
	if (!strcmp(key, "fault_seed")) {
		char *end;
		unsigned long long seed;

		if (!val || !*val || *val == '-')
			return -EINVAL;
		errno = 0;
		seed = strtoull(val, &end, 0);
		if (errno || *end)
			return -EINVAL;
		fault_seed_all(seed);
		return 0;
	}
	if (!strcmp(key, "failslab"))
		attr = &failslab.attr;
	else if (!strcmp(key, "fail_page_alloc"))
		attr = &fail_page_alloc.attr;
	else
		return -ENOENT;
	if (!val || strlen(val) >= sizeof(buf)) {
		printk(KERN_WARNING "FAULT_INJECTION: failed to parse arguments\n");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", val);
	if (!setup_fault_attr(attr, buf))
		return -EINVAL;
	if (attr == &failslab.attr)
		slab_hooks |= SLAB_HOOK_FAILSLAB;
	fault_activate();
	return 0;
}

int fault_inject_init(void)
{
	if (slab_hooks & SLAB_HOOK_FAILSLAB)
		pr_info("FAULT_INJECTION: failslab armed: slab caches take the full path\n");
	if (fault_inject_active)
		pr_info("FAULT_INJECTION: random seed %llu (fault_seed= repeats this run)\n",
			(unsigned long long)fault_seed);
	return 0;
}

/* ------------------------------------------------------------ knobs */

enum knob_kind { K_ULONG, K_ATOMIC, K_BOOL, K_U32, K_UINT };

struct knob {
	const char *name;
	enum knob_kind kind;
	size_t off; /* offset in the attribute's struct */
	long lo, hi;
};

#define FA(field) offsetof(struct fault_attr, field)
static const struct knob common_knobs[] = {
    {"probability", K_ULONG, FA(probability), 0, 100},
    {"interval", K_ULONG, FA(interval), 0, LONG_MAX},
    {"times", K_ATOMIC, FA(times), -1, INT_MAX},
    {"space", K_ATOMIC, FA(space), 0, INT_MAX},
    {"verbose", K_ULONG, FA(verbose), 0, 2},
    {"verbose_ratelimit_interval_ms", K_UINT, FA(ratelimit_interval_ms), 0, INT_MAX},
    {"verbose_ratelimit_burst", K_UINT, FA(ratelimit_burst), 0, INT_MAX},
    {"task-filter", K_BOOL, FA(task_filter), 0, 1},
};
static const struct knob failslab_knobs[] = {
    {"ignore-gfp-wait", K_BOOL, offsetof(struct failslab_attr, ignore_gfp_reclaim), 0, 1},
    {"cache-filter", K_BOOL, offsetof(struct failslab_attr, cache_filter), 0, 1},
};
static const struct knob page_knobs[] = {
    {"ignore-gfp-wait", K_BOOL, offsetof(struct fail_page_alloc_attr, ignore_gfp_reclaim), 0, 1},
    {"ignore-gfp-highmem", K_BOOL, offsetof(struct fail_page_alloc_attr, ignore_gfp_highmem), 0, 1},
    {"min-order", K_U32, offsetof(struct fail_page_alloc_attr, min_order), 0, MAX_PAGE_ORDER + 1},
};

/* find_knob - @knob of attribute @attr: its address and limits. Return: 0, -EINVAL, -ENOENT. */
static int find_knob(const char *attr, const char *knob, const struct knob **k, char **base)
{
	const struct knob *own;
	size_t nr_own, i;
	char *obj;

	if (!attr || !knob)
		return -EINVAL;
	if (!strcmp(attr, "failslab")) {
		obj = (char *)&failslab;
		own = failslab_knobs;
		nr_own = ARRAY_SIZE(failslab_knobs);
	} else if (!strcmp(attr, "fail_page_alloc")) {
		obj = (char *)&fail_page_alloc;
		own = page_knobs;
		nr_own = ARRAY_SIZE(page_knobs);
	} else {
		return -ENOENT;
	}
	/* the struct fault_attr is the first member of both */
	for (i = 0; i < ARRAY_SIZE(common_knobs); i++)
		if (!strcmp(knob, common_knobs[i].name)) {
			*k = &common_knobs[i];
			*base = obj;
			return 0;
		}
	for (i = 0; i < nr_own; i++)
		if (!strcmp(knob, own[i].name)) {
			*k = &own[i];
			*base = obj;
			return 0;
		}
	return -ENOENT;
}

__ukmem_export int ukmem_fault_set(const char *attr, const char *knob, long value)
{
	const struct knob *k;
	char *base, *p;
	int err = find_knob(attr, knob, &k, &base);

	if (err)
		return err;
	if (value < k->lo || value > k->hi)
		return -EINVAL;
	ukmem_ensure_booted(); /* a boot would reset what is set now */
	p = base + k->off;
	switch (k->kind) {
	case K_ULONG:
		__atomic_store_n((unsigned long *)p, (unsigned long)value, __ATOMIC_RELAXED);
		break;
	case K_ATOMIC:
		__atomic_store_n(&((atomic_t *)p)->counter, (int)value, __ATOMIC_RELAXED);
		break;
	case K_BOOL:
		__atomic_store_n((bool *)p, value != 0, __ATOMIC_RELAXED);
		break;
	case K_U32:
	case K_UINT:
		__atomic_store_n((u32 *)p, (u32)value, __ATOMIC_RELAXED);
		break;
	}
	if (k->off == FA(interval) && k->kind == K_ULONG && base)
		__atomic_store_n(&((struct fault_attr *)base)->count, 0, __ATOMIC_RELAXED);
	if (!strcmp(knob, "probability") && value) {
		fault_activate();
		if (base == (char *)&failslab && !(slab_hooks & SLAB_HOOK_FAILSLAB))
			pr_warn("FAULT_INJECTION: failslab is not armed: slab allocations are not "
				"failed without failslab= at boot\n");
	}
	return 0;
}

__ukmem_export int ukmem_fault_get(const char *attr, const char *knob, long *value)
{
	const struct knob *k;
	char *base, *p;
	int err = find_knob(attr, knob, &k, &base);

	if (err)
		return err;
	if (!value)
		return -EINVAL;
	p = base + k->off;
	switch (k->kind) {
	case K_ULONG:
		*value = (long)__atomic_load_n((unsigned long *)p, __ATOMIC_RELAXED);
		break;
	case K_ATOMIC:
		*value = __atomic_load_n(&((atomic_t *)p)->counter, __ATOMIC_RELAXED);
		break;
	case K_BOOL:
		*value = __atomic_load_n((bool *)p, __ATOMIC_RELAXED);
		break;
	case K_U32:
	case K_UINT:
		*value = __atomic_load_n((u32 *)p, __ATOMIC_RELAXED);
		break;
	}
	return 0;
}

__ukmem_export void ukmem_fault_seed(unsigned long long seed)
{
	ukmem_ensure_booted();
	fault_seed_all(seed);
}

__ukmem_export unsigned long long ukmem_fault_seed_get(void)
{
	return __atomic_load_n(&fault_seed, __ATOMIC_RELAXED);
}

__ukmem_export int ukmem_fail_nth(unsigned int nth)
{
	if (nth > INT_MAX)
		return -EINVAL; /* proc_fail_nth_write() */
	ukmem_ensure_booted();
	if (nth) {
		fault_activate();
		if (!(slab_hooks & SLAB_HOOK_FAILSLAB))
			pr_warn_once("FAULT_INJECTION: failslab is not armed: fail-nth counts "
				     "page, vmalloc and per-CPU allocations only\n");
	}
	fault_fail_nth_set(nth);
	return 0;
}

__ukmem_export unsigned int ukmem_fail_nth_pending(void)
{
	return fault_fail_nth_get();
}

__ukmem_export int ukmem_make_it_fail(int on)
{
	if (on != 0 && on != 1)
		return -EINVAL;
	fault_make_it_fail_set(on);
	return 0;
}

/* ------------------------------------------------------------ the sweep */

struct sweep_usage {
	long objects; /* slab objects in use */
	long pages;   /* pages in use outside slabs, page tables and per-CPU chunks */
};

/* sweep_usage - what is allocated now (the child's machine, quiet but for us) */
static void sweep_usage(struct sweep_usage *u)
{
	struct kmem_cache *s;
	long slab_pages = 0;

	u->objects = 0;
	drain_all_pages(NULL);
	mutex_lock(&slab_mutex);
	list_for_each_entry (s, &slab_caches, list) {
		unsigned long nr_slabs, nr_objs, nr_free;

		slab_count(s, &nr_slabs, &nr_objs, &nr_free);
		u->objects += (long)(nr_objs - nr_free);
		slab_pages += (long)(nr_slabs << s->order);
	}
	mutex_unlock(&slab_mutex);
	u->pages = (long)(totalram_pages() - nr_free_pages()) - slab_pages -
		   (long)node_page_state(NR_PAGETABLE) - (long)pcpu_nr_pages();
}

/* what a child sends back: at injection the stack, at the end the rest */
struct sweep_msg {
	int kind; /* 1: injected (site), 2: finished */
	int ret;
	unsigned long injected;
	long objects, pages;
	unsigned long reports;
	char site[512];
};

static int sweep_fd = -1;

static void sweep_record_site(struct fault_attr *attr)
{
	struct sweep_msg m;
	void *frames[16];
	char names[16][96];
	int n, i, first = 0;
	size_t len = 0;

	memset(&m, 0, sizeof(m));
	m.kind = 1;
	n = plat_backtrace(frames, ARRAY_SIZE(frames), 1);
	/* from the frame above the last should_fail*() to the function the sweep runs */
	for (i = 0; i < n; i++) {
		plat_symbolize_flags(frames[i], PLAT_SYM_BACKTRACE | PLAT_SYM_NO_OFFSET, names[i],
				     sizeof(names[i]));
		if (!strncmp(names[i], "should_fail", 11))
			first = i + 1;
	}
	for (i = first; i < n && len + 2 < sizeof(m.site); i++) {
		if (!strncmp(names[i], "sweep_", 6) || !strcmp(names[i], "ukmem_fault_sweep"))
			break;
		len += (size_t)snprintf(m.site + len, sizeof(m.site) - len, "%s%s",
					len ? " < " : "", names[i]);
		if (len >= sizeof(m.site))
			len = sizeof(m.site) - 1;
	}
	/* before the caller can crash on the NULL it is about to get */
	plat_write_all(sweep_fd, &m, sizeof(m));
}

static __attribute__((noreturn)) void sweep_child(int (*fn)(void *arg), void *arg, unsigned int nth,
						  const char *cmdline, int fd)
{
	static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	char boot[sizeof(machine.cmdline) + 64];
	struct sweep_usage before, after;
	struct sweep_msg m;
	unsigned long reports, injected;
	size_t i;

	/* a crash must end the child with its signal, sanitizer or not */
	for (i = 0; i < ARRAY_SIZE(crash_signals); i++)
		plat_signal_default(crash_signals[i]);
	/* the parent's machine is forgotten across fork (boot.c): boot our own, armed */
	if (ukmem_booted())
		ukmem_shutdown();
	/* quiet: the sweep's own lines say what happened; reports still print */
	snprintf(boot, sizeof(boot), "%s quiet failslab=1,0,0,-1", cmdline);
	if (ukmem_boot(boot))
		plat_exit(125);
	/* every allocation takes part, GFP_KERNEL ones included */
	ukmem_fault_set("failslab", "ignore-gfp-wait", 0);
	ukmem_fault_set("fail_page_alloc", "ignore-gfp-wait", 0);
	ukmem_fault_set("fail_page_alloc", "ignore-gfp-highmem", 0);
	sweep_fd = fd;
	fault_nth_notify = sweep_record_site;
	sweep_usage(&before);
	reports = ukmem_report_total();
	injected = fault_fail_nth_injected();
	fault_fail_nth_set(nth);
	memset(&m, 0, sizeof(m));
	m.ret = fn(arg);
	fault_fail_nth_set(0);
	m.kind = 2;
	m.injected = fault_fail_nth_injected() - injected;
	sweep_usage(&after);
	m.objects = after.objects - before.objects;
	m.pages = after.pages - before.pages;
	m.reports = ukmem_report_total() - reports;
	plat_write_all(fd, &m, sizeof(m));
	plat_exit(0);
}

static void sweep_print(FILE *log, const struct ukmem_sweep_step *st)
{
	if (!log)
		return;
	fprintf(log, "fault sweep step %u: ", st->nth);
	if (st->signal)
		fprintf(log, "CRASH (signal %d, %s)", st->signal, strsignal(st->signal));
	else if (!st->completed)
		fprintf(log, "CRASH (exit status %d before the end)", st->exit_status);
	else
		fprintf(log, "returned %d", st->ret);
	fprintf(log, ", %s", st->injected ? "failure injected" : "no failure injected");
	if (st->leaked_objects > 0 || st->leaked_pages > 0)
		fprintf(log, ", LEAK: %ld objects, %ld pages", st->leaked_objects,
			st->leaked_pages);
	if (st->reports)
		fprintf(log, ", %lu reports", st->reports);
	fputc('\n', log);
	if (st->site[0])
		fprintf(log, "  failed at: %s\n", st->site);
}

/* sweep_step - one child, failing decision @nth. Return: 0 or -errno. */
static int sweep_step(int (*fn)(void *arg), void *arg, unsigned int nth, const char *cmdline,
		      struct ukmem_sweep_step *st)
{
	struct sweep_msg m;
	int fds[2], pid, err, status;
	long n;

	memset(st, 0, sizeof(*st));
	st->nth = nth;
	err = plat_pipe(fds);
	if (err)
		return err;
	pid = plat_fork();
	if (pid < 0) {
		plat_close(fds[0]);
		plat_close(fds[1]);
		return pid;
	}
	if (pid == 0) {
		plat_close(fds[0]);
		sweep_child(fn, arg, nth, cmdline, fds[1]);
	}
	plat_close(fds[1]);
	while ((n = plat_read_all(fds[0], &m, sizeof(m))) == (long)sizeof(m)) {
		if (m.kind == 1) {
			st->injected = 1;
			snprintf(st->site, sizeof(st->site), "%s", m.site);
		} else if (m.kind == 2) {
			st->completed = 1;
			st->ret = m.ret;
			st->injected = m.injected != 0;
			st->leaked_objects = m.objects;
			st->leaked_pages = m.pages;
			st->reports = m.reports;
		}
	}
	plat_close(fds[0]);
	err = plat_wait(pid, &st->signal, &status);
	if (err)
		return err;
	if (!st->signal && status == 125)
		return -ENOMEM; /* the child could not boot */
	st->exit_status = status;
	return 0;
}

__ukmem_export long ukmem_fault_sweep(int (*fn)(void *arg), void *arg,
				      struct ukmem_sweep_step *steps, unsigned int max_steps,
				      FILE *log)
{
	char cmdline[sizeof(machine.cmdline)];
	struct ukmem_sweep_step st;
	const char *env;
	unsigned int nth;
	int err;

	if (!fn || !max_steps)
		return -EINVAL;
	if (ukmem_booted()) {
		snprintf(cmdline, sizeof(cmdline), "%s", machine.cmdline);
	} else {
		env = plat_getenv("UKMEM_CMDLINE");
		snprintf(cmdline, sizeof(cmdline), "%s", env ? env : "");
	}
	if (log)
		fflush(log);
	for (nth = 1; nth <= max_steps; nth++) {
		err = sweep_step(fn, arg, nth, cmdline, &st);
		if (err)
			return err;
		if (steps)
			steps[nth - 1] = st;
		sweep_print(log, &st);
		if (!st.injected)
			break; /* nothing left to fail (or it fails by itself) */
	}
	if (nth > max_steps)
		nth = max_steps;
	if (log)
		fprintf(log, "fault sweep: %u steps\n", nth);
	return nth;
}
