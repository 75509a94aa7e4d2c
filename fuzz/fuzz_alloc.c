// SPDX-License-Identifier: MIT
/*
 * fuzz_alloc.c - a libFuzzer harness: the input is a program of allocation
 * operations over every allocation API (kmalloc and friends, krealloc,
 * kmem_cache with and without a constructor, bulk allocation, pages of several
 * orders and zones, vmalloc, kvmalloc, per-CPU, kstrdup/kmemdup), run against a
 * reference model of 64 slots. The model knows each live block's size and fill
 * byte; the harness checks contents on every free and reallocation, that
 * zeroing variants zero, that a constructed object is in its constructed state,
 * that ksize() covers the request, and that no operation produced a report.
 * Any mismatch aborts, which libFuzzer records as a crash with the input.
 *
 * Build: cmake --preset fuzz && cmake --build --preset fuzz
 * Run:   ./build/fuzz/fuzz/fuzz_alloc -max_total_time=60 (or ./run.sh fuzz 60)
 */
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NR_SLOTS   64
#define LIVE_LIMIT (8u << 20) /* stay far from the 64 MiB machine's watermarks */
#define CTOR_BYTE  0xc7

enum kind { FREE_SLOT, K_KMALLOC, K_CACHE, K_PAGES, K_VMALLOC, K_KVMALLOC, K_PERCPU };

struct slot {
	enum kind kind;
	void *p;     /* object, page address, vmalloc address or per-CPU pointer */
	size_t size; /* bytes the model may use */
	unsigned char fill;
	unsigned int order;
	int cache;
};

static struct slot slots[NR_SLOTS];
static struct kmem_cache *caches[3];
static const size_t cache_size[3] = {24, 200, 1000};
static size_t live_bytes;

struct input {
	const uint8_t *d;
	size_t n;
};

static unsigned int take(struct input *in, unsigned int bytes)
{
	unsigned int v = 0;

	while (bytes--) {
		v <<= 8;
		if (in->n) {
			v |= *in->d++;
			in->n--;
		}
	}
	return v;
}

static void die(const char *what, int slot)
{
	fprintf(stderr, "fuzz_alloc: %s (slot %d)\n", what, slot);
	ukmem_dmesg(stderr);
	abort();
}

static void cache_ctor_24(void *p)
{
	memset(p, CTOR_BYTE, 24);
}

static gfp_t pick_gfp(unsigned int v)
{
	static const gfp_t g[] = {GFP_KERNEL, GFP_ATOMIC, GFP_NOWAIT,
				  GFP_NOFS,   GFP_NOIO,	  GFP_KERNEL | __GFP_ZERO};
	return g[v % (sizeof(g) / sizeof(g[0]))];
}

static void fill_mem(unsigned char *p, size_t size, unsigned char b)
{
	memset(p, b, size);
}

static void check_mem(const unsigned char *p, size_t size, unsigned char b, int i)
{
	size_t k;

	for (k = 0; k < size; k++)
		if (p[k] != b)
			die("contents changed under their owner", i);
}

static unsigned char *slot_bytes(struct slot *s, int cpu)
{
	if (s->kind == K_PERCPU)
		return per_cpu_ptr(s->p, cpu);
	return s->p;
}

static void check_slot(int i)
{
	struct slot *s = &slots[i];
	int cpu;

	if (s->kind == FREE_SLOT)
		return;
	if (s->kind == K_PERCPU) {
		for_each_possible_cpu (cpu)
			check_mem(slot_bytes(s, cpu), s->size, (unsigned char)(s->fill + cpu), i);
		return;
	}
	check_mem(s->p, s->size, s->fill, i);
}

static void set_fill(int i, unsigned char b)
{
	struct slot *s = &slots[i];
	int cpu;

	s->fill = b;
	if (s->kind == K_PERCPU) {
		for_each_possible_cpu (cpu)
			fill_mem(slot_bytes(s, cpu), s->size, (unsigned char)(b + cpu));
		return;
	}
	fill_mem(s->p, s->size, b);
}

static void free_slot(int i)
{
	struct slot *s = &slots[i];

	check_slot(i);
	switch (s->kind) {
	case FREE_SLOT:
		return;
	case K_KMALLOC:
		kfree(s->p);
		break;
	case K_CACHE:
		kmem_cache_free(caches[s->cache], s->p);
		break;
	case K_PAGES:
		free_pages((unsigned long)s->p, s->order);
		break;
	case K_VMALLOC:
		vfree(s->p);
		break;
	case K_KVMALLOC:
		kvfree(s->p);
		break;
	case K_PERCPU:
		free_percpu(s->p);
		break;
	}
	live_bytes -= s->size;
	memset(s, 0, sizeof(*s));
}

/* a new block in slot @i: the old one goes first */
static void put(int i, enum kind k, void *p, size_t size, unsigned char fill)
{
	struct slot *s = &slots[i];

	s->kind = k;
	s->p = p;
	s->size = size;
	live_bytes += size;
	set_fill(i, fill);
}

static bool zeroed(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static void op(struct input *in)
{
	unsigned int code = take(in, 1), i = take(in, 1) % NR_SLOTS, v = take(in, 2), w;
	unsigned char fill = (unsigned char)take(in, 1);
	struct slot *s = &slots[i];
	size_t size = v, n;
	gfp_t gfp = pick_gfp(v >> 12);
	void *p;

	switch (code % 14) {
	case 0: /* kmalloc of any size up to 64 KiB, any gfp */
	case 1:
		free_slot((int)i);
		if (live_bytes + size > LIVE_LIMIT)
			return;
		p = kmalloc(size, gfp | __GFP_NOWARN);
		if (!size) {
			if (p != ZERO_SIZE_PTR)
				die("kmalloc(0) is not ZERO_SIZE_PTR", (int)i);
			return;
		}
		if (!p) {
			if (!(gfp & __GFP_DIRECT_RECLAIM))
				return; /* atomic allocations may fail */
			die("kmalloc failed with memory to spare", (int)i);
		}
		if ((gfp & __GFP_ZERO) && !zeroed(p, size))
			die("kmalloc(__GFP_ZERO) not zeroed", (int)i);
		if (ksize(p) < size)
			die("ksize() below the request", (int)i);
		put((int)i, K_KMALLOC, p, size, fill);
		break;
	case 2: /* kcalloc: n * size, the overflow refused */
		free_slot((int)i);
		n = (v & 0xff) + 1;
		size = (size_t)(v >> 8) + 1;
		if (live_bytes + n * size > LIVE_LIMIT)
			return;
		p = kcalloc(n, size, GFP_KERNEL);
		if (!p || !zeroed(p, n * size))
			die("kcalloc failed or not zeroed", (int)i);
		put((int)i, K_KMALLOC, p, n * size, fill);
		if (kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL | __GFP_NOWARN))
			die("kcalloc overflow not refused", (int)i);
		break;
	case 3: /* krealloc keeps the common prefix */
		if (s->kind != K_KMALLOC || !size || live_bytes + size > LIVE_LIMIT)
			return;
		check_slot((int)i);
		p = krealloc(s->p, size, GFP_KERNEL);
		if (!p)
			die("krealloc failed with memory to spare", (int)i);
		n = size < s->size ? size : s->size;
		check_mem(p, n, s->fill, (int)i);
		live_bytes += size - s->size;
		s->p = p;
		s->size = size;
		set_fill((int)i, fill);
		break;
	case 4: /* kmem_cache_alloc: the constructor's state first */
		free_slot((int)i);
		w = v % 3;
		if (w == 0) /* a constructor and __GFP_ZERO do not mix */
			gfp &= ~__GFP_ZERO;
		p = kmem_cache_alloc(caches[w], gfp);
		if (!p) {
			if (!(gfp & __GFP_DIRECT_RECLAIM))
				return;
			die("kmem_cache_alloc failed with memory to spare", (int)i);
		}
		if (w == 0) {
			for (n = 0; n < cache_size[0]; n++)
				if (((unsigned char *)p)[n] != CTOR_BYTE)
					die("object of a constructed cache not in its state",
					    (int)i);
		}
		s->cache = (int)w;
		/* a constructed object goes back in its constructed state */
		put((int)i, K_CACHE, p, cache_size[w], w == 0 ? CTOR_BYTE : fill);
		break;
	case 5: /* pages: order 0..3, zone DMA, DMA32 or Normal */
		free_slot((int)i);
		w = v % 4;
		if (live_bytes + (PAGE_SIZE << w) > LIVE_LIMIT)
			return;
		{
			static const gfp_t z[] = {GFP_KERNEL, GFP_DMA, GFP_DMA32, GFP_KERNEL};
			unsigned long a = __get_free_pages(z[(v >> 2) % 4] | __GFP_NOWARN, w);

			if (!a)
				return; /* the DMA zone is small */
			s->order = w;
			put((int)i, K_PAGES, (void *)a, PAGE_SIZE << w, fill);
		}
		break;
	case 6: /* vmalloc / vzalloc, up to 256 KiB */
		free_slot((int)i);
		size = ((size_t)v << 2) + 1;
		if (live_bytes + size > LIVE_LIMIT)
			return;
		p = (v & 1) ? vzalloc(size) : vmalloc(size);
		if (!p || ((v & 1) && !zeroed(p, size)))
			die("vmalloc failed or vzalloc not zeroed", (int)i);
		put((int)i, K_VMALLOC, p, size, fill);
		break;
	case 7: /* kvmalloc: either side of the kmalloc limit */
		free_slot((int)i);
		size = ((size_t)v << 3) + 1;
		if (live_bytes + size > LIVE_LIMIT)
			return;
		p = kvmalloc(size, GFP_KERNEL);
		if (!p)
			die("kvmalloc failed with memory to spare", (int)i);
		put((int)i, K_KVMALLOC, p, size, fill);
		break;
	case 8: /* per-CPU: zeroed on every CPU */
		free_slot((int)i);
		size = (v % 256) + 1;
		p = __alloc_percpu(size, (size_t)1 << (v >> 8) % 4);
		if (!p)
			die("alloc_percpu failed", (int)i);
		{
			int cpu;

			for_each_possible_cpu (cpu)
				if (!zeroed(per_cpu_ptr(p, cpu), size))
					die("alloc_percpu not zeroed", (int)i);
		}
		put((int)i, K_PERCPU, p, size, fill);
		break;
	case 9: /* kmemdup / kstrdup of another live slot */
		w = (v >> 8) % NR_SLOTS;
		if (slots[w].kind != K_KMALLOC || w == i)
			return;
		free_slot((int)i);
		if (v & 1) {
			p = kmemdup(slots[w].p, slots[w].size, GFP_KERNEL);
			if (!p || memcmp(p, slots[w].p, slots[w].size))
				die("kmemdup differs", (int)i);
			put((int)i, K_KMALLOC, p, slots[w].size, fill);
		} else {
			char buf[64];

			memset(buf, 'a' + fill % 26, sizeof(buf) - 1);
			buf[(v >> 4) % sizeof(buf)] = 0;
			p = kstrdup(buf, GFP_KERNEL);
			if (!p || strcmp(p, buf))
				die("kstrdup differs", (int)i);
			put((int)i, K_KMALLOC, p, strlen(buf) + 1, fill);
		}
		break;
	case 10: /* free */
	case 11:
		free_slot((int)i);
		break;
	case 12: /* new contents */
		check_slot((int)i);
		if (s->kind != FREE_SLOT && !(s->kind == K_CACHE && s->cache == 0))
			set_fill((int)i, fill);
		break;
	case 13: { /* bulk allocation and free from one cache */
		void *objs[32];
		int got, k;

		w = 1 + v % 2;
		n = 1 + (v >> 4) % 32;
		got = kmem_cache_alloc_bulk(caches[w], GFP_KERNEL, n, objs);
		if (got != (int)n)
			die("kmem_cache_alloc_bulk came short", (int)i);
		for (k = 0; k < got; k++)
			memset(objs[k], fill, cache_size[w]);
		for (k = 0; k < got; k++)
			check_mem(objs[k], cache_size[w], fill, k);
		kmem_cache_free_bulk(caches[w], n, objs);
		break;
	}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (ukmem_boot("mem=64M nr_cpus=2 quiet"))
		abort();
	caches[0] = kmem_cache_create("fuzz_ctor_24", 24, 0, 0, cache_ctor_24);
	caches[1] = kmem_cache_create("fuzz_200", 200, 0, 0, NULL);
	caches[2] = kmem_cache_create("fuzz_1000", 1000, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!caches[0] || !caches[1] || !caches[2])
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	int i;

	while (in.n)
		op(&in);
	for (i = 0; i < NR_SLOTS; i++)
		free_slot(i);
	if (live_bytes)
		die("the model lost count of live bytes", -1);
	if (ukmem_report_total())
		die("an operation of a valid program produced a report", -1);
	return 0;
}
