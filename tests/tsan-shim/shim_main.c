#include "criterion/criterion.h"
struct shim_test shim_tests[256]; int shim_n;
int main(void) {
	int fails = 0;
	for (int i = 0; i < shim_n; i++) {
		fflush(stdout); pid_t p = fork();
		if (!p) { shim_tests[i].fn(); _exit(0); }
		int st; waitpid(p, &st, 0);
		int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
		printf("%s %s::%s\n", ok ? "PASS" : "FAIL", shim_tests[i].suite, shim_tests[i].name);
		fails += !ok;
	}
	printf("%d/%d failed\n", fails, shim_n);
	return fails != 0;
}
