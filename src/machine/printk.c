// SPDX-License-Identifier: MIT
/*
 * printk.c - the kernel log. printk() formats (with the kernel's %p
 * extensions), stamps each line with the time since boot and appends it to a
 * bounded log buffer that ukmem_dmesg() prints as dmesg does. Lines at a level
 * below loglevel= are echoed to stderr (the console).
 *
 * Locking: log_lock (a host mutex) protects the buffer. printk may be called
 * in any context, including with the simulated CPU held; it never allocates
 * from the simulated machine, so it cannot recurse into mm.
 */
#include <linux/printk.h>
#include <ukmem.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"

#define LOG_BUF_MAX (4u << 20)

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_buf;
static size_t log_len, log_cap;
static bool log_line_open; /* last line awaits KERN_CONT text */
static u64 log_clock_base;
/* set around printk by a caller that shows the text itself (KUnit's KTAP to stdout) */
__thread bool printk_no_console;

/* fork: another thread may have held the log lock; the child makes it anew */
void printk_fork_child(void)
{
	pthread_mutex_init(&log_lock, NULL);
}

void printk_reset_clock(void)
{
	pthread_mutex_lock(&log_lock);
	log_clock_base = plat_clock_ns();
	pthread_mutex_unlock(&log_lock);
}

static void log_append(const char *s, size_t n)
{
	if (log_len + n + 1 > log_cap) {
		size_t cap = log_cap ? log_cap : 65536;
		char *nb;

		while (cap < log_len + n + 1 && cap < LOG_BUF_MAX)
			cap *= 2;
		if (log_len + n + 1 > cap) {
			/* Full: drop the oldest half, at a line boundary. */
			size_t drop = log_len / 2;
			char *nl = memchr(log_buf + drop, '\n', log_len - drop);

			drop = nl ? (size_t)(nl - log_buf) + 1 : log_len;
			memmove(log_buf, log_buf + drop, log_len - drop);
			log_len -= drop;
			if (log_len + n + 1 > cap)
				return;
		}
		nb = realloc(log_buf, cap);
		if (!nb)
			return;
		log_buf = nb;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = 0;
}

int vprintk_level(int level, const char *fmt, va_list args)
{
	char text[2048], line[2200];
	bool cont = false;
	int n, len = 0;
	u64 ns;
	char *p, *nl;

	while (fmt[0] == '\001' && fmt[1]) {
		if (fmt[1] == 'c')
			cont = true;
		else if (fmt[1] >= '0' && fmt[1] <= '7')
			level = fmt[1] - '0';
		fmt += 2;
	}
	n = ukmem_vsnprintf(text, sizeof(text), fmt, args);
	if (n < 0)
		return n;

	pthread_mutex_lock(&log_lock);
	if (!log_clock_base)
		log_clock_base = plat_clock_ns();
	ns = plat_clock_ns() - log_clock_base;
	p = text;
	if (cont && log_line_open && log_len && log_buf[log_len - 1] == '\n')
		log_len--; /* reopen the last line */
	else
		cont = false;
	while (*p) {
		nl = strchr(p, '\n');
		size_t seg = nl ? (size_t)(nl - p) : strlen(p);

		if (cont)
			len = snprintf(line, sizeof(line), "%.*s\n", (int)seg, p);
		else
			len = snprintf(line, sizeof(line), "[%5lu.%06lu] %.*s\n",
				       (unsigned long)(ns / 1000000000ull),
				       (unsigned long)(ns % 1000000000ull / 1000), (int)seg, p);
		if (len > (int)sizeof(line) - 1)
			len = sizeof(line) - 1;
		log_append(line, (size_t)len);
		if ((level < machine.loglevel && !printk_no_console) ||
		    (!machine.booted && level <= 4))
			plat_write_stderr(cont ? line : line, (size_t)len);
		cont = false;
		p += seg;
		if (nl)
			p++;
	}
	/* a line that did not end in "\n" may be continued by KERN_CONT */
	log_line_open =
	    n > 0 && text[n < (int)sizeof(text) ? n - 1 : (int)sizeof(text) - 2] != '\n';
	pthread_mutex_unlock(&log_lock);
	return n;
}

__ukmem_export int vprintk(const char *fmt, va_list args)
{
	return vprintk_level(LOGLEVEL_WARNING, fmt, args);
}

__ukmem_export int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk_level(LOGLEVEL_WARNING, fmt, ap);
	va_end(ap);
	return n;
}

__ukmem_export int ukmem_dmesg(FILE *out)
{
	pthread_mutex_lock(&log_lock);
	if (log_len)
		fwrite(log_buf, 1, log_len, out);
	pthread_mutex_unlock(&log_lock);
	fflush(out);
	return 0;
}

__ukmem_export void ukmem_dmesg_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	if (log_buf)
		log_buf[0] = 0;
	log_line_open = false;
	pthread_mutex_unlock(&log_lock);
}

__ukmem_export unsigned long ukmem_dmesg_count(const char *needle)
{
	unsigned long count = 0;
	const char *p;
	size_t nlen = strlen(needle);

	if (!nlen)
		return 0;
	pthread_mutex_lock(&log_lock);
	for (p = log_buf; p && (p = strstr(p, needle)); p += nlen)
		count++;
	pthread_mutex_unlock(&log_lock);
	return count;
}

__ukmem_export int ukmem_dmesg_contains(const char *needle)
{
	return ukmem_dmesg_count(needle) != 0;
}
