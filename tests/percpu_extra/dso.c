// SPDX-License-Identifier: MIT
/*
 * dso.c - a shared library loaded by test_percpu with dlopen, bringing its
 * own per-CPU section as a kernel module does.
 */
#include <linux/percpu.h>

#include "percpu_test.h"

DEFINE_PER_CPU(int, pct_dso_var) = 77;
static DEFINE_PER_CPU(long[2], pct_dso_pair) = {1000, 2000};

int *pct_dso_ptr(int cpu);
void pct_dso_inc(void);
long pct_dso_pair_sum(int cpu);

int *pct_dso_ptr(int cpu)
{
	return per_cpu_ptr(&pct_dso_var, cpu);
}

void pct_dso_inc(void)
{
	this_cpu_inc(pct_dso_var);
}

long pct_dso_pair_sum(int cpu)
{
	return per_cpu(pct_dso_pair, cpu)[0] + per_cpu(pct_dso_pair, cpu)[1];
}
