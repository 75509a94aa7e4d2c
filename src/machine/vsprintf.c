// SPDX-License-Identifier: MIT
/*
 * vsprintf.c - printf with the kernel's pointer extensions, for printk and reports:
 *   %pGg  gfp flags by name ("GFP_KERNEL|__GFP_NOWARN"), as the kernel decodes them
 *   %pGp  page flags by name ("0x4000000000000040(head|node=0|zone=1)"), as
 *         6.12 format_page_flags(): page->flags as 6.12 holds it, so the
 *         page-type bits ukmem keeps among the flags (buddy, slab, table,
 *         ...: page_type in 6.12) are left out of number and names; the
 *         fields are node and zone (no section, lastcpupid or KASAN tag)
 *   %pS %ps %pB  an address as "symbol+0xoff/0xsize" from the ELF symbol tables
 *               (%ps: the name alone; %pB: a return address, looked up at - 1)
 *   %pa %pap  a phys_addr_t passed by reference;  %pad  a dma_addr_t
 *   %p %px %pK  the raw pointer value. The kernel hashes plain %p; ukmem has
 *               no secrets to hide from itself, so it prints the real address.
 * Everything else is handed to the C library one conversion at a time.
 */
#include <linux/gfp_types.h>
#include <linux/page-flags.h>
#include <linux/printk.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "machine/machine.h"

struct flag_name {
	unsigned int mask;
	const char *name;
};

/* Composite names first, in the order of the kernel's trace/events/mmflags.h. */
static const struct flag_name gfp_names[] = {
	{ GFP_TRANSHUGE, "GFP_TRANSHUGE" },
	{ GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT" },
	{ GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ GFP_USER, "GFP_USER" },
	{ GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ GFP_DMA, "GFP_DMA" },
	{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ GFP_DMA32, "GFP_DMA32" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_COMP, "__GFP_COMP" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ __GFP_MEMALLOC, "__GFP_MEMALLOC" },
	{ __GFP_HARDWALL, "__GFP_HARDWALL" },
	{ __GFP_THISNODE, "__GFP_THISNODE" },
	{ __GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },
	{ __GFP_MOVABLE, "__GFP_MOVABLE" },
	{ __GFP_ACCOUNT, "__GFP_ACCOUNT" },
	{ __GFP_WRITE, "__GFP_WRITE" },
	{ __GFP_RECLAIM, "__GFP_RECLAIM" },
	{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
	{ __GFP_ZEROTAGS, "__GFP_ZEROTAGS" },
	{ __GFP_COLD, "__GFP_COLD" },
	{ __GFP_NOLOCKDEP, "__GFP_NOLOCKDEP" },
};

/* 6.12's pageflag_names, in its order (include/trace/events/mmflags.h) */
static const struct {
	unsigned int bit;
	const char *name;
} pageflag_names[] = {
    {PG_locked, "locked"},
    {PG_waiters, "waiters"},
    {PG_referenced, "referenced"},
    {PG_uptodate, "uptodate"},
    {PG_dirty, "dirty"},
    {PG_lru, "lru"},
    {PG_active, "active"},
    {PG_workingset, "workingset"},
    {PG_owner_priv_1, "owner_priv_1"},
    {PG_owner_2, "owner_2"},
    {PG_arch_1, "arch_1"},
    {PG_reserved, "reserved"},
    {PG_private, "private"},
    {PG_private_2, "private_2"},
    {PG_writeback, "writeback"},
    {PG_head, "head"},
    {PG_reclaim, "reclaim"},
    {PG_swapbacked, "swapbacked"},
    {PG_unevictable, "unevictable"},
    {PG_mlocked, "mlocked"},
};

/* Append to buf at *pos, keeping snprintf's "would have written" count. */
static void put(char *buf, size_t size, size_t *pos, const char *s, size_t n)
{
	if (*pos < size) {
		size_t room = size - *pos - 1;

		memcpy(buf + *pos, s, n < room ? n : room);
	}
	*pos += n;
}

/* format_gfp_flags - the kernel's %pGg text for @gfp ("" for 0). */
size_t format_gfp_flags(char *buf, size_t size, unsigned int gfp)
{
	size_t pos = 0, i;
	bool first = true;
	char hex[24];

	if (size)
		buf[0] = 0;
	for (i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]) && gfp; i++) {
		unsigned int m = gfp_names[i].mask;

		if (!m || (gfp & m) != m)
			continue;
		if (!first)
			put(buf, size, &pos, "|", 1);
		put(buf, size, &pos, gfp_names[i].name, strlen(gfp_names[i].name));
		gfp &= ~m;
		first = false;
	}
	if (gfp) {
		int n = snprintf(hex, sizeof(hex), "%#x", gfp);

		if (!first)
			put(buf, size, &pos, "|", 1);
		put(buf, size, &pos, hex, (size_t)n);
	}
	if (size)
		buf[pos < size ? pos : size - 1] = 0;
	return pos;
}

/* format_page_flags_612 - the %pGp text for @flags (see the head comment). */
static size_t format_page_flags_612(char *buf, size_t size, unsigned long flags)
{
	unsigned long types = ((1UL << __NR_PAGEFLAGS) - 1) & ~((1UL << PG_buddy) - 1);
	unsigned long main = flags & ((1UL << PG_buddy) - 1);
	size_t pos = 0, i;
	char tmp[32];
	int n;

	flags &= ~types;
	if (size)
		buf[0] = 0;
	n = snprintf(tmp, sizeof(tmp), "0x%lx(", flags);
	put(buf, size, &pos, tmp, (size_t)n);
	for (i = 0; i < sizeof(pageflag_names) / sizeof(pageflag_names[0]); i++) {
		if (!(main & (1UL << pageflag_names[i].bit)))
			continue;
		put(buf, size, &pos, pageflag_names[i].name, strlen(pageflag_names[i].name));
		put(buf, size, &pos, "|", 1);
		main &= ~(1UL << pageflag_names[i].bit);
	}
	if (main) { /* a bit 6.12 has no name for: the kernel's format_flags() shows it in hex */
		n = snprintf(tmp, sizeof(tmp), "%#lx|", main);
		put(buf, size, &pos, tmp, (size_t)n);
	}
	n = snprintf(tmp, sizeof(tmp), "node=0|zone=%lu)", (flags >> ZONES_PGSHIFT) & ZONES_MASK);
	put(buf, size, &pos, tmp, (size_t)n);
	if (size)
		buf[pos < size ? pos : size - 1] = 0;
	return pos;
}

int ukmem_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	size_t pos = 0;
	const char *p = fmt;
	char tmp[256], spec[32];

	if (size)
		buf[0] = 0;
	while (*p) {
		const char *start = p;
		int lmod = 0; /* 1 h, 2 hh, 3 l, 4 ll, 5 z, 6 t, 7 j, 8 L */
		size_t sl;
		int n = 0;

		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t len = q ? (size_t)(q - p) : strlen(p);

			put(buf, size, &pos, p, len);
			p += len;
			continue;
		}
		p++;
		if (*p == '%') {
			put(buf, size, &pos, "%", 1);
			p++;
			continue;
		}
		while (*p && strchr("-+ #0", *p))
			p++;
		if (*p == '*') {
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == '.') {
			p++;
			if (*p == '*')
				p++;
			else
				while (*p >= '0' && *p <= '9')
					p++;
		}
		if (*p == 'h') {
			lmod = 1;
			if (*++p == 'h') {
				lmod = 2;
				p++;
			}
		} else if (*p == 'l') {
			lmod = 3;
			if (*++p == 'l') {
				lmod = 4;
				p++;
			}
		} else if (*p == 'z' || *p == 't' || *p == 'j' || *p == 'L') {
			lmod = *p == 'z' ? 5 : *p == 't' ? 6 : *p == 'j' ? 7 : 8;
			p++;
		}
		if (!*p)
			break;
		sl = (size_t)(p - start) + 1;
		if (sl >= sizeof(spec))
			sl = sizeof(spec) - 1;
		memcpy(spec, start, sl);
		spec[sl] = 0;

		/* '*' width/precision consume ints before the value */
		{
			int stars = 0, wid = 0, prec = 0;
			const char *s;

			for (s = spec; *s; s++)
				if (*s == '*')
					stars++;
			if (stars >= 1)
				wid = va_arg(args, int);
			if (stars >= 2)
				prec = va_arg(args, int);
			switch (*p) {
			case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c':
				if (lmod == 3)
					n = stars == 2 ? snprintf(tmp, sizeof(tmp), spec, wid, prec, va_arg(args, long)) :
					    stars ? snprintf(tmp, sizeof(tmp), spec, wid, va_arg(args, long)) :
					    snprintf(tmp, sizeof(tmp), spec, va_arg(args, long));
				else if (lmod == 4 || lmod == 7)
					n = stars == 2 ? snprintf(tmp, sizeof(tmp), spec, wid, prec, va_arg(args, long long)) :
					    stars ? snprintf(tmp, sizeof(tmp), spec, wid, va_arg(args, long long)) :
					    snprintf(tmp, sizeof(tmp), spec, va_arg(args, long long));
				else if (lmod == 5 || lmod == 6)
					n = stars == 2 ? snprintf(tmp, sizeof(tmp), spec, wid, prec, va_arg(args, size_t)) :
					    stars ? snprintf(tmp, sizeof(tmp), spec, wid, va_arg(args, size_t)) :
					    snprintf(tmp, sizeof(tmp), spec, va_arg(args, size_t));
				else
					n = stars == 2 ? snprintf(tmp, sizeof(tmp), spec, wid, prec, va_arg(args, int)) :
					    stars ? snprintf(tmp, sizeof(tmp), spec, wid, va_arg(args, int)) :
					    snprintf(tmp, sizeof(tmp), spec, va_arg(args, int));
				put(buf, size, &pos, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
				break;
			case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
				if (lmod == 8)
					n = stars ? snprintf(tmp, sizeof(tmp), spec, wid, va_arg(args, long double)) :
					    snprintf(tmp, sizeof(tmp), spec, va_arg(args, long double));
				else
					n = stars == 2 ? snprintf(tmp, sizeof(tmp), spec, wid, prec, va_arg(args, double)) :
					    stars ? snprintf(tmp, sizeof(tmp), spec, wid, va_arg(args, double)) :
					    snprintf(tmp, sizeof(tmp), spec, va_arg(args, double));
				put(buf, size, &pos, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
				break;
			case 's': {
				const char *str = va_arg(args, const char *);
				size_t need;

				if (!str)
					str = "(null)";
				need = (size_t)(stars == 2 ? snprintf(NULL, 0, spec, wid, prec, str) :
						stars ? snprintf(NULL, 0, spec, wid, str) :
						snprintf(NULL, 0, spec, str));
				if (pos + need < size) {
					if (stars == 2)
						snprintf(buf + pos, size - pos, spec, wid, prec, str);
					else if (stars)
						snprintf(buf + pos, size - pos, spec, wid, str);
					else
						snprintf(buf + pos, size - pos, spec, str);
					pos += need;
				} else {
					char *big = tmp;

					n = stars == 2 ? snprintf(big, sizeof(tmp), spec, wid, prec, str) :
					    stars ? snprintf(big, sizeof(tmp), spec, wid, str) :
					    snprintf(big, sizeof(tmp), spec, str);
					put(buf, size, &pos, big, need < sizeof(tmp) ? need : sizeof(tmp) - 1);
				}
				break;
			}
			case 'p': {
				void *ptr = va_arg(args, void *);
				char ext = p[1];

				if (ext == 'G' && p[2] == 'g') {
					p += 2;
					n = (int)format_gfp_flags(tmp, sizeof(tmp),
								  ptr ? *(unsigned int *)ptr : 0);
				} else if (ext == 'G' && p[2] == 'p') {
					p += 2;
					n = (int)format_page_flags_612(
					    tmp, sizeof(tmp), ptr ? *(unsigned long *)ptr : 0);
				} else if (ext == 'S' || ext == 's' || ext == 'B') {
					p++;
					plat_symbolize_flags(ptr,
							     ext == 's' ? PLAT_SYM_NO_OFFSET :
							     ext == 'B' ? PLAT_SYM_BACKTRACE :
									  0,
							     tmp, sizeof(tmp));
					if (ext == 'B' && p[1] == 'b')
						p++; /* %pBb: build ids are not shown */
					n = (int)strlen(tmp);
				} else if (ext == 'a') {
					p++;
					if (p[1] == 'd' || p[1] == 'p')
						p++;
					n = snprintf(tmp, sizeof(tmp), "0x%016llx",
						     ptr ? (unsigned long long)*(u64 *)ptr : 0ull);
				} else {
					if (ext == 'x' || ext == 'K')
						p++;
					n = snprintf(tmp, sizeof(tmp), "%016lx", (unsigned long)ptr);
				}
				put(buf, size, &pos, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
				break;
			}
			case 'n':
				(void)va_arg(args, int *);
				break;
			default:
				put(buf, size, &pos, spec, sl);
				break;
			}
		}
		p++;
	}
	if (size)
		buf[pos < size ? pos : size - 1] = 0;
	return (int)pos;
}

__ukmem_export int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	int n = ukmem_vsnprintf(buf, size, fmt, args);

	if (!size)
		return 0;
	return (size_t)n < size ? n : (int)size - 1;
}

__ukmem_export int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
