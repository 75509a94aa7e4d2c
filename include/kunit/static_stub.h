/* SPDX-License-Identifier: MIT */
/*
 * kunit/static_stub.h - replace a function for the running KUnit case: the
 * function starts with KUNIT_STATIC_STUB_REDIRECT(itself, args...), and a
 * case calls kunit_activate_static_stub(test, real, replacement). Outside a
 * case (or with no stub active) the redirect costs one thread-local load.
 * Stubs end with the case, or at kunit_deactivate_static_stub().
 */
#ifndef _UKMEM_KUNIT_STATIC_STUB_H
#define _UKMEM_KUNIT_STATIC_STUB_H

#include <kunit/test.h>

#ifdef __cplusplus
extern "C" {
#endif

void *__kunit_get_static_stub_address(struct kunit *test, void *real_fn_addr);
void __kunit_activate_static_stub(struct kunit *test, void *real_fn_addr, void *replacement_addr);
void kunit_deactivate_static_stub(struct kunit *test, void *real_fn_addr);

#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...)                                          \
	do {                                                                                       \
		__typeof__(&real_fn_name) __replacement;                                           \
		struct kunit *__test = kunit_get_current_test();                                   \
		if (likely(!__test))                                                               \
			break;                                                                     \
		__replacement = (__typeof__(&real_fn_name))__kunit_get_static_stub_address(        \
		    __test, (void *)&real_fn_name);                                                \
		if (__replacement)                                                                 \
			return __replacement(args);                                                \
	} while (0)

/* the replacement must have the real function's type */
#define kunit_activate_static_stub(test, real_fn_addr, replacement_addr)                           \
	do {                                                                                       \
		_Static_assert(__builtin_types_compatible_p(__typeof__(&*(real_fn_addr)),          \
							    __typeof__(&*(replacement_addr))),     \
			       "static stub of another type");                                     \
		__kunit_activate_static_stub(test, (void *)(real_fn_addr),                         \
					     (void *)(replacement_addr));                          \
	} while (0)

#ifdef __cplusplus
}
#endif
#endif
