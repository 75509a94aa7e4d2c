/* SPDX-License-Identifier: MIT */
/* minimal Criterion stand-in to run test files under TSan (criterion's arena breaks with TSan) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
struct fk_test { const char *name; void (*fn)(void); };
extern struct fk_test fk_tests[256]; extern int fk_n;
#define Test(s, n) static void fkt_##s##__##n(void); \
	__attribute__((constructor)) static void reg_##fkt_##s##__##n(void) { fk_tests[fk_n++] = (struct fk_test){ #s "::" #n, fkt_##s##__##n }; } \
	static void fkt_##s##__##n(void)
#define FK_FAIL(...) do { fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, "" __VA_ARGS__); fprintf(stderr, "\n"); _exit(1); } while (0)
#define cr_assert(c, ...) do { if (!(c)) FK_FAIL(__VA_ARGS__); } while (0)
#define cr_assert_eq(a, b, ...) cr_assert((a) == (b), ##__VA_ARGS__)
#define cr_assert_neq(a, b, ...) cr_assert((a) != (b), ##__VA_ARGS__)
#define cr_assert_gt(a, b, ...) cr_assert((a) > (b), ##__VA_ARGS__)
#define cr_assert_lt(a, b, ...) cr_assert((a) < (b), ##__VA_ARGS__)
#define cr_assert_leq(a, b, ...) cr_assert((a) <= (b), ##__VA_ARGS__)
#define cr_assert_null(a, ...) cr_assert((a) == NULL, ##__VA_ARGS__)
