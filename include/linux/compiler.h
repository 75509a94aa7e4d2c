/* SPDX-License-Identifier: MIT */
/* compiler.h - the kernel's compiler annotations, for code written against them. */
#ifndef _UKMEM_LINUX_COMPILER_H
#define _UKMEM_LINUX_COMPILER_H

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define noinline	__attribute__((__noinline__))
#define __cold		__attribute__((__cold__))
#define __noreturn	__attribute__((__noreturn__))
#define __must_check	__attribute__((__warn_unused_result__))
#define __maybe_unused	__attribute__((__unused__))
#define __always_unused	__attribute__((__unused__))
#define __used		__attribute__((__used__))
#define __weak		__attribute__((__weak__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __packed	__attribute__((__packed__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __malloc	__attribute__((__malloc__))
#define __alloc_size(...) __attribute__((__alloc_size__(__VA_ARGS__)))
#define __section(s)	__attribute__((__section__(s)))
#define __read_mostly
#define __init
#define __exit
#define __initdata
#define __ref
#define __refdata
#define __refconst
#define __initconst
#define __exitdata
#define __init_or_module
#define __visible
#define notrace
#define fallthrough	__attribute__((__fallthrough__))
#define __counted_by(m)
#define __nonstring

/* sparse address-space annotations: documentation only here */
#define __user
#define __kernel
#define __iomem
#define __percpu
#define __rcu
#define __force
#define __bitwise
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)

#define barrier()	__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)                                                  \
	do {                                                                \
		*(volatile __typeof__(x) *)&(x) = (val);                    \
	} while (0)
#define data_race(expr) (expr)

#define __same_type(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))
#define BUILD_BUG_ON_ZERO(e) ((int)(sizeof(struct { int : (-!!(e)); })))
#define __must_be_array(a) BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))

#ifndef __PASTE
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#endif
#ifndef __UNIQUE_ID
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)
#endif
/* OPTIMIZER_HIDE_VAR - the compiler forgets what it knew of @var's value */
#ifndef OPTIMIZER_HIDE_VAR
#define OPTIMIZER_HIDE_VAR(var) __asm__("" : "=r"(var) : "0"(var))
#endif

#ifndef __stringify
#define __stringify_1(x...) #x
#define __stringify(x...)   __stringify_1(x)
#endif

#endif
