/* SPDX-License-Identifier: MIT */
/*
 * slab.h (internal) - struct kmem_cache and what slub.c, slab_common.c and
 * debug/slub_debug.c share (the kernel's mm/slab.h).
 *
 * Object layout inside a slab (stride s->size), as 6.12 calculate_sizes()
 * makes it; every field but the object is optional:
 *
 *   [left red zone: red_left_pad = ALIGN(word, align)] (Z)
 *   object_size bytes, rounded up to a word [+ one word if that adds no
 *     room] (Z): the right red zone, up to inuse
 *   [free pointer, when it may not overlay the object] (P, ctor, RCU,
 *     Z with tiny objects or orig_size)
 *   [struct track alloc][struct track free] (U)
 *   [unsigned int orig_size] (U on a kmalloc cache)
 *   [one word of padding] (Z), then padding to the alignment
 *
 * Object addresses handed out point at "object"; slab_base + k * s->size +
 * red_left_pad is object k.
 */
#ifndef UKMEM_MM_SLAB_H
#define UKMEM_MM_SLAB_H

#include <linux/slab.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>

#include "mm/internal.h"
#include "machine/sched.h"

/* Debug fill values: the kernel's, so hex dumps look familiar. */
#define POISON_INUSE	  0x5a /* padding, and object fill before first use */
#define POISON_FREE	  0x6b /* free object */
#define POISON_END	  0xa5 /* last byte of a free object */
#define SLUB_RED_INACTIVE 0xbb /* red zone of a free object */
#define SLUB_RED_ACTIVE	  0xcc /* red zone of an allocated object */

/* internal flag: poison object contents (SLAB_POISON, no constructor, not RCU) */
#define __OBJECT_POISON ((slab_flags_t)0x80000000U)

/*
 * internal flag: init_on_alloc=1 / init_on_free=1 apply to this cache (no
 * constructor, not SLAB_TYPESAFE_BY_RCU, not SLAB_POISON): it takes the
 * full path as debug caches do, which zeroes; the fast paths stay as they are.
 */
#define __SLAB_FULL_PATH ((slab_flags_t)0x40000000U)

#define SLAB_DEBUG_FLAGS                                                                           \
	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE | SLAB_CONSISTENCY_CHECKS |    \
	 __SLAB_FULL_PATH)
#define SLAB_NEVER_MERGE                                                                           \
	((SLAB_DEBUG_FLAGS & ~__SLAB_FULL_PATH) | SLAB_TYPESAFE_BY_RCU | SLAB_NOLEAKTRACE |        \
	 SLAB_FAILSLAB | SLAB_NO_MERGE)
#define SLAB_MERGE_SAME (SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_ACCOUNT)

/* large kmalloc pages: head page flag (kernel 6.12 uses a page type) */
#define PG_large_kmalloc PG_owner_2

/*
 * struct track - who allocated or freed an object, the kernel's record
 * (32 bytes on 64-bit): the stack lives in the stack depot.
 */
#define TRACK_ADDRS_COUNT 16
struct track {
	unsigned long addr; /* caller */
	u32 handle;	    /* stack depot handle, 0: none */
	int cpu;
	int pid;
	unsigned long when; /* jiffies-like: ms since boot */
};
enum track_item { TRACK_ALLOC, TRACK_FREE };

/*
 * struct kmem_cache_cpu - one CPU's object array (a "sheaf"). Only the task
 * holding the CPU (pcpu_enter) touches it, so no lock and no atomics.
 * entry[0..avail) are free objects of the cache, most recently freed last.
 */
struct kmem_cache_cpu {
	unsigned int avail;
	unsigned int limit;
	unsigned int batch;
	unsigned int pad; /* 0: see array_top() */
	void *entry[];
};

/*
 * array_top - entry[avail - 1] of a CPU or thread array; for an empty one
 * the word just below entry[0], which holds (batch, pad = 0) or (remote,
 * pad = 0): a value below 2^9, which no pointer that passed the free
 * paths' direct map test can equal. So their "already the top" test needs
 * no avail test of its own.
 */
static __always_inline void *array_top(void *const *entry, unsigned long avail)
{
	return ((void *const *)((const char *)entry - sizeof(void *)))[avail];
}

/*
 * struct slab_sheaf - a batch of free objects parked off-CPU (SLUB's 2025
 * "sheaf"): a full CPU array gives its `batch` newest objects to one, an
 * empty array takes one back, a copy of at most SHEAF_CAPACITY pointers
 * instead of a walk over slab freelists. Sheaves come from their own cache,
 * which has no barn.
 */
#define SHEAF_CAPACITY 256
struct slab_sheaf {
	struct slab_sheaf *next;
	unsigned int size;
	void *objects[SHEAF_CAPACITY];
};

/*
 * struct kmem_cache_barn - the node's full sheaves, under lock. Objects in
 * the barn count as in use for their slabs, as objects in CPU arrays do;
 * at most max_objects are parked (1/64 of RAM's worth), and shrinking the
 * cache (kmem_cache_shrink, reclaim, destroy, shutdown) empties it.
 */
struct kmem_cache_barn {
	spinlock_t lock;
	struct slab_sheaf *full;
	unsigned long nr_objects;
	unsigned long max_objects; /* 0: no barn (debug caches, the sheaf cache) */
};

/* struct kmem_cache_node - the (single) node's slab lists, under list_lock. */
struct kmem_cache_node {
	spinlock_t list_lock;
	unsigned long nr_partial; /* slabs on partial (some or all objects free) */
	struct list_head partial;
	struct list_head full; /* every object out: in use or in a CPU array */
	unsigned long nr_slabs;
	unsigned long total_objects;
	unsigned long nr_free; /* objects on slab freelists */
};

struct kmem_cache {
	/* hot: the fast path reads these */
	struct kmem_cache_cpu *cpu_slab; /* nr_cpus arrays, PCPU_AREA_STRIDE apart */
	slab_flags_t flags;
	gfp_t gfp_fixup; /* gfp bits that contradict the cache ("Unexpected gfp") */
	unsigned int cpu_limit, cpu_batch;
	u32 reciprocal_size; /* ceil(2^32 / size): object index by multiply */
	/*
	 * gfp bits the frameless allocation paths leave to their out-of-line
	 * halves: gfp_fixup, __GFP_ZERO, and for the normal kmalloc caches
	 * (the only ones kmalloc's fast path looks up) __GFP_DMA and
	 * __GFP_RECLAIMABLE, which pick another kmalloc cache. One test.
	 */
	gfp_t fast_gfp;
	u64 size_magic;		  /* ceil(2^64 / size): divisibility by multiply */
	u64 start_limit;	  /* object_start_ok()'s bound */
	unsigned long slab_mask;  /* bytes of a slab of the cache's order, - 1 */
	unsigned long slab_span;  /* objects * size in such a slab */
	unsigned int offset;	  /* free pointer offset from the object */
	unsigned int object_size; /* what the user asked for */
	unsigned int tc_off;	  /* this cache's array in a struct slab_tc (0: none) */
	unsigned long random;	  /* free pointer encoding secret (per cache) */
	unsigned int size;	  /* stride, metadata included */
	unsigned int red_left_pad;
	unsigned int inuse; /* offset of the metadata after the object */
	unsigned int align;
	unsigned int order;
	unsigned int objects; /* per slab */
	gfp_t allocflags;     /* __GFP_COMP, zone and reclaimable bits */
	void (*ctor)(void *);
	void (*legacy_ctor)(void *, struct kmem_cache *, unsigned long);
	void (*dtor)(void *, struct kmem_cache *, unsigned long);
	unsigned int useroffset, usersize;
	int refcount; /* aliases merged into it, +1 */
	unsigned long min_partial;
	unsigned long max_free_cached; /* keep empty slabs while nr_free <= this */
	const char *name;
	struct list_head list; /* slab_caches, under slab_mutex */
	struct kmem_cache_node node;
	struct kmem_cache_barn barn;
	unsigned int tc_limit; /* objects a thread's array holds */
	bool dying;	       /* destroyed with objects left: kept, not listed */
	bool destroyed;
	bool name_owned;
	unsigned int *random_seq; /* slab_freelist_random=1: object order of new slabs */
};

extern struct mutex slab_mutex;
extern struct list_head slab_caches;
extern bool slab_nomerge;
extern unsigned long slab_secret;
extern struct kmem_cache *kmalloc_caches[3][KMALLOC_SHIFT_HIGH + 1];
/* [(size - 1) / 8] for size 1..KMALLOC_MAX_CACHE_SIZE: kmalloc_index(size) */
extern u8 kmalloc_size_index[KMALLOC_MAX_CACHE_SIZE / 8];
enum kmalloc_cache_type { KMALLOC_NORMAL, KMALLOC_RECLAIM, KMALLOC_DMA };

/* the layout helpers */
static inline void *slab_address(const struct page *slab)
{
	return page_to_virt(slab);
}
static inline unsigned long slab_bytes(const struct kmem_cache *s)
{
	return PAGE_SIZE << s->order;
}
/*
 * slab_objects - objects in @slab, for lockless readers: slab->objects
 * shares a word with inuse, which list_lock holders rewrite, so derive it
 * from the order (fixed while the slab lives) instead.
 */
static inline unsigned int slab_objects(const struct kmem_cache *s, const struct page *slab)
{
	unsigned int order;

	if (!s->order) /* fallback slabs are never larger */
		return s->objects;
	order = compound_order(slab);

	if (likely(order == s->order))
		return s->objects;
	return (unsigned int)((PAGE_SIZE << order) / s->size);
}
static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}
/*
 * slab_want_init_on_alloc - 6.12's rule: not for constructed, RCU or
 * poisoned caches, else always; without init_on_alloc __GFP_ZERO only.
 * Deviation: 6.12 returns false for a constructed cache even with
 * __GFP_ZERO; ukmem's paths have always honoured an explicit __GFP_ZERO.
 */
static inline bool slab_want_init_on_alloc(gfp_t flags, const struct kmem_cache *s)
{
	if (init_on_alloc) {
		if (s->ctor || s->legacy_ctor)
			return flags & __GFP_ZERO;
		if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON))
			return flags & __GFP_ZERO;
		return true;
	}
	return flags & __GFP_ZERO;
}
static inline bool slab_want_init_on_free(const struct kmem_cache *s)
{
	return init_on_free &&
	       !(s->ctor || s->legacy_ctor || (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)));
}
static inline unsigned int size_from_object(const struct kmem_cache *s)
{
	return s->size - s->red_left_pad;
}
static inline void *fixup_red_left(const struct kmem_cache *s, void *p)
{
	return (char *)p + s->red_left_pad;
}
static inline void *restore_red_left(const struct kmem_cache *s, void *p)
{
	return (char *)p - s->red_left_pad;
}
static inline unsigned int get_info_end(const struct kmem_cache *s)
{
	if (s->offset >= s->inuse)
		return s->inuse + sizeof(void *);
	return s->inuse;
}
static inline unsigned int track_offset(const struct kmem_cache *s)
{
	return get_info_end(s);
}
/*
 * slub_debug_orig_size - the cache keeps each object's requested size: a
 * kmalloc cache with owner tracking (U), as in 6.12. With Z as well, the
 * bytes between the request and the size class are the "kmalloc Redzone".
 */
static inline bool slub_debug_orig_size(const struct kmem_cache *s)
{
	return (s->flags & SLAB_STORE_USER) && (s->flags & SLAB_KMALLOC);
}
static inline unsigned int orig_size_offset(const struct kmem_cache *s)
{
	return get_info_end(s) + 2 * (unsigned int)sizeof(struct track);
}
/*
 * The slab locks are allocator sections (sched.h): a signal handler that
 * interrupted their holder must not take them (it would spin on itself).
 */
static __always_inline void slab_spin_lock(spinlock_t *lock)
{
	alloc_enter(current_task());
	spin_lock(lock);
}
static __always_inline void slab_spin_unlock(spinlock_t *lock)
{
	spin_unlock(lock);
	alloc_exit(current_task());
}
static inline struct kmem_cache_cpu *cpu_cache(struct kmem_cache *s, int cpu)
{
	return (struct kmem_cache_cpu *)((char *)s->cpu_slab + ((size_t)cpu << PCPU_AREA_SHIFT));
}

/* cpu_cache_at - the array at a leaf section's @pcpu_off (pcpu_leaf_enter()) */
static __always_inline struct kmem_cache_cpu *cpu_cache_at(struct kmem_cache *s,
							   unsigned long pcpu_off)
{
	return (struct kmem_cache_cpu *)((char *)s->cpu_slab + pcpu_off - PCPU_AREA_STRIDE);
}

/*
 * Free pointer encoding (CONFIG_SLAB_FREELIST_HARDENED's idea): the word at
 * s->offset of a free object holds next ^ secret ^ &word. FREEPTR_IN_CPU is
 * the "next" of an object parked in a CPU array. A live object's word is
 * cleared on allocation, so finding a valid encoding there on free means
 * the object is already free.
 */
#define FREEPTR_IN_CPU ((void *)1)
static inline void **freeptr_addr(const struct kmem_cache *s, void *object)
{
	return (void **)((char *)object + s->offset);
}
/*
 * freeptr_key - what a free pointer stored at @fp is xored with: the cache's
 * random secret and the byte-swapped address of the word, as 6.12's
 * freelist_ptr_encode() (ptr ^ s->random ^ swab(ptr_addr)). Swapping puts
 * the address's varying low bits against the pointer's high ones, so the
 * stored word no longer shows next ^ &word (which for neighbouring objects
 * is a small number) where the secret alone would hide it.
 */
static __always_inline unsigned long freeptr_key(const struct kmem_cache *s, const void *fp)
{
	return s->random ^ __builtin_bswap64((unsigned long)fp);
}
static inline unsigned long freeptr_encode(const struct kmem_cache *s, void *object, void *next)
{
	return (unsigned long)next ^ freeptr_key(s, freeptr_addr(s, object));
}
static inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	unsigned long v = *(unsigned long *)freeptr_addr(s, object);

	return (void *)(v ^ freeptr_key(s, freeptr_addr(s, object)));
}
static inline void set_freepointer(const struct kmem_cache *s, void *object, void *next)
{
	*(unsigned long *)freeptr_addr(s, object) = freeptr_encode(s, object, next);
}

/*
 * size_divides - @off (< 2^32) is a multiple of s->size. With
 * c = ceil(2^64 / size), off * c mod 2^64 < c exactly for the multiples
 * (Lemire, Kaser, Kurz: "Faster remainder by direct computation", 2019).
 */
static inline bool size_divides(const struct kmem_cache *s, unsigned long off)
{
	return (u64)off * s->size_magic < s->size_magic;
}

/*
 * object_start_ok - @off (< 2^32, below the slab's size) is k * size with
 * k < objects: one multiply and one compare. With size * c = 2^64 + e
 * (0 <= e < size), off = k * size gives off * c mod 2^64 = k * e, while
 * every other @off gives at least c (see size_divides()). So the starts are
 * exactly the products below objects * e; when e is 0 (a power-of-two
 * size, which fills the slab) every multiple gives 0 and the bound is 1.
 * Caches with a left red zone do not use it (their objects start later).
 */
static inline bool object_start_ok(const struct kmem_cache *s, unsigned long off)
{
	return (u64)off * s->size_magic < s->start_limit;
}

/* object_in_slab - @object is the start of an object slot of @slab. */
static inline bool object_in_slab(const struct kmem_cache *s, const struct page *slab,
				  const void *object)
{
	unsigned long off =
	    (unsigned long)((const char *)object - (const char *)slab_address(slab));
	unsigned long idx;

	if (off < s->red_left_pad)
		return false;
	off -= s->red_left_pad;
	/*
	 * reciprocal_size = ceil(2^32 / size): for off = k * size the product
	 * is k * 2^32 + k * r with r < size and k < 2^16, so idx == k exactly;
	 * any other off fails idx * size == off.
	 */
	idx = (off * s->reciprocal_size) >> 32;
	return idx < slab_objects(s, slab) && idx * s->size == off;
}

/* what the frameless free paths read of the memory map, in one cache line */
struct slab_fastmap {
	char *direct_map;	    /* __ukmem_direct_map */
	unsigned long lowmem_bytes; /* max_low_pfn << PAGE_SHIFT; 0 when not booted */
	struct page *mem_map;
	unsigned long ptr_mask; /* ~CPU_TAG_ALL: a slab_fast word's cache pointer bits */
} __attribute__((aligned(64)));
extern struct slab_fastmap slab_fastmap;

/* slub.c */
/*
 * Per-thread object caches in front of the CPU arrays (mm/slub.c, "Thread
 * caches" in docs/slab.md): one array per cache per thread, 512 bytes each,
 * array 0 a dummy that is always empty and always full.
 */
#define TC_ENTRIES     62
#define TC_ARRAY_SHIFT 9
#define TC_MAX_CACHES  64
/*
 * entry[0 .. avail) are the thread's own objects, handed out from the top;
 * entry[limit .. limit + remote) are objects of other CPUs' slabs it freed
 * (the remote stash: never handed out by this thread, they go back to their
 * slabs in batches). limit is the cache's tc_limit less remote, so the free
 * fast path's one test (avail < limit) keeps the two apart.
 */
struct slab_tc_array {
	unsigned int limit, avail;
	unsigned int remote, pad; /* pad 0: the word array_top() reads when empty */
	void *entry[TC_ENTRIES];
};
_Static_assert(sizeof(struct slab_tc_array) == 1 << TC_ARRAY_SHIFT, "tc_array_at() strides");
struct slab_tc {
	struct slab_tc_array arrays[TC_MAX_CACHES];
	u32 lock;		  /* owner's slow path vs drainers (never held with a CPU) */
	bool dead;		  /* its thread exited in atomic context: nobody to wait for */
	struct ukmem_lease *slot; /* the owner's lease slot: tc word, in_section */
	struct list_head list;	  /* tc_tables, under tc_mutex */
};

static __always_inline struct slab_tc_array *tc_array_at(unsigned long tc,
							 const struct kmem_cache *s)
{
	return (struct slab_tc_array *)(tc + s->tc_off);
}

void tc_cache_init(struct kmem_cache *s);
void tc_cache_release(struct kmem_cache *s);
void tc_forget(void);
unsigned int tc_tables_nr(void);
void tc_fork_child(void);
void cpu_arrays_forget(void);
void cpu_arrays_fork_child(void);
extern unsigned int cpu_blocks_max;
extern struct kmem_cache *slab_sheaf_cache;
void barn_drain(struct kmem_cache *s);
void slab_deferred_init(void);
extern struct kmem_cache_cpu *slab_dead_arrays; /* destroyed caches' (slab_common.c) */
void slab_report_destroyed(struct kmem_cache *s, const char *func, void *caller);
void shrink_sheaves_of(struct kmem_cache *s);
unsigned int calculate_alignment(slab_flags_t flags, unsigned int align, unsigned int size);
struct kmem_cache *kmem_cache_alloc_struct(void);
int do_kmem_cache_create(struct kmem_cache *s, const char *name, unsigned int size,
			 unsigned int align, slab_flags_t flags);
int __kmem_cache_shutdown(struct kmem_cache *s, bool report);
void __kmem_cache_release(struct kmem_cache *s);
unsigned long __kmem_cache_shrink(struct kmem_cache *s);
void *slab_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size, unsigned long caller);
void slab_free(struct kmem_cache *s, struct page *slab, void *object, unsigned long caller);
struct kmem_cache *kmem_cache_boot_init(void);
void kmem_cache_free_struct(struct kmem_cache *s);
void slab_count(struct kmem_cache *s, unsigned long *nr_slabs, unsigned long *nr_objs,
		unsigned long *nr_free);
gfp_t kmalloc_fix_flags(gfp_t flags);
bool slab_object_free(struct kmem_cache *s, struct page *slab, void *object);
void report_use_after_free(struct kmem_cache *s, struct page *slab, void *object, const char *func);

/* debug/slub_debug.c */
extern slab_flags_t slub_debug;
int slub_debug_param(const char *val);
void slub_debug_reset(void);
slab_flags_t kmem_cache_flags(slab_flags_t flags, const char *name);
void setup_object_debug(struct kmem_cache *s, void *object);
void setup_slab_debug(struct kmem_cache *s, struct page *slab, void *addr);
bool alloc_debug_processing(struct kmem_cache *s, struct page *slab, void *object, size_t orig_size,
			    unsigned long caller);
bool free_debug_processing(struct kmem_cache *s, struct page *slab, void *object,
			   unsigned long caller);
bool check_slab_pad(struct kmem_cache *s, struct page *slab);
void slab_bug(struct kmem_cache *s, const char *fmt, ...) __printf(2, 3);
void slab_fix(struct kmem_cache *s, const char *fmt, ...) __printf(2, 3);
void print_trailer(struct kmem_cache *s, struct page *slab, void *p);
/* print_tracking - the object's alloc/free owners (SLAB_STORE_USER); reads no object byte */
void print_tracking(struct kmem_cache *s, void *object);
void print_section(const char *level, const char *text, const void *addr, unsigned int len);
void report_double_free(struct kmem_cache *s, struct page *slab, void *object, const char *why);
void set_orig_size(struct kmem_cache *s, void *object, unsigned int orig_size);
unsigned int get_orig_size(struct kmem_cache *s, void *object);
void list_slab_objects(struct kmem_cache *s, struct page *slab);
/* validate_slab_cache - check every slab of @s (slub_debug.c); mm/slab.h's, as in 6.12 */
int validate_slab_cache(struct kmem_cache *s);
/* slab_in_kunit_test - a KUnit case counting "slab_errors" runs on this thread */
bool slab_in_kunit_test(void);
void print_slab_info(struct page *slab);
void report_invalid_pointer(struct kmem_cache *s, struct page *slab, const void *x);
void trace_object(struct kmem_cache *s, struct page *slab, void *object, int alloc);

#endif
