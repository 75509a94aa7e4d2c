// SPDX-License-Identifier: MIT
/*
 * symbols.c - host symbol lookup for reports (%pS, %pB, stack traces) and
 * the read-only test of kstrdup_const(), both answered from the ELF program
 * headers and symbol tables of the loaded objects.
 *
 * dladdr() only knows the dynamic symbol table, so without -rdynamic it
 * names nothing in the program and no static function anywhere. Here each
 * object's file (/proc/self/exe for the program, dlpi_name for the others)
 * is read once, at its first lookup, and its .symtab (or .dynsym when the
 * file is stripped) kept as a sorted table in host memory. Every lookup
 * asks dl_iterate_phdr() which object holds the address, so objects loaded
 * or unloaded later are handled; a table is keyed by load address and name.
 *
 * Locking: sym_lock (a host mutex) protects the table list; a lookup holds
 * it while it searches. Host malloc only, never the simulated machine.
 */
#include "platform/platform.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if __SIZEOF_POINTER__ == 8
#define ELF_CLASS_NATIVE      ELFCLASS64
#define ELF_ST_TYPE_NATIVE(i) ELF64_ST_TYPE(i)
#else
#define ELF_CLASS_NATIVE      ELFCLASS32
#define ELF_ST_TYPE_NATIVE(i) ELF32_ST_TYPE(i)
#endif

struct sym {
	uintptr_t addr;
	size_t size;
	const char *name;
};

struct sym_table {
	struct sym_table *next;
	uintptr_t bias;
	char *path; /* as the loader names it ("" for the program) */
	struct sym *syms;
	size_t nr;
	char *names; /* every name of syms[], one block */
};

static pthread_mutex_t sym_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sym_table *sym_tables;

void plat_fork_child(void)
{
	pthread_mutex_init(&sym_lock, NULL);
}

/* ------------------------------------------------------------ objects */

struct phdr_query {
	uintptr_t addr;
	bool found, writable;
	uintptr_t bias;
	const char *name;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct phdr_query *q = data;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || q->addr < lo || q->addr - lo >= ph->p_memsz)
			continue;
		q->found = true;
		q->writable = ph->p_flags & PF_W;
		q->bias = info->dlpi_addr;
		q->name = info->dlpi_name;
		return 1;
	}
	return 0;
}

bool plat_is_rodata(const void *p)
{
	struct phdr_query q = {.addr = (uintptr_t)p};

	dl_iterate_phdr(find_object, &q);
	return q.found && !q.writable;
}

/* ------------------------------------------------------------ ELF files */

static void *read_at(int fd, off_t off, size_t len)
{
	char *buf = malloc(len ? len : 1);
	size_t done = 0;

	if (!buf)
		return NULL;
	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		done += (size_t)n;
	}
	return buf;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* of aliases, the one that knows its size first */
	return (y->size != 0) - (x->size != 0);
}

/*
 * load_symbols - the function and object symbols of section @symsec,
 * relocated by @bias, into @t (names copied). Return: 0 or -errno.
 */
static int load_symbols(struct sym_table *t, int fd, const ElfW(Shdr) * sh, int nr_sh, int symsec,
			uintptr_t bias)
{
	const ElfW(Shdr) *ss = &sh[symsec], *strs;
	size_t n, i, names_len = 0, at = 0;
	ElfW(Sym) * syms;
	char *strtab, *names;
	struct sym *out;

	if (ss->sh_link >= (unsigned int)nr_sh || ss->sh_entsize != sizeof(ElfW(Sym)))
		return -EINVAL;
	strs = &sh[ss->sh_link];
	n = ss->sh_size / sizeof(ElfW(Sym));
	syms = read_at(fd, (off_t)ss->sh_offset, ss->sh_size);
	strtab = read_at(fd, (off_t)strs->sh_offset, strs->sh_size);
	if (!syms || !strtab || !strs->sh_size) {
		free(syms);
		free(strtab);
		return -ENOMEM;
	}
	strtab[strs->sh_size - 1] = 0;
	for (i = 0; i < n; i++) {
		int type = ELF_ST_TYPE_NATIVE(syms[i].st_info);

		if ((type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC) ||
		    syms[i].st_shndx == SHN_UNDEF || !syms[i].st_value ||
		    syms[i].st_name >= strs->sh_size || !strtab[syms[i].st_name]) {
			syms[i].st_name = 0;
			continue;
		}
		names_len += strlen(strtab + syms[i].st_name) + 1;
	}
	out = realloc(t->syms, (t->nr + n) * sizeof(*out));
	names = malloc(names_len ? names_len : 1);
	if (!out || !names) {
		if (out)
			t->syms = out;
		free(names);
		free(syms);
		free(strtab);
		return -ENOMEM;
	}
	t->syms = out;
	for (i = 0; i < n; i++) {
		size_t len;

		if (!syms[i].st_name)
			continue;
		len = strlen(strtab + syms[i].st_name) + 1;
		memcpy(names + at, strtab + syms[i].st_name, len);
		out[t->nr].addr = bias + syms[i].st_value;
		out[t->nr].size = syms[i].st_size;
		out[t->nr].name = names + at;
		t->nr++;
		at += len;
	}
	free(syms);
	free(strtab);
	t->names = names;
	return 0;
}

/* load_table - read the symbols of the object at @bias named @name (NULL: none found). */
static struct sym_table *load_table(uintptr_t bias, const char *name)
{
	const char *path = name[0] ? name : "/proc/self/exe";
	struct sym_table *t = calloc(1, sizeof(*t));
	ElfW(Ehdr) eh;
	ElfW(Shdr) *sh = NULL;
	int fd, i, symtab = -1, dynsym = -1;

	if (!t)
		return NULL;
	t->bias = bias;
	t->path = strdup(name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELF_CLASS_NATIVE &&
	    eh.e_shentsize == sizeof(ElfW(Shdr)) && eh.e_shnum > 0 &&
	    (sh = read_at(fd, (off_t)eh.e_shoff, (size_t)eh.e_shnum * sizeof(*sh)))) {
		for (i = 0; i < eh.e_shnum; i++) {
			if (sh[i].sh_type == SHT_SYMTAB)
				symtab = i;
			else if (sh[i].sh_type == SHT_DYNSYM)
				dynsym = i;
		}
		/* .symtab holds everything .dynsym does; stripped files have only the latter */
		if (symtab >= 0)
			load_symbols(t, fd, sh, eh.e_shnum, symtab, bias);
		else if (dynsym >= 0)
			load_symbols(t, fd, sh, eh.e_shnum, dynsym, bias);
	}
	free(sh);
	if (fd >= 0)
		close(fd);
	if (t->nr)
		qsort(t->syms, t->nr, sizeof(*t->syms), sym_cmp);
	return t;
}

/* ------------------------------------------------------------ lookup */

static struct sym_table *table_of(uintptr_t bias, const char *name)
{
	struct sym_table *t;

	for (t = sym_tables; t; t = t->next)
		if (t->bias == bias && !strcmp(t->path ? t->path : "", name))
			return t;
	t = load_table(bias, name);
	if (t) {
		t->next = sym_tables;
		sym_tables = t;
	}
	return t;
}

/*
 * find_sym - the symbol holding @addr: the last one starting at or below it,
 * if @addr is inside its size (or, for a symbol of size 0, anywhere up to
 * the next symbol, as kallsyms measures).
 */
static const struct sym *find_sym(const struct sym_table *t, uintptr_t addr, size_t *size)
{
	size_t lo = 0, hi = t->nr;
	const struct sym *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &t->syms[lo - 1];
	while (s > t->syms && s[-1].addr == s->addr && !s->size)
		s--; /* an alias that knows its size */
	if (s->size) {
		*size = s->size;
		return addr - s->addr < s->size ? s : NULL;
	}
	*size = lo < t->nr ? t->syms[lo].addr - s->addr : 0;
	return s;
}

/* the short name of an object for " [name]", the way modules are shown */
static const char *object_name(const char *path)
{
	const char *base = strrchr(path, '/');

	return base ? base + 1 : path;
}

void plat_symbolize_flags(void *addr, int flags, char *buf, size_t len)
{
	uintptr_t a = (uintptr_t)addr, key = a;
	struct phdr_query q = {0}, self = {.addr = (uintptr_t)&plat_symbolize_flags};
	const struct sym *s = NULL;
	struct sym_table *t;
	size_t size = 0;
	int n;

	if (flags & PLAT_SYM_BACKTRACE && key)
		key--; /* a call's return address may be the next function's first byte */
	q.addr = key;
	dl_iterate_phdr(find_object, &q);
	if (!q.found) {
		snprintf(buf, len, "0x%lx", (unsigned long)a);
		return;
	}
	dl_iterate_phdr(find_object, &self);
	pthread_mutex_lock(&sym_lock);
	t = table_of(q.bias, q.name);
	if (t)
		s = find_sym(t, key, &size);
	if (!s) {
		pthread_mutex_unlock(&sym_lock);
		/* no symbol there: the object and offset, or the bare address */
		if (q.name[0])
			snprintf(buf, len, "%s+0x%lx", object_name(q.name),
				 (unsigned long)(a - q.bias));
		else
			snprintf(buf, len, "0x%lx", (unsigned long)a);
		return;
	}
	if (flags & PLAT_SYM_NO_OFFSET)
		n = snprintf(buf, len, "%s", s->name);
	else
		n = snprintf(buf, len, "%s+0x%lx/0x%lx", s->name, (unsigned long)(a - s->addr),
			     (unsigned long)size);
	pthread_mutex_unlock(&sym_lock);
	/* the program and ukmem are the "kernel"; any other object is a module */
	if (q.name[0] && !(self.found && self.bias == q.bias) && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " [%s]", object_name(q.name));
}

void plat_symbolize(void *addr, char *buf, size_t len)
{
	plat_symbolize_flags(addr, 0, buf, len);
}

bool plat_same_function(void *a, void *b)
{
	struct phdr_query qa = {.addr = (uintptr_t)a}, qb = {.addr = (uintptr_t)b};
	const struct sym *sa = NULL, *sb = NULL;
	struct sym_table *t;
	size_t size;

	dl_iterate_phdr(find_object, &qa);
	dl_iterate_phdr(find_object, &qb);
	if (!qa.found || !qb.found || qa.bias != qb.bias)
		return false;
	pthread_mutex_lock(&sym_lock);
	t = table_of(qa.bias, qa.name);
	if (t) {
		sa = find_sym(t, (uintptr_t)a, &size);
		sb = find_sym(t, (uintptr_t)b, &size);
	}
	pthread_mutex_unlock(&sym_lock);
	return sa && sa == sb;
}
