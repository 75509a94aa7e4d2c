/* SPDX-License-Identifier: MIT */
/* percpu_test.h - what test_percpu.c shares with its extra sources. */
#ifndef PERCPU_TEST_H
#define PERCPU_TEST_H
#include <linux/percpu.h>

DECLARE_PER_CPU(long, pct_tu2_counter);
void pct_tu2_inc(void);
int pct_tu2_static_get(int cpu, int i);
void pct_tu2_static_set(int cpu, int i, int v);

/* the dlopen'ed module (percpu_dso.so) */
typedef int *(*pct_dso_ptr_fn)(int cpu);
typedef void (*pct_dso_inc_fn)(void);
#endif
