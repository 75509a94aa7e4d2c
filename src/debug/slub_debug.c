// SPDX-License-Identifier: MIT
/*
 * slub_debug.c - slab debugging: the slub_debug= boot parameter, red zones,
 * poisoning, owner tracking, consistency checks, and their reports in the
 * kernel's words ("BUG <cache> (<taint>): ...", INFO lines, hex dumps,
 * "FIX <cache>: ...").
 *
 * Every check here runs with the cache's list_lock held (debug caches have
 * no per-CPU layer), so an object's bytes cannot change under a check
 * except by the buggy writer being reported. After a report the damaged
 * bytes are restored (or the object withheld) and the cache goes on.
 *
 * Deviation: the kernel checks red zones and poison only with F
 * (SLAB_CONSISTENCY_CHECKS); here Z and P check their own bytes on every
 * alloc and free, and every debug cache looks for double frees by walking
 * the slab's freelist (checking the slab's in-use count against the walk,
 * as 6.12's on_freelist()). F adds the slab-level checks (end padding,
 * counter bounds) and the free-pointer check at allocation.
 *
 * Report order is 6.12's: each damaged range is a "BUG" header, its first
 * byte and its "FIX ... Restoring" line; one trailer per object follows.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include <kunit/test.h>

#include "mm/slab.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "debug/stackdepot.h"
#include "debug/leak.h"

slab_flags_t slub_debug;

#define MAX_DEBUG_BLOCKS 8
static struct {
	slab_flags_t flags;
	char names[256]; /* comma-separated, '*' suffix globs */
} debug_blocks[MAX_DEBUG_BLOCKS];
static int nr_debug_blocks;
static bool slub_debug_global_set;

void slub_debug_reset(void)
{
	slub_debug = 0;
	nr_debug_blocks = 0;
	slub_debug_global_set = false;
}

static int parse_slub_debug_flags(const char *s, size_t len, slab_flags_t *flags)
{
	size_t i;

	*flags = 0;
	if (!len) { /* no letters: the kernel's default set */
		*flags = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
		return 0;
	}
	for (i = 0; i < len; i++) {
		switch (tolower((unsigned char)s[i])) {
		case '=':
			break;
		case '-':
			*flags = 0;
			break;
		case 'f':
			*flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			*flags |= SLAB_RED_ZONE;
			break;
		case 'p':
			*flags |= SLAB_POISON;
			break;
		case 'u':
			*flags |= SLAB_STORE_USER;
			break;
		case 't':
			*flags |= SLAB_TRACE;
			break;
		case 'a':
			*flags |= SLAB_FAILSLAB;
			break;
		case 'o': /* "switch off for caches whose order would grow": no-op */
			break;
		default:
			pr_err("slub_debug option '%c' unknown. skipped\n", s[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * slub_debug_param - "slub_debug[=<flags>[,<cache>...][;<flags>,<cache>...]]".
 * Return: 0 or -EINVAL.
 */
int slub_debug_param(const char *val)
{
	const char *block = val ? val : "";

	slub_debug_reset();
	do {
		const char *end = strchr(block, ';');
		size_t blen = end ? (size_t)(end - block) : strlen(block);
		const char *comma = memchr(block, ',', blen);
		size_t flen = comma ? (size_t)(comma - block) : blen;
		slab_flags_t flags;

		if (parse_slub_debug_flags(block, flen, &flags))
			return -EINVAL;
		if (!comma) {
			slub_debug = flags;
			slub_debug_global_set = true;
		} else {
			size_t nlen = blen - flen - 1;

			if (!nlen || nr_debug_blocks == MAX_DEBUG_BLOCKS ||
			    nlen >= sizeof(debug_blocks[0].names))
				return -EINVAL;
			debug_blocks[nr_debug_blocks].flags = flags;
			memcpy(debug_blocks[nr_debug_blocks].names, comma + 1, nlen);
			debug_blocks[nr_debug_blocks].names[nlen] = 0;
			nr_debug_blocks++;
		}
		block = end ? end + 1 : NULL;
	} while (block && *block);
	return 0;
}

static bool name_in_list(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (*list) {
		const char *end = strchr(list, ',');
		size_t l = end ? (size_t)(end - list) : strlen(list);

		if (l && list[l - 1] == '*') {
			if (!strncmp(name, list, l - 1))
				return true;
		} else if (l == len && !strncmp(name, list, l)) {
			return true;
		}
		if (!end)
			break;
		list = end + 1;
	}
	return false;
}

/* kmem_cache_flags - the debug flags slub_debug= gives cache @name. */
slab_flags_t kmem_cache_flags(slab_flags_t flags, const char *name)
{
	int i;

	for (i = 0; i < nr_debug_blocks; i++)
		if (name_in_list(debug_blocks[i].names, name))
			return flags | debug_blocks[i].flags;
	return flags | slub_debug;
}

/* ------------------------------------------------------------ reports */

/*
 * slab_add_kunit_errors - count one error for the KUnit case running on
 * this thread when it registered a "slab_errors" resource (an int), as
 * slub_kunit does: the same points of the report path count as 6.12's
 * (a BUG header, a FIX line, each object listed at shutdown). Unlike the
 * kernel, the report is still printed. Return: whether it was counted.
 */
static bool slab_add_kunit_errors(void)
{
	struct kunit *test = kunit_get_current_test();
	struct kunit_resource *res;

	if (likely(!test))
		return false;
	res = kunit_find_named_resource(test, "slab_errors");
	if (!res)
		return false;
	(*(int *)res->data)++;
	kunit_put_resource(res);
	return true;
}

/* slab_in_kunit_test - a KUnit case counting slab errors runs on this thread */
bool slab_in_kunit_test(void)
{
	struct kunit *test = kunit_get_current_test();
	struct kunit_resource *res;

	if (likely(!test))
		return false;
	res = kunit_find_named_resource(test, "slab_errors");
	if (!res)
		return false;
	kunit_put_resource(res);
	return true;
}

/*
 * Report bracketing. Every "BUG <cache>" header opens one report (counted
 * once, as slub_kunit counts one error per corruption); the reports a check
 * opens stay open, holding the report lock, until the trailer and the FIX
 * lines of the operation are out, so nothing of another report lands in
 * between. reports_close() ends them all.
 */
static __thread unsigned int reports_open;

static void reports_close(void)
{
	while (reports_open) {
		reports_open--;
		report_end(UKMEM_REPORT_SLAB);
	}
}

void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	ukmem_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report_start(UKMEM_REPORT_SLAB);
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %s\n", s->name, print_tainted(), buf);
	pr_err("-----------------------------------------------------------------------------\n\n");
}

/* slab_bug_open - slab_bug() for a report that reports_close() ends */
static __printf(2, 3) void slab_bug_open(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	ukmem_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	slab_bug(s, "%s", buf);
	reports_open++;
}

void slab_fix(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	slab_add_kunit_errors();
	va_start(ap, fmt);
	ukmem_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_err("FIX %s: %s\n", s->name, buf);
}

/* print_section - the kernel's print_hex_dump(DUMP_PREFIX_ADDRESS, 16, 1, ascii) */
void print_section(const char *level, const char *text, const void *addr, unsigned int len)
{
	const unsigned char *p = addr;
	unsigned int i, j;

	for (i = 0; i < len; i += 16) {
		char hex[16 * 3 + 1], asc[17];
		unsigned int n = min(16U, len - i);
		size_t pos = 0;

		for (j = 0; j < n; j++) {
			pos += (size_t)snprintf(hex + pos, sizeof(hex) - pos, j ? " %02x" : "%02x",
						p[i + j]);
			asc[j] = (p[i + j] >= 0x20 && p[i + j] < 0x7f) ? (char)p[i + j] : '.';
		}
		asc[n] = 0;
		if (!strcmp(level, KERN_INFO))
			pr_info("%s%p: %-47s  %s\n", text, (const void *)(p + i), hex, asc);
		else
			pr_err("%s%p: %-47s  %s\n", text, (const void *)(p + i), hex, asc);
	}
}

static struct track *get_track(struct kmem_cache *s, void *object, enum track_item alloc)
{
	return (struct track *)((char *)object + get_info_end(s)) + alloc;
}

static u64 now_ms(void)
{
	return (plat_clock_ns() - machine.boot_ns) / 1000000ULL;
}

static void set_track(struct kmem_cache *s, void *object, enum track_item alloc,
		      unsigned long caller)
{
	struct track *t = get_track(s, object, alloc);
	void *frames[TRACK_ADDRS_COUNT];
	unsigned long entries[TRACK_ADDRS_COUNT];
	int n, i;

	n = plat_backtrace(frames, TRACK_ADDRS_COUNT, 3);
	for (i = 0; i < n; i++)
		entries[i] = (unsigned long)frames[i];
	t->handle = stack_depot_save(entries, (unsigned int)(n > 0 ? n : 0));
	t->addr = caller;
	t->cpu = current_task()->cpu;
	t->pid = current_task()->pid;
	t->when = (unsigned long)now_ms();
}

const struct track *slab_object_track(struct kmem_cache *s, void *object, int item)
{
	if (!(s->flags & SLAB_STORE_USER))
		return NULL;
	return get_track(s, object, item ? TRACK_FREE : TRACK_ALLOC);
}

static void print_track(const char *what, struct track *t, unsigned long pr_time)
{
	if (!t->addr)
		return;
	pr_err("%s in %pS age=%lu cpu=%u pid=%d\n", what, (void *)t->addr, pr_time - t->when,
	       (unsigned int)t->cpu, t->pid);
	if (t->handle)
		stack_depot_print(t->handle);
	else
		pr_err("object allocation/free stack trace missing\n");
}

void print_tracking(struct kmem_cache *s, void *object)
{
	unsigned long pr_time = (unsigned long)now_ms();

	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC), pr_time);
	print_track("Freed", get_track(s, object, TRACK_FREE), pr_time);
}

void print_slab_info(struct page *slab)
{
	pr_err("Slab 0x%p objects=%u used=%u fp=0x%p flags=%pGp\n", (void *)slab, slab->objects,
	       slab->inuse, slab->freelist, &slab->flags);
}

/* metadata_end - offset from the object of the padding after its metadata */
static unsigned int metadata_end(struct kmem_cache *s)
{
	unsigned int off = get_info_end(s);

	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	if (slub_debug_orig_size(s))
		off += sizeof(unsigned int);
	return off;
}

/* print_trailer - the object's owners, its slab, its bytes, and the stack */
void print_trailer(struct kmem_cache *s, struct page *slab, void *p)
{
	char *addr = slab_address(slab);
	char *o = p;
	unsigned int off = metadata_end(s);

	print_tracking(s, p);
	print_slab_info(slab);
	pr_err("Object 0x%p @offset=%tu fp=0x%p\n\n", p, o - addr, get_freepointer(s, p));
	if (s->flags & SLAB_RED_ZONE)
		print_section(KERN_ERR, "Redzone  ", o - s->red_left_pad, s->red_left_pad);
	else if (o > addr + 16)
		print_section(KERN_ERR, "Bytes b4 ", o - 16, 16);
	print_section(KERN_ERR, "Object   ", o, min(s->object_size, (unsigned int)PAGE_SIZE));
	if (s->flags & SLAB_RED_ZONE)
		print_section(KERN_ERR, "Redzone  ", o + s->object_size, s->inuse - s->object_size);
	if (off != size_from_object(s))
		/* the filler after the metadata */
		print_section(KERN_ERR, "Padding  ", o + off, size_from_object(s) - off);
	report_stack();
}

/* object_err - a report about one object: BUG header and trailer (left open) */
static void object_err(struct kmem_cache *s, struct page *slab, void *object, const char *reason)
{
	slab_add_kunit_errors();
	slab_bug_open(s, "%s", reason);
	print_trailer(s, slab, object);
	add_taint(TAINT_BAD_PAGE);
}

/* slab_err - a report about a slab: BUG header, the Slab line, the stack (left open) */
static __printf(3, 4) void slab_err(struct kmem_cache *s, struct page *slab, const char *fmt, ...)
{
	char buf[100];
	va_list ap;

	slab_add_kunit_errors();
	va_start(ap, fmt);
	ukmem_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	slab_bug_open(s, "%s", buf);
	print_slab_info(slab);
	report_stack();
	add_taint(TAINT_BAD_PAGE);
}

void report_double_free(struct kmem_cache *s, struct page *slab, void *object, const char *why)
{
	slab_add_kunit_errors(); /* 6.12: object_err() */
	slab_bug(s, "Object already free");
	pr_err("INFO: %s: 0x%p\n", why, object);
	print_slab_info(slab);
	pr_err("Object 0x%p @offset=%tu\n", object, (char *)object - (char *)slab_address(slab));
	report_stack();
	add_taint(TAINT_BAD_PAGE);
	slab_fix(s, "Object at 0x%p not freed", object);
	report_end(UKMEM_REPORT_SLAB);
}

/* report_invalid_pointer - a free of @x, inside @slab but no object start */
void report_invalid_pointer(struct kmem_cache *s, struct page *slab, const void *x)
{
	slab_err(s, slab, "Invalid object pointer 0x%p", x);
	slab_fix(s, "Object at 0x%p not freed", x);
	reports_close();
}

/* ------------------------------------------------------------ object state */

void set_orig_size(struct kmem_cache *s, void *object, unsigned int orig_size)
{
	if (!slub_debug_orig_size(s))
		return;
	*(unsigned int *)((char *)object + orig_size_offset(s)) = orig_size;
}

unsigned int get_orig_size(struct kmem_cache *s, void *object)
{
	if (!slub_debug_orig_size(s))
		return s->object_size;
	return *(unsigned int *)((char *)object + orig_size_offset(s));
}

static void init_object(struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;
	unsigned int poison_size = s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - s->red_left_pad, val, s->red_left_pad);
		/* the class slack past the request is red zone, not poison */
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE)
			poison_size = get_orig_size(s, object);
	}
	if (s->flags & __OBJECT_POISON) {
		memset(p, POISON_FREE, poison_size - 1);
		p[poison_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + poison_size, val, s->inuse - poison_size);
}

void setup_slab_debug(struct kmem_cache *s, struct page *slab, void *addr)
{
	if (s->flags & SLAB_POISON)
		memset(addr, POISON_INUSE, PAGE_SIZE << compound_order(slab));
}

void setup_object_debug(struct kmem_cache *s, void *object)
{
	init_object(s, object, SLUB_RED_INACTIVE);
	if (s->flags & SLAB_STORE_USER)
		memset(get_track(s, object, TRACK_ALLOC), 0, 2 * sizeof(struct track));
}

/*
 * check_bytes_and_report - @what (the bytes [start, start+bytes) of
 * @object) must all be @value. Otherwise open a report (header, the range,
 * the FIX line), restore the bytes and return false; the caller prints the
 * object's trailer once for all its damaged ranges.
 */
static bool check_bytes_and_report(struct kmem_cache *s, struct page *slab, u8 *object,
				   const char *what, u8 *start, unsigned int value,
				   unsigned int bytes)
{
	u8 *fault = NULL, *end = start + bytes;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		if (start[i] != value) {
			fault = start + i;
			break;
		}
	if (!fault)
		return true;
	while (end > fault && end[-1] == value)
		end--;
	slab_add_kunit_errors();
	slab_bug_open(s, "%s overwritten", what);
	pr_err("0x%p-0x%p @offset=%tu. First byte 0x%x instead of 0x%x\n", (void *)fault,
	       (void *)(end - 1), fault - (u8 *)slab_address(slab), fault[0], value);
	slab_fix(s, "Restoring %s 0x%p-0x%p=0x%x", what, (void *)fault, (void *)(end - 1), value);
	memset(fault, (int)value, (size_t)(end - fault));
	return false;
}

static bool check_pad_bytes(struct kmem_cache *s, struct page *slab, u8 *p)
{
	unsigned int off = metadata_end(s);

	if (size_from_object(s) == off)
		return true;
	return check_bytes_and_report(s, slab, p, "Object padding", p + off, POISON_INUSE,
				      size_from_object(s) - off);
}

/*
 * check_object - every byte of @object's layout that has a known value
 * (@val in the red zones), as 6.12: each damaged range is its own report,
 * then one trailer for the object. Return: false when anything was wrong.
 */
static bool check_object(struct kmem_cache *s, struct page *slab, void *object, u8 val)
{
	u8 *p = object;
	u8 *endobject = p + s->object_size;
	bool ok = true, bad_fp = false;

	if (s->flags & SLAB_RED_ZONE) {
		ok &= check_bytes_and_report(s, slab, p, "Left Redzone", p - s->red_left_pad, val,
					     s->red_left_pad);
		ok &= check_bytes_and_report(s, slab, p, "Right Redzone", endobject, val,
					     s->inuse - s->object_size);
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
			unsigned int orig = get_orig_size(s, object);

			if (s->object_size > orig)
				ok &= check_bytes_and_report(s, slab, p, "kmalloc Redzone",
							     p + orig, val, s->object_size - orig);
		}
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		ok &= check_bytes_and_report(s, slab, p, "Alignment padding", endobject,
					     POISON_INUSE, s->inuse - s->object_size);
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON)) {
			ok &= check_bytes_and_report(s, slab, p, "Poison", p, POISON_FREE,
						     s->object_size - 1);
			ok &= check_bytes_and_report(s, slab, p, "End Poison", endobject - 1,
						     POISON_END, 1);
		}
		ok &= check_pad_bytes(s, slab, p);
	}
	/* a free pointer overlaying a live object is the owner's data */
	if ((s->offset >= s->inuse || val != SLUB_RED_ACTIVE) && get_freepointer(s, p) &&
	    !object_in_slab(s, slab, get_freepointer(s, p))) {
		/* 6.12 prints object_err()'s trailer here and the one below: one is enough */
		slab_add_kunit_errors();
		slab_bug_open(s, "Freepointer corrupt");
		bad_fp = true;
		ok = false;
	}
	if (!ok) {
		print_trailer(s, slab, object);
		add_taint(TAINT_BAD_PAGE);
	}
	/* no choice but to zap it, losing the rest of the slab's free objects */
	if (bad_fp)
		set_freepointer(s, p, NULL);
	return ok;
}

/* slab_pad_check - the bytes after the last object must still be POISON_INUSE. */
static void slab_pad_check(struct kmem_cache *s, struct page *slab)
{
	u8 *start = slab_address(slab), *pad, *end, *fault = NULL;
	unsigned long length = PAGE_SIZE << compound_order(slab), remainder, i;

	if (!(s->flags & SLAB_POISON))
		return;
	remainder = length % s->size;
	if (!remainder)
		return;
	pad = start + length - remainder;
	end = start + length;
	for (i = 0; i < remainder; i++)
		if (pad[i] != POISON_INUSE) {
			fault = pad + i;
			break;
		}
	if (!fault)
		return;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	slab_err(s, slab, "Padding overwritten. 0x%p-0x%p @offset=%tu", (void *)fault,
		 (void *)(end - 1), fault - start);
	print_section(KERN_ERR, "Padding ", pad, (unsigned int)remainder);
	slab_fix(s, "Restoring %s 0x%p-0x%p=0x%x", "slab padding", (void *)fault, (void *)(end - 1),
		 POISON_INUSE);
	memset(fault, POISON_INUSE, (size_t)(end - fault));
}

/* check_slab - the slab's counters are possible and its end padding intact. */
static bool check_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned int maxobj = (unsigned int)((PAGE_SIZE << compound_order(slab)) / s->size);

	if (slab->objects > maxobj) {
		slab_err(s, slab, "objects %u > max %u", slab->objects, maxobj);
		return false;
	}
	if (slab->inuse > slab->objects) {
		slab_err(s, slab, "inuse %u > max %u", slab->inuse, slab->objects);
		return false;
	}
	slab_pad_check(s, slab);
	return true;
}

/* check_slab_pad - slab_pad_check() as a report of its own (slab discard). */
bool check_slab_pad(struct kmem_cache *s, struct page *slab)
{
	bool bad;

	slab_pad_check(s, slab);
	bad = reports_open;
	reports_close();
	return !bad;
}

/* set_inuse - @slab's in-use count becomes @inuse; the node's free count follows */
static void set_inuse(struct kmem_cache *s, struct page *slab, unsigned int inuse)
{
	s->node.nr_free += (unsigned long)slab->inuse - inuse;
	slab->inuse = inuse;
}

/*
 * on_freelist - is @search on @slab's freelist? Walks at most objects + 1
 * steps; a corrupt link is reported and the chain cut there, and the
 * counters are checked against what the walk found (6.12's on_freelist).
 */
static bool on_freelist(struct kmem_cache *s, struct page *slab, void *search)
{
	void *fp = slab->freelist, *object = NULL;
	unsigned int nr = 0, max_objects;

	while (fp && nr <= slab->objects) {
		if (fp == search)
			return true;
		if (!object_in_slab(s, slab, fp)) {
			if (object) {
				object_err(s, slab, object, "Freechain corrupt");
				set_freepointer(s, object, NULL);
			} else {
				slab_err(s, slab, "Freepointer corrupt");
				slab->freelist = NULL;
				set_inuse(s, slab, slab->objects);
				/* no free object left: the slab is full */
				list_move(&slab->slab_list, &s->node.full);
				s->node.nr_partial--;
				slab_fix(s, "Freelist cleared");
				return false;
			}
			break;
		}
		object = fp;
		fp = get_freepointer(s, object);
		nr++;
	}
	max_objects = (unsigned int)((PAGE_SIZE << compound_order(slab)) / s->size);
	if (slab->objects != max_objects) {
		slab_err(s, slab, "Wrong number of objects. Found %d but should be %d",
			 (int)slab->objects, (int)max_objects);
		s->node.total_objects += (unsigned long)max_objects - slab->objects;
		s->node.nr_free += (unsigned long)max_objects - slab->objects;
		slab->objects = max_objects;
		slab_fix(s, "Number of objects adjusted");
	}
	if (slab->inuse != slab->objects - nr) {
		slab_err(s, slab, "Wrong object count. Counter is %d but counted were %d",
			 (int)slab->inuse, (int)(slab->objects - nr));
		set_inuse(s, slab, slab->objects - nr);
		slab_fix(s, "Object count adjusted");
	}
	return search == NULL;
}

bool alloc_debug_processing(struct kmem_cache *s, struct page *slab, void *object, size_t orig_size,
			    unsigned long caller)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_slab(s, slab))
			goto bad;
		if (!object_in_slab(s, slab, object)) {
			object_err(s, slab, object, "Freelist Pointer check fails");
			goto bad;
		}
	}
	if (!check_object(s, slab, object, SLUB_RED_INACTIVE))
		goto bad;
	reports_close(); /* padding repaired by check_slab: the allocation goes on */
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_ALLOC, caller);
	set_orig_size(s, object, (unsigned int)orig_size);
	init_object(s, object, SLUB_RED_ACTIVE);
	return true;
bad:
	/* the caller takes every object of the slab out of use */
	slab_fix(s, "Marking all objects used");
	reports_close();
	return false;
}

bool free_debug_processing(struct kmem_cache *s, struct page *slab, void *object,
			   unsigned long caller)
{
	bool ok = false;

	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !check_slab(s, slab))
		goto out;
	if (on_freelist(s, slab, object)) {
		object_err(s, slab, object, "Object already free");
		goto out;
	}
	/* bytes restored; like the kernel, the damaged object is withheld */
	if (!check_object(s, slab, object, SLUB_RED_ACTIVE))
		goto out;
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, caller);
	init_object(s, object, SLUB_RED_INACTIVE);
	ok = true;
out:
	if (!ok)
		slab_fix(s, "Object at 0x%p not freed", object);
	reports_close();
	return ok;
}

void trace_object(struct kmem_cache *s, struct page *slab, void *object, int alloc)
{
	pr_info("TRACE %s %s 0x%p inuse=%d fp=0x%p\n", s->name, alloc ? "alloc" : "free", object,
		slab->inuse, slab->freelist);
	if (!alloc)
		print_section(KERN_INFO, "Object ", object, s->object_size);
	report_stack();
}

/*
 * list_slab_objects - the shutdown report for @slab, which still has
 * objects in use (list_lock held): 6.12's slab_err() (BUG, Slab line,
 * stack), then every in-use object with its owners.
 */
void list_slab_objects(struct kmem_cache *s, struct page *slab)
{
	unsigned char map[4096 / 8 + 1];
	char *addr = slab_address(slab), *p;
	unsigned int i, n = slab->objects < 4096U ? (unsigned int)slab->objects : 4096U;
	void *fp;

	if (slab->inuse == 0)
		return;
	memset(map, 0, sizeof(map));
	for (fp = slab->freelist, i = 0; fp && i <= n; fp = get_freepointer(s, fp), i++) {
		unsigned long idx;

		if (!object_in_slab(s, slab, fp))
			break;
		idx = (unsigned long)((char *)fp - addr - s->red_left_pad) / s->size;
		map[idx / 8] |= (unsigned char)(1U << (idx % 8));
	}
	slab_err(s, slab, "Objects remaining in %s on __kmem_cache_shutdown()", s->name);
	for (i = 0, p = addr + s->red_left_pad; i < n; i++, p += s->size) {
		if (map[i / 8] & (1U << (i % 8)))
			continue;
		slab_add_kunit_errors();
		pr_err("Object 0x%p @offset=%tu\n", (void *)p, p - addr);
		print_tracking(s, p);
	}
	reports_close();
}

/* ------------------------------------------------------------ validation */

/* validate_slab - the slab's counters, its freelist, then every object by its state */
static void validate_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned char map[4096 / 8 + 1];
	char *addr = slab_address(slab), *p;
	unsigned int i, n;
	void *fp;

	if (!check_slab(s, slab) || !on_freelist(s, slab, NULL))
		return;
	/* on_freelist() cut any bad link: the chain is sound now */
	n = slab->objects < 4096U ? (unsigned int)slab->objects : 4096U;
	memset(map, 0, sizeof(map));
	for (fp = slab->freelist, i = 0; fp && i <= n; fp = get_freepointer(s, fp), i++) {
		unsigned long idx = (unsigned long)((char *)fp - addr - s->red_left_pad) / s->size;

		map[idx / 8] |= (unsigned char)(1U << (idx % 8));
	}
	for (i = 0, p = addr + s->red_left_pad; i < n; i++, p += s->size)
		if (!check_object(s, slab, p,
				  (map[i / 8] & (1U << (i % 8))) ? SLUB_RED_INACTIVE
								   : SLUB_RED_ACTIVE))
			break;
}

/**
 * validate_slab_cache - check every slab of @s and its objects (the sysfs
 * "validate" file and slub_kunit's probe): counters, freelists, red zones,
 * poison, padding; damage is reported and repaired as at alloc/free time.
 * As the kernel, full slabs are walked only with SLAB_STORE_USER (6.12 does
 * not list them otherwise). Objects in the per-CPU layer count as in use.
 *
 * Context: process context. Return: the slabs checked, -EINVAL for NULL.
 */
__ukmem_export int validate_slab_cache(struct kmem_cache *s)
{
	struct kmem_cache_node *n;
	struct page *slab, *tmp;
	unsigned long count = 0, flags;

	if (!s)
		return -EINVAL;
	n = &s->node;
	spin_lock_irqsave(&n->list_lock, flags);
	/* the list walks are counted first: on_freelist() may move a slab to the full list */
	list_for_each_entry(slab, &n->partial, slab_list)
		count++;
	if (count != n->nr_partial) {
		pr_err("SLUB %s: %ld partial slabs counted but counter=%ld\n", s->name, (long)count,
		       (long)n->nr_partial);
		slab_add_kunit_errors();
	}
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list)
		validate_slab(s, slab);
	if (s->flags & SLAB_STORE_USER) {
		list_for_each_entry(slab, &n->full, slab_list)
			count++;
		if (count != n->nr_slabs) {
			pr_err("SLUB: %s %ld slabs counted but counter=%ld\n", s->name, (long)count,
			       (long)n->nr_slabs);
			slab_add_kunit_errors();
		}
		list_for_each_entry_safe(slab, tmp, &n->full, slab_list)
			validate_slab(s, slab);
	}
	reports_close();
	spin_unlock_irqrestore(&n->list_lock, flags);
	return (int)count;
}
