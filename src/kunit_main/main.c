// SPDX-License-Identifier: MIT
/*
 * main.c - the main of a KUnit test program (libukmem_kunit_main.a): link
 * a file of kunit_test_suite()s (and/or module_init() tests) with
 * -lukmem_kunit_main -lukmem and it boots the machine, runs the suites,
 * prints KTAP on stdout and exits 0 only when everything passed.
 */
#include <kunit/test.h>

int main(int argc, char **argv)
{
	return ukmem_kunit_main(argc, argv);
}
