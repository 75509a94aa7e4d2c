// SPDX-License-Identifier: MIT
/* demo_slab.c - the lookaside-cache section of "ukmem demo": a cache with a
 * constructor, /proc/slabinfo before and after, and two caught bugs. */
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

struct demo_conn {
	int state;
	char peer[44];
};

static unsigned long ctor_calls;

static void demo_conn_ctor(void *p)
{
	struct demo_conn *c = p;

	ctor_calls++;
	c->state = 1;
	strcpy(c->peer, "unconnected");
}

/* print the slabinfo header and the lines of the caches named in @names */
static void slabinfo_lines(const char *const *names, int n)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i, row = 0;

	ukmem_proc_show("slabinfo", f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), row++) {
		if (row < 2) {
			printf("%s\n", line);
			continue;
		}
		for (i = 0; i < n; i++) {
			size_t l = strlen(names[i]);

			if (!strncmp(line, names[i], l) && line[l] == ' ')
				printf("%s\n", line);
		}
	}
	free(buf);
}

static void last_log_lines(const char *needle, int max)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int shown = 0, on = 0;

	ukmem_dmesg(f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line && shown < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, needle))
			on = 1;
		if (on && (strstr(line, "BUG ") || strstr(line, "INFO") || strstr(line, "FIX ") ||
			   strstr(line, "First byte") || strstr(line, "Redzone  "))) {
			printf("    %s\n", line);
			shown++;
		}
	}
	free(buf);
}

void demo_slab(void)
{
	static const char *const names[] = { "demo_conn" };
	struct kmem_cache *cache, *rz;
	struct demo_conn *objs[100];
	unsigned char *p;
	unsigned long before;
	int i;

	demo_heading("Lookaside caches: a kmem_cache with a constructor");
	cache = kmem_cache_create("demo_conn", sizeof(struct demo_conn), 0, SLAB_HWCACHE_ALIGN,
				  demo_conn_ctor);
	printf("kmem_cache_create(\"demo_conn\", %zu, 0, SLAB_HWCACHE_ALIGN, ctor) = %p\n\n",
	       sizeof(struct demo_conn), (void *)cache);
	slabinfo_lines(names, 1);
	for (i = 0; i < 100; i++)
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
	printf("\nafter 100 x kmem_cache_alloc: constructor ran %lu times (once per object of each\n"
	       "new slab, never per allocation); objs[0]->state=%d peer=\"%s\"\n\n", ctor_calls,
	       objs[0]->state, objs[0]->peer);
	slabinfo_lines(names, 1);
	printf("(<active_objs> includes the objects waiting in this CPU's object array,\n"
	       " as SLUB counts the objects of its per-CPU slabs)\n");
	for (i = 0; i < 100; i++)
		kmem_cache_free(cache, objs[i]);
	kmem_cache_shrink(cache);
	printf("\nafter 100 x kmem_cache_free and kmem_cache_shrink (empty slabs back to the buddy):\n\n");
	slabinfo_lines(names, 1);

	demo_heading("A caught double free (no slab debugging needed)");
	objs[0] = kmem_cache_alloc(cache, GFP_KERNEL);
	before = ukmem_report_count(UKMEM_REPORT_SLAB);
	kmem_cache_free(cache, objs[0]);
	kmem_cache_free(cache, objs[0]);
	printf("kmem_cache_free(cache, obj) twice -> %lu report(s), the second free refused:\n",
	       ukmem_report_count(UKMEM_REPORT_SLAB) - before);
	last_log_lines("BUG demo_conn", 3);
	kmem_cache_destroy(cache);

	demo_heading("A caught red zone overwrite (SLAB_RED_ZONE)");
	rz = kmem_cache_create("demo_rz", 40, 0, SLAB_RED_ZONE, NULL);
	p = kmem_cache_alloc(rz, GFP_KERNEL);
	printf("object of 40 bytes at %p; writing p[40] (one byte past the end)\n", (void *)p);
	p[40] = 0x00;
	before = ukmem_report_count(UKMEM_REPORT_SLAB);
	kmem_cache_free(rz, p);
	printf("kmem_cache_free -> %lu report(s); the red zone is restored and the cache goes on:\n",
	       ukmem_report_count(UKMEM_REPORT_SLAB) - before);
	last_log_lines("BUG demo_rz", 5);
	p = kmem_cache_alloc(rz, GFP_KERNEL);
	kmem_cache_free(rz, p);
	kmem_cache_destroy(rz);
	printf("(full reports, with hex dumps and stack traces, are in the log: ukmem dmesg)\n");
}
