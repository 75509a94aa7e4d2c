// SPDX-License-Identifier: MIT
/*
 * mm_init.c - memory hardening switches read at boot, as the kernel's
 * mm/mm_init.c reads them: init_on_alloc= and init_on_free= (zero every
 * page and slab object when it is allocated / freed), and ukmem's
 * slab_freelist_random= (CONFIG_SLAB_FREELIST_RANDOM as a boot parameter).
 * Each boot prints the kernel's "mem auto-init:" line.
 *
 * The switches are plain booleans read by the page allocator (prep_new_page,
 * free_pages_prepare) and by the slab allocator when a cache is created: a
 * cache they apply to takes the full path, as debug caches do, so the
 * frameless fast paths carry no test for them (docs/hardening.md).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <string.h>

#include "mm/internal.h"
#include "debug/kasan.h"

bool init_on_alloc;
bool init_on_free;
bool slab_freelist_random;

/* kstrtobool(): y/Y/t/T/1/on and n/N/f/F/0/off */
static int parse_bool(const char *val, bool *out)
{
	if (!val || !*val)
		return -EINVAL;
	if (!strcmp(val, "on") || ((strchr("yYtT1", val[0])) && !val[1])) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "off") || ((strchr("nNfF0", val[0])) && !val[1])) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

/**
 * mm_init_param - init_on_alloc=, init_on_free=, slab_freelist_random=,
 * kasan= (kstrtobool values). @key NULL: back to the defaults (all off).
 * Return: 0, -ENOENT for a key that is not ours, -EINVAL when malformed.
 */
int mm_init_param(const char *key, const char *val)
{
	if (!key) {
		init_on_alloc = false;
		init_on_free = false;
		slab_freelist_random = false;
		kasan_on = false;
		return 0;
	}
	if (!strcmp(key, "init_on_alloc"))
		return parse_bool(val, &init_on_alloc);
	if (!strcmp(key, "init_on_free"))
		return parse_bool(val, &init_on_free);
	if (!strcmp(key, "kasan")) /* ASan builds: poison ukmem memory (debug/kasan.c) */
		return parse_bool(val, &kasan_on);
	if (!strcmp(key, "slab_freelist_random"))
		return parse_bool(val, &slab_freelist_random);
	return -ENOENT;
}

/* mm_init_init - report_meminit(): the auto-initialisation state of this boot */
int mm_init_init(void)
{
	/* ukmem has no compiler stack initialisation of its own: stack:off */
	pr_info("mem auto-init: stack:%s, heap alloc:%s, heap free:%s\n", "off",
		want_init_on_alloc(GFP_KERNEL) ? "on" : "off", want_init_on_free() ? "on" : "off");
	if (want_init_on_free())
		pr_info("mem auto-init: clearing system memory may take some time...\n");
	kasan_boot_note();
	return 0;
}
