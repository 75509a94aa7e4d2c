/* SPDX-License-Identifier: MIT */
/*
 * mm_types.h - struct page: one per page frame of simulated RAM, in mem_map.
 * 64 bytes, a union per owner as in the kernel:
 *   buddy / page-allocator users: lru, private (the order while in the buddy)
 *   slab:   slab_cache, slab_list, freelist, inuse/objects/frozen
 *   tail pages of a compound page: compound_head with bit 0 set
 */
#ifndef _UKMEM_LINUX_MM_TYPES_H
#define _UKMEM_LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/compiler.h>

struct kmem_cache;

struct page {
	unsigned long flags; /* PG_* bits, zone number in the top bits */
	union {
		struct { /* page allocator and its users */
			struct list_head lru;
			void *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct { /* slab (SLUB) */
			struct kmem_cache *slab_cache;
			struct list_head slab_list;
			void *freelist;
			union {
				unsigned long counters;
				struct {
					unsigned inuse : 16;
					unsigned objects : 15;
					unsigned frozen : 1;
				};
			};
		};
		struct {			      /* tail pages of compound pages */
			unsigned long compound_head;  /* head page | 1 */
			unsigned char compound_order; /* valid in page[1] */
		};
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type;
	};
	atomic_t _refcount;
	union {
		void *virtual; /* kmap address of a highmem page, or NULL */
		/*
		 * every page of a lowmem slab of its cache's own order, debug
		 * caches excepted: the cache (the slab free fast path's one test)
		 */
		struct kmem_cache *slab_fast;
	};
};

_Static_assert(sizeof(struct page) <= 64, "struct page must stay within 64 bytes");

#endif
