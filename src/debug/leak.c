// SPDX-License-Identifier: MIT
/*
 * leak.c - what is still allocated, and by whom: the on-demand leak report
 * (ukmem_leak_report), the mark/check API a test uses to assert "nothing
 * leaked since the mark", and the per-item listing that the shutdown
 * reports of slab_exit() and page_alloc_exit() print.
 *
 * A walk visits every allocator's live allocations in turn:
 *   slab:    each cache's slabs under list_lock, after its CPU arrays, the
 *            threads' caches and the barn were emptied back into the slabs
 *            (__kmem_cache_shrink), so an object off every freelist is in
 *            use; kmalloc caches give "kmalloc" items.
 *   pages:   mem_map, each allocated block head that no allocator above
 *            owns (PG_slab, PG_vmalloc, PG_percpu, PG_table); a large
 *            kmalloc block (PG_large_kmalloc) is a "kmalloc" item.
 *   vmalloc: the busy areas with VM_ALLOC (vmalloc_for_each_area()).
 *   percpu:  the held areas (pcpu_for_each_area()).
 * The allocators' own bookkeeping (kmem_cache structs, sheaves) is left out.
 *
 * The walk is exact while no other thread allocates or frees: a concurrent
 * allocation may be seen half made (a slab page before it is marked
 * PG_slab, an object refilled into a CPU array after the drain).
 *
 * A mark is a sorted snapshot of (kind, address, stamp) of every item; a
 * check reports the items of a new walk that the snapshot lacks. The stamp
 * is the owner record's time and stack where one exists (slub_debug=U,
 * page_owner=on), so an address freed and reused after the mark still
 * counts as new; without such records a reused address is not seen.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <ukmem.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mm/slab.h"
#include "mm/page_owner.h"
#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "debug/leak.h"
#include "debug/stackdepot.h"

#define LEAK_BPL (8 * (unsigned int)sizeof(long))

enum leak_kind { LEAK_SLAB, LEAK_KMALLOC, LEAK_PAGE, LEAK_VMALLOC, LEAK_PERCPU, LEAK_NR_KINDS };
static const char *const leak_kind_name[LEAK_NR_KINDS] = {"slab", "kmalloc", "page", "vmalloc",
							  "percpu"};

struct leak_item {
	u8 kind;
	unsigned long key; /* address; the pfn for a page block */
	u64 stamp;	   /* owner record digest, 0 when none */
	unsigned long size;
	unsigned int order; /* page blocks, large kmalloc */
	unsigned int nr_pages;
	struct kmem_cache *cache;
	const void *caller;
};

struct leak_set {
	struct leak_item *v;
	size_t n, cap;
	bool oom;
};

static void set_add(struct leak_set *set, const struct leak_item *it)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 256;
		struct leak_item *v = realloc(set->v, cap * sizeof(*v));

		if (!v) {
			set->oom = true;
			return;
		}
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = *it;
}

void leak_printf(FILE *out, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	ukmem_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (out)
		fputs(buf, out);
	else
		printk(KERN_ERR "%s", buf);
}

void leak_print_stack(FILE *out, u32 handle, const char *indent)
{
	const unsigned long *e;
	unsigned int i, n = handle ? stack_depot_fetch(handle, &e) : 0;

	for (i = 0; i < n; i++)
		leak_printf(out, "%s%pS\n", indent, (void *)e[i]);
}

static unsigned long ms_since_boot(void)
{
	return (unsigned long)((plat_clock_ns() - machine.boot_ns) / 1000000ULL);
}

void leak_print_track(FILE *out, const char *what, const struct track *t)
{
	if (!t || !t->addr)
		return;
	leak_printf(out, "  %s in %pS age=%lu cpu=%u pid=%d\n", what, (void *)t->addr,
		    ms_since_boot() - t->when, (unsigned int)t->cpu, t->pid);
	leak_print_stack(out, t->handle, "   ");
}

/* ---------------------------------------------------------------- walks */

static u64 track_stamp(const struct track *t)
{
	if (!t || !t->addr)
		return 0;
	return ((u64)t->when << 32) ^ t->handle ^ (u64)t->addr;
}

/* walk_slab - the in-use objects of @slab (list_lock held) */
static void walk_slab(struct kmem_cache *s, struct page *slab, struct leak_set *set)
{
	static unsigned long map[32768 / LEAK_BPL]; /* under slab_mutex */
	char *addr = slab_address(slab), *p;
	unsigned int i, nr = slab_objects(s, slab);
	void *fp;

	if (!slab->inuse)
		return;
	memset(map, 0, ((nr + LEAK_BPL - 1) / LEAK_BPL) * sizeof(long));
	for (fp = slab->freelist, i = 0; fp && i <= nr; fp = get_freepointer(s, fp), i++) {
		unsigned long idx;

		if (!object_in_slab(s, slab, fp))
			break; /* a corrupt chain: the objects after it count as in use */
		idx = (unsigned long)((char *)fp - addr - s->red_left_pad) / s->size;
		map[idx / LEAK_BPL] |= 1UL << (idx % LEAK_BPL);
	}
	for (i = 0, p = addr + s->red_left_pad; i < nr; i++, p += s->size) {
		struct leak_item it = {.cache = s};

		if (map[i / LEAK_BPL] & (1UL << (i % LEAK_BPL)))
			continue;
		it.kind = (s->flags & SLAB_KMALLOC) ? LEAK_KMALLOC : LEAK_SLAB;
		it.key = (unsigned long)p;
		it.size = slub_debug_orig_size(s) ? get_orig_size(s, p) : s->object_size;
		it.stamp = track_stamp(slab_object_track(s, p, 0));
		set_add(set, &it);
	}
}

static bool leak_skip_cache(const struct kmem_cache *s)
{
	/* the allocator's own bookkeeping: cache structs and sheaves */
	return s == slab_sheaf_cache || !strcmp(s->name, "kmem_cache");
}

/* walk_cache - the in-use objects of @s (slab_mutex held, process context) */
static void walk_cache(struct kmem_cache *s, struct leak_set *set)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab;

	__kmem_cache_shrink(s); /* CPU arrays, thread caches and barn back to the slabs */
	slab_spin_lock(&n->list_lock);
	list_for_each_entry (slab, &n->partial, slab_list)
		walk_slab(s, slab, set);
	list_for_each_entry (slab, &n->full, slab_list)
		walk_slab(s, slab, set);
	slab_spin_unlock(&n->list_lock);
}

static void walk_slabs(struct leak_set *set)
{
	struct kmem_cache *s;

	mutex_lock(&slab_mutex);
	list_for_each_entry (s, &slab_caches, list)
		if (!leak_skip_cache(s))
			walk_cache(s, set);
	mutex_unlock(&slab_mutex);
}

#define PAGE_OWNED_ABOVE                                                                           \
	((1UL << PG_slab) | (1UL << PG_vmalloc) | (1UL << PG_percpu) | (1UL << PG_table))

static void walk_pages(struct leak_set *set)
{
	unsigned long pfn = machine.reserved_low_pfn;

	while (pfn < machine.max_pfn) {
		struct page *page = pfn_to_page(pfn);
		int order = page_alloc_block_order(page);
		unsigned long flags;
		struct leak_item it = {.kind = LEAK_PAGE};

		if (order < 0) {
			pfn++;
			continue;
		}
		flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
		pfn += 1UL << order;
		if (flags & PAGE_OWNED_ABOVE)
			continue;
		if (flags & (1UL << PG_large_kmalloc))
			it.kind = LEAK_KMALLOC;
		it.key = page_to_pfn(page);
		it.order = (unsigned int)order;
		it.size = PAGE_SIZE << order;
		it.stamp = page_owner_stamp(page);
		set_add(set, &it);
	}
}

static void vmalloc_item(const struct vm_struct *vm, void *arg)
{
	struct leak_item it = {.kind = LEAK_VMALLOC,
			       .key = (unsigned long)vm->addr,
			       .size = vm->requested_size ? vm->requested_size : vm->size,
			       .nr_pages = vm->nr_pages,
			       .caller = vm->caller};

	set_add(arg, &it);
}

static void percpu_item(void *handle, unsigned long size, void *arg)
{
	struct leak_item it = {.kind = LEAK_PERCPU, .key = (unsigned long)handle, .size = size};

	set_add(arg, &it);
}

static int cmp_item(const void *a, const void *b)
{
	const struct leak_item *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->stamp != y->stamp)
		return x->stamp < y->stamp ? -1 : 1;
	return 0;
}

/*
 * leak_walk - every live allocation into @set, sorted. Context: process
 * context that may sleep (the slab walk visits every CPU).
 * Return: 0, or -ENOMEM when the host could not hold the list.
 */
static int leak_walk(struct leak_set *set)
{
	memset(set, 0, sizeof(*set));
	walk_slabs(set);
	walk_pages(set);
	vmalloc_for_each_area(vmalloc_item, set);
	pcpu_for_each_area(percpu_item, set);
	if (set->oom) {
		free(set->v);
		memset(set, 0, sizeof(*set));
		return -ENOMEM;
	}
	if (set->n)
		qsort(set->v, set->n, sizeof(*set->v), cmp_item);
	return 0;
}

/* ---------------------------------------------------------------- printing */

static void print_item(FILE *out, const struct leak_item *it)
{
	struct page *page;

	switch (it->kind) {
	case LEAK_SLAB:
	case LEAK_KMALLOC:
		if (it->cache) {
			leak_printf(out, "ukmem: leak: %s object 0x%px (size %lu) in cache %s\n",
				    leak_kind_name[it->kind], (void *)it->key, it->size,
				    it->cache->name);
			leak_print_track(out, "Allocated",
					 slab_object_track(it->cache, (void *)it->key, 0));
			break;
		}
		/* a large kmalloc: a page block */
		fallthrough;
	case LEAK_PAGE:
		page = pfn_to_page(it->key);
		leak_printf(out, "ukmem: leak: %s block pfn %#lx order %u (%lu bytes) at 0x%px\n",
			    it->kind == LEAK_PAGE ? "page" : "kmalloc", it->key, it->order,
			    it->size, it->key >= machine.max_low_pfn ? NULL : page_to_virt(page));
		page_owner_print(out, page, "  ");
		break;
	case LEAK_VMALLOC:
		leak_printf(out, "ukmem: leak: vmalloc area 0x%px (size %lu) pages=%u caller %pS\n",
			    (void *)it->key, it->size, it->nr_pages, it->caller);
		break;
	case LEAK_PERCPU:
		leak_printf(out, "ukmem: leak: per-CPU area %px (%lu bytes per CPU)\n",
			    (void *)it->key, it->size);
		break;
	}
}

static void print_summary(FILE *out, const char *what, const struct leak_item *v, size_t n)
{
	unsigned long count[LEAK_NR_KINDS] = {0};
	size_t i;

	for (i = 0; i < n; i++)
		count[v[i].kind]++;
	leak_printf(out,
		    "ukmem: %zu %s: %lu slab objects, %lu kmalloc objects, %lu page blocks, "
		    "%lu vmalloc areas, %lu per-CPU areas\n",
		    n, what, count[LEAK_SLAB], count[LEAK_KMALLOC], count[LEAK_PAGE],
		    count[LEAK_VMALLOC], count[LEAK_PERCPU]);
}

/* leak_api_ok - the native leak calls walk every CPU: process context only */
static bool leak_api_ok(void)
{
	ukmem_ensure_booted();
	if (!task_preemptible(current_task())) {
		might_sleep();
		return false;
	}
	return true;
}

__ukmem_export long ukmem_leak_report(FILE *out)
{
	struct leak_set set;
	size_t i;
	int err;

	if (!leak_api_ok())
		return -EPERM;
	err = leak_walk(&set);
	if (err)
		return err;
	for (i = 0; i < set.n; i++)
		print_item(out, &set.v[i]);
	print_summary(out, "allocations live", set.v, set.n);
	free(set.v);
	return (long)set.n;
}

/* ---------------------------------------------------------------- marks */

#define MAX_LEAK_MARKS 16
static struct leak_mark {
	unsigned long token; /* 0: slot free */
	unsigned long generation;
	struct leak_set set;
} leak_marks[MAX_LEAK_MARKS];
static pthread_mutex_t leak_mark_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long leak_next_token = 1;

/* find_mark - the live mark of @token (leak_mark_lock held), reporting misuse */
static struct leak_mark *find_mark(unsigned long token, const char *func, void *caller)
{
	int i;

	for (i = 0; token && i < MAX_LEAK_MARKS; i++)
		if (leak_marks[i].token == token)
			return &leak_marks[i];
	report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, caller,
		    "%s: %#lx is not a live leak mark (never made, or already released)\n", func,
		    token);
	return NULL;
}

__ukmem_export unsigned long ukmem_leak_mark(void)
{
	struct leak_set set;
	unsigned long token = 0;
	int i;

	if (!leak_api_ok() || leak_walk(&set))
		return 0;
	pthread_mutex_lock(&leak_mark_lock);
	for (i = 0; i < MAX_LEAK_MARKS; i++) {
		if (!leak_marks[i].token) {
			token = leak_next_token++;
			leak_marks[i].token = token;
			leak_marks[i].generation = machine.generation;
			leak_marks[i].set = set;
			break;
		}
	}
	pthread_mutex_unlock(&leak_mark_lock);
	if (!token) {
		free(set.v);
		report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, __builtin_return_address(0),
			    "ukmem_leak_mark: all %d marks in use (release some with "
			    "ukmem_leak_unmark)\n",
			    MAX_LEAK_MARKS);
	}
	return token;
}

__ukmem_export long ukmem_leak_check(unsigned long token, FILE *out)
{
	void *caller = __builtin_return_address(0);
	struct leak_item *old;
	struct leak_set now;
	struct leak_mark *m;
	size_t i, j, n_old, nr = 0;
	int err;

	if (!leak_api_ok())
		return -EPERM;
	pthread_mutex_lock(&leak_mark_lock);
	m = find_mark(token, "ukmem_leak_check", caller);
	if (!m) {
		pthread_mutex_unlock(&leak_mark_lock);
		return -EINVAL;
	}
	if (m->generation != machine.generation) {
		pthread_mutex_unlock(&leak_mark_lock);
		report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, caller,
			    "ukmem_leak_check: mark %#lx was made before the machine rebooted\n",
			    token);
		return -ESTALE;
	}
	/* a copy: the walk may sleep, and another thread may check the same mark */
	n_old = m->set.n;
	old = n_old ? malloc(n_old * sizeof(*old)) : NULL;
	if (n_old && !old) {
		pthread_mutex_unlock(&leak_mark_lock);
		return -ENOMEM;
	}
	if (n_old)
		memcpy(old, m->set.v, n_old * sizeof(*old));
	pthread_mutex_unlock(&leak_mark_lock);

	err = leak_walk(&now);
	if (err) {
		free(old);
		return err;
	}
	/* both sorted: the items of now that old lacks are the new ones */
	for (i = j = 0; i < now.n; i++) {
		while (j < n_old && cmp_item(&old[j], &now.v[i]) < 0)
			j++;
		if (j < n_old && !cmp_item(&old[j], &now.v[i]))
			continue;
		now.v[nr++] = now.v[i];
	}
	for (i = 0; i < nr; i++)
		print_item(out, &now.v[i]);
	if (nr)
		print_summary(out, "allocations since the mark still live", now.v, nr);
	free(now.v);
	free(old);
	return (long)nr;
}

__ukmem_export int ukmem_leak_unmark(unsigned long token)
{
	struct leak_mark *m;
	void *v;

	pthread_mutex_lock(&leak_mark_lock);
	m = find_mark(token, "ukmem_leak_unmark", __builtin_return_address(0));
	if (!m) {
		pthread_mutex_unlock(&leak_mark_lock);
		return -EINVAL;
	}
	v = m->set.v;
	memset(m, 0, sizeof(*m));
	pthread_mutex_unlock(&leak_mark_lock);
	free(v);
	return 0;
}

/* ---------------------------------------------------------------- shutdown */

#define LEAK_LIST_MAX 64 /* items listed per cache or for pages at shutdown */

/* leak_list_cache - slab_exit()'s listing of @s's objects in use (slab_mutex held) */
void leak_list_cache(struct kmem_cache *s)
{
	struct leak_set set;
	size_t i;

	memset(&set, 0, sizeof(set));
	walk_cache(s, &set);
	for (i = 0; i < set.n && i < LEAK_LIST_MAX; i++)
		print_item(NULL, &set.v[i]);
	if (set.n > LEAK_LIST_MAX)
		leak_printf(NULL, "ukmem: ... and %zu more objects in %s\n", set.n - LEAK_LIST_MAX,
			    s->name);
	free(set.v);
}

/* leak_report_pages - page_alloc_exit()'s listing: what no allocator above still owns */
void leak_report_pages(void)
{
	struct leak_set set;
	size_t i;

	memset(&set, 0, sizeof(set));
	walk_pages(&set);
	for (i = 0; i < set.n && i < LEAK_LIST_MAX; i++)
		print_item(NULL, &set.v[i]);
	if (set.n > LEAK_LIST_MAX)
		leak_printf(NULL, "ukmem: ... and %zu more page blocks\n", set.n - LEAK_LIST_MAX);
	free(set.v);
}

/* ---------------------------------------------------------------- what is this address */

/*
 * kmem_dump_obj - print what slab object @object points into, continuing
 * the caller's line as 6.12 does (" slab <cache> start <obj> pointer offset
 * <n> size <n> allocated at <fn>", then the allocation stack and " Free
 * path:" with the free stack, both with slub_debug=U). It lives here rather
 * than in slab_common.c to keep to the leak and owner code.
 *
 * Context: any. Return: true when @object is inside a slab object (or its
 * metadata), false for anything else, which is left to mem_dump_obj().
 */
__ukmem_export bool kmem_dump_obj(void *object)
{
	const struct track *at, *ft;
	struct kmem_cache *s;
	struct page *slab;
	char *base, *objp;
	unsigned long idx, off;
	const unsigned long *e;
	unsigned int i, n;

	if (!machine.booted || !virt_addr_valid(object))
		return false;
	slab = compound_head(virt_to_page(object));
	if (!PageSlab(slab))
		return false;
	s = slab->slab_cache;
	pr_cont(" slab %s", s->name);
	base = slab_address(slab);
	off = (unsigned long)((char *)object - base);
	if (off < s->red_left_pad)
		off = s->red_left_pad; /* object 0's left red zone */
	idx = (off - s->red_left_pad) / s->size;
	if (idx >= slab_objects(s, slab)) {
		pr_cont("\n"); /* the slab's tail padding: no object */
		return true;
	}
	objp = base + s->red_left_pad + idx * s->size;
	pr_cont(" start %px", objp);
	pr_cont(" pointer offset %lu", (unsigned long)((char *)object - objp));
	if (s->object_size)
		pr_cont(" size %u", s->object_size);
	at = slab_object_track(s, objp, 0);
	ft = slab_object_track(s, objp, 1);
	if (at && at->addr)
		pr_cont(" allocated at %pS\n", (void *)at->addr);
	else
		pr_cont("\n");
	n = at && at->handle ? stack_depot_fetch(at->handle, &e) : 0;
	for (i = 0; i < n; i++)
		pr_info("    %pS\n", (void *)e[i]);
	n = ft && ft->handle ? stack_depot_fetch(ft->handle, &e) : 0;
	if (n)
		pr_cont(" Free path:\n");
	for (i = 0; i < n; i++)
		pr_info("    %pS\n", (void *)e[i]);
	return true;
}

struct vmalloc_find {
	unsigned long addr;
	struct vm_struct found;
	bool hit;
};

static void vmalloc_find_one(const struct vm_struct *vm, void *arg)
{
	struct vmalloc_find *f = arg;

	if (f->addr >= (unsigned long)vm->addr && f->addr < (unsigned long)vm->addr + vm->size) {
		f->found = *vm;
		f->hit = true;
	}
}

/*
 * mem_dump_obj - print what @object is, continuing the caller's line in
 * 6.12's words: a slab object (kmem_dump_obj()), " %u-page vmalloc region
 * starting at %#lx allocated at %pS", "vmalloc memory", "non-slab/vmalloc
 * memory" (followed, with page_owner=on, by the page's owner record or its
 * last free), "NULL pointer", "zero-size pointer", "non-paged memory".
 * Context: any.
 */
__ukmem_export void mem_dump_obj(void *object)
{
	struct vmalloc_find f = {.addr = (unsigned long)object};
	const char *type;

	if (kmem_dump_obj(object))
		return;
	if (machine.booted && is_vmalloc_addr(object)) {
		vmalloc_for_each_area(vmalloc_find_one, &f);
		if (f.hit) {
			pr_cont(" %u-page vmalloc region starting at %#lx allocated at %pS\n",
				f.found.nr_pages, (unsigned long)f.found.addr, f.found.caller);
			return;
		}
	}
	if (machine.booted && is_vmalloc_addr(object))
		type = "vmalloc memory";
	else if (machine.booted && virt_addr_valid(object))
		type = "non-slab/vmalloc memory";
	else if (object == NULL)
		type = "NULL pointer";
	else if (object == ZERO_SIZE_PTR)
		type = "zero-size pointer";
	else
		type = "non-paged memory";
	pr_cont(" %s\n", type);
	if (machine.booted && virt_addr_valid(object)) {
		struct page *page = virt_to_page(object);
		unsigned long pfn = page_to_pfn(page);

		/* the block's head: walk down to the nearest allocated head */
		for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
			unsigned long head = pfn & ~((1UL << o) - 1);
			int order = page_alloc_block_order(pfn_to_page(head));

			if (order >= (int)o && head + (1UL << order) > pfn) {
				page_owner_print(NULL, pfn_to_page(head), "");
				return;
			}
		}
		page_owner_print_free(NULL, page, "");
	}
}
