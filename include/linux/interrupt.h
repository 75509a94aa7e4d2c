#ifndef _UKMEM_LINUX_INTERRUPT_H
#define _UKMEM_LINUX_INTERRUPT_H
#include <linux/hardirq.h>
#include <linux/bottom_half.h>
#endif
