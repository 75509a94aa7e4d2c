// SPDX-License-Identifier: MIT
/*
 * cg_fastpaths - a driver for counting the instructions of the slab fast
 * paths under callgrind (docs/slab.md, "Instruction counts"): N hot 64-byte
 * kmalloc/kfree pairs, then N kmem_cache_alloc/kmem_cache_free pairs, after
 * a warm-up that fills the thread arrays. bench/cg_fastpaths.sh runs it for
 * two N and prints each function's own instructions per call (the
 * difference of the two runs, so boot and warm-up cancel).
 *
 * machine=i386: valgrind cannot map the x86_64 profile's reservation.
 */
#include <ukmem.h>
#include <linux/slab.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	struct kmem_cache *c;
	void *p[1000];

	if (ukmem_boot("machine=i386 mem=256M nr_cpus=2"))
		return 1;
	c = kmem_cache_create("cg_fastpaths", 64, 0, SLAB_NO_MERGE, NULL);
	if (!c)
		return 1;
	for (int i = 0; i < 1000; i++)
		p[i] = kmalloc(64, GFP_KERNEL);
	for (int i = 0; i < 1000; i++)
		kfree(p[i]);
	for (int i = 0; i < 1000; i++)
		p[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(c, p[i]);
	for (long i = 0; i < n; i++) {
		void *x = kmalloc(64, GFP_KERNEL);

		__asm__ volatile("" : : "r"(x) : "memory");
		kfree(x);
	}
	for (long i = 0; i < n; i++) {
		void *x = kmem_cache_alloc(c, GFP_KERNEL);

		__asm__ volatile("" : : "r"(x) : "memory");
		kmem_cache_free(c, x);
	}
	kmem_cache_destroy(c);
	return 0;
}
