/* SPDX-License-Identifier: MIT */
/*
 * lib/fault-inject.h - what the fault-injection files share and no user
 * sees: the per-thread controls, the seeded streams, ukmem's two
 * attributes (failslab, fail_page_alloc) and the hooks the allocators call.
 * docs/fault-injection.md describes the whole.
 */
#ifndef UKMEM_LIB_FAULT_INJECT_H
#define UKMEM_LIB_FAULT_INJECT_H

#include <linux/fault-inject.h>
#include <linux/gfp.h>

struct kmem_cache;

/* fault-inject.c: the calling thread's fail-nth and make-it-fail */
unsigned int fault_fail_nth_get(void);
void fault_fail_nth_set(unsigned int n);
unsigned long fault_fail_nth_injected(void); /* failures fail-nth forced on this thread */
void fault_make_it_fail_set(bool on);
bool fault_make_it_fail_get(void);
void fault_attr_seed(struct fault_attr *attr, u64 seed);
extern void (*fault_nth_notify)(struct fault_attr *attr);

/* mm/failslab.c (mm/failslab.c of the kernel) */
struct failslab_attr {
	struct fault_attr attr;
	bool ignore_gfp_reclaim; /* "ignore-gfp-wait" */
	bool cache_filter;	 /* only caches with SLAB_FAILSLAB */
};
extern struct failslab_attr failslab;
void failslab_reset(void);
int should_failslab(struct kmem_cache *s, gfp_t gfpflags);
/* vmalloc and per-CPU allocations: one failslab decision each (docs) */
bool should_fail_alloc_object(gfp_t gfp, size_t size);

/*
 * slab_hooks - nonzero when the machine booted with failslab= or with
 * tracing: every cache is made without CPU and thread arrays (as debug
 * caches are), so each allocation and free takes the full path, where the
 * hooks are. Set while the command line is parsed, read-only afterwards.
 */
extern int slab_hooks;
#define SLAB_HOOK_FAILSLAB 0x1
#define SLAB_HOOK_TRACE	   0x2

/* mm/fail_page_alloc.c */
struct fail_page_alloc_attr {
	struct fault_attr attr;
	bool ignore_gfp_highmem;
	bool ignore_gfp_reclaim;
	u32 min_order;
};
extern struct fail_page_alloc_attr fail_page_alloc;
void fail_page_alloc_reset(void);
bool __should_fail_alloc_page(gfp_t gfp_mask, unsigned int order);

/*
 * fault_inject_active - set once anything can fail (a boot parameter, a
 * knob, a fail-nth): until then the page, vmalloc and per-CPU hooks cost
 * one load, as the kernel's static keys make them cost a nop.
 */
extern int fault_inject_active;
static inline bool fault_inject_on(void)
{
	return __builtin_expect(__atomic_load_n(&fault_inject_active, __ATOMIC_RELAXED), 0);
}

/* prepare_alloc_pages()'s check (6.12 mm/page_alloc.c should_fail_alloc_page) */
static inline bool should_fail_alloc_page(gfp_t gfp_mask, unsigned int order)
{
	return fault_inject_on() && __should_fail_alloc_page(gfp_mask, order);
}

/* debug/fault_inject.c: the boot parameters */
int fault_inject_param(const char *key, const char *val);
int fault_inject_init(void);

#endif
