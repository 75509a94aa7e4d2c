// SPDX-License-Identifier: MIT
/*
 * ukmem - the command: "ukmem demo" walks through the simulated machine,
 * "ukmem proc NAME" prints a /proc file, "ukmem dmesg" the boot log,
 * "ukmem trace -- PROG" runs a program with the allocation trace events on.
 */
#include <ukmem.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo.h"

static void usage(FILE *out)
{
	fputs("usage: ukmem demo [--boot \"cmdline\"]\n"
	      "       ukmem proc NAME [--boot \"cmdline\"]   (meminfo buddyinfo zoneinfo slabinfo vmallocinfo iomem)\n"
	      "       ukmem dmesg [--boot \"cmdline\"]\n"
	      "       ukmem trace [-e EVENTS] [-o FILE] -- PROG [ARGS...]\n"
	      "            (EVENTS as trace_event=, default \"kmem,vmalloc\"; see docs/tracing.md)\n"
	      "       ukmem --help\n"
	      "The simulated machine boots with the kernel-style command line given by\n"
	      "--boot, or $UKMEM_CMDLINE, e.g. \"mem=2G machine=i386 nr_cpus=4\".\n",
	      out);
}

void demo_heading(const char *title)
{
	printf("\n==== %s ====\n\n", title);
}

static int boot_from_args(int argc, char **argv, int first)
{
	const char *cmdline = getenv("UKMEM_CMDLINE");
	int i, err;

	for (i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--boot") && i + 1 < argc)
			cmdline = argv[++i];
		else if (strncmp(argv[i], "--boot=", 7) == 0)
			cmdline = argv[i] + 7;
	}
	err = ukmem_boot(cmdline ? cmdline : "");
	if (err) {
		fprintf(stderr, "ukmem: boot failed: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

/*
 * trace_cmd - "ukmem trace [-e EVENTS] [-o FILE] -- PROG ARGS": the library
 * in PROG reads $UKMEM_TRACE at every boot (whatever command line PROG
 * boots with) and writes the lines to $UKMEM_TRACE_OUT, or stderr.
 */
static int trace_cmd(int argc, char **argv)
{
	const char *events = "kmem,vmalloc", *out = NULL;
	int i;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-e") && i + 1 < argc)
			events = argv[++i];
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else
			break;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	setenv("UKMEM_TRACE", events, 1);
	if (out)
		setenv("UKMEM_TRACE_OUT", out, 1);
	execvp(argv[i], argv + i);
	fprintf(stderr, "ukmem: %s: %s\n", argv[i], strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "proc")) {
		int err;

		if (argc < 3) {
			usage(stderr);
			return 2;
		}
		if (boot_from_args(argc, argv, 3))
			return 1;
		err = ukmem_proc_show(argv[2], stdout);
		if (err) {
			fprintf(stderr, "ukmem: /proc/%s: %s\n", argv[2], strerror(-err));
			return 1;
		}
		ukmem_shutdown();
		return 0;
	}
	if (!strcmp(argv[1], "dmesg")) {
		if (boot_from_args(argc, argv, 2))
			return 1;
		ukmem_dmesg(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "trace"))
		return trace_cmd(argc, argv);
	if (!strcmp(argv[1], "demo")) {
		if (boot_from_args(argc, argv, 2))
			return 1;
		demo_pages();
		demo_slab();
		demo_vmalloc();
		demo_percpu();
		demo_driver();
		ukmem_shutdown();
		return 0;
	}
	usage(stderr);
	return 2;
}
