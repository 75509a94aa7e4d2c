/* SPDX-License-Identifier: MIT */
/* bench.h - what every benchmark program shares: the median of repetitions. */
#ifndef UKMEM_BENCH_H
#define UKMEM_BENCH_H

#include <stdlib.h>

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median - sorts @v in place; the middle element (mean of the two middle ones for even @n). */
static inline double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
