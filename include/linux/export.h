#ifndef _UKMEM_LINUX_EXPORT_H
#define _UKMEM_LINUX_EXPORT_H
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#endif
