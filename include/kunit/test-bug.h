/* SPDX-License-Identifier: MIT */
/*
 * kunit/test-bug.h - what code under test may ask of KUnit: the test running
 * on this thread (NULL outside a case), and a way to fail it from deep
 * inside (slab's error counting uses the first, see docs/kunit.md).
 */
#ifndef _UKMEM_KUNIT_TEST_BUG_H
#define _UKMEM_KUNIT_TEST_BUG_H

#include <linux/compiler.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kunit;
struct kunit *kunit_get_current_test(void);
void __kunit_fail_current_test_impl(const char *file, int line, const char *fmt, ...)
    __printf(3, 4);
#define kunit_fail_current_test(fmt, ...)                                                          \
	__kunit_fail_current_test_impl(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

#ifdef __cplusplus
}
#endif
#endif
