/* SPDX-License-Identifier: MIT */
/* kernel.h (internal) - the kernel/ layer's entry points for boot.c. */
#ifndef UKMEM_KERNEL_KERNEL_H
#define UKMEM_KERNEL_KERNEL_H

/* module.c: "<mod>.<param>=" boot parameters, module_init()/module_exit() */
int module_param_boot(const char *key, const char *val);
int module_initcalls_run(void);
void module_exitcalls_run(void);

#endif
