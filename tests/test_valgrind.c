// SPDX-License-Identifier: MIT
/*
 * test_valgrind.c - Memcheck understands ukmem memory: tests/valgrind_prog
 * runs under valgrind once per bad thing, and Memcheck's report must name
 * it: a leaked kmalloc object "definitely lost" with its kmalloc stack, a
 * read after kfree "Invalid read" inside a freed block with both stacks, a
 * read past kmalloc(13) and a write to a freed page "Invalid". A clean run
 * gets no error. Not built in sanitizer presets; skipped without valgrind.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[1 << 17];

/* run vg_prog @mode under memcheck; its output into out. Return: exit status. */
static int memcheck(const char *mode)
{
	char cmd[1024];
	size_t got = 0, n;
	FILE *f;
	int st;

	if (system("valgrind --version >/dev/null 2>&1"))
		cr_skip_test("valgrind is not installed");
	snprintf(cmd, sizeof(cmd), "valgrind --leak-check=full --error-exitcode=99 %s %s 2>&1",
		 VG_PROG_PATH, mode);
	f = popen(cmd, "r");
	cr_assert(f);
	while (got + 1 < sizeof(out) && (n = fread(out + got, 1, sizeof(out) - 1 - got, f)) > 0)
		got += n;
	out[got] = 0;
	st = pclose(f);
	cr_assert(WIFEXITED(st), "%s", out);
	return WEXITSTATUS(st);
}

Test(valgrind, clean_run_has_no_error, .timeout = 120)
{
	cr_assert_eq(memcheck("clean"), 0, "%s", out);
	cr_assert(strstr(out, "ERROR SUMMARY: 0 errors"), "%s", out);
	cr_assert(strstr(out, "annotated for Memcheck"), "%s", out);
	cr_assert(!strstr(out, "definitely lost: 1"), "%s", out);
}

Test(valgrind, leaked_kmalloc_object_definitely_lost, .timeout = 120)
{
	cr_assert_eq(memcheck("leak"), 99, "%s", out);
	cr_assert(strstr(out, "24 bytes in 1 blocks are definitely lost"), "%s", out);
	cr_assert(strstr(out, "leak_one (vg_prog.c"), "%s", out);
	cr_assert(strstr(out, "definitely lost: 24 bytes in 1 blocks"), "%s", out);
}

Test(valgrind, use_after_kfree_invalid_read, .timeout = 120)
{
	cr_assert_eq(memcheck("uaf"), 99, "%s", out);
	cr_assert(strstr(out, "Invalid read of size 1"), "%s", out);
	cr_assert(strstr(out, "is 3 bytes inside a block of size 64 free'd"), "%s", out);
	cr_assert(strstr(out, "Block was alloc'd at"), "%s", out);
	cr_assert(strstr(out, "do_kfree"), "the free stack: %s", out);
}

Test(valgrind, read_past_kmalloc_13, .timeout = 120)
{
	cr_assert_eq(memcheck("slack"), 99, "%s", out);
	cr_assert(strstr(out, "Invalid read of size 1"), "%s", out);
	cr_assert(strstr(out, "is 1 bytes after a block of size 13 alloc'd"), "%s", out);
}

Test(valgrind, write_to_freed_page, .timeout = 120)
{
	cr_assert_eq(memcheck("page"), 99, "%s", out);
	cr_assert(strstr(out, "Invalid write of size 1"), "%s", out);
}
