// SPDX-License-Identifier: MIT
/*
 * slub.c - slab caches with the SLUB design: slabs are (compound) pages from
 * the page allocator, free objects are chained through a free pointer kept
 * in the object (outside it when a constructor owns the contents), and a
 * per-CPU layer in front makes the common case lock-free.
 *
 * Per-CPU layer: object arrays ("sheaves", as SLUB grew in 2025), one per
 * CPU per cache (struct kmem_cache_cpu). kmem_cache_alloc pops the array of
 * the CPU it runs on, kmem_cache_free pushes to it, holding the virtual CPU
 * exclusively: no lock, no atomic read-modify-write. The common case is a
 * frameless fast path in a leaf section (pcpu_leaf_enter(), sched.h); the
 * full path behind it uses pcpu_enter()/pcpu_exit() and does everything.
 * An array takes objects of any slab of its cache, so a free on CPU B of an
 * object whose slab CPU A is allocating from is an ordinary push on B: no
 * remote freelist, no cmpxchg_double.
 *
 * Barn: a full array parks its newest `batch` objects in a sheaf on the
 * cache's barn; an empty array takes a sheaf back. Only when the barn is
 * empty (or full: 1/64 of RAM) do objects move between arrays and slabs:
 * an empty array is refilled up to its limit from the partial slabs, a full
 * one gives its `batch` oldest objects back to their slabs.
 *
 * Node layer: one node (struct kmem_cache_node); list_lock protects the
 * partial and full lists, every slab's freelist/inuse, and the counters.
 *   slab on partial  <=>  slab->freelist != NULL (inuse < objects)
 *   slab on full     <=>  slab->freelist == NULL
 *   objects in CPU arrays and sheaves count as in use (inuse) for their
 *   slab, as objects in per-CPU slabs do in the kernel.
 * Empty slabs stay on the partial list up to min_partial; beyond that, and
 * on kmem_cache_shrink() / slab_shrink_all(), they go back to the buddy.
 *
 * Lock order: slab_mutex -> CPU ownership (pcpu_enter) -> barn lock, or
 * list_lock -> zone->lock (page allocator); the barn lock and list_lock are
 * never held together. New slabs are allocated with no lock and no
 * CPU held, since alloc_pages may sleep.
 *
 * Free pointers are encoded (next ^ secret ^ swab(address)), and a free object
 * always holds a valid encoding while an allocated one has it cleared: so a
 * second free of an object that sits in a CPU array, a sheaf or on a slab
 * freelist is recognised even without slab debugging, and refused.
 *
 * Debug caches (any of SLAB_CONSISTENCY_CHECKS, SLAB_RED_ZONE, SLAB_POISON,
 * SLAB_STORE_USER, SLAB_TRACE) bypass the CPU arrays, as the kernel's debug
 * caches bypass the per-CPU slab: every operation takes list_lock and runs
 * the checks of debug/slub_debug.c. So do caches with the internal
 * __SLAB_FULL_PATH (init_on_alloc/init_on_free, kasan=on, Valgrind): their
 * zeroing and sanitizer annotations live on that path only
 * (docs/hardening.md).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/log2.h>
#include <linux/bug.h>
#include <linux/rcupdate.h>
#include <linux/percpu-defs.h>
#include <limits.h>
#include <string.h>

#include "mm/slab.h"
#include "debug/kasan.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "lib/fault-inject.h"
#include "debug/trace.h"

/*
 * The task pointer is laundered through an empty asm: GCC's -fsanitize=null
 * check of the TLS address (&ukmem_task) was compiled as a lea followed by
 * je on stale flags and fired on a valid pointer. An opaque register value
 * gets an ordinary test. No cost in normal builds.
 */
static __always_inline struct task_struct *slab_task(void)
{
	struct task_struct *t = current_task();

	__asm__("" : "+r"(t));
	return t;
}

/* an allocator section on this CPU (sched.h): preemption off, marked */
static __always_inline void slab_section_enter(struct task_struct *t)
{
	alloc_enter(t);
	preempt_count_inc(t, 1);
}

static __always_inline void slab_section_exit(struct task_struct *t)
{
	preempt_count_dec(t, 1);
	alloc_exit(t);
}

static __always_inline struct task_struct *slab_cpu_enter(void)
{
	struct task_struct *t = slab_task();

	slab_section_enter(t);
	return t;
}

/*
 * Interrupted sections (sched.h: alloc_enter()). A signal handler is an
 * interrupt on the CPU of the task it interrupted; with irq_enter() it may
 * allocate with GFP_ATOMIC, as in Linux - unless it interrupted the
 * allocator itself in the middle of a per-CPU section (a leaf section pops
 * between loading the array top and storing it back) or under one of its
 * locks. There the kernel has interrupts off; ukmem cannot afford to block
 * signals on every call, so the handler's call finds the mark instead and:
 *   - an allocation fails (NULL, as kmalloc_nolock() may): GFP_ATOMIC
 *     callers handle failure; nothing is printed (printk from a handler
 *     could meet the log lock of the very code it interrupted);
 *   - a free is deferred: the object is chained to the task through its own
 *     free pointer word (its first word for a large kmalloc) and freed by the
 *     task when it leaves its outermost allocator section, or by its next
 *     allocator call. Pointers that cannot be checked there without risk
 *     (not a slab object start, already free, another cache, queued twice)
 *     are kept aside and replayed through the ordinary free path, which
 *     reports them.
 * Nothing is handed out twice and nothing is lost.
 */
static noinline bool slab_door_slow(struct task_struct *t);

/* slab_door - the full paths' entry: false when @t interrupted an allocator section */
static __always_inline bool slab_door(struct task_struct *t)
{
	if (likely(!task_alloc_interrupted(t) && !t->deferred_free && !t->nr_deferred_bad))
		return true;
	return slab_door_slow(t);
}

/* deferred_link - where deferred @x keeps the next one: NULL if nowhere safe */
static void **deferred_link(const void *x, struct kmem_cache **cache)
{
	unsigned long pa = (unsigned long)((const char *)x - __ukmem_direct_map);
	unsigned long base, off, idx, span;
	struct kmem_cache *s;
	struct page *slab;

	*cache = NULL;
	if (pa >= slab_fastmap.lowmem_bytes)
		return NULL;
	slab = compound_head(mem_map + (pa >> PAGE_SHIFT));
	if (!PageSlab(slab)) {
		if (!PageHead(slab) || !(slab->flags & (1UL << PG_large_kmalloc)) ||
		    x != page_address(slab))
			return NULL;
		return (void **)x;
	}
	s = slab->slab_cache;
	base = (unsigned long)slab_address(slab);
	span = (unsigned long)slab_objects(s, slab) * s->size;
	off = (unsigned long)x - base - s->red_left_pad;
	idx = (off * s->reciprocal_size) >> 32;
	if (off >= span || idx * s->size != off)
		return NULL;
	*cache = s;
	return freeptr_addr(s, (void *)x);
}

/*
 * slab_defer_free - @x (of @expect, or any kmalloc object) freed by a
 * handler that interrupted an allocator section of @t: queue it. Reads
 * and plain stores only; the queue heads are swapped with single-thread
 * atomics, so a handler nested in this one queues safely too.
 */
static noinline void slab_defer_free(struct task_struct *t, struct kmem_cache *expect,
				     const void *x)
{
	struct kmem_cache *s, *s2;
	void **link = deferred_link(x, &s), *head, *p;
	unsigned int i;

	if (!link || (expect && expect != s) || (!s && expect))
		goto aside;
	if (s && !kmem_cache_debug(s)) {
		struct page *slab = compound_head(virt_to_page(x));
		unsigned long next = (unsigned long)get_freepointer(s, (void *)x);
		unsigned long base = (unsigned long)slab_address(slab);

		if (next <= 1 || next - base < (unsigned long)slab_objects(s, slab) * s->size)
			goto aside; /* already free: the replay reports it */
	}
	for (p = t->deferred_free; p; p = *deferred_link(p, &s2))
		if (p == x)
			goto aside; /* queued twice: the replay reports the second */
	head = __atomic_load_n(&t->deferred_free, __ATOMIC_RELAXED);
	do {
		*link = head;
	} while (!__atomic_compare_exchange_n(&t->deferred_free, &head, (void *)x, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	goto out;
aside:
	i = __atomic_fetch_add(&t->nr_deferred_bad, 1, __ATOMIC_RELAXED);
	if (i < ARRAY_SIZE(t->deferred_bad)) {
		t->deferred_bad[i].x = x;
		t->deferred_bad[i].cache = expect;
	}
out:
	/* the task's next call takes the full path, which runs the queue */
	__atomic_store_n(&t->fast_slot, &lease_busy_slot, __ATOMIC_RELAXED);
}

/* slab_run_deferred - free what handlers deferred on @t (outside its sections). */
static void slab_run_deferred(struct task_struct *t)
{
	void *x, *next;
	unsigned int n, i;

	if (!slab_fastmap.lowmem_bytes || task_alloc_interrupted(t))
		return;
	while ((x = __atomic_exchange_n(&t->deferred_free, NULL, __ATOMIC_RELAXED))) {
		for (; x; x = next) {
			struct kmem_cache *s;
			void **link = deferred_link(x, &s);

			next = *link;
			*link = NULL; /* live again: no valid encoding */
			if (s)
				kmem_cache_free(s, x);
			else
				kfree(x);
		}
	}
	for (;;) {
		struct {
			const void *x;
			void *cache;
		} aside[ARRAY_SIZE(t->deferred_bad)];

		n = __atomic_load_n(&t->nr_deferred_bad, __ATOMIC_RELAXED);
		if (!n)
			break;
		memcpy(aside, t->deferred_bad,
		       min(n, (unsigned int)ARRAY_SIZE(aside)) * sizeof(aside[0]));
		/* a handler that came meanwhile appended past n: read again */
		if (!__atomic_compare_exchange_n(&t->nr_deferred_bad, &n, 0, false,
						 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			continue;
		for (i = 0; i < min(n, (unsigned int)ARRAY_SIZE(aside)); i++) {
			if (aside[i].cache)
				kmem_cache_free(aside[i].cache, (void *)aside[i].x);
			else
				kfree(aside[i].x);
		}
		if (n > ARRAY_SIZE(aside))
			report_warn(
			    UKMEM_REPORT_SLAB, __FILE__, __LINE__, NULL,
			    "kfree: %u invalid frees from interrupt context dropped unchecked\n",
			    n - (unsigned int)ARRAY_SIZE(aside));
	}
}

static noinline bool slab_door_slow(struct task_struct *t)
{
	if (task_alloc_interrupted(t))
		return false;
	slab_run_deferred(t);
	/* the queue is run: leaf sections again (the thread-cache slow paths enter no CPU) */
	if (task_preemptible(t) && !t->cpu_held)
		t->fast_slot = t->idle_slot;
	return true;
}

void slab_deferred_init(void)
{
	__atomic_store_n(&alloc_deferred_hook, slab_run_deferred, __ATOMIC_RELEASE);
}

/*
 * The four hottest entry points start on a cache line: otherwise where the
 * linker happens to put them moved the 64-byte pair by up to 0.7 ns between
 * builds of the same code.
 */
#define __hot_path __attribute__((aligned(64), hot))

#define SLUB_MAX_ORDER 3
/*
 * 510 pointers and the 16-byte header fill 4 KiB exactly: CPUs' arrays are
 * a page apart. (A 2 KiB stride measured 0.7 ns slower a pair once - a layout
 * effect, kept out of the way rather than understood.)
 */
#define CPU_ARRAY_MAX 510

unsigned long slab_secret;

/* -------------------------------------------------------------- geometry */

static unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

/* calc_slab_order - the lowest order holding @min_objects with waste <= 1/@fract. */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order, unsigned int fract)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned long slab_size = PAGE_SIZE << order;
		unsigned long rem = slab_size % size;

		if (rem <= slab_size / fract)
			break;
	}
	return order;
}

/*
 * calculate_order - the kernel's policy: aim at 4 * (fls(nr_cpus) + 1)
 * objects per slab (fewer trips to the node), accept at most 1/16 waste,
 * then 1/8, 1/4, within order 3; huge objects get the smallest order.
 */
static unsigned int calculate_order(unsigned int size)
{
	unsigned int min_objects = 4 * ((unsigned int)fls(machine.nr_cpus) + 1);
	unsigned int max_objects = order_objects(SLUB_MAX_ORDER, size);
	unsigned int fract, min_order;

	if (max_objects < min_objects)
		min_objects = max_objects ? max_objects : 1;
	min_order = (unsigned int)get_order((unsigned long)min_objects * size);
	for (fract = 16; fract > 1; fract /= 2) {
		unsigned int order = calc_slab_order(size, min_order, SLUB_MAX_ORDER, fract);

		if (order <= SLUB_MAX_ORDER)
			return order;
	}
	return (unsigned int)get_order(size);
}

unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = 64; /* cache_line_size() */

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, (unsigned int)ARCH_SLAB_MINALIGN);
	return ALIGN(align, (unsigned int)sizeof(void *));
}

/* calculate_sizes - lay out one object and its metadata (see mm/slab.h). */
static int calculate_sizes(struct kmem_cache *s)
{
	slab_flags_t flags = s->flags;
	unsigned int size = ALIGN(s->object_size, (unsigned int)sizeof(void *));
	bool has_ctor = s->ctor || s->legacy_ctor;
	u64 e;

	if ((flags & SLAB_POISON) && !(flags & SLAB_TYPESAFE_BY_RCU) && !has_ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;
	/* a right red zone of at least one word, even for word-sized objects */
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;
	if ((flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)) || has_ctor ||
	    ((flags & SLAB_RED_ZONE) &&
	     (s->object_size < sizeof(void *) || slub_debug_orig_size(s)))) {
		/* contents must survive while free: pointer goes after the object */
		s->offset = size;
		size += sizeof(void *);
	} else {
		/* middle of the object: small overflows do not hit it */
		s->offset = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(void *));
	}
	if (flags & SLAB_STORE_USER) {
		size += 2 * sizeof(struct track);
		if (flags & SLAB_KMALLOC)
			size += sizeof(unsigned int); /* orig_size */
	}
	if (flags & SLAB_RED_ZONE) {
		/* a word between the metadata and the next object's left red zone */
		size += sizeof(void *);
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	} else {
		s->red_left_pad = 0;
	}
	size = ALIGN(size, s->align);
	s->size = size;
	s->order = calculate_order(size);
	s->objects = order_objects(s->order, size);
	if (!s->objects)
		return -EINVAL;
	s->reciprocal_size = (u32)(((1ULL << 32) + size - 1) / size);
	s->size_magic = UINT64_MAX / size + 1;
	/* e = size * c - 2^64: the step of off * c from one object start to the next */
	e = s->size_magic * size;
	s->start_limit = e != 0 ? (u64)s->objects * e : 1;
	s->slab_mask = (PAGE_SIZE << s->order) - 1;
	s->slab_span = (unsigned long)s->objects * size;
	s->allocflags = s->order ? __GFP_COMP : 0;
	if (flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->gfp_fixup = (__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK) & ~s->allocflags;
	s->fast_gfp = s->gfp_fixup | __GFP_ZERO;
	if ((flags & SLAB_KMALLOC) && !(flags & (SLAB_CACHE_DMA | SLAB_RECLAIM_ACCOUNT)))
		s->fast_gfp |= __GFP_DMA | __GFP_RECLAIMABLE;
	return 0;
}

/*
 * CPU array blocks. Every cache's arrays lie PCPU_AREA_STRIDE (4 KiB) apart,
 * one per CPU, so that the leaf sections find theirs from the lease word
 * alone (pcpu_off, sched.h). A block is nr_cpus strides of meta memory;
 * caches with smaller arrays share one, each taking the same aligned run of
 * 64-byte units in every CPU's stride (a bitmap of 64 per block). Blocks go
 * back when their last array does. Their descriptors sit in chunks of a
 * table made as needed: up to cpu_blocks_max blocks (65536; tests lower it
 * to reach the end), after which kmem_cache_create() fails with -ENOMEM.
 */
#define CPU_BLOCK_CHUNK	 1024U
#define CPU_BLOCK_CHUNKS 64U
struct cpu_array_block {
	char *base;   /* NULL: descriptor unused */
	size_t bytes; /* nr_cpus strides of the machine it was made for */
	u64 used;     /* 64-byte units of each stride in use */
};
static struct cpu_array_block *cpu_block_chunks[CPU_BLOCK_CHUNKS];
unsigned int cpu_blocks_max = CPU_BLOCK_CHUNK * CPU_BLOCK_CHUNKS;
static DEFINE_MUTEX(cpu_blocks_lock);

_Static_assert(sizeof(struct kmem_cache_cpu) + CPU_ARRAY_MAX * sizeof(void *) <= PCPU_AREA_STRIDE,
	       "the largest CPU array must fit one per-CPU stride");

/* the bytes of one CPU's array of @limit objects */
static size_t cpu_array_bytes(unsigned int limit)
{
	return sizeof(struct kmem_cache_cpu) + limit * sizeof(void *);
}

/* the run of 64-byte units (at bit 0) that @bytes take in each stride */
static u64 cpu_array_run(size_t bytes, unsigned int *units)
{
	*units = 1U << order_base_2((bytes + 63) / 64);
	return *units >= 64 ? ~0ULL : (1ULL << *units) - 1;
}

/* descriptor @i, or NULL when its chunk does not exist (and @make could not make it) */
static struct cpu_array_block *cpu_block_at(unsigned int i, bool make)
{
	struct cpu_array_block **chunk = &cpu_block_chunks[i / CPU_BLOCK_CHUNK];

	if (!*chunk && make)
		*chunk = plat_meta_alloc(CPU_BLOCK_CHUNK * sizeof(**chunk)); /* zeroed */
	return *chunk ? &(*chunk)[i % CPU_BLOCK_CHUNK] : NULL;
}

/* cpu_arrays_alloc - @bytes (<= PCPU_AREA_STRIDE) for every CPU, zeroed; NULL when out. */
static struct kmem_cache_cpu *cpu_arrays_alloc(size_t bytes)
{
	size_t block_bytes = (size_t)machine.nr_cpus << PCPU_AREA_SHIFT;
	unsigned int units, pos, i, spare = UINT_MAX;
	u64 run = cpu_array_run(bytes, &units);
	struct cpu_array_block *b;
	char *p = NULL;

	mutex_lock(&cpu_blocks_lock);
	for (i = 0; i < min(cpu_blocks_max, CPU_BLOCK_CHUNK * CPU_BLOCK_CHUNKS); i++) {
		b = cpu_block_at(i, false);
		if (!b || !b->base) {
			spare = min(spare, i);
			if (!b)
				i |= CPU_BLOCK_CHUNK - 1; /* no chunk: skip it */
			continue;
		}
		if (b->bytes != block_bytes)
			continue;
		for (pos = 0; pos < 64; pos += units) {
			if (!(b->used & (run << pos))) {
				b->used |= run << pos;
				p = b->base + pos * 64;
				goto out;
			}
		}
	}
	if (spare < cpu_blocks_max && (b = cpu_block_at(spare, true)) &&
	    (b->base = plat_meta_alloc(block_bytes))) {
		b->bytes = block_bytes;
		b->used = run;
		p = b->base;
	}
out:
	mutex_unlock(&cpu_blocks_lock);
	if (p)
		for (int cpu = 0; cpu < machine.nr_cpus; cpu++)
			memset(p + ((size_t)cpu << PCPU_AREA_SHIFT), 0, units * 64);
	return (struct kmem_cache_cpu *)p;
}

/* cpu_arrays_free - give back what cpu_arrays_alloc(@bytes) returned as @arrays. */
static void cpu_arrays_free(struct kmem_cache_cpu *arrays, size_t bytes)
{
	unsigned int units, i;
	u64 run = cpu_array_run(bytes, &units);
	struct cpu_array_block *b;
	char *p = (char *)arrays;

	mutex_lock(&cpu_blocks_lock);
	for (i = 0; i < CPU_BLOCK_CHUNK * CPU_BLOCK_CHUNKS; i++) {
		if (!(b = cpu_block_at(i, false))) {
			i |= CPU_BLOCK_CHUNK - 1;
			continue;
		}
		if (b->base && p >= b->base && p < b->base + PCPU_AREA_STRIDE) {
			b->used &= ~(run << ((p - b->base) / 64));
			if (!b->used) {
				plat_meta_free(b->base, b->bytes);
				b->base = NULL;
			}
			break;
		}
	}
	mutex_unlock(&cpu_blocks_lock);
}

/*
 * cpu_arrays_forget - the machine is gone (the end of slab_exit(), or a fork
 * child's copy): what is left belonged to caches destroyed with objects
 * left, whose structs went with the machine's memory.
 */
void cpu_arrays_forget(void)
{
	for (unsigned int c = 0; c < CPU_BLOCK_CHUNKS; c++) {
		struct cpu_array_block *chunk = cpu_block_chunks[c];

		if (!chunk)
			continue;
		for (unsigned int i = 0; i < CPU_BLOCK_CHUNK; i++)
			if (chunk[i].base)
				plat_meta_free(chunk[i].base, chunk[i].bytes);
		plat_meta_free(chunk, CPU_BLOCK_CHUNK * sizeof(*chunk));
		cpu_block_chunks[c] = NULL;
	}
}

/*
 * cpu_arrays_fork_child - another thread may have held the block lock at
 * fork() time; the child, which forgets the blocks anyway, makes it anew.
 */
void cpu_arrays_fork_child(void)
{
	mutex_init(&cpu_blocks_lock);
}

static int alloc_cpu_arrays(struct kmem_cache *s)
{
	unsigned int limit, size = s->size;

	if (kmem_cache_debug(s) || slab_hooks)
		limit = 0; /* debug caches, failslab, tracing: every operation on the full path */
	else if (size > 131072)
		limit = 1;
	else if (size > PAGE_SIZE)
		limit = 14;
	else if (size > 1024)
		limit = 62;
	else if (size > 256)
		limit = 126;
	else
		limit = CPU_ARRAY_MAX;
	s->cpu_limit = limit;
	s->cpu_batch = (limit + 1) / 2;
	/*
	 * Empty slabs are kept while the node's free objects would fit in two
	 * arrays per CPU: a working set that breathes by a few arrays' worth
	 * does not churn slabs through the page allocator. Shrinking and
	 * reclaim still free them all.
	 */
	s->max_free_cached = 2UL * (limit ? limit : 60) * (unsigned long)machine.nr_cpus;
	s->cpu_slab = cpu_arrays_alloc(cpu_array_bytes(limit));
	if (!s->cpu_slab)
		return -ENOMEM;
	for (int cpu = 0; cpu < machine.nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = cpu_cache(s, cpu);

		c->limit = limit;
		c->batch = s->cpu_batch;
	}
	return 0;
}

/*
 * SLAB_FREELIST_RANDOM (slab_freelist_random=1): each cache gets a random
 * permutation of its slab's object indices (Fisher-Yates), and every new
 * slab chains its objects in that order starting at a random position,
 * wrapping around - the kernel's init_cache_random_seq()/shuffle_freelist().
 * Slabs of a fallback order (fewer objects) skip the indices beyond them.
 */
static int init_cache_random_seq(struct kmem_cache *s)
{
	unsigned int n = s->objects, i;

	s->random_seq = plat_meta_alloc(n * sizeof(*s->random_seq));
	if (!s->random_seq)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		s->random_seq[i] = i;
	for (i = n - 1; i > 0; i--) {
		unsigned int j = (unsigned int)(plat_random() % (i + 1)), x = s->random_seq[i];

		s->random_seq[i] = s->random_seq[j];
		s->random_seq[j] = x;
	}
	return 0;
}

static void free_cache_random_seq(struct kmem_cache *s)
{
	if (s->random_seq)
		plat_meta_free(s->random_seq, s->objects * sizeof(*s->random_seq));
	s->random_seq = NULL;
}

/* shuffle_freelist - chain the @objects objects from @first in random order */
static void shuffle_freelist(struct kmem_cache *s, struct page *slab, char *first,
			     unsigned int objects)
{
	unsigned int pos = (unsigned int)(plat_random() % s->objects), i, idx;
	void *prev = NULL;

	for (i = 0; i < s->objects; i++, pos = pos + 1 == s->objects ? 0 : pos + 1) {
		idx = s->random_seq[pos];
		if (idx >= objects)
			continue; /* a fallback slab has fewer objects */
		if (prev)
			set_freepointer(s, prev, first + (size_t)idx * s->size);
		else
			slab->freelist = first + (size_t)idx * s->size;
		prev = first + (size_t)idx * s->size;
	}
	set_freepointer(s, prev, NULL);
}

/*
 * do_kmem_cache_create - fill in @s (zeroed, name/ctor/flags set by the
 * caller) and make it usable. Return: 0 or -errno.
 */
int do_kmem_cache_create(struct kmem_cache *s, const char *name, unsigned int size,
			 unsigned int align, slab_flags_t flags)
{
	unsigned int l;

	s->name = name;
	s->object_size = size;
	s->flags = flags;
	s->align = calculate_alignment(flags, align, size);
	/* a secret of its own per cache, as the kernel's get_random_long() */
	s->random = slab_secret ^ plat_random();
	/* init_on_alloc/init_on_free: the full path zeroes (docs/hardening.md) */
	if ((init_on_alloc || init_on_free) && !s->ctor && !s->legacy_ctor &&
	    !(flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)))
		s->flags |= __SLAB_FULL_PATH;
	if (kasan_on) /* every cache: its objects are poisoned while free */
		s->flags |= __SLAB_FULL_PATH;
	if (calculate_sizes(s))
		return -EINVAL;
	if (slab_freelist_random && init_cache_random_seq(s))
		return -ENOMEM;
	l = (unsigned int)ilog2(s->size) / 2;
	s->min_partial = clamp(l, 5U, 10U);
	spin_lock_init(&s->node.list_lock);
	INIT_LIST_HEAD(&s->node.partial);
	INIT_LIST_HEAD(&s->node.full);
	s->refcount = 1;
	if (alloc_cpu_arrays(s))
		return -ENOMEM;
	tc_cache_init(s);
	spin_lock_init(&s->barn.lock);
	if (s->cpu_batch >= 4 && s->cpu_batch <= SHEAF_CAPACITY)
		s->barn.max_objects =
		    max((totalram_pages() << PAGE_SHIFT) / 64 / s->size, 4UL * s->cpu_batch);
	return 0;
}

/* ------------------------------------------------------------ slabs */

static inline bool slab_reclaimable(const struct kmem_cache *s)
{
	return s->flags & SLAB_RECLAIM_ACCOUNT;
}

static void account_slab(struct kmem_cache *s, unsigned int order, long sign)
{
	mod_node_page_state(slab_reclaimable(s) ? NR_SLAB_RECLAIMABLE : NR_SLAB_UNRECLAIMABLE,
			    sign * (1L << order));
}

static void setup_object(struct kmem_cache *s, void *object)
{
	if (kmem_cache_debug(s))
		setup_object_debug(s, object);
	if (s->ctor)
		s->ctor(object);
	else if (s->legacy_ctor)
		s->legacy_ctor(object, s, SLAB_CTOR_CONSTRUCTOR);
}

/*
 * set_slab_fast - mark every page of @slab (order @order) as a slab of @s
 * for the free fast paths, or unmark them (@s NULL). Read without locks.
 */
static void set_slab_fast(struct page *slab, unsigned int order, struct kmem_cache *s)
{
	/* a pointer with bits in the tag field could not carry tags: no fast path */
	unsigned long word =
	    s && !((unsigned long)s & CPU_TAG_ALL) ? (unsigned long)s | CPU_TAG_ALL : 0;

	for (unsigned long i = 0; i < 1UL << order; i++)
		__atomic_store_n((unsigned long *)&slab[i].slab_fast, word, __ATOMIC_RELAXED);
}

/*
 * Passive false sharing. Objects smaller than a cache line (or not a
 * multiple of it) share lines with their neighbours. An allocator that lets
 * a thread keep an object another thread allocated - a free pushed on the
 * freeing thread's own array, popped again by its next allocation - makes
 * that thread write a line whose other objects the first thread (or others
 * it handed neighbours to) are writing: every write moves the line between
 * cores (mimalloc-bench's cache-scratch measures this). SLUB avoids it by
 * freeing an object of a slab that is not the CPU's own to the slab's
 * freelist, not to the CPU; ukmem's arrays take any object, so each slab
 * of such a cache carries the CPU tag (sched.h) of the CPU that last took
 * objects from it, in its pages' slab_fast words. A free on a task of
 * another CPU is remote: it leaves the fast paths, and goes to the thread
 * array's remote stash (never handed out by that thread), then in batches
 * back to the slabs; the CPU that owns the slab takes it from there.
 * Caches whose objects never share a line carry every tag: no free of
 * theirs is remote. With more than 16 CPUs, CPUs 16 apart share a tag.
 */
static __always_inline bool slab_shares_lines(const struct kmem_cache *s)
{
	return s->size % SMP_CACHE_BYTES != 0;
}

/* slab_set_owner - @cpu takes objects from @slab (list_lock held): frees on other CPUs are remote
 */
static void slab_set_owner(struct kmem_cache *s, struct page *slab, int cpu)
{
	unsigned long *w = (unsigned long *)&slab->slab_fast;
	unsigned long word = __atomic_load_n(w, __ATOMIC_RELAXED), tagged;

	if (!word || !slab_shares_lines(s))
		return; /* no fast path (debug, another order), or nothing to share */
	tagged = (word & ~CPU_TAG_ALL) | cpu_tag(cpu);
	if (word == tagged)
		return;
	for (unsigned long i = 0; i < 1UL << s->order; i++)
		__atomic_store_n((unsigned long *)&slab[i].slab_fast, tagged, __ATOMIC_RELAXED);
}

/* slab_remote - @x (an object of an own-order slab, or not) would be a remote free on @t */
static __always_inline bool slab_remote(const void *x, const struct task_struct *t)
{
	unsigned long word =
	    __atomic_load_n((unsigned long *)&virt_to_page(x)->slab_fast, __ATOMIC_RELAXED);

	return word && !(word & t->slab_cpu_tag);
}

/*
 * allocate_slab - a new slab from the page allocator, every object
 * constructed and chained on its freelist. Called with no lock held.
 */
static struct page *allocate_slab(struct kmem_cache *s, gfp_t gfp)
{
	unsigned int order = s->order, objects, i;
	gfp_t flags = (gfp & ~(GFP_ZONEMASK | __GFP_ZERO | __GFP_COMP)) | s->allocflags;
	struct page *slab;
	char *base, *p;

	if (order)
		flags |= __GFP_NOWARN | __GFP_NORETRY;
	slab = alloc_pages(flags, order);
	if (unlikely(!slab) && order) {
		/* the smallest order holding one object, as the kernel's oo_min */
		order = (unsigned int)get_order(s->size);
		flags = (gfp & ~(GFP_ZONEMASK | __GFP_ZERO | __GFP_COMP)) | s->allocflags;
		if (order)
			flags |= __GFP_COMP;
		else
			flags &= ~__GFP_COMP;
		slab = alloc_pages(flags, order);
	}
	if (unlikely(!slab))
		return NULL;
	objects = order_objects(order, s->size);
	base = slab_address(slab);
	slab->slab_cache = s;
	slab->inuse = 0;
	slab->objects = objects;
	slab->frozen = 0;
	/* atomic: buddy merging reads neighbours' flags */
	__atomic_fetch_or(&slab->flags, 1UL << PG_slab, __ATOMIC_RELAXED);
	account_slab(s, order, 1);
	if (kmem_cache_debug(s))
		setup_slab_debug(s, slab, base);
	else if (order == s->order)
		set_slab_fast(slab, order, s);
	p = base + s->red_left_pad;
	for (i = 0; i < objects; i++, p += s->size) {
		setup_object(s, p);
		set_freepointer(s, p, i + 1 < objects ? p + s->size : NULL);
	}
	slab->freelist = base + s->red_left_pad;
	if (s->random_seq && objects > 1)
		shuffle_freelist(s, slab, base + s->red_left_pad, objects);
	if (unlikely(kasan_on))
		for (i = 0, p = base + s->red_left_pad; i < objects; i++, p += s->size)
			kasan_slab_free_object(s, p, false);
	return slab;
}

/* __discard_slab - destructors, then the pages back to the buddy. No lock held. */
static void __discard_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned int order = compound_order(slab), i;
	char *p = (char *)slab_address(slab) + s->red_left_pad;

	if (s->dtor)
		for (i = 0; i < slab->objects; i++, p += s->size)
			s->dtor(p, s, 0);
	if (s->flags & SLAB_CONSISTENCY_CHECKS)
		check_slab_pad(s, slab);
	set_slab_fast(slab, order, NULL);
	__atomic_fetch_and(&slab->flags, ~(1UL << PG_slab), __ATOMIC_RELAXED);
	slab->slab_cache = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	INIT_LIST_HEAD(&slab->slab_list);
	slab->mapping = NULL; /* aliases slab_list.prev; the kernel clears it too */
	account_slab(s, order, -1);
	__free_pages(slab, order);
}

static void rcu_free_slab(struct rcu_head *head)
{
	struct page *slab = container_of((struct list_head *)head, struct page, slab_list);

	__discard_slab(slab->slab_cache, slab);
}

/*
 * discard_slab - an empty slab goes back to the page allocator. A
 * SLAB_TYPESAFE_BY_RCU cache's slab waits for a grace period first, so a
 * reader inside rcu_read_lock() that still holds a pointer to one of its
 * objects reads memory of the same type (maybe reused by the cache, never
 * by anyone else). The slab, off every list, lends slab_list to the rcu_head.
 */
static void discard_slab(struct kmem_cache *s, struct page *slab)
{
	if (unlikely(s->flags & SLAB_TYPESAFE_BY_RCU)) {
		call_rcu((struct rcu_head *)&slab->slab_list, rcu_free_slab);
		return;
	}
	__discard_slab(s, slab);
}

static void add_slab_locked(struct kmem_cache_node *n, struct page *slab)
{
	list_add(&slab->slab_list, &n->partial);
	n->nr_partial++;
	n->nr_slabs++;
	n->total_objects += slab->objects;
	n->nr_free += slab->objects;
}

/*
 * freepointer_ok - @next, read from a free object of @slab, is NULL or an
 * object of the same slab. A wild value means the object was written after
 * it was freed: the kernel's "Freepointer corrupt".
 */
static bool freepointer_ok(struct kmem_cache *s, struct page *slab, void *next)
{
	return !next || object_in_slab(s, slab, next);
}

static noinline void freechain_corrupt(struct kmem_cache *s, struct page *slab, void *object)
{
	slab_bug(s, "Freepointer corrupt");
	print_trailer(s, slab, object);
	slab_fix(s, "Isolate corrupted freechain");
	report_end(UKMEM_REPORT_SLAB);
}

/*
 * take_object_locked - pop one object off @slab's freelist (list_lock
 * held). A corrupt free pointer ends the chain: the objects behind it are
 * written off as in use rather than risk handing out a wild address.
 */
static void *take_object_locked(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab)
{
	void *object = slab->freelist;
	void *next = get_freepointer(s, object);

	if (unlikely(!freepointer_ok(s, slab, next))) {
		freechain_corrupt(s, slab, object);
		n->nr_free -= (unsigned long)(slab->objects - slab->inuse - 1);
		slab->inuse = slab->objects - 1;
		next = NULL;
	}
	slab->freelist = next;
	slab->inuse++;
	n->nr_free--;
	if (!next) {
		list_move(&slab->slab_list, &n->full);
		n->nr_partial--;
	}
	return object;
}

/*
 * free_to_slab_locked - put @object back on @slab (list_lock held). Return:
 * the slab if it became empty and should go back to the page allocator.
 */
static struct page *free_to_slab_locked(struct kmem_cache *s, struct kmem_cache_node *n,
					struct page *slab, void *object, bool keep)
{
	bool was_full = !slab->freelist;

	set_freepointer(s, object, slab->freelist);
	slab->freelist = object;
	slab->inuse--;
	n->nr_free++;
	if (was_full) {
		list_move_tail(&slab->slab_list, &n->partial);
		n->nr_partial++;
	}
	if (!slab->inuse && !keep && n->nr_partial > s->min_partial &&
	    n->nr_free > s->max_free_cached) {
		list_del(&slab->slab_list);
		n->nr_partial--;
		n->nr_slabs--;
		n->total_objects -= slab->objects;
		n->nr_free -= slab->objects;
		return slab;
	}
	return NULL;
}

static inline struct page *virt_to_slab(const void *x)
{
	return compound_head(virt_to_page(x));
}

/* free_objects_to_slabs - give @nr objects back to their slabs under one lock. */
static void free_objects_to_slabs(struct kmem_cache *s, void **objs, unsigned int nr)
{
	struct kmem_cache_node *n = &s->node;
	struct page *discard[CPU_ARRAY_MAX + 1];
	unsigned int i, nd = 0;

	slab_spin_lock(&n->list_lock);
	for (i = 0; i < nr; i++) {
		struct page *slab = virt_to_slab(objs[i]);
		struct page *d = free_to_slab_locked(s, n, slab, objs[i], false);

		if (d && nd < ARRAY_SIZE(discard))
			discard[nd++] = d;
	}
	slab_spin_unlock(&n->list_lock);
	for (i = 0; i < nd; i++)
		discard_slab(s, discard[i]);
}

/* ------------------------------------------------------------ alloc */

gfp_t kmalloc_fix_flags(gfp_t flags)
{
	gfp_t invalid_mask = flags & (__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK);

	flags &= ~(__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK);
	report_start(UKMEM_REPORT_SLAB);
	pr_warn("Unexpected gfp: %#x (%pGg). Fixing up to gfp: %#x (%pGg). Fix your code!\n",
		invalid_mask, &invalid_mask, flags, &flags);
	report_stack();
	report_end(UKMEM_REPORT_SLAB);
	return flags;
}

static noinline void *slab_alloc_debug(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
				       unsigned long caller)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab, *fresh = NULL;
	void *object;

	for (;;) {
		slab_spin_lock(&n->list_lock);
		if (fresh) {
			add_slab_locked(n, fresh);
			fresh = NULL;
		}
		slab = list_first_entry_or_null(&n->partial, struct page, slab_list);
		if (slab) {
			/*
			 * Checked before it is taken: check_object() validates
			 * its free pointer, the next freelist head, as 6.12's
			 * alloc_consistency_checks() does.
			 */
			object = slab->freelist;
			if (alloc_debug_processing(s, slab, object, orig_size, caller)) {
				take_object_locked(s, n, slab);
				break;
			}
			/* corrupt: the kernel's "Marking all objects used" */
			n->nr_free -= (unsigned long)(slab->objects - slab->inuse);
			slab->inuse = slab->objects;
			if (slab->freelist) {
				slab->freelist = NULL;
				list_move(&slab->slab_list, &n->full);
				n->nr_partial--;
			}
			slab_spin_unlock(&n->list_lock);
			continue;
		}
		slab_spin_unlock(&n->list_lock);
		fresh = allocate_slab(s, gfp);
		if (!fresh)
			return NULL;
	}
	slab_spin_unlock(&n->list_lock);
	if (s->flags & SLAB_TRACE)
		trace_object(s, slab, object, 1);
	return object;
}

/*
 * Pop order. The array is a stack: objects moved in from a slab are stored
 * reversed so that they pop in the slab's freelist order, lowest address
 * first for a fresh slab (as SLUB hands them out). With the page allocator
 * handing out ascending blocks, a run of new slabs then pops in one
 * direction throughout; popping each slab downwards while the slabs go
 * upwards is the one order hardware prefetchers follow worst (walking cold
 * 64-byte objects that way cost twice the straight walk here, either
 * direction; a batch keeps the pattern it got first, reversed each time).
 */
static void reverse_entries(void **e, unsigned int n)
{
	for (unsigned int i = 0, j = n; i + 1 < j; i++, j--) {
		void *x = e[i];

		e[i] = e[j - 1];
		e[j - 1] = x;
	}
}

/*
 * take_free_slab - every object of the wholly free @slab into @c, by address
 * rather than by walking the chain: the loads of the free pointers are
 * independent, so this runs at throughput, not at one cache latency per
 * object. Each must still hold a valid encoding (NULL or an object of the
 * slab); if one does not, nothing is taken and the chain walk reports it.
 */
static bool take_free_slab(struct kmem_cache *s, struct page *slab, struct kmem_cache_cpu *c)
{
	char *base = (char *)slab_address(slab) + s->red_left_pad, *p = base;
	unsigned long span = (unsigned long)slab->objects * s->size;
	unsigned int i, bad = 0;

	for (i = 0; i < slab->objects; i++, p += s->size) {
		unsigned long next = (unsigned long)get_freepointer(s, p);
		unsigned long off = next - (unsigned long)base;

		bad |= next && (off >= span || !size_divides(s, off));
		c->entry[c->avail + slab->objects - 1 - i] = p; /* popped lowest address first */
	}
	if (bad)
		return false;
	c->avail += slab->objects;
	return true;
}

/*
 * take_objects_locked - move free objects of @slab into @c until it holds
 * @want (list_lock held). Their free pointers stay as they are: a valid
 * in-slab encoding still marks them free for the double-free check.
 */
static void take_objects_locked(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab,
				struct kmem_cache_cpu *c, unsigned int want, int cpu)
{
	char *base = (char *)slab_address(slab) + s->red_left_pad;
	unsigned int objects = slab->objects, taken = 0, first = c->avail;
	void *object = slab->freelist;

	slab_set_owner(s, slab, cpu);

	/* by address only where the chain's order is not the point (SLAB_FREELIST_RANDOM) */
	if (!slab->inuse && want - c->avail >= objects && !s->random_seq &&
	    take_free_slab(s, slab, c)) {
		slab->freelist = NULL;
		slab->inuse = objects;
		n->nr_free -= objects;
		list_move(&slab->slab_list, &n->full);
		n->nr_partial--;
		return;
	}

	while (object && c->avail < want) {
		void *next = get_freepointer(s, object);

		if (unlikely(next)) {
			unsigned long off = (unsigned long)((char *)next - base);
			unsigned long idx = (off * s->reciprocal_size) >> 32;

			if (unlikely(idx >= objects || idx * s->size != off)) {
				/* cut the chain here; the rest is written off as in use */
				freechain_corrupt(s, slab, object);
				n->nr_free -= (unsigned long)(objects - slab->inuse - taken - 1);
				slab->inuse = objects - taken - 1;
				next = NULL;
			}
		}
		c->entry[c->avail++] = object;
		taken++;
		object = next;
	}
	reverse_entries(c->entry + first, taken); /* popped in freelist order */
	slab->freelist = object;
	slab->inuse += taken;
	n->nr_free -= taken;
	if (!object) {
		list_move(&slab->slab_list, &n->full);
		n->nr_partial--;
	}
}

/* ------------------------------------------------------------ fast paths' view of memory */

/* the direct map, its size and mem_map in one line; set by slab_init, cleared by slab_exit */
struct slab_fastmap slab_fastmap;

/* ------------------------------------------------------------ barn */

struct kmem_cache *slab_sheaf_cache;

/* sheaf_alloc - an empty sheaf, or NULL (then objects go to their slabs). */
static struct slab_sheaf *sheaf_alloc(struct kmem_cache *s)
{
	struct kmem_cache_barn *barn = &s->barn;

	if (!barn->max_objects || !slab_sheaf_cache ||
	    __atomic_load_n(&barn->nr_objects, __ATOMIC_RELAXED) + s->cpu_batch > barn->max_objects)
		return NULL;
	return kmem_cache_alloc(slab_sheaf_cache, GFP_NOWAIT | __GFP_NOWARN);
}

/*
 * barn_put - park the @nr newest objects of @c in @sheaf, in the barn (CPU
 * held): the top of the array, so nothing moves down; parked objects are
 * not on any slab, so which half goes makes no difference to the slabs.
 * Return: false when the barn is full; nothing was moved.
 */
static bool barn_put(struct kmem_cache *s, struct kmem_cache_cpu *c, struct slab_sheaf *sheaf,
		     unsigned int nr)
{
	struct kmem_cache_barn *barn = &s->barn;

	slab_spin_lock(&barn->lock);
	if (barn->nr_objects + nr > barn->max_objects) {
		slab_spin_unlock(&barn->lock);
		return false;
	}
	memcpy(sheaf->objects, c->entry + c->avail - nr, nr * sizeof(void *));
	sheaf->size = nr;
	sheaf->next = barn->full;
	__atomic_store_n(&barn->full, sheaf, __ATOMIC_RELAXED); /* read unlocked as a hint */
	__atomic_store_n(&barn->nr_objects, barn->nr_objects + nr, __ATOMIC_RELAXED);
	slab_spin_unlock(&barn->lock);
	c->avail -= nr;
	return true;
}

/*
 * barn_get - move a full sheaf's objects into the empty array @c (CPU
 * held). Return: the emptied sheaf, for the caller to free once it has
 * left the CPU, or NULL when the barn has none that fits.
 */
static struct slab_sheaf *barn_get(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct kmem_cache_barn *barn = &s->barn;
	struct slab_sheaf *sheaf;

	if (!__atomic_load_n(&barn->full, __ATOMIC_RELAXED))
		return NULL;
	slab_spin_lock(&barn->lock);
	sheaf = barn->full;
	if (sheaf && c->avail + sheaf->size <= c->limit) {
		__atomic_store_n(&barn->full, sheaf->next, __ATOMIC_RELAXED);
		__atomic_store_n(&barn->nr_objects, barn->nr_objects - sheaf->size,
				 __ATOMIC_RELAXED);
	} else {
		sheaf = NULL;
	}
	slab_spin_unlock(&barn->lock);
	if (sheaf) {
		memcpy(c->entry + c->avail, sheaf->objects, sheaf->size * sizeof(void *));
		c->avail += sheaf->size;
	}
	return sheaf;
}

/* barn_drain - every parked object back to its slab, every sheaf freed. */
void barn_drain(struct kmem_cache *s)
{
	struct kmem_cache_barn *barn = &s->barn;
	struct slab_sheaf *sheaf, *next;

	if (!__atomic_load_n(&barn->full, __ATOMIC_RELAXED))
		return;
	slab_spin_lock(&barn->lock);
	sheaf = barn->full;
	__atomic_store_n(&barn->full, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&barn->nr_objects, 0, __ATOMIC_RELAXED);
	slab_spin_unlock(&barn->lock);
	for (; sheaf; sheaf = next) {
		next = sheaf->next;
		free_objects_to_slabs(s, sheaf->objects, sheaf->size);
		kmem_cache_free(slab_sheaf_cache, sheaf);
	}
}

static void *tc_alloc_slow(struct kmem_cache *s, struct task_struct *t, gfp_t gfp);
static void tc_spill(struct kmem_cache *s, struct task_struct *t, void **buf, unsigned int nr);
static bool tc_free_slow(struct kmem_cache *s, struct task_struct *t, void *object);
static bool tc_usable(struct kmem_cache *s, struct task_struct *t);

/*
 * slab_alloc_refill - the CPU array is empty: take a sheaf from the barn,
 * or else fill the array up to its limit from the node's partial slabs (CPU
 * held, then list_lock: the documented order), allocating a new slab with
 * neither held when the node has none. Return: one object, or NULL.
 */
static noinline void *slab_alloc_refill(struct kmem_cache *s, gfp_t gfp)
{
	struct kmem_cache_node *n = &s->node;
	struct page *fresh = NULL, *slab;
	struct slab_sheaf *used = NULL;
	struct task_struct *t;
	struct kmem_cache_cpu *c;
	unsigned int want;
	void *object;

	for (;;) {
		t = slab_cpu_enter();
		c = cpu_cache(s, t->cpu);
		want = c->limit ? c->limit : 1; /* a full array: half as many trips */
		if (c->avail && !fresh)
			goto pop; /* someone refilled this CPU meanwhile */
		if (!fresh && (used = barn_get(s, c)))
			goto pop;
		slab_spin_lock(&n->list_lock);
		if (fresh) {
			add_slab_locked(n, fresh);
			fresh = NULL;
		}
		while (c->avail < want &&
		       (slab = list_first_entry_or_null(&n->partial, struct page, slab_list)))
			take_objects_locked(s, n, slab, c, want, t->cpu);
		slab_spin_unlock(&n->list_lock);
		if (c->avail)
			goto pop;
		slab_section_exit(t);
		fresh = allocate_slab(s, gfp);
		if (!fresh)
			return NULL;
	}
pop:
	object = c->entry[--c->avail];
	slab_section_exit(t);
	if (used)
		kmem_cache_free(slab_sheaf_cache, used);
	return object;
}

/*
 * slab_alloc - the allocation path every entry point funnels into.
 * @orig_size is the size the caller asked for (kmalloc red zone).
 */
static __always_inline void *__slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
					  unsigned long caller)
{
	struct task_struct *t;
	struct kmem_cache_cpu *c;
	void *object;

	if (unlikely(__atomic_load_n(&s->destroyed, __ATOMIC_RELAXED))) {
		slab_report_destroyed(s, "kmem_cache_alloc", (void *)caller);
		return NULL;
	}
	t = slab_task();
	if (unlikely(!slab_door(t)))
		return NULL; /* a handler over an allocator section (above) */
	if (unlikely(gfp & s->gfp_fixup))
		gfp = kmalloc_fix_flags(gfp);
	if (unlikely((gfp & __GFP_DIRECT_RECLAIM) && !task_preemptible(t)))
		might_sleep_check(__FILE__, __LINE__);
	/* slab_pre_alloc_hook(): armed caches have no arrays, so every allocation is here */
	if (unlikely(slab_hooks & SLAB_HOOK_FAILSLAB) && should_failslab(s, gfp))
		return NULL;
	if (unlikely(kmem_cache_debug(s))) {
		object = slab_alloc_debug(s, gfp, orig_size, caller);
		/* init_on_free: clear the last non-zero word (maybe_wipe_obj_freeptr) */
		if (object && slab_want_init_on_free(s) && s->offset < s->object_size)
			*freeptr_addr(s, object) = NULL;
		if (!object)
			return NULL;
		kasan_unpoison(object, s->object_size); /* poisoned while free */
		if (slab_want_init_on_alloc(gfp, s))
			memset(object, 0,
			       (s->flags & (SLAB_STORE_USER | SLAB_RED_ZONE)) &&
				       (s->flags & SLAB_KMALLOC)
				   ? orig_size
				   : s->object_size);
		/* then the bytes past the request poisoned, a Memcheck block made */
		kasan_slab_alloc_object(s, object, orig_size, slab_want_init_on_alloc(gfp, s));
		return object;
	}
	if (tc_usable(s, t)) {
		object = tc_alloc_slow(s, t, gfp);
		if (unlikely(!object))
			return NULL;
		goto got;
	}
	slab_section_enter(t);
	c = cpu_cache(s, t->cpu);
	if (likely(c->avail)) {
		object = c->entry[--c->avail];
		slab_section_exit(t);
	} else {
		slab_section_exit(t);
		object = slab_alloc_refill(s, gfp);
		if (unlikely(!object))
			return NULL;
	}
got:
	*freeptr_addr(s, object) = NULL; /* live: no valid encoding */
	if (unlikely(gfp & __GFP_ZERO))
		memset(object, 0, s->object_size);
	return object;
}

noinline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size, unsigned long caller)
{
	struct task_struct *t = slab_task();
	void *object;

	if (unlikely(!gate_enter(t)))
		return NULL; /* the machine was shut down meanwhile (sched.h) */
	object = __slab_alloc(s, gfp, orig_size, caller);
	gate_exit(t);
	trace_kmem_cache_alloc(caller, object, s, gfp);
	return object;
}

/*
 * slab_alloc_fast - the common case in a leaf section: a task holding its
 * thread arrays or a lease on its CPU, an object in the array. The caller
 * has tested the gfp bits (s->fast_gfp). NULL means "take the full path",
 * which handles everything (including this case). Nothing here needs a
 * stack frame.
 */
static __always_inline void *slab_alloc_fast(struct kmem_cache *s)
{
	struct task_struct *t;
	struct kmem_cache_cpu *c;
	unsigned long top; /* 64 bits: the index needs no zero-extension */
	void *object;
	struct ukmem_lease *slot;
	unsigned long pcpu_off, tc;

	/* debug caches have no arrays (limit 0, tc_off 0): they fail the avail test */
	t = task_peek();
	if (unlikely(!(slot = leaf_enter(t))))
		return NULL;
	tc = __atomic_load_n(&slot->tc, __ATOMIC_ACQUIRE);
	if (likely(tc)) {
		/* the thread's own array (a cache without one has the empty dummy) */
		struct slab_tc_array *a = tc_array_at(tc, s);

		/* the top's index: an empty array is the subtraction's borrow, no test of its own
		 */
		if (unlikely(__builtin_sub_overflow((unsigned long)a->avail, 1UL, &top)))
			goto out;
		object = a->entry[top];
		a->avail = (unsigned int)top;
	} else {
		pcpu_off = __atomic_load_n(&slot->pcpu_off, __ATOMIC_ACQUIRE);
		if (unlikely(!pcpu_off))
			goto out;
		c = cpu_cache_at(s, pcpu_off);
		if (unlikely(__builtin_sub_overflow((unsigned long)c->avail, 1UL, &top)))
			goto out;
		object = c->entry[top];
		c->avail = (unsigned int)top;
	}
	pcpu_leaf_exit(slot);
	if (!object)
		__builtin_unreachable(); /* arrays hold objects: no NULL test after us */
	*freeptr_addr(s, object) = NULL; /* live: no valid encoding */
	return object;
out:
	pcpu_leaf_exit(slot);
	return NULL;
}

/*
 * cache_alloc_other - kmem_cache_alloc() with gfp bits its inline fast path
 * leaves out (s->fast_gfp): __GFP_ZERO still pops in a leaf section.
 */
static noinline void *cache_alloc_other(struct kmem_cache *s, gfp_t flags, unsigned long caller)
{
	void *object;

	if (likely(!(flags & s->gfp_fixup)) && likely(object = slab_alloc_fast(s))) {
		if (flags & __GFP_ZERO)
			memset(object, 0, s->object_size);
		return object;
	}
	return slab_alloc(s, flags, s->object_size, caller);
}

/*
 * cache_alloc - the inline half. The caller's address is taken on the
 * out-of-line branches only (_RET_IP_ of the exported function this is
 * inlined into): on the fast path it would be a load for nothing.
 */
static __always_inline void *cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	void *object;

	if (unlikely(!s))
		return NULL;
	if (unlikely(flags & s->fast_gfp))
		return cache_alloc_other(s, flags, (unsigned long)__builtin_return_address(0));
	if (likely(object = slab_alloc_fast(s)))
		return object;
	return slab_alloc(s, flags, s->object_size, (unsigned long)__builtin_return_address(0));
}

/* ------------------------------------------------------------ free */

static noinline void slab_free_debug(struct kmem_cache *s, struct page *slab, void *object,
				     unsigned long caller)
{
	struct kmem_cache_node *n = &s->node;
	struct page *discard;

	kasan_unpoison(object, s->object_size); /* the checks read it; poisoned again below */
	slab_spin_lock(&n->list_lock);
	if (!free_debug_processing(s, slab, object, caller)) {
		slab_spin_unlock(&n->list_lock);
		/* a double free: the object stays free, so poisoned again */
		if (unlikely(kasan_on) && slab_object_free(s, slab, object))
			kasan_slab_free_object(s, object, false);
		return;
	}
	if (s->flags & SLAB_TRACE)
		trace_object(s, slab, object, 0);
	/* init_on_free: before the free pointer is stored; red zones stay as they are */
	if (slab_want_init_on_free(s))
		memset(object, 0, s->object_size);
	kasan_slab_free_object(s, object, true);
	discard = free_to_slab_locked(s, n, slab, object, false);
	slab_spin_unlock(&n->list_lock);
	if (discard)
		discard_slab(s, discard);
}

/*
 * slab_free_flush - the CPU array is full: its `batch` oldest objects go
 * back to their slabs under list_lock (CPU held), then @object is pushed.
 * Slabs that became empty beyond min_partial are freed after both are
 * released.
 */
static noinline void slab_free_flush(struct kmem_cache *s, void *object)
{
	struct kmem_cache_node *n = &s->node;
	struct page *discard[CPU_ARRAY_MAX + 1];
	struct slab_sheaf *sheaf = sheaf_alloc(s);
	struct task_struct *t;
	struct kmem_cache_cpu *c;
	unsigned int nr = 0, nd = 0, i;

	t = slab_cpu_enter();
	c = cpu_cache(s, t->cpu);
	if (c->avail >= c->limit) {
		/* the oldest go: the newest are the cache-hot ones */
		nr = min(c->batch ? c->batch : 1, c->avail);
		if (sheaf && nr <= SHEAF_CAPACITY && barn_put(s, c, sheaf, nr)) {
			sheaf = NULL;
			goto push;
		}
		slab_spin_lock(&n->list_lock);
		for (i = 0; i < nr; i++) {
			void *o = c->entry[i];
			struct page *d = free_to_slab_locked(s, n, virt_to_slab(o), o, false);

			if (d)
				discard[nd++] = d;
		}
		if (c->avail >= c->limit && !c->limit) {
			struct page *d =
			    free_to_slab_locked(s, n, virt_to_slab(object), object, false);

			if (d)
				discard[nd++] = d;
			object = NULL;
		}
		slab_spin_unlock(&n->list_lock);
		memmove(c->entry, c->entry + nr, (c->avail - nr) * sizeof(void *));
		c->avail -= nr;
	}
push:
	if (object)
		c->entry[c->avail++] = object;
	slab_section_exit(t);
	if (sheaf)
		kmem_cache_free(slab_sheaf_cache, sheaf);
	for (i = 0; i < nd; i++)
		discard_slab(s, discard[i]);
}

/*
 * slab_free - free @object, already known to be an object of @s in @slab.
 */
static __always_inline void __slab_free(struct kmem_cache *s, struct page *slab, void *object,
					unsigned long caller)
{
	struct task_struct *t;
	struct kmem_cache_cpu *c;
	unsigned long next;

	if (unlikely(kmem_cache_debug(s))) {
		slab_free_debug(s, slab, object, caller);
		return;
	}
	/* already free: parked in a CPU array, or on a slab freelist */
	next = (unsigned long)get_freepointer(s, object);
	if (unlikely(next <= 1 || next - (unsigned long)slab_address(slab) <
				      (unsigned long)slab_objects(s, slab) * s->size)) {
		report_double_free(s, slab, object,
				   "double free detected (object is already free)");
		return;
	}
	set_freepointer(s, object, FREEPTR_IN_CPU);
	t = slab_task();
	if (tc_usable(s, t) && tc_free_slow(s, t, object))
		return;
	slab_section_enter(t);
	c = cpu_cache(s, t->cpu);
	if (unlikely(c->avail && c->entry[c->avail - 1] == object)) {
		/* cannot happen after the check above unless racing frees */
		slab_section_exit(t);
		report_double_free(s, slab, object, "object is already the freelist head");
		return;
	}
	if (likely(c->avail < c->limit)) {
		c->entry[c->avail++] = object;
		slab_section_exit(t);
		return;
	}
	slab_section_exit(t);
	slab_free_flush(s, object);
}

void slab_free(struct kmem_cache *s, struct page *slab, void *object, unsigned long caller)
{
	__slab_free(s, slab, object, caller);
}

/* ------------------------------------------------------------ thread caches */

/*
 * Thread caches: each thread has a small array per cache (struct slab_tc)
 * in front of the CPU arrays, used in leaf sections through the tc word of
 * its lease slot, so the common case needs no virtual CPU at all: tasks may
 * outnumber CPUs without queueing for them on every allocation. Objects
 * move between a thread's array and the CPU arrays in batches, holding the
 * CPU as any section does. Objects in a thread array keep the "free"
 * encoding (a second free is caught) and count as in use for their slabs,
 * as those in CPU arrays do.
 *
 * Who touches a thread's arrays: its owner in a leaf section (the tc word
 * valid, in_section set); its owner's slow path, preemptible, holding
 * tc->lock and no CPU; a drainer (kmem_cache_shrink/destroy, reclaim,
 * thread exit), holding tc->lock, after clearing the tc word, membarrier()
 * and waiting for in_section to read 0 - the revocation protocol of
 * sched.h. Lock order: tc_mutex -> tc->lock -> CPU -> list_lock; nothing
 * may sleep or allocate while holding tc->lock (reclaim drains).
 *
 * Thread caches are used only in preemptible context and only where leases
 * are (membarrier() works); atomic context uses the CPU arrays, as the
 * kernel does.
 */
static DEFINE_MUTEX(tc_mutex);
static LIST_HEAD(tc_tables);
static struct kmem_cache *tc_caches[TC_MAX_CACHES]; /* index -> cache (0: the dummy) */
static u64 tc_index_used = 1;			    /* bit 0: the dummy */
/*
 * The calling thread holds tc_mutex (TC_DRAINING: freeing to the slabs may
 * run a destructor that allocates or frees, and reclaim may drain), or has
 * begun to exit (TC_EXITED: its table is being emptied; thread-exit hooks
 * that run later must not make a new one nobody frees). Either way it makes
 * no table and uses the CPU arrays; a draining thread drains nothing more.
 */
#define TC_DRAINING 1
#define TC_EXITED   2
static __thread unsigned char tc_barred;

void tc_cache_init(struct kmem_cache *s)
{
	u64 used = __atomic_load_n(&tc_index_used, __ATOMIC_RELAXED);
	unsigned int i;

	s->tc_off = 0;
	if (!s->cpu_limit || !sched_leases_ok())
		return;
	do {
		if (!~used)
			return; /* all taken: this cache works without thread caches */
		i = (unsigned int)__builtin_ctzll(~used);
	} while (!__atomic_compare_exchange_n(&tc_index_used, &used, used | (1ULL << i), false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	/* above 1 KiB half as many: a thread strands less memory per cache */
	s->tc_limit = min(s->cpu_limit, s->size > 1024 ? TC_ENTRIES / 2U : TC_ENTRIES);
	__atomic_store_n(&tc_caches[i], s, __ATOMIC_RELEASE);
	s->tc_off = i << TC_ARRAY_SHIFT;
}

static void tc_lock(struct slab_tc *tc)
{
	int spins = 0;

	while (__atomic_exchange_n(&tc->lock, 1, __ATOMIC_ACQUIRE)) {
		if (++spins < 64)
			__builtin_ia32_pause();
		else
			plat_yield();
	}
}

static void tc_unlock(struct slab_tc *tc)
{
	__atomic_store_n(&tc->lock, 0, __ATOMIC_RELEASE);
}

static __always_inline bool tc_usable(struct kmem_cache *s, struct task_struct *t)
{
	return s->tc_off && t->lease_slot && task_preemptible(t);
}

/* tc_get - the calling task's thread caches, made on first use; NULL if none can be had. */
static struct slab_tc *tc_get(struct task_struct *t)
{
	struct slab_tc *tc = t->slab_tc;

	if (likely(tc))
		return tc;
	if (tc_barred)
		return NULL;
	tc = plat_meta_alloc(sizeof(*tc));
	if (!tc)
		return NULL;
	tc->slot = t->lease_slot;
	alloc_enter(t); /* a signal handler must not meet tc_mutex held by us */
	mutex_lock(&tc_mutex);
	list_add(&tc->list, &tc_tables);
	mutex_unlock(&tc_mutex);
	t->slab_tc = tc;
	alloc_exit(t);
	return tc;
}

/*
 * tc_owner_lock - the owner's hold of its own table, an allocator section
 * (sched.h): a signal handler over it must neither take tc->lock (it would
 * spin on itself) nor use the arrays through the tc word while they
 * change, so the word stays cleared until tc_validate(). A handler that
 * came before the store used them whole; one after it finds the word 0.
 */
static void tc_owner_lock(struct task_struct *t, struct slab_tc *tc)
{
	alloc_enter(t);
	tc_lock(tc);
	__atomic_store_n(&tc->slot->tc, 0, __ATOMIC_RELAXED);
	barrier();
}

static void tc_owner_unlock(struct task_struct *t, struct slab_tc *tc)
{
	tc_unlock(tc);
	alloc_exit(t);
}

/* tc_validate - (tc->lock held, by the owner) the leaf sections may use @tc again */
static void tc_validate(struct slab_tc *tc)
{
	__atomic_store_n(&tc->slot->tc, (unsigned long)tc, __ATOMIC_RELEASE);
}

/*
 * tc_fill - up to @n objects of @s from this CPU's array (refilled from the
 * barn or the slabs when empty) into @buf in the order the array hands them
 * out, still marked free. Return: how many.
 */
static unsigned int tc_fill(struct kmem_cache *s, struct task_struct *t, void **buf, unsigned int n,
			    gfp_t gfp)
{
	unsigned int i = 0;

	while (i < n) {
		unsigned long pcpu_off;
		struct ukmem_lease *leaf = pcpu_enter_leaf_or_full(t, &pcpu_off);
		struct kmem_cache_cpu *c = cpu_cache_at(s, pcpu_off);
		unsigned int k = min(c->avail, n - i);

		while (k--) /* in pop order: fresh slabs go up (see take_objects_locked) */
			buf[i++] = c->entry[--c->avail];
		pcpu_exit_leaf_or_full(t, leaf);
		if (i == n || i > 0)
			break; /* a partial batch is enough */
		buf[i] = slab_alloc_refill(s, gfp);
		if (!buf[i])
			break;
		i++;
	}
	return i;
}

/*
 * tc_leaf_arrays - inside a leaf section on @slot: this thread's array of
 * @s and the leased CPU's array. False when either is not valid (no thread
 * cache, or no lease): the caller leaves and takes the locked path.
 */
static __always_inline bool tc_leaf_arrays(struct kmem_cache *s, struct ukmem_lease *slot,
					   struct slab_tc_array **a, struct kmem_cache_cpu **c)
{
	unsigned long tc = __atomic_load_n(&slot->tc, __ATOMIC_ACQUIRE);
	unsigned long pcpu_off = __atomic_load_n(&slot->pcpu_off, __ATOMIC_ACQUIRE);

	if (!tc || !pcpu_off)
		return false;
	*a = tc_array_at(tc, s);
	*c = cpu_cache_at(s, pcpu_off);
	(*a)->limit = s->tc_limit - (*a)->remote;
	return true;
}

/*
 * tc_refill_leaf - the common refill, with no lock and no CPU door: one leaf
 * section holding both the thread's arrays (tc word valid) and a leased CPU
 * (pcpu_off valid) - drainers and revokers both wait for in_section, so the
 * pair is as safe as either - moves up to half a thread array of objects
 * from the CPU array, in the order the CPU array hands them out, and
 * returns one (still marked free: the caller clears it). NULL: not here (no
 * lease, thread arrays not valid, CPU array empty): take the locked path.
 */
static noinline void *tc_refill_leaf(struct kmem_cache *s, struct task_struct *t)
{
	struct ukmem_lease *slot = leaf_enter(t);
	struct slab_tc_array *a;
	struct kmem_cache_cpu *c;
	void *object = NULL;
	unsigned int n;

	if (!slot)
		return NULL;
	if (!tc_leaf_arrays(s, slot, &a, &c))
		goto out;
	if (a->avail) {
		object = a->entry[--a->avail];
		goto out;
	}
	n = min(c->avail, (s->tc_limit + 1) / 2);
	if (n > a->limit + 1)
		n = a->limit + 1; /* the remote stash keeps the rest of the array */
	if (!n)
		goto out;
	/* the CPU array's top n, same order: its top is handed out first */
	c->avail -= n;
	object = c->entry[c->avail + n - 1];
	memcpy(a->entry, c->entry + c->avail, (n - 1) * sizeof(void *));
	a->avail = n - 1;
out:
	pcpu_leaf_exit(slot);
	return object;
}

/*
 * tc_free_leaf - tc_refill_leaf()'s counterpart for a free: @object
 * (checked, marked free) is pushed on the thread array, a full one first
 * moving its older half to the CPU array when that has room. False: not
 * here (no lease, arrays not valid, CPU array full, @object already the
 * top): the locked path does it, or reports.
 */
static noinline bool tc_free_leaf(struct kmem_cache *s, struct task_struct *t, void *object)
{
	struct ukmem_lease *slot = leaf_enter(t);
	struct slab_tc_array *a;
	struct kmem_cache_cpu *c;
	unsigned int nr;
	bool done = false;

	if (!slot)
		return false;
	if (!tc_leaf_arrays(s, slot, &a, &c))
		goto out;
	if (unlikely(a->avail && a->entry[a->avail - 1] == object))
		goto out;
	if (a->avail >= a->limit) {
		if (a->remote)
			goto out; /* the stash goes first, under the lock */
		/* the oldest go: the newest are the cache-hot ones */
		nr = a->avail / 2 ? a->avail / 2 : a->avail;
		if (c->limit - c->avail < nr)
			goto out;
		memcpy(c->entry + c->avail, a->entry, nr * sizeof(void *));
		c->avail += nr;
		memmove(a->entry, a->entry + nr, (a->avail - nr) * sizeof(void *));
		a->avail -= nr;
	}
	a->entry[a->avail++] = object;
	done = true;
out:
	pcpu_leaf_exit(slot);
	return done;
}

/*
 * tc_alloc_slow - the thread's array of @s is empty (or not valid): refill
 * half of it from the CPU layer and return one object (still marked free:
 * the caller clears it).
 */
static void *tc_alloc_slow(struct kmem_cache *s, struct task_struct *t, gfp_t gfp)
{
	struct slab_tc *tc;
	struct slab_tc_array *a;
	void *buf[TC_ENTRIES];
	unsigned int n, room;
	void *object = tc_refill_leaf(s, t);

	if (likely(object))
		return object;
	tc = tc_get(t);
	if (unlikely(!tc))
		goto cpu;
	tc_owner_lock(t, tc);
	a = tc_array_at((unsigned long)tc, s);
	a->limit = s->tc_limit - a->remote;
	if (a->avail) {
		object = a->entry[--a->avail];
		tc_validate(tc);
		tc_owner_unlock(t, tc);
		return object;
	}
	tc_owner_unlock(t, tc);
	/* no lock across the refill: it may sleep, and reclaim drains thread caches */
	n = tc_fill(s, t, buf, (s->tc_limit + 1) / 2, gfp);
	if (!n)
		return NULL;
	tc_owner_lock(t, tc);
	room = a->limit - a->avail; /* only drainers ran meanwhile: they only take */
	if (n - 1 > room) {
		tc_owner_unlock(t, tc);
		goto spill;
	}
	while (--n) /* buf[1] is popped next */
		a->entry[a->avail++] = buf[n];
	tc_validate(tc);
	tc_owner_unlock(t, tc);
	return buf[0];
spill:
	tc_spill(s, t, buf + 1, n - 1);
	return buf[0];
cpu:
	n = tc_fill(s, t, buf, 1, gfp);
	return n ? buf[0] : NULL;
}

/*
 * tc_spill - @nr objects (marked free) from a thread array back to this
 * CPU's array; what does not fit goes the way of a full array's frees.
 */
static void tc_spill(struct kmem_cache *s, struct task_struct *t, void **buf, unsigned int nr)
{
	unsigned int i = 0;

	while (i < nr) {
		unsigned long pcpu_off;
		struct ukmem_lease *leaf = pcpu_enter_leaf_or_full(t, &pcpu_off);
		struct kmem_cache_cpu *c = cpu_cache_at(s, pcpu_off);
		unsigned int k = min(c->limit - c->avail, nr - i);

		memcpy(c->entry + c->avail, buf + i, k * sizeof(void *));
		c->avail += k;
		i += k;
		pcpu_exit_leaf_or_full(t, leaf);
		if (i < nr)
			slab_free_flush(s, buf[i++]);
	}
}

/* tc_take_stash - (tc->lock held) empty @a's remote stash into @buf: how many */
static unsigned int tc_take_stash(struct slab_tc_array *a, void **buf)
{
	unsigned int n = a->remote;

	memcpy(buf, a->entry + a->limit, n * sizeof(void *));
	a->limit += n;
	a->remote = 0;
	return n;
}

/*
 * tc_free_slow - push @object (checked, marked free) on the thread's array
 * of @s, moving the older half to the CPU layer if it is full. False:
 * nothing done (no thread caches to be had).
 */
static bool tc_free_slow(struct kmem_cache *s, struct task_struct *t, void *object)
{
	struct slab_tc *tc;
	struct slab_tc_array *a;
	void *buf[TC_ENTRIES], *stash[TC_ENTRIES];
	unsigned int nr = 0, ns = 0;

	if (likely(tc_free_leaf(s, t, object)))
		return true;
	tc = tc_get(t);
	if (unlikely(!tc))
		return false;
	tc_owner_lock(t, tc);
	a = tc_array_at((unsigned long)tc, s);
	a->limit = s->tc_limit - a->remote;
	if (unlikely(a->avail && a->entry[a->avail - 1] == object)) {
		/* cannot happen after the caller's check unless racing frees */
		tc_owner_unlock(t, tc);
		report_double_free(s, virt_to_slab(object), object,
				   "object is already the freelist head");
		return true;
	}
	if (a->avail >= a->limit && a->remote)
		ns = tc_take_stash(a, stash); /* room for our own first */
	if (a->avail >= a->limit) {
		/* the oldest go: the newest are the cache-hot ones */
		nr = a->avail / 2 ? a->avail / 2 : a->avail;
		memcpy(buf, a->entry, nr * sizeof(void *));
		memmove(a->entry, a->entry + nr, (a->avail - nr) * sizeof(void *));
		a->avail -= nr;
	}
	a->entry[a->avail++] = object;
	tc_validate(tc);
	tc_owner_unlock(t, tc);
	if (ns)
		free_objects_to_slabs(s, stash, ns);
	if (nr)
		tc_spill(s, t, buf, nr);
	return true;
}

/*
 * tc_free_remote - @object (checked, marked free) is of a slab another CPU
 * takes from (see slab_set_owner()): into the thread's remote stash, which
 * goes back to the slabs when it holds a quarter of the array or leaves the
 * thread's own objects no room. Nothing of it is handed out here.
 */
static void tc_free_remote(struct kmem_cache *s, struct task_struct *t, void *object)
{
	struct slab_tc *tc = tc_get(t);
	struct slab_tc_array *a;
	void *stash[TC_ENTRIES + 1];
	unsigned int ns = 0, lim = s->tc_limit;

	if (unlikely(!tc)) {
		free_objects_to_slabs(s, &object, 1);
		return;
	}
	tc_owner_lock(t, tc);
	a = tc_array_at((unsigned long)tc, s);
	a->limit = lim - a->remote;
	if (a->remote >= max(lim / 4, 1U) || a->avail + a->remote >= lim)
		ns = tc_take_stash(a, stash);
	if (a->avail < lim) {
		a->remote++;
		a->entry[lim - a->remote] = object;
	} else {
		stash[ns++] = object;
	}
	a->limit = lim - a->remote;
	tc_validate(tc);
	tc_owner_unlock(t, tc);
	if (ns)
		free_objects_to_slabs(s, stash, ns);
}

/* tc_take - (tc->lock held, owner out of its sections) empty @tc's array of @s into @buf */
static unsigned int tc_take(struct slab_tc *tc, struct kmem_cache *s, void **buf, bool forget)
{
	struct slab_tc_array *a = tc_array_at((unsigned long)tc, s);
	unsigned int n = a->avail;

	memcpy(buf, a->entry, n * sizeof(void *));
	a->avail = 0;
	n += tc_take_stash(a, buf + n);
	if (forget)
		a->limit = 0; /* the index may be given to another cache */
	return n;
}

/* tc_wait_out - after the tc word was cleared: wait until the owner has left its section */
static void tc_wait_out(struct slab_tc *tc)
{
	int spins = 0;

	/* a thread that exits inside a section is never out of it: dead says so */
	while (!__atomic_load_n(&tc->dead, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&tc->slot->in_section, __ATOMIC_ACQUIRE)) {
		if (++spins < 64)
			__builtin_ia32_pause();
		else
			plat_yield();
	}
}

/*
 * tc_drain - every thread's array of @s back to the slabs (shrink, destroy,
 * reclaim, shutdown); with @forget, the arrays' limits are cleared for a
 * cache that goes. Preemptible context only.
 */
static void tc_drain(struct kmem_cache *s, bool forget)
{
	struct slab_tc *tc, *mine = slab_task()->slab_tc;
	void *buf[TC_ENTRIES];
	unsigned int n;

	if (!s->tc_off || (tc_barred & TC_DRAINING))
		return; /* nested in a drain: the outer one holds the mutex */
	mutex_lock(&tc_mutex);
	tc_barred |= TC_DRAINING;
	list_for_each_entry (tc, &tc_tables, list) {
		if (tc == mine)
			continue;
		tc_lock(tc);
		__atomic_store_n(&tc->slot->tc, 0, __ATOMIC_SEQ_CST);
	}
	/* afterwards each owner sees tc == 0, or its in_section = 1 is visible */
	plat_membarrier();
	/*
	 * Our own table first and never held while freeing: freeing to the
	 * slabs may run a destructor that frees into it.
	 */
	list_for_each_entry (tc, &tc_tables, list) {
		if (tc != mine)
			continue;
		tc_owner_lock(slab_task(), tc);
		n = tc_take(tc, s, buf, forget);
		tc_owner_unlock(slab_task(), tc);
		if (n)
			free_objects_to_slabs(s, buf, n);
	}
	list_for_each_entry (tc, &tc_tables, list) {
		if (tc == mine)
			continue;
		tc_wait_out(tc);
		n = tc_take(tc, s, buf, forget);
		tc_unlock(tc);
		if (n)
			free_objects_to_slabs(s, buf, n);
	}
	tc_barred &= ~TC_DRAINING;
	mutex_unlock(&tc_mutex);
}

void tc_cache_release(struct kmem_cache *s)
{
	unsigned int i = s->tc_off >> TC_ARRAY_SHIFT;

	if (!i)
		return;
	tc_drain(s, true);
	__atomic_store_n(&tc_caches[i], NULL, __ATOMIC_RELAXED);
	s->tc_off = 0;
	__atomic_fetch_and(&tc_index_used, ~(1ULL << i), __ATOMIC_RELEASE);
}

/*
 * slab_tc_exit - the thread is going: its arrays go back to the slabs and
 * its table is freed. The table stays listed until it is empty, so that a
 * concurrent kmem_cache_destroy() (whose drain waits for tc_mutex) cannot
 * miss its objects. A thread that dies inside an allocator section (a
 * signal handler over one left through pthread_exit()) may hold its locks:
 * nothing may be locked here, the table stays, marked dead, for drainers to
 * empty. (task_exit() has given back a CPU held in atomic context before.)
 */
void slab_tc_exit(struct task_struct *t)
{
	struct slab_tc *tc = t->slab_tc, *pos;
	bool found = false;
	unsigned int i;

	if (!tc)
		return;
	if (!task_preemptible(t) || t->alloc_nest) {
		__atomic_store_n(&tc->dead, true, __ATOMIC_RELEASE);
		return;
	}
	tc_barred |= TC_EXITED; /* for good: this thread makes no table any more */
	t->slab_tc = NULL;
	alloc_enter(t); /* a signal handler must not meet tc_mutex held by us */
	mutex_lock(&tc_mutex);
	list_for_each_entry (pos, &tc_tables, list) /* a table of this boot? */
		if (pos == tc)
			found = true;
	if (!found) {
		mutex_unlock(&tc_mutex);
		alloc_exit(t);
		return;
	}
	__atomic_store_n(&tc->slot->tc, 0, __ATOMIC_RELEASE);
	for (i = 1; i < TC_MAX_CACHES; i++) {
		struct kmem_cache *s = __atomic_load_n(&tc_caches[i], __ATOMIC_ACQUIRE);
		void *buf[TC_ENTRIES];
		unsigned int n;

		if (!s || !(tc->arrays[i].avail | tc->arrays[i].remote))
			continue;
		n = tc_take(tc, s, buf, false);
		free_objects_to_slabs(s, buf, n);
	}
	list_del(&tc->list);
	mutex_unlock(&tc_mutex);
	alloc_exit(t);
	plat_meta_free(tc, sizeof(*tc));
}

/* tc_tables_nr - thread caches in existence (for tests: none may outlive its thread). */
unsigned int tc_tables_nr(void)
{
	struct slab_tc *tc;
	unsigned int n = 0;

	mutex_lock(&tc_mutex);
	list_for_each_entry (tc, &tc_tables, list)
		n++;
	mutex_unlock(&tc_mutex);
	return n;
}

/* tc_forget - shutdown (every cache is gone): the tables go too. */
void tc_forget(void)
{
	struct slab_tc *tc, *tmp;

	list_for_each_entry_safe (tc, tmp, &tc_tables, list) {
		__atomic_store_n(&tc->slot->tc, 0, __ATOMIC_RELEASE);
		list_del(&tc->list);
		plat_meta_free(tc, sizeof(*tc));
	}
	memset(tc_caches, 0, sizeof(tc_caches));
	tc_index_used = 1;
}

/* tc_fork_child - the parent's other threads are gone: so are their tables (not freed). */
void tc_fork_child(void)
{
	mutex_init(&tc_mutex);
	INIT_LIST_HEAD(&tc_tables);
	memset(tc_caches, 0, sizeof(tc_caches));
	tc_index_used = 1;
}

/* ------------------------------------------------------------ per-CPU drain */

/*
 * flush_all - empty every CPU's array of @s into the slabs. A preemptible
 * caller visits each CPU in turn (pinning itself there for the moment, the
 * kernel's work-on-each-CPU); an atomic one can only empty its own CPU.
 */
static void flush_all(struct kmem_cache *s)
{
	struct task_struct *t = slab_task();
	void *objs[CPU_ARRAY_MAX + 1];
	int cpu, saved_cpu, saved_pinned;
	unsigned int nr;

	if (!s->cpu_limit)
		return;
	if (task_preemptible(t))
		tc_drain(s, false);
	if (!task_preemptible(t)) {
		struct kmem_cache_cpu *c = cpu_cache(s, t->cpu);

		alloc_enter(t);
		nr = c->avail;
		memcpy(objs, c->entry, nr * sizeof(void *));
		c->avail = 0;
		alloc_exit(t);
		free_objects_to_slabs(s, objs, nr);
		barn_drain(s);
		return;
	}
	saved_cpu = t->cpu;
	saved_pinned = t->pinned;
	for (cpu = 0; cpu < machine.nr_cpus; cpu++) {
		struct kmem_cache_cpu *c;

		/* migrate there (dropping any standing lease on the old CPU) */
		ukmem_set_cpu(cpu);
		slab_section_enter(t);
		c = cpu_cache(s, cpu);
		nr = c->avail;
		memcpy(objs, c->entry, nr * sizeof(void *));
		c->avail = 0;
		slab_section_exit(t);
		if (nr)
			free_objects_to_slabs(s, objs, nr);
	}
	ukmem_set_cpu(saved_cpu);
	t->pinned = saved_pinned;
	barn_drain(s);
}

/*
 * shrink_sheaves_of - after @s was shrunk, its barn's sheaves are free
 * objects of slab_sheaf_cache: give that cache's empty slabs back too.
 */
void shrink_sheaves_of(struct kmem_cache *s)
{
	if (slab_sheaf_cache && s != slab_sheaf_cache)
		__kmem_cache_shrink(slab_sheaf_cache);
}

/* __kmem_cache_shrink - every empty slab back to the buddy. Return: pages freed. */
unsigned long __kmem_cache_shrink(struct kmem_cache *s)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab, *tmp;
	LIST_HEAD(discard);
	unsigned long pages = 0;

	flush_all(s);
	slab_spin_lock(&n->list_lock);
	list_for_each_entry_safe (slab, tmp, &n->partial, slab_list) {
		if (slab->inuse)
			continue;
		list_move(&slab->slab_list, &discard);
		n->nr_partial--;
		n->nr_slabs--;
		n->total_objects -= slab->objects;
		n->nr_free -= slab->objects;
	}
	slab_spin_unlock(&n->list_lock);
	list_for_each_entry_safe (slab, tmp, &discard, slab_list) {
		pages += 1UL << compound_order(slab);
		discard_slab(s, slab);
	}
	return pages;
}

/*
 * __kmem_cache_shutdown - drain and free every slab of @s. With objects
 * still in use, list them (@report) and keep those slabs. Return: 0, or
 * -EBUSY when objects remain.
 */
int __kmem_cache_shutdown(struct kmem_cache *s, bool report)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab;

	__kmem_cache_shrink(s);
	shrink_sheaves_of(s);
	slab_spin_lock(&n->list_lock);
	if (!n->nr_slabs) {
		slab_spin_unlock(&n->list_lock);
		return 0;
	}
	if (report) {
		/* one report per slab, as 6.12 (which lists only partial slabs) */
		list_for_each_entry (slab, &n->partial, slab_list)
			list_slab_objects(s, slab);
		list_for_each_entry (slab, &n->full, slab_list)
			list_slab_objects(s, slab);
	}
	slab_spin_unlock(&n->list_lock);
	return -EBUSY;
}

/* __kmem_cache_release - tear down a cache whose slabs are gone (or forced). */
void __kmem_cache_release(struct kmem_cache *s)
{
	struct kmem_cache_node *n = &s->node;
	struct page *slab, *tmp;
	LIST_HEAD(discard);

	tc_cache_release(s);
	slab_spin_lock(&n->list_lock);
	list_splice_init(&n->partial, &discard);
	list_splice_init(&n->full, &discard);
	n->nr_partial = n->nr_slabs = n->total_objects = n->nr_free = 0;
	slab_spin_unlock(&n->list_lock);
	list_for_each_entry_safe (slab, tmp, &discard, slab_list)
		discard_slab(s, slab);
	if (s->cpu_slab)
		cpu_arrays_free(s->cpu_slab, cpu_array_bytes(s->cpu_limit));
	s->cpu_slab = NULL;
	free_cache_random_seq(s);
}

/* slab_count - slabs, objects and free objects of @s (for /proc/slabinfo). */
void slab_count(struct kmem_cache *s, unsigned long *nr_slabs, unsigned long *nr_objs,
		unsigned long *nr_free)
{
	struct kmem_cache_node *n = &s->node;

	slab_spin_lock(&n->list_lock);
	*nr_slabs = n->nr_slabs;
	*nr_objs = n->total_objects;
	*nr_free = n->nr_free;
	slab_spin_unlock(&n->list_lock);
}

/* ------------------------------------------------------------ public API */

/**
 * kmem_cache_alloc_noprof - allocate an object from @s (kmem_cache_alloc).
 * @s: the cache
 * @flags: GFP flags; zone modifiers that contradict the cache are reported
 *         and dropped
 *
 * Context: any context if @flags does not allow direct reclaim.
 * Return: a constructed object, or NULL when memory is exhausted.
 */
__ukmem_export __hot_path void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t flags)
{
	return cache_alloc(s, flags);
}

__ukmem_export void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node)
{
	return cache_alloc(s, flags);
}

__ukmem_export void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t flags, size_t size)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);

	if (unlikely(!s))
		return NULL;
	if (unlikely(size > s->object_size)) {
		report_warn(UKMEM_REPORT_SLAB, __FILE__, __LINE__, (void *)caller,
			    "__kmalloc_cache_noprof: size %zu > object size %u of %s\n", size,
			    s->object_size, s->name);
		size = s->object_size;
	}
	return slab_alloc(s, flags, size, caller);
}

__ukmem_export void *__kmalloc_cache_node_noprof(struct kmem_cache *s, gfp_t flags, int node,
						  size_t size)
{
	return __kmalloc_cache_noprof(s, flags, size);
}

static noinline void report_not_slab(const char *func, const void *x, const char *why,
				     unsigned long caller)
{
	report_warn(UKMEM_REPORT_SLAB, __FILE__, __LINE__, (void *)caller,
		    "%s: invalid free of %px: %s\n", func, x, why);
}

static noinline void report_wrong_cache(struct kmem_cache *expect, struct kmem_cache *s,
					unsigned long caller)
{
	report_warn(UKMEM_REPORT_SLAB, __FILE__, __LINE__, (void *)caller,
		    "cache_from_obj: Wrong slab cache. %s but object is from %s\n", expect->name,
		    s->name);
}

static void free_large_kmalloc(struct page *page, const void *x, unsigned long caller);

/*
 * do_kfree - the full free path of kfree() (@expect NULL) and
 * kmem_cache_free(): find the slab, check the pointer is an object start
 * and not already free, push it to this CPU's array (or to its slab).
 * Anything unusual leaves through a noinline report.
 */
static __always_inline void __do_kfree(struct kmem_cache *expect, const void *x, const char *func,
				       unsigned long caller)
{
	unsigned long pa = (unsigned long)((const char *)x - __ukmem_direct_map);
	unsigned long base, off, idx, next, span;
	struct kmem_cache *s;
	struct kmem_cache_cpu *c;
	struct task_struct *t;
	struct page *slab;

	if (unlikely(expect && __atomic_load_n(&expect->destroyed, __ATOMIC_RELAXED))) {
		slab_report_destroyed(expect, func, (void *)caller);
		return;
	}
	t = slab_task();
	if (unlikely(!slab_door(t))) {
		slab_defer_free(t, expect, x);
		return;
	}
	/* below the direct map wraps around to a huge pa: one compare */
	if (unlikely(pa >= (max_low_pfn << PAGE_SHIFT))) {
		report_not_slab(func, x,
				is_vmalloc_addr(x) ? "vmalloc memory (use vfree() or kvfree())"
						   : "not a kernel logical address",
				caller);
		return;
	}
	slab = compound_head(mem_map + (pa >> PAGE_SHIFT));
	if (unlikely(!PageSlab(slab))) {
		if (expect)
			report_not_slab(func, x, "object is not from a slab cache", caller);
		else
			free_large_kmalloc(slab, x, caller);
		return;
	}
	s = slab->slab_cache;
	base = (unsigned long)__ukmem_direct_map + ((unsigned long)(slab - mem_map) << PAGE_SHIFT);
	span = (unsigned long)slab_objects(s, slab) * s->size;
	off = (unsigned long)x - base - s->red_left_pad;
	idx = (off * s->reciprocal_size) >> 32;
	if (unlikely(off >= span || idx * s->size != off)) {
		report_invalid_pointer(s, slab, x);
		return;
	}
	if (unlikely(expect && expect != s))
		report_wrong_cache(expect, s, caller);
	if (unlikely(kmem_cache_debug(s))) {
		slab_free_debug(s, slab, (void *)x, caller);
		return;
	}
	/* already free: parked in a CPU array, or on a slab freelist */
	next = (unsigned long)get_freepointer(s, (void *)x);
	if (unlikely(next <= 1 || next - base < span)) {
		report_double_free(s, slab, (void *)x,
				   "double free detected (object is already free)");
		return;
	}
	set_freepointer(s, (void *)x, FREEPTR_IN_CPU);
	if (unlikely(slab_remote(x, t))) {
		/* another CPU's slab: not for this thread's next allocation */
		if (tc_usable(s, t))
			tc_free_remote(s, t, (void *)x);
		else
			free_objects_to_slabs(s, (void **)&x, 1);
		return;
	}
	/* a full thread array: the fast path's only common way here */
	if (tc_usable(s, t) && tc_free_slow(s, t, (void *)x))
		return;
	slab_section_enter(t);
	c = cpu_cache(s, t->cpu);
	if (likely(c->avail < c->limit)) {
		if (unlikely(c->avail && c->entry[c->avail - 1] == x)) {
			/* cannot happen after the check above unless racing frees */
			slab_section_exit(t);
			report_double_free(s, slab, (void *)x,
					   "object is already the freelist head");
			return;
		}
		c->entry[c->avail++] = (void *)x;
		slab_section_exit(t);
		return;
	}
	slab_section_exit(t);
	slab_free_flush(s, (void *)x);
}

static noinline void do_kfree(struct kmem_cache *expect, const void *x, const char *func,
			      unsigned long caller)
{
	struct task_struct *t = slab_task();

	if (unlikely(!gate_enter(t)))
		return; /* the machine was shut down meanwhile: its objects went with it */
	if (expect)
		trace_kmem_cache_free(caller, x, expect->name);
	else
		trace_kfree(caller, x);
	__do_kfree(expect, x, func, caller);
	gate_exit(t);
}

/*
 * free_object_ok - the checks of the frameless free paths, which need no
 * lock and write nothing: @x is an object start in a slab of the cache's
 * own order, of @expect when @have_expect, and not already free. Debug
 * caches never pass (their slabs carry no slab_fast). On success @fp is the
 * object's free pointer, @in_cpu the encoding to store there when it is
 * parked, @slab_base the start of its slab. Return: the object's cache, or
 * NULL (take the full path, which checks and reports everything again).
 */
static __always_inline struct kmem_cache *free_object_ok(struct kmem_cache *expect, const void *x,
							 bool have_expect,
							 const struct task_struct *t, void ***fp,
							 unsigned long *in_cpu,
							 unsigned long *slab_base)
{
	const struct slab_fastmap *fm = &slab_fastmap;
	unsigned long pa = (unsigned long)((const char *)x - fm->direct_map);
	unsigned long off, base, next, mask, key, word;
	struct kmem_cache *s;

	/* NULL and ZERO_SIZE_PTR wrap around to a huge pa: the callers test them after us */
	if (unlikely(pa >= fm->lowmem_bytes))
		return NULL;
	/*
	 * Every page of a slab of the cache's own order names it, with the CPU
	 * tags whose frees it takes (slab_set_owner()); others hold 0. Our
	 * tag's bit must be set: 0, a remote free, or a task not set up yet
	 * (its tag is bit 0) takes the full path.
	 */
	word = __atomic_load_n((unsigned long *)&fm->mem_map[pa >> PAGE_SHIFT].slab_fast,
			       __ATOMIC_RELAXED);
	if (have_expect) {
		/* the cache's bits equal and our tag set, in one compare */
		if (unlikely(((word ^ (unsigned long)expect) & t->slab_cpu_q) != t->slab_cpu_tag))
			return NULL;
		s = expect;
	} else {
		if (unlikely(!(word & t->slab_cpu_tag)))
			return NULL;
		s = (struct kmem_cache *)(word & fm->ptr_mask);
	}
	/*
	 * A slab of the cache's own order is a naturally aligned buddy block,
	 * so the object's offset in it is its physical address masked; objects
	 * start at k * size outside debug caches.
	 */
	mask = s->slab_mask;
	off = pa & mask;
	base = (unsigned long)x - off;
	if (unlikely(!object_start_ok(s, off)))
		return NULL;
	/*
	 * Already free: parked in a CPU array or a sheaf, or on a slab freelist
	 * (its next lies in this slab's block; the block rather than the object
	 * span saves a load, and a false alarm only means the full path, which
	 * decides exactly).
	 */
	*fp = freeptr_addr(s, (void *)x);
	key = freeptr_key(s, *fp); /* decodes the word and encodes the mark */
	next = *(unsigned long *)*fp ^ key;
	if (unlikely(next <= 1 || next - base <= mask))
		return NULL;
	*in_cpu = key ^ (unsigned long)FREEPTR_IN_CPU; /* to store when parked */
	*slab_base = base;
	return s;
}

/*
 * slab_free_fast - do_kfree()'s common case with no stack frame: a checked
 * object, a leased CPU with room in its array. False: nothing was done.
 */
static __always_inline bool slab_free_fast(struct kmem_cache *expect, const void *x,
					   bool have_expect)
{
	unsigned long in_cpu;
	void **fp;
	unsigned long base;
	struct task_struct *t = task_peek();
	struct kmem_cache *s = free_object_ok(expect, x, have_expect, t, &fp, &in_cpu, &base);
	struct kmem_cache_cpu *c;
	unsigned long avail; /* 64 bits: the index needs no zero-extension */
	struct ukmem_lease *slot;
	unsigned long pcpu_off, tc;

	if (unlikely(!s))
		return false;
	if (unlikely(!(slot = leaf_enter(t))))
		return false;
	tc = __atomic_load_n(&slot->tc, __ATOMIC_ACQUIRE);
	if (likely(tc)) {
		struct slab_tc_array *a = tc_array_at(tc, s);

		avail = a->avail;
		if (unlikely(avail >= a->limit || array_top(a->entry, avail) == x))
			goto out;
		*fp = (void *)in_cpu;
		a->entry[avail] = (void *)x;
		a->avail = (unsigned int)(avail + 1);
	} else {
		pcpu_off = __atomic_load_n(&slot->pcpu_off, __ATOMIC_ACQUIRE);
		if (unlikely(!pcpu_off))
			goto out;
		c = cpu_cache_at(s, pcpu_off);
		avail = c->avail;
		if (unlikely(avail >= c->limit || array_top(c->entry, avail) == x))
			goto out;
		*fp = (void *)in_cpu;
		c->entry[avail] = (void *)x;
		c->avail = (unsigned int)(avail + 1);
	}
	pcpu_leaf_exit(slot);
	return true;
out:
	pcpu_leaf_exit(slot);
	return false;
}

/**
 * kmem_cache_free - give an object back to its cache.
 * @s: the cache it was allocated from
 * @x: the object
 *
 * An object of another cache is reported ("Wrong slab cache") and goes back
 * to its real cache; a pointer that is not a slab object, or an object that
 * is already free, is reported and nothing is released.
 *
 * Context: any context.
 */
__ukmem_export __hot_path void kmem_cache_free(struct kmem_cache *s, void *x)
{
	/*
	 * A NULL @x fails the fast path's direct map test, a NULL @s its cache
	 * test (a slab_fast word with no pointer bits has no tag bits either)
	 */
	if (likely(slab_free_fast(s, x, true)))
		return;
	if (unlikely(!x))
		return;
	do_kfree(s, x, "kmem_cache_free", (unsigned long)__builtin_return_address(0));
}

static void free_large_kmalloc(struct page *page, const void *x, unsigned long caller)
{
	unsigned int order;

	if (unlikely(!PageHead(page) || !(page->flags & (1UL << PG_large_kmalloc)))) {
		report_not_slab("kfree", x, "page is not from kmalloc (not a slab page)", caller);
		return;
	}
	if (unlikely(x != page_address(page))) {
		report_not_slab("kfree", x, "pointer into the middle of a large kmalloc", caller);
		return;
	}
	order = compound_order(page);
	__atomic_fetch_and(&page->flags, ~(1UL << PG_large_kmalloc), __ATOMIC_RELAXED);
	mod_node_page_state(NR_SLAB_UNRECLAIMABLE, -(1L << order));
	__free_pages(page, order);
}

/**
 * kfree - free memory from kmalloc() and friends.
 * @x: the object; NULL and ZERO_SIZE_PTR are ignored
 *
 * Context: any context.
 */
__ukmem_export __hot_path void kfree(const void *x)
{
	/* NULL and ZERO_SIZE_PTR fail the fast path's direct map test */
	if (likely(slab_free_fast(NULL, x, false)))
		return;
	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	do_kfree(NULL, x, "kfree", (unsigned long)__builtin_return_address(0));
}

/*
 * slab_object_free - @object (a valid object start of @slab) is free right
 * now, by the free-pointer encoding; debug caches answer from the freelist.
 * For callers that must not touch a freed object (ksize, krealloc).
 */
bool slab_object_free(struct kmem_cache *s, struct page *slab, void *object)
{
	unsigned long base = (unsigned long)slab_address(slab), next;
	bool found = false;

	if (kmem_cache_debug(s)) {
		void *fp;
		unsigned int n = 0;

		slab_spin_lock(&s->node.list_lock);
		for (fp = slab->freelist; fp && n <= slab->objects;
		     fp = get_freepointer(s, fp), n++) {
			if (fp == object) {
				found = true;
				break;
			}
			if (!object_in_slab(s, slab, fp))
				break;
		}
		slab_spin_unlock(&s->node.list_lock);
		return found;
	}
	next = (unsigned long)get_freepointer(s, object);
	return next <= 1 || next - base < (unsigned long)slab_objects(s, slab) * s->size;
}

void report_use_after_free(struct kmem_cache *s, struct page *slab, void *object, const char *func)
{
	slab_bug(s, "Object already free");
	pr_err("INFO: %s() of a free object 0x%p (use after free)\n", func, object);
	/* no list_lock here: the object count from the order, not the shared word */
	pr_err("Slab 0x%p objects=%u used=%u fp=0x%p flags=%pGp\n", (void *)slab,
	       slab_objects(s, slab), slab->inuse, slab->freelist, &slab->flags);
	report_stack();
	add_taint(TAINT_BAD_PAGE);
	report_end(UKMEM_REPORT_SLAB);
}

/* __ksize - usable size of @x (0 for what is not ours). */
static size_t __ksize(const void *x, unsigned long caller)
{
	struct page *slab;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return 0;
	if (unlikely(!virt_addr_valid(x))) {
		report_not_slab("ksize", x, "not a kernel logical address", caller);
		return 0;
	}
	slab = virt_to_slab(x);
	if (!PageSlab(slab)) {
		if (PageHead(slab) && (slab->flags & (1UL << PG_large_kmalloc)))
			return PAGE_SIZE << compound_order(slab);
		report_not_slab("ksize", x, "not a kmalloc object", caller);
		return 0;
	}
	if (unlikely(object_in_slab(slab->slab_cache, slab, x) &&
		     slab_object_free(slab->slab_cache, slab, (void *)x))) {
		report_use_after_free(slab->slab_cache, slab, (void *)x, "ksize");
		return 0;
	}
	return slab->slab_cache->object_size;
}

/**
 * ksize - the usable size of a kmalloc object (its size class).
 * @objp: the object
 *
 * Where the cache keeps requested sizes (slub_debug=U; with Z the slack is
 * the kmalloc red zone) the whole size class becomes the requested size,
 * so using it is not reported (the kernel's skip_orig_size_check()).
 *
 * Return: bytes usable, 0 for NULL/ZERO_SIZE_PTR.
 */
__ukmem_export size_t ksize(const void *objp)
{
	size_t size = __ksize(objp, (unsigned long)__builtin_return_address(0));
	struct page *slab;

	if (size && virt_addr_valid(objp)) {
		kasan_unpoison(objp, size); /* the whole class is the caller's now */
		slab = virt_to_slab(objp);
		if (PageSlab(slab) && slub_debug_orig_size(slab->slab_cache))
			set_orig_size(slab->slab_cache, (void *)objp, (unsigned int)size);
	}
	return size;
}

__ukmem_export bool kmem_valid_obj(void *object)
{
	struct page *slab;

	if (!virt_addr_valid(object))
		return false;
	slab = virt_to_slab(object);
	return PageSlab(slab);
}

/* kmalloc_large - a compound page block, recognised by kfree from its page. */
static noinline void *kmalloc_large(size_t size, gfp_t flags)
{
	unsigned int order = (unsigned int)get_order(size);
	struct page *page;

	if (unlikely(flags & (__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK)))
		flags = kmalloc_fix_flags(flags);
	page = alloc_pages(flags | __GFP_COMP, order);
	if (unlikely(!page))
		return NULL;
	__atomic_fetch_or(&page->flags, 1UL << PG_large_kmalloc, __ATOMIC_RELAXED);
	mod_node_page_state(NR_SLAB_UNRECLAIMABLE, 1L << order);
	return page_address(page);
}

static __always_inline enum kmalloc_cache_type kmalloc_type(gfp_t flags)
{
	if (likely(!(flags & (__GFP_DMA | __GFP_RECLAIMABLE))))
		return KMALLOC_NORMAL;
	return (flags & __GFP_DMA) ? KMALLOC_DMA : KMALLOC_RECLAIM;
}

static __always_inline void *do_kmalloc_full(size_t size, gfp_t flags, unsigned long caller)
{
	struct kmem_cache *s;

	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE)) {
		if (unlikely(!slab_door(slab_task())))
			return NULL;
		return kmalloc_large(size, flags);
	}
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	s = kmalloc_caches[kmalloc_type(flags)][kmalloc_index(size)];
	if (unlikely(!s)) {
		ukmem_ensure_booted();
		s = kmalloc_caches[kmalloc_type(flags)][kmalloc_index(size)];
		if (!s)
			return NULL;
	}
	return __slab_alloc(s, flags, size, caller);
}

/* the kmalloc event: bytes_alloc is the size class, or the pages of a large kmalloc */
static noinline void trace_kmalloc_full(size_t size, gfp_t flags, void *object,
					unsigned long caller)
{
	struct kmem_cache *s = NULL;
	size_t bytes_alloc;

	if (size > KMALLOC_MAX_CACHE_SIZE) {
		bytes_alloc = PAGE_SIZE << get_order(size);
	} else {
		s = kmalloc_caches[kmalloc_type(flags)][kmalloc_index(size)];
		bytes_alloc = s ? s->size : size;
	}
	__trace_kmalloc(caller, object, size, bytes_alloc, flags,
			(flags & __GFP_ACCOUNT) || (s && (s->flags & SLAB_ACCOUNT)));
}

static noinline void *__do_kmalloc(size_t size, gfp_t flags, unsigned long caller)
{
	struct task_struct *t = slab_task();
	void *object;

	if (unlikely(!gate_enter(t)))
		return NULL; /* the machine was shut down meanwhile (sched.h) */
	object = do_kmalloc_full(size, flags, caller);
	gate_exit(t);
	if (trace_event_on(UKMEM_TRACE_KMALLOC) && size)
		trace_kmalloc_full(size, flags, object, caller);
	return object;
}

/**
 * __kmalloc_noprof - kmalloc(): @size bytes of physically contiguous memory.
 * @size: bytes; 0 gives ZERO_SIZE_PTR
 * @flags: GFP flags (GFP_DMA: below 16 MiB; __GFP_HIGHMEM is reported and
 *         dropped, kmalloc memory is always lowmem)
 *
 * Context: any context if @flags does not allow direct reclaim.
 * Return: the memory, ZERO_SIZE_PTR, or NULL.
 */
static noinline void *kmalloc_other(size_t size, gfp_t flags, unsigned long caller)
{
	struct kmem_cache *s;
	void *object;

	/* other kmalloc types, __GFP_ZERO: a leaf section still, when it can be had */
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE)) {
		s = kmalloc_caches[kmalloc_type(flags)][kmalloc_size_index[(size - 1) >> 3]];
		if (likely(s) && likely(!(flags & s->gfp_fixup)) &&
		    likely(object = slab_alloc_fast(s))) {
			if (unlikely(flags & __GFP_ZERO))
				memset(object, 0, s->object_size);
			return object;
		}
	}
	return __do_kmalloc(size, flags, caller);
}

static __always_inline void *do_kmalloc(size_t size, gfp_t flags)
{
	struct kmem_cache *s;
	void *object;

	/*
	 * size 1..KMALLOC_MAX_CACHE_SIZE: one table load picks the class of
	 * the normal type; whatever would pick another type, or needs more
	 * than a pop, fails the fast_gfp test (the caller's address is taken
	 * there only: see cache_alloc())
	 */
	if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE)) {
		s = kmalloc_caches[KMALLOC_NORMAL][kmalloc_size_index[(size - 1) >> 3]];
		if (likely(s) && likely(!(flags & s->fast_gfp))) {
			if (likely(object = slab_alloc_fast(s)))
				return object;
			/* an empty array: the leaf again would find it empty too */
			return __do_kmalloc(size, flags,
					    (unsigned long)__builtin_return_address(0));
		}
	}
	return kmalloc_other(size, flags, (unsigned long)__builtin_return_address(0));
}

__ukmem_export __hot_path void *__kmalloc_noprof(size_t size, gfp_t flags)
{
	return do_kmalloc(size, flags);
}

__ukmem_export void *__kmalloc_node_noprof(size_t size, gfp_t flags, int node)
{
	return do_kmalloc(size, flags);
}

/**
 * kmem_cache_alloc_bulk - allocate @size objects into @p.
 *
 * Context: as kmem_cache_alloc().
 * Return: @size, or 0 when not all could be had (then none are kept).
 */
static __always_inline int __kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size,
						   void **p, unsigned long caller)
{
	struct task_struct *t;
	struct kmem_cache_cpu *c;
	unsigned int avail;
	size_t i = 0, n;

	if (unlikely(!s || !p))
		return 0;
	if (unlikely(__atomic_load_n(&s->destroyed, __ATOMIC_RELAXED))) {
		slab_report_destroyed(s, "kmem_cache_alloc_bulk", (void *)caller);
		return 0;
	}
	t = slab_task();
	if (unlikely(!slab_door(t)))
		return 0;
	/* one slab_pre_alloc_hook() for the whole bulk, as the kernel's */
	if (unlikely(slab_hooks & SLAB_HOOK_FAILSLAB) && should_failslab(s, flags))
		return 0;
	if (!kmem_cache_debug(s) && !(flags & (__GFP_DMA32 | __GFP_HIGHMEM))) {
		if (unlikely((flags & __GFP_DIRECT_RECLAIM) && !task_preemptible(t)))
			might_sleep_check(__FILE__, __LINE__);
		for (;;) {
			/* drain this CPU's array in one section */
			unsigned long pcpu_off;
			struct ukmem_lease *leaf = pcpu_enter_leaf_or_full(t, &pcpu_off);
			void **top;

			c = cpu_cache_at(s, pcpu_off);
			avail = c->avail;
			n = min((size_t)avail, size - i);
			c->avail = avail - (unsigned int)n;
			top = c->entry + avail;
			while (n--) {
				void *x = *--top;

				*freeptr_addr(s, x) = NULL; /* live: no valid encoding */
				p[i++] = x;
			}
			pcpu_exit_leaf_or_full(t, leaf);
			if (i == size)
				break;
			/* refill it (one object comes back directly), then drain again */
			p[i] = slab_alloc_refill(s, flags);
			if (unlikely(!p[i]))
				break;
			*freeptr_addr(s, p[i]) = NULL;
			i++;
		}
		if (unlikely(flags & __GFP_ZERO))
			for (size_t j = 0; j < i; j++)
				memset(p[j], 0, s->object_size);
		if (unlikely(i < size)) {
			kmem_cache_free_bulk(s, i, p);
			return 0;
		}
	}
	for (; i < size; i++) {
		p[i] = slab_alloc(s, flags, s->object_size, caller);
		if (unlikely(!p[i])) {
			kmem_cache_free_bulk(s, i, p);
			return 0;
		}
	}
	return (int)size;
}

/**
 * kmem_cache_free_bulk - free @size objects of @s (or, with @s NULL, any
 * kmalloc objects, as kfree_bulk()).
 *
 * Context: any context.
 */
static __always_inline void __kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p,
						   unsigned long caller)
{
	struct task_struct *t;
	struct kmem_cache_cpu *c;
	size_t i = 0;

	t = slab_task();
	if (!s || kmem_cache_debug(s) || unlikely(!slab_door(t))) {
		for (i = 0; i < size; i++) {
			if (s)
				kmem_cache_free(s, p[i]);
			else
				kfree(p[i]);
		}
		return;
	}
	while (i < size) {
		/* checks, marks and pushes in one section: a repeat in @p is caught */
		unsigned long pcpu_off;
		struct ukmem_lease *leaf = pcpu_enter_leaf_or_full(t, &pcpu_off);
		/* span 0 until an object passed the full checks: no shortcut for the first */
		unsigned long base = 0, span = 0, in_cpu;
		void **fp, **src = p + i, **end, **dst;

		c = cpu_cache_at(s, pcpu_off);
		dst = c->entry + c->avail;
		end = src + min(size - i, (size_t)(c->limit - c->avail)); /* as many as fit */
		for (; src < end; src++) {
			void *x = *src;
			unsigned long off = (unsigned long)x - base, next;

			if (off < span) {
				/* in the slab of the previous object: its checks hold */
				fp = freeptr_addr(s, x);
				next = (unsigned long)get_freepointer(s, x);
				if (unlikely(!size_divides(s, off) || next <= 1 ||
					     next - base < span))
					break;
				in_cpu = freeptr_encode(s, x, FREEPTR_IN_CPU);
			} else {
				if (unlikely(!free_object_ok(s, x, true, t, &fp, &in_cpu, &base)))
					break;
				span = s->slab_span;
			}
			*fp = (void *)in_cpu;
			*dst++ = x;
		}
		i = (size_t)(src - p);
		c->avail = (unsigned int)(dst - c->entry);
		pcpu_exit_leaf_or_full(t, leaf);
		/* anything unusual, or a full array, takes the checked single path */
		if (i < size) {
			kmem_cache_free(s, p[i]);
			i++;
		}
	}
	(void)caller;
}

__ukmem_export int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size, void **p)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);
	struct task_struct *t = slab_task();
	int n;

	if (unlikely(!gate_enter(t)))
		return 0; /* the machine was shut down meanwhile (sched.h) */
	n = __kmem_cache_alloc_bulk(s, flags, size, p, caller);
	gate_exit(t);
	return n;
}

__ukmem_export void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);
	struct task_struct *t = slab_task();

	if (unlikely(!gate_enter(t)))
		return;
	__kmem_cache_free_bulk(s, size, p, caller);
	gate_exit(t);
}
