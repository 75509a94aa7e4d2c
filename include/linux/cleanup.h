/* SPDX-License-Identifier: MIT */
/*
 * cleanup.h - scope-based cleanup (the compiler's cleanup attribute):
 *
 *   struct foo *p __free(kfree) = kmalloc(...);   freed when p leaves scope
 *   return no_free_ptr(p);                         ... unless handed on
 *   guard(spinlock)(&lock);                        unlocked at scope end
 *   scoped_guard(mutex, &m) { ... }                locked for the block
 *
 * DEFINE_FREE / DEFINE_GUARD / DEFINE_CLASS declare new kinds, with the
 * kernel's names and argument orders; the classes for kfree, kvfree, vfree,
 * spinlock(_irq, _irqsave, _bh), mutex and rcu come with their headers'
 * users through this file.
 */
#ifndef _UKMEM_LINUX_CLEANUP_H
#define _UKMEM_LINUX_CLEANUP_H

#include <linux/compiler.h>

#define __cleanup(func) __attribute__((__cleanup__(func)))

/* ---- __free ---- */
#define DEFINE_FREE(_name, _type, _free)                                                           \
	static inline void __free_##_name(void *p)                                                 \
	{                                                                                          \
		_type _T = *(_type *)p;                                                            \
		_free;                                                                             \
	}
#define __free(_name) __cleanup(__free_##_name)
#define __get_and_null(p, nullvalue)                                                               \
	({                                                                                         \
		__auto_type __ptr = &(p);                                                          \
		__auto_type __val = *__ptr;                                                        \
		*__ptr = nullvalue;                                                                \
		__val;                                                                             \
	})
#define no_free_ptr(p) ((__typeof__(p))__get_and_null(p, NULL))
#define return_ptr(p) return no_free_ptr(p)
#define take_fd(fd) __get_and_null(fd, -EBADF)

/* ---- classes: a constructor, a destructor, a type ---- */
#define DEFINE_CLASS(_name, _type, _exit, _init, _init_args...)                                    \
	typedef _type class_##_name##_t;                                                           \
	static inline void class_##_name##_destructor(_type *p)                                    \
	{                                                                                          \
		_type _T = *p;                                                                     \
		_exit;                                                                             \
	}                                                                                          \
	static inline _type class_##_name##_constructor(_init_args)                                \
	{                                                                                          \
		_type t = _init;                                                                   \
		return t;                                                                          \
	}
#define CLASS(_name, var)                                                                          \
	class_##_name##_t var __cleanup(class_##_name##_destructor) = class_##_name##_constructor

/* ---- guards: a lock held to the end of the scope ---- */
#define DEFINE_GUARD(_name, _type, _lock, _unlock)                                                 \
	DEFINE_CLASS(_name, _type, if (_T) { _unlock; }, ({ _lock; _T; }), _type _T);              \
	static inline void *class_##_name##_lock_ptr(class_##_name##_t *_T) { return *_T; }
#define guard(_name) CLASS(_name, __UNIQUE_ID(guard))
#define __scoped_guard_label(l) __PASTE(l, __COUNTER__)
#define scoped_guard(_name, args...)                                                               \
	for (CLASS(_name, scope)(args), *__done = NULL; class_##_name##_lock_ptr(&scope) && !__done; \
	     __done = (void *)1)

/* a lock-guard class whose state is a struct (irqsave keeps flags) */
#define DEFINE_LOCK_GUARD_1(_name, _type, _lock, _unlock, ...)                                     \
	typedef struct {                                                                           \
		_type *lock;                                                                       \
		__VA_ARGS__;                                                                       \
	} class_##_name##_t;                                                                       \
	static inline void class_##_name##_destructor(class_##_name##_t *_T)                       \
	{                                                                                          \
		if (_T->lock) {                                                                    \
			_unlock;                                                                   \
		}                                                                                  \
	}                                                                                          \
	static inline void *class_##_name##_lock_ptr(class_##_name##_t *_T) { return _T->lock; }   \
	static inline class_##_name##_t class_##_name##_constructor(_type *l)                      \
	{                                                                                          \
		class_##_name##_t _t = {.lock = l}, *_T = &_t;                                     \
		_lock;                                                                             \
		return _t;                                                                         \
	}
#define DEFINE_LOCK_GUARD_0(_name, _lock, _unlock, ...)                                            \
	typedef struct {                                                                           \
		void *lock;                                                                        \
		__VA_ARGS__;                                                                       \
	} class_##_name##_t;                                                                       \
	static inline void class_##_name##_destructor(class_##_name##_t *_T)                       \
	{                                                                                          \
		if (_T->lock) {                                                                    \
			_unlock;                                                                   \
		}                                                                                  \
	}                                                                                          \
	static inline void *class_##_name##_lock_ptr(class_##_name##_t *_T) { return _T->lock; }   \
	static inline class_##_name##_t class_##_name##_constructor(void)                          \
	{                                                                                          \
		class_##_name##_t _t = {.lock = (void *)1}, *_T __maybe_unused = &_t;              \
		_lock;                                                                             \
		return _t;                                                                         \
	}

#endif
