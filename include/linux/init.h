#ifndef _UKMEM_LINUX_INIT_H
#define _UKMEM_LINUX_INIT_H
#include <linux/compiler.h>
#endif
