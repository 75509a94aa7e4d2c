// SPDX-License-Identifier: MIT
/*
 * highmem.c - addresses of pages, and the temporary kernel mappings that
 * give a highmem frame one (machine=i386, mem above the lowmem limit).
 *
 * The kmap window [machine.pkmap_start, + pkmap_size) (1024 pages) is split:
 *
 *   pkmap   [0, LAST_PKMAP)          kmap(): global slots, refcounted
 *   local   [LAST_PKMAP, 1024)       kmap_local_page()/kmap_atomic()
 *
 * A slot is mapped with one mmap(MAP_FIXED|MAP_SHARED) of the frame's
 * offset in the RAM memfd and unmapped back to PROT_NONE, so an access
 * through a released local mapping faults for real.
 *
 * kmap(): the kernel's pkmap. pkmap_count[i] is 0 for a free slot, 1 for a
 * slot still mapped but unused, n + 1 for n users. kunmap() only drops the
 * count; slots at 1 keep their mapping (and page->virtual, so page_address()
 * still answers) until the allocation cursor wraps around and
 * flush_all_zero_pkmaps() releases them all at once - the kernel's way of
 * paying for one TLB flush per wrap instead of one per kunmap. A kmap() that
 * finds no free slot sleeps until a kunmap() frees one. kmap_lock (a
 * spinlock) protects pkmap_count, pkmap_page, last_pkmap_nr and the
 * page->virtual of highmem pages; page_address() reads it locklessly.
 *
 * kmap_local_page(): the kernel uses per-CPU fixmap slots and saves them in
 * current->kmap_ctrl across a context switch. ukmem's tasks are host threads
 * that may really run at the same time on one virtual CPU, so local slots
 * come from a shared pool (a bitmap claimed with compare-and-swap) and are
 * owned by the task; current->kmap_ctrl keeps the task's stack of addresses
 * (KM_MAX_IDX deep) and kunmap_local() checks it is popped in LIFO order,
 * as CONFIG_DEBUG_KMAP_LOCAL does. Preemption is left enabled, as in the
 * kernel (kmap_local sections may be preempted; they must not be handed to
 * another task). kmap_atomic() adds preempt_disable() and
 * pagefault_disable().
 *
 * Deviation: pkmap and local slots are not entered in the page table of
 * pgtable.c (vmalloc_to_page() is for the vmalloc space only).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/spinlock.h>
#include <linux/hardirq.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "mm/internal.h"

#define LAST_PKMAP     512
#define NR_KMAP_SLOTS  1024
#define NR_LOCAL_SLOTS (NR_KMAP_SLOTS - LAST_PKMAP)
#define LOCAL_WORDS    (NR_LOCAL_SLOTS / 64)

static DEFINE_SPINLOCK(kmap_lock);
static int pkmap_count[LAST_PKMAP];
static struct page *pkmap_page[LAST_PKMAP];
static unsigned int last_pkmap_nr;
static u32 pkmap_wait_seq; /* futex word: bumped when a slot frees up */
static u32 pkmap_waiters;
static unsigned long local_bitmap[LOCAL_WORDS];
static struct page *local_page[NR_LOCAL_SLOTS];
static __thread int pagefault_disabled_count;

/**
 * page_address - the kernel virtual address of a page
 * @page: the page
 *
 * Context: any.
 * Return: the direct-map address of a lowmem page; for a highmem page the
 * address of its current kmap, or NULL if it is not mapped.
 */
__ukmem_export void *page_address(const struct page *page)
{
	if (!PageHighMem(page))
		return lowmem_page_address(page);
	return __atomic_load_n(&((struct page *)page)->virtual, __ATOMIC_ACQUIRE);
}

static inline char *pkmap_addr(unsigned int nr)
{
	return machine.pkmap_start + ((unsigned long)nr << PAGE_SHIFT);
}

static inline char *local_addr(unsigned int slot)
{
	return machine.pkmap_start + ((unsigned long)(LAST_PKMAP + slot) << PAGE_SHIFT);
}

static inline bool in_pkmap(const char *a)
{
	return a >= machine.pkmap_start && a < pkmap_addr(LAST_PKMAP);
}

static inline bool in_local(const char *a)
{
	return a >= local_addr(0) && a < local_addr(NR_LOCAL_SLOTS);
}

static int map_frame(void *vaddr, struct page *page)
{
	return plat_map_ram(vaddr, PAGE_SIZE, machine.ram_fd, page_to_phys(page), PLAT_PROT_RW);
}

/* flush_all_zero_pkmaps - release every mapped-but-unused pkmap slot. */
static void flush_all_zero_pkmaps(void)
{
	unsigned int i, run = 0;

	for (i = 0; i <= LAST_PKMAP; i++) {
		if (i < LAST_PKMAP && pkmap_count[i] == 1) {
			struct page *page = pkmap_page[i];

			pkmap_count[i] = 0;
			pkmap_page[i] = NULL;
			__atomic_store_n(&page->virtual, NULL, __ATOMIC_RELEASE);
			run++;
			continue;
		}
		/* one host unmap per run of released slots */
		if (run)
			plat_unmap_to_reserved(pkmap_addr(i - run), (size_t)run << PAGE_SHIFT);
		run = 0;
	}
}

/* map_new_virtual - find a pkmap slot for @page. Context: kmap_lock held; may drop it. */
static char *map_new_virtual(struct page *page)
{
	unsigned int count;
	char *vaddr;

start:
	count = LAST_PKMAP;
	for (;;) {
		last_pkmap_nr = (last_pkmap_nr + 1) & (LAST_PKMAP - 1);
		if (!last_pkmap_nr) {
			flush_all_zero_pkmaps();
			count = LAST_PKMAP;
		}
		if (!pkmap_count[last_pkmap_nr])
			break;
		if (--count)
			continue;
		/* every slot is in use: sleep until a kunmap() frees one */
		{
			u32 seq = __atomic_load_n(&pkmap_wait_seq, __ATOMIC_ACQUIRE);

			__atomic_fetch_add(&pkmap_waiters, 1, __ATOMIC_SEQ_CST);
			spin_unlock(&kmap_lock);
			plat_futex_wait(&pkmap_wait_seq, seq, 10 * 1000 * 1000);
			spin_lock(&kmap_lock);
			__atomic_fetch_sub(&pkmap_waiters, 1, __ATOMIC_SEQ_CST);
		}
		vaddr = __atomic_load_n(&page->virtual, __ATOMIC_RELAXED);
		if (vaddr)
			return vaddr; /* somebody else mapped it meanwhile */
		goto start;
	}
	vaddr = pkmap_addr(last_pkmap_nr);
	if (map_frame(vaddr, page))
		return NULL;
	pkmap_count[last_pkmap_nr] = 1;
	pkmap_page[last_pkmap_nr] = page;
	__atomic_store_n(&page->virtual, vaddr, __ATOMIC_RELEASE);
	return vaddr;
}

/**
 * kmap - map a page for long-term use
 * @page: the page
 *
 * Context: process context; may sleep (reported in atomic context).
 * Return: its address: page_address() for lowmem, a pkmap slot for highmem.
 */
__ukmem_export void *kmap(struct page *page)
{
	char *vaddr;

	might_sleep_check(__FILE__, __LINE__);
	if (!PageHighMem(page))
		return page_address(page);
	spin_lock(&kmap_lock);
	vaddr = __atomic_load_n(&page->virtual, __ATOMIC_RELAXED);
	if (!vaddr)
		vaddr = map_new_virtual(page);
	if (vaddr)
		pkmap_count[(vaddr - machine.pkmap_start) >> PAGE_SHIFT]++;
	spin_unlock(&kmap_lock);
	return vaddr;
}

/**
 * kunmap - drop a kmap() of a page
 * @page: the page given to kmap()
 *
 * The slot stays mapped until the next flush (lazy release).
 *
 * Context: process context. An unbalanced kunmap() is reported and ignored.
 */
__ukmem_export void kunmap(struct page *page)
{
	char *vaddr;
	unsigned int nr;
	bool wake = false;

	if (!PageHighMem(page))
		return;
	spin_lock(&kmap_lock);
	vaddr = __atomic_load_n(&page->virtual, __ATOMIC_RELAXED);
	nr = vaddr ? (unsigned int)((vaddr - machine.pkmap_start) >> PAGE_SHIFT) : 0;
	if (!vaddr || pkmap_count[nr] < 2) {
		spin_unlock(&kmap_lock);
		report_warn(UKMEM_REPORT_KMAP, __FILE__, __LINE__, __builtin_return_address(0),
			    "kunmap: page %px (pfn %#lx) is not kmapped\n", (void *)page,
			    page_to_pfn(page));
		return;
	}
	if (--pkmap_count[nr] == 1)
		wake = __atomic_load_n(&pkmap_waiters, __ATOMIC_SEQ_CST) != 0;
	spin_unlock(&kmap_lock);
	if (wake) {
		__atomic_fetch_add(&pkmap_wait_seq, 1, __ATOMIC_RELEASE);
		plat_futex_wake(&pkmap_wait_seq, LAST_PKMAP);
	}
}

/**
 * kmap_flush_unused - release every kmap() slot that has no users
 *
 * Context: process context.
 */
__ukmem_export void kmap_flush_unused(void)
{
	if (!machine.pkmap_start)
		return;
	spin_lock(&kmap_lock);
	flush_all_zero_pkmaps();
	spin_unlock(&kmap_lock);
}

static unsigned int local_slot_claim(struct task_struct *t)
{
	unsigned int w = (unsigned int)t->cpu % LOCAL_WORDS, tries;

	for (tries = 0;; tries++) {
		unsigned int i;

		for (i = 0; i < LOCAL_WORDS; i++, w = (w + 1) % LOCAL_WORDS) {
			unsigned long v = __atomic_load_n(&local_bitmap[w], __ATOMIC_RELAXED);

			while (~v) {
				unsigned int bit = (unsigned int)__builtin_ctzl(~v);

				if (__atomic_compare_exchange_n(&local_bitmap[w], &v,
								v | (1UL << bit), false,
								__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
					return w * 64 + bit;
			}
		}
		/* 512 slots all held by other tasks: wait for one, never sleep */
		plat_yield();
	}
}

static void local_slot_release(unsigned int slot)
{
	__atomic_fetch_and(&local_bitmap[slot / 64], ~(1UL << (slot % 64)), __ATOMIC_RELEASE);
}

/**
 * kmap_local_page - map a page for short-term, task-local use
 * @page: the page
 *
 * Mappings nest up to KM_MAX_IDX deep and must be released in reverse
 * order with kunmap_local(). The address is valid only in this task.
 *
 * Context: any; never sleeps.
 * Return: its address (page_address() for lowmem pages).
 */
__ukmem_export void *kmap_local_page(struct page *page)
{
	struct task_struct *t;
	unsigned int slot;
	char *vaddr;
	int idx;

	if (!PageHighMem(page))
		return page_address(page);
	t = current_task();
	idx = t->kmap_ctrl.idx;
	BUG_ON(idx >= KM_MAX_IDX); /* the kernel's kmap_local_idx_push() check */
	slot = local_slot_claim(t);
	vaddr = local_addr(slot);
	if (map_frame(vaddr, page)) {
		local_slot_release(slot);
		return NULL;
	}
	local_page[slot] = page;
	t->kmap_ctrl.pteval[idx] = (unsigned long)vaddr;
	t->kmap_ctrl.idx = idx + 1;
	return vaddr;
}

/**
 * kunmap_local - release a kmap_local_page() mapping
 * @addr: any address inside the mapped page
 *
 * The mapping is removed at once (a later access faults). Releasing out of
 * LIFO order is reported (and the mapping released anyway).
 *
 * Context: any; the task that mapped it.
 */
__ukmem_export void kunmap_local(const void *addr)
{
	char *a = (char *)((unsigned long)addr & PAGE_MASK);
	struct task_struct *t;
	unsigned int slot;
	int top, i;

	if (!machine.pkmap_start || !in_local(a))
		return; /* lowmem (page_address) or a kmap() slot: nothing to undo */
	t = current_task();
	top = t->kmap_ctrl.idx - 1;
	if (unlikely(top < 0 || t->kmap_ctrl.pteval[top] != (unsigned long)a)) {
		for (i = top - 1; i >= 0; i--)
			if (t->kmap_ctrl.pteval[i] == (unsigned long)a)
				break;
		if (top < 0 || i < 0) {
			report_warn(UKMEM_REPORT_KMAP, __FILE__, __LINE__,
				    __builtin_return_address(0),
				    "kunmap_local: %px is not mapped by this task\n", addr);
			return;
		}
		report_warn(UKMEM_REPORT_KMAP, __FILE__, __LINE__, __builtin_return_address(0),
			    "kunmap_local: %px released out of order (expected %px)\n", addr,
			    (void *)t->kmap_ctrl.pteval[top]);
		for (; i < top; i++)
			t->kmap_ctrl.pteval[i] = t->kmap_ctrl.pteval[i + 1];
	}
	t->kmap_ctrl.pteval[top] = 0;
	t->kmap_ctrl.idx = top;
	slot = (unsigned int)((a - local_addr(0)) >> PAGE_SHIFT);
	local_page[slot] = NULL;
	plat_unmap_to_reserved(a, PAGE_SIZE);
	local_slot_release(slot);
}

/**
 * kmap_atomic - kmap_local_page() with preemption and page faults disabled
 * @page: the page
 *
 * Context: any; never sleeps. Return: its address.
 */
__ukmem_export void *kmap_atomic(struct page *page)
{
	preempt_disable();
	pagefault_disable();
	return kmap_local_page(page);
}

/**
 * kunmap_atomic - release a kmap_atomic() mapping, re-enabling preemption
 * @addr: the address kmap_atomic() returned
 *
 * Context: the task that mapped it, still atomic.
 */
__ukmem_export void kunmap_atomic(const void *addr)
{
	kunmap_local(addr);
	pagefault_enable();
	preempt_enable();
}

/**
 * kmap_to_page - the page behind a kmap, kmap_local or lowmem address
 * @addr: the address
 *
 * Context: any. Return: the page, or NULL for an unmapped slot.
 */
__ukmem_export struct page *kmap_to_page(void *addr)
{
	char *a = (char *)((unsigned long)addr & PAGE_MASK);

	if (machine.pkmap_start && in_pkmap(a)) {
		struct page *page;

		spin_lock(&kmap_lock);
		page = pkmap_page[(a - machine.pkmap_start) >> PAGE_SHIFT];
		spin_unlock(&kmap_lock);
		return page;
	}
	if (machine.pkmap_start && in_local(a))
		return local_page[(a - local_addr(0)) >> PAGE_SHIFT];
	return virt_to_page(a);
}

/**
 * pagefault_disable - disable page-fault handling for this task (nests)
 *
 * Context: any.
 */
__ukmem_export void pagefault_disable(void)
{
	pagefault_disabled_count++;
	barrier();
}

/**
 * pagefault_enable - undo one pagefault_disable()
 *
 * Context: any.
 */
__ukmem_export void pagefault_enable(void)
{
	barrier();
	if (WARN_ON_ONCE(pagefault_disabled_count <= 0))
		return;
	pagefault_disabled_count--;
}

/**
 * pagefault_disabled - is page-fault handling disabled for this task?
 *
 * Context: any. Return: true inside pagefault_disable() sections.
 */
__ukmem_export bool pagefault_disabled(void)
{
	return pagefault_disabled_count != 0;
}

int highmem_init(void)
{
	spin_lock_init(&kmap_lock);
	memset(pkmap_count, 0, sizeof(pkmap_count));
	memset(pkmap_page, 0, sizeof(pkmap_page));
	memset(local_bitmap, 0, sizeof(local_bitmap));
	memset(local_page, 0, sizeof(local_page));
	last_pkmap_nr = 0;
	return 0;
}

void highmem_exit(void)
{
	unsigned int i;

	for (i = 0; i < LAST_PKMAP; i++) {
		if (pkmap_page[i])
			__atomic_store_n(&pkmap_page[i]->virtual, NULL, __ATOMIC_RELAXED);
		pkmap_page[i] = NULL;
		pkmap_count[i] = 0;
	}
}
