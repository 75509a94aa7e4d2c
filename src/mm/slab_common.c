// SPDX-License-Identifier: MIT
/*
 * slab_common.c - what every slab allocator shares: kmem_cache_create and
 * its checks, cache merging, the kmalloc size classes and the k* family,
 * /proc/slabinfo, the slab boot parameters, and the hooks for boot,
 * shutdown and reclaim.
 *
 * Locking: slab_mutex serialises cache creation, destruction, merging and
 * the walk of slab_caches (slabinfo, shrinking). Allocation and free never
 * take it.
 *
 * kmalloc size classes, as the kernel's: 8 16 32 64 96 128 192 256 512 1k
 * 2k 4k 8k in three families - kmalloc-<n> (normal), kmalloc-rcl-<n>
 * (__GFP_RECLAIMABLE) and dma-kmalloc-<n> (GFP_DMA: pages below 16 MiB).
 * Larger requests go straight to the page allocator as compound pages
 * marked large-kmalloc, up to KMALLOC_MAX_SIZE (order MAX_PAGE_ORDER).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/log2.h>
#include <linux/bug.h>
#include <linux/rcupdate.h>
#include <linux/hardirq.h>
#include <string.h>

#include "debug/leak.h"
#include "mm/slab.h"
#include "debug/stackdepot.h"
#include "debug/kasan.h"
#include "machine/report.h"
#include "platform/platform.h"
#include "machine/sched.h"

DEFINE_MUTEX(slab_mutex);
LIST_HEAD(slab_caches);
bool slab_nomerge;
struct kmem_cache *kmalloc_caches[3][KMALLOC_SHIFT_HIGH + 1];
struct kmem_cache_cpu *slab_dead_arrays;
static size_t slab_dead_bytes;
u8 kmalloc_size_index[KMALLOC_MAX_CACHE_SIZE / 8];

/* The cache of struct kmem_cache itself, created by hand at boot. */
static struct kmem_cache kmem_cache_boot;
static struct kmem_cache *kmem_cache;

#define SLAB_CREATE_MASK                                                                           \
	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_HWCACHE_ALIGN |              \
	 SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_STORE_USER | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | \
	 SLAB_TRACE | SLAB_NOLEAKTRACE | SLAB_NO_MERGE | SLAB_FAILSLAB | SLAB_ACCOUNT |            \
	 SLAB_NO_USER_FLAGS | SLAB_RECLAIM_ACCOUNT | SLAB_KMALLOC | SLAB_SKIP_KFENCE)

/* ------------------------------------------------------------ parameters */

/**
 * slab_param - the slab boot parameters: slub_debug= / slab_debug=,
 * slab_nomerge / slub_nomerge, slab_merge / slub_merge.
 * Called with @key NULL at the start of each boot to reset the defaults.
 *
 * Return: 0, -ENOENT for a key that is not ours, -EINVAL when malformed.
 */
int slab_param(const char *key, const char *val)
{
	if (!key) {
		slab_nomerge = false;
		slub_debug_reset();
		return 0;
	}
	if (!strcmp(key, "slub_debug") || !strcmp(key, "slab_debug"))
		return slub_debug_param(val);
	if (!strcmp(key, "slab_nomerge") || !strcmp(key, "slub_nomerge")) {
		if (val)
			return -EINVAL;
		slab_nomerge = true;
		return 0;
	}
	if (!strcmp(key, "slab_merge") || !strcmp(key, "slub_merge")) {
		if (val)
			return -EINVAL;
		slab_nomerge = false;
		return 0;
	}
	return -ENOENT;
}

/* ------------------------------------------------------------ creation */

static bool slab_unmergeable(struct kmem_cache *s)
{
	return slab_nomerge || (s->flags & SLAB_NEVER_MERGE) || s->ctor || s->legacy_ctor ||
	       s->dtor || s->usersize || s->dying || s->refcount <= 0;
}

/* find_mergeable - an existing cache that can serve these objects too. */
static struct kmem_cache *find_mergeable(unsigned int size, unsigned int align, slab_flags_t flags,
					 bool has_ctor)
{
	struct kmem_cache *s;

	if (slab_nomerge || has_ctor || (flags & SLAB_NEVER_MERGE))
		return NULL;
	size = ALIGN(size, (unsigned int)sizeof(void *));
	align = calculate_alignment(flags, align, size);
	size = ALIGN(size, align);
	/* oldest first, as the kernel (new caches are added at the head) */
	for (s = list_entry(slab_caches.prev, struct kmem_cache, list); &s->list != &slab_caches;
	     s = list_entry(s->list.prev, struct kmem_cache, list)) {
		if (slab_unmergeable(s))
			continue;
		if (size > s->size)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)
			continue;
		if (s->size - size >= sizeof(void *))
			continue;
		return s;
	}
	return NULL;
}

struct cache_args {
	const char *name;
	unsigned int size, align;
	slab_flags_t flags;
	void (*ctor)(void *);
	void (*legacy_ctor)(void *, struct kmem_cache *, unsigned long);
	void (*dtor)(void *, struct kmem_cache *, unsigned long);
	unsigned int useroffset, usersize;
};

static struct kmem_cache *create_cache(const struct cache_args *a, slab_flags_t flags, int *err)
{
	struct kmem_cache *s;
	const char *name;

	s = kmem_cache_alloc(kmem_cache, GFP_KERNEL | __GFP_ZERO);
	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	name = kstrdup_const(a->name, GFP_KERNEL);
	if (!name) {
		kmem_cache_free(kmem_cache, s);
		*err = -ENOMEM;
		return NULL;
	}
	s->ctor = a->ctor;
	s->legacy_ctor = a->legacy_ctor;
	s->dtor = a->dtor;
	s->useroffset = a->useroffset;
	s->usersize = a->usersize;
	s->name_owned = true;
	*err = do_kmem_cache_create(s, name, a->size, a->align, flags);
	if (*err) {
		__kmem_cache_release(s);
		kfree_const(name);
		kmem_cache_free(kmem_cache, s);
		return NULL;
	}
	list_add(&s->list, &slab_caches);
	return s;
}

static bool name_exists(const char *name)
{
	struct kmem_cache *s;

	list_for_each_entry (s, &slab_caches, list)
		if (!strcmp(s->name, name))
			return true;
	return false;
}

static struct kmem_cache *do_create(struct cache_args *a)
{
	struct kmem_cache *s = NULL;
	slab_flags_t flags = a->flags;
	int err = 0;

	ukmem_ensure_booted();
	if (!a->name || in_interrupt() || !a->size || a->size > KMALLOC_MAX_SIZE ||
	    (a->align && (!is_power_of_2(a->align) || a->align > PAGE_SIZE)) ||
	    a->size < a->align) {
		report_start(UKMEM_REPORT_SLAB);
		pr_err("kmem_cache_create(%s) integrity check failed\n",
		       a->name ? a->name : "(null)");
		report_end(UKMEM_REPORT_SLAB);
		err = -EINVAL;
		goto out;
	}
	if (flags & ~SLAB_CREATE_MASK) {
		err = -EINVAL;
		goto out;
	}
	if (a->usersize && (a->useroffset > a->size || a->usersize > a->size - a->useroffset)) {
		WARN(1, "kmem_cache_create(%s): usercopy region %u+%u outside object of %u\n",
		     a->name, a->useroffset, a->usersize, a->size);
		a->useroffset = a->usersize = 0;
	}
	mutex_lock(&slab_mutex);
	if (name_exists(a->name)) {
		report_start(UKMEM_REPORT_SLAB);
		pr_warn("kmem_cache_create(%s): a cache of that name already exists\n", a->name);
		report_end(UKMEM_REPORT_SLAB);
	}
	flags = kmem_cache_flags(flags, a->name);
	if (!a->usersize)
		s = find_mergeable(a->size, a->align, flags, a->ctor || a->legacy_ctor || a->dtor);
	if (s) {
		s->refcount++;
	} else {
		s = create_cache(a, flags, &err);
	}
	mutex_unlock(&slab_mutex);
out:
	if (err) {
		if (flags & SLAB_PANIC)
			panic("%s: Failed to create slab '%s'. Error %d\n", "kmem_cache_create",
			      a->name ? a->name : "(null)", err);
		report_start(UKMEM_REPORT_SLAB);
		pr_warn("kmem_cache_create(%s) failed with error %d\n",
			a->name ? a->name : "(null)", err);
		report_stack();
		report_end(UKMEM_REPORT_SLAB);
		return NULL;
	}
	return s;
}

/**
 * __kmem_cache_create_args - create a cache (kmem_cache_create(name, size,
 * args, flags)).
 * @name: for /proc/slabinfo and reports; copied
 * @object_size: bytes per object
 * @args: align, usercopy window, ctor; NULL for defaults
 * @flags: SLAB_* flags
 *
 * Context: process context, may sleep.
 * Return: the cache, or NULL (reported; panics with SLAB_PANIC).
 */
__ukmem_export struct kmem_cache *__kmem_cache_create_args(const char *name,
							   unsigned int object_size,
							   struct kmem_cache_args *args,
							   slab_flags_t flags)
{
	struct cache_args a = {.name = name, .size = object_size, .flags = flags};

	if (args) {
		a.align = args->align;
		a.ctor = args->ctor;
		a.useroffset = args->useroffset;
		a.usersize = args->usersize;
	}
	return do_create(&a);
}

/* __kmem_cache_create - the classic kmem_cache_create(name, size, align, flags, ctor). */
__ukmem_export struct kmem_cache *__kmem_cache_create(const char *name, unsigned int size,
						      unsigned int align, slab_flags_t flags,
						      void (*ctor)(void *))
{
	struct cache_args a = {
	    .name = name, .size = size, .align = align, .flags = flags, .ctor = ctor};

	return do_create(&a);
}

__ukmem_export struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size,
							     unsigned int align, slab_flags_t flags,
							     unsigned int useroffset,
							     unsigned int usersize,
							     void (*ctor)(void *))
{
	struct cache_args a = {.name = name,
			       .size = size,
			       .align = align,
			       .flags = flags,
			       .ctor = ctor,
			       .useroffset = useroffset,
			       .usersize = usersize};

	return do_create(&a);
}

/**
 * kmem_cache_create_legacy - the 2.6-era kmem_cache_create(name, size,
 * offset, flags, ctor, dtor). @offset was the alignment argument in 2.6
 * kernels and is used as such. The constructor runs on each object when
 * its slab is set up, with SLAB_CTOR_CONSTRUCTOR; the destructor runs on
 * each object when its slab is torn down, with flags 0.
 *
 * Context: process context, may sleep.
 * Return: the cache, or NULL (reported).
 */
__ukmem_export struct kmem_cache *
kmem_cache_create_legacy(const char *name, size_t size, size_t offset, unsigned long flags,
			 void (*ctor)(void *, kmem_cache_t *, unsigned long),
			 void (*dtor)(void *, kmem_cache_t *, unsigned long))
{
	struct cache_args a = {.name = name,
			       .size = size > UINT_MAX ? UINT_MAX : (unsigned int)size,
			       .align = (unsigned int)offset,
			       .flags = (slab_flags_t)flags,
			       .legacy_ctor = ctor,
			       .dtor = dtor};

	return do_create(&a);
}

static bool cache_is_live(struct kmem_cache *s)
{
	struct kmem_cache *c;

	list_for_each_entry (c, &slab_caches, list)
		if (c == s)
			return true;
	return false;
}

static void free_cache_struct(struct kmem_cache *s)
{
	if (s->name_owned)
		kfree_const(s->name);
	if (s != &kmem_cache_boot)
		kmem_cache_free(kmem_cache, s);
}

/*
 * Destroyed caches. Linux has no answer for a cache used after
 * kmem_cache_destroy(); here a stale pointer must read a valid "dead"
 * state rather than freed memory: the last CACHE_QUARANTINE destroyed
 * structs stay allocated, their CPU arrays replaced by an empty one of
 * limit 0 (slab_dead_arrays), so both fast paths fall through to the full
 * ones, which find s->destroyed and report instead of crashing - no test
 * on the fast paths. Older structs are freed and may be reused by a new
 * cache: a pointer that old cannot be told from the new cache.
 */
#define CACHE_QUARANTINE 64
static struct kmem_cache *cache_quarantine[CACHE_QUARANTINE];
static unsigned int cache_quarantine_next;

static void quarantine_cache_struct(struct kmem_cache *s)
{
	struct kmem_cache *old;

	s->cpu_slab = slab_dead_arrays;
	__atomic_store_n(&s->destroyed, true, __ATOMIC_RELEASE);
	mutex_lock(&slab_mutex);
	old = cache_quarantine[cache_quarantine_next];
	cache_quarantine[cache_quarantine_next] = s;
	cache_quarantine_next = (cache_quarantine_next + 1) % CACHE_QUARANTINE;
	mutex_unlock(&slab_mutex);
	if (old)
		free_cache_struct(old);
}

/*
 * slab_report_destroyed - @func was called with @s, a destroyed cache: the
 * call is refused (allocation NULL, free not done).
 */
void slab_report_destroyed(struct kmem_cache *s, const char *func, void *caller)
{
	report_warn(UKMEM_REPORT_SLAB, __FILE__, __LINE__, caller,
		    "%s: slab cache %px (%s) was destroyed; called from %pS\n", func, (void *)s,
		    s->name, caller);
}

/**
 * kmem_cache_destroy - destroy a cache created with kmem_cache_create().
 * @s: the cache; NULL is ignored
 *
 * Objects still allocated are reported ("Objects remaining in ... on
 * __kmem_cache_shutdown()") and the cache is kept, so they stay valid.
 * A pointer that is not a live cache (destroyed twice) is reported.
 *
 * Context: process context, may sleep.
 */
__ukmem_export void kmem_cache_destroy(struct kmem_cache *s)
{
	void *caller = __builtin_return_address(0);
	int err;

	if (unlikely(!s))
		return;
	/* kfree_rcu()s under way may hold objects of this cache (6.12's kvfree_rcu_barrier()) */
	rcu_barrier();
	mutex_lock(&slab_mutex);
	if (!cache_is_live(s)) {
		mutex_unlock(&slab_mutex);
		report_warn(UKMEM_REPORT_SLAB, __FILE__, __LINE__, caller,
			    "kmem_cache_destroy: %px is not a live slab cache (destroyed twice?)\n",
			    (void *)s);
		return;
	}
	if (!s->dying && --s->refcount > 0) { /* an alias of a merged cache */
		mutex_unlock(&slab_mutex);
		return;
	}
	err = __kmem_cache_shutdown(s, true);
	if (err) {
		s->dying = true;
		mutex_unlock(&slab_mutex);
		report_warn(
		    UKMEM_REPORT_SLAB, __FILE__, __LINE__, caller,
		    "kmem_cache_destroy %s: Slab cache still has objects when called from %pS\n",
		    s->name, caller);
		return;
	}
	list_del(&s->list);
	mutex_unlock(&slab_mutex);
	/* slabs of a SLAB_TYPESAFE_BY_RCU cache go back after a grace period, naming the cache */
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		rcu_barrier();
	__kmem_cache_release(s);
	quarantine_cache_struct(s);
}

/**
 * kmem_cache_shrink - give the cache's empty slabs back to the page allocator.
 * Context: process context (an atomic caller drains only its own CPU).
 * Return: 0.
 */
__ukmem_export int kmem_cache_shrink(struct kmem_cache *s)
{
	if (s && unlikely(__atomic_load_n(&s->destroyed, __ATOMIC_ACQUIRE))) {
		slab_report_destroyed(s, "kmem_cache_shrink", __builtin_return_address(0));
		return 0;
	}
	if (s) {
		__kmem_cache_shrink(s);
		shrink_sheaves_of(s);
	}
	return 0;
}

/* kmem_cache_size - the object size of @s, as created. */
__ukmem_export unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s ? s->object_size : 0;
}

__ukmem_export const char *kmem_cache_name(struct kmem_cache *s)
{
	return s ? s->name : NULL;
}

/* ------------------------------------------------------------ kmalloc */

static const char *const kmalloc_names[3][KMALLOC_SHIFT_HIGH + 1] = {
#define KN(pfx)                                                                                    \
	{                                                                                          \
		NULL, pfx "96", pfx "192", pfx "8", pfx "16", pfx "32", pfx "64", pfx "128",       \
		    pfx "256", pfx "512", pfx "1k", pfx "2k", pfx "4k", pfx "8k"                   \
	}
    KN("kmalloc-"),
    KN("kmalloc-rcl-"),
    KN("dma-kmalloc-"),
#undef KN
};

static unsigned int kmalloc_size(unsigned int idx)
{
	return idx == 1 ? 96 : idx == 2 ? 192 : 1U << idx;
}

static struct kmem_cache *create_kmalloc_cache(enum kmalloc_cache_type type, unsigned int idx)
{
	static const slab_flags_t type_flags[] = {0, SLAB_RECLAIM_ACCOUNT, SLAB_CACHE_DMA};
	struct cache_args a = {.name = kmalloc_names[type][idx],
			       .size = kmalloc_size(idx),
			       .align = ARCH_KMALLOC_MINALIGN};
	slab_flags_t flags = type_flags[type] | SLAB_KMALLOC | SLAB_NO_MERGE;
	struct kmem_cache *s;
	int err;

	/*
	 * kmalloc guarantees the largest power of two dividing the size (the
	 * size itself for powers of two: 32 for kmalloc-96, 64 for
	 * kmalloc-192), red zones and all, as 6.12 create_boot_cache().
	 */
	a.align = max(a.align, 1U << __builtin_ctz(a.size));
	flags = kmem_cache_flags(flags, a.name);
	s = kmem_cache_alloc(kmem_cache, GFP_NOWAIT | __GFP_ZERO);
	if (!s)
		return NULL;
	s->refcount = 1;
	err = do_kmem_cache_create(s, a.name, a.size, a.align, flags);
	if (err) {
		__kmem_cache_release(s);
		kmem_cache_free(kmem_cache, s);
		return NULL;
	}
	/* joins merging as a target only (SLAB_NO_MERGE kept off the flags) */
	s->flags &= ~SLAB_NO_MERGE;
	list_add(&s->list, &slab_caches);
	return s;
}

/**
 * kmalloc_size_roundup - the size kmalloc(@size) really provides.
 * Return: the size class, the page-rounded size for large requests, 0 for 0.
 */
__ukmem_export size_t kmalloc_size_roundup(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_size(kmalloc_index(size));
	if (size > KMALLOC_MAX_SIZE)
		return size;
	return PAGE_SIZE << get_order(size);
}

/**
 * krealloc_noprof - krealloc(): resize a kmalloc object, keeping its contents.
 * @p: the object, or NULL (then it is kmalloc)
 * @new_size: new size; 0 frees @p and returns ZERO_SIZE_PTR
 * @flags: GFP flags; __GFP_ZERO zeroes the grown part
 *
 * Context: as kmalloc().
 * Return: the object (maybe moved), or NULL with @p untouched.
 */
__ukmem_export void *krealloc_noprof(const void *p, size_t new_size, gfp_t flags)
{
	size_t ks = 0;
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (!ZERO_OR_NULL_PTR(p)) {
		struct page *slab;

		if (!virt_addr_valid(p)) {
			report_warn(UKMEM_REPORT_SLAB, __FILE__, __LINE__,
				    __builtin_return_address(0),
				    "krealloc: %px is not a kmalloc object\n", p);
			return NULL;
		}
		slab = compound_head(virt_to_page(p));
		if (PageSlab(slab)) {
			struct kmem_cache *s = slab->slab_cache;

			if (!object_in_slab(s, slab, (void *)p)) {
				kfree(p); /* reports the bad pointer */
				return NULL;
			}
			if (slab_object_free(s, slab, (void *)p)) {
				report_use_after_free(s, slab, (void *)p, "krealloc");
				return NULL;
			}
			ks = s->object_size;
			if (new_size <= ks) {
				size_t old = get_orig_size(s, (void *)p);

				kasan_unpoison(p, ks); /* then the new tail is poisoned */
				if ((flags & __GFP_ZERO) && new_size > old)
					memset((char *)p + old, 0, new_size - old);
				/* spare bytes behind the new size: init_on_alloc, __GFP_ZERO */
				if (want_init_on_alloc(flags) && new_size < ks)
					memset((char *)p + new_size, 0, ks - new_size);
				if (slub_debug_orig_size(s)) {
					/*
					 * the new size is what a later krealloc copies;
					 * with Z, re-arm the kmalloc red zone behind it
					 */
					slab_spin_lock(&s->node.list_lock);
					set_orig_size(s, (void *)p, (unsigned int)new_size);
					if ((s->flags & SLAB_RED_ZONE) && new_size < ks)
						memset((char *)p + new_size, SLUB_RED_ACTIVE,
						       ks - new_size);
					slab_spin_unlock(&s->node.list_lock);
				}
				kasan_poison((char *)p + new_size, ks - new_size);
				return (void *)p;
			}
			ks = get_orig_size(s, (void *)p);
		} else if (PageHead(slab) && (slab->flags & (1UL << PG_large_kmalloc)) &&
			   p == page_address(slab)) {
			ks = PAGE_SIZE << compound_order(slab);
			if (new_size <= ks)
				return (void *)p;
		} else {
			kfree(p); /* reports */
			return NULL;
		}
	}
	ret = __kmalloc_noprof(new_size, flags);
	if (ret && ks) {
		memcpy(ret, p, min(ks, new_size));
		kfree(p);
	}
	return ret;
}

/**
 * kfree_sensitive - clear the whole object (its ksize) then kfree it.
 * Context: any context.
 */
__ukmem_export void kfree_sensitive(const void *p)
{
	size_t ks;

	if (ZERO_OR_NULL_PTR(p))
		return;
	ks = ksize(p);
	if (ks)
		memzero_explicit((void *)p, ks);
	kfree(p);
}

/* ------------------------------------------------------------ /proc, reclaim */

/**
 * slabinfo_show - /proc/slabinfo, version 2.1, as SLUB prints it (tunables
 * and shared fields 0, objsize the stride).
 * Return: 0.
 */
int slabinfo_show(FILE *out)
{
	struct kmem_cache *s;

	fputs("slabinfo - version: 2.1\n", out);
	fputs("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
	      " : tunables <limit> <batchcount> <sharedfactor>"
	      " : slabdata <active_slabs> <num_slabs> <sharedavail>\n",
	      out);
	mutex_lock(&slab_mutex);
	list_for_each_entry (s, &slab_caches, list) {
		unsigned long nr_slabs, nr_objs, nr_free;

		slab_count(s, &nr_slabs, &nr_objs, &nr_free);
		fprintf(out, "%-17s %6lu %6lu %6u %4u %4d", s->name, nr_objs - nr_free, nr_objs,
			s->size, s->objects, 1 << s->order);
		fprintf(out, " : tunables %4u %4u %4u", 0U, 0U, 0U);
		fprintf(out, " : slabdata %6lu %6lu %6lu", nr_slabs, nr_slabs, 0UL);
		fputc('\n', out);
	}
	mutex_unlock(&slab_mutex);
	return 0;
}

/**
 * dump_unreclaimable_slab - the OOM report's table of the caches whose
 * memory reclaim cannot free (all but SLAB_RECLAIM_ACCOUNT), in KB used and
 * total, as mm/slab_common.c prints it.
 *
 * Context: any; when slab_mutex is busy (the failing allocation may hold
 * it) the kernel's one-line excuse instead.
 */
void dump_unreclaimable_slab(void)
{
	struct kmem_cache *s;
	int tries = 0;

	/*
	 * kswapd or a shrink may hold slab_mutex for a moment: wait a bounded
	 * while (the failing allocation may hold it itself, so never block)
	 */
	while (machine.booted && kmem_cache && !mutex_trylock(&slab_mutex)) {
		if (++tries > 1000) {
			pr_warn("excessive unreclaimable slab but cannot dump stats\n");
			return;
		}
		plat_yield();
	}
	if (!machine.booted || !kmem_cache) {
		pr_warn("excessive unreclaimable slab but cannot dump stats\n");
		return;
	}
	pr_info("Unreclaimable slab info:\n");
	pr_info("Name                      Used          Total\n");
	list_for_each_entry (s, &slab_caches, list) {
		unsigned long nr_slabs, nr_objs, nr_free;

		if (s->flags & SLAB_RECLAIM_ACCOUNT)
			continue;
		slab_count(s, &nr_slabs, &nr_objs, &nr_free);
		if (nr_objs)
			pr_info("%-17s %10luKB %10luKB\n", s->name,
				(nr_objs - nr_free) * s->size / 1024, nr_objs * s->size / 1024);
	}
	mutex_unlock(&slab_mutex);
}

/**
 * slab_shrink_all - every cache's empty slabs back to the page allocator.
 * @gfp: the reclaim context (unused: freeing never sleeps)
 *
 * Context: any; when slab_mutex is busy nothing is done.
 * Return: pages freed.
 */
unsigned long slab_shrink_all(gfp_t gfp)
{
	struct kmem_cache *s;
	unsigned long pages = 0;

	if (!machine.booted || !kmem_cache || !mutex_trylock(&slab_mutex))
		return 0;
	list_for_each_entry (s, &slab_caches, list)
		if (s != slab_sheaf_cache)
			pages += __kmem_cache_shrink(s);
	/* last: the other caches' barns gave their sheaves back to it */
	if (slab_sheaf_cache)
		pages += __kmem_cache_shrink(slab_sheaf_cache);
	mutex_unlock(&slab_mutex);
	return pages;
}

/* ------------------------------------------------------------ boot, shutdown */

int slab_init(void)
{
	struct kmem_cache *s = &kmem_cache_boot;
	int type, idx, err;

	slab_secret = plat_random() | 1;
	/* the destroyed caches' CPU arrays: every CPU's is empty with limit 0 */
	slab_dead_arrays = plat_meta_alloc((size_t)machine.nr_cpus << PCPU_AREA_SHIFT);
	slab_dead_bytes = (size_t)machine.nr_cpus << PCPU_AREA_SHIFT;
	if (!slab_dead_arrays)
		return -ENOMEM;
	slab_deferred_init();
	slab_fastmap.direct_map = __ukmem_direct_map;
	slab_fastmap.mem_map = mem_map;
	slab_fastmap.ptr_mask = ~CPU_TAG_ALL;
	slab_fastmap.lowmem_bytes = max_low_pfn << PAGE_SHIFT;
	for (idx = 0; idx < (int)ARRAY_SIZE(kmalloc_size_index); idx++)
		kmalloc_size_index[idx] = (u8)kmalloc_index((size_t)idx * 8 + 8);
	INIT_LIST_HEAD(&slab_caches);
	memset(s, 0, sizeof(*s));
	err = do_kmem_cache_create(s, "kmem_cache", sizeof(struct kmem_cache), 0,
				   kmem_cache_flags(SLAB_HWCACHE_ALIGN | SLAB_PANIC, "kmem_cache"));
	if (err)
		goto fail;
	kmem_cache = s;
	list_add(&s->list, &slab_caches);
	err = -ENOMEM;
	for (type = 0; type < 3; type++) {
		for (idx = 1; idx <= KMALLOC_SHIFT_HIGH; idx++) {
			kmalloc_caches[type][idx] = create_kmalloc_cache(type, idx);
			if (!kmalloc_caches[type][idx])
				goto fail;
		}
	}
	/* the barns' sheaves; its own objects go straight back to its slabs */
	slab_sheaf_cache = kmem_cache_create("slab_sheaf", sizeof(struct slab_sheaf), 0,
					     SLAB_NO_MERGE | SLAB_PANIC, NULL);
	if (!slab_sheaf_cache)
		goto fail;
	slab_sheaf_cache->barn.max_objects = 0;
	return 0;
fail:
	/*
	 * Boot unwinds only the subsystems that came up, so what this one
	 * made (caches, their per-CPU arrays in host memory) goes here.
	 */
	slab_exit();
	return err;
}

/*
 * slab_forget - no slab state is left: no fast path may look at the memory
 * map, and the next kmalloc() finds no cache, so it boots a machine. The
 * end of slab_exit(), and all of it in a fork child, whose copy of the
 * parent's machine is gone.
 */
void slab_forget(void)
{
	/* the quarantined structs went with the machine's memory */
	memset(cache_quarantine, 0, sizeof(cache_quarantine));
	cache_quarantine_next = 0;
	if (slab_dead_arrays)
		plat_meta_free(slab_dead_arrays, slab_dead_bytes);
	slab_dead_arrays = NULL;
	slab_fastmap.lowmem_bytes = 0;
	tc_forget();
	cpu_arrays_forget();
	kmem_cache = NULL;
	slab_sheaf_cache = NULL;
	memset(kmalloc_caches, 0, sizeof(kmalloc_caches));
	INIT_LIST_HEAD(&slab_caches);
}

/*
 * slab_fork_child - a fork child's forget hook: other threads of the parent
 * may have held the slab locks at fork() time, so the child makes them
 * anew before it forgets the parent's slab state.
 */
void slab_fork_child(void)
{
	mutex_init(&slab_mutex);
	tc_fork_child();
	cpu_arrays_fork_child();
	stack_depot_fork_child();
	slab_forget();
}

/*
 * slab_exit - shutdown: every cache's slabs go back (objects still in use
 * are a leak report), then the caches themselves, kmem_cache last.
 */
void slab_exit(void)
{
	struct kmem_cache *s, *tmp;

	if (!kmem_cache) {
		slab_forget(); /* a failed slab_init() may have made per-CPU arrays */
		return;
	}
	mutex_lock(&slab_mutex);
	/* parked objects back to their slabs, so no sheaf looks leaked */
	list_for_each_entry (s, &slab_caches, list)
		barn_drain(s);
	/* leaks first, while every cache still works */
	list_for_each_entry (s, &slab_caches, list) {
		unsigned long nr_slabs, nr_objs, nr_free;

		if (s == kmem_cache)
			continue;
		__kmem_cache_shrink(s);
		slab_count(s, &nr_slabs, &nr_objs, &nr_free);
		if (nr_objs - nr_free) {
			report_start(UKMEM_REPORT_LEAK);
			pr_err("ukmem: slab cache %s: %lu objects still allocated at shutdown\n",
			       s->name, nr_objs - nr_free);
			leak_list_cache(s);
			report_end(UKMEM_REPORT_LEAK);
		}
	}
	for (unsigned int i = 0; i < CACHE_QUARANTINE; i++) {
		if (cache_quarantine[i] && cache_quarantine[i]->name_owned) {
			kfree_const(cache_quarantine[i]->name);
			cache_quarantine[i]->name_owned = false;
		}
		if (cache_quarantine[i])
			kasan_forget_block(cache_quarantine[i]); /* goes with the machine */
	}
	/* names are kmalloc objects: free them before the kmalloc caches go */
	list_for_each_entry (s, &slab_caches, list) {
		if (s->name_owned) {
			kfree_const(s->name);
			s->name_owned = false;
			s->name = "(shutdown)";
		}
	}
	/* the structs live in kmem_cache's slabs, released last */
	list_for_each_entry_safe (s, tmp, &slab_caches, list) {
		list_del(&s->list);
		if (s != kmem_cache) {
			__kmem_cache_release(s);
			kasan_forget_block(s); /* Memcheck: not a leak, it goes with the machine */
		}
	}
	__kmem_cache_release(kmem_cache);
	slab_forget(); /* every fast free now takes the full path, no cache is left */
	mutex_unlock(&slab_mutex);
}
