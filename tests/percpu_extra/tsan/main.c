// SPDX-License-Identifier: MIT
/* main.c - runs the Test()s registered through the stand-in criterion.h, one fork each. */
#include "criterion/criterion.h"
struct fk_test fk_tests[256]; int fk_n;
int main(void) {
	int i, bad = 0;
	for (i = 0; i < fk_n; i++) {
		pid_t p = fork();
		if (!p) { fk_tests[i].fn(); _exit(0); }
		int st; waitpid(p, &st, 0);
		int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		printf("%s %s\n", ok ? "PASS" : "FAIL", fk_tests[i].name);
		bad += !ok;
	}
	printf("%d/%d failed\n", bad, fk_n);
	return bad != 0;
}
