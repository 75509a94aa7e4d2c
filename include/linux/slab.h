/* SPDX-License-Identifier: MIT */
/*
 * slab.h - slab caches ("lookaside caches") and the kmalloc family, as in
 * Linux 6.12, plus the 2.6-era interface (kmem_cache_t, the 6-argument
 * kmem_cache_create with constructor and destructor) side by side.
 *
 * kvmalloc & co. live in <linux/vmalloc.h>'s neighbour (mm/kvmalloc.c), not
 * here; kstrdup & co. are declared in <linux/string.h>.
 */
#ifndef _UKMEM_LINUX_SLAB_H
#define _UKMEM_LINUX_SLAB_H

#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/string.h>

typedef unsigned int slab_flags_t;

/* Cache flags (values as the kernel's; only the names matter to callers). */
#define SLAB_CONSISTENCY_CHECKS ((slab_flags_t)0x00000100U) /* F */
#define SLAB_RED_ZONE		((slab_flags_t)0x00000400U) /* Z */
#define SLAB_POISON		((slab_flags_t)0x00000800U) /* P */
#define SLAB_KMALLOC		((slab_flags_t)0x00001000U) /* a kmalloc cache */
#define SLAB_HWCACHE_ALIGN	((slab_flags_t)0x00002000U)
#define SLAB_CACHE_DMA		((slab_flags_t)0x00004000U)
#define SLAB_CACHE_DMA32	((slab_flags_t)0x00008000U)
#define SLAB_STORE_USER		((slab_flags_t)0x00010000U) /* U */
#define SLAB_PANIC		((slab_flags_t)0x00040000U)
#define SLAB_TYPESAFE_BY_RCU	((slab_flags_t)0x00080000U)
#define SLAB_TRACE		((slab_flags_t)0x00200000U) /* T */
#define SLAB_NOLEAKTRACE	((slab_flags_t)0x00800000U)
#define SLAB_NO_MERGE		((slab_flags_t)0x01000000U)
#define SLAB_FAILSLAB		((slab_flags_t)0x02000000U)
#define SLAB_ACCOUNT		((slab_flags_t)0x04000000U)
#define SLAB_NO_USER_FLAGS	((slab_flags_t)0x10000000U)
#define SLAB_RECLAIM_ACCOUNT	((slab_flags_t)0x20000000U)
/* no KFENCE in ukmem: accepted (at creation or set on a live cache) and ignored */
#define SLAB_SKIP_KFENCE	((slab_flags_t)0x40000000U)
#define SLAB_TEMPORARY		SLAB_RECLAIM_ACCOUNT
#define SLAB_MEM_SPREAD		((slab_flags_t)0)
#define SLAB_DEBUG_FREE		SLAB_CONSISTENCY_CHECKS /* 2.6 name */
#define SLAB_DEBUG_INITIAL	((slab_flags_t)0)	/* 2.6: ctor verification, gone */
#define SLAB_NO_REAP		((slab_flags_t)0)	/* 2.6: ignored since 2.6.20 */
#define SLAB_MUST_HWCACHE_ALIGN SLAB_HWCACHE_ALIGN	/* 2.6 name */

/* 2.6-era gfp names for slab allocations (kmem_cache_alloc(c, SLAB_KERNEL)) */
#define SLAB_KERNEL GFP_KERNEL
#define SLAB_ATOMIC GFP_ATOMIC
#define SLAB_NOFS   GFP_NOFS
#define SLAB_NOIO   GFP_NOIO
#define SLAB_DMA    GFP_DMA

/* 2.6-era constructor/destructor flags (third argument of the old ctor). */
#define SLAB_CTOR_CONSTRUCTOR 0x001UL
#define SLAB_CTOR_ATOMIC      0x002UL
#define SLAB_CTOR_VERIFY      0x004UL

/* kmalloc geometry: caches kmalloc-8 .. kmalloc-8k, beyond that pages. */
#define ARCH_KMALLOC_MINALIGN  8
#define ARCH_SLAB_MINALIGN     8
#define KMALLOC_MIN_SIZE       8
#define KMALLOC_SHIFT_LOW      3
#define KMALLOC_SHIFT_HIGH     13
#define KMALLOC_SHIFT_MAX      22 /* MAX_PAGE_ORDER + PAGE_SHIFT */
#define KMALLOC_MAX_SIZE       (1UL << KMALLOC_SHIFT_MAX)
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_ORDER      (KMALLOC_SHIFT_MAX - 12)

/* kmalloc(0) returns this: not NULL, and any access faults (in the kernel). */
#define ZERO_SIZE_PTR	    ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;
typedef struct kmem_cache kmem_cache_t; /* 2.6 name */

/* struct kmem_cache_args - the 6.12 argument block of kmem_cache_create(). */
struct kmem_cache_args {
	unsigned int align;
	unsigned int useroffset;
	unsigned int usersize;
	unsigned int freeptr_offset;
	bool use_freeptr_offset;
	void (*ctor)(void *);
};

#pragma GCC visibility push(default)

struct kmem_cache *__kmem_cache_create_args(const char *name, unsigned int object_size,
					    struct kmem_cache_args *args, slab_flags_t flags);
struct kmem_cache *__kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				       slab_flags_t flags, void (*ctor)(void *));
struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size,
					      unsigned int align, slab_flags_t flags,
					      unsigned int useroffset, unsigned int usersize,
					      void (*ctor)(void *));
/* 2.6-era: ctor and dtor take (object, cache, flags). */
struct kmem_cache *kmem_cache_create_legacy(const char *name, size_t size, size_t offset,
					    unsigned long flags,
					    void (*ctor)(void *, kmem_cache_t *, unsigned long),
					    void (*dtor)(void *, kmem_cache_t *, unsigned long));
void kmem_cache_destroy(struct kmem_cache *s);
int kmem_cache_shrink(struct kmem_cache *s);
unsigned int kmem_cache_size(struct kmem_cache *s);
const char *kmem_cache_name(struct kmem_cache *s);

void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t flags) __malloc;
/*
 * __kmalloc_cache_noprof - kmalloc(@size) from the kmalloc-type cache @s
 * (what kmalloc() does once it has picked the cache): the object's
 * requested size is @size, so a kmalloc red zone (slub_debug=ZU) begins
 * there. @size above the cache's object size is reported and clamped.
 */
void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t flags, size_t size) __malloc;
void *__kmalloc_cache_node_noprof(struct kmem_cache *s, gfp_t flags, int node, size_t size) __malloc;
/* alloc_hooks - the allocation-profiling wrapper: no profiling here, the call itself */
#ifndef alloc_hooks
#define alloc_hooks(_do_alloc) (_do_alloc)
#endif
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node) __malloc;
void kmem_cache_free(struct kmem_cache *s, void *objp);
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size, void **p);
void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p);

void *__kmalloc_noprof(size_t size, gfp_t flags) __alloc_size(1) __malloc;
void *__kmalloc_node_noprof(size_t size, gfp_t flags, int node) __alloc_size(1) __malloc;
void *krealloc_noprof(const void *objp, size_t new_size, gfp_t flags) __alloc_size(2);
void kfree(const void *objp);
void kfree_sensitive(const void *objp);
size_t ksize(const void *objp);
size_t kmalloc_size_roundup(size_t size);
/* kmem_dump_obj-like helper: nonzero when @object is a slab object. */
bool kmem_valid_obj(void *object);
/* kmem_dump_obj - continue the log line with what slab object @object is (6.12 words). */
bool kmem_dump_obj(void *object);
/* mem_dump_obj - continue the log line with what @object is: slab, vmalloc, page, other. */
void mem_dump_obj(void *object);

#pragma GCC visibility pop

/*
 * kmem_cache_create() takes three shapes, told apart by argument count:
 *   4: (name, size, struct kmem_cache_args *args or NULL, flags)   6.12
 *   5: (name, size, align, flags, ctor)                             classic
 *   6: (name, size, offset, flags, ctor, dtor)                      2.6 era
 */
#define __KMC_NARGS(...)		       __KMC_NARGS_(__VA_ARGS__, 6, 5, 4, 3, 2, 1)
#define __KMC_NARGS_(a, b, c, d, e, f, n, ...) n
#define __KMC_CAT(a, b)			       __KMC_CAT_(a, b)
#define __KMC_CAT_(a, b)		       a##b
#define kmem_cache_create(...)                                                                     \
	__KMC_CAT(__kmem_cache_create_, __KMC_NARGS(__VA_ARGS__))(__VA_ARGS__)
#define __kmem_cache_create_4(name, size, args, flags)                                             \
	__kmem_cache_create_args((name), (size),                                                   \
				 _Generic((args), struct kmem_cache_args *                         \
					  : (args), default                                        \
					  : NULL),                                                 \
				 (flags))
#define __kmem_cache_create_5(name, size, align, flags, ctor)                                      \
	__kmem_cache_create((name), (size), (align), (flags), (ctor))
#define __kmem_cache_create_6(name, size, offset, flags, ctor, dtor)                               \
	kmem_cache_create_legacy((name), (size), (offset), (flags), (ctor), (dtor))

/* KMEM_CACHE - a cache for struct @__struct, named after it, aligned to it. */
#define KMEM_CACHE(__struct, __flags)                                                              \
	__kmem_cache_create(#__struct, sizeof(struct __struct), __alignof__(struct __struct),      \
			    (__flags), NULL)
#define KMEM_CACHE_USERCOPY(__struct, __flags, __field)                                            \
	kmem_cache_create_usercopy(                                                                \
	    #__struct, sizeof(struct __struct), __alignof__(struct __struct), (__flags),           \
	    offsetof(struct __struct, __field), sizeof(((struct __struct *)0)->__field), NULL)

#define kmem_cache_alloc(s, flags)	    kmem_cache_alloc_noprof((s), (flags))
#define kmem_cache_alloc_lru(s, lru, flags) kmem_cache_alloc_noprof((s), (flags))

static inline void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags)
{
	return kmem_cache_alloc_noprof(s, flags | __GFP_ZERO);
}

/* kmalloc_index - the kmalloc size class of @size (1: 96, 2: 192, n: 2^n). */
static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	return (unsigned int)(sizeof(long) * 8 - __builtin_clzl(size - 1));
}

static __always_inline __alloc_size(1) void *kmalloc(size_t size, gfp_t flags)
{
	return __kmalloc_noprof(size, flags);
}
static __always_inline __alloc_size(1) void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	return __kmalloc_node_noprof(size, flags, node);
}
static inline __alloc_size(1) void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}
static inline __alloc_size(1) void *kzalloc_node(size_t size, gfp_t flags, int node)
{
	return kmalloc_node(size, flags | __GFP_ZERO, node);
}
static inline __alloc_size(1, 2) void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc(bytes, flags);
}
static inline __alloc_size(1, 2) void *kmalloc_array_node(size_t n, size_t size, gfp_t flags,
							  int node)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return kmalloc_node(bytes, flags, node);
}
static inline __alloc_size(1, 2) void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	return kmalloc_array(n, size, flags | __GFP_ZERO);
}
static inline __alloc_size(1, 2) void *kcalloc_node(size_t n, size_t size, gfp_t flags, int node)
{
	return kmalloc_array_node(n, size, flags | __GFP_ZERO, node);
}
static inline void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	return krealloc_noprof(p, new_size, flags);
}
static inline void *krealloc_array(void *p, size_t new_n, size_t new_size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(new_n, new_size, &bytes)))
		return NULL;
	return krealloc_noprof(p, bytes, flags);
}
/* kzfree - the name of kfree_sensitive() before 5.9 */
#define kzfree(p) kfree_sensitive(p)

static inline void kfree_bulk(size_t size, void **p)
{
	kmem_cache_free_bulk(NULL, size, p);
}

#include <linux/vmalloc.h> /* kvmalloc & co. */

void kvfree(const void *addr);
/* scope-based freeing (linux/cleanup.h): p __free(kfree) = kmalloc(...) */
DEFINE_FREE(kfree, void *, if (!IS_ERR_OR_NULL(_T)) kfree(_T))
DEFINE_FREE(kvfree, void *, if (!IS_ERR_OR_NULL(_T)) kvfree(_T))

#endif
