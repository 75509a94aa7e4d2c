/* SPDX-License-Identifier: MIT */
/* demo.h - the sections of "ukmem demo", one file each. */
#ifndef UKMEM_TOOLS_DEMO_H
#define UKMEM_TOOLS_DEMO_H
#include <stdio.h>
void demo_heading(const char *title);
void demo_pages(void);
void demo_slab(void);
void demo_vmalloc(void);
void demo_percpu(void);
void demo_driver(void);
#endif
