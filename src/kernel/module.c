// SPDX-License-Identifier: MIT
/*
 * module.c - modules linked into the program: their module_init() and
 * module_exit() functions and their module_param()s.
 *
 * Registration happens in constructors (before main, one at a time, in link
 * order), so the lists need no lock; boot and shutdown walk them under the
 * boot lock. A module is identified by the file that registered it (or
 * KBUILD_MODNAME); its exit runs only when its init returned 0, or when it
 * has no init, as with a loaded module in the kernel.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "kernel/kernel.h"

static struct ukmem_initcall *initcalls, **initcalls_tail = &initcalls;
static struct kernel_param *params;
static int initcall_failures;

enum { IC_NOT_RUN, IC_LIVE, IC_FAILED };

__ukmem_export void __ukmem_register_initcall(struct ukmem_initcall *ic)
{
	ic->next = NULL;
	ic->state = IC_NOT_RUN;
	*initcalls_tail = ic;
	initcalls_tail = &ic->next;
}

__ukmem_export void __ukmem_register_param(struct kernel_param *kp)
{
	kp->next = params;
	params = kp;
}

__ukmem_export int ukmem_initcall_failures(void)
{
	return initcall_failures;
}

/* the module's name: KBUILD_MODNAME, or the file's base name less ".c" */
static void module_name(const char *modfile, char *buf, size_t size)
{
	const char *base, *dot;

	if (modfile[0] == '@') {
		snprintf(buf, size, "%s", modfile + 1);
		return;
	}
	base = strrchr(modfile, '/');
	base = base ? base + 1 : modfile;
	dot = strrchr(base, '.');
	snprintf(buf, size, "%.*s", dot ? (int)(dot - base) : (int)strlen(base), base);
}

/* kernel/params.c parameq(): '-' and '_' are the same */
static bool name_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return b[n] == 0;
}

static int parse_ull(const char *val, int base, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!val || !*val || *val == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(val, &end, base);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int parse_ll(const char *val, long long min, long long max, long long *out)
{
	char *end;

	if (!val || !*val)
		return -EINVAL;
	errno = 0;
	*out = strtoll(val, &end, 0);
	if (errno || *end || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

/* kstrtobool's spellings; a bare "mod.flag" means true */
static int parse_bool(const char *val, bool *out)
{
	if (!val) {
		*out = true;
		return 0;
	}
	switch (val[0]) {
	case 'y':
	case 'Y':
	case '1':
		*out = true;
		return 0;
	case 'n':
	case 'N':
	case '0':
		*out = false;
		return 0;
	case 'o':
	case 'O':
		if (val[1] == 'n' || val[1] == 'N') {
			*out = true;
			return 0;
		}
		if (val[1] == 'f' || val[1] == 'F') {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int param_set(struct kernel_param *kp, const char *val)
{
	unsigned long long u;
	long long s;
	bool b;

	switch (kp->type) {
	case UKMEM_PARAM_byte:
		if (parse_ull(val, 0, 255, &u))
			return -EINVAL;
		*(unsigned char *)kp->arg = (unsigned char)u;
		return 0;
	case UKMEM_PARAM_short:
		if (parse_ll(val, SHRT_MIN, SHRT_MAX, &s))
			return -EINVAL;
		*(short *)kp->arg = (short)s;
		return 0;
	case UKMEM_PARAM_ushort:
		if (parse_ull(val, 0, USHRT_MAX, &u))
			return -EINVAL;
		*(unsigned short *)kp->arg = (unsigned short)u;
		return 0;
	case UKMEM_PARAM_int:
		if (parse_ll(val, INT_MIN, INT_MAX, &s))
			return -EINVAL;
		*(int *)kp->arg = (int)s;
		return 0;
	case UKMEM_PARAM_uint:
	case UKMEM_PARAM_hexint:
		if (parse_ull(val, 0, UINT_MAX, &u))
			return -EINVAL;
		*(unsigned int *)kp->arg = (unsigned int)u;
		return 0;
	case UKMEM_PARAM_long:
		if (parse_ll(val, LONG_MIN, LONG_MAX, &s))
			return -EINVAL;
		*(long *)kp->arg = (long)s;
		return 0;
	case UKMEM_PARAM_ulong:
		if (parse_ull(val, 0, ULONG_MAX, &u))
			return -EINVAL;
		*(unsigned long *)kp->arg = (unsigned long)u;
		return 0;
	case UKMEM_PARAM_ullong:
		if (parse_ull(val, 0, ULLONG_MAX, &u))
			return -EINVAL;
		*(unsigned long long *)kp->arg = u;
		return 0;
	case UKMEM_PARAM_bool:
	case UKMEM_PARAM_invbool:
		if (parse_bool(val, &b))
			return -EINVAL;
		*(bool *)kp->arg = kp->type == UKMEM_PARAM_bool ? b : !b;
		return 0;
	case UKMEM_PARAM_charp:
		if (!val)
			return -EINVAL;
		/* the boot line's copy lives only during parsing: keep one (never freed, as the
		 * kernel's) */
		*(char **)kp->arg = strdup(val);
		return *(char **)kp->arg ? 0 : -ENOMEM;
	}
	return -EINVAL;
}

/*
 * module_param_boot - "<module>.<param>[=value]" from the boot line. Other
 * keys are not ours (-ENOENT). A dotted key no module here knows is
 * accepted and ignored: the kernel keeps those for modules loaded later.
 */
int module_param_boot(const char *key, const char *val)
{
	struct kernel_param *kp;
	const char *dot;
	char mod[128];

	if (!key)
		return 0;
	dot = strchr(key, '.');
	if (!dot || dot == key || !dot[1])
		return -ENOENT;
	for (kp = params; kp; kp = kp->next) {
		module_name(kp->modfile, mod, sizeof(mod));
		if (name_eq(key, mod, (size_t)(dot - key)) &&
		    name_eq(dot + 1, kp->name, strlen(dot + 1)))
			return param_set(kp, val);
	}
	return 0;
}

/* the module_init()s, in link order, after every subsystem is up */
int module_initcalls_run(void)
{
	struct ukmem_initcall *ic, *o;
	int ret;

	initcall_failures = 0;
	for (ic = initcalls; ic; ic = ic->next)
		ic->state = IC_NOT_RUN;
	for (ic = initcalls; ic; ic = ic->next) {
		if (!ic->init)
			continue;
		ret = ic->init();
		ic->state = ret ? IC_FAILED : IC_LIVE;
		if (ret) {
			/* init/main.c's initcall_debug wording */
			pr_warn("initcall %s returned %d\n", ic->name, ret);
			initcall_failures++;
		}
	}
	/* an exit belongs to the module of its file: live when that module's init succeeded */
	for (ic = initcalls; ic; ic = ic->next) {
		if (ic->init)
			continue;
		ic->state = IC_LIVE;
		for (o = initcalls; o; o = o->next)
			if (o->init && !strcmp(o->mod, ic->mod) && o->state == IC_FAILED)
				ic->state = IC_FAILED;
	}
	return 0; /* a module that fails to load does not stop the machine */
}

static void exit_calls(struct ukmem_initcall *ic)
{
	if (!ic)
		return;
	exit_calls(ic->next); /* reverse link order */
	if (ic->exit && ic->state == IC_LIVE)
		ic->exit();
	ic->state = IC_NOT_RUN;
}

void module_exitcalls_run(void)
{
	exit_calls(initcalls);
}
