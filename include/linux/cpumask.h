/* SPDX-License-Identifier: MIT */
#ifndef _UKMEM_LINUX_CPUMASK_H
#define _UKMEM_LINUX_CPUMASK_H

#pragma GCC visibility push(default)
extern unsigned int nr_cpu_ids;
unsigned int num_possible_cpus(void);
unsigned int num_online_cpus(void);
unsigned int num_present_cpus(void);
#pragma GCC visibility pop

#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < (int)num_possible_cpus(); (cpu)++)
#define for_each_online_cpu(cpu) for ((cpu) = 0; (cpu) < (int)num_online_cpus(); (cpu)++)
#define for_each_present_cpu(cpu) for_each_possible_cpu(cpu)
#define cpu_online(cpu) ((unsigned int)(cpu) < num_online_cpus())
#define cpu_possible(cpu) ((unsigned int)(cpu) < num_possible_cpus())

#endif
