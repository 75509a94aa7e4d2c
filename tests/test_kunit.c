// SPDX-License-Identifier: MIT
/*
 * test_kunit.c - the KUnit runner: the KTAP text of passing, failing,
 * skipped and parameterised cases line by line (lib/kunit/test.c's layout,
 * which kunit.py parses), assertions ending a case, init/exit order,
 * managed allocations freed at case end, named resources, filters, misuse.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <kunit/test.h>
#include <linux/slab.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static char *out_buf;
static size_t out_len;

/* run @suites into a string; its lines are compared with the expected ones */
static int run(struct kunit_suite *const *suites, int nr, const char *glob)
{
	FILE *f;
	int ret;

	free(out_buf);
	out_buf = NULL;
	f = open_memstream(&out_buf, &out_len);
	ret = ukmem_kunit_run_suites(suites, nr, f, glob);
	fclose(f);
	return ret;
}

static void expect_lines(const char *const *lines, int n)
{
	char *p = out_buf;
	int i;

	for (i = 0; i < n; i++) {
		char *nl = strchr(p, '\n');

		cr_assert(nl, "output ends before line %d (%s):\n%s", i + 1, lines[i], out_buf);
		*nl = 0;
		cr_assert_str_eq(p, lines[i], "line %d:\n%s", i + 1, out_buf);
		*nl = '\n';
		p = nl + 1;
	}
	cr_assert_str_eq(p, "", "extra output:\n%s", p);
}

static int fail_line, assert_line, param_line;
static bool after_assert, exit_ran;
static char order[256];

static void pass_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1 + 1, 2);
	KUNIT_EXPECT_STREQ(test, "abc", "abc");
	KUNIT_ASSERT_NOT_NULL(test, test);
}

static void fail_case(struct kunit *test)
{
	int a = 1;

	fail_line = __LINE__ + 1;
	KUNIT_EXPECT_EQ(test, a, 2);
}

static void skip_case(struct kunit *test)
{
	kunit_skip(test, "not on %s", "ukmem");
	KUNIT_FAIL(test, "kunit_skip() returned");
}

static const int values[] = {1, 2, 3};
static void value_desc(const int *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "value %d", *v);
}
KUNIT_ARRAY_PARAM(values, values, value_desc);

static void param_case(struct kunit *test)
{
	const int *v = test->param_value;

	param_line = __LINE__ + 1;
	KUNIT_EXPECT_NE(test, *v, 2);
}

static void assert_case(struct kunit *test)
{
	assert_line = __LINE__ + 1;
	KUNIT_ASSERT_TRUE(test, 0 > 1);
	after_assert = true;
}

static void demo_exit(struct kunit *test)
{
	if (!strcmp(test->name, "assert_case"))
		exit_ran = true;
}

static struct kunit_case demo_cases[] = {
    KUNIT_CASE(pass_case),   KUNIT_CASE(fail_case),
    KUNIT_CASE(skip_case),   KUNIT_CASE_PARAM(param_case, values_gen_params),
    KUNIT_CASE(assert_case), {}};
static struct kunit_suite demo = {.name = "demo", .exit = demo_exit, .test_cases = demo_cases};

Test(kunit, ktap_of_pass_fail_skip_param_assert)
{
	struct kunit_suite *suites[] = {&demo};
	char f1[128], p1[128], a1[128];

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert_eq(run(suites, 1, NULL), 1, "one suite failed");
	snprintf(f1, sizeof(f1), "    # fail_case: EXPECTATION FAILED at tests/test_kunit.c:%d",
		 fail_line);
	snprintf(p1, sizeof(p1), "    # param_case: EXPECTATION FAILED at tests/test_kunit.c:%d",
		 param_line);
	snprintf(a1, sizeof(a1), "    # assert_case: ASSERTION FAILED at tests/test_kunit.c:%d",
		 assert_line);
	const char *const want[] = {
	    "KTAP version 1",
	    "1..1",
	    "    KTAP version 1",
	    "    # Subtest: demo",
	    "    1..5",
	    "    ok 1 pass_case",
	    f1,
	    "    Expected a == 2, but",
	    "        a == 1 (0x1)",
	    "    not ok 2 fail_case",
	    "    ok 3 skip_case # SKIP not on ukmem",
	    "        KTAP version 1",
	    "        # Subtest: param_case",
	    "        ok 1 value 1",
	    p1,
	    "    Expected *v != 2, but",
	    "        *v == 2 (0x2)",
	    "        not ok 2 value 2",
	    "        ok 3 value 3",
	    "    # param_case: pass:2 fail:1 skip:0 total:3",
	    "    not ok 4 param_case",
	    a1,
	    "    Expected 0 > 1 to be true, but is false",
	    "    not ok 5 assert_case",
	    "# demo: pass:1 fail:3 skip:1 total:5",
	    "# Totals: pass:3 fail:3 skip:1 total:7",
	    "not ok 1 demo",
	};
	expect_lines(want, ARRAY_SIZE(want));
	cr_assert_not(after_assert, "a failed assertion ends the case");
	cr_assert(exit_ran, "exit() runs after a failed assertion");
	/* the log has the same lines, as the kernel's printk would */
	cr_assert(ukmem_dmesg_contains("    not ok 2 fail_case"));
	cr_assert(ukmem_dmesg_contains("# Totals: pass:3 fail:3 skip:1 total:7"));
}

static void one_pass(struct kunit *test)
{
	KUNIT_SUCCEED(test);
}
static struct kunit_case one_cases[] = {KUNIT_CASE(one_pass), {}};
static struct kunit_suite one = {.name = "one", .test_cases = one_cases};

Test(kunit, single_case_suite_prints_no_stats_and_passes)
{
	struct kunit_suite *suites[] = {&one, &one};
	const char *const want[] = {
	    "KTAP version 1",	 "1..2",     "    KTAP version 1", "    # Subtest: one", "    1..1",
	    "    ok 1 one_pass", "ok 1 one", "    KTAP version 1", "    # Subtest: one", "    1..1",
	    "    ok 1 one_pass", "ok 2 one",
	};

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert_eq(run(suites, 2, NULL), 0);
	expect_lines(want, ARRAY_SIZE(want));
}

static int sinit(struct kunit_suite *s)
{
	strcat(order, "S");
	return 0;
}
static void sexit(struct kunit_suite *s)
{
	strcat(order, "s");
}
static int cinit(struct kunit *test)
{
	strcat(order, "I");
	return 0;
}
static void cexit(struct kunit *test)
{
	strcat(order, "i");
}
static void c1(struct kunit *test)
{
	strcat(order, "1");
}
static void c2(struct kunit *test)
{
	strcat(order, "2");
}
static struct kunit_case order_cases[] = {KUNIT_CASE(c1), KUNIT_CASE(c2), {}};
static struct kunit_suite order_suite = {.name = "order",
					 .suite_init = sinit,
					 .suite_exit = sexit,
					 .init = cinit,
					 .exit = cexit,
					 .test_cases = order_cases};

Test(kunit, init_exit_order_and_glob)
{
	struct kunit_suite *suites[] = {&order_suite, &one};

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert_eq(run(suites, 2, NULL), 0);
	cr_assert_str_eq(order, "SI1iI2is");
	order[0] = 0;
	cr_assert_eq(run(suites, 2, "order.c2"), 0);
	cr_assert_str_eq(order, "SI2is");
	const char *const want[] = {
	    "KTAP version 1", "1..1",	     "    KTAP version 1", "    # Subtest: order",
	    "    1..1",	      "    ok 1 c2", "ok 1 order",
	};
	expect_lines(want, ARRAY_SIZE(want));
	cr_assert_eq(run(suites, 2, "o*"), 0);
	cr_assert(strstr(out_buf, "1..2\n"));
	cr_assert_eq(run(suites, 2, "nothing"), 0);
	cr_assert_str_eq(out_buf, "KTAP version 1\n1..0\n");
}

static int bad_init(struct kunit *test)
{
	return -ENOMEM;
}
static bool bad_case_ran;
static void bad_case(struct kunit *test)
{
	bad_case_ran = true;
}
static struct kunit_case bad_cases[] = {KUNIT_CASE(bad_case), {}};
static struct kunit_suite bad_init_suite = {
    .name = "badinit", .init = bad_init, .test_cases = bad_cases};
static int bad_sinit(struct kunit_suite *s)
{
	return -EIO;
}
static struct kunit_suite bad_sinit_suite = {
    .name = "badsuite", .suite_init = bad_sinit, .test_cases = bad_cases};

Test(kunit, failing_init_fails_without_running_the_case)
{
	struct kunit_suite *suites[] = {&bad_init_suite, &bad_sinit_suite};
	const char *const want[] = {
	    "KTAP version 1",
	    "1..2",
	    "    KTAP version 1",
	    "    # Subtest: badinit",
	    "    1..1",
	    "    # bad_case: failed to initialize: -12",
	    "    not ok 1 bad_case",
	    "not ok 1 badinit",
	    "    # badsuite: failed to initialize (-5)",
	    "not ok 2 badsuite",
	};

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert_eq(run(suites, 2, NULL), 2);
	expect_lines(want, ARRAY_SIZE(want));
	cr_assert_not(bad_case_ran);
}

static void *kept;
static int actions_run;
static void count_action(void *ctx)
{
	actions_run += (int)(long)ctx;
}
static struct kunit_resource named;
static int named_data = 42;
static void managed_case(struct kunit *test)
{
	u8 *p = kunit_kzalloc(test, 3000, GFP_KERNEL);
	struct kunit_resource *r;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 3000; i++)
		KUNIT_ASSERT_EQ(test, p[i], 0);
	kept = p;
	KUNIT_EXPECT_PTR_EQ(test, kunit_get_current_test(), test);
	KUNIT_EXPECT_EQ(test, kunit_add_action(test, count_action, (void *)1L), 0);
	KUNIT_EXPECT_EQ(test, kunit_add_action(test, count_action, (void *)10L), 0);
	kunit_remove_action(test, count_action, (void *)10L); /* cancelled: never runs */
	KUNIT_EXPECT_EQ(test, kunit_add_named_resource(test, NULL, NULL, &named, "n", &named_data),
			0);
	KUNIT_EXPECT_EQ(test, kunit_add_named_resource(test, NULL, NULL, &named, "n", &named_data),
			-EEXIST);
	r = kunit_find_named_resource(test, "n");
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, *(int *)r->data, 42);
	kunit_put_resource(r);
	KUNIT_EXPECT_NULL(test, kunit_find_named_resource(test, "other"));
	kunit_kfree(test, NULL);
	KUNIT_EXPECT_STREQ(test, kunit_kstrdup(test, "dup", GFP_KERNEL), "dup");
}
static struct kunit_case managed_cases[] = {KUNIT_CASE(managed_case), {}};
static struct kunit_suite managed = {.name = "managed", .test_cases = managed_cases};

Test(kunit, managed_memory_and_actions_released_at_case_end)
{
	struct kunit_suite *suites[] = {&managed};
	unsigned long before;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert_eq(run(suites, 1, NULL), 0, "%s", out_buf);
	cr_assert_eq(actions_run, 1);
	cr_assert_null(kunit_get_current_test(), "no test outside a case");
	/* the case's kzalloc'd buffer went back at case end: freeing it again is a double free */
	before = ukmem_report_count(UKMEM_REPORT_SLAB);
	kfree(kept);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLAB), before + 1);
	cr_assert(ukmem_dmesg_contains("double free"));
}

static int msg_line;
static void msg_case(struct kunit *test)
{
	const char *s = "left";
	void *np = NULL, *ep = ERR_PTR(-EINVAL);
	u8 a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 9, 4};

	msg_line = __LINE__ + 1;
	KUNIT_EXPECT_STREQ_MSG(test, s, "right", "ctx %d", 7);
	KUNIT_EXPECT_NOT_NULL(test, np);
	KUNIT_EXPECT_MEMEQ(test, a, b, 4);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ep);
	KUNIT_EXPECT_FALSE_MSG(test, 1, "why");
}
static struct kunit_case msg_cases[] = {KUNIT_CASE(msg_case), {}};
static struct kunit_suite msg_suite = {.name = "msg", .test_cases = msg_cases};

Test(kunit, failure_texts_of_each_kind)
{
	struct kunit_suite *suites[] = {&msg_suite};
	char l[5][128];
	int i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert_eq(run(suites, 1, NULL), 1);
	for (i = 0; i < 5; i++)
		snprintf(l[i], sizeof(l[i]),
			 "    # msg_case: EXPECTATION FAILED at tests/test_kunit.c:%d",
			 msg_line + i);
	const char *const want[] = {
	    "KTAP version 1",
	    "1..1",
	    "    KTAP version 1",
	    "    # Subtest: msg",
	    "    1..1",
	    l[0],
	    "    Expected s == \"right\", but",
	    "        s == \"left\"",
	    "ctx 7",
	    l[1],
	    "    Expected np != NULL, but",
	    "        np == 0000000000000000",
	    "        NULL == 0000000000000000",
	    l[2],
	    "    Expected a == b, but",
	    "        a ==",
	    "         01  02 <03> 04 ",
	    "        b ==",
	    "         01  02 <09> 04 ",
	    l[3],
	    "    Expected ep is not error, but is: -22",
	    l[4],
	    "    Expected 1 to be false, but is true",
	    "why",
	    "    not ok 1 msg_case",
	    "not ok 1 msg",
	};
	expect_lines(want, ARRAY_SIZE(want));
}

/* a suite registered for the whole program, found by ukmem_kunit_run_all() */
static void registered_case(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, true);
}
static struct kunit_case registered_cases[] = {KUNIT_CASE(registered_case), {}};
static struct kunit_suite registered = {.name = "registered_suite", .test_cases = registered_cases};
kunit_test_suite(registered);

Test(kunit, registered_suites_run_all)
{
	FILE *f;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	free(out_buf);
	out_buf = NULL;
	f = open_memstream(&out_buf, &out_len);
	cr_assert_eq(ukmem_kunit_run_all(f, "registered_*"), 0);
	fclose(f);
	cr_assert(strstr(out_buf, "KTAP version 1\n1..1\n    KTAP version 1\n"
				  "    # Subtest: registered_suite\n    1..1\n"
				  "    ok 1 registered_case\nok 1 registered_suite\n"),
		  "%s", out_buf);
}

Test(kunit, misuse_is_refused)
{
	struct kunit t;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert_eq(ukmem_kunit_run_suites(NULL, 1, NULL, NULL), -EINVAL);
	cr_assert_eq(ukmem_kunit_run_suites(NULL, -1, NULL, NULL), -EINVAL);
	cr_assert_eq(kunit_add_resource(NULL, NULL, NULL, &named, NULL), -EINVAL);
	memset(&t, 0, sizeof(t));
	INIT_LIST_HEAD(&t.resources);
	cr_assert_eq(kunit_add_named_resource(&t, NULL, NULL, &named, NULL, NULL), -EINVAL);
	cr_assert_eq(kunit_add_action(&t, NULL, NULL), -EINVAL);
	cr_assert_eq(kunit_destroy_named_resource(&t, "none"), -ENOENT);
	cr_assert_null(kunit_find_named_resource(NULL, "x"));
	cr_assert_null(kunit_kstrdup(&t, NULL, GFP_KERNEL));
}

/* threads of one case allocate managed memory and expect concurrently */
static int thread_actions;
static void thread_action(void *ctx)
{
	__atomic_add_fetch(&thread_actions, 1, __ATOMIC_RELAXED);
}
static void *case_thread(void *arg)
{
	struct kunit *test = arg;

	for (int i = 0; i < 200; i++) {
		KUNIT_EXPECT_NOT_NULL(test, kunit_kzalloc(test, 32, GFP_KERNEL));
		KUNIT_EXPECT_EQ(test, kunit_add_action(test, thread_action, NULL), 0);
	}
	return NULL;
}
static void threaded_case(struct kunit *test)
{
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, pthread_create(&th[i], NULL, case_thread, test), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
}
static struct kunit_case threaded_cases[] = {KUNIT_CASE(threaded_case), {}};
static struct kunit_suite threaded = {.name = "threaded", .test_cases = threaded_cases};

Test(kunit, threads_share_a_cases_resources)
{
	struct kunit_suite *suites[] = {&threaded};

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	cr_assert_eq(run(suites, 1, NULL), 0, "%s", out_buf);
	cr_assert_eq(thread_actions, 800, "every action ran once at case end");
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0, "the 800 buffers were freed");
}
