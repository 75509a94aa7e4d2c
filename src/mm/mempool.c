// SPDX-License-Identifier: MIT
/*
 * mempool.c - memory pools (mm/mempool.c's behaviour). The reserve is an
 * array of min_nr elements under pool->lock; waiting for a free is a futex
 * on wait_seq (the kernel's pool->wait). Elements never go to the reserve
 * while it is full; mempool_destroy() with elements out is a leak of those
 * elements, as in the kernel, and the reserve is freed.
 */
#include <linux/kernel.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

#include "machine/machine.h"
#include "machine/report.h"

/* curr_nr changes under pool->lock; mempool_free() peeks at it without (as the kernel) */
static void add_element(mempool_t *pool, void *element)
{
	pool->elements[pool->curr_nr] = element;
	__atomic_store_n(&pool->curr_nr, pool->curr_nr + 1, __ATOMIC_RELAXED);
}

static void *remove_element(mempool_t *pool)
{
	__atomic_store_n(&pool->curr_nr, pool->curr_nr - 1, __ATOMIC_RELAXED);
	return pool->elements[pool->curr_nr];
}

__ukmem_export void mempool_exit(mempool_t *pool)
{
	if (!pool || !pool->elements)
		return;
	while (pool->curr_nr)
		pool->free(remove_element(pool), pool->pool_data);
	kfree(pool->elements);
	pool->elements = NULL;
}

__ukmem_export int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn,
				mempool_free_t *free_fn, void *pool_data)
{
	if (!pool || min_nr <= 0 || !alloc_fn || !free_fn)
		return -EINVAL;
	spin_lock_init(&pool->lock);
	pool->min_nr = min_nr;
	pool->curr_nr = 0;
	pool->pool_data = pool_data;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	pool->wait_seq = 0;
	pool->elements = kmalloc_array(min_nr, sizeof(void *), GFP_KERNEL);
	if (!pool->elements)
		return -ENOMEM;
	while (pool->curr_nr < pool->min_nr) {
		void *element = pool->alloc(GFP_KERNEL, pool->pool_data);

		if (!element) {
			mempool_exit(pool);
			return -ENOMEM;
		}
		add_element(pool, element);
	}
	return 0;
}

__ukmem_export mempool_t *mempool_create_node(int min_nr, mempool_alloc_t *alloc_fn,
					      mempool_free_t *free_fn, void *pool_data,
					      gfp_t gfp_mask, int nid)
{
	mempool_t *pool = kzalloc(sizeof(*pool), gfp_mask);

	if (!pool)
		return NULL;
	if (mempool_init(pool, min_nr, alloc_fn, free_fn, pool_data)) {
		kfree(pool);
		return NULL;
	}
	return pool;
}

__ukmem_export mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
					 mempool_free_t *free_fn, void *pool_data)
{
	return mempool_create_node(min_nr, alloc_fn, free_fn, pool_data, GFP_KERNEL, -1);
}

__ukmem_export void mempool_destroy(mempool_t *pool)
{
	if (!pool)
		return;
	mempool_exit(pool);
	kfree(pool);
}

__ukmem_export int mempool_resize(mempool_t *pool, int new_min_nr)
{
	void **new_elements;
	unsigned long flags;

	if (!pool || new_min_nr <= 0)
		return -EINVAL;
	might_sleep();
	spin_lock_irqsave(&pool->lock, flags);
	if (new_min_nr <= pool->min_nr) {
		while (new_min_nr < pool->curr_nr) {
			void *element = remove_element(pool);

			spin_unlock_irqrestore(&pool->lock, flags);
			pool->free(element, pool->pool_data);
			spin_lock_irqsave(&pool->lock, flags);
		}
		pool->min_nr = new_min_nr;
		spin_unlock_irqrestore(&pool->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	new_elements = kmalloc_array(new_min_nr, sizeof(void *), GFP_KERNEL);
	if (!new_elements)
		return -ENOMEM;
	spin_lock_irqsave(&pool->lock, flags);
	memcpy(new_elements, pool->elements, pool->curr_nr * sizeof(void *));
	kfree(pool->elements);
	pool->elements = new_elements;
	pool->min_nr = new_min_nr;
	while (pool->curr_nr < pool->min_nr) {
		void *element;

		spin_unlock_irqrestore(&pool->lock, flags);
		element = pool->alloc(GFP_KERNEL, pool->pool_data);
		if (!element)
			return 0; /* the reserve fills up from frees */
		spin_lock_irqsave(&pool->lock, flags);
		if (pool->curr_nr < pool->min_nr) {
			add_element(pool, element);
		} else {
			spin_unlock_irqrestore(&pool->lock, flags);
			pool->free(element, pool->pool_data);
			spin_lock_irqsave(&pool->lock, flags);
		}
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}

/**
 * mempool_alloc - an element: from the allocator (quietly, without
 * waiting), else from the reserve, else (if @gfp_mask may sleep) after the
 * next mempool_free(). Context: as @gfp_mask allows. Return: NULL only for
 * a gfp that may not sleep.
 */
__ukmem_export void *mempool_alloc(mempool_t *pool, gfp_t gfp_mask)
{
	gfp_t gfp_temp = (gfp_mask & ~(__GFP_DIRECT_RECLAIM | __GFP_IO)) | __GFP_NOMEMALLOC |
			 __GFP_NORETRY | __GFP_NOWARN;
	unsigned long flags;
	void *element;

	if (!pool)
		return NULL;
	if (gfp_mask & __GFP_DIRECT_RECLAIM)
		might_sleep();
	for (;;) {
		u32 seq = __atomic_load_n(&pool->wait_seq, __ATOMIC_ACQUIRE);

		element = pool->alloc(gfp_temp, pool->pool_data);
		if (element)
			return element;
		spin_lock_irqsave(&pool->lock, flags);
		if (pool->curr_nr) {
			element = remove_element(pool);
			spin_unlock_irqrestore(&pool->lock, flags);
			return element;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
		if (!(gfp_mask & __GFP_DIRECT_RECLAIM))
			return NULL;
		/* the kernel waits 5 s at most, then tries the allocator again */
		plat_futex_wait(&pool->wait_seq, seq, 5000000000LL);
	}
}

__ukmem_export void *mempool_alloc_preallocated(mempool_t *pool)
{
	unsigned long flags;
	void *element = NULL;

	if (!pool)
		return NULL;
	spin_lock_irqsave(&pool->lock, flags);
	if (pool->curr_nr)
		element = remove_element(pool);
	spin_unlock_irqrestore(&pool->lock, flags);
	return element;
}

__ukmem_export void mempool_free(void *element, mempool_t *pool)
{
	unsigned long flags;

	if (unlikely(!element))
		return;
	if (unlikely(!pool)) {
		report_warn(UKMEM_REPORT_WARN, "mm/mempool.c", __LINE__, NULL,
			    "mempool_free(%px, NULL): no pool\n", element);
		return;
	}
	if (__atomic_load_n(&pool->curr_nr, __ATOMIC_RELAXED) < pool->min_nr) {
		spin_lock_irqsave(&pool->lock, flags);
		if (pool->curr_nr < pool->min_nr) {
			add_element(pool, element);
			spin_unlock_irqrestore(&pool->lock, flags);
			__atomic_add_fetch(&pool->wait_seq, 1, __ATOMIC_RELEASE);
			plat_futex_wake(&pool->wait_seq, INT_MAX);
			return;
		}
		spin_unlock_irqrestore(&pool->lock, flags);
	}
	pool->free(element, pool->pool_data);
	__atomic_add_fetch(&pool->wait_seq, 1, __ATOMIC_RELEASE);
	plat_futex_wake(&pool->wait_seq, INT_MAX);
}

__ukmem_export void *mempool_alloc_slab(gfp_t gfp_mask, void *pool_data)
{
	return kmem_cache_alloc((struct kmem_cache *)pool_data, gfp_mask);
}
__ukmem_export void mempool_free_slab(void *element, void *pool_data)
{
	kmem_cache_free((struct kmem_cache *)pool_data, element);
}
__ukmem_export void *mempool_kmalloc(gfp_t gfp_mask, void *pool_data)
{
	return kmalloc((size_t)pool_data, gfp_mask);
}
__ukmem_export void mempool_kfree(void *element, void *pool_data)
{
	kfree(element);
}
__ukmem_export void *mempool_alloc_pages(gfp_t gfp_mask, void *pool_data)
{
	return alloc_pages(gfp_mask, (unsigned int)(long)pool_data);
}
__ukmem_export void mempool_free_pages(void *element, void *pool_data)
{
	__free_pages(element, (unsigned int)(long)pool_data);
}
