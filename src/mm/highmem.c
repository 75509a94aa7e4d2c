// SPDX-License-Identifier: MIT
/*
 * highmem.c - addresses of pages, and the temporary kernel mappings that
 * give a highmem frame one (machine=i386, mem above the lowmem limit).
 *
 * kmap() uses the first LAST_PKMAP pages of the kmap window
 * [machine.pkmap_start, + pkmap_size); kmap_local_page() and kmap_atomic()
 * use a reservation of their own, the fixmap's FIX_KMAP_BEGIN..END: rows of
 * KM_MAX_IDX slots, one row per virtual CPU and extra rows (below). A slot is
 * mapped with one mmap(MAP_FIXED|MAP_SHARED) of the frame's offset in the RAM
 * memfd and unmapped back to PROT_NONE, so an access through a released
 * local mapping faults for real.
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
 * kmap_local_page(): in the kernel the n-th nested mapping of a task lives
 * at fixmap slot n of its CPU's row (KM_MAX_IDX slots a CPU), migration is
 * disabled while it is held, and a context switch saves the outgoing task's
 * mappings in its kmap_ctrl and installs the incoming one's in the same row.
 * ukmem's tasks that share a virtual CPU run at the same time instead of
 * taking turns, so a row cannot be time-shared: a task takes a whole row with
 * its first local mapping and gives it back with its last. Its own CPU's row
 * if that is free; otherwise another free row - as if it had been moved to a
 * CPU whose row is free before disabling migration - and when every CPU's
 * row is held (more tasks hold local mappings at once than there are CPUs:
 * the kernel would have switched the extra ones out, rows saved), one of
 * KMAP_EXTRA_ROWS further rows, which stand for those saved rows. The row
 * belongs to the task, not to the CPU it happens to run on, so addresses
 * stay valid if ukmem migrates it between sections (the kernel pins it
 * instead). Slot n of the row holds mapping n, so the depth limit is the
 * kernel's: BUG at the KM_MAX_IDX-th nested mapping (kmap_local_idx_push()).
 * Rows are claimed with compare-and-swap on a bitmap; nothing ever waits
 * on another task's mappings, so there is no livelock. kunmap_local()
 * checks LIFO order as CONFIG_DEBUG_KMAP_LOCAL does; a mapping released out
 * of order leaves a hole that is popped with the ones above it.
 * Preemption stays enabled, as in the kernel. kmap_atomic() adds
 * preempt_disable() and pagefault_disable().
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

#define LAST_PKMAP	512
#define KMAP_EXTRA_ROWS 16384 /* tasks holding local mappings beyond one per CPU */
#define KMAP_ROW_BYTES	((unsigned long)KM_MAX_IDX << PAGE_SHIFT)
#define ROW_WORD_BITS	(8 * sizeof(unsigned long))
#define ROW_WORDS(n)	(((n) + ROW_WORD_BITS - 1) / ROW_WORD_BITS)

static DEFINE_SPINLOCK(kmap_lock);
static int pkmap_count[LAST_PKMAP];
static struct page *pkmap_page[LAST_PKMAP];
static unsigned int last_pkmap_nr;
static u32 pkmap_wait_seq; /* futex word: bumped when a slot frees up */
static u32 pkmap_waiters;
static char *local_base;	  /* row 0, slot 0 */
static unsigned long nr_rows;	  /* nr_cpus + KMAP_EXTRA_ROWS */
static unsigned long *row_bitmap; /* bit r: row r is held by a task */
static struct page **local_page;  /* per slot, for kmap_to_page() */
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

static inline char *local_addr(unsigned long slot)
{
	return local_base + (slot << PAGE_SHIFT);
}

static inline bool in_pkmap(const char *a)
{
	return a >= machine.pkmap_start && a < pkmap_addr(LAST_PKMAP);
}

static inline bool in_local(const char *a)
{
	return local_base && a >= local_base && a < local_base + nr_rows * KMAP_ROW_BYTES;
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

/* kmap_row_claim - a free row for @t's local mappings: its CPU's if it can. */
static unsigned long kmap_row_claim(struct task_struct *t)
{
	unsigned long words = ROW_WORDS(nr_rows), w, r = (unsigned long)t->cpu;

	for (;;) {
		unsigned long v = __atomic_load_n(&row_bitmap[r / ROW_WORD_BITS], __ATOMIC_RELAXED);

		if (!(v & (1UL << (r % ROW_WORD_BITS))) &&
		    __atomic_compare_exchange_n(&row_bitmap[r / ROW_WORD_BITS], &v,
						v | (1UL << (r % ROW_WORD_BITS)), false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return r;
		for (w = 0; w < words; w++) {
			v = __atomic_load_n(&row_bitmap[w], __ATOMIC_RELAXED);
			while (~v) {
				unsigned long bit = (unsigned long)__builtin_ctzl(~v);

				if (w * ROW_WORD_BITS + bit >= nr_rows)
					break;
				if (__atomic_compare_exchange_n(&row_bitmap[w], &v,
								v | (1UL << bit), false,
								__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
					return w * ROW_WORD_BITS + bit;
			}
		}
		/* more than nr_cpus + KMAP_EXTRA_ROWS tasks hold local mappings */
		plat_yield();
	}
}

static void kmap_row_release(unsigned long row)
{
	__atomic_fetch_and(&row_bitmap[row / ROW_WORD_BITS], ~(1UL << (row % ROW_WORD_BITS)),
			   __ATOMIC_RELEASE);
}

/**
 * kmap_local_page - map a page for short-term, task-local use
 * @page: the page
 *
 * Mappings nest fewer than KM_MAX_IDX deep (the KM_MAX_IDX-th is the kernel's
 * BUG) and must be released in reverse order with kunmap_local(). The
 * address is valid only in this task.
 *
 * Context: any; never sleeps.
 * Return: its address (page_address() for lowmem pages).
 */
__ukmem_export void *kmap_local_page(struct page *page)
{
	struct task_struct *t;
	unsigned long row, slot;
	char *vaddr;
	int idx;

	if (!PageHighMem(page))
		return page_address(page);
	t = current_task();
	idx = t->kmap_ctrl.idx;
	BUG_ON(idx + 1 >= KM_MAX_IDX); /* kmap_local_idx_push(): push, then check */
	if (idx)
		row = (unsigned long)((char *)t->kmap_ctrl.pteval[idx - 1] - local_base) /
		      KMAP_ROW_BYTES;
	else
		row = kmap_row_claim(t);
	slot = row * KM_MAX_IDX + (unsigned long)idx;
	vaddr = local_addr(slot);
	if (map_frame(vaddr, page)) {
		if (!idx)
			kmap_row_release(row);
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
	unsigned long slot, row;
	int top, i;

	if (!in_local(a))
		return; /* lowmem (page_address) or a kmap() slot: nothing to undo */
	t = current_task();
	top = t->kmap_ctrl.idx - 1;
	for (i = top; i >= 0; i--)
		if (t->kmap_ctrl.pteval[i] == (unsigned long)a)
			break;
	if (unlikely(i < 0)) {
		report_warn(UKMEM_REPORT_KMAP, __FILE__, __LINE__, __builtin_return_address(0),
			    "kunmap_local: %px is not mapped by this task\n", addr);
		return;
	}
	if (unlikely(i != top))
		report_warn(UKMEM_REPORT_KMAP, __FILE__, __LINE__, __builtin_return_address(0),
			    "kunmap_local: %px released out of order (expected %px)\n", addr,
			    (void *)t->kmap_ctrl.pteval[top]);
	row = (unsigned long)(a - local_base) / KMAP_ROW_BYTES;
	slot = (unsigned long)(a - local_base) >> PAGE_SHIFT;
	local_page[slot] = NULL;
	if (plat_unmap_to_reserved(a, PAGE_SIZE) && plat_unmap_release(a, PAGE_SIZE) < 0)
		plat_seal(a, PAGE_SIZE); /* at the host's map count: never leave it readable */
	t->kmap_ctrl.pteval[i] = 0;	 /* below the top: a hole, popped with the top */
	for (top = t->kmap_ctrl.idx; top > 0 && !t->kmap_ctrl.pteval[top - 1]; top--)
		;
	t->kmap_ctrl.idx = top;
	if (!top)
		kmap_row_release(row);
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
	if (in_local(a))
		return local_page[(a - local_base) >> PAGE_SHIFT];
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
	last_pkmap_nr = 0;
	if (machine.arch != MACHINE_I386)
		return 0; /* no highmem: kmap_local_page() is page_address() */
	nr_rows = (unsigned long)machine.nr_cpus + KMAP_EXTRA_ROWS;
	local_base = plat_reserve(nr_rows * KMAP_ROW_BYTES, PAGE_SIZE);
	row_bitmap = plat_meta_alloc(ROW_WORDS(nr_rows) * sizeof(long));
	local_page = plat_meta_alloc(nr_rows * KM_MAX_IDX * sizeof(*local_page));
	if (!local_base || !row_bitmap || !local_page) {
		highmem_exit();
		return -ENOMEM;
	}
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
	if (local_base)
		plat_release(local_base, nr_rows * KMAP_ROW_BYTES);
	plat_meta_free(row_bitmap, ROW_WORDS(nr_rows) * sizeof(long));
	plat_meta_free(local_page, nr_rows * KM_MAX_IDX * sizeof(*local_page));
	local_base = NULL;
	row_bitmap = NULL;
	local_page = NULL;
	nr_rows = 0;
}
