// SPDX-License-Identifier: MIT
/* tu2.c - a second translation unit of test_percpu with its own per-CPU data. */
#include <linux/percpu.h>

#include "percpu_extra/percpu_test.h"

DEFINE_PER_CPU(long, pct_tu2_counter) = 5;
static DEFINE_PER_CPU(int[4], pct_tu2_static) = {10, 20, 30, 40};

void pct_tu2_inc(void)
{
	this_cpu_inc(pct_tu2_counter);
}

int pct_tu2_static_get(int cpu, int i)
{
	return per_cpu(pct_tu2_static, cpu)[i];
}

void pct_tu2_static_set(int cpu, int i, int v)
{
	per_cpu(pct_tu2_static, cpu)[i] = v;
}
