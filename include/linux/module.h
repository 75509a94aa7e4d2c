/* SPDX-License-Identifier: MIT */
/* module.h - module boilerplate compiles; a "module" here is just code in the program. */
#ifndef _UKMEM_LINUX_MODULE_H
#define _UKMEM_LINUX_MODULE_H
#include_next <linux/module.h>
#include <linux/export.h>
#include <linux/init.h>
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_VERSION(x)
#define THIS_MODULE ((void *)0)
#define module_init(fn)
#define module_exit(fn)
#define module_param(name, type, perm)
#define MODULE_PARM_DESC(name, desc)
#endif
