// SPDX-License-Identifier: MIT
/*
 * trace.c - the kmem and vmalloc trace events: the kernel's
 * include/trace/events/kmem.h and vmalloc.h, their fields and TP_printk
 * text, printed in ftrace's line format
 *     "           <comm>-<pid>     [<cpu>] <flags> <secs>.<usecs>: <event>: <fields>"
 * and handed to subscribers (ukmem_trace_subscribe()). trace_event= at boot
 * (or $UKMEM_TRACE, which `ukmem trace -- ./prog` sets) picks the printed
 * events; tp_printk sends the lines to the kernel log.
 *
 * The slab events are emitted on the slab full paths: when one of them is
 * asked for at boot, every cache is made without CPU and thread arrays (as
 * debug caches are), so no allocation or free passes beside them and the
 * fast paths stay as they are when tracing is off.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <ukmem.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "debug/trace.h"
#include "lib/fault-inject.h"
#include "machine/machine.h"
#include "machine/sched.h"
#include "mm/slab.h"
#include "platform/platform.h"

size_t format_gfp_flags(char *buf, size_t size, unsigned int gfp);

unsigned int trace_events_on;

static const struct {
	const char *system, *name;
} trace_names[UKMEM_TRACE_NR] = {
    [UKMEM_TRACE_KMALLOC] = {"kmem", "kmalloc"},
    [UKMEM_TRACE_KFREE] = {"kmem", "kfree"},
    [UKMEM_TRACE_KMEM_CACHE_ALLOC] = {"kmem", "kmem_cache_alloc"},
    [UKMEM_TRACE_KMEM_CACHE_FREE] = {"kmem", "kmem_cache_free"},
    [UKMEM_TRACE_MM_PAGE_ALLOC] = {"kmem", "mm_page_alloc"},
    [UKMEM_TRACE_MM_PAGE_FREE] = {"kmem", "mm_page_free"},
    [UKMEM_TRACE_ALLOC_VMAP_AREA] = {"vmalloc", "alloc_vmap_area"},
    [UKMEM_TRACE_FREE_VMAP_AREA_NOFLUSH] = {"vmalloc", "free_vmap_area_noflush"},
};

#define SLAB_EVENTS                                                                                \
	((1U << UKMEM_TRACE_KMALLOC) | (1U << UKMEM_TRACE_KFREE) |                                 \
	 (1U << UKMEM_TRACE_KMEM_CACHE_ALLOC) | (1U << UKMEM_TRACE_KMEM_CACHE_FREE))

/* what is printed, and where */
static unsigned int text_events;
static bool tp_printk;
static FILE *text_file;
static int text_fd = -1;
static u64 trace_clock_base;

/* subscribers: a slot is in use while fn is set; emitters count themselves in */
#define NR_SUBSCRIBERS 8
static struct {
	void (*fn)(const struct ukmem_trace_record *rec, void *arg);
	void *arg;
	unsigned int events;
	int claimed;
} subscribers[NR_SUBSCRIBERS];
static int trace_active; /* emitters reading subscribers[] */

static void trace_update_mask(void)
{
	unsigned int mask = __atomic_load_n(&text_events, __ATOMIC_RELAXED);

	for (int i = 0; i < NR_SUBSCRIBERS; i++)
		if (__atomic_load_n(&subscribers[i].fn, __ATOMIC_ACQUIRE))
			mask |= __atomic_load_n(&subscribers[i].events, __ATOMIC_RELAXED);
	__atomic_store_n(&trace_events_on, mask, __ATOMIC_RELAXED);
}

/*
 * parse_events - "kmem:kmalloc,vmalloc:*,kfree,kmem" into a mask (the
 * kernel's set_event syntax: system:event, system:*, system:, system,
 * event, *:*). Return: 0 or -EINVAL, after the kernel's warning.
 */
static int parse_events(const char *list, unsigned int *mask)
{
	char buf[512], *tok, *save = NULL;

	*mask = 0;
	if (!list || !*list)
		return 0;
	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		const char *sys = NULL, *ev = tok;
		unsigned int m = 0;

		if (colon) {
			*colon = 0;
			sys = tok;
			ev = colon + 1;
			if (!*ev)
				ev = "*";
		}
		for (int i = 0; i < UKMEM_TRACE_NR; i++) {
			bool sys_ok =
			    !sys || !strcmp(sys, "*") || !strcmp(sys, trace_names[i].system);
			bool ev_ok = !strcmp(ev, "*") || !strcmp(ev, trace_names[i].name);

			/* a bare word is an event, or a whole system */
			if (!sys && !strcmp(ev, trace_names[i].system))
				ev_ok = true;
			if (sys_ok && ev_ok)
				m |= 1U << i;
		}
		if (!m) {
			if (colon)
				*colon = ':';
			pr_warn("Failed to enable trace event: %s\n", tok);
			return -EINVAL;
		}
		*mask |= m;
	}
	return 0;
}

int trace_param(const char *key, const char *val)
{
	unsigned int mask;

	if (!key) {
		const char *env = plat_getenv("UKMEM_TRACE");

		slab_hooks &= ~SLAB_HOOK_TRACE;
		tp_printk = false;
		text_events = 0;
		/* $UKMEM_TRACE: `ukmem trace` asks for events whatever the program boots with */
		if (env && !parse_events(env, &mask)) {
			text_events = mask;
			if (mask & SLAB_EVENTS)
				slab_hooks |= SLAB_HOOK_TRACE;
		}
		return 0;
	}
	if (!strcmp(key, "tp_printk")) {
		if (val)
			return -EINVAL;
		tp_printk = true;
		return 0;
	}
	if (strcmp(key, "trace_event"))
		return -ENOENT;
	if (!val || parse_events(val, &mask))
		return -EINVAL;
	text_events |= mask;
	if (mask & SLAB_EVENTS)
		slab_hooks |= SLAB_HOOK_TRACE;
	return 0;
}

int trace_init(void)
{
	const char *out = plat_getenv("UKMEM_TRACE_OUT");

	trace_clock_base = plat_clock_ns();
	if (text_fd < 0 && out && *out) {
		text_fd = plat_open_append(out);
		if (text_fd < 0)
			pr_warn("trace: cannot open UKMEM_TRACE_OUT=%s: %d\n", out, text_fd);
	}
	trace_update_mask();
	return 0;
}

/* ------------------------------------------------------------ emitting */

/* the five ftrace flag columns: irqs-off, need-resched, hardirq/softirq, preempt, migrate */
static void trace_flags(char f[6])
{
	unsigned int pc = preempt_count() & 0xff;

	f[0] = irqs_disabled() ? 'd' : '.';
	f[1] = '.';
	f[2] = in_hardirq() && in_softirq() ? 'H' : in_hardirq() ? 'h' : in_softirq() ? 's' : '.';
	f[3] = pc ? "0123456789abcdef"[pc > 15 ? 15 : pc] : '.';
	f[4] = '.';
	f[5] = 0;
}

static void trace_emit(struct ukmem_trace_record *rec, const char *fields)
{
	struct task_struct *t = current;
	unsigned int ev = 1U << rec->event;
	char line[640], flags[6];
	u64 ns = plat_clock_ns() - trace_clock_base;
	int len;

	rec->system = trace_names[rec->event].system;
	rec->name = trace_names[rec->event].name;
	rec->ts_ns = ns;
	rec->pid = t ? t->pid : plat_gettid();
	rec->cpu = t ? t->cpu : 0;
	rec->fields = fields;
	if (__atomic_load_n(&text_events, __ATOMIC_RELAXED) & ev) {
		trace_flags(flags);
		len = snprintf(line, sizeof(line), "%16.16s-%-7d [%03d] %s %5llu.%06llu: %s: %s\n",
			       t && t->comm[0] ? t->comm : "<...>", rec->pid, rec->cpu, flags,
			       (unsigned long long)(ns / 1000000000ULL),
			       (unsigned long long)(ns % 1000000000ULL / 1000), rec->name, fields);
		if (len >= (int)sizeof(line))
			len = sizeof(line) - 1;
		if (tp_printk) {
			printk(KERN_INFO "%s", line);
		} else {
			FILE *f = __atomic_load_n(&text_file, __ATOMIC_ACQUIRE);

			if (f)
				fputs(line, f);
			else
				plat_write_all(text_fd >= 0 ? text_fd : 2, line, (size_t)len);
		}
	}
	__atomic_fetch_add(&trace_active, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < NR_SUBSCRIBERS; i++) {
		void (*fn)(const struct ukmem_trace_record *, void *) =
		    __atomic_load_n(&subscribers[i].fn, __ATOMIC_SEQ_CST);

		if (fn && (__atomic_load_n(&subscribers[i].events, __ATOMIC_RELAXED) & ev))
			fn(rec, __atomic_load_n(&subscribers[i].arg, __ATOMIC_RELAXED));
	}
	__atomic_fetch_sub(&trace_active, 1, __ATOMIC_RELEASE);
}

static const char *gfp_text(char *buf, size_t size, gfp_t gfp)
{
	if (!gfp)
		return "none";
	format_gfp_flags(buf, size, gfp);
	return buf;
}

static void trace_alloc_common(enum ukmem_trace_event event, unsigned long call_site,
			       const void *ptr, size_t bytes_req, size_t bytes_alloc, gfp_t gfp,
			       bool accounted)
{
	struct ukmem_trace_record rec = {.event = event};
	char fields[448], g[160];

	rec.call_site = call_site;
	rec.ptr = ptr;
	rec.bytes_req = bytes_req;
	rec.bytes_alloc = bytes_alloc;
	rec.gfp_flags = gfp;
	rec.node = NUMA_NO_NODE;
	rec.accounted = accounted;
	scnprintf(fields, sizeof(fields),
		  "call_site=%pS ptr=%px bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d "
		  "accounted=%s",
		  (void *)call_site, ptr, bytes_req, bytes_alloc, gfp_text(g, sizeof(g), gfp),
		  NUMA_NO_NODE, accounted ? "true" : "false");
	trace_emit(&rec, fields);
}

void __trace_kmalloc(unsigned long call_site, const void *ptr, size_t bytes_req, size_t bytes_alloc,
		     gfp_t gfp, bool accounted)
{
	trace_alloc_common(UKMEM_TRACE_KMALLOC, call_site, ptr, bytes_req, bytes_alloc, gfp,
			   accounted);
}

void __trace_kmem_cache_alloc(unsigned long call_site, const void *ptr, struct kmem_cache *s,
			      gfp_t gfp)
{
	trace_alloc_common(UKMEM_TRACE_KMEM_CACHE_ALLOC, call_site, ptr, s->object_size, s->size,
			   gfp, (gfp & __GFP_ACCOUNT) || (s->flags & SLAB_ACCOUNT));
}

void __trace_kfree(unsigned long call_site, const void *ptr)
{
	struct ukmem_trace_record rec = {.event = UKMEM_TRACE_KFREE};
	char fields[256];

	rec.call_site = call_site;
	rec.ptr = ptr;
	scnprintf(fields, sizeof(fields), "call_site=%pS ptr=%px", (void *)call_site, ptr);
	trace_emit(&rec, fields);
}

void __trace_kmem_cache_free(unsigned long call_site, const void *ptr, const char *name)
{
	struct ukmem_trace_record rec = {.event = UKMEM_TRACE_KMEM_CACHE_FREE};
	char fields[320];

	rec.call_site = call_site;
	rec.ptr = ptr;
	rec.cache = name;
	scnprintf(fields, sizeof(fields), "call_site=%pS ptr=%px name=%s", (void *)call_site, ptr,
		  name);
	trace_emit(&rec, fields);
}

/* gfp_migratetype(): ukmem groups no pages by mobility, but the event says what was asked */
static int gfp_migratetype_of(gfp_t gfp)
{
	return (int)((gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE)) >> 3);
}

void __trace_mm_page_alloc(struct page *page, unsigned int order, gfp_t gfp)
{
	struct ukmem_trace_record rec = {.event = UKMEM_TRACE_MM_PAGE_ALLOC};
	char fields[320], g[160];

	rec.page = page;
	rec.pfn = page ? page_to_pfn(page) : -1UL;
	rec.order = order;
	rec.gfp_flags = gfp;
	rec.migratetype = gfp_migratetype_of(gfp);
	scnprintf(fields, sizeof(fields), "page=%px pfn=0x%lx order=%u migratetype=%d gfp_flags=%s",
		  (void *)page, rec.pfn, order, rec.migratetype, gfp_text(g, sizeof(g), gfp));
	trace_emit(&rec, fields);
}

void __trace_mm_page_free(struct page *page, unsigned int order)
{
	struct ukmem_trace_record rec = {.event = UKMEM_TRACE_MM_PAGE_FREE};
	char fields[160];

	rec.page = page;
	rec.pfn = page_to_pfn(page);
	rec.order = order;
	scnprintf(fields, sizeof(fields), "page=%px pfn=0x%lx order=%u", (void *)page, rec.pfn,
		  order);
	trace_emit(&rec, fields);
}

void __trace_alloc_vmap_area(unsigned long addr, unsigned long size, unsigned long align,
			     unsigned long vstart, unsigned long vend, int failed)
{
	struct ukmem_trace_record rec = {.event = UKMEM_TRACE_ALLOC_VMAP_AREA};
	char fields[256];

	rec.va_start = addr;
	rec.size = size;
	rec.align = align;
	rec.vstart = vstart;
	rec.vend = vend;
	rec.failed = failed;
	/* 6.12 prints va_start in decimal, after a colon */
	scnprintf(fields, sizeof(fields),
		  "va_start: %lu size=%lu align=%lu vstart=0x%lx vend=0x%lx failed=%d", addr, size,
		  align, vstart, vend, failed);
	trace_emit(&rec, fields);
}

void __trace_free_vmap_area_noflush(unsigned long va_start, unsigned long nr_lazy,
				    unsigned long nr_lazy_max)
{
	struct ukmem_trace_record rec = {.event = UKMEM_TRACE_FREE_VMAP_AREA_NOFLUSH};
	char fields[160];

	rec.va_start = va_start;
	rec.nr_lazy = nr_lazy;
	rec.nr_lazy_max = nr_lazy_max;
	scnprintf(fields, sizeof(fields), "va_start=0x%lx nr_lazy=%lu nr_lazy_max=%lu", va_start,
		  nr_lazy, nr_lazy_max);
	trace_emit(&rec, fields);
}

/* ------------------------------------------------------------ the native API */

static void warn_slab_events(unsigned int mask)
{
	if ((mask & SLAB_EVENTS) && !(slab_hooks & SLAB_HOOK_TRACE))
		pr_warn_once("trace: the slab events need trace_event= at boot: the caches are on "
			     "their fast paths\n");
}

__ukmem_export int ukmem_trace_enable(const char *events)
{
	unsigned int mask;

	if (parse_events(events, &mask))
		return -EINVAL;
	ukmem_ensure_booted();
	warn_slab_events(mask);
	__atomic_store_n(&text_events, mask, __ATOMIC_RELAXED);
	trace_update_mask();
	return 0;
}

__ukmem_export void ukmem_trace_output(FILE *out)
{
	__atomic_store_n(&text_file, out, __ATOMIC_RELEASE);
}

__ukmem_export int
ukmem_trace_subscribe(const char *events,
		      void (*fn)(const struct ukmem_trace_record *rec, void *arg), void *arg)
{
	unsigned int mask;

	if (!fn || !events || parse_events(events, &mask) || !mask)
		return -EINVAL;
	ukmem_ensure_booted();
	warn_slab_events(mask);
	for (int i = 0; i < NR_SUBSCRIBERS; i++) {
		int free_slot = 0;

		/* claim the slot, fill it, then publish the function */
		if (!__atomic_compare_exchange_n(&subscribers[i].claimed, &free_slot, 1, false,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		__atomic_store_n(&subscribers[i].events, mask, __ATOMIC_RELAXED);
		__atomic_store_n(&subscribers[i].arg, arg, __ATOMIC_RELAXED);
		__atomic_store_n(&subscribers[i].fn, fn, __ATOMIC_RELEASE);
		trace_update_mask();
		return i;
	}
	return -ENOSPC;
}

__ukmem_export int ukmem_trace_unsubscribe(int id)
{
	if (id < 0 || id >= NR_SUBSCRIBERS ||
	    !__atomic_load_n(&subscribers[id].fn, __ATOMIC_ACQUIRE))
		return -EINVAL;
	__atomic_store_n(&subscribers[id].fn, NULL, __ATOMIC_SEQ_CST);
	trace_update_mask();
	/* tracepoint_synchronize_unregister(): no emitter is still inside the old one */
	while (__atomic_load_n(&trace_active, __ATOMIC_SEQ_CST))
		plat_yield();
	__atomic_store_n(&subscribers[id].claimed, 0, __ATOMIC_RELEASE);
	return 0;
}
