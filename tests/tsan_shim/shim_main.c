// SPDX-License-Identifier: MIT
/* shim_main.c - runner of the TSan Criterion stand-in (see criterion/criterion.h). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct shim_test *tests;
static int failures_in_child;

void shim_register(struct shim_test *t)
{
	t->next = tests;
	tests = t;
}

static struct shim_suite *suites;

void shim_register_suite(struct shim_suite *s)
{
	s->next = suites;
	suites = s;
}

static const struct criterion_test_extra_data *suite_data(const char *name)
{
	for (struct shim_suite *s = suites; s; s = s->next)
		if (!strcmp(s->name, name))
			return &s->data;
	return NULL;
}

void shim_fail(const char *file, int line, bool fatal, const char *expr, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "[----] %s:%d: Assertion failed: %s\n", file, line, expr);
	if (fmt && *fmt) {
		fprintf(stderr, "[----]   ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	failures_in_child++;
	if (fatal)
		_exit(97);
}

void shim_skip(const char *fmt, ...)
{
	fprintf(stderr, "[SKIP] %s\n", fmt);
	_exit(98);
}

void shim_log(const char *lvl, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "[%s] ", lvl);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int run_one(struct shim_test *t)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		const struct criterion_test_extra_data *suite = suite_data(t->suite);

		if (t->data.timeout > 0)
			alarm((unsigned int)t->data.timeout + 1);
		if (suite && suite->init)
			suite->init();
		if (t->data.init)
			t->data.init();
		t->fn();
		if (t->data.fini)
			t->data.fini();
		if (suite && suite->fini)
			suite->fini();
		_exit(failures_in_child ? 97 : t->data.exit_code ? t->data.exit_code : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == t->data.signal && t->data.signal ? 0 : 1;
	if (t->data.signal)
		return 1;
	if (WEXITSTATUS(status) == 98)
		return 0;
	return WEXITSTATUS(status) == t->data.exit_code ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct shim_test *t;
	int tested = 0, failed = 0;

	for (t = tests; t; t = t->next) {
		const char *filter = argc > 1 && !strncmp(argv[1], "--filter=", 9) ? argv[1] + 9 : NULL;

		if (t->data.disabled)
			continue;
		if (filter && !strstr(t->name, filter))
			continue;
		tested++;
		if (run_one(t)) {
			failed++;
			fprintf(stderr, "[FAIL] %s::%s\n", t->suite, t->name);
		} else {
			fprintf(stderr, "[PASS] %s::%s\n", t->suite, t->name);
		}
	}
	fprintf(stderr, "[====] Synthesis: Tested: %d | Passing: %d | Failing: %d\n", tested,
		tested - failed, failed);
	return failed ? 1 : 0;
}
