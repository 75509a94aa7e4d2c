/* SPDX-License-Identifier: MIT */
/* kernel.h (internal) - the kernel/ layer's entry points for boot.c. */
#ifndef UKMEM_KERNEL_KERNEL_H
#define UKMEM_KERNEL_KERNEL_H

/* module.c: "<mod>.<param>=" boot parameters, module_init()/module_exit() */
int module_param_boot(const char *key, const char *val);
int module_initcalls_run(void);
void module_exitcalls_run(void);

/* rcu.c: the grace-period thread; callbacks left at shutdown run before slab's leak report */
int rcu_init(void);
void rcu_exit(void);
void rcu_shutdown_prepare(void);
void rcu_shutdown_refused(void);

#endif
