// SPDX-License-Identifier: MIT
/*
 * percpu.c - the per-CPU memory allocator: static per-CPU areas of every
 * DSO and alloc_percpu()/free_percpu(), in the spirit of the kernel's
 * mm/percpu.c.
 *
 * Address space (one host reservation, made at boot, PROT_NONE until a
 * chunk is mapped):
 *
 *   pcpu_base                     pcpu_base + H
 *   | handle window: H bytes      | chunk slots: H bytes                 |
 *   | h0 . . | h1 . . | ...       | chunk 0 | chunk 1 | ...               |
 *
 *   chunk k = [ unit 0 | unit 1 | ... | unit nr_cpus-1 ], each unit
 *             pcpu_unit_size bytes, at pcpu_base + H + k * pcpu_chunk_span
 *   per-CPU pointer of offset off in chunk k = pcpu_base + k * span + off
 *   __per_cpu_offset[c] = H + c * pcpu_unit_size
 *
 * so per_cpu_ptr(p, c) = p + __per_cpu_offset[c] for every chunk, like the
 * kernel's __per_cpu_offset over chunks whose units share offsets. The
 * handle window is never mapped: using a per-CPU pointer directly faults.
 *
 * Chunks are backed by pages of the page allocator (so per_cpu_ptr_to_phys
 * works and meminfo "Percpu:" counts them), mapped into the slots with
 * MAP_FIXED views of RAM, as vmalloc maps its pages. Chunk 0 (the first
 * chunk) holds the static areas of the DSOs registered at boot and is
 * never released; further chunks are created when no chunk has room and
 * released as soon as they become empty. Unlike the kernel, chunks are
 * populated whole when created (no page-by-page population).
 *
 * Allocation map: one bit per PCPU_MIN_ALLOC_SIZE (4 bytes) of a unit
 * (alloc_map), and bound_map with a bit at the start of each allocation
 * and one past its end, so free_percpu() finds the size and can tell a
 * valid start from a double or interior free. Each chunk keeps hints:
 * first_free (no free bit below it), contig_bits (an upper bound on its
 * largest free run, exact when contig_exact) and is kept on the list
 * pcpu_slot[fls(contig_bits)]. An allocation walks the slots that can hold
 * it and does a first-fit scan of the chunks there; a scan that fails makes
 * the hint exact and moves the chunk down, so a chunk is not scanned again
 * for sizes it cannot hold. Within a chunk, scan_pos/scan_max say "every
 * free run starting below scan_pos is at most scan_max long", so a request
 * larger than scan_max starts its scan there (alignment holes left behind
 * by earlier allocations are not walked again). A chunk with only small
 * holes that fails a request is set aside on slot 0 until a free in it.
 * free_tail, where the trailing free run starts, spares the walk of that
 * run (usually most of the chunk) to every fit check and to every free
 * next to it.
 * In front of all this, areas of at most 64 bytes come from per-thread
 * magazines of ready areas of the first chunk ("the small-object fast
 * path" below): no lock and one atomic operation per alloc+free pair.
 *
 * Invariants (pcpu_lock held):
 *   alloc bit b set   <=>  4-byte granule b of every unit is allocated
 *   area starts at b  <=>  bound bit b set && alloc bit b set
 *   no free bit below first_free;  largest free run <= contig_bits
 *   bits [free_tail, nr_bits) free;  bit free_tail - 1 allocated (or free_tail 0)
 *   every free run starting below scan_pos is <= scan_max long
 *   chunk->nr_alloc == 0 && !chunk->first  =>  chunk released
 *
 * Static areas: <linux/percpu-defs.h> registers each DSO's ukmem_percpu
 * section; at boot (or at registration, for a DSO dlopen'ed later) its area
 * is allocated like a dynamic one (never freeable by free_percpu), the
 * prototype is copied to every CPU, and the DSO's delta is set so that
 * proto + delta + __per_cpu_offset[c] is CPU c's copy.
 *
 * Locking: pcpu_lock (a host mutex: allocation may sleep in the page
 * allocator) protects the chunks, their maps and lists, and the DSO list.
 * The fast path's magazines are its thread's own; pcpu_fast_state bytes are
 * accessed atomically (fast paths change them without the lock).
 * Per-CPU copies themselves are the callers' business (this_cpu_* etc.).
 *
 * Boot order: percpu_init() runs right after the page allocator, so every
 * later subsystem may use per-CPU variables from its init on. Before it (and
 * after percpu_exit) the accessors reach the prototypes; the page allocator
 * must not write per-CPU variables during its own init, or the writes would
 * be copied to every CPU.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/percpu_counter.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "debug/leak.h"
#include "mm/internal.h"
#include "lib/fault-inject.h"
#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"

#define PCPU_NR_SLOTS		 32
#define PCPU_SLOT_FAIL_THRESHOLD 9	       /* slots of runs below 256 bits (1 KiB) */
#define PCPU_VA_MAX		 (64ull << 30) /* chunk slots, same again for handles */
#define PCPU_MAX_CHUNKS		 65536
#define PCPU_BLOCK_MAX		 (PAGE_SIZE << MAX_PAGE_ORDER)
#define BITS_PER_LONG_		 (8 * (int)sizeof(unsigned long))

struct pcpu_block { /* a run of pages backing part of a chunk */
	struct page *page;
	unsigned int order;
	size_t offset; /* from the chunk base */
};

struct pcpu_chunk {
	struct list_head list; /* on pcpu_slot[slot] */
	int idx;	       /* slot in the address space */
	int slot;
	bool first;	  /* the first chunk: never released */
	char *base;	  /* unit 0 */
	uintptr_t handle; /* per-CPU pointer of offset 0 */
	int nr_bits;
	int free_bits;
	int first_free;	 /* no free bit below */
	int scan_pos;	 /* every free run starting below ... */
	int scan_max;	 /* ... is at most this long */
	int contig_bits; /* >= largest free run (== when exact) */
	int contig_start;
	int free_tail; /* bits [free_tail, nr_bits) are free, free_tail - 1 is not */
	bool contig_exact;
	int nr_alloc;		  /* live allocations, static areas included */
	unsigned long *alloc_map; /* nr_bits */
	unsigned long *bound_map; /* nr_bits + 1 */
	struct pcpu_block *blocks;
	int nr_blocks;
};

unsigned long __per_cpu_offset[NR_CPUS] __ukmem_export;
uintptr_t __pcpu_handle_start __ukmem_export;
uintptr_t __pcpu_handle_size __ukmem_export;

static pthread_mutex_t pcpu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ukmem_pcpu_dso *pcpu_dsos; /* registered DSOs */
static bool pcpu_ready;
static char *pcpu_base;
static size_t pcpu_reserve_size;
static size_t pcpu_half; /* H above */
static size_t pcpu_unit_size, pcpu_chunk_span;
static int pcpu_nr_units;
static int pcpu_max_chunks, pcpu_chunk_hint;
static struct pcpu_chunk **pcpu_chunks;
static struct list_head pcpu_slot[PCPU_NR_SLOTS];
static unsigned long pcpu_pages; /* pages of all chunks */

/*
 * The small-object fast path (see "the small-object fast path" below): set
 * up with the first chunk; read without pcpu_lock once pcpu_fast_gen is
 * seen non-zero.
 */
#define PCPU_FAST_CLASSES   4 /* areas of 8, 16, 32, 64 bytes, aligned to their size */
#define PCPU_FAST_MIN_SHIFT 3
#define PCPU_FAST_LIVE	    0x80 /* in pcpu_fast_state: a caller holds the area */
#define PCPU_MAG_SIZE	    16
#define PCPU_MAG_REFILL	    (PCPU_MAG_SIZE / 2)

struct pcpu_mag {
	unsigned long gen; /* the pcpu_fast_gen its offsets belong to */
	int busy;	   /* a fast path is inside (a signal handler must not enter) */
	bool keyed;	   /* the thread-exit flush is registered */
	unsigned char nr[PCPU_FAST_CLASSES];
	unsigned int off[PCPU_FAST_CLASSES][PCPU_MAG_SIZE]; /* granules of the first chunk */
};

static __thread struct pcpu_mag pcpu_mag __attribute__((tls_model("initial-exec")));
static unsigned long pcpu_fast_gen;    /* this boot's, 0 while the fast path is off */
static unsigned long pcpu_boot_count;  /* makes every boot's generation new */
static unsigned char *pcpu_fast_state; /* per granule of the first chunk: class + 1 | LIVE */
static unsigned char *pcpu_fast_req;   /* per granule: the size a live fast area was asked for */
static pthread_key_t pcpu_mag_key;
static pthread_once_t pcpu_mag_once = PTHREAD_ONCE_INIT;

/* ---- bitmaps ---- */

static inline bool test_bit_(const unsigned long *map, int i)
{
	return (map[i / BITS_PER_LONG_] >> (i % BITS_PER_LONG_)) & 1;
}

static inline void set_bit_(unsigned long *map, int i)
{
	map[i / BITS_PER_LONG_] |= 1ul << (i % BITS_PER_LONG_);
}

static inline void clear_bit_(unsigned long *map, int i)
{
	map[i / BITS_PER_LONG_] &= ~(1ul << (i % BITS_PER_LONG_));
}

/* first bit equal to @set in [start, size), or size */
static int find_next(const unsigned long *map, int size, int start, bool set)
{
	unsigned long w, flip = set ? 0 : ~0ul;
	int i;

	if (start >= size)
		return size;
	i = start / BITS_PER_LONG_;
	w = (map[i] ^ flip) & (~0ul << (start % BITS_PER_LONG_));
	while (!w) {
		if (++i * BITS_PER_LONG_ >= size)
			return size;
		w = map[i] ^ flip;
	}
	return min(size, i * BITS_PER_LONG_ + __builtin_ctzl(w));
}

/* last set bit below @before, or -1 */
static int find_prev_set(const unsigned long *map, int before)
{
	int i;
	unsigned long w;

	if (before <= 0)
		return -1;
	i = (before - 1) / BITS_PER_LONG_;
	w = map[i];
	if ((before % BITS_PER_LONG_) != 0)
		w &= (1ul << (before % BITS_PER_LONG_)) - 1;
	while (!w) {
		if (--i < 0)
			return -1;
		w = map[i];
	}
	return i * BITS_PER_LONG_ + BITS_PER_LONG_ - 1 - __builtin_clzl(w);
}

static void bitmap_assign(unsigned long *map, int start, int n, bool set)
{
	int i = start / BITS_PER_LONG_, last = (start + n - 1) / BITS_PER_LONG_;
	unsigned long first_mask = ~0ul << (start % BITS_PER_LONG_);
	unsigned long last_mask = ~0ul >> (BITS_PER_LONG_ - 1 - (start + n - 1) % BITS_PER_LONG_);

	if (n <= 0)
		return;
	if (i == last)
		first_mask &= last_mask;
	if (set)
		map[i] |= first_mask;
	else
		map[i] &= ~first_mask;
	if (i == last)
		return;
	for (i++; i < last; i++)
		map[i] = set ? ~0ul : 0;
	if (set)
		map[last] |= last_mask;
	else
		map[last] &= ~last_mask;
}

/* ---- chunk lists ---- */

static int pcpu_bits_to_slot(int bits)
{
	int slot = bits ? 32 - __builtin_clz((unsigned int)bits) : 0;

	return min(slot, PCPU_NR_SLOTS - 1);
}

static void pcpu_chunk_relocate(struct pcpu_chunk *chunk)
{
	int slot = pcpu_bits_to_slot(chunk->contig_bits);

	if (slot != chunk->slot) {
		chunk->slot = slot;
		list_move(&chunk->list, &pcpu_slot[slot]);
	}
}

static inline char *pcpu_chunk_addr(int idx)
{
	return pcpu_base + pcpu_half + (size_t)idx * pcpu_chunk_span;
}

static void pcpu_unmap_blocks(struct pcpu_chunk *chunk)
{
	int i;

	for (i = 0; i < chunk->nr_blocks; i++) {
		struct pcpu_block *b = &chunk->blocks[i];
		unsigned long j, n = 1ul << b->order;

		plat_unmap_to_reserved(chunk->base + b->offset, PAGE_SIZE << b->order);
		for (j = 0; j < n; j++)
			__ClearPagePercpu(b->page + j);
		__free_pages(b->page, b->order);
	}
	chunk->nr_blocks = 0;
}

static void pcpu_destroy_chunk(struct pcpu_chunk *chunk)
{
	unsigned long pages = (unsigned long)pcpu_nr_units * (pcpu_unit_size >> PAGE_SHIFT);

	list_del(&chunk->list);
	pcpu_chunks[chunk->idx] = NULL;
	if (chunk->idx < pcpu_chunk_hint)
		pcpu_chunk_hint = chunk->idx;
	pcpu_unmap_blocks(chunk);
	mod_node_page_state(NR_PERCPU, -(long)pages);
	pcpu_pages -= pages;
	free(chunk->blocks);
	free(chunk->alloc_map);
	free(chunk->bound_map);
	free(chunk);
}

/*
 * pcpu_create_chunk - find a free slot, back it with pages and map them.
 * Pages come in the largest blocks the buddy allocator gives (one mapping
 * per block keeps the host's map count low). Return: the chunk or NULL.
 */
static struct pcpu_chunk *pcpu_create_chunk(gfp_t gfp)
{
	size_t bytes = (size_t)pcpu_nr_units * pcpu_unit_size, off = 0;
	int idx, words, cap = 8;
	struct pcpu_chunk *chunk;

	for (idx = pcpu_chunk_hint; idx < pcpu_max_chunks && pcpu_chunks[idx]; idx++)
		;
	if (idx >= pcpu_max_chunks)
		return NULL;
	chunk = calloc(1, sizeof(*chunk));
	if (!chunk)
		return NULL;
	chunk->idx = idx;
	chunk->base = pcpu_chunk_addr(idx);
	chunk->handle = (uintptr_t)pcpu_base + (size_t)idx * pcpu_chunk_span;
	chunk->nr_bits = (int)(pcpu_unit_size >> PCPU_MIN_ALLOC_SHIFT);
	words = chunk->nr_bits / BITS_PER_LONG_ + 1;
	chunk->alloc_map = calloc((size_t)words, sizeof(unsigned long));
	chunk->bound_map = calloc((size_t)words, sizeof(unsigned long));
	chunk->blocks = calloc((size_t)cap, sizeof(*chunk->blocks));
	if (!chunk->alloc_map || !chunk->bound_map || !chunk->blocks)
		goto fail;

	/* as the kernel's pcpu_alloc(): only these bits matter; any zone will do */
	gfp = (gfp & (GFP_KERNEL | __GFP_HIGH | __GFP_NORETRY | __GFP_NOWARN)) | __GFP_HIGHMEM;
	while (off < bytes) {
		size_t want =
		    min((size_t)rounddown_pow_of_two(bytes - off), (size_t)PCPU_BLOCK_MAX);
		unsigned int order = (unsigned int)get_order(want);
		struct page *page;
		unsigned long j;

		/* big blocks are a convenience: fall back to smaller ones */
		while (!(page = alloc_pages(gfp | __GFP_NOWARN | (order ? __GFP_NORETRY : 0),
					    order)) &&
		       order > 0)
			order--;
		if (!page)
			goto fail;
		if (chunk->nr_blocks == cap) {
			struct pcpu_block *nb =
			    realloc(chunk->blocks, sizeof(*nb) * (size_t)cap * 2);

			if (!nb) {
				__free_pages(page, order);
				goto fail;
			}
			chunk->blocks = nb;
			cap *= 2;
		}
		/* populated: every byte is zeroed by alloc_percpu anyway */
		if (plat_map_ram_populate(chunk->base + off, PAGE_SIZE << order, machine.ram_fd,
					  page_to_phys(page), PLAT_PROT_RW)) {
			__free_pages(page, order);
			goto fail;
		}
		for (j = 0; j < (1ul << order); j++)
			__SetPagePercpu(page + j);
		chunk->blocks[chunk->nr_blocks++] = (struct pcpu_block){page, order, off};
		off += PAGE_SIZE << order;
	}

	set_bit_(chunk->bound_map, chunk->nr_bits); /* end sentinel */
	chunk->free_tail = 0;
	chunk->free_bits = chunk->contig_bits = chunk->nr_bits;
	chunk->contig_exact = true;
	chunk->slot = pcpu_bits_to_slot(chunk->contig_bits);
	list_add(&chunk->list, &pcpu_slot[chunk->slot]);
	pcpu_chunks[idx] = chunk;
	pcpu_chunk_hint = idx + 1;
	mod_node_page_state(NR_PERCPU, (long)(bytes >> PAGE_SHIFT));
	pcpu_pages += bytes >> PAGE_SHIFT;
	return chunk;
fail:
	if (chunk->blocks)
		pcpu_unmap_blocks(chunk);
	free(chunk->blocks);
	free(chunk->alloc_map);
	free(chunk->bound_map);
	free(chunk);
	return NULL;
}

/* ---- areas inside a chunk ---- */

/*
 * pcpu_find_fit - first fit of @bits aligned to @align bits. A failed scan
 * makes contig_bits exact and relocates the chunk. Return: offset or -1.
 */
static int pcpu_find_fit(struct pcpu_chunk *chunk, int bits, int align)
{
	int n = chunk->nr_bits, i, max_run, max_start = 0;
	bool from_hint;

	if (chunk->contig_bits < bits)
		return -1;
	/* as the kernel: if the largest run cannot take it aligned, skip */
	if (chunk->contig_exact &&
	    ALIGN(chunk->contig_start, align) + bits > chunk->contig_start + chunk->contig_bits)
		return -1;
	/* runs below scan_pos are all too short: start there */
	from_hint = bits > chunk->scan_max && chunk->scan_pos > chunk->first_free;
	i = from_hint ? chunk->scan_pos : chunk->first_free;
	max_run = from_hint ? chunk->scan_max : 0;
	while (i < n) {
		int e, s;

		i = find_next(chunk->alloc_map, n, i, false);
		if (i >= n)
			break;
		s = ALIGN(i, align);
		/*
		 * Only [i, s + bits) need be free: a run is not walked past
		 * what the request needs, and not at all in the free tail.
		 */
		if (i >= chunk->free_tail)
			e = n;
		else
			e = find_next(chunk->alloc_map, min(n, s + bits), i, true);
		if (s + bits <= e) {
			if (i >= chunk->scan_pos) {
				chunk->scan_pos = i;
				chunk->scan_max = max_run;
			}
			return s;
		}
		if (e - i > max_run) {
			max_run = e - i;
			max_start = i;
		}
		i = e;
	}
	/* max_run is exact unless it came from the scan_max bound */
	chunk->contig_exact = !from_hint || max_start >= chunk->scan_pos;
	chunk->contig_bits = max_run;
	chunk->contig_start = max_start;
	pcpu_chunk_relocate(chunk);
	return -1;
}

static void pcpu_alloc_area(struct pcpu_chunk *chunk, int off, int bits)
{
	bitmap_assign(chunk->alloc_map, off, bits, true);
	set_bit_(chunk->bound_map, off);
	if (bits > 1)
		bitmap_assign(chunk->bound_map, off + 1, bits - 1, false);
	set_bit_(chunk->bound_map, off + bits);
	chunk->free_bits -= bits;
	chunk->nr_alloc++;
	if (off + bits > chunk->free_tail) /* the area lies in the tail */
		chunk->free_tail = off + bits;
	if (off == chunk->first_free)
		chunk->first_free = find_next(chunk->alloc_map, chunk->nr_bits, off + bits, false);
	/* the largest run may have shrunk: keep the value as an upper bound */
	if (chunk->contig_exact && off < chunk->contig_start + chunk->contig_bits &&
	    off + bits > chunk->contig_start)
		chunk->contig_exact = false;
}

/* is @off the start of a live allocation? */
static bool pcpu_is_area_start(struct pcpu_chunk *chunk, int off)
{
	return off >= 0 && off < chunk->nr_bits && test_bit_(chunk->bound_map, off) &&
	       test_bit_(chunk->alloc_map, off);
}

static int pcpu_area_bits(struct pcpu_chunk *chunk, int off)
{
	return find_next(chunk->bound_map, chunk->nr_bits + 1, off + 1, true) - off;
}

static void pcpu_free_area(struct pcpu_chunk *chunk, int off)
{
	int bits = pcpu_area_bits(chunk, off), rs, re;

	bitmap_assign(chunk->alloc_map, off, bits, false);
	clear_bit_(chunk->bound_map, off);
	chunk->free_bits += bits;
	chunk->nr_alloc--;
	rs = find_prev_set(chunk->alloc_map, off) + 1;
	/* the run ends at the next allocation, or is the free tail */
	if (off + bits == chunk->free_tail) {
		re = chunk->nr_bits;
		chunk->free_tail = rs;
	} else {
		re = find_next(chunk->alloc_map, chunk->free_tail, off + bits, true);
	}
	if (rs < chunk->first_free)
		chunk->first_free = rs;
	if (rs < chunk->scan_pos && re - rs > chunk->scan_max)
		chunk->scan_max = re - rs;
	if (re - rs > chunk->contig_bits) {
		/* larger than an upper bound of every other run: the largest */
		chunk->contig_bits = re - rs;
		chunk->contig_start = rs;
		chunk->contig_exact = true;
	}
	pcpu_chunk_relocate(chunk); /* also brings a set-aside chunk back */
}

/*
 * pcpu_alloc_locked - find or make room for @size bytes aligned to @align.
 * Return: the per-CPU pointer or NULL; *err names the failure.
 */
static void *pcpu_alloc_locked(size_t size, size_t align, gfp_t gfp, const char **err)
{
	int bits = (int)DIV_ROUND_UP(size, PCPU_MIN_ALLOC_SIZE);
	int abits = (int)(max(align, (size_t)PCPU_MIN_ALLOC_SIZE) >> PCPU_MIN_ALLOC_SHIFT);
	struct pcpu_chunk *chunk, *next;
	int slot, off;

	if (!pcpu_ready) {
		*err = "per-CPU areas are not set up";
		return NULL;
	}
	if (size > pcpu_unit_size) {
		*err = "larger than a unit";
		return NULL;
	}
	for (slot = pcpu_bits_to_slot(bits); slot < PCPU_NR_SLOTS; slot++) {
		list_for_each_entry_safe (chunk, next, &pcpu_slot[slot], list) {
			off = pcpu_find_fit(chunk, bits, abits);
			if (off >= 0)
				goto found;
			/*
			 * As the kernel's PCPU_SLOT_FAIL_THRESHOLD: a chunk
			 * with only small holes that failed a request is set
			 * aside (slot 0) until something in it is freed, so
			 * long lists of nearly full chunks are not walked by
			 * every allocation.
			 */
			if (chunk->slot && chunk->slot < PCPU_SLOT_FAIL_THRESHOLD) {
				chunk->slot = 0;
				list_move(&chunk->list, &pcpu_slot[0]);
			}
		}
	}
	chunk = pcpu_create_chunk(gfp);
	if (!chunk) {
		*err = "failed to allocate new chunk";
		return NULL;
	}
	off = pcpu_find_fit(chunk, bits, abits);
	if (off < 0) {
		*err = "no space in a new chunk";
		return NULL;
	}
found:
	pcpu_alloc_area(chunk, off, bits);
	return (void *)(chunk->handle + ((size_t)off << PCPU_MIN_ALLOC_SHIFT));
}

/* the chunk and bit offset of per-CPU pointer @ptr, or NULL (lock held) */
static struct pcpu_chunk *pcpu_lookup(const void *ptr, int *off)
{
	uintptr_t a = (uintptr_t)ptr - (uintptr_t)pcpu_base;
	size_t idx;
	struct pcpu_chunk *chunk;

	if (!pcpu_ready || (uintptr_t)ptr < (uintptr_t)pcpu_base || a >= pcpu_half)
		return NULL;
	idx = a / pcpu_chunk_span;
	a %= pcpu_chunk_span;
	chunk = idx < (size_t)pcpu_max_chunks ? pcpu_chunks[idx] : NULL;
	if (!chunk || a >= pcpu_unit_size || (a & (PCPU_MIN_ALLOC_SIZE - 1)))
		return NULL;
	*off = (int)(a >> PCPU_MIN_ALLOC_SHIFT);
	return chunk;
}

static void pcpu_free_locked(void *ptr)
{
	struct pcpu_chunk *chunk;
	int off = 0;

	chunk = pcpu_lookup(ptr, &off);
	pcpu_free_area(chunk, off);
	if (!chunk->nr_alloc && !chunk->first)
		pcpu_destroy_chunk(chunk);
}

static void pcpu_zero(void *ptr, size_t size)
{
	int cpu;

	for (cpu = 0; cpu < pcpu_nr_units; cpu++)
		memset((char *)ptr + __per_cpu_offset[cpu], 0, size);
}

/*
 * ---- the small-object fast path ----
 *
 * alloc_percpu(u64) and every request of at most 64 bytes and alignment
 * takes a ready area of the first chunk from a magazine of the calling
 * thread, one per size class (8, 16, 32, 64 bytes, each aligned to its
 * size), as the slab allocator's per-CPU arrays and sheaves do; free_percpu
 * puts it back there. The magazines belong to threads, not virtual CPUs: a
 * task owns a CPU only inside a section, and taking one costs an atomic
 * exchange, which the whole pair must not spend. An empty magazine is
 * refilled with PCPU_MAG_REFILL areas carved under pcpu_lock, a full one
 * gives half back; a thread's magazines go back when it exits.
 *
 * A cached area stays allocated in the chunk's maps (so chunk maps and hints
 * are those of the locked allocator). pcpu_fast_state has a byte per
 * granule: class + 1 at the start of each fast area, with PCPU_FAST_LIVE
 * while a caller holds it. free_percpu() claims an area by clearing LIVE
 * with one atomic operation: an area freed twice, even by two threads at
 * once, is claimed once, and the other free takes the locked path, which
 * reports it. Only the first chunk caches areas: it is never released, so a
 * cached area never keeps a chunk alive, and the metadata read without
 * pcpu_lock lives as long as the boot. At shutdown cached areas are simply
 * not leaks; the magazines of the threads are dropped when they next see a
 * new generation.
 *
 * Invariants (off a granule of the first chunk, this boot):
 *   state[off] != 0       =>  off starts an allocated area of class
 *                             (state[off] & ~LIVE) - 1
 *   LIVE set in state[off] <=> a caller holds that area
 *   state[off] != 0, LIVE clear <=> the area is in exactly one magazine or
 *                             in the hands of a refill or flush
 */
static inline int pcpu_fast_class(size_t size, size_t align)
{
	size_t s = max(size, align);

	if (s > (8u << (PCPU_FAST_CLASSES - 1)))
		return -1;
	return s <= 8 ? 0 : (int)ilog2(s - 1) + 1 - PCPU_FAST_MIN_SHIFT;
}

static inline void *pcpu_fast_handle(unsigned int off)
{
	return pcpu_base + ((size_t)off << PCPU_MIN_ALLOC_SHIFT);
}

/* carve up to @n areas of class @c from the first chunk (lock held) */
static int pcpu_fast_carve(int c, unsigned int *out, int n)
{
	struct pcpu_chunk *chunk = pcpu_chunks[0];
	int bits = (8 << c) >> PCPU_MIN_ALLOC_SHIFT, got = 0, off;

	while (got < n && (off = pcpu_find_fit(chunk, bits, bits)) >= 0) {
		pcpu_alloc_area(chunk, off, bits);
		__atomic_store_n(&pcpu_fast_state[off], (unsigned char)(c + 1), __ATOMIC_RELAXED);
		out[got++] = (unsigned int)off;
	}
	return got;
}

/* give areas not held by callers back to the first chunk's maps (lock held) */
static void pcpu_fast_uncarve(const unsigned int *off, int n)
{
	while (n--) {
		__atomic_store_n(&pcpu_fast_state[off[n]], 0, __ATOMIC_RELAXED);
		pcpu_free_area(pcpu_chunks[0], (int)off[n]);
	}
}

/* claim fast area @off from its holder: its state before, LIVE if held */
static inline unsigned char pcpu_fast_claim(unsigned int off)
{
	return __atomic_fetch_and(&pcpu_fast_state[off], (unsigned char)~PCPU_FAST_LIVE,
				  __ATOMIC_ACQ_REL);
}

static void pcpu_mag_flush(void *arg);

static void pcpu_mag_key_create(void)
{
	pthread_key_create(&pcpu_mag_key, pcpu_mag_flush);
}

/* the calling thread's magazines for this boot, entered; NULL: use the lock */
static inline struct pcpu_mag *pcpu_mag_enter(void)
{
	struct pcpu_mag *m = &pcpu_mag;
	unsigned long gen = __atomic_load_n(&pcpu_fast_gen, __ATOMIC_ACQUIRE);

	if (unlikely(m->busy) || unlikely(!gen))
		return NULL;
	if (unlikely(m->gen != gen)) {
		/* another boot's offsets: that chunk is gone */
		memset(m->nr, 0, sizeof(m->nr));
		m->gen = gen;
		if (!m->keyed) {
			pthread_once(&pcpu_mag_once, pcpu_mag_key_create);
			pthread_setspecific(pcpu_mag_key, m);
			m->keyed = true;
		}
	}
	m->busy = 1;
	barrier(); /* a signal handler arriving from here on sees busy */
	return m;
}

static inline void pcpu_mag_exit(struct pcpu_mag *m)
{
	barrier();
	m->busy = 0;
}

/* thread exit: this boot's cached areas go back to the chunk */
static void pcpu_mag_flush(void *arg)
{
	struct pcpu_mag *m = arg;
	int c;

	pthread_mutex_lock(&pcpu_lock);
	if (m->gen && m->gen == __atomic_load_n(&pcpu_fast_gen, __ATOMIC_RELAXED))
		for (c = 0; c < PCPU_FAST_CLASSES; c++)
			pcpu_fast_uncarve(m->off[c], m->nr[c]);
	memset(m->nr, 0, sizeof(m->nr));
	pthread_mutex_unlock(&pcpu_lock);
}

static inline void pcpu_fast_zero(void *ptr, int c)
{
	int cpu;

	/* constant sizes: the compiler stores instead of calling memset */
	for (cpu = 0; cpu < pcpu_nr_units; cpu++) {
		char *copy = (char *)ptr + __per_cpu_offset[cpu];

		switch (c) {
		case 0:
			memset(copy, 0, 8);
			break;
		case 1:
			memset(copy, 0, 16);
			break;
		case 2:
			memset(copy, 0, 32);
			break;
		default:
			memset(copy, 0, 64);
			break;
		}
	}
}

/* an area of class @c for @size bytes, zeroed on every CPU, or NULL */
static void *pcpu_fast_alloc(int c, size_t size)
{
	struct pcpu_mag *m = pcpu_mag_enter();
	unsigned int off, got[PCPU_MAG_REFILL];
	int n;

	if (unlikely(!m))
		return NULL;
	if (likely(m->nr[c])) {
		off = m->off[c][--m->nr[c]];
	} else {
		pthread_mutex_lock(&pcpu_lock);
		n = pcpu_fast_carve(c, got, PCPU_MAG_REFILL);
		pthread_mutex_unlock(&pcpu_lock);
		if (!n) { /* the first chunk is full */
			pcpu_mag_exit(m);
			return NULL;
		}
		off = got[--n];
		memcpy(m->off[c], got, sizeof(got[0]) * (size_t)n);
		m->nr[c] = (unsigned char)n;
	}
	pcpu_mag_exit(m);
	__atomic_store_n(&pcpu_fast_req[off], (unsigned char)size, __ATOMIC_RELAXED);
	__atomic_store_n(&pcpu_fast_state[off], (unsigned char)((c + 1) | PCPU_FAST_LIVE),
			 __ATOMIC_RELEASE);
	pcpu_fast_zero(pcpu_fast_handle(off), c);
	return pcpu_fast_handle(off);
}

/* free @ptr if it is a fast area a caller holds; false: take the locked path */
static bool pcpu_fast_free(void *ptr)
{
	uintptr_t a = (uintptr_t)ptr - (uintptr_t)pcpu_base;
	unsigned int off, out[PCPU_MAG_SIZE / 2];
	unsigned char old;
	struct pcpu_mag *m;
	int c, n = 0;

	if (!__atomic_load_n(&pcpu_fast_gen, __ATOMIC_ACQUIRE) ||
	    (uintptr_t)ptr < (uintptr_t)pcpu_base || a >= pcpu_unit_size ||
	    (a & (PCPU_MIN_ALLOC_SIZE - 1)))
		return false;
	off = (unsigned int)(a >> PCPU_MIN_ALLOC_SHIFT);
	old = pcpu_fast_claim(off);
	if (!(old & PCPU_FAST_LIVE))
		return false;
	c = (old & ~PCPU_FAST_LIVE) - 1;
	m = pcpu_mag_enter();
	if (likely(m)) {
		if (likely(m->nr[c] < PCPU_MAG_SIZE)) {
			m->off[c][m->nr[c]++] = off;
			pcpu_mag_exit(m);
			return true;
		}
		/* full: half of it goes back to the chunk with this one */
		n = PCPU_MAG_SIZE / 2;
		m->nr[c] -= n;
		memcpy(out, &m->off[c][m->nr[c]], sizeof(out));
		pcpu_mag_exit(m);
	}
	pthread_mutex_lock(&pcpu_lock);
	pcpu_fast_uncarve(out, n);
	pcpu_fast_uncarve(&off, 1);
	pthread_mutex_unlock(&pcpu_lock);
	return true;
}

static void pcpu_fast_exit(void)
{
	__atomic_store_n(&pcpu_fast_gen, 0, __ATOMIC_RELEASE);
	free(pcpu_fast_state);
	free(pcpu_fast_req);
	pcpu_fast_state = NULL;
	pcpu_fast_req = NULL;
}

/* after the first chunk is made (lock held) */
static void pcpu_fast_init(void)
{
	size_t n = (size_t)pcpu_chunks[0]->nr_bits;

	pcpu_fast_state = calloc(n, 1);
	pcpu_fast_req = calloc(n, 1);
	if (!pcpu_fast_state || !pcpu_fast_req) {
		pcpu_fast_exit(); /* the locked path serves everything */
		return;
	}
	__atomic_store_n(&pcpu_fast_gen, ++pcpu_boot_count, __ATOMIC_RELEASE);
}

/**
 * __alloc_percpu_gfp - allocate dynamic per-CPU memory
 * @size: bytes per CPU (1 .. PCPU_MIN_UNIT_SIZE)
 * @align: alignment of every CPU's copy (a power of two <= PAGE_SIZE)
 * @gfp: allocation flags; without __GFP_DIRECT_RECLAIM nothing sleeps
 *
 * Context: any context with a non-sleeping @gfp; process context with
 * GFP_KERNEL (checked by might_sleep).
 * Return: a per-CPU pointer to zeroed copies, or NULL. An illegal @size or
 * @align gets the kernel's WARNING.
 */
__ukmem_export void __percpu *__alloc_percpu_gfp(size_t size, size_t align, gfp_t gfp)
{
	const char *err = NULL;
	void *ptr;
	int c;

	if (unlikely(!size || size > PCPU_MIN_UNIT_SIZE || align > PAGE_SIZE ||
		     !is_power_of_2(align))) {
		report_warn(UKMEM_REPORT_PERCPU, __FILE__, __LINE__, __builtin_return_address(0),
			    "illegal size (%zu) or align (%zu) for percpu allocation\n", size,
			    align);
		return NULL;
	}
	ukmem_ensure_booted();
	if (gfp & __GFP_DIRECT_RECLAIM)
		might_sleep_check(__FILE__, __LINE__);
	/* one fault-injection decision per allocation (docs/fault-injection.md) */
	if (unlikely(should_fail_alloc_object(gfp, size)))
		return NULL;
	c = pcpu_fast_class(size, align);
	if (c >= 0) {
		ptr = pcpu_fast_alloc(c, size);
		if (likely(ptr))
			return ptr;
	}
	pthread_mutex_lock(&pcpu_lock);
	ptr = pcpu_alloc_locked(size, align, gfp, &err);
	pthread_mutex_unlock(&pcpu_lock);
	if (unlikely(!ptr)) {
		if (!(gfp & __GFP_NOWARN)) {
			report_start(UKMEM_REPORT_ALLOC_FAIL);
			printk(KERN_WARNING
			       "percpu: allocation failed, size=%zu align=%zu atomic=%d, %s\n",
			       size, align, (gfp & GFP_KERNEL) != GFP_KERNEL, err);
			report_stack();
			report_end(UKMEM_REPORT_ALLOC_FAIL);
		}
		return NULL;
	}
	pcpu_zero(ptr, size);
	return ptr;
}

/**
 * __alloc_percpu - allocate dynamic per-CPU memory with GFP_KERNEL
 * @size: bytes per CPU
 * @align: alignment
 *
 * Context: process context, may sleep.
 * Return: a per-CPU pointer to zeroed copies, or NULL.
 */
__ukmem_export void __percpu *__alloc_percpu(size_t size, size_t align)
{
	return __alloc_percpu_gfp(size, align, GFP_KERNEL);
}

static void pcpu_bad_free(const void *ptr, const char *why)
{
	report_start(UKMEM_REPORT_PERCPU);
	printk(KERN_ERR "BUG: free_percpu(%px): %s\n", ptr, why);
	report_stack();
	report_end(UKMEM_REPORT_PERCPU);
}

/**
 * free_percpu - free per-CPU memory
 * @ptr: what alloc_percpu() returned, or NULL (nothing happens)
 *
 * A pointer that is not a live allocation (double free, interior pointer,
 * a static per-CPU variable, foreign memory) is reported and left alone.
 * Context: any context.
 */
__ukmem_export void free_percpu(void __percpu *ptr)
{
	struct pcpu_chunk *chunk;
	struct ukmem_pcpu_dso *dso;
	int off = 0;

	if (!ptr || likely(pcpu_fast_free(ptr)))
		return;
	pthread_mutex_lock(&pcpu_lock);
	chunk = pcpu_lookup(ptr, &off);
	if (!chunk) {
		pthread_mutex_unlock(&pcpu_lock);
		pcpu_bad_free(ptr, "not a per-CPU pointer");
		return;
	}
	if (!pcpu_is_area_start(chunk, off)) {
		bool inside = test_bit_(chunk->alloc_map, off);

		pthread_mutex_unlock(&pcpu_lock);
		pcpu_bad_free(ptr, inside ? "not the start of a per-CPU allocation"
					  : "double free (not allocated)");
		return;
	}
	if (chunk->first && pcpu_fast_state &&
	    __atomic_load_n(&pcpu_fast_state[off], __ATOMIC_RELAXED)) {
		unsigned int u = (unsigned int)off;

		/*
		 * A fast area. The fast path found it not held; held now, it
		 * was handed out again meanwhile, and this free counts as its
		 * holder's (as after any reuse of a freed address).
		 */
		if (pcpu_fast_claim(u) & PCPU_FAST_LIVE) {
			pcpu_fast_uncarve(&u, 1);
			pthread_mutex_unlock(&pcpu_lock);
			return;
		}
		pthread_mutex_unlock(&pcpu_lock);
		pcpu_bad_free(ptr, "double free (not allocated)");
		return;
	}
	for (dso = pcpu_dsos; dso; dso = dso->next) {
		if (dso->handle == ptr) {
			pthread_mutex_unlock(&pcpu_lock);
			pcpu_bad_free(ptr, "static per-CPU area");
			return;
		}
	}
	pcpu_free_locked(ptr);
	pthread_mutex_unlock(&pcpu_lock);
}

/**
 * per_cpu_ptr_to_phys - physical address of a per-CPU copy
 * @addr: per_cpu_ptr(p, cpu) of dynamic or static per-CPU data
 *
 * Context: any context.
 * Return: the physical address, or 0 for an address of no chunk.
 */
__ukmem_export phys_addr_t per_cpu_ptr_to_phys(void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	phys_addr_t phys = 0;
	struct pcpu_chunk *chunk;
	size_t idx, off;
	int i;

	pthread_mutex_lock(&pcpu_lock);
	if (pcpu_ready && a >= (uintptr_t)pcpu_base + pcpu_half &&
	    a < (uintptr_t)pcpu_base + 2 * pcpu_half) {
		a -= (uintptr_t)pcpu_base + pcpu_half;
		idx = a / pcpu_chunk_span;
		off = a % pcpu_chunk_span;
		chunk = idx < (size_t)pcpu_max_chunks ? pcpu_chunks[idx] : NULL;
		for (i = 0; chunk && i < chunk->nr_blocks; i++) {
			struct pcpu_block *b = &chunk->blocks[i];

			if (off >= b->offset && off < b->offset + (PAGE_SIZE << b->order)) {
				phys = page_to_phys(b->page) + (off - b->offset);
				break;
			}
		}
	} else if (virt_addr_valid(addr)) {
		phys = virt_to_phys(addr);
	}
	pthread_mutex_unlock(&pcpu_lock);
	return phys;
}

/**
 * pcpu_nr_pages - pages backing all per-CPU chunks (meminfo "Percpu:")
 *
 * Context: any context.
 * Return: the number of pages.
 */
__ukmem_export unsigned long pcpu_nr_pages(void)
{
	return __atomic_load_n(&pcpu_pages, __ATOMIC_RELAXED);
}

/* ---- static areas of DSOs ---- */

static size_t pcpu_dso_align(const struct ukmem_pcpu_dso *dso)
{
	uintptr_t s = (uintptr_t)dso->start;
	size_t a = s ? (size_t)(s & -s) : PAGE_SIZE;

	return clamp(a, (size_t)PCPU_MIN_ALLOC_SIZE, (size_t)PAGE_SIZE);
}

/* give @dso its copies for this boot (lock held) */
static void pcpu_setup_dso(struct ukmem_pcpu_dso *dso)
{
	size_t size = (size_t)(dso->stop - dso->start);
	const char *err = NULL;
	char *h;
	int cpu;

	if (!size)
		return;
	h = pcpu_alloc_locked(size, pcpu_dso_align(dso), GFP_KERNEL, &err);
	if (!h) {
		pr_err("percpu: cannot allocate %zu bytes of static per-CPU data: %s\n", size, err);
		return;
	}
	for (cpu = 0; cpu < pcpu_nr_units; cpu++)
		memcpy(h + __per_cpu_offset[cpu], dso->start, size);
	dso->handle = h;
	__atomic_store_n(&dso->delta, (long)((uintptr_t)h - (uintptr_t)dso->start),
			 __ATOMIC_RELEASE);
}

static void pcpu_teardown_dso(struct ukmem_pcpu_dso *dso)
{
	__atomic_store_n(&dso->delta, 0, __ATOMIC_RELEASE);
	if (dso->handle && pcpu_ready)
		pcpu_free_locked(dso->handle);
	dso->handle = NULL;
}

/**
 * __ukmem_percpu_register - record a DSO's per-CPU section
 * @dso: the DSO's own (weak hidden) descriptor
 * @start: __start_ukmem_percpu of the DSO
 * @stop: __stop_ukmem_percpu of the DSO
 *
 * Called by the constructor of every translation unit that includes
 * <linux/percpu-defs.h>; the first call per DSO records it, and gives it its
 * copies at once if a machine is up (a module loaded after boot).
 * Context: process context (constructors, dlopen).
 */
__ukmem_export void __ukmem_percpu_register(struct ukmem_pcpu_dso *dso, char *start, char *stop)
{
	struct ukmem_pcpu_dso *d;

	pthread_mutex_lock(&pcpu_lock);
	for (d = pcpu_dsos; d; d = d->next)
		if (d == dso)
			break;
	if (!d) {
		dso->start = start;
		dso->stop = stop;
		dso->handle = NULL;
		dso->next = pcpu_dsos;
		pcpu_dsos = dso;
		if (pcpu_ready)
			pcpu_setup_dso(dso);
	}
	pthread_mutex_unlock(&pcpu_lock);
}

/**
 * __ukmem_percpu_unregister - forget a DSO being unloaded (dlclose)
 * @dso: the DSO's descriptor
 *
 * Its copies are freed; later calls for the same DSO do nothing.
 * Context: process context (destructors).
 */
__ukmem_export void __ukmem_percpu_unregister(struct ukmem_pcpu_dso *dso)
{
	struct ukmem_pcpu_dso **pp;

	pthread_mutex_lock(&pcpu_lock);
	for (pp = &pcpu_dsos; *pp; pp = &(*pp)->next) {
		if (*pp == dso) {
			*pp = dso->next;
			pcpu_teardown_dso(dso);
			break;
		}
	}
	pthread_mutex_unlock(&pcpu_lock);
}

/**
 * __per_cpu_ptr_slow - per_cpu_ptr() of a pointer that is neither dynamic
 * nor a static of the calling DSO
 * @ptr: a static of another DSO, or not a per-CPU pointer at all (a bug)
 * @cpu: the CPU
 *
 * Context: any context (takes pcpu_lock).
 * Return: CPU @cpu's copy; for a bad pointer, a report and @ptr itself.
 */
__ukmem_export void *__per_cpu_ptr_slow(const void *ptr, int cpu)
{
	struct ukmem_pcpu_dso *d;
	void *ret = NULL;

	pthread_mutex_lock(&pcpu_lock);
	for (d = pcpu_dsos; d; d = d->next) {
		if ((const char *)ptr >= d->start && (const char *)ptr < d->stop) {
			ret = (char *)ptr + d->delta + (d->handle ? __per_cpu_offset[cpu] : 0);
			break;
		}
	}
	pthread_mutex_unlock(&pcpu_lock);
	if (ret)
		return ret;
	report_start(UKMEM_REPORT_PERCPU);
	printk(KERN_ERR "BUG: per_cpu_ptr(%px, %d): not a per-CPU pointer\n", ptr, cpu);
	printk(KERN_ERR "caller is %pS\n", __builtin_return_address(0));
	report_stack();
	report_end(UKMEM_REPORT_PERCPU);
	return (void *)ptr;
}

/* ---- the CPU side of the accessors ---- */

/**
 * __this_cpu_preempt_check - CONFIG_DEBUG_PREEMPT's check for __this_cpu_*
 * @op: the operation's name ("inc", "read" ...)
 *
 * Reports "BUG: using __this_cpu_<op>() in preemptible [%08x] code:
 * comm/pid" with the caller and a stack when the task may be preempted.
 * Context: any context.
 * Return: the current CPU.
 */
__ukmem_export int __this_cpu_preempt_check(const char *op)
{
	struct task_struct *t = current_task();

	if (likely(!task_preemptible(t)))
		return t->cpu;
	report_start(UKMEM_REPORT_PREEMPT);
	printk(KERN_ERR "BUG: using __this_cpu_%s() in preemptible [%08x] code: %s/%d\n", op,
	       t->preempt_count, t->comm, t->pid);
	printk(KERN_ERR "caller is %pS\n", __builtin_return_address(0));
	report_stack();
	report_end(UKMEM_REPORT_PREEMPT);
	return t->cpu;
}

/**
 * __pcpu_this_enter - this_cpu_* prologue: preempt_disable(), which makes
 * the task the owner of its CPU
 *
 * Context: any context.
 * Return: the CPU.
 */
__ukmem_export int __pcpu_this_enter(void)
{
	struct task_struct *t = current_task();

	/* the user's own section (not the allocator's: interrupts may allocate) */
	preempt_count_inc(t, 1);
	return t->cpu;
}

/**
 * __pcpu_this_exit - this_cpu_* epilogue: preempt_enable()
 *
 * Context: after __pcpu_this_enter().
 */
__ukmem_export void __pcpu_this_exit(void)
{
	preempt_count_dec(current_task(), 1);
}

/* ---- boot ---- */

int percpu_param(const char *key, const char *val)
{
	return -ENOENT;
}

/*
 * pcpu_for_each_area - call @fn for every per-CPU area a caller holds (the
 * DSOs' static areas and cached fast areas are not held), with its handle
 * and its size per CPU. @fn runs under pcpu_lock: it must not allocate.
 * Return: the number of areas.
 */
static unsigned long __pcpu_for_each_area(void (*fn)(void *handle, unsigned long size, void *arg),
					  void *arg)
{
	unsigned long n = 0, size;
	struct ukmem_pcpu_dso *d;
	int i, off;

	for (i = 0; i < pcpu_max_chunks; i++) {
		struct pcpu_chunk *chunk = pcpu_chunks[i];

		if (!chunk)
			continue;
		for (off = find_next(chunk->alloc_map, chunk->nr_bits, 0, true);
		     off < chunk->nr_bits;
		     off = find_next(chunk->alloc_map, chunk->nr_bits, off + 1, true)) {
			void *h = (void *)(chunk->handle + ((size_t)off << PCPU_MIN_ALLOC_SHIFT));
			unsigned char fast;
			int bits;

			if (!pcpu_is_area_start(chunk, off))
				continue;
			for (d = pcpu_dsos; d && d->handle != h; d = d->next)
				;
			bits = pcpu_area_bits(chunk, off);
			size = (unsigned long)bits << PCPU_MIN_ALLOC_SHIFT;
			fast = chunk->first && pcpu_fast_state
				   ? __atomic_load_n(&pcpu_fast_state[off], __ATOMIC_RELAXED)
				   : 0;
			/* a cached fast area is free; a held one has its asked size */
			if (fast)
				size = __atomic_load_n(&pcpu_fast_req[off], __ATOMIC_RELAXED);
			off += bits - 1;
			if (d || (fast && !(fast & PCPU_FAST_LIVE)))
				continue;
			n++;
			if (fn)
				fn(h, size, arg);
		}
	}
	return n;
}

unsigned long pcpu_for_each_area(void (*fn)(void *handle, unsigned long size, void *arg), void *arg)
{
	unsigned long n = 0;

	pthread_mutex_lock(&pcpu_lock);
	if (pcpu_ready)
		n = __pcpu_for_each_area(fn, arg);
	pthread_mutex_unlock(&pcpu_lock);
	return n;
}

struct pcpu_leak_sum {
	unsigned long n, bytes;
};

static void pcpu_report_one(void *h, unsigned long size, void *arg)
{
	struct pcpu_leak_sum *sum = arg;

	if (!sum->n)
		report_start(UKMEM_REPORT_LEAK);
	if (sum->n++ < 8)
		printk(KERN_ERR "percpu: leaked per-CPU area %px (%lu bytes per CPU)\n", h, size);
	sum->bytes += size;
}

static void pcpu_report_leaks(void)
{
	struct pcpu_leak_sum sum = {0, 0};

	__pcpu_for_each_area(pcpu_report_one, &sum); /* pcpu_lock held by percpu_exit() */
	if (sum.n) {
		printk(
		    KERN_ERR
		    "percpu: %lu per-CPU areas (%lu bytes per CPU) still allocated at shutdown\n",
		    sum.n, sum.bytes);
		report_end(UKMEM_REPORT_LEAK);
	}
}

int percpu_init(void)
{
	size_t static_size = 0, need, chunk_bytes;
	unsigned long long limit;
	struct ukmem_pcpu_dso *d;
	int cpu, i;

	pthread_mutex_lock(&pcpu_lock);
	for (d = pcpu_dsos; d; d = d->next)
		if (d->stop > d->start)
			static_size += (size_t)(d->stop - d->start) + pcpu_dso_align(d);
	pcpu_nr_units = machine.nr_cpus;
	/* lib/percpu_counter.c's compute_batch_value() */
	percpu_counter_batch = max(32, 2 * pcpu_nr_units);
	need = PAGE_ALIGN(static_size) + PERCPU_MODULE_RESERVE + PERCPU_DYNAMIC_RESERVE;
	pcpu_unit_size = roundup_pow_of_two(max(need, (size_t)PCPU_MIN_UNIT_SIZE));
	/*
	 * Many CPUs in little memory: shrink the unit (the first chunk must
	 * fit in a quarter of RAM); dynamic allocations then get less room.
	 */
	while (pcpu_unit_size > PAGE_SIZE &&
	       pcpu_unit_size / 2 >= PAGE_ALIGN(static_size) + PAGE_SIZE &&
	       (u64)pcpu_unit_size * (u64)pcpu_nr_units > machine.mem_bytes / 4)
		pcpu_unit_size /= 2;
	chunk_bytes = pcpu_unit_size * (size_t)pcpu_nr_units;
	pcpu_chunk_span = chunk_bytes;
	limit = machine.mem_bytes / chunk_bytes + 2;
	limit = min(limit, (unsigned long long)(PCPU_VA_MAX / pcpu_chunk_span));
	limit = min(limit, (unsigned long long)PCPU_MAX_CHUNKS);
	pcpu_max_chunks = (int)max(limit, 1ull);
	pcpu_half = (size_t)pcpu_max_chunks * pcpu_chunk_span;
	pcpu_reserve_size = 2 * pcpu_half;
	pcpu_base = plat_reserve(pcpu_reserve_size, PAGE_SIZE);
	pcpu_chunks = calloc((size_t)pcpu_max_chunks, sizeof(*pcpu_chunks));
	if (!pcpu_base || !pcpu_chunks) {
		pr_err("percpu: cannot reserve %zu bytes of address space\n", pcpu_reserve_size);
		goto fail;
	}
	for (i = 0; i < PCPU_NR_SLOTS; i++)
		INIT_LIST_HEAD(&pcpu_slot[i]);
	pcpu_chunk_hint = 0;
	pcpu_pages = 0;
	for (cpu = 0; cpu < pcpu_nr_units; cpu++)
		__per_cpu_offset[cpu] = pcpu_half + (size_t)cpu * pcpu_unit_size;
	pcpu_ready = true;
	if (!pcpu_create_chunk(GFP_KERNEL)) {
		pcpu_ready = false;
		pr_err("percpu: cannot allocate the first chunk (%zu bytes)\n", chunk_bytes);
		goto fail;
	}
	pcpu_chunks[0]->first = true;
	for (d = pcpu_dsos; d; d = d->next)
		pcpu_setup_dso(d);
	pcpu_fast_init();
	__pcpu_handle_start = (uintptr_t)pcpu_base;
	__pcpu_handle_size = pcpu_half;
	pr_info("percpu: Embedded %zu pages/cpu s%zu r%d d%zu u%zu\n", pcpu_unit_size >> PAGE_SHIFT,
		static_size, PERCPU_MODULE_RESERVE,
		pcpu_unit_size - static_size - PERCPU_MODULE_RESERVE, pcpu_unit_size);
	pthread_mutex_unlock(&pcpu_lock);
	return 0;
fail:
	if (pcpu_base)
		plat_release(pcpu_base, pcpu_reserve_size);
	free(pcpu_chunks);
	pcpu_base = NULL;
	pcpu_chunks = NULL;
	memset(__per_cpu_offset, 0, sizeof(__per_cpu_offset));
	pthread_mutex_unlock(&pcpu_lock);
	/*
	 * Boot goes on without per-CPU areas (alloc_percpu fails, statics use
	 * their prototypes): a machine of 4096 CPUs in 4 MiB should still boot.
	 */
	return 0;
}

void percpu_exit(void)
{
	struct ukmem_pcpu_dso *d;
	int i;

	pthread_mutex_lock(&pcpu_lock);
	if (!pcpu_ready) {
		pthread_mutex_unlock(&pcpu_lock);
		return;
	}
	pcpu_report_leaks();
	pcpu_fast_exit();
	/* statics fall back to their prototypes until the next boot */
	for (d = pcpu_dsos; d; d = d->next) {
		__atomic_store_n(&d->delta, 0, __ATOMIC_RELEASE);
		d->handle = NULL;
	}
	__pcpu_handle_size = 0;
	__pcpu_handle_start = 0;
	for (i = 0; i < pcpu_max_chunks; i++)
		if (pcpu_chunks[i])
			pcpu_destroy_chunk(pcpu_chunks[i]);
	memset(__per_cpu_offset, 0, sizeof(__per_cpu_offset));
	plat_release(pcpu_base, pcpu_reserve_size);
	free(pcpu_chunks);
	pcpu_chunks = NULL;
	pcpu_base = NULL;
	pcpu_ready = false;
	pthread_mutex_unlock(&pcpu_lock);
}
