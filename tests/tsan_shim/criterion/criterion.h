/* SPDX-License-Identifier: MIT */
/*
 * A minimal stand-in for Criterion, used ONLY for the ThreadSanitizer build.
 *
 * Why: Criterion aborts at start-up under ThreadSanitizer ("Could not
 * initialize inheritable arena: Resource temporarily unavailable",
 * Snaipe/Criterion#274, still open). The tsan preset compiles the same test
 * sources against this header instead. It supports the subset the suite
 * uses: Test(suite, name, .init/.fini/.signal/.exit_code/.timeout/.disabled),
 * TestSuite(suite, .init/.fini),
 * the classic cr_assert_... and cr_expect_... forms, cr_fail, cr_skip_test, cr_log_info.
 * Every test runs in its own forked child, as Criterion does.
 */
#ifndef UKMEM_TSAN_SHIM_CRITERION_H
#define UKMEM_TSAN_SHIM_CRITERION_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct criterion_test_extra_data {
	void (*init)(void);
	void (*fini)(void);
	int signal;
	int exit_code;
	double timeout;
	bool disabled;
	const char *description;
};

struct shim_test {
	const char *suite, *name;
	void (*fn)(void);
	struct criterion_test_extra_data data;
	struct shim_test *next;
};

void shim_register(struct shim_test *t);
void shim_fail(const char *file, int line, bool fatal, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void shim_skip(const char *fmt, ...);
void shim_log(const char *lvl, const char *fmt, ...);

#define Test(suite, name, ...)                                                   \
	static void suite##_##name##_fn(void);                                   \
	static struct shim_test suite##_##name##_test = {                        \
		#suite, #name, suite##_##name##_fn,                              \
		{ __VA_ARGS__ }, NULL };                                         \
	__attribute__((constructor)) static void suite##_##name##_reg(void)     \
	{                                                                        \
		shim_register(&suite##_##name##_test);                           \
	}                                                                        \
	static void suite##_##name##_fn(void)

struct shim_suite {
	const char *name;
	struct criterion_test_extra_data data;
	struct shim_suite *next;
};
void shim_register_suite(struct shim_suite *s);

/* suite-wide .init/.fini: run around each of its tests, outside the test's own */
#define TestSuite(suite, ...)                                                    \
	static struct shim_suite suite##_suite = { #suite, { __VA_ARGS__ }, NULL }; \
	__attribute__((constructor)) static void suite##_suite_reg(void)        \
	{                                                                        \
		shim_register_suite(&suite##_suite);                             \
	}

#define __shim_check(fatal, cond, expr, ...)                                     \
	do {                                                                     \
		if (!(cond))                                                     \
			shim_fail(__FILE__, __LINE__, fatal, expr, "" __VA_ARGS__); \
	} while (0)

#define cr_assert(cond, ...)	__shim_check(true, (cond), #cond, ##__VA_ARGS__)
#define cr_expect(cond, ...)	__shim_check(false, (cond), #cond, ##__VA_ARGS__)
#define cr_assert_not(cond, ...) __shim_check(true, !(cond), "!(" #cond ")", ##__VA_ARGS__)
#define cr_expect_not(cond, ...) __shim_check(false, !(cond), "!(" #cond ")", ##__VA_ARGS__)
#define cr_fail(...)		shim_fail(__FILE__, __LINE__, true, "cr_fail", "" __VA_ARGS__)
#define cr_assert_fail(...)	cr_fail(__VA_ARGS__)
#define cr_skip_test(...)	shim_skip("" __VA_ARGS__)
#define cr_log_info(...)	shim_log("info", __VA_ARGS__)
#define cr_log_warn(...)	shim_log("warn", __VA_ARGS__)
#define cr_log_error(...)	shim_log("error", __VA_ARGS__)

#define __shim_cmp(fatal, a, op, b, ...) \
	__shim_check(fatal, ((a) op (b)), #a " " #op " " #b, ##__VA_ARGS__)
#define cr_assert_eq(a, b, ...)  __shim_cmp(true, a, ==, b, ##__VA_ARGS__)
#define cr_assert_neq(a, b, ...) __shim_cmp(true, a, !=, b, ##__VA_ARGS__)
#define cr_assert_lt(a, b, ...)  __shim_cmp(true, a, <, b, ##__VA_ARGS__)
#define cr_assert_leq(a, b, ...) __shim_cmp(true, a, <=, b, ##__VA_ARGS__)
#define cr_assert_gt(a, b, ...)  __shim_cmp(true, a, >, b, ##__VA_ARGS__)
#define cr_assert_geq(a, b, ...) __shim_cmp(true, a, >=, b, ##__VA_ARGS__)
#define cr_expect_eq(a, b, ...)  __shim_cmp(false, a, ==, b, ##__VA_ARGS__)
#define cr_expect_neq(a, b, ...) __shim_cmp(false, a, !=, b, ##__VA_ARGS__)
#define cr_expect_lt(a, b, ...)  __shim_cmp(false, a, <, b, ##__VA_ARGS__)
#define cr_expect_leq(a, b, ...) __shim_cmp(false, a, <=, b, ##__VA_ARGS__)
#define cr_expect_gt(a, b, ...)  __shim_cmp(false, a, >, b, ##__VA_ARGS__)
#define cr_expect_geq(a, b, ...) __shim_cmp(false, a, >=, b, ##__VA_ARGS__)
#define cr_assert_null(p, ...)      __shim_check(true, (p) == NULL, #p " == NULL", ##__VA_ARGS__)
#define cr_assert_not_null(p, ...)  __shim_check(true, (p) != NULL, #p " != NULL", ##__VA_ARGS__)
#define cr_expect_null(p, ...)      __shim_check(false, (p) == NULL, #p " == NULL", ##__VA_ARGS__)
#define cr_expect_not_null(p, ...)  __shim_check(false, (p) != NULL, #p " != NULL", ##__VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)  __shim_check(true, strcmp((a), (b)) == 0, #a " streq " #b, ##__VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) __shim_check(true, strcmp((a), (b)) != 0, #a " strneq " #b, ##__VA_ARGS__)
#define cr_expect_str_eq(a, b, ...)  __shim_check(false, strcmp((a), (b)) == 0, #a " streq " #b, ##__VA_ARGS__)
#define cr_assert_str_empty(a, ...)  __shim_check(true, (a)[0] == 0, #a " empty", ##__VA_ARGS__)
#define cr_assert_str_not_empty(a, ...) __shim_check(true, (a)[0] != 0, #a " not empty", ##__VA_ARGS__)
#define cr_assert_arr_eq(a, b, n, ...) __shim_check(true, memcmp((a), (b), (n)) == 0, #a " arreq " #b, ##__VA_ARGS__)
#define cr_assert_arr_neq(a, b, n, ...) __shim_check(true, memcmp((a), (b), (n)) != 0, #a " arrneq " #b, ##__VA_ARGS__)
#define cr_assert_float_eq(a, b, eps, ...) __shim_check(true, ((a) - (b)) <= (eps) && ((b) - (a)) <= (eps), #a " ~= " #b, ##__VA_ARGS__)

#endif
