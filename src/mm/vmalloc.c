// SPDX-License-Identifier: MIT
/* vmalloc.c - placeholder until its issue lands: joins boot with nothing to do. */
#include "mm/internal.h"

int vmalloc_param(const char *key, const char *val)
{
	return -ENOENT;
}

int vmalloc_init(void)
{
	return 0;
}

void vmalloc_exit(void)
{
}

int vmallocinfo_show(FILE *out)
{
	return -ENOENT;
}
