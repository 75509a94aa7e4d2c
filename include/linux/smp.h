/* SPDX-License-Identifier: MIT */
/*
 * smp.h - virtual CPUs. nr_cpus= CPUs exist whatever the host has; each task
 * runs on one. smp_processor_id() is only stable with preemption disabled and
 * reports "BUG: using smp_processor_id() in preemptible" otherwise.
 */
#ifndef _UKMEM_LINUX_SMP_H
#define _UKMEM_LINUX_SMP_H

#include <linux/preempt.h>
#include <linux/cpumask.h>

#pragma GCC visibility push(default)
int debug_smp_processor_id(void);
int raw_smp_processor_id(void);
int get_cpu(void);
void put_cpu(void);
#pragma GCC visibility pop

#define smp_processor_id() debug_smp_processor_id()
#define NR_CPUS 4096

#endif
