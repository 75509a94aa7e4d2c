// SPDX-License-Identifier: MIT
/*
 * test_asan.c - AddressSanitizer sees inside ukmem memory (kasan=on; built
 * in the asan preset only, tests/CMakeLists.txt). Each bad access runs in a
 * forked child whose stderr comes back through a pipe: ASan's report must
 * name the bad access, and a child doing only good accesses must get none.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile unsigned char sink;

/* hide the pointer from the compiler: the bad access is the test */
static unsigned char *launder(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

enum bad { GOOD, UAF_SLAB, OVERFLOW_KMALLOC13, UAF_PAGE, KRELLOC_SHRUNK, UAF_CACHE, UAF_TRACKED };

static void child(enum bad what)
{
	unsigned char *p, *q;
	struct page *pg;
	struct kmem_cache *c;

	if (ukmem_boot(what == UAF_TRACKED ? "mem=32M kasan=on slub_debug=U" : "mem=32M kasan=on"))
		_exit(3);
	switch (what) {
	case GOOD:
		p = launder(kmalloc(13, GFP_KERNEL));
		memset(p, 1, 13);
		q = launder(kzalloc(13, GFP_KERNEL)); /* zeroed, then bytes 13..15 poisoned */
		memset(q, 2, ksize(q));		      /* ksize() hands the whole class over */
		kfree(p);
		kfree_sensitive(q);
		p = launder(kmalloc(100, GFP_KERNEL));
		p = launder(krealloc(p, 128, GFP_KERNEL));
		memset(p, 3, 128);
		kfree(p);
		pg = alloc_pages(GFP_KERNEL, 1);
		memset(page_address(pg), 4, 2 * PAGE_SIZE);
		__free_pages(pg, 1);
		break;
	case UAF_SLAB:
	case UAF_TRACKED:
		p = launder(kmalloc(64, GFP_KERNEL));
		kfree(p);
		sink = p[0];
		break;
	case OVERFLOW_KMALLOC13:
		p = launder(kmalloc(13, GFP_KERNEL));
		sink = p[13];
		break;
	case UAF_PAGE:
		pg = alloc_pages(GFP_KERNEL, 0);
		p = launder(page_address(pg));
		__free_pages(pg, 0);
		p[100] = 1;
		break;
	case KRELLOC_SHRUNK:
		p = launder(kmalloc(64, GFP_KERNEL));
		p = launder(krealloc(p, 20, GFP_KERNEL));
		sink = p[40];
		break;
	case UAF_CACHE:
		c = kmem_cache_create("t_asan", 200, 0, SLAB_NO_MERGE, NULL);
		p = launder(kmem_cache_alloc(c, GFP_KERNEL));
		kmem_cache_free(c, p);
		p[199] = 0;
		break;
	}
	ukmem_shutdown();
	_exit(0);
}

/* run @what in a child; its stderr into @buf. Return: the wait status. */
static int run_child(enum bad what, char *buf, size_t len)
{
	int fd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	cr_assert_eq(pipe(fd), 0);
	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		close(fd[0]);
		dup2(fd[1], 2);
		child(what);
	}
	close(fd[1]);
	while (got + 1 < len && (n = read(fd[0], buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	close(fd[0]);
	waitpid(pid, &status, 0);
	return status;
}

static char out[1 << 16];

/*
 * ASan names a hand-poisoned byte "use-after-poison"; a byte past the end of
 * a partly addressable 8-byte granule (kmalloc(13): bytes 13..15) it names
 * from the next granule's state, "unknown-crash" when that one is valid.
 */
static void expect_report(enum bad what, const char *access)
{
	int status = run_child(what, out, sizeof(out));

	cr_assert(!WIFEXITED(status) || WEXITSTATUS(status) != 0, "no ASan report:\n%s", out);
	cr_assert(strstr(out, "ERROR: AddressSanitizer: use-after-poison") ||
		      (what == OVERFLOW_KMALLOC13 &&
		       strstr(out, "ERROR: AddressSanitizer: unknown-crash")),
		  "%s", out);
	cr_assert(strstr(out, access), "%s", out);
	cr_assert(strstr(out, "test_asan.c"), "the report names the bad line:\n%s", out);
}

Test(asan, good_accesses_no_report)
{
	int status = run_child(GOOD, out, sizeof(out));

	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d:\n%s", status, out);
	cr_assert(!strstr(out, "ERROR: AddressSanitizer"), "%s", out);
}

Test(asan, use_after_kfree)
{
	expect_report(UAF_SLAB, "READ of size 1");
}

Test(asan, overflow_past_kmalloc_13)
{
	expect_report(OVERFLOW_KMALLOC13, "READ of size 1");
}

Test(asan, use_after_free_pages)
{
	expect_report(UAF_PAGE, "WRITE of size 1");
}

Test(asan, krealloc_shrunk_tail)
{
	expect_report(KRELLOC_SHRUNK, "READ of size 1");
}

Test(asan, use_after_kmem_cache_free)
{
	expect_report(UAF_CACHE, "WRITE of size 1");
}

/* ukmem's own words after ASan's: the object, its cache, and with slub_debug=U its owners */
Test(asan, report_names_object_and_owners)
{
	expect_report(UAF_SLAB, "READ of size 1");
	cr_assert(strstr(out, "which belongs to the cache kmalloc-64 of size 64"), "%s", out);
	cr_assert(strstr(out, "The buggy address is located 0 bytes inside of"), "%s", out);
	cr_assert(strstr(out, "freed 64-byte region"), "%s", out);
	expect_report(UAF_TRACKED, "READ of size 1");
	cr_assert(strstr(out, "freed 64-byte region"), "%s", out);
	cr_assert(strstr(out, "Allocated in "), "%s", out);
	cr_assert(strstr(out, "Freed in "), "%s", out);
	expect_report(OVERFLOW_KMALLOC13, "READ of size 1");
	cr_assert(strstr(out, "located 13 bytes inside of"), "%s", out);
	cr_assert(strstr(out, "allocated 16-byte region"), "%s", out);
}
