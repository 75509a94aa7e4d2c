/* SPDX-License-Identifier: MIT */
/* bug.h - WARN and BUG: reports through ukmem's single report path. */
#ifndef _UKMEM_LINUX_BUG_H
#define _UKMEM_LINUX_BUG_H

#include <linux/compiler.h>

void __ukmem_warn(const char *file, int line, const char *func, const char *fmt, ...)
	__printf(4, 5);
/* @where: an address in the function that warns, which the WARNING line names */
void __ukmem_warn_at(const char *file, int line, void *where, const char *fmt, ...)
	__printf(4, 5);
__noreturn void __ukmem_bug(const char *file, int line, const char *func);
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/* the address of the WARN itself, as the kernel's _THIS_IP_ (a tail call cannot hide it) */
#define __WARN_printf(fmt, ...)                                                                    \
	__ukmem_warn_at(__FILE__, __LINE__,                                                        \
			({                                                                         \
				__label__ __here;                                                  \
			__here:                                                                    \
				(void *)&&__here;                                                  \
			}),                                                                        \
			fmt, ##__VA_ARGS__)

#define WARN(condition, format...)                                           \
	({                                                                   \
		int __ret_warn_on = !!(condition);                           \
		if (unlikely(__ret_warn_on))                                 \
			__WARN_printf(format);                               \
		unlikely(__ret_warn_on);                                     \
	})
#define WARN_ON(condition)                                                   \
	({                                                                   \
		int __ret_warn_on = !!(condition);                           \
		if (unlikely(__ret_warn_on))                                 \
			__WARN_printf(NULL);                                 \
		unlikely(__ret_warn_on);                                     \
	})
#define WARN_ONCE(condition, format...)                                      \
	({                                                                   \
		static _Bool __warned;                                       \
		int __ret_warn_once = !!(condition);                         \
		if (unlikely(__ret_warn_once && !__warned)) {                \
			__warned = 1;                                        \
			__WARN_printf(format);                               \
		}                                                            \
		unlikely(__ret_warn_once);                                   \
	})
#define WARN_ON_ONCE(condition)                                              \
	({                                                                   \
		static _Bool __warned;                                       \
		int __ret_warn_once = !!(condition);                         \
		if (unlikely(__ret_warn_once && !__warned)) {                \
			__warned = 1;                                        \
			__WARN_printf(NULL);                                 \
		}                                                            \
		unlikely(__ret_warn_once);                                   \
	})
#define BUG() __ukmem_bug(__FILE__, __LINE__, __func__)
#define BUG_ON(condition)                                                    \
	do {                                                                 \
		if (unlikely(condition))                                     \
			BUG();                                               \
	} while (0)
#define BUILD_BUG_ON(condition) _Static_assert(!(condition), "BUILD_BUG_ON(" #condition ")")
#define BUILD_BUG_ON_MSG(cond, msg) _Static_assert(!(cond), msg)
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_WARN_ON(cond) WARN_ON(cond)
#define VM_WARN_ON_ONCE(cond) WARN_ON_ONCE(cond)

#endif
