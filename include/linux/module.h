/* SPDX-License-Identifier: MIT */
/*
 * module.h - a "module" here is code linked into the program. module_init()
 * functions run at the end of ukmem_boot() (after every subsystem, kswapd
 * included), in link order; module_exit() functions run at the start of
 * ukmem_shutdown(), in the reverse order, for the modules whose init
 * returned 0 (the kernel never calls the exit of a module that failed to
 * load). Each boot runs them again. See docs/kernel-api.md.
 */
#ifndef _UKMEM_LINUX_MODULE_H
#define _UKMEM_LINUX_MODULE_H
#include_next <linux/module.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/list.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_VERSION(x)
#define MODULE_ALIAS(x)
#define MODULE_IMPORT_NS(x)
#define MODULE_DEVICE_TABLE(type, name)
#define THIS_MODULE ((struct module *)0)
struct module;

struct ukmem_initcall {
	int (*init)(void);
	void (*exit)(void);
	const char *name;
	const char *mod; /* the module: its source file, or "@" KBUILD_MODNAME */
	/* private: module.c's */
	struct ukmem_initcall *next;
	int state;
};
void __ukmem_register_initcall(struct ukmem_initcall *ic);

#define __UKMEM_INITCALL(id, field, fn)                                                            \
	static struct ukmem_initcall __PASTE(__initcall_, id) = {                                  \
	    .field = fn, .name = #fn, .mod = __UKMEM_MODFILE};                                     \
	static void __attribute__((constructor)) __PASTE(__initcall_reg_, id)(void)                \
	{                                                                                          \
		__ukmem_register_initcall(&__PASTE(__initcall_, id));                              \
	}
#define module_init(fn)	    __UKMEM_INITCALL(__COUNTER__, init, fn)
#define module_exit(fn)	    __UKMEM_INITCALL(__COUNTER__, exit, fn)
#define late_initcall(fn)   module_init(fn)
#define device_initcall(fn) module_init(fn)
#define subsys_initcall(fn) module_init(fn)
#define fs_initcall(fn)	    module_init(fn)
#define arch_initcall(fn)   module_init(fn)
#define core_initcall(fn)   module_init(fn)

/*
 * ukmem_initcall_failures - module_init()s of the last boot that returned an
 * error (each printed as "initcall <fn> returned <err>").
 */
int ukmem_initcall_failures(void);

#ifdef __cplusplus
}
#endif
#endif
