// SPDX-License-Identifier: MIT
/*
 * stackdepot.c - a store of deduplicated stack traces named by 32-bit
 * handles, as the kernel's lib/stackdepot.c (the idea, not its code).
 *
 * Records live in 64 KiB pools of host metadata memory and are never freed
 * (the set of distinct call stacks of a program is small and bounded), so
 * a handle stays valid for the life of the process, across reboots of the
 * simulated machine. Lookups are lock-free: a record is fully written
 * before the release store that links it into its hash bucket, and the
 * pool table entry is published before any handle into the pool. Inserts
 * serialise on depot_lock, a plain spin flag: it is taken with ukmem locks
 * (list_lock) held, so it must not itself be a ukmem lock that sleeps or
 * counts preemption.
 *
 * handle = (pool << DEPOT_IDX_BITS) + index + 1 (0 means "no stack").
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <string.h>

#include "debug/stackdepot.h"
#include "platform/platform.h"

#define DEPOT_POOL_BYTES (64UL << 10)
#define DEPOT_MAX_POOLS	 1024U /* 64 MiB of records at most */
#define DEPOT_BUCKETS	 8192U /* power of two */
#define DEPOT_IDX_BITS	 10U   /* records per pool < 1024 */

struct depot_record {
	struct depot_record *next; /* bucket chain */
	u32 hash;
	u32 handle;
	u32 nr;
	unsigned long entries[STACK_DEPOT_MAX_FRAMES];
};

#define RECORDS_PER_POOL ((unsigned int)(DEPOT_POOL_BYTES / sizeof(struct depot_record)))

static struct depot_record **depot_buckets;
static struct depot_record *depot_pools[DEPOT_MAX_POOLS];
static unsigned int depot_nr_pools, depot_pool_used;
static int depot_lock;

static u32 hash_frames(const unsigned long *entries, unsigned int nr)
{
	u64 h = 0x9e3779b97f4a7c15ULL ^ nr;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		h ^= entries[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	return (u32)h;
}

static struct depot_record *find_record(struct depot_record *head, u32 hash,
					const unsigned long *entries, unsigned int nr)
{
	for (; head; head = __atomic_load_n(&head->next, __ATOMIC_ACQUIRE))
		if (head->hash == hash && head->nr == nr &&
		    !memcmp(head->entries, entries, nr * sizeof(*entries)))
			return head;
	return NULL;
}

static void depot_lock_acquire(void)
{
	while (__atomic_exchange_n(&depot_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&depot_lock, __ATOMIC_RELAXED))
			cpu_relax();
}

static void depot_lock_release(void)
{
	__atomic_store_n(&depot_lock, 0, __ATOMIC_RELEASE);
}

/* new_record - the next free record slot (depot_lock held), or NULL when full. */
static struct depot_record *new_record(void)
{
	struct depot_record *pool;
	unsigned int idx;

	if (!depot_nr_pools || depot_pool_used == RECORDS_PER_POOL) {
		if (depot_nr_pools == DEPOT_MAX_POOLS)
			return NULL;
		pool = plat_meta_alloc(DEPOT_POOL_BYTES);
		if (!pool)
			return NULL;
		__atomic_store_n(&depot_pools[depot_nr_pools], pool, __ATOMIC_RELEASE);
		depot_nr_pools++;
		depot_pool_used = 0;
	}
	pool = depot_pools[depot_nr_pools - 1];
	idx = depot_pool_used++;
	pool[idx].handle = ((depot_nr_pools - 1) << DEPOT_IDX_BITS) + idx + 1;
	return &pool[idx];
}

depot_stack_handle_t stack_depot_save(const unsigned long *entries, unsigned int nr)
{
	struct depot_record **buckets, *rec, **slot;
	depot_stack_handle_t handle = 0;
	u32 hash;

	if (!nr)
		return 0;
	nr = min(nr, (unsigned int)STACK_DEPOT_MAX_FRAMES);
	hash = hash_frames(entries, nr);
	buckets = __atomic_load_n(&depot_buckets, __ATOMIC_ACQUIRE);
	if (buckets) {
		rec = find_record(
		    __atomic_load_n(&buckets[hash & (DEPOT_BUCKETS - 1)], __ATOMIC_ACQUIRE), hash,
		    entries, nr);
		if (rec)
			return rec->handle;
	}
	depot_lock_acquire();
	if (!depot_buckets) {
		buckets = plat_meta_alloc(DEPOT_BUCKETS * sizeof(*buckets));
		if (!buckets)
			goto out;
		__atomic_store_n(&depot_buckets, buckets, __ATOMIC_RELEASE);
	}
	slot = &depot_buckets[hash & (DEPOT_BUCKETS - 1)];
	rec = find_record(*slot, hash, entries, nr);
	if (!rec) {
		rec = new_record();
		if (!rec)
			goto out;
		rec->hash = hash;
		rec->nr = nr;
		memcpy(rec->entries, entries, nr * sizeof(*entries));
		rec->next = *slot;
		__atomic_store_n(slot, rec, __ATOMIC_RELEASE);
	}
	handle = rec->handle;
out:
	depot_lock_release();
	return handle;
}

unsigned int stack_depot_fetch(depot_stack_handle_t handle, const unsigned long **entries)
{
	unsigned int pool, idx;
	struct depot_record *p;

	*entries = NULL;
	if (!handle)
		return 0;
	pool = (handle - 1) >> DEPOT_IDX_BITS;
	idx = (handle - 1) & ((1U << DEPOT_IDX_BITS) - 1);
	if (pool >= DEPOT_MAX_POOLS || idx >= RECORDS_PER_POOL)
		return 0;
	p = __atomic_load_n(&depot_pools[pool], __ATOMIC_ACQUIRE);
	if (!p || p[idx].handle != handle)
		return 0;
	*entries = p[idx].entries;
	return p[idx].nr;
}

void stack_depot_print(depot_stack_handle_t handle)
{
	const unsigned long *entries;
	unsigned int nr = stack_depot_fetch(handle, &entries), i;

	for (i = 0; i < nr; i++)
		pr_err(" %pS\n", (void *)entries[i]);
}

void stack_depot_fork_child(void)
{
	depot_lock = 0;
}
