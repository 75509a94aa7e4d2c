// SPDX-License-Identifier: MIT
/*
 * kunit.c - the KUnit runner: runs registered suites case by case and
 * prints the results as KTAP version 1 in lib/kunit/test.c's layout
 * (docs/kunit.md shows a full run):
 *
 *   KTAP version 1                 <- ukmem_kunit_run_all(): one per run
 *   1..<suites>
 *       KTAP version 1             <- per suite, indented 4
 *       # Subtest: <suite>
 *       1..<cases>
 *           KTAP version 1         <- per parameterised case, indented 8
 *           # Subtest: <case>
 *           ok 1 <param desc>
 *       # <case>: pass:P fail:F skip:S total:T   (only when total > 1)
 *       ok 1 <case>[ # SKIP <why>]
 *   # <suite>: pass:.. fail:.. skip:.. total:..  (cases; only when > 1)
 *   # Totals: pass:.. fail:.. skip:.. total:..   (params counted; only when > 1)
 *   ok 1 <suite>
 *
 * A failed expectation prints "    # <case>: EXPECTATION FAILED at
 * file:line" and the kernel's "Expected a == b, but" block. Every line goes
 * to the kernel log (KERN_INFO, failures KERN_ERR) and, when the caller gave
 * a FILE, to that FILE too, without console echo, so a test program's stdout
 * is plain KTAP for `kunit.py parse`.
 *
 * Threads: one runner at a time (run_lock). Cases run on the runner's
 * thread; current_test is that thread's, so code under test running on
 * other threads does not count toward the case (as the kernel's
 * current->kunit_test). A test's resource list and status are guarded by
 * test->lock (a spin on an int: the report path may ask from any context).
 */
#include <kunit/test.h>
#include <kunit/static_stub.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <ukmem.h>
#include <fnmatch.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

#include "machine/machine.h"
#include "machine/report.h"

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kunit_suite_set_node *suite_sets, **suite_sets_tail = &suite_sets;
static __thread struct kunit *current_test;
static FILE *ktap_out; /* under run_lock */

struct kunit_try_catch {
	jmp_buf env;
};

__ukmem_export void __kunit_register_suites(struct kunit_suite_set_node *node)
{
	/* constructors run one at a time, before main: link order kept */
	node->next = NULL;
	*suite_sets_tail = node;
	suite_sets_tail = &node->next;
}

__ukmem_export struct kunit *kunit_get_current_test(void)
{
	return current_test;
}

static void test_lock(struct kunit *test)
{
	while (__atomic_exchange_n(&test->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&test->lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static void test_unlock(struct kunit *test)
{
	__atomic_store_n(&test->lock, 0, __ATOMIC_RELEASE);
}

/* ---- output ---- */

static void kunit_vemit(const char *lvl, const char *fmt, va_list ap)
{
	char buf[4096];
	FILE *out = ktap_out;

	vscnprintf(buf, sizeof(buf), fmt, ap);
	if (out) {
		fputs(buf, out);
		if (!buf[0] || buf[strlen(buf) - 1] != '\n')
			fputc('\n', out);
		fflush(out);
		printk_no_console = true;
	}
	printk("%s%s%s", lvl, buf, buf[0] && buf[strlen(buf) - 1] == '\n' ? "" : "\n");
	printk_no_console = false;
}

static __printf(2, 3) void kunit_emit(const char *lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kunit_vemit(lvl, fmt, ap);
	va_end(ap);
}

__ukmem_export void __kunit_printk(const char *lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kunit_vemit(lvl, fmt, ap);
	va_end(ap);
}

/* ---- status ---- */

__ukmem_export void kunit_set_failure(struct kunit *test)
{
	test_lock(test);
	test->status = KUNIT_FAILURE;
	test_unlock(test);
}

__ukmem_export void __kunit_mark_skipped(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	test_lock(test);
	if (test->status != KUNIT_FAILURE)
		test->status = KUNIT_SKIPPED;
	va_start(ap, fmt);
	vscnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
	test_unlock(test);
}

__ukmem_export void __kunit_abort(struct kunit *test)
{
	struct kunit_try_catch *tc = test->try_catch;

	/*
	 * Only the runner's thread can leave the case; an assertion failing on
	 * another thread marks the case failed and that thread goes on (the
	 * kernel cannot stop a foreign kthread either).
	 */
	if (tc && current_test == test)
		longjmp(tc->env, 1);
	kunit_emit(KERN_ERR, "    # %s: assertion failed on another thread: that thread exits",
		   test->name);
	pthread_exit(NULL);
}

__ukmem_export void __kunit_fail_current_test_impl(const char *file, int line, const char *fmt, ...)
{
	struct kunit *test = current_test;
	char buf[512];
	va_list ap;

	if (!test)
		return;
	kunit_set_failure(test);
	va_start(ap, fmt);
	vscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kunit_err(test, "%s:%d: %s", report_file(file), line, buf);
}

/* ---- failure text (lib/kunit/assert.c's wording) ---- */

struct fail_buf {
	char s[4096];
	size_t n;
};

static __printf(2, 3) void fb_add(struct fail_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	b->n += vscnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
}

static void fb_prologue(struct fail_buf *b, enum kunit_assert_type type, const char *file, int line)
{
	b->n = 0;
	fb_add(b, "%s FAILED at %s:%d\n", type == KUNIT_ASSERTION ? "ASSERTION" : "EXPECTATION",
	       report_file(file), line);
}

static void fb_msg(struct fail_buf *b, const char *fmt, va_list ap)
{
	if (fmt) {
		fb_add(b, "\n");
		b->n += vscnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	}
}

static void fb_finish(struct kunit *test, struct fail_buf *b)
{
	kunit_set_failure(test);
	kunit_err(test, "%s", b->s);
}

/* a literal operand ("3", "-1") needs no "3 == 3 (0x3)" line */
static bool is_literal(const char *text, long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", value);
	return !strcmp(text, buf);
}

__ukmem_export void __kunit_fail_msg(struct kunit *test, const char *file, int line,
				     enum kunit_assert_type type, const char *fmt, ...)
{
	struct fail_buf b;
	va_list ap;

	fb_prologue(&b, type, file, line);
	if (fmt) {
		va_start(ap, fmt);
		b.n += vscnprintf(b.s + b.n, sizeof(b.s) - b.n, fmt, ap);
		va_end(ap);
	}
	fb_finish(test, &b);
}

__ukmem_export void __kunit_fail_unary(struct kunit *test, const char *file, int line,
				       enum kunit_assert_type type, const char *text,
				       bool expected_true, const char *fmt, ...)
{
	struct fail_buf b;
	va_list ap;

	fb_prologue(&b, type, file, line);
	fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s to be %s, but is %s", text,
	       expected_true ? "true" : "false", expected_true ? "false" : "true");
	va_start(ap, fmt);
	fb_msg(&b, fmt, ap);
	va_end(ap);
	fb_finish(test, &b);
}

__ukmem_export void __kunit_fail_binary_int(struct kunit *test, const char *file, int line,
					    enum kunit_assert_type type, const char *ltext,
					    const char *op, const char *rtext, long long l,
					    long long r, const char *fmt, ...)
{
	struct fail_buf b;
	va_list ap;

	fb_prologue(&b, type, file, line);
	fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n", ltext, op, rtext);
	if (!is_literal(ltext, l))
		fb_add(&b, KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)\n", ltext, l, l);
	if (!is_literal(rtext, r))
		fb_add(&b, KUNIT_SUBSUBTEST_INDENT "%s == %lld (0x%llx)", rtext, r, r);
	if (b.n && b.s[b.n - 1] == '\n')
		b.s[--b.n] = 0;
	va_start(ap, fmt);
	fb_msg(&b, fmt, ap);
	va_end(ap);
	fb_finish(test, &b);
}

__ukmem_export void __kunit_fail_binary_ptr(struct kunit *test, const char *file, int line,
					    enum kunit_assert_type type, const char *ltext,
					    const char *op, const char *rtext, const void *l,
					    const void *r, const char *fmt, ...)
{
	struct fail_buf b;
	va_list ap;

	fb_prologue(&b, type, file, line);
	fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n", ltext, op, rtext);
	fb_add(&b, KUNIT_SUBSUBTEST_INDENT "%s == %px\n", ltext, l);
	fb_add(&b, KUNIT_SUBSUBTEST_INDENT "%s == %px", rtext, r);
	va_start(ap, fmt);
	fb_msg(&b, fmt, ap);
	va_end(ap);
	fb_finish(test, &b);
}

__ukmem_export void __kunit_fail_binary_str(struct kunit *test, const char *file, int line,
					    enum kunit_assert_type type, const char *ltext,
					    const char *op, const char *rtext, const char *l,
					    const char *r, const char *fmt, ...)
{
	struct fail_buf b;
	va_list ap;

	fb_prologue(&b, type, file, line);
	fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n", ltext, op, rtext);
	if (ltext[0] != '"')
		fb_add(&b, KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"\n", ltext, l);
	if (rtext[0] != '"')
		fb_add(&b, KUNIT_SUBSUBTEST_INDENT "%s == \"%s\"", rtext, r);
	if (b.n && b.s[b.n - 1] == '\n')
		b.s[--b.n] = 0;
	va_start(ap, fmt);
	fb_msg(&b, fmt, ap);
	va_end(ap);
	fb_finish(test, &b);
}

static void fb_hex(struct fail_buf *b, const u8 *p, const u8 *other, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (i % 16 == 0)
			fb_add(b, "%s" KUNIT_SUBSUBTEST_INDENT, i ? "\n" : "");
		/* the kernel marks differing bytes with <>, as here */
		if (other && p[i] != other[i])
			fb_add(b, "<%02x>", p[i]);
		else
			fb_add(b, " %02x ", p[i]);
	}
}

__ukmem_export void __kunit_fail_mem(struct kunit *test, const char *file, int line,
				     enum kunit_assert_type type, const char *ltext, const char *op,
				     const char *rtext, const void *l, const void *r, size_t size,
				     const char *fmt, ...)
{
	struct fail_buf b;
	va_list ap;

	fb_prologue(&b, type, file, line);
	if (!l || !r) {
		fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s is not null, but is",
		       !l ? ltext : rtext);
	} else {
		fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s %s %s, but\n", ltext, op, rtext);
		fb_add(&b, KUNIT_SUBSUBTEST_INDENT "%s ==\n", ltext);
		fb_hex(&b, l, r, size);
		fb_add(&b, "\n" KUNIT_SUBSUBTEST_INDENT "%s ==\n", rtext);
		fb_hex(&b, r, l, size);
	}
	va_start(ap, fmt);
	fb_msg(&b, fmt, ap);
	va_end(ap);
	fb_finish(test, &b);
}

__ukmem_export void __kunit_fail_ptr_not_err(struct kunit *test, const char *file, int line,
					     enum kunit_assert_type type, const char *text,
					     const void *p, const char *fmt, ...)
{
	struct fail_buf b;
	va_list ap;

	fb_prologue(&b, type, file, line);
	if (!p)
		fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s is not null, but is", text);
	else
		fb_add(&b, KUNIT_SUBTEST_INDENT "Expected %s is not error, but is: %ld", text,
		       PTR_ERR(p));
	va_start(ap, fmt);
	fb_msg(&b, fmt, ap);
	va_end(ap);
	fb_finish(test, &b);
}

/* ---- resources ---- */

__ukmem_export int kunit_add_resource(struct kunit *test, kunit_resource_init_t init,
				      kunit_resource_free_t free, struct kunit_resource *res,
				      void *data)
{
	int ret = 0;

	if (!test || !res)
		return -EINVAL;
	res->free = free;
	res->refcount = 1;
	if (init) {
		ret = init(res, data);
		if (ret)
			return ret;
	} else {
		res->data = data;
	}
	test_lock(test);
	list_add_tail(&res->node, &test->resources);
	test_unlock(test);
	return 0;
}

__ukmem_export int kunit_add_named_resource(struct kunit *test, kunit_resource_init_t init,
					    kunit_resource_free_t free, struct kunit_resource *res,
					    const char *name, void *data)
{
	struct kunit_resource *existing;

	if (!name)
		return -EINVAL;
	existing = kunit_find_named_resource(test, name);
	if (existing) {
		kunit_put_resource(existing);
		return -EEXIST;
	}
	res->name = name;
	return kunit_add_resource(test, init, free, res, data);
}

__ukmem_export struct kunit_resource *kunit_find_named_resource(struct kunit *test,
								const char *name)
{
	struct kunit_resource *res, *found = NULL;

	if (!test || !name)
		return NULL;
	test_lock(test);
	list_for_each_entry_reverse(res, &test->resources, node)
	{
		if (res->name && !strcmp(res->name, name)) {
			res->refcount++;
			found = res;
			break;
		}
	}
	test_unlock(test);
	return found;
}

__ukmem_export struct kunit_resource *
kunit_find_resource(struct kunit *test, kunit_resource_match_t match, void *match_data)
{
	struct kunit_resource *res, *found = NULL;

	if (!test || !match)
		return NULL;
	test_lock(test);
	list_for_each_entry_reverse(res, &test->resources, node)
	{
		if (match(test, res, match_data)) {
			res->refcount++;
			found = res;
			break;
		}
	}
	test_unlock(test);
	return found;
}

__ukmem_export void kunit_get_resource(struct kunit_resource *res)
{
	__atomic_add_fetch(&res->refcount, 1, __ATOMIC_RELAXED);
}

static void resource_release(struct kunit_resource *res)
{
	if (res->action)
		res->action(res->data);
	else if (res->free)
		res->free(res);
	if (res->should_kfree)
		free(res);
}

__ukmem_export void kunit_put_resource(struct kunit_resource *res)
{
	if (res && __atomic_sub_fetch(&res->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		resource_release(res);
}

__ukmem_export void kunit_remove_resource(struct kunit *test, struct kunit_resource *res)
{
	test_lock(test);
	list_del_init(&res->node);
	test_unlock(test);
	kunit_put_resource(res);
}

__ukmem_export int kunit_destroy_named_resource(struct kunit *test, const char *name)
{
	struct kunit_resource *res = kunit_find_named_resource(test, name);

	if (!res)
		return -ENOENT;
	kunit_remove_resource(test, res);
	kunit_put_resource(res);
	return 0;
}

__ukmem_export int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_resource *res;

	if (!test || !action)
		return -EINVAL;
	/* host memory: bookkeeping must not show in the machine's slab counts */
	res = calloc(1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->should_kfree = true;
	res->action = action;
	return kunit_add_resource(test, NULL, NULL, res, ctx);
}

__ukmem_export int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action, void *ctx)
{
	int ret = kunit_add_action(test, action, ctx);

	if (ret)
		action(ctx);
	return ret;
}

static struct kunit_resource *find_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_resource *res, *found = NULL;

	test_lock(test);
	list_for_each_entry_reverse(res, &test->resources, node)
	{
		if (res->action == action && res->data == ctx) {
			list_del_init(&res->node);
			found = res;
			break;
		}
	}
	test_unlock(test);
	return found;
}

__ukmem_export void kunit_remove_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_resource *res = find_action(test, action, ctx);

	if (res) {
		res->action = NULL; /* cancelled: not run */
		kunit_put_resource(res);
	}
}

__ukmem_export void kunit_release_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_resource *res = find_action(test, action, ctx);

	if (res)
		kunit_put_resource(res);
}

static void kfree_action(void *p)
{
	kfree(p);
}

__ukmem_export void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	void *p = kmalloc_array(n, size, gfp);

	if (p && kunit_add_action_or_reset(test, kfree_action, p))
		return NULL;
	return p;
}

__ukmem_export void kunit_kfree(struct kunit *test, const void *ptr)
{
	if (!ptr)
		return;
	kunit_release_action(test, kfree_action, (void *)ptr);
}

__ukmem_export char *kunit_kstrdup(struct kunit *test, const char *str, gfp_t gfp)
{
	size_t len;
	char *p;

	if (!str)
		return NULL;
	len = strlen(str) + 1;
	p = kunit_kmalloc(test, len, gfp);
	if (p)
		memcpy(p, str, len);
	return p;
}

/* every resource still held at the end of the case, newest first */
static void kunit_cleanup(struct kunit *test)
{
	struct kunit_resource *res;

	for (;;) {
		test_lock(test);
		if (list_empty(&test->resources)) {
			test_unlock(test);
			break;
		}
		res = list_last_entry(&test->resources, struct kunit_resource, node);
		list_del_init(&res->node);
		test_unlock(test);
		kunit_put_resource(res);
	}
}

/* ---- running ---- */

struct kunit_result_stats {
	unsigned long passed, skipped, failed, total;
};

static void stats_add(struct kunit_result_stats *st, enum kunit_status status)
{
	if (status == KUNIT_SUCCESS)
		st->passed++;
	else if (status == KUNIT_SKIPPED)
		st->skipped++;
	else
		st->failed++;
	st->total++;
}

static void print_stats(const char *indent, const char *name, struct kunit_result_stats st)
{
	if (st.total > 1)
		kunit_emit(KERN_INFO, "%s# %s: pass:%lu fail:%lu skip:%lu total:%lu", indent, name,
			   st.passed, st.failed, st.skipped, st.total);
}

static void print_ok(int indent, enum kunit_status status, size_t nr, const char *desc,
		     const char *comment)
{
	kunit_emit(KERN_INFO, "%*s%s %zu %s%s%s", indent, "",
		   status == KUNIT_FAILURE ? "not ok" : "ok", nr, desc,
		   status == KUNIT_SKIPPED ? " # SKIP " : "",
		   status == KUNIT_SKIPPED ? comment : "");
}

/* one run of one case (one parameter): init, case, exit, resources */
static void run_case_once(struct kunit_suite *suite, struct kunit_case *tc, struct kunit *test)
{
	struct kunit_try_catch try_catch;
	volatile bool init_done = false;
	int ret;

	test->try_catch = &try_catch;
	current_test = test;
	if (!setjmp(try_catch.env)) {
		if (suite->init) {
			ret = suite->init(test);
			if (ret) {
				kunit_err(test, "failed to initialize: %d", ret);
				kunit_set_failure(test);
				goto cleanup;
			}
		}
		init_done = true;
		tc->run_case(test);
	}
cleanup:
	/* exit() runs after an assertion too; a failing assertion in exit() ends only exit() */
	if (init_done && suite->exit && !setjmp(try_catch.env))
		suite->exit(test);
	test->try_catch = NULL;
	kunit_cleanup(test);
	current_test = NULL;
}

static void kunit_init_test(struct kunit *test, const char *name)
{
	memset(test, 0, sizeof(*test));
	test->name = name;
	INIT_LIST_HEAD(&test->resources);
}

static bool glob_match(const char *glob, const char *suite, const char *tcase)
{
	char sglob[256];
	const char *dot;

	if (!glob || !*glob)
		return true;
	dot = strchr(glob, '.');
	snprintf(sglob, sizeof(sglob), "%.*s", dot ? (int)(dot - glob) : (int)strlen(glob), glob);
	if (fnmatch(sglob, suite, 0))
		return false;
	return !tcase || !dot || !fnmatch(dot + 1, tcase, 0);
}

static size_t count_cases(struct kunit_suite *suite, const char *glob)
{
	struct kunit_case *tc;
	size_t n = 0;

	for (tc = suite->test_cases; tc && tc->run_case; tc++)
		if (glob_match(glob, suite->name, tc->name))
			n++;
	return n;
}

static enum kunit_status kunit_run_suite(struct kunit_suite *suite, size_t suite_nr,
					 const char *glob)
{
	struct kunit_result_stats suite_stats = {0}, total_stats = {0};
	enum kunit_status result = KUNIT_SKIPPED;
	char param_desc[KUNIT_PARAM_DESC_SIZE];
	struct kunit_case *tc;
	size_t nr = 0;

	suite->status_comment[0] = 0;
	suite->suite_init_err = 0;
	if (suite->suite_init) {
		suite->suite_init_err = suite->suite_init(suite);
		if (suite->suite_init_err) {
			kunit_emit(KERN_ERR, KUNIT_SUBTEST_INDENT "# %s: failed to initialize (%d)",
				   suite->name, suite->suite_init_err);
			result = KUNIT_FAILURE;
			goto end;
		}
	}
	kunit_emit(KERN_INFO, KUNIT_SUBTEST_INDENT "KTAP version 1");
	kunit_emit(KERN_INFO, KUNIT_SUBTEST_INDENT "# Subtest: %s", suite->name);
	kunit_emit(KERN_INFO, KUNIT_SUBTEST_INDENT "1..%zu", count_cases(suite, glob));

	for (tc = suite->test_cases; tc && tc->run_case; tc++) {
		struct kunit_result_stats param_stats = {0};
		struct kunit test;

		if (!glob_match(glob, suite->name, tc->name))
			continue;
		nr++;
		kunit_init_test(&test, tc->name);
		if (!tc->generate_params) {
			run_case_once(suite, tc, &test);
			tc->status = test.status;
			stats_add(&param_stats, test.status);
		} else {
			tc->status = KUNIT_SKIPPED;
			param_desc[0] = 0;
			test.param_value = tc->generate_params(NULL, param_desc);
			kunit_emit(KERN_INFO, KUNIT_SUBSUBTEST_INDENT "KTAP version 1");
			kunit_emit(KERN_INFO, KUNIT_SUBSUBTEST_INDENT "# Subtest: %s", tc->name);
			while (test.param_value) {
				run_case_once(suite, tc, &test);
				if (!param_desc[0])
					snprintf(param_desc, sizeof(param_desc), "param-%d",
						 test.param_index);
				print_ok(2 * KUNIT_INDENT_LEN, test.status, test.param_index + 1,
					 param_desc, test.status_comment);
				stats_add(&param_stats, test.status);
				if (test.status == KUNIT_FAILURE)
					tc->status = KUNIT_FAILURE;
				else if (tc->status != KUNIT_FAILURE &&
					 test.status == KUNIT_SUCCESS)
					tc->status = KUNIT_SUCCESS;
				param_desc[0] = 0;
				test.param_value =
				    tc->generate_params(test.param_value, param_desc);
				test.param_index++;
				test.status = KUNIT_SUCCESS;
				test.status_comment[0] = 0;
				test.priv = NULL;
			}
		}
		print_stats(KUNIT_SUBTEST_INDENT, tc->name, param_stats);
		print_ok(KUNIT_INDENT_LEN, tc->status, nr, tc->name, test.status_comment);
		stats_add(&suite_stats, tc->status);
		total_stats.passed += param_stats.passed;
		total_stats.failed += param_stats.failed;
		total_stats.skipped += param_stats.skipped;
		total_stats.total += param_stats.total;
		if (tc->status == KUNIT_FAILURE)
			result = KUNIT_FAILURE;
		else if (tc->status == KUNIT_SUCCESS && result != KUNIT_FAILURE)
			result = KUNIT_SUCCESS;
	}
	if (suite->suite_exit)
		suite->suite_exit(suite);
	print_stats("", suite->name, suite_stats);
	if (total_stats.total > 1)
		kunit_emit(KERN_INFO, "# Totals: pass:%lu fail:%lu skip:%lu total:%lu",
			   total_stats.passed, total_stats.failed, total_stats.skipped,
			   total_stats.total);
end:
	print_ok(0, result, suite_nr, suite->name, suite->status_comment);
	return result;
}

static bool suite_selected(struct kunit_suite *suite, const char *glob)
{
	return glob_match(glob, suite->name, NULL) &&
	       (!glob || !strchr(glob, '.') || count_cases(suite, glob));
}

__ukmem_export int ukmem_kunit_run_suites(struct kunit_suite *const *suites, int nr, FILE *out,
					  const char *glob)
{
	int i, failed = 0;
	size_t n = 0, sel = 0;

	if (nr < 0 || (nr && !suites))
		return -EINVAL;
	pthread_mutex_lock(&run_lock);
	ktap_out = out;
	for (i = 0; i < nr; i++)
		if (suites[i] && suite_selected(suites[i], glob))
			sel++;
	kunit_emit(KERN_INFO, "KTAP version 1");
	kunit_emit(KERN_INFO, "1..%zu", sel);
	for (i = 0; i < nr; i++) {
		if (!suites[i] || !suite_selected(suites[i], glob))
			continue;
		if (kunit_run_suite(suites[i], ++n, glob) == KUNIT_FAILURE)
			failed++;
	}
	ktap_out = NULL;
	pthread_mutex_unlock(&run_lock);
	return failed;
}

__ukmem_export int ukmem_kunit_run_all(FILE *out, const char *glob)
{
	struct kunit_suite_set_node *node;
	struct kunit_suite **all;
	int n = 0, ret;

	for (node = suite_sets; node; node = node->next)
		n += node->nr;
	all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	n = 0;
	for (node = suite_sets; node; node = node->next)
		for (int i = 0; i < node->nr; i++)
			all[n++] = node->suites[i];
	ret = ukmem_kunit_run_suites(all, n, out, glob);
	free(all);
	return ret;
}

/*
 * ukmem_kunit_main - boot (UKMEM_CMDLINE, or the first argument when it
 * holds '=': "mem=256M slub_debug=FZ"), which runs the module_init()s, run
 * the suites matching the next argument (a kunit.filter_glob), shut down
 * (module_exit()s). Failing: a suite, an initcall that returned an error,
 * a boot refused.
 */
__ukmem_export int ukmem_kunit_main(int argc, char **argv)
{
	const char *cmdline = getenv("UKMEM_CMDLINE"), *glob = NULL;
	int i, failed, ret;

	for (i = 1; i < argc; i++) {
		if (strchr(argv[i], '=') && !glob)
			cmdline = argv[i];
		else
			glob = argv[i];
	}
	ret = ukmem_boot(cmdline);
	if (ret) {
		fprintf(stderr, "ukmem: boot failed (%d)\n", ret);
		return 1;
	}
	failed = ukmem_kunit_run_all(stdout, glob);
	if (ukmem_initcall_failures())
		fprintf(stdout, "# ukmem: %d module_init() call(s) failed\n",
			ukmem_initcall_failures());
	ukmem_shutdown();
	return failed || ukmem_initcall_failures() ? 1 : 0;
}

/* ---- static stubs (kunit/static_stub.h) ---- */

struct static_stub {
	void *real, *replacement;
};

static void static_stub_free(struct kunit_resource *res)
{
	free(res->data);
	free(res);
}

static bool static_stub_match(struct kunit *test, struct kunit_resource *res, void *real)
{
	return res->free == static_stub_free && ((struct static_stub *)res->data)->real == real;
}

__ukmem_export void *__kunit_get_static_stub_address(struct kunit *test, void *real_fn_addr)
{
	struct kunit_resource *res = kunit_find_resource(test, static_stub_match, real_fn_addr);
	void *to;

	if (!res)
		return NULL;
	to = ((struct static_stub *)res->data)->replacement;
	kunit_put_resource(res);
	return to;
}

__ukmem_export void kunit_deactivate_static_stub(struct kunit *test, void *real_fn_addr)
{
	struct kunit_resource *res = kunit_find_resource(test, static_stub_match, real_fn_addr);

	if (!res) {
		KUNIT_FAIL(test, "Tried to deactivate a static stub that was not active");
		return;
	}
	kunit_remove_resource(test, res);
	kunit_put_resource(res);
}

__ukmem_export void __kunit_activate_static_stub(struct kunit *test, void *real_fn_addr,
						 void *replacement_addr)
{
	struct kunit_resource *res;
	struct static_stub *stub;

	if (!test || !real_fn_addr)
		return;
	/* a second activation replaces the first */
	res = kunit_find_resource(test, static_stub_match, real_fn_addr);
	if (res) {
		kunit_remove_resource(test, res);
		kunit_put_resource(res);
	}
	if (!replacement_addr)
		return;
	res = calloc(1, sizeof(*res));
	stub = calloc(1, sizeof(*stub));
	if (!res || !stub) {
		free(res);
		free(stub);
		KUNIT_FAIL(test, "Could not allocate a static stub");
		return;
	}
	stub->real = real_fn_addr;
	stub->replacement = replacement_addr;
	kunit_add_resource(test, NULL, static_stub_free, res, stub);
}
