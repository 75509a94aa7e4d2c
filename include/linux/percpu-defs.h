/* SPDX-License-Identifier: MIT */
/*
 * percpu-defs.h - static per-CPU variables and the per-CPU accessors.
 *
 * Design (docs/percpu.md has the full picture):
 *
 * DEFINE_PER_CPU(type, name) defines a *prototype* variable in the ELF
 * section "ukmem_percpu". The linker gives every DSO (the program and each
 * shared library) its own __start_ukmem_percpu/__stop_ukmem_percpu, and a
 * constructor emitted by this header registers those bounds with ukmem
 * (__ukmem_percpu_register) - as a kernel module brings its own .data..percpu.
 * At each boot (and at registration for a DSO dlopen'ed later) ukmem
 * allocates the DSO's static area from the first per-CPU chunk and copies
 * the prototype, initializers included, into every CPU's unit.
 *
 * A per-CPU pointer (&var of a static, or what alloc_percpu returns) is
 * turned into CPU c's copy by adding __per_cpu_offset[c], as in the kernel:
 *
 *   dynamic:  ptr lies in the handle window [__pcpu_handle_start, +size),
 *             copy = ptr + __per_cpu_offset[c]
 *   static:   ptr lies in this DSO's section,
 *             copy = ptr + __ukmem_pcpu_self.delta + __per_cpu_offset[c]
 *   other:    a static of another DSO: looked up out of line.
 *
 * The handle window is never mapped, so dereferencing a per-CPU pointer
 * without per_cpu_ptr()/this_cpu_ptr() faults, like the kernel's zero-based
 * x86_64 per-CPU pointers.
 *
 * Operation families (kernel semantics):
 *   this_cpu_*   safe in any context: preemption is disabled around the
 *                operation (the task owns its virtual CPU in between), so
 *                the sum over CPUs is exact under any number of threads.
 *   __this_cpu_* the caller must have preemption disabled; otherwise
 *                "BUG: using __this_cpu_<op>() in preemptible [%08x] code".
 *   raw_cpu_*    no check at all.
 * Accesses to the copies are relaxed atomic loads and stores (plain movs on
 * x86-64) so that readers of other CPUs' copies (percpu_counter_sum) are not
 * data races for ThreadSanitizer; read-modify-write is not atomic, exactly
 * as in the kernel, and relies on CPU ownership.
 */
#ifndef _UKMEM_LINUX_PERCPU_DEFS_H
#define _UKMEM_LINUX_PERCPU_DEFS_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <stdint.h>

#define PER_CPU_SECTION_NAME	     "ukmem_percpu"
#define SMP_CACHE_BYTES		     64
#define ____cacheline_aligned	     __attribute__((__aligned__(SMP_CACHE_BYTES)))
#define ____cacheline_aligned_in_smp ____cacheline_aligned

/* One per DSO (a weak hidden definition merges to a single object per DSO). */
struct ukmem_pcpu_dso {
	long delta; /* copy of CPU c = proto + delta + __per_cpu_offset[c] */
	const char *start, *stop;
	struct ukmem_pcpu_dso *next;
	void *handle; /* this boot's static area (a per-CPU pointer) */
};

#pragma GCC visibility push(default)
extern unsigned long __per_cpu_offset[NR_CPUS];
extern uintptr_t __pcpu_handle_start;
extern uintptr_t __pcpu_handle_size;
void __ukmem_percpu_register(struct ukmem_pcpu_dso *dso, char *start, char *stop);
void __ukmem_percpu_unregister(struct ukmem_pcpu_dso *dso);
void *__per_cpu_ptr_slow(const void *ptr, int cpu);
int __this_cpu_preempt_check(const char *op);
int __pcpu_this_enter(void);
void __pcpu_this_exit(void);
#pragma GCC visibility pop

extern char __start_ukmem_percpu[] __attribute__((visibility("hidden")));
extern char __stop_ukmem_percpu[] __attribute__((visibility("hidden")));
__attribute__((weak, visibility("hidden"))) struct ukmem_pcpu_dso __ukmem_pcpu_self;
/* Every DSO that includes this header has the section, so __start_ exists. */
static char __ukmem_pcpu_anchor[0] __attribute__((section(PER_CPU_SECTION_NAME), used));

static void __attribute__((constructor, used)) __ukmem_pcpu_ctor(void)
{
	(void)__ukmem_pcpu_anchor;
	__ukmem_percpu_register(&__ukmem_pcpu_self, __start_ukmem_percpu, __stop_ukmem_percpu);
}

static void __attribute__((destructor, used)) __ukmem_pcpu_dtor(void)
{
	__ukmem_percpu_unregister(&__ukmem_pcpu_self);
}

/* ---- definitions ---- */
#define __PCPU_ATTRS(sec)			 __attribute__((section(PER_CPU_SECTION_NAME))) sec
#define DECLARE_PER_CPU_SECTION(type, name, sec) extern __PCPU_ATTRS(sec) __typeof__(type) name
#define DEFINE_PER_CPU_SECTION(type, name, sec)                                                    \
	__attribute__((used)) __PCPU_ATTRS(sec) __typeof__(type) name

#define DECLARE_PER_CPU(type, name) DECLARE_PER_CPU_SECTION(type, name, )
#define DEFINE_PER_CPU(type, name)  DEFINE_PER_CPU_SECTION(type, name, )
#define DECLARE_PER_CPU_ALIGNED(type, name)                                                        \
	DECLARE_PER_CPU_SECTION(type, name, ____cacheline_aligned)
#define DEFINE_PER_CPU_ALIGNED(type, name)	   DEFINE_PER_CPU_SECTION(type, name, ____cacheline_aligned)
#define DECLARE_PER_CPU_SHARED_ALIGNED(type, name) DECLARE_PER_CPU_ALIGNED(type, name)
#define DEFINE_PER_CPU_SHARED_ALIGNED(type, name)  DEFINE_PER_CPU_ALIGNED(type, name)
#define DECLARE_PER_CPU_READ_MOSTLY(type, name)	   DECLARE_PER_CPU(type, name)
#define DEFINE_PER_CPU_READ_MOSTLY(type, name)	   DEFINE_PER_CPU(type, name)
#define DECLARE_PER_CPU_PAGE_ALIGNED(type, name)                                                   \
	DECLARE_PER_CPU_SECTION(type, name, __attribute__((__aligned__(4096))))
#define DEFINE_PER_CPU_PAGE_ALIGNED(type, name)                                                    \
	DEFINE_PER_CPU_SECTION(type, name, __attribute__((__aligned__(4096))))
#define DECLARE_PER_CPU_FIRST(type, name) DECLARE_PER_CPU(type, name)
#define DEFINE_PER_CPU_FIRST(type, name)  DEFINE_PER_CPU(type, name)
/* Symbols are found through the dynamic linker; nothing to record. */
#define EXPORT_PER_CPU_SYMBOL(var)
#define EXPORT_PER_CPU_SYMBOL_GPL(var)

/* ---- address translation ---- */
#define per_cpu_offset(x) (__per_cpu_offset[x])

static __always_inline void *__pcpu_ptr(const void *ptr, int cpu)
{
	uintptr_t a = (uintptr_t)ptr;
	uintptr_t s = (uintptr_t)__start_ukmem_percpu;

	if (likely(a - __pcpu_handle_start < __pcpu_handle_size))
		return (void *)(a + __per_cpu_offset[cpu]);
	if (likely(a - s < (uintptr_t)__stop_ukmem_percpu - s))
		return (void *)(a + __ukmem_pcpu_self.delta + __per_cpu_offset[cpu]);
	return __per_cpu_ptr_slow(ptr, cpu);
}

#define __verify_pcpu_ptr(ptr)                                                                     \
	do {                                                                                       \
		const void *__vpp_verify = (__typeof__((ptr) + 0))NULL;                            \
		(void)__vpp_verify;                                                                \
	} while (0)

#define per_cpu_ptr(ptr, cpu)                                                                      \
	({                                                                                         \
		__verify_pcpu_ptr(ptr);                                                            \
		(__typeof__(ptr))__pcpu_ptr((ptr), (cpu));                                         \
	})
#define raw_cpu_ptr(ptr) per_cpu_ptr(ptr, raw_smp_processor_id())
/* this_cpu_ptr is only stable with preemption off: checked as the kernel does. */
#define this_cpu_ptr(ptr) per_cpu_ptr(ptr, smp_processor_id())
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), cpu))

#define get_cpu_var(var)                                                                           \
	(*({                                                                                       \
		preempt_disable();                                                                 \
		this_cpu_ptr(&(var));                                                              \
	}))
#define put_cpu_var(var)                                                                           \
	do {                                                                                       \
		(void)&(var);                                                                      \
		preempt_enable();                                                                  \
	} while (0)
#define get_cpu_ptr(var)                                                                           \
	({                                                                                         \
		preempt_disable();                                                                 \
		this_cpu_ptr(var);                                                                 \
	})
#define put_cpu_ptr(var)                                                                           \
	do {                                                                                       \
		(void)(var);                                                                       \
		preempt_enable();                                                                  \
	} while (0)

/*
 * ---- generic operations on one copy (p: pointer to it) ----
 * Every macro takes a unique token @u (from __COUNTER__) to name its locals,
 * so operations nest (this_cpu_add(a, this_cpu_read(b))) without -Wshadow
 * warnings, and evaluates @p once (it may carry a preemption check).
 */
#define __PCPU_CAT_(a, b) a##b
#define __PCPU_CAT(a, b)  __PCPU_CAT_(a, b)
#define __PCPU_L(name, u) __PCPU_CAT(__PCPU_CAT(__pcpu_, name), u)

#define __pcpu_ld(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define __pcpu_st(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* the value operands are evaluated before the copy is read */
#define __pcpu_gen_read(u, p) __pcpu_ld(p)
#define __pcpu_gen_write(u, p, v)                                                                  \
	({                                                                                         \
		__typeof__(p) __PCPU_L(a, u) = (p);                                                \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(val, u) = (__typeof__(*__PCPU_L(a, u)))(v);   \
		__pcpu_st(__PCPU_L(a, u), __PCPU_L(val, u));                                       \
		(void)0;                                                                           \
	})
#define __pcpu_gen_add_return(u, p, v)                                                             \
	({                                                                                         \
		__typeof__(p) __PCPU_L(a, u) = (p);                                                \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(val, u) = (__typeof__(*__PCPU_L(a, u)))(v);   \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(n, u) =                                       \
		    (__typeof__(*__PCPU_L(a, u)))(__pcpu_ld(__PCPU_L(a, u)) + __PCPU_L(val, u));   \
		__pcpu_st(__PCPU_L(a, u), __PCPU_L(n, u));                                         \
		__PCPU_L(n, u);                                                                    \
	})
#define __pcpu_gen_add(u, p, v)                                                                    \
	({                                                                                         \
		(void)__pcpu_gen_add_return(u, p, v);                                              \
		(void)0;                                                                           \
	})
#define __pcpu_gen_and(u, p, v)                                                                    \
	({                                                                                         \
		__typeof__(p) __PCPU_L(a, u) = (p);                                                \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(val, u) = (__typeof__(*__PCPU_L(a, u)))(v);   \
		__pcpu_st(                                                                         \
		    __PCPU_L(a, u),                                                                \
		    (__typeof__(*__PCPU_L(a, u)))(__pcpu_ld(__PCPU_L(a, u)) & __PCPU_L(val, u)));  \
		(void)0;                                                                           \
	})
#define __pcpu_gen_or(u, p, v)                                                                     \
	({                                                                                         \
		__typeof__(p) __PCPU_L(a, u) = (p);                                                \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(val, u) = (__typeof__(*__PCPU_L(a, u)))(v);   \
		__pcpu_st(                                                                         \
		    __PCPU_L(a, u),                                                                \
		    (__typeof__(*__PCPU_L(a, u)))(__pcpu_ld(__PCPU_L(a, u)) | __PCPU_L(val, u)));  \
		(void)0;                                                                           \
	})
#define __pcpu_gen_xchg(u, p, nv)                                                                  \
	({                                                                                         \
		__typeof__(p) __PCPU_L(a, u) = (p);                                                \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(val, u) = (__typeof__(*__PCPU_L(a, u)))(nv);  \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(o, u) = __pcpu_ld(__PCPU_L(a, u));            \
		__pcpu_st(__PCPU_L(a, u), __PCPU_L(val, u));                                       \
		__PCPU_L(o, u);                                                                    \
	})
#define __pcpu_gen_cmpxchg(u, p, ov, nv)                                                           \
	({                                                                                         \
		__typeof__(p) __PCPU_L(a, u) = (p);                                                \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(e, u) = (__typeof__(*__PCPU_L(a, u)))(ov);    \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(val, u) = (__typeof__(*__PCPU_L(a, u)))(nv);  \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(o, u) = __pcpu_ld(__PCPU_L(a, u));            \
		if (__PCPU_L(o, u) == __PCPU_L(e, u))                                              \
			__pcpu_st(__PCPU_L(a, u), __PCPU_L(val, u));                               \
		__PCPU_L(o, u);                                                                    \
	})
#define __pcpu_gen_try_cmpxchg(u, p, ovp, nv)                                                      \
	({                                                                                         \
		__typeof__(p) __PCPU_L(a, u) = (p);                                                \
		__typeof__(*__PCPU_L(a, u)) *__PCPU_L(e, u) = (ovp);                               \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(val, u) = (__typeof__(*__PCPU_L(a, u)))(nv);  \
		__typeof__(*__PCPU_L(a, u)) __PCPU_L(o, u) = __pcpu_ld(__PCPU_L(a, u));            \
		bool __PCPU_L(ok, u) = __PCPU_L(o, u) == *__PCPU_L(e, u);                          \
		if (__PCPU_L(ok, u))                                                               \
			__pcpu_st(__PCPU_L(a, u), __PCPU_L(val, u));                               \
		else                                                                               \
			*__PCPU_L(e, u) = __PCPU_L(o, u);                                          \
		__PCPU_L(ok, u);                                                                   \
	})

/* The three ways of finding "this CPU's copy". */
#define __pcpu_raw(pcp)	    ((__typeof__(&(pcp)))__pcpu_ptr(&(pcp), raw_smp_processor_id()))
#define __pcpu_chk(pcp, op) ((__typeof__(&(pcp)))__pcpu_ptr(&(pcp), __this_cpu_preempt_check(op)))
/* this_cpu_*: the whole operation runs with the CPU owned. */
#define __pcpu_safe(u, gen, pcp, ...)                                                              \
	({                                                                                         \
		__typeof__(&(pcp)) __PCPU_L(p, u) =                                                \
		    (__typeof__(&(pcp)))__pcpu_ptr(&(pcp), __pcpu_this_enter());                   \
		__typeof__(gen(u, __PCPU_L(p, u), ##__VA_ARGS__)) __PCPU_L(r, u) =                 \
		    gen(u, __PCPU_L(p, u), ##__VA_ARGS__);                                         \
		__pcpu_this_exit();                                                                \
		__PCPU_L(r, u);                                                                    \
	})
#define __pcpu_safe_void(u, gen, pcp, ...)                                                         \
	do {                                                                                       \
		__typeof__(&(pcp)) __PCPU_L(p, u) =                                                \
		    (__typeof__(&(pcp)))__pcpu_ptr(&(pcp), __pcpu_this_enter());                   \
		gen(u, __PCPU_L(p, u), ##__VA_ARGS__);                                             \
		__pcpu_this_exit();                                                                \
	} while (0)

/*
 * -v for the _sub forms: converted to the variable's type first, as the
 * kernel's -(typeof(pcp))(val). Negating v itself would turn an unsigned
 * int 1 into 4294967295 before a long variable ever sees it.
 */
#define __pcpu_neg(pcp, v) (-(__typeof__(pcp))(v))

#define __pcpu_raw_op(gen, pcp, ...)	 gen(__COUNTER__, __pcpu_raw(pcp), ##__VA_ARGS__)
#define __pcpu_chk_op(gen, op, pcp, ...) gen(__COUNTER__, __pcpu_chk(pcp, op), ##__VA_ARGS__)

/* raw_cpu_* */
#define raw_cpu_read(pcp)		__pcpu_raw_op(__pcpu_gen_read, pcp)
#define raw_cpu_write(pcp, v)		__pcpu_raw_op(__pcpu_gen_write, pcp, v)
#define raw_cpu_add(pcp, v)		__pcpu_raw_op(__pcpu_gen_add, pcp, v)
#define raw_cpu_sub(pcp, v)		__pcpu_raw_op(__pcpu_gen_add, pcp, __pcpu_neg(pcp, v))
#define raw_cpu_inc(pcp)		raw_cpu_add(pcp, 1)
#define raw_cpu_dec(pcp)		raw_cpu_sub(pcp, 1)
#define raw_cpu_and(pcp, v)		__pcpu_raw_op(__pcpu_gen_and, pcp, v)
#define raw_cpu_or(pcp, v)		__pcpu_raw_op(__pcpu_gen_or, pcp, v)
#define raw_cpu_xchg(pcp, nv)		__pcpu_raw_op(__pcpu_gen_xchg, pcp, nv)
#define raw_cpu_cmpxchg(pcp, o, n)	__pcpu_raw_op(__pcpu_gen_cmpxchg, pcp, o, n)
#define raw_cpu_try_cmpxchg(pcp, op, n) __pcpu_raw_op(__pcpu_gen_try_cmpxchg, pcp, op, n)
#define raw_cpu_add_return(pcp, v)	__pcpu_raw_op(__pcpu_gen_add_return, pcp, v)
#define raw_cpu_sub_return(pcp, v)	raw_cpu_add_return(pcp, __pcpu_neg(pcp, v))
#define raw_cpu_inc_return(pcp)		raw_cpu_add_return(pcp, 1)
#define raw_cpu_dec_return(pcp)		raw_cpu_add_return(pcp, -1)

/* __this_cpu_*: preemption must be off (CONFIG_DEBUG_PREEMPT check) */
#define __this_cpu_read(pcp)	      __pcpu_chk_op(__pcpu_gen_read, "read", pcp)
#define __this_cpu_write(pcp, v)      __pcpu_chk_op(__pcpu_gen_write, "write", pcp, v)
#define __this_cpu_add(pcp, v)	      __pcpu_chk_op(__pcpu_gen_add, "add", pcp, v)
#define __this_cpu_sub(pcp, v)	      __pcpu_chk_op(__pcpu_gen_add, "sub", pcp, __pcpu_neg(pcp, v))
#define __this_cpu_inc(pcp)	      __pcpu_chk_op(__pcpu_gen_add, "inc", pcp, 1)
#define __this_cpu_dec(pcp)	      __pcpu_chk_op(__pcpu_gen_add, "dec", pcp, -1)
#define __this_cpu_and(pcp, v)	      __pcpu_chk_op(__pcpu_gen_and, "and", pcp, v)
#define __this_cpu_or(pcp, v)	      __pcpu_chk_op(__pcpu_gen_or, "or", pcp, v)
#define __this_cpu_xchg(pcp, nv)      __pcpu_chk_op(__pcpu_gen_xchg, "xchg", pcp, nv)
#define __this_cpu_cmpxchg(pcp, o, n) __pcpu_chk_op(__pcpu_gen_cmpxchg, "cmpxchg", pcp, o, n)
#define __this_cpu_try_cmpxchg(pcp, op, n)                                                         \
	__pcpu_chk_op(__pcpu_gen_try_cmpxchg, "try_cmpxchg", pcp, op, n)
#define __this_cpu_add_return(pcp, v) __pcpu_chk_op(__pcpu_gen_add_return, "add_return", pcp, v)
#define __this_cpu_sub_return(pcp, v)                                                              \
	__pcpu_chk_op(__pcpu_gen_add_return, "sub_return", pcp, __pcpu_neg(pcp, v))
#define __this_cpu_inc_return(pcp) __pcpu_chk_op(__pcpu_gen_add_return, "inc_return", pcp, 1)
#define __this_cpu_dec_return(pcp) __pcpu_chk_op(__pcpu_gen_add_return, "dec_return", pcp, -1)

/* this_cpu_*: safe anywhere */
#define this_cpu_read(pcp)	    __pcpu_safe(__COUNTER__, __pcpu_gen_read, pcp)
#define this_cpu_write(pcp, v)	    __pcpu_safe_void(__COUNTER__, __pcpu_gen_write, pcp, v)
#define this_cpu_add(pcp, v)	    __pcpu_safe_void(__COUNTER__, __pcpu_gen_add, pcp, v)
#define this_cpu_sub(pcp, v)	    __pcpu_safe_void(__COUNTER__, __pcpu_gen_add, pcp, __pcpu_neg(pcp, v))
#define this_cpu_inc(pcp)	    this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)	    this_cpu_sub(pcp, 1)
#define this_cpu_and(pcp, v)	    __pcpu_safe_void(__COUNTER__, __pcpu_gen_and, pcp, v)
#define this_cpu_or(pcp, v)	    __pcpu_safe_void(__COUNTER__, __pcpu_gen_or, pcp, v)
#define this_cpu_xchg(pcp, nv)	    __pcpu_safe(__COUNTER__, __pcpu_gen_xchg, pcp, nv)
#define this_cpu_cmpxchg(pcp, o, n) __pcpu_safe(__COUNTER__, __pcpu_gen_cmpxchg, pcp, o, n)
#define this_cpu_try_cmpxchg(pcp, op, n)                                                           \
	__pcpu_safe(__COUNTER__, __pcpu_gen_try_cmpxchg, pcp, op, n)
#define this_cpu_add_return(pcp, v) __pcpu_safe(__COUNTER__, __pcpu_gen_add_return, pcp, v)
#define this_cpu_sub_return(pcp, v) this_cpu_add_return(pcp, __pcpu_neg(pcp, v))
#define this_cpu_inc_return(pcp)    this_cpu_add_return(pcp, 1)
#define this_cpu_dec_return(pcp)    this_cpu_add_return(pcp, -1)

#endif
