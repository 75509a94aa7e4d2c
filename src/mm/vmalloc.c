// SPDX-License-Identifier: MIT
/*
 * vmalloc.c - virtually contiguous memory: vmap areas, their frames and the
 * mappings between them.
 *
 * The picture is the kernel's. The vmalloc space [machine.vmalloc_start,
 * machine.vmalloc_end) is a PROT_NONE host reservation. vmalloc() finds a
 * free range there (a vmap_area, size + one guard page), takes frames from
 * the page allocator and maps them: each run of physically contiguous frames
 * is one mmap(MAP_FIXED|MAP_SHARED) of the RAM memfd at the frame's offset,
 * so the area aliases the same frames as the direct map and the host MMU
 * translates (populated at once, as the kernel fills the PTEs at vmalloc
 * time). No frame is ever mapped at the guard page, so an overflow is a
 * SIGSEGV; where the host has guard markers the guard is the last page of
 * the last mapping (one host mapping per area instead of two: see
 * vm_unmap_host() and docs/vmalloc.md for vm.max_map_count).
 * Beside the host mapping the PTEs are written into the kernel page table
 * of pgtable.c, which vmalloc_to_page() walks.
 *
 * Frames: vmalloc asks for the largest order that fits what is left and is
 * free at once (no reclaim, no warning), then smaller ones, down to single
 * frames with the caller's gfp. Higher orders keep the number of host
 * mappings (vm.max_map_count, 65530) small: a 256 MiB area on a fresh
 * machine is 64 mmap() calls. On a fragmented machine every frame may be its
 * own run; that still works, it just costs one mapping per frame.
 *
 * Free space: a treap (a randomised balanced search tree) of free ranges
 * ordered by address, each node augmented with the largest free size in its
 * subtree - the role of the kernel's augmented rbtree free_vmap_area_root.
 * The lowest-addressed range that fits is found in O(log n) by descending
 * left whenever the left subtree's maximum is big enough, so allocation cost
 * does not grow with the number of live areas. Busy areas are found by their
 * start address in a hash table (vfree, find_vm_area).
 *
 * Lazy freeing and the TLB analogy: the kernel's vfree() clears the PTEs
 * at once but defers the TLB flush; the virtual range is parked on a purge
 * list and only returned to the free tree by a batched purge (one global
 * TLB flush for many areas), so no CPU can hold a stale translation into a
 * range that has been handed out again. Here the host's munmap() performs
 * the real TLB shootdown at vfree() time, and the frames are freed at once;
 * what stays lazy is the same guarantee: a freed range is not reused until
 * the purge (when lazily freed space passes lazy_max_pages, or when an
 * allocation finds no room, or vm_unmap_aliases()). Until then a stale
 * pointer into it faults instead of reaching somebody else's new area.
 *
 * Metadata (struct vmap_area with its vm_struct, the pages array, tree and
 * hash nodes) comes from the host's malloc, not from simulated RAM: vmalloc
 * must not depend on the slab allocator (the kernel uses kmem_caches), and
 * so the page allocator's accounting shows only frames and page tables.
 *
 * Locking: vmap_area_lock (a spinlock: held only for tree, hash and purge
 * list updates, never across page allocation or host mappings) protects the
 * free tree, the busy hash, the purge list and lazy_nr_pages. An area's
 * mappings and pages are touched only by its owner between allocation and
 * vfree. vfree() from interrupt context and vfree_atomic() push the address
 * on a lock-free list that the next vmalloc()/vfree()/vm_unmap_aliases() in
 * process context drains (the kernel uses a workqueue).
 *
 * Invariants: free ranges never overlap or touch (adjacent ones are merged
 * at purge); for every node, subtree_max_size == max(own size, children's);
 * busy, lazy, free and retired ranges partition the vmalloc space (retired:
 * given up because the host could not unmap or re-reserve them; never reused).
 * A frame still mapped anywhere in the vmalloc space is never free.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/log2.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "debug/leak.h"
#include "mm/internal.h"
#include "lib/fault-inject.h"
#include "debug/trace.h"
#include "mm/pgtable.h"

#define GUARD_SIZE	PAGE_SIZE
#define NR_INLINE_PAGES 4
#define GFP_VMALLOC32	(GFP_DMA32 | GFP_KERNEL)

struct vmap_area {
	unsigned long va_start;
	unsigned long va_end; /* exclusive; includes the guard page */

	/* free tree (treap) */
	struct vmap_area *left, *right;
	unsigned long subtree_max_size;
	u32 prio;

	/* busy hash chain, purge list */
	struct vmap_area *next;

	unsigned int nr_runs;	   /* host mappings backing the area */
	unsigned long mapped_size; /* bytes from va_start under them (a folded guard too) */
	struct vm_struct vm;
	struct page *inline_pages[NR_INLINE_PAGES];
};

struct vfree_deferred {
	struct vfree_deferred *next;
	const void *addr;
	void *caller;
};

static DEFINE_SPINLOCK(vmap_area_lock);
static struct vmap_area *free_root; /* the free-space treap */
static struct vmap_area **busy_hash;
static unsigned long busy_mask; /* buckets - 1 */
static unsigned long nr_busy;
static struct vmap_area *purge_list;
static unsigned long lazy_nr_pages, lazy_max;
static u64 prio_state;
static struct vfree_deferred *deferred_head;
static bool vmalloc_up;
static bool warned_zero_size;
static bool warned_sealed, warned_released;
static unsigned long nr_retired_pages; /* vmalloc space given up (see vm_unmap_host) */

/* ------------------------------------------------------------ free tree */

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

static inline unsigned long subtree_max(const struct vmap_area *va)
{
	return va ? va->subtree_max_size : 0;
}

static inline void augment(struct vmap_area *t)
{
	unsigned long m = va_size(t), l = subtree_max(t->left), r = subtree_max(t->right);

	if (l > m)
		m = l;
	if (r > m)
		m = r;
	t->subtree_max_size = m;
}

static u32 next_prio(void)
{
	/* xorshift64*: any decent spread keeps the treap balanced */
	prio_state ^= prio_state >> 12;
	prio_state ^= prio_state << 25;
	prio_state ^= prio_state >> 27;
	return (u32)((prio_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void treap_split(struct vmap_area *t, unsigned long key, struct vmap_area **l,
			struct vmap_area **r)
{
	if (!t) {
		*l = *r = NULL;
	} else if (t->va_start < key) {
		treap_split(t->right, key, &t->right, r);
		*l = t;
		augment(t);
	} else {
		treap_split(t->left, key, l, &t->left);
		*r = t;
		augment(t);
	}
}

static struct vmap_area *treap_merge(struct vmap_area *a, struct vmap_area *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->prio > b->prio) {
		a->right = treap_merge(a->right, b);
		augment(a);
		return a;
	}
	b->left = treap_merge(a, b->left);
	augment(b);
	return b;
}

static struct vmap_area *treap_insert(struct vmap_area *t, struct vmap_area *n)
{
	if (!t) {
		augment(n);
		return n;
	}
	if (n->prio > t->prio) {
		treap_split(t, n->va_start, &n->left, &n->right);
		augment(n);
		return n;
	}
	if (n->va_start < t->va_start)
		t->left = treap_insert(t->left, n);
	else
		t->right = treap_insert(t->right, n);
	augment(t);
	return t;
}

static struct vmap_area *treap_erase(struct vmap_area *t, unsigned long key)
{
	if (!t)
		return NULL;
	if (t->va_start == key)
		return treap_merge(t->left, t->right);
	if (key < t->va_start)
		t->left = treap_erase(t->left, key);
	else
		t->right = treap_erase(t->right, key);
	augment(t);
	return t;
}

/* treap_update - recompute the augmentation on the path to the node at @key. */
static void treap_update(struct vmap_area *t, unsigned long key)
{
	if (!t)
		return;
	if (key < t->va_start)
		treap_update(t->left, key);
	else if (key > t->va_start)
		treap_update(t->right, key);
	augment(t);
}

static void free_tree_insert(struct vmap_area *va)
{
	va->left = va->right = NULL;
	va->prio = next_prio();
	free_root = treap_insert(free_root, va);
}

/* find_vmap_lowest_match - the lowest free range of at least @length bytes. */
static struct vmap_area *find_vmap_lowest_match(unsigned long length)
{
	struct vmap_area *t = free_root;

	while (t) {
		if (subtree_max(t->left) >= length)
			t = t->left;
		else if (va_size(t) >= length)
			return t;
		else if (subtree_max(t->right) >= length)
			t = t->right;
		else
			return NULL;
	}
	return NULL;
}

/*
 * __alloc_vmap_range - carve [addr, addr + size) with @align out of the
 * lowest free range that surely holds it. Return: addr, or 0.
 * Context: vmap_area_lock held. May malloc one node for a middle split.
 */
static unsigned long __alloc_vmap_range(unsigned long size, unsigned long align)
{
	unsigned long length = align > PAGE_SIZE ? size + align - PAGE_SIZE : size;
	unsigned long nva_start, old_end;
	struct vmap_area *va = find_vmap_lowest_match(length);

	if (!va)
		return 0;
	nva_start = ALIGN(va->va_start, align);
	old_end = va->va_end;
	if (nva_start == va->va_start && nva_start + size == old_end) {
		free_root = treap_erase(free_root, va->va_start); /* exact fit */
		free(va);
	} else if (nva_start == va->va_start) {
		va->va_start += size; /* left fit: order among ranges unchanged */
		treap_update(free_root, va->va_start);
	} else if (nva_start + size == old_end) {
		va->va_end = nva_start; /* right fit */
		treap_update(free_root, va->va_start);
	} else {
		struct vmap_area *rest = calloc(1, sizeof(*rest));

		if (!rest)
			return 0;
		va->va_end = nva_start;
		treap_update(free_root, va->va_start);
		rest->va_start = nva_start + size;
		rest->va_end = old_end;
		free_tree_insert(rest);
	}
	return nva_start;
}

/* insert_vmap_area_coalesce - give @va's range back, merged with neighbours. */
static void insert_vmap_area_coalesce(struct vmap_area *va)
{
	struct vmap_area *t = free_root, *prev = NULL, *next = NULL;

	while (t) {
		if (t->va_start < va->va_start) {
			prev = t;
			t = t->right;
		} else {
			if (t->va_start == va->va_end)
				next = t;
			t = t->left;
		}
	}
	if (prev && prev->va_end != va->va_start)
		prev = NULL;
	if (prev) {
		if (next) {
			free_root = treap_erase(free_root, next->va_start);
			prev->va_end = next->va_end;
			free(next);
		} else {
			prev->va_end = va->va_end;
		}
		treap_update(free_root, prev->va_start);
		free(va);
	} else if (next) {
		next->va_start = va->va_start; /* still between its neighbours */
		treap_update(free_root, next->va_start);
		free(va);
	} else {
		unsigned long start = va->va_start, end = va->va_end;

		memset(va, 0, sizeof(*va));
		va->va_start = start;
		va->va_end = end;
		free_tree_insert(va);
	}
}

/* ------------------------------------------------------------ busy hash */

static inline unsigned long busy_slot(unsigned long addr)
{
	return ((addr >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ul >> 20) & busy_mask;
}

static void busy_grow(void)
{
	unsigned long n = (busy_mask + 1) * 2, i;
	struct vmap_area **tbl = calloc(n, sizeof(*tbl)), **old = busy_hash;
	unsigned long old_n = busy_mask + 1;

	if (!tbl)
		return; /* longer chains, still correct */
	busy_hash = tbl;
	busy_mask = n - 1;
	for (i = 0; i < old_n; i++) {
		struct vmap_area *va = old[i], *nx;

		for (; va; va = nx) {
			nx = va->next;
			va->next = busy_hash[busy_slot(va->va_start)];
			busy_hash[busy_slot(va->va_start)] = va;
		}
	}
	free(old);
}

static void busy_insert(struct vmap_area *va)
{
	unsigned long s;

	if (nr_busy >= 2 * (busy_mask + 1))
		busy_grow();
	s = busy_slot(va->va_start);
	va->next = busy_hash[s];
	busy_hash[s] = va;
	nr_busy++;
}

static struct vmap_area *busy_find(unsigned long addr)
{
	struct vmap_area *va;

	for (va = busy_hash[busy_slot(addr)]; va; va = va->next)
		if (va->va_start == addr)
			return va;
	return NULL;
}

static struct vmap_area *busy_unlink(unsigned long addr)
{
	struct vmap_area **pp = &busy_hash[busy_slot(addr)], *va;

	for (; (va = *pp); pp = &va->next) {
		if (va->va_start == addr) {
			*pp = va->next;
			va->next = NULL;
			nr_busy--;
			return va;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ areas */

static void purge_vmap_area_lazy_locked(void)
{
	struct vmap_area *va = purge_list, *nx;

	purge_list = NULL;
	lazy_nr_pages = 0;
	for (; va; va = nx) {
		nx = va->next;
		insert_vmap_area_coalesce(va);
	}
}

/*
 * alloc_vmap_area - reserve @size bytes (guard included) of vmalloc space.
 * A failed search purges the lazily freed ranges and tries once more.
 * Return: a busy area marked VM_UNINITIALIZED, or NULL.
 */
static struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
					 unsigned long vm_flags, const void *caller, gfp_t gfp)
{
	struct vmap_area *va = calloc(1, sizeof(*va));
	unsigned long addr;

	if (!va)
		return NULL;
	if (!align || !is_power_of_2(align))
		align = PAGE_SIZE;
	align = max(align, PAGE_SIZE);
	spin_lock(&vmap_area_lock);
	addr = __alloc_vmap_range(size, align);
	if (!addr && purge_list) {
		purge_vmap_area_lazy_locked();
		addr = __alloc_vmap_range(size, align);
	}
	if (!addr) {
		spin_unlock(&vmap_area_lock);
		free(va);
		trace_alloc_vmap_area(0, size, align, (unsigned long)machine.vmalloc_start,
				      (unsigned long)machine.vmalloc_end, 1);
		if (!(gfp & __GFP_NOWARN))
			pr_warn("vmalloc_node_range for size %lu failed: Address range restricted "
				"to %#lx - %#lx\n",
				size, (unsigned long)machine.vmalloc_start,
				(unsigned long)machine.vmalloc_end);
		return NULL;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	va->vm.addr = (void *)addr;
	va->vm.size = size;
	va->vm.flags = vm_flags | VM_UNINITIALIZED;
	va->vm.caller = caller;
	busy_insert(va);
	spin_unlock(&vmap_area_lock);
	trace_alloc_vmap_area(addr, size, align, (unsigned long)machine.vmalloc_start,
			      (unsigned long)machine.vmalloc_end, 0);
	return va;
}

/* free_vmap_area_noflush - park an unmapped area's range on the purge list. */
static void free_vmap_area_noflush(struct vmap_area *va)
{
	unsigned long start = va->va_start, nr_lazy;

	if (va->vm.pages && va->vm.pages != va->inline_pages)
		free(va->vm.pages);
	va->vm.pages = NULL;
	spin_lock(&vmap_area_lock);
	va->next = purge_list;
	purge_list = va;
	lazy_nr_pages += va_size(va) >> PAGE_SHIFT;
	nr_lazy = lazy_nr_pages;
	if (lazy_nr_pages > lazy_max)
		purge_vmap_area_lazy_locked();
	spin_unlock(&vmap_area_lock);
	trace_free_vmap_area_noflush(start, nr_lazy, lazy_max);
}

/*
 * retire_vmap_area - an area whose range cannot be used again (still mapped,
 * or handed back to the host) leaves every list: neither free nor busy.
 */
static void retire_vmap_area(struct vmap_area *va)
{
	if (va->vm.pages && va->vm.pages != va->inline_pages)
		free(va->vm.pages);
	spin_lock(&vmap_area_lock);
	busy_unlink(va->va_start);
	nr_retired_pages += va_size(va) >> PAGE_SHIFT;
	spin_unlock(&vmap_area_lock);
	free(va);
}

/* free_vmap_area_now - an area that was never handed out goes straight back. */
static void free_vmap_area_now(struct vmap_area *va)
{
	if (va->vm.pages && va->vm.pages != va->inline_pages)
		free(va->vm.pages);
	spin_lock(&vmap_area_lock);
	busy_unlink(va->va_start);
	insert_vmap_area_coalesce(va);
	spin_unlock(&vmap_area_lock);
}

static int host_prot(pgprot_t prot)
{
	return (pgprot_val(prot) & _PAGE_RW) ? PLAT_PROT_RW : PLAT_PROT_READ;
}

/*
 * vmap_pages_range - map @nr pages at @addr: one host mapping per run of
 * physically contiguous frames, the @guard bytes after the area folded into
 * the last one where the host can (plat_map_ram_guarded), and the PTEs.
 * A host refusal (its vm.max_map_count) is retried once after the idle
 * pkmap slots, the only host mappings ukmem keeps lazily, are released.
 * va->mapped_size covers whatever may have been mapped, so the caller's
 * vm_unmap_host() undoes it on failure. Return: 0 or -errno.
 */
static int vmap_pages_range(struct vmap_area *va, unsigned long addr, struct page **pages,
			    unsigned int nr, pgprot_t prot, gfp_t gfp, unsigned long guard)
{
	unsigned int i = 0, runs = 0;
	bool retried = false;
	long got;

	va->mapped_size = 0;
	while (i < nr) {
		unsigned long pfn = page_to_pfn(pages[i]);
		unsigned long off = (unsigned long)i << PAGE_SHIFT;
		unsigned int n = 1;
		size_t g;

		while (i + n < nr && page_to_pfn(pages[i + n]) == pfn + n)
			n++;
		g = i + n == nr ? guard : 0;
		got = plat_map_ram_guarded((void *)(addr + off), (size_t)n << PAGE_SHIFT, g,
					   machine.ram_fd, PFN_PHYS(pfn), host_prot(prot));
		if (got == -ENOMEM && !retried) {
			retried = true;
			kmap_flush_unused();
			continue;
		}
		if (got < 0) {
			va->mapped_size = off + ((unsigned long)n << PAGE_SHIFT) + g;
			va->nr_runs = runs;
			return (int)got;
		}
		va->mapped_size = off + (unsigned long)got;
		runs++;
		i += n;
	}
	va->nr_runs = runs;
	return vmap_pages_pte(addr, pages, nr, pgprot_val(prot) & ~_PAGE_PRESENT, gfp);
}

enum unmap_result {
	UNMAP_DONE,    /* nothing maps the range: frames may go, range may be reused */
	UNMAP_RETIRED, /* nothing maps our frames there, but the range is not ours any more */
	UNMAP_STUCK,   /* still mapped: its frames must never be reused */
};

/*
 * vm_unmap_host - take an area's host mappings away, whatever the host's map
 * count says. Replacing them with the reservation's PROT_NONE hole needs
 * one map entry, which the host refuses at vm.max_map_count; then they are
 * released with munmap() (which never needs one for whole mappings) and
 * reserved again, or, failing that, sealed in place (guard markers or
 * PROT_NONE). Only if all of that fails is a frame still reachable through
 * the old address, and then it must never be freed: reported, kept.
 */
static enum unmap_result vm_unmap_host(struct vmap_area *va, unsigned long size)
{
	void *addr = (void *)va->va_start;
	int err, r;

	vunmap_pte_range(va->va_start, size);
	if (!va->mapped_size)
		return UNMAP_DONE; /* get_vm_area() space nobody mapped */
	err = plat_unmap_to_reserved(addr, va->mapped_size);
	if (likely(!err))
		return UNMAP_DONE;
	r = plat_unmap_release(addr, va->mapped_size);
	if (!r)
		return UNMAP_DONE;
	if (r == PLAT_RANGE_LOST) {
		if (!warned_released) {
			warned_released = true;
			pr_warn("vmalloc: %px-%px released to the host and not reserved again: "
				"range retired\n",
				addr, (char *)addr + va->mapped_size);
		}
		return UNMAP_RETIRED;
	}
	if (!plat_seal(addr, va->mapped_size)) {
		if (!warned_sealed) {
			warned_sealed = true;
			pr_warn("vmalloc: host cannot unmap %px-%px (error %d, vm.max_map_count?): "
				"sealed instead\n",
				addr, (char *)addr + va->mapped_size, err);
		}
		return UNMAP_DONE;
	}
	report_warn(UKMEM_REPORT_VMALLOC, __FILE__, __LINE__, (void *)va->vm.caller,
		    "vmalloc: cannot unmap %px-%px (error %d): its pages are kept out of use\n",
		    addr, (char *)addr + va->mapped_size, err);
	return UNMAP_STUCK;
}

/* vm_free_pages - give a vmalloc area's frames back, block by block. */
static void vm_free_pages(struct page **pages, unsigned int nr)
{
	unsigned int i = 0;

	while (i < nr) {
		struct page *page = pages[i];
		unsigned int order = (unsigned int)page->private;

		page->private = 0;
		__free_pages(page, order);
		i += 1U << order;
	}
}

/*
 * vm_area_alloc_pages - fill @pages with @nr frames, preferring the largest
 * blocks that are free right now. The order of each block is kept in its
 * first frame's ->private for vm_free_pages(). Return: frames obtained.
 */
static unsigned int vm_area_alloc_pages(gfp_t gfp, struct page **pages, unsigned int nr)
{
	unsigned int i = 0, max_order = (unsigned int)ilog2(nr);
	gfp_t try_gfp = (gfp & ~__GFP_DIRECT_RECLAIM) | __GFP_NOWARN | __GFP_NORETRY;

	if (max_order > MAX_PAGE_ORDER)
		max_order = MAX_PAGE_ORDER;

	while (i < nr) {
		unsigned int order = min(max_order, (unsigned int)ilog2(nr - i)), j;
		struct page *page = NULL;

		for (; order > 0; order--) {
			page = alloc_pages(try_gfp, order);
			if (page)
				break;
			max_order = order - 1; /* no block that big: don't ask again */
		}
		if (!page)
			page = alloc_pages(gfp | __GFP_NOWARN, 0);
		if (!page)
			break;
		for (j = 0; j < (1U << order); j++) {
			SetPageVmalloc(page + j);
			pages[i + j] = page + j;
		}
		page->private = order;
		i += 1U << order;
	}
	return i;
}

static void vm_publish(struct vmap_area *va)
{
	spin_lock(&vmap_area_lock);
	va->vm.flags &= ~VM_UNINITIALIZED;
	spin_unlock(&vmap_area_lock);
}

/* vfree_drain_deferred - run the vfree()s that interrupt context left behind. */
static void __vfree(const void *addr, void *caller);
static void vfree_drain_deferred(void)
{
	struct vfree_deferred *d, *nx;

	if (likely(!__atomic_load_n(&deferred_head, __ATOMIC_ACQUIRE)))
		return;
	if (!task_preemptible(current_task()))
		return;
	d = __atomic_exchange_n(&deferred_head, NULL, __ATOMIC_ACQ_REL);
	for (; d; d = nx) {
		nx = d->next;
		__vfree(d->addr, d->caller);
		free(d);
	}
}

/**
 * __vmalloc_node_range - allocate virtually contiguous memory
 * @size: bytes wanted (rounded up to whole pages)
 * @align: alignment of the area (power of two; at least PAGE_SIZE)
 * @start: ignored (ukmem has one vmalloc space; see docs/vmalloc.md)
 * @end: ignored
 * @gfp_mask: flags for the frames (__GFP_HIGHMEM is added unless a DMA zone
 *	is asked for; __GFP_ZERO zeroes; __GFP_NOWARN silences failures)
 * @prot: protection of the mapping (PAGE_KERNEL, PAGE_KERNEL_RO)
 * @vm_flags: extra VM_* flags (VM_USERMAP, VM_NO_GUARD ...)
 * @node: ignored (one node)
 * @caller: shown in /proc/vmallocinfo
 *
 * Context: process context; may sleep when @gfp_mask allows blocking (in
 * atomic context that is reported as the kernel's might_sleep() does).
 * Return: the address of the area, or NULL with a "vmalloc error" warning
 * (unless __GFP_NOWARN).
 */
__ukmem_export void *__vmalloc_node_range(unsigned long size, unsigned long align,
					  unsigned long start, unsigned long end, gfp_t gfp_mask,
					  pgprot_t prot, unsigned long vm_flags, int node,
					  const void *caller)
{
	unsigned long real_size = size, guard, addr;
	struct vmap_area *va;
	struct page **pages;
	unsigned int nr, got;

	ukmem_ensure_booted();
	if (unlikely(!size)) {
		if (!warned_zero_size) {
			warned_zero_size = true;
			report_warn(UKMEM_REPORT_VMALLOC, __FILE__, __LINE__, (void *)caller, NULL);
		}
		return NULL;
	}
	if (gfpflags_allow_blocking(gfp_mask) && might_sleep_check(__FILE__, __LINE__))
		gfp_mask &= ~__GFP_DIRECT_RECLAIM; /* reported once, not per frame */
	/* one fault-injection decision per area (docs/fault-injection.md) */
	if (unlikely(should_fail_alloc_object(gfp_mask, size)))
		return NULL;
	vfree_drain_deferred();

	size = PAGE_ALIGN(size);
	if (unlikely(!size || (size >> PAGE_SHIFT) > totalram_pages())) {
		warn_alloc(gfp_mask, "vmalloc error: size %lu, exceeds total pages", real_size);
		return NULL;
	}
	guard = (vm_flags & VM_NO_GUARD) ? 0 : GUARD_SIZE;
	va = alloc_vmap_area(size + guard, align, vm_flags | VM_ALLOC, caller, gfp_mask);
	if (!va) {
		warn_alloc(gfp_mask, "vmalloc error: size %lu, vm_struct allocation failed%s",
			   real_size, (gfp_mask & __GFP_NOFAIL) ? ". Retrying." : "");
		return NULL;
	}
	addr = va->va_start;
	nr = (unsigned int)(size >> PAGE_SHIFT);
	pages = nr <= NR_INLINE_PAGES ? va->inline_pages : malloc(sizeof(*pages) * nr);
	if (!pages) {
		free_vmap_area_now(va);
		warn_alloc(gfp_mask,
			   "vmalloc error: size %lu, failed to allocate page array size %u",
			   real_size, nr);
		return NULL;
	}
	va->vm.pages = pages;
	if (!(gfp_mask & (GFP_DMA | GFP_DMA32)))
		gfp_mask |= __GFP_HIGHMEM;
	got = vm_area_alloc_pages(gfp_mask, pages, nr);
	if (got < nr) {
		warn_alloc(gfp_mask, "vmalloc error: size %lu, failed to allocate pages",
			   (unsigned long)got << PAGE_SHIFT);
		vm_free_pages(pages, got);
		free_vmap_area_now(va);
		return NULL;
	}
	if (vmap_pages_range(va, addr, pages, nr, prot, gfp_mask, guard)) {
		enum unmap_result r = vm_unmap_host(va, size);

		warn_alloc(gfp_mask, "vmalloc error: size %lu, failed to map pages", real_size);
		if (r != UNMAP_STUCK)
			vm_free_pages(pages, nr);
		if (r == UNMAP_DONE)
			free_vmap_area_now(va);
		else
			retire_vmap_area(va);
		return NULL;
	}
	va->vm.nr_pages = nr;
	va->vm.requested_size = real_size;
	mod_node_page_state(NR_VMALLOC, nr);
	vm_publish(va);
	return (void *)addr;
}

/**
 * __vmalloc_node - allocate virtually contiguous memory with alignment
 * @size: bytes wanted
 * @align: required alignment
 * @gfp_mask: flags for the frames
 * @node: ignored
 * @caller: shown in /proc/vmallocinfo
 *
 * Context: process context, may sleep (with a blocking @gfp_mask).
 * Return: the area or NULL.
 */
__ukmem_export void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask,
				    int node, const void *caller)
{
	return __vmalloc_node_range(size, align, 0, 0, gfp_mask, PAGE_KERNEL, 0, node, caller);
}

/**
 * __vmalloc - allocate virtually contiguous memory with given flags
 * @size: bytes wanted
 * @gfp_mask: flags for the frames
 *
 * Context: process context, may sleep (with a blocking @gfp_mask).
 * Return: the area or NULL.
 */
__ukmem_export void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc_node(size, 1, gfp_mask, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * vmalloc - allocate virtually contiguous memory
 * @size: bytes wanted
 *
 * Frames may come from highmem and are physically scattered; the area is
 * followed by an unmapped guard page.
 *
 * Context: process context; may sleep.
 * Return: the area or NULL.
 */
__ukmem_export void *vmalloc(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_KERNEL, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * vzalloc - allocate zeroed virtually contiguous memory
 * @size: bytes wanted
 *
 * Context: process context; may sleep.
 * Return: the area or NULL.
 */
__ukmem_export void *vzalloc(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE,
			      __builtin_return_address(0));
}

/**
 * vmalloc_huge - vmalloc that may use huge mappings (ukmem: plain vmalloc
 * whose large blocks already become single host mappings)
 * @size: bytes wanted
 * @gfp_mask: flags for the frames
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vmalloc_huge(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc_node(size, 1, gfp_mask, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * vmalloc_user - zeroed virtually contiguous memory fit for mapping to user
 * space (VM_USERMAP)
 * @size: bytes wanted
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vmalloc_user(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, 0, 0, GFP_KERNEL | __GFP_ZERO, PAGE_KERNEL,
				    VM_USERMAP, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * vmalloc_node - vmalloc on a node (one node here)
 * @size: bytes wanted
 * @node: ignored
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vmalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, 1, GFP_KERNEL, node, __builtin_return_address(0));
}

/**
 * vzalloc_node - vzalloc on a node (one node here)
 * @size: bytes wanted
 * @node: ignored
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vzalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, 1, GFP_KERNEL | __GFP_ZERO, node, __builtin_return_address(0));
}

/**
 * vmalloc_32 - virtually contiguous memory whose frames are below 4 GiB
 * (32-bit addressable)
 * @size: bytes wanted
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vmalloc_32(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_VMALLOC32, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * vmalloc_32_user - zeroed vmalloc_32 memory fit for user mapping
 * @size: bytes wanted
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vmalloc_32_user(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, 0, 0, GFP_VMALLOC32 | __GFP_ZERO, PAGE_KERNEL,
				    VM_USERMAP, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * __vmalloc_array - vmalloc an array of @n elements of @size bytes
 * @n: number of elements
 * @size: bytes per element
 * @flags: gfp flags
 *
 * Context: process context; may sleep.
 * Return: the area, or NULL (also when @n * @size overflows).
 */
__ukmem_export void *__vmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __vmalloc_node(bytes, 1, flags, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * vmalloc_array - vmalloc an array, with multiplication overflow check
 * @n: number of elements
 * @size: bytes per element
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vmalloc_array(size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __vmalloc_node(bytes, 1, GFP_KERNEL, NUMA_NO_NODE, __builtin_return_address(0));
}

/**
 * __vcalloc - zeroed vmalloc of an array, with overflow check
 * @n: number of elements
 * @size: bytes per element
 * @flags: gfp flags
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *__vcalloc(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __vmalloc_node(bytes, 1, flags | __GFP_ZERO, NUMA_NO_NODE,
			      __builtin_return_address(0));
}

/**
 * vcalloc - zeroed vmalloc of an array, with overflow check
 * @n: number of elements
 * @size: bytes per element
 *
 * Context: process context; may sleep. Return: the area or NULL.
 */
__ukmem_export void *vcalloc(size_t n, size_t size)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(n, size, &bytes)))
		return NULL;
	return __vmalloc_node(bytes, 1, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE,
			      __builtin_return_address(0));
}

/* remove_busy - take the initialised area starting at @addr out of the hash. */
static struct vmap_area *remove_busy(const void *addr)
{
	struct vmap_area *va;

	spin_lock(&vmap_area_lock);
	va = busy_find((unsigned long)addr);
	if (va && !(va->vm.flags & VM_UNINITIALIZED))
		busy_unlink(va->va_start);
	else
		va = NULL;
	spin_unlock(&vmap_area_lock);
	return va;
}

/* vmap_pin_pages - keep the frames still mapped at a stuck vmap() out of the buddy allocator. */
static void vmap_pin_pages(struct vmap_area *va, unsigned long size)
{
	unsigned long off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		struct page *page = vmalloc_to_page((void *)(va->va_start + off));

		if (page)
			get_page(page);
	}
}

/*
 * vm_teardown - unmap an area and, for vmalloc areas, free its frames; a
 * frame that is still mapped is never freed (vm_unmap_host).
 * Return: what became of the mapping.
 */
static enum unmap_result vm_teardown(struct vmap_area *va)
{
	struct vm_struct *vm = &va->vm;
	unsigned long size = get_vm_area_size(vm);
	enum unmap_result r;

	if (!(vm->flags & VM_ALLOC) && !va->mapped_size)
		va->mapped_size = size; /* get_vm_area(): whatever its user mapped there */
	if (!(vm->flags & (VM_ALLOC | VM_MAP_PUT_PAGES)) && va->mapped_size) {
		/* vmap(): the pages are the caller's, who may free them after vunmap() */
		r = vm_unmap_host(va, 0);
		if (r == UNMAP_STUCK)
			vmap_pin_pages(va, size);
		vunmap_pte_range(va->va_start, size);
		vm->nr_pages = 0;
		return r;
	}
	r = vm_unmap_host(va, size);
	if (r == UNMAP_STUCK) {
		vm->nr_pages = 0; /* the frames stay allocated, mapped only here */
		if (vm->flags & VM_MAP_PUT_PAGES) {
			kvfree(vm->pages);
			vm->pages = NULL;
		}
		return r;
	}
	if (vm->flags & VM_ALLOC) {
		vm_free_pages(vm->pages, vm->nr_pages);
		mod_node_page_state(NR_VMALLOC, -(long)vm->nr_pages);
	} else if (vm->flags & VM_MAP_PUT_PAGES) {
		unsigned int i;

		for (i = 0; i < vm->nr_pages; i++)
			__free_page(vm->pages[i]);
		kvfree(vm->pages); /* handed over by the vmap() caller */
		vm->pages = NULL;
	}
	vm->nr_pages = 0;
	return r;
}

/* vm_release - teardown, then the range goes lazy (or retires if unusable). */
static void vm_release(struct vmap_area *va)
{
	if (vm_teardown(va) == UNMAP_DONE)
		free_vmap_area_noflush(va);
	else
		retire_vmap_area(va);
}

static void __vfree(const void *addr, void *caller)
{
	struct vmap_area *va;

	if (unlikely(!PAGE_ALIGNED(addr))) {
		report_warn(UKMEM_REPORT_VMALLOC, __FILE__, __LINE__, caller,
			    "Trying to vfree() bad address (%p)\n", addr);
		return;
	}
	va = remove_busy(addr);
	if (unlikely(!va)) {
		report_warn(UKMEM_REPORT_VMALLOC, __FILE__, __LINE__, caller,
			    "Trying to vfree() nonexistent vm area (%p)\n", addr);
		return;
	}
	vm_release(va);
}

/**
 * vfree_atomic - release memory allocated by vmalloc(), from any context
 * @addr: the area, or NULL
 *
 * The free is deferred to the next vmalloc()/vfree() in process context.
 *
 * Context: any (interrupt context included).
 */
/* vfree_defer - queue @addr for the next purge; lock-free, so any context may call it. */
static void vfree_defer(const void *addr, void *caller)
{
	struct vfree_deferred *d;

	if (!addr)
		return;
	d = malloc(sizeof(*d));
	if (!d)
		return;
	d->addr = addr;
	d->caller = caller;
	d->next = __atomic_load_n(&deferred_head, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&deferred_head, &d->next, d, true, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
}

__ukmem_export void vfree_atomic(const void *addr)
{
	vfree_defer(addr, __builtin_return_address(0));
}

/**
 * vfree - release memory allocated by vmalloc()
 * @addr: the start of the area, or NULL (a no-op)
 *
 * The frames go back to the page allocator at once and the mapping is
 * removed (a later access faults); the virtual range is reused only after
 * the next lazy purge. An unaligned address or one that starts no area is
 * reported ("Trying to vfree() ...") and nothing is freed.
 *
 * Context: may sleep; from interrupt context the free is deferred, as
 * vfree_atomic() does.
 */
__ukmem_export void vfree(const void *addr)
{
	if (unlikely(in_interrupt())) {
		vfree_defer(addr, __builtin_return_address(0));
		return;
	}
	might_sleep_check(__FILE__, __LINE__);
	if (!addr)
		return;
	ukmem_ensure_booted();
	vfree_drain_deferred();
	__vfree(addr, __builtin_return_address(0));
}

/**
 * vmap - map an array of pages into virtually contiguous space
 * @pages: the pages (lowmem or highmem)
 * @count: how many
 * @flags: VM_MAP, optionally VM_MAP_PUT_PAGES (vfree() then frees the
 *	pages and the array, which must come from kvmalloc())
 * @prot: PAGE_KERNEL or PAGE_KERNEL_RO
 *
 * Context: process context; may sleep.
 * Return: the address of the mapping, or NULL.
 */
__ukmem_export void *vmap(struct page **pages, unsigned int count, unsigned long flags,
			  pgprot_t prot)
{
	struct vmap_area *va;
	unsigned long size;

	ukmem_ensure_booted();
	might_sleep_check(__FILE__, __LINE__);
	if (WARN_ON_ONCE(flags & VM_NO_GUARD))
		return NULL;
	if (!pages || !count || count > totalram_pages())
		return NULL;
	size = (unsigned long)count << PAGE_SHIFT;
	va = alloc_vmap_area(size + GUARD_SIZE, PAGE_SIZE, flags & ~VM_ALLOC,
			     __builtin_return_address(0), GFP_KERNEL);
	if (!va)
		return NULL;
	if (vmap_pages_range(va, va->va_start, pages, count, prot, GFP_KERNEL, GUARD_SIZE)) {
		enum unmap_result r = vm_unmap_host(va, size);
		unsigned int i;

		for (i = 0; r == UNMAP_STUCK && i < count; i++)
			get_page(pages[i]); /* still mapped here: never back to the buddy */
		if (r == UNMAP_DONE)
			free_vmap_area_now(va);
		else
			retire_vmap_area(va);
		return NULL;
	}
	if (flags & VM_MAP_PUT_PAGES) {
		va->vm.pages = pages;
		va->vm.nr_pages = count;
	}
	va->vm.requested_size = size;
	vm_publish(va);
	return (void *)va->va_start;
}

/**
 * vunmap - release a vmap() mapping (the pages stay with their owner)
 * @addr: the address vmap() returned, or NULL
 *
 * Context: process context; may sleep. A vmalloc() area is refused with a
 * warning (the kernel would leak its frames; use vfree()).
 */
__ukmem_export void vunmap(const void *addr)
{
	struct vmap_area *va;

	might_sleep_check(__FILE__, __LINE__);
	if (!addr)
		return;
	spin_lock(&vmap_area_lock);
	va = busy_find((unsigned long)addr);
	if (va && (va->vm.flags & (VM_UNINITIALIZED | VM_ALLOC)))
		va = NULL;
	if (va)
		busy_unlink(va->va_start);
	spin_unlock(&vmap_area_lock);
	if (!va) {
		report_warn(UKMEM_REPORT_VMALLOC, __FILE__, __LINE__, __builtin_return_address(0),
			    "Trying to vunmap() nonexistent vm area (%p)\n", addr);
		return;
	}
	vm_release(va);
}

/**
 * vrealloc - grow or shrink a vmalloc() area
 * @p: the area, or NULL (then this is __vmalloc)
 * @size: new size; 0 frees @p and returns NULL
 * @flags: gfp flags for a new area (__GFP_ZERO zeroes the grown part)
 *
 * Shrinking and growing within the pages already mapped happen in place;
 * otherwise a new area is allocated, the contents copied and @p freed.
 *
 * Context: process context; may sleep.
 * Return: the (possibly moved) area, or NULL (then @p is untouched).
 */
__ukmem_export void *vrealloc(const void *p, size_t size, gfp_t flags)
{
	struct vmap_area *va;
	size_t old_size, alloced;
	void *n;

	if (!size) {
		vfree(p);
		return NULL;
	}
	if (!p)
		return __vmalloc_node(size, 1, flags, NUMA_NO_NODE, __builtin_return_address(0));
	spin_lock(&vmap_area_lock);
	va = busy_find((unsigned long)p);
	if (va && ((va->vm.flags & VM_UNINITIALIZED) || !(va->vm.flags & VM_ALLOC)))
		va = NULL;
	old_size = va ? va->vm.requested_size : 0;
	alloced = va ? get_vm_area_size(&va->vm) : 0;
	spin_unlock(&vmap_area_lock);
	if (!va) {
		report_warn(UKMEM_REPORT_VMALLOC, __FILE__, __LINE__, __builtin_return_address(0),
			    "Trying to vrealloc() nonexistent vm area (%p)\n", p);
		return NULL;
	}
	if (size <= alloced) {
		/* in place; what lies beyond the new size reads as zero if it grows */
		if (size < old_size || (flags & __GFP_ZERO))
			memset((char *)p + min(size, old_size), 0, alloced - min(size, old_size));
		va->vm.requested_size = size;
		return (void *)p;
	}
	n = __vmalloc_node(size, 1, flags, NUMA_NO_NODE, __builtin_return_address(0));
	if (!n)
		return NULL;
	memcpy(n, p, old_size);
	vfree(p);
	return n;
}

/* ------------------------------------------------------------ lookups */

/**
 * is_vmalloc_addr - does @x lie in the vmalloc space?
 * @x: any address
 *
 * Context: any. Return: true for addresses in [VMALLOC_START, VMALLOC_END).
 */
__ukmem_export bool is_vmalloc_addr(const void *x)
{
	const char *p = x;

	return machine.vmalloc_start && p >= machine.vmalloc_start && p < machine.vmalloc_end;
}

/**
 * is_vmalloc_or_module_addr - is_vmalloc_addr (ukmem has no module space)
 * @x: any address
 *
 * Context: any. Return: nonzero for vmalloc addresses.
 */
__ukmem_export int is_vmalloc_or_module_addr(const void *x)
{
	return is_vmalloc_addr(x);
}

/**
 * vmalloc_to_page - the page mapped at a vmalloc address, by a page-table walk
 * @addr: an address in the vmalloc space
 *
 * Context: any; lockless. Return: the page, or NULL if nothing is mapped.
 */
__ukmem_export struct page *vmalloc_to_page(const void *addr)
{
	unsigned long pte;

	if (!is_vmalloc_or_module_addr(addr))
		return NULL;
	pte = pgtable_walk((unsigned long)addr);
	if (!pte)
		return NULL;
	return pfn_to_page((pte & PTE_PFN_MASK) >> PAGE_SHIFT);
}

/**
 * vmalloc_to_pfn - the frame number mapped at a vmalloc address
 * @addr: an address in the vmalloc space
 *
 * Context: any. Return: the pfn, or 0 if nothing is mapped.
 */
__ukmem_export unsigned long vmalloc_to_pfn(const void *addr)
{
	struct page *page = vmalloc_to_page(addr);

	return page ? page_to_pfn(page) : 0;
}

/**
 * find_vm_area - the vm_struct of the area starting at @addr
 * @addr: the start of an area
 *
 * Context: any process context. Return: the vm_struct or NULL.
 */
__ukmem_export struct vm_struct *find_vm_area(const void *addr)
{
	struct vmap_area *va;

	if (!vmalloc_up)
		return NULL;
	spin_lock(&vmap_area_lock);
	va = busy_find((unsigned long)addr);
	spin_unlock(&vmap_area_lock);
	return va ? &va->vm : NULL;
}

/**
 * get_vm_area_caller - reserve vmalloc space without mapping anything
 * @size: bytes (rounded up to pages; a guard page is added)
 * @flags: VM_* flags (VM_IOREMAP, VM_MAP ...)
 * @caller: shown in /proc/vmallocinfo
 *
 * Context: process context; may sleep. Return: the vm_struct, or NULL.
 */
__ukmem_export struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags,
						    const void *caller)
{
	struct vmap_area *va;

	ukmem_ensure_booted();
	might_sleep_check(__FILE__, __LINE__);
	size = PAGE_ALIGN(size);
	if (!size)
		return NULL;
	if (!(flags & VM_NO_GUARD))
		size += GUARD_SIZE;
	va = alloc_vmap_area(size, PAGE_SIZE, flags & ~VM_ALLOC, caller, GFP_KERNEL);
	if (!va)
		return NULL;
	vm_publish(va);
	return &va->vm;
}

/**
 * get_vm_area - reserve vmalloc space without mapping anything
 * @size: bytes
 * @flags: VM_* flags
 *
 * Context: process context; may sleep. Return: the vm_struct, or NULL.
 */
__ukmem_export struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return get_vm_area_caller(size, flags, __builtin_return_address(0));
}

/**
 * free_vm_area - release an area from get_vm_area() (and what is mapped there)
 * @area: the area
 *
 * Context: process context; may sleep.
 */
__ukmem_export void free_vm_area(struct vm_struct *area)
{
	struct vmap_area *va;

	if (!area)
		return;
	va = remove_busy(area->addr);
	if (!va || &va->vm != area) {
		report_warn(UKMEM_REPORT_VMALLOC, __FILE__, __LINE__, __builtin_return_address(0),
			    "Trying to free nonexistent vm area (%p)\n", area->addr);
		return;
	}
	vm_release(va);
}

/**
 * vm_unmap_aliases - flush the lazily freed areas (the kernel's TLB purge)
 *
 * Context: process context.
 */
__ukmem_export void vm_unmap_aliases(void)
{
	if (!vmalloc_up)
		return;
	vfree_drain_deferred();
	spin_lock(&vmap_area_lock);
	purge_vmap_area_lazy_locked();
	spin_unlock(&vmap_area_lock);
}

__ukmem_export unsigned long ukmem_vmalloc_start(void)
{
	ukmem_ensure_booted();
	return (unsigned long)machine.vmalloc_start;
}

__ukmem_export unsigned long ukmem_vmalloc_end(void)
{
	ukmem_ensure_booted();
	return (unsigned long)machine.vmalloc_end;
}

__ukmem_export int ukmem_vmalloc_nr_runs(const void *addr)
{
	struct vm_struct *vm = find_vm_area(addr);

	return vm ? (int)container_of(vm, struct vmap_area, vm)->nr_runs : -1;
}

/*
 * vmalloc_area_span - the live area holding @addr (hardened usercopy): its
 * start and its size without the guard page. A walk of the busy hash, which
 * is keyed by start address: fine for a check, not for a fast path.
 */
bool vmalloc_area_span(const void *addr, unsigned long *start, unsigned long *size)
{
	unsigned long a = (unsigned long)addr, i;
	struct vmap_area *va;
	bool found = false;

	if (!vmalloc_up)
		return false;
	spin_lock(&vmap_area_lock);
	for (i = 0; i <= busy_mask && !found; i++)
		for (va = busy_hash[i]; va; va = va->next)
			if (a >= va->va_start && a - va->va_start < get_vm_area_size(&va->vm)) {
				*start = va->va_start;
				*size = get_vm_area_size(&va->vm);
				found = true;
				break;
			}
	spin_unlock(&vmap_area_lock);
	return found;
}

/* ------------------------------------------------------------ /proc */

struct vmallocinfo_line {
	unsigned long start, end, size, flags;
	const void *caller;
	unsigned int nr_pages;
	phys_addr_t phys;
	bool purged;
};

static int cmp_line(const void *a, const void *b)
{
	const struct vmallocinfo_line *x = a, *y = b;

	if (x->purged != y->purged)
		return x->purged ? 1 : -1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* vmallocinfo_show - /proc/vmallocinfo in the format of mm/vmalloc.c. */
int vmallocinfo_show(FILE *out)
{
	struct vmallocinfo_line *lines;
	struct vmap_area *va;
	unsigned long i, n = 0, cap;

	if (!vmalloc_up)
		return 0;
	spin_lock(&vmap_area_lock);
	cap = nr_busy;
	for (va = purge_list; va; va = va->next)
		cap++;
	lines = malloc(sizeof(*lines) * (cap + 1));
	if (!lines) {
		spin_unlock(&vmap_area_lock);
		return -ENOMEM;
	}
	for (i = 0; i <= busy_mask; i++) {
		for (va = busy_hash[i]; va; va = va->next) {
			if (va->vm.flags & VM_UNINITIALIZED)
				continue;
			lines[n++] = (struct vmallocinfo_line){.start = va->va_start,
							       .end = va->va_start + va->vm.size,
							       .size = va->vm.size,
							       .flags = va->vm.flags,
							       .caller = va->vm.caller,
							       .nr_pages = va->vm.nr_pages,
							       .phys = va->vm.phys_addr};
		}
	}
	for (va = purge_list; va; va = va->next)
		lines[n++] = (struct vmallocinfo_line){
		    .start = va->va_start, .end = va->va_end, .size = va_size(va), .purged = true};
	spin_unlock(&vmap_area_lock);

	qsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0; i < n; i++) {
		struct vmallocinfo_line *l = &lines[i];
		char sym[128];

		if (l->purged) {
			fprintf(out, "0x%016lx-0x%016lx %7ld unpurged vm_area\n", l->start, l->end,
				(long)l->size);
			continue;
		}
		fprintf(out, "0x%016lx-0x%016lx %7ld", l->start, l->end, (long)l->size);
		if (l->caller) {
			plat_symbolize((void *)l->caller, sym, sizeof(sym));
			fprintf(out, " %s", sym);
		}
		if (l->nr_pages)
			fprintf(out, " pages=%u", l->nr_pages);
		if (l->phys)
			fprintf(out, " phys=0x%016llx", (unsigned long long)l->phys);
		if (l->flags & VM_IOREMAP)
			fputs(" ioremap", out);
		if (l->flags & VM_SPARSE)
			fputs(" sparse", out);
		if (l->flags & VM_ALLOC)
			fputs(" vmalloc", out);
		if (l->flags & VM_MAP)
			fputs(" vmap", out);
		if (l->flags & VM_USERMAP)
			fputs(" user", out);
		if (l->flags & VM_DMA_COHERENT)
			fputs(" dma-coherent", out);
		fputc('\n', out);
	}
	free(lines);
	return 0;
}

/* ------------------------------------------------------------ boot */

int vmalloc_param(const char *key, const char *val)
{
	return -ENOENT; /* vmalloc= is the machine's (it shapes the memory map) */
}

int vmalloc_init(void)
{
	struct vmap_area *va;
	int err;

	spin_lock_init(&vmap_area_lock);
	busy_mask = 1023;
	busy_hash = calloc(busy_mask + 1, sizeof(*busy_hash));
	va = calloc(1, sizeof(*va));
	if (!busy_hash || !va) {
		free(busy_hash);
		free(va);
		return -ENOMEM;
	}
	err = pgtable_init();
	if (err) {
		free(busy_hash);
		free(va);
		return err;
	}
	prio_state = plat_random() | 1;
	free_root = NULL;
	va->va_start = (unsigned long)machine.vmalloc_start;
	va->va_end = (unsigned long)machine.vmalloc_end;
	free_tree_insert(va);
	nr_busy = 0;
	purge_list = NULL;
	lazy_nr_pages = 0;
	nr_retired_pages = 0;
	warned_sealed = warned_released = false;
	/* the kernel's lazy_max_pages(): 32 MiB per log2 of the CPU count */
	lazy_max = ((32UL << 20) >> PAGE_SHIFT) * (unsigned long)fls(machine.nr_cpus);
	warned_zero_size = false;
	vmalloc_up = true;
	return highmem_init();
}

static void free_tree_destroy(struct vmap_area *t)
{
	if (!t)
		return;
	free_tree_destroy(t->left);
	free_tree_destroy(t->right);
	free(t);
}

/*
 * vmalloc_for_each_area - call @fn for every area vmalloc() and friends
 * (VM_ALLOC) hand out, under vmap_area_lock: @fn must not allocate or sleep.
 * Return: the number of areas.
 */
unsigned long vmalloc_for_each_area(void (*fn)(const struct vm_struct *vm, void *arg), void *arg)
{
	unsigned long i, n = 0;
	struct vmap_area *va;

	if (!vmalloc_up)
		return 0;
	spin_lock(&vmap_area_lock);
	for (i = 0; i <= busy_mask; i++)
		for (va = busy_hash[i]; va; va = va->next)
			if ((va->vm.flags & VM_ALLOC) && !(va->vm.flags & VM_UNINITIALIZED)) {
				n++;
				if (fn)
					fn(&va->vm, arg);
			}
	spin_unlock(&vmap_area_lock);
	return n;
}

void vmalloc_exit(void)
{
	unsigned long i, leaked = 0, leaked_pages = 0;
	struct vmap_area *va, *nx;

	if (!vmalloc_up)
		return;
	highmem_exit();
	vfree_drain_deferred();
	if (nr_retired_pages)
		pr_info("vmalloc: %lu pages of vmalloc space were retired (host unmap failures)\n",
			nr_retired_pages);
	for (i = 0; i <= busy_mask; i++)
		for (va = busy_hash[i]; va; va = va->next)
			if (va->vm.flags & VM_ALLOC) {
				leaked++;
				leaked_pages += va->vm.nr_pages;
			}
	if (leaked) {
		unsigned long shown = 0;

		report_start(UKMEM_REPORT_LEAK);
		pr_err("vmalloc: %lu areas (%lu pages) still allocated at shutdown\n", leaked,
		       leaked_pages);
		for (i = 0; i <= busy_mask && shown < 16; i++) {
			for (va = busy_hash[i]; va && shown < 16; va = va->next) {
				if (!(va->vm.flags & VM_ALLOC))
					continue;
				pr_err("vmalloc: leaked 0x%016lx-0x%016lx %7lu %pS pages=%u\n",
				       va->va_start, va->va_start + va->vm.size, va->vm.size,
				       va->vm.caller, va->vm.nr_pages);
				shown++;
			}
		}
		report_end(UKMEM_REPORT_LEAK);
	}
	/* free what is left so the page allocator's own leak check sees only real leaks */
	for (i = 0; i <= busy_mask; i++) {
		for (va = busy_hash[i]; va; va = nx) {
			nx = va->next;
			if (!(va->vm.flags & VM_UNINITIALIZED))
				vm_teardown(va);
			if (va->vm.pages && va->vm.pages != va->inline_pages)
				free(va->vm.pages);
			free(va);
		}
	}
	free(busy_hash);
	busy_hash = NULL;
	for (va = purge_list; va; va = nx) {
		nx = va->next;
		free(va);
	}
	purge_list = NULL;
	free_tree_destroy(free_root);
	free_root = NULL;
	pgtable_exit();
	vmalloc_up = false;
}
