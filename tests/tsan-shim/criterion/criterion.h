/* minimal Criterion stand-in for running tests under TSan (Criterion's arena breaks there) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
struct shim_test { const char *suite, *name; void (*fn)(void); };
extern struct shim_test shim_tests[256]; extern int shim_n;
#define Test(s, n) static void s##_##n(void); \
	__attribute__((constructor)) static void reg_##s##_##n(void) { shim_tests[shim_n++] = (struct shim_test){ #s, #n, s##_##n }; } \
	static void s##_##n(void)
#define SHIM_FAIL(...) do { fprintf(stderr, "%s:%d: assertion failed: ", __FILE__, __LINE__); fprintf(stderr, "" __VA_ARGS__); fputc('\n', stderr); _exit(3); } while (0)
#define cr_assert(c, ...) do { if (!(c)) SHIM_FAIL(#c " " __VA_ARGS__); } while (0)
#define cr_assert_not(c, ...) cr_assert(!(c), ##__VA_ARGS__)
#define cr_assert_null(c, ...) cr_assert((c) == NULL, ##__VA_ARGS__)
#define cr_assert_eq(a, b, ...) cr_assert((a) == (b), ##__VA_ARGS__)
#define cr_assert_neq(a, b, ...) cr_assert((a) != (b), ##__VA_ARGS__)
#define cr_assert_gt(a, b, ...) cr_assert((a) > (b), ##__VA_ARGS__)
#define cr_assert_geq(a, b, ...) cr_assert((a) >= (b), ##__VA_ARGS__)
#define cr_assert_lt(a, b, ...) cr_assert((a) < (b), ##__VA_ARGS__)
#define cr_assert_leq(a, b, ...) cr_assert((a) <= (b), ##__VA_ARGS__)
#define cr_assert_str_eq(a, b, ...) cr_assert(strcmp((a), (b)) == 0, ##__VA_ARGS__)
