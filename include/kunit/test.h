/* SPDX-License-Identifier: MIT */
/*
 * kunit/test.h - the KUnit API (Linux 6.12 names and shapes): suites of
 * cases, KUNIT_EXPECT_* / KUNIT_ASSERT_*, parameterised cases, managed
 * allocations and named resources, results printed as KTAP version 1 the
 * way lib/kunit/test.c prints them, so tools/testing/kunit/kunit.py parses
 * them. Written for ukmem (docs/kunit.md); no kernel code.
 *
 * Suites registered with kunit_test_suite(s)() are collected when the
 * program starts (a constructor per registration, so in link order) and run
 * by ukmem_kunit_run_all() or by the main of libukmem_kunit_main.a.
 * A case runs on the runner's thread; a failed ASSERT or kunit_skip()
 * leaves the case with a longjmp (the kernel ends the case's kthread), so
 * code after it in the case does not run and the case's exit() still does.
 */
#ifndef _UKMEM_KUNIT_TEST_H
#define _UKMEM_KUNIT_TEST_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/test-bug.h>
#include <linux/module.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KUNIT_PARAM_DESC_SIZE	  128
#define KUNIT_STATUS_COMMENT_SIZE 256
#define KUNIT_SUBTEST_INDENT	  "    "
#define KUNIT_SUBSUBTEST_INDENT	  "        "
#define KUNIT_INDENT_LEN	  4

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

enum kunit_assert_type {
	KUNIT_ASSERTION,
	KUNIT_EXPECTATION,
};

struct kunit;

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	/* private: the runner's */
	enum kunit_status status;
};

#define KUNIT_CASE(test_name)                                                                      \
	{                                                                                          \
		.run_case = test_name, .name = #test_name                                          \
	}
#define KUNIT_CASE_SLOW(test_name) KUNIT_CASE(test_name)
#define KUNIT_CASE_PARAM(test_name, gen_params)                                                    \
	{                                                                                          \
		.run_case = test_name, .name = #test_name, .generate_params = gen_params           \
	}

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
	/* private: the runner's */
	char status_comment[KUNIT_STATUS_COMMENT_SIZE];
	int suite_init_err;
};

struct kunit {
	void *priv; /* for the test's own use */
	/* read-only for tests */
	const char *name;
	const void *param_value;
	int param_index;
	/* private: the runner's */
	enum kunit_status status;
	char status_comment[KUNIT_STATUS_COMMENT_SIZE];
	struct list_head resources;
	int lock;	 /* protects resources and status: another thread may expect */
	void *try_catch; /* the runner's jump buffer; NULL outside a case */
};

/* ---- registration ---- */

/* one kunit_test_suites() line: an array of suites and the link to the next line */
struct kunit_suite_set_node {
	struct kunit_suite *const *suites;
	int nr;
	struct kunit_suite_set_node *next;
};
void __kunit_register_suites(struct kunit_suite_set_node *node);

#define __KUNIT_SUITES(id, ...)                                                                    \
	static struct kunit_suite *const __PASTE(__kunit_suites_, id)[] = {__VA_ARGS__};           \
	static struct kunit_suite_set_node __PASTE(__kunit_node_, id) = {                          \
	    __PASTE(__kunit_suites_, id),                                                          \
	    (int)(sizeof(__PASTE(__kunit_suites_, id)) / sizeof(struct kunit_suite *)), NULL};     \
	static void __attribute__((constructor)) __PASTE(__kunit_register_, id)(void)              \
	{                                                                                          \
		__kunit_register_suites(&__PASTE(__kunit_node_, id));                              \
	}
#define kunit_test_suites(...)		     __KUNIT_SUITES(__COUNTER__, __VA_ARGS__)
#define kunit_test_suite(suite)		     kunit_test_suites(&suite)
#define kunit_test_init_section_suites(...)  kunit_test_suites(__VA_ARGS__)
#define kunit_test_init_section_suite(suite) kunit_test_suite(suite)

/* ---- the runner (ukmem) ---- */

/*
 * ukmem_kunit_run_all - run every registered suite: "KTAP version 1",
 * "1..N", then each suite's subtest block. Results go to the kernel log and,
 * when @out is not NULL, to @out as well (then not echoed on the console).
 * @glob: NULL, or "suite" / "suite.case" with '*' wildcards, as
 * kunit.filter_glob. Return: the number of suites that failed.
 */
int ukmem_kunit_run_all(FILE *out, const char *glob);
/* ukmem_kunit_run_suites - the same for @nr suites of one's own. */
int ukmem_kunit_run_suites(struct kunit_suite *const *suites, int nr, FILE *out, const char *glob);
/*
 * ukmem_kunit_main - the main of a KUnit test program: boots the machine
 * (UKMEM_CMDLINE, or argv[1] when it has '='), which runs the program's
 * module_init()s, runs the suites (argv: a filter glob), shuts down.
 * Return: 0 when every suite passed and no initcall failed, else 1.
 */
int ukmem_kunit_main(int argc, char **argv);

/* ---- status ---- */

void kunit_set_failure(struct kunit *test);
void __kunit_mark_skipped(struct kunit *test, const char *fmt, ...) __printf(2, 3);
void __noreturn __kunit_abort(struct kunit *test);
#define kunit_mark_skipped(test, fmt, ...) __kunit_mark_skipped(test, fmt, ##__VA_ARGS__)
#define kunit_skip(test, fmt, ...)                                                                 \
	do {                                                                                       \
		kunit_mark_skipped((test), fmt, ##__VA_ARGS__);                                    \
		__kunit_abort((test));                                                             \
	} while (0)

/* kunit_log - one line (or several) into the test's output at level @lvl */
void __kunit_printk(const char *lvl, const char *fmt, ...) __printf(2, 3);
#define kunit_log(lvl, test_or_suite, fmt, ...) __kunit_printk(lvl, fmt, ##__VA_ARGS__)
#define kunit_printk(lvl, test, fmt, ...)                                                          \
	__kunit_printk(lvl, KUNIT_SUBTEST_INDENT "# %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_info(test, fmt, ...) kunit_printk(KERN_INFO, test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...) kunit_printk(KERN_WARNING, test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)  kunit_printk(KERN_ERR, test, fmt, ##__VA_ARGS__)

/* ---- resources and managed memory ---- */

struct kunit_resource;
typedef int (*kunit_resource_init_t)(struct kunit_resource *, void *);
typedef void (*kunit_resource_free_t)(struct kunit_resource *);
typedef void(kunit_action_t)(void *);

struct kunit_resource {
	void *data;
	const char *name;
	kunit_resource_free_t free;
	/* private */
	int refcount;
	struct list_head node;
	bool should_kfree;	/* the runner allocated it */
	kunit_action_t *action; /* a deferred action's function, its ctx in data */
};

int kunit_add_resource(struct kunit *test, kunit_resource_init_t init, kunit_resource_free_t free,
		       struct kunit_resource *res, void *data);
int kunit_add_named_resource(struct kunit *test, kunit_resource_init_t init,
			     kunit_resource_free_t free, struct kunit_resource *res,
			     const char *name, void *data);
struct kunit_resource *kunit_find_named_resource(struct kunit *test, const char *name);
typedef bool (*kunit_resource_match_t)(struct kunit *test, struct kunit_resource *res,
				       void *match_data);
/* kunit_find_resource - the newest resource @match accepts, referenced (kunit_put_resource) */
struct kunit_resource *kunit_find_resource(struct kunit *test, kunit_resource_match_t match,
					   void *match_data);
void kunit_get_resource(struct kunit_resource *res);
void kunit_put_resource(struct kunit_resource *res);
void kunit_remove_resource(struct kunit *test, struct kunit_resource *res);
int kunit_destroy_named_resource(struct kunit *test, const char *name);

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx);
int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action, void *ctx);
void kunit_remove_action(struct kunit *test, kunit_action_t *action, void *ctx);
void kunit_release_action(struct kunit *test, kunit_action_t *action, void *ctx);

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);
static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}
static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}
static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}
char *kunit_kstrdup(struct kunit *test, const char *str, gfp_t gfp);

/* ---- expectations and assertions ---- */

void __kunit_fail_unary(struct kunit *test, const char *file, int line, enum kunit_assert_type type,
			const char *text, bool expected_true, const char *fmt, ...);
void __kunit_fail_binary_int(struct kunit *test, const char *file, int line,
			     enum kunit_assert_type type, const char *ltext, const char *op,
			     const char *rtext, long long l, long long r, const char *fmt, ...);
void __kunit_fail_binary_ptr(struct kunit *test, const char *file, int line,
			     enum kunit_assert_type type, const char *ltext, const char *op,
			     const char *rtext, const void *l, const void *r, const char *fmt, ...);
void __kunit_fail_binary_str(struct kunit *test, const char *file, int line,
			     enum kunit_assert_type type, const char *ltext, const char *op,
			     const char *rtext, const char *l, const char *r, const char *fmt, ...);
void __kunit_fail_mem(struct kunit *test, const char *file, int line, enum kunit_assert_type type,
		      const char *ltext, const char *op, const char *rtext, const void *l,
		      const void *r, size_t size, const char *fmt, ...);
void __kunit_fail_ptr_not_err(struct kunit *test, const char *file, int line,
			      enum kunit_assert_type type, const char *text, const void *p,
			      const char *fmt, ...);
void __kunit_fail_msg(struct kunit *test, const char *file, int line, enum kunit_assert_type type,
		      const char *fmt, ...);

#define __KUNIT_END(test, type)                                                                    \
	do {                                                                                       \
		if ((type) == KUNIT_ASSERTION)                                                     \
			__kunit_abort(test);                                                       \
	} while (0)

#define KUNIT_FAIL_ASSERTION(test, type, fmt, ...)                                                 \
	do {                                                                                       \
		__kunit_fail_msg((test), __FILE__, __LINE__, type, fmt, ##__VA_ARGS__);            \
		__KUNIT_END(test, type);                                                           \
	} while (0)
#define KUNIT_FAIL(test, fmt, ...) KUNIT_FAIL_ASSERTION(test, KUNIT_EXPECTATION, fmt, ##__VA_ARGS__)
#define KUNIT_SUCCEED(test)                                                                        \
	do {                                                                                       \
	} while (0)

#define KUNIT_UNARY_ASSERTION(test, type, cond, expect_true, fmt, ...)                             \
	do {                                                                                       \
		if (likely(!!(cond) == !!(expect_true)))                                           \
			break;                                                                     \
		__kunit_fail_unary((test), __FILE__, __LINE__, type, #cond, (expect_true), fmt,    \
				   ##__VA_ARGS__);                                                 \
		__KUNIT_END(test, type);                                                           \
	} while (0)

#define KUNIT_BINARY_INT_ASSERTION(test, type, left, op, right, fmt, ...)                          \
	do {                                                                                       \
		const __typeof__(left) __left = (left);                                            \
		const __typeof__(right) __right = (right);                                         \
		if (likely(__left op __right))                                                     \
			break;                                                                     \
		__kunit_fail_binary_int((test), __FILE__, __LINE__, type, #left, #op, #right,      \
					(long long)__left, (long long)__right, fmt,                \
					##__VA_ARGS__);                                            \
		__KUNIT_END(test, type);                                                           \
	} while (0)

#define KUNIT_BINARY_PTR_ASSERTION(test, type, left, op, right, fmt, ...)                          \
	do {                                                                                       \
		const void *const __left = (const void *)(left);                                   \
		const void *const __right = (const void *)(right);                                 \
		if (likely(__left op __right))                                                     \
			break;                                                                     \
		__kunit_fail_binary_ptr((test), __FILE__, __LINE__, type, #left, #op, #right,      \
					__left, __right, fmt, ##__VA_ARGS__);                      \
		__KUNIT_END(test, type);                                                           \
	} while (0)

#define KUNIT_BINARY_STR_ASSERTION(test, type, left, op, right, fmt, ...)                          \
	do {                                                                                       \
		const char *__left = (left);                                                       \
		const char *__right = (right);                                                     \
		if (likely(strcmp(__left, __right) op 0))                                          \
			break;                                                                     \
		__kunit_fail_binary_str((test), __FILE__, __LINE__, type, #left, #op, #right,      \
					__left, __right, fmt, ##__VA_ARGS__);                      \
		__KUNIT_END(test, type);                                                           \
	} while (0)

#define KUNIT_MEM_ASSERTION(test, type, left, op, right, size_, fmt, ...)                          \
	do {                                                                                       \
		const void *__left = (left);                                                       \
		const void *__right = (right);                                                     \
		const size_t __size = (size_);                                                     \
		if (likely(__left && __right && memcmp(__left, __right, __size) op 0))             \
			break;                                                                     \
		__kunit_fail_mem((test), __FILE__, __LINE__, type, #left, #op, #right, __left,     \
				 __right, __size, fmt, ##__VA_ARGS__);                             \
		__KUNIT_END(test, type);                                                           \
	} while (0)

#define KUNIT_PTR_NOT_ERR_OR_NULL_ASSERTION(test, type, ptr, fmt, ...)                             \
	do {                                                                                       \
		const void *__ptr = (const void *)(ptr);                                           \
		if (likely(!IS_ERR_OR_NULL(__ptr)))                                                \
			break;                                                                     \
		__kunit_fail_ptr_not_err((test), __FILE__, __LINE__, type, #ptr, __ptr, fmt,       \
					 ##__VA_ARGS__);                                           \
		__KUNIT_END(test, type);                                                           \
	} while (0)

/* expectations: the case goes on */
#define KUNIT_EXPECT_TRUE_MSG(test, c, fmt, ...)                                                   \
	KUNIT_UNARY_ASSERTION(test, KUNIT_EXPECTATION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(test, c, fmt, ...)                                                  \
	KUNIT_UNARY_ASSERTION(test, KUNIT_EXPECTATION, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_EXPECTATION, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, fmt, ...)                                              \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE_MSG(test, l, r, fmt, ...)                                              \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NULL_MSG(test, p, fmt, ...)                                                   \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, p, ==, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(test, p, fmt, ...)                                               \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_EXPECTATION, p, !=, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, fmt, ...)                                        \
	KUNIT_PTR_NOT_ERR_OR_NULL_ASSERTION(test, KUNIT_EXPECTATION, p, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STREQ_MSG(test, l, r, fmt, ...)                                               \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ_MSG(test, l, r, fmt, ...)                                              \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMEQ_MSG(test, l, r, n, fmt, ...)                                            \
	KUNIT_MEM_ASSERTION(test, KUNIT_EXPECTATION, l, ==, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_MEMNEQ_MSG(test, l, r, n, fmt, ...)                                           \
	KUNIT_MEM_ASSERTION(test, KUNIT_EXPECTATION, l, !=, r, n, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_TRUE(test, c)	      KUNIT_EXPECT_TRUE_MSG(test, c, NULL)
#define KUNIT_EXPECT_FALSE(test, c)	      KUNIT_EXPECT_FALSE_MSG(test, c, NULL)
#define KUNIT_EXPECT_EQ(test, l, r)	      KUNIT_EXPECT_EQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_NE(test, l, r)	      KUNIT_EXPECT_NE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_LT(test, l, r)	      KUNIT_EXPECT_LT_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_LE(test, l, r)	      KUNIT_EXPECT_LE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_GT(test, l, r)	      KUNIT_EXPECT_GT_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_GE(test, l, r)	      KUNIT_EXPECT_GE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_PTR_EQ(test, l, r)	      KUNIT_EXPECT_PTR_EQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_PTR_NE(test, l, r)	      KUNIT_EXPECT_PTR_NE_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_NULL(test, p)	      KUNIT_EXPECT_NULL_MSG(test, p, NULL)
#define KUNIT_EXPECT_NOT_NULL(test, p)	      KUNIT_EXPECT_NOT_NULL_MSG(test, p, NULL)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p) KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, NULL)
#define KUNIT_EXPECT_STREQ(test, l, r)	      KUNIT_EXPECT_STREQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_STRNEQ(test, l, r)	      KUNIT_EXPECT_STRNEQ_MSG(test, l, r, NULL)
#define KUNIT_EXPECT_MEMEQ(test, l, r, n)     KUNIT_EXPECT_MEMEQ_MSG(test, l, r, n, NULL)
#define KUNIT_EXPECT_MEMNEQ(test, l, r, n)    KUNIT_EXPECT_MEMNEQ_MSG(test, l, r, n, NULL)

/* assertions: a failure ends the case */
#define KUNIT_ASSERT_TRUE_MSG(test, c, fmt, ...)                                                   \
	KUNIT_UNARY_ASSERTION(test, KUNIT_ASSERTION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(test, c, fmt, ...)                                                  \
	KUNIT_UNARY_ASSERTION(test, KUNIT_ASSERTION, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(test, l, r, fmt, ...)                                                  \
	KUNIT_BINARY_INT_ASSERTION(test, KUNIT_ASSERTION, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, fmt, ...)                                              \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE_MSG(test, l, r, fmt, ...)                                              \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL_MSG(test, p, fmt, ...)                                                   \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, p, ==, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL_MSG(test, p, fmt, ...)                                               \
	KUNIT_BINARY_PTR_ASSERTION(test, KUNIT_ASSERTION, p, !=, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, p, fmt, ...)                                        \
	KUNIT_PTR_NOT_ERR_OR_NULL_ASSERTION(test, KUNIT_ASSERTION, p, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STREQ_MSG(test, l, r, fmt, ...)                                               \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ_MSG(test, l, r, fmt, ...)                                              \
	KUNIT_BINARY_STR_ASSERTION(test, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_MEMEQ_MSG(test, l, r, n, fmt, ...)                                            \
	KUNIT_MEM_ASSERTION(test, KUNIT_ASSERTION, l, ==, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_MEMNEQ_MSG(test, l, r, n, fmt, ...)                                           \
	KUNIT_MEM_ASSERTION(test, KUNIT_ASSERTION, l, !=, r, n, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FAILURE(test, fmt, ...)                                                       \
	KUNIT_FAIL_ASSERTION(test, KUNIT_ASSERTION, fmt, ##__VA_ARGS__)

#define KUNIT_ASSERT_TRUE(test, c)	      KUNIT_ASSERT_TRUE_MSG(test, c, NULL)
#define KUNIT_ASSERT_FALSE(test, c)	      KUNIT_ASSERT_FALSE_MSG(test, c, NULL)
#define KUNIT_ASSERT_EQ(test, l, r)	      KUNIT_ASSERT_EQ_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_NE(test, l, r)	      KUNIT_ASSERT_NE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_LT(test, l, r)	      KUNIT_ASSERT_LT_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_LE(test, l, r)	      KUNIT_ASSERT_LE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_GT(test, l, r)	      KUNIT_ASSERT_GT_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_GE(test, l, r)	      KUNIT_ASSERT_GE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_PTR_EQ(test, l, r)	      KUNIT_ASSERT_PTR_EQ_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_PTR_NE(test, l, r)	      KUNIT_ASSERT_PTR_NE_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_NULL(test, p)	      KUNIT_ASSERT_NULL_MSG(test, p, NULL)
#define KUNIT_ASSERT_NOT_NULL(test, p)	      KUNIT_ASSERT_NOT_NULL_MSG(test, p, NULL)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p) KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, p, NULL)
#define KUNIT_ASSERT_STREQ(test, l, r)	      KUNIT_ASSERT_STREQ_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_STRNEQ(test, l, r)	      KUNIT_ASSERT_STRNEQ_MSG(test, l, r, NULL)
#define KUNIT_ASSERT_MEMEQ(test, l, r, n)     KUNIT_ASSERT_MEMEQ_MSG(test, l, r, n, NULL)
#define KUNIT_ASSERT_MEMNEQ(test, l, r, n)    KUNIT_ASSERT_MEMNEQ_MSG(test, l, r, n, NULL)

/* ---- parameterised cases ---- */

#define KUNIT_ARRAY_PARAM(name, array, get_desc)                                                   \
	static const void *name##_gen_params(const void *prev, char *desc)                         \
	{                                                                                          \
		__typeof__((array)[0]) *__next = prev ? ((__typeof__(__next))prev) + 1 : (array);  \
		if (__next - (array) < (long)ARRAY_SIZE(array)) {                                  \
			void (*__get_desc)(__typeof__(__next), char *) = get_desc;                 \
			if (__get_desc)                                                            \
				__get_desc(__next, desc);                                          \
			return __next;                                                             \
		}                                                                                  \
		return NULL;                                                                       \
	}
#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)                                           \
	static const void *name##_gen_params(const void *prev, char *desc)                         \
	{                                                                                          \
		__typeof__((array)[0]) *__next = prev ? ((__typeof__(__next))prev) + 1 : (array);  \
		if (__next - (array) < (long)ARRAY_SIZE(array)) {                                  \
			strscpy(desc, __next->desc_member, KUNIT_PARAM_DESC_SIZE);                 \
			return __next;                                                             \
		}                                                                                  \
		return NULL;                                                                       \
	}

#ifdef __cplusplus
}
#endif
#endif
