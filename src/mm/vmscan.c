// SPDX-License-Identifier: MIT
/*
 * vmscan.c - reclaim: the shrinker registry, shrink_slab(), kswapd (a real
 * background thread), direct reclaim for allocations that may sleep, and
 * the OOM report.
 *
 * ukmem has no page cache and no anonymous memory, so what reclaim can get
 * back is what caches hold: registered shrinkers (count_objects() says how
 * much could go, scan_objects() frees up to sc->nr_to_scan) and the empty
 * slabs of every kmem_cache (slab_shrink_all()). Each shrinker sees the
 * allocating caller's gfp_mask: without __GFP_FS it must not recurse into
 * a filesystem, without __GFP_IO not start I/O (it answers SHRINK_STOP).
 *
 * kswapd: woken by allocations that fall below a zone's low watermark (and
 * allow __GFP_KSWAPD_RECLAIM), it reclaims until one eligible zone is above
 * its high watermark, priority DEF_PRIORITY down to 0, then sleeps on a
 * futex. After MAX_RECLAIM_RETRIES runs without progress it is "hopeless"
 * (zoneinfo node_unreclaimable) and ignores wakeups for a while.
 *
 * Locking: shrinker_mutex (a sleeping lock) protects shrinker_list and is
 * held while shrinkers run, so shrinker_free() waits for a running scan.
 * Reclaimers carry PF_MEMALLOC: their own allocations skip the watermarks
 * and never recurse into reclaim.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mutex.h>
#include <linux/shrinker.h>
#include <linux/sched/mm.h>
#include <stdarg.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "mm/internal.h"

#define SHRINK_BATCH	 128
#define SWAP_CLUSTER_MAX 32

static LIST_HEAD(shrinker_list);
static struct mutex shrinker_mutex;
static bool shrinker_mutex_ready;

static struct {
	plat_thread_t thread;
	bool running;
	u32 wake_seq; /* futex word: bumped by wakeup_kswapd() */
	u32 stop;
	int order;
	int highest_zoneidx;
	int failures; /* runs in a row without progress */
	u64 hopeless_until_ns;
} kswapd;

/* ---------------------------------------------------------------- shrinkers */

/**
 * shrinker_alloc - allocate a shrinker to register later
 * @flags: SHRINKER_* flags (NUMA/MEMCG awareness is accepted and ignored)
 * @fmt: printf-style name, shown in reports
 *
 * Context: process context.
 * Return: the shrinker (seeks DEFAULT_SEEKS, batch 0 = SHRINK_BATCH), or NULL.
 */
__ukmem_export struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct shrinker *s = plat_meta_alloc(sizeof(*s));
	va_list ap;

	if (!s)
		return NULL;
	s->flags = (flags & ~SHRINKER_REGISTERED) | SHRINKER_ALLOCATED;
	s->seeks = DEFAULT_SEEKS;
	INIT_LIST_HEAD(&s->list);
	va_start(ap, fmt);
	ukmem_vsnprintf(s->name, sizeof(s->name), fmt ? fmt : "shrinker", ap);
	va_end(ap);
	return s;
}

static void shrinker_lock(void)
{
	mutex_lock(&shrinker_mutex);
}

static void shrinker_unlock(void)
{
	mutex_unlock(&shrinker_mutex);
}

/**
 * shrinker_register - make a shrinker visible to reclaim
 * @shrinker: from shrinker_alloc(), with count_objects and scan_objects set
 *
 * Context: process context.
 */
__ukmem_export void shrinker_register(struct shrinker *shrinker)
{
	ukmem_ensure_booted();
	if (!shrinker || !(shrinker->flags & SHRINKER_ALLOCATED)) {
		WARN(1, "shrinker_register: shrinker %px was not allocated by shrinker_alloc()\n",
		     (void *)shrinker);
		return;
	}
	if (!shrinker->count_objects || !shrinker->scan_objects) {
		WARN(1, "shrinker_register: %s has no count_objects/scan_objects\n",
		     shrinker->name);
		return;
	}
	shrinker_lock();
	if (shrinker->flags & SHRINKER_REGISTERED) {
		shrinker_unlock();
		WARN(1, "shrinker_register: %s registered twice\n", shrinker->name);
		return;
	}
	list_add_tail(&shrinker->list, &shrinker_list);
	shrinker->flags |= SHRINKER_REGISTERED;
	shrinker_unlock();
}

/**
 * shrinker_free - unregister (if registered) and free a shrinker
 * @shrinker: the shrinker, or NULL
 *
 * Waits for a scan of it in progress to finish.
 *
 * Context: process context.
 */
__ukmem_export void shrinker_free(struct shrinker *shrinker)
{
	if (!shrinker)
		return;
	if (!(shrinker->flags & SHRINKER_ALLOCATED)) {
		WARN(1, "shrinker_free: %px was not allocated by shrinker_alloc()\n",
		     (void *)shrinker);
		return;
	}
	if (shrinker_mutex_ready && (shrinker->flags & SHRINKER_REGISTERED)) {
		shrinker_lock();
		list_del(&shrinker->list);
		shrinker->flags &= ~SHRINKER_REGISTERED;
		shrinker_unlock();
	}
	shrinker->flags = 0;
	plat_meta_free(shrinker, sizeof(*shrinker));
}

/*
 * do_shrink_slab - ask one shrinker for (count >> priority) * 4 / seeks
 * objects, in batches, as the kernel does (without deferral across calls).
 * Return: objects freed.
 */
static unsigned long do_shrink_slab(struct shrink_control *sc, struct shrinker *s, int priority)
{
	unsigned long freeable, delta, total_scan, freed = 0;
	long batch = s->batch ? s->batch : SHRINK_BATCH;

	freeable = s->count_objects(s, sc);
	if (freeable == 0 || freeable == SHRINK_EMPTY)
		return 0;
	delta = (freeable >> priority) * 4 / (unsigned long)(s->seeks ? s->seeks : 1);
	total_scan = min(delta, freeable * 2);
	while (total_scan >= (unsigned long)batch || total_scan >= freeable) {
		unsigned long ret, nr = min((unsigned long)batch, total_scan);

		sc->nr_to_scan = nr;
		sc->nr_scanned = nr;
		ret = s->scan_objects(s, sc);
		count_vm_events(SLABS_SCANNED, sc->nr_scanned);
		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		if (!sc->nr_scanned || total_scan < sc->nr_scanned)
			break;
		total_scan -= sc->nr_scanned;
		if (!total_scan)
			break;
	}
	return freed;
}

/* shrink_slab - one pass over every registered shrinker. Return: objects freed. */
static unsigned long shrink_slab(gfp_t gfp, int priority)
{
	struct shrinker *s;
	unsigned long freed = 0;

	if (!shrinker_mutex_ready)
		return 0;
	shrinker_lock();
	list_for_each_entry (s, &shrinker_list, list) {
		struct shrink_control sc = {.gfp_mask = gfp, .nid = 0};

		freed += do_shrink_slab(&sc, s, priority);
	}
	shrinker_unlock();
	return freed;
}

/* ---------------------------------------------------------------- reclaim */

/* pgdat_balanced - one eligible zone above its high watermark is enough (order 0). */
static bool pgdat_balanced(int highest_zoneidx)
{
	int z;

	for (z = highest_zoneidx; z >= 0; z--) {
		struct zone *zone = &ukmem_zones[z];

		if (!zone_managed_pages(zone))
			continue;
		if (zone_watermark_ok(zone, 0, high_wmark_pages(zone), highest_zoneidx, 0))
			return true;
	}
	return false;
}

/*
 * Free pages reclaim can see: the buddy lists and the per-CPU lists (what a
 * shrinker frees lands on its CPU's list first). Progress is measured in
 * these pages, never in the objects shrinkers say they freed: a shrinker's
 * count is no page back (the kernel's sc->nr_reclaimed counts pages too).
 */
static unsigned long reclaim_free_pages(void)
{
	return nr_free_pages() + nr_free_pcp_pages(NULL);
}

static unsigned long free_delta(unsigned long before, unsigned long now)
{
	return now > before ? now - before : 0;
}

/**
 * try_to_free_pages - one direct-reclaim round for an allocation
 * @gfp: the caller's flags (after its memalloc scopes); shrinkers see them
 * @order: the order wanted
 * @highest_zoneidx: the highest zone it may use
 *
 * Shrinkers at priority DEF_PRIORITY down to 0 until SWAP_CLUSTER_MAX
 * pages (or 2^order) came back, then the empty slabs of every cache.
 *
 * Context: process context, may sleep; the caller is not a reclaimer.
 * Return: progress: the pages that came back (the objects shrinkers report
 * freed do not count; a shrinker that frees nothing must not keep an
 * allocation retrying).
 */
unsigned long try_to_free_pages(gfp_t gfp, unsigned int order, int highest_zoneidx)
{
	unsigned long before = reclaim_free_pages(), buddy_before = nr_free_pages(), target, pages;
	unsigned int noreclaim = memalloc_noreclaim_save();
	int priority;

	count_vm_event(ALLOCSTALL);
	target = max((unsigned long)SWAP_CLUSTER_MAX, 1UL << order);
	for (priority = DEF_PRIORITY; priority >= 0; priority--) {
		shrink_slab(gfp, priority);
		/* enough where the watermark checks look (the buddy lists) */
		if (free_delta(buddy_before, nr_free_pages()) >= target)
			break;
	}
	slab_shrink_all(gfp);
	memalloc_noreclaim_restore(noreclaim);
	pages = free_delta(before, reclaim_free_pages());
	count_vm_events(PGSTEAL_DIRECT, pages);
	if (pages)
		__atomic_store_n(&kswapd.failures, 0, __ATOMIC_RELAXED);
	return pages;
}

/* ---------------------------------------------------------------- kswapd */

bool kswapd_hopeless(void)
{
	return __atomic_load_n(&kswapd.failures, __ATOMIC_RELAXED) >= MAX_RECLAIM_RETRIES;
}

/**
 * wakeup_kswapd - ask kswapd to reclaim up to the high watermark
 * @order: order of the allocation that fell below the low watermark
 * @highest_zoneidx: its highest zone
 *
 * Context: any (never sleeps).
 */
void wakeup_kswapd(unsigned int order, int highest_zoneidx)
{
	if (!__atomic_load_n(&kswapd.running, __ATOMIC_ACQUIRE))
		return;
	if (pgdat_balanced(highest_zoneidx))
		return;
	if (kswapd_hopeless() &&
	    plat_clock_ns() < __atomic_load_n(&kswapd.hopeless_until_ns, __ATOMIC_RELAXED))
		return;
	if ((int)order > __atomic_load_n(&kswapd.order, __ATOMIC_RELAXED))
		__atomic_store_n(&kswapd.order, (int)order, __ATOMIC_RELAXED);
	if (highest_zoneidx > __atomic_load_n(&kswapd.highest_zoneidx, __ATOMIC_RELAXED))
		__atomic_store_n(&kswapd.highest_zoneidx, highest_zoneidx, __ATOMIC_RELAXED);
	count_vm_event(KSWAPD_WAKEUP);
	__atomic_fetch_add(&kswapd.wake_seq, 1, __ATOMIC_RELEASE);
	plat_futex_wake(&kswapd.wake_seq, 1);
}

/* balance_pgdat - kswapd's work: reclaim until an eligible zone is above high. */
static void balance_pgdat(int highest_zoneidx)
{
	unsigned long before = reclaim_free_pages(), objects = 0, pages;
	int priority;

	count_vm_event(PAGEOUTRUN);
	for (priority = DEF_PRIORITY; priority >= 0; priority--) {
		if (pgdat_balanced(highest_zoneidx))
			break;
		if (__atomic_load_n(&kswapd.stop, __ATOMIC_ACQUIRE))
			return;
		objects += shrink_slab(GFP_KERNEL, priority);
		if (priority == DEF_PRIORITY / 2 || priority == 0)
			slab_shrink_all(GFP_KERNEL);
		/* what shrinkers freed here sits on per-CPU lists, not yet free */
		if (objects)
			drain_all_pages(NULL);
	}
	pages = free_delta(before, reclaim_free_pages());
	count_vm_events(PGSTEAL_KSWAPD, pages);
	if (pages) {
		__atomic_store_n(&kswapd.failures, 0, __ATOMIC_RELAXED);
	} else if (!pgdat_balanced(highest_zoneidx) &&
		   __atomic_add_fetch(&kswapd.failures, 1, __ATOMIC_RELAXED) >=
		       MAX_RECLAIM_RETRIES) {
		__atomic_store_n(&kswapd.hopeless_until_ns, plat_clock_ns() + 100000000ull,
				 __ATOMIC_RELAXED);
	}
	if (pages)
		wake_alloc_waiters();
}

static void *kswapd_fn(void *arg)
{
	u32 seen = 0;
	bool task_ready = false;

	for (;;) {
		u32 seq = __atomic_load_n(&kswapd.wake_seq, __ATOMIC_ACQUIRE);
		int highest;

		if (__atomic_load_n(&kswapd.stop, __ATOMIC_ACQUIRE))
			break;
		if (seq == seen) {
			plat_futex_wait(&kswapd.wake_seq, seq, -1);
			continue;
		}
		seen = seq;
		/* during boot the task cannot be set up yet (boot holds the machine) */
		if (!__atomic_load_n(&machine.booted, __ATOMIC_ACQUIRE))
			continue;
		if (!task_ready) {
			current_task()->flags |= PF_KSWAPD | PF_MEMALLOC | PF_KTHREAD;
			task_ready = true;
		}
		highest = __atomic_exchange_n(&kswapd.highest_zoneidx, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&kswapd.order, 0, __ATOMIC_RELAXED);
		balance_pgdat(max(highest, (int)ZONE_NORMAL));
	}
	return arg;
}

/* kswapd_run - start kswapd0 (last in boot, so every cache is up). */
int kswapd_run(void)
{
	int err;

	kswapd.wake_seq = 0;
	kswapd.stop = 0;
	kswapd.failures = 0;
	kswapd.order = 0;
	kswapd.highest_zoneidx = 0;
	err = plat_thread_create(&kswapd.thread, "kswapd0", kswapd_fn, NULL);
	if (err) {
		pr_err("Failed to start kswapd on node 0, ret=%d\n", err);
		return 0; /* the machine runs without it, as the kernel's does */
	}
	__atomic_store_n(&kswapd.running, true, __ATOMIC_RELEASE);
	return 0;
}

/* kswapd_stop - stop kswapd0 (first in shutdown, before caches go away). */
void kswapd_stop(void)
{
	if (!__atomic_load_n(&kswapd.running, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&kswapd.running, false, __ATOMIC_RELEASE);
	__atomic_store_n(&kswapd.stop, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&kswapd.wake_seq, 1, __ATOMIC_RELEASE);
	plat_futex_wake(&kswapd.wake_seq, 1);
	plat_thread_join(kswapd.thread);
}

/* ---------------------------------------------------------------- OOM */

/**
 * out_of_memory - the OOM report for an allocation reclaim could not help
 * @gfp: its flags
 * @order: its order
 *
 * Linux would pick a process to kill and retry; ukmem has none, so it
 * prints what the kernel prints when nothing is killable, and the caller
 * fails the allocation instead of panicking (docs/page_alloc.md).
 *
 * Context: process context.
 */
void out_of_memory(gfp_t gfp, unsigned int order)
{
	struct task_struct *t = current_task();

	count_vm_event(OOM_KILL);
	report_start(UKMEM_REPORT_OOM);
	printk(KERN_WARNING
	       "%s invoked oom-killer: gfp_mask=%#x(%pGg), order=%u, oom_score_adj=0\n",
	       t->comm, gfp, &gfp, order);
	report_stack();
	__show_mem((int)gfp_zone(gfp));
	/* should_dump_unreclaim_slab(): no LRU pages here, so always */
	dump_unreclaimable_slab();
	printk(KERN_INFO "Tasks state (memory values in pages):\n");
	printk(KERN_INFO "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
			 "pgtables_bytes swapents oom_score_adj name\n");
	printk(KERN_ERR "Out of memory and no killable processes...\n");
	report_end(UKMEM_REPORT_OOM);
}

/* ---------------------------------------------------------------- subsystem */

int reclaim_param(const char *key, const char *val)
{
	return -ENOENT;
}

int reclaim_init(void)
{
	if (!shrinker_mutex_ready) {
		mutex_init(&shrinker_mutex);
		shrinker_mutex_ready = true;
	}
	INIT_LIST_HEAD(&shrinker_list);
	return 0;
}

void reclaim_exit(void)
{
	struct shrinker *s, *n;

	kswapd_stop();
	/* shrinkers their owners left registered: forget them, the next boot starts clean */
	list_for_each_entry_safe (s, n, &shrinker_list, list) {
		list_del_init(&s->list);
		s->flags &= ~SHRINKER_REGISTERED;
	}
}
