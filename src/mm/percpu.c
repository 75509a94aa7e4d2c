// SPDX-License-Identifier: MIT
/* percpu.c - placeholder until its issue lands: joins boot with nothing to do. */
#include "mm/internal.h"

int percpu_param(const char *key, const char *val)
{
	return -ENOENT;
}

int percpu_init(void)
{
	return 0;
}

void percpu_exit(void)
{
}
