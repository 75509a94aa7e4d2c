/* SPDX-License-Identifier: MIT */
/*
 * moduleparam.h - module_param() and friends. A parameter is set from the
 * boot line as "<module>.<name>=<value>" (kernel/params.c's syntax), before
 * the module_init()s run. <module> is KBUILD_MODNAME when the build defines
 * it, else the source file's name without ".c", which is what Kbuild names
 * a one-file module (lib/test_vmalloc.c -> test_vmalloc). '-' and '_' are
 * the same in names, as in the kernel.
 */
#ifndef _UKMEM_LINUX_MODULEPARAM_H
#define _UKMEM_LINUX_MODULEPARAM_H

#include <linux/compiler.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ukmem_param_type {
	UKMEM_PARAM_byte,
	UKMEM_PARAM_short,
	UKMEM_PARAM_ushort,
	UKMEM_PARAM_int,
	UKMEM_PARAM_uint,
	UKMEM_PARAM_long,
	UKMEM_PARAM_ulong,
	UKMEM_PARAM_ullong,
	UKMEM_PARAM_hexint,
	UKMEM_PARAM_bool,
	UKMEM_PARAM_invbool,
	UKMEM_PARAM_charp,
};

struct kernel_param {
	const char *modfile; /* __FILE__ or KBUILD_MODNAME */
	const char *name;
	enum ukmem_param_type type;
	void *arg;
	unsigned short perm;
	struct kernel_param *next;
};
void __ukmem_register_param(struct kernel_param *kp);

#ifdef KBUILD_MODNAME
#define __UKMEM_MODFILE "@" KBUILD_MODNAME
#else
#define __UKMEM_MODFILE __FILE__
#endif

#define __UKMEM_PARAM(id, prefix, value, ptype, perm)                                              \
	static struct kernel_param __PASTE(__param_, id) = {__UKMEM_MODFILE, prefix, ptype,        \
							    &(value),	     (perm), 0};           \
	static void __attribute__((constructor)) __PASTE(__param_reg_, id)(void)                   \
	{                                                                                          \
		__ukmem_register_param(&__PASTE(__param_, id));                                    \
	}
/* the type is pasted here: passed on, "bool" would expand to _Bool first */
#define module_param_named(name, value, type, perm)                                                \
	__UKMEM_PARAM(__COUNTER__, #name, value, UKMEM_PARAM_##type, perm)
#define module_param(name, type, perm)                                                             \
	__UKMEM_PARAM(__COUNTER__, #name, name, UKMEM_PARAM_##type, perm)
#define core_param(name, var, type, perm)                                                          \
	__UKMEM_PARAM(__COUNTER__, #name, var, UKMEM_PARAM_##type, perm)
#define MODULE_PARM_DESC(name, desc)
#define __MODULE_PARM_TYPE(name, type)

#ifdef __cplusplus
}
#endif
#endif
