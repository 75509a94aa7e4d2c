/* SPDX-License-Identifier: MIT */
/*
 * mempool.h - a reserve of preallocated elements, so an allocation that
 * must not fail (I/O paths) gets one when the allocator has none: the
 * pool's alloc function is tried first (without waiting), then the
 * reserve; with a gfp that may sleep and both empty, mempool_alloc() waits
 * for a mempool_free(). Freed elements refill the reserve first.
 */
#ifndef _UKMEM_LINUX_MEMPOOL_H
#define _UKMEM_LINUX_MEMPOOL_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/spinlock_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kmem_cache;
typedef void *(mempool_alloc_t)(gfp_t gfp_mask, void *pool_data);
typedef void(mempool_free_t)(void *element, void *pool_data);

typedef struct mempool_s {
	spinlock_t lock;
	int min_nr;  /* the reserve's target size */
	int curr_nr; /* elements in the reserve now */
	void **elements;
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
	u32 wait_seq; /* futex word: bumped by every free */
} mempool_t;

int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
		 void *pool_data);
void mempool_exit(mempool_t *pool);
static inline bool mempool_initialized(mempool_t *pool)
{
	return pool->elements != NULL;
}
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			  void *pool_data);
mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn, mempool_free_t *free_fn,
			       void *pool_data, gfp_t gfp_mask, int nid);
int mempool_resize(mempool_t *pool, int new_min_nr);
void mempool_destroy(mempool_t *pool);
void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask) __malloc;
#define mempool_alloc_noprof mempool_alloc
void *mempool_alloc_preallocated(mempool_t *pool) __malloc;
void mempool_free(void *element, mempool_t *pool);

/* the stock element kinds: slab objects, kmalloc(size), pages of an order */
void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data);
void mempool_free_slab(void *element, void *pool_data);
void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data);
void mempool_kfree(void *element, void *pool_data);
void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data);
void mempool_free_pages(void *element, void *pool_data);

static inline mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *kc)
{
	return mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab, (void *)kc);
}
static inline mempool_t *mempool_create_kmalloc_pool(int min_nr, size_t size)
{
	return mempool_create(min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
}
static inline mempool_t *mempool_create_page_pool(int min_nr, int order)
{
	return mempool_create(min_nr, mempool_alloc_pages, mempool_free_pages, (void *)(long)order);
}
static inline int mempool_init_slab_pool(mempool_t *pool, int min_nr, struct kmem_cache *kc)
{
	return mempool_init(pool, min_nr, mempool_alloc_slab, mempool_free_slab, (void *)kc);
}
static inline int mempool_init_kmalloc_pool(mempool_t *pool, int min_nr, size_t size)
{
	return mempool_init(pool, min_nr, mempool_kmalloc, mempool_kfree, (void *)size);
}

#ifdef __cplusplus
}
#endif
#endif
