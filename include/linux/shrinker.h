/* SPDX-License-Identifier: MIT */
/*
 * shrinker.h - caches that give memory back under pressure (Linux 6.7+ API).
 * Reclaim asks count_objects() how much could be freed, then scan_objects()
 * to free up to sc->nr_to_scan. sc->gfp_mask is the allocating caller's
 * mask: without __GFP_FS a shrinker must not recurse into a filesystem,
 * without __GFP_IO it must not start I/O.
 */
#ifndef _UKMEM_LINUX_SHRINKER_H
#define _UKMEM_LINUX_SHRINKER_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/list.h>

struct mem_cgroup;

struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
	struct mem_cgroup *memcg;
};

#define SHRINK_STOP   (~0UL)
#define SHRINK_EMPTY  (~0UL - 1)
#define DEFAULT_SEEKS 2

#define SHRINKER_REGISTERED  (1 << 0)
#define SHRINKER_ALLOCATED   (1 << 1)
#define SHRINKER_NUMA_AWARE  (1 << 2)
#define SHRINKER_MEMCG_AWARE (1 << 3)
#define SHRINKER_NONSLAB     (1 << 4)

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *sc);
	long batch;
	int seeks;
	unsigned int flags;
	void *private_data;
	/* private to reclaim */
	struct list_head list;
	char name[32];
	long nr_deferred;
};

#pragma GCC visibility push(default)
struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...) __printf(2, 3);
void shrinker_register(struct shrinker *shrinker);
void shrinker_free(struct shrinker *shrinker);
#pragma GCC visibility pop

#endif
