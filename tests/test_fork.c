// SPDX-License-Identifier: MIT
/* test_fork.c - fork while other threads allocate: the child boots its own machine. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "machine/sched.h"

static volatile int stop, corrupted;

/*
 * fork() in a multi-threaded process, then threads in the child: neither
 * sanitizer copes. ThreadSanitizer cannot start threads there; GCC 12's
 * AddressSanitizer does not lock its allocator around fork(), so a lock
 * another thread (Criterion's, or ours) held at the fork stays held in the
 * child, whose first thread (kswapd) hangs in ASan's own free() (5 runs of
 * 6). The release run covers these tests.
 */
static void skip_under_sanitizers(void)
{
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
	cr_skip_test("fork() with threads under a sanitizer (docs/testing.md)");
#endif
}

static void *churn(void *arg)
{
	while (!stop) {
		struct page *p = alloc_pages(GFP_KERNEL, (unsigned int)(long)arg);

		if (p) {
			unsigned char *b = page_address(p);
			size_t i, n = PAGE_SIZE << (long)arg;

			memset(b, 0x5a, n);
			sched_yield();
			for (i = 0; i < n; i++)
				if (b[i] != 0x5a)
					corrupted = 1;
			__free_pages(p, (unsigned int)(long)arg);
		}
	}
	return NULL;
}

static int child_work(void)
{
	struct page *p, *held[256];
	int i;

	/* the first API call boots a machine of the child's own */
	setenv("UKMEM_CMDLINE", "mem=32M nr_cpus=1", 1);
	for (i = 0; i < 256; i++) {
		held[i] = alloc_pages(GFP_KERNEL, 0);
		if (!held[i])
			return 2;
		memset(page_address(held[i]), 0xc3, PAGE_SIZE);
	}
	if (max_pfn != (32ul << 20) >> PAGE_SHIFT || ukmem_nr_cpus() != 1) {
		fprintf(stderr, "child still on the parent's machine: max_pfn %#lx, %d CPUs\n",
			max_pfn, ukmem_nr_cpus());
		return 6;
	}
	usleep(2000);
	for (i = 0; i < 256; i++)
		__free_pages(held[i], 0);
	if (!ukmem_booted())
		return 3;
	ukmem_shutdown();
	if (ukmem_boot("mem=16M nr_cpus=2"))
		return 4;
	p = alloc_page(GFP_KERNEL);
	if (!p)
		return 5;
	__free_page(p);
	ukmem_shutdown();
	return 0;
}

Test(fork, child_allocates_while_parent_threads_allocate, .timeout = 60)
{
	pthread_t th[3];
	int i, status;
	unsigned char *mine;
	unsigned long addr;

	skip_under_sanitizers();
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	addr = __get_free_pages(GFP_KERNEL, 0);
	mine = (unsigned char *)addr;
	memset(mine, 0x77, PAGE_SIZE);
	for (i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, churn, (void *)(long)i);
	for (i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(child_work());
		cr_assert(pid > 0);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status), "child died (signal %d)", WTERMSIG(status));
		cr_assert_eq(WEXITSTATUS(status), 0, "child step %d failed", WEXITSTATUS(status));
	}
	stop = 1;
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(corrupted, 0, "a child wrote into the parent's RAM");
	for (i = 0; i < (int)PAGE_SIZE; i++)
		cr_assert_eq(mine[i], 0x77, "the parent's page was touched by a child");
	free_pages(addr, 0);
	ukmem_shutdown();
}

/*
 * The child forgets the parent's slabs: a fast-path kfree() of a parent's
 * object must not look at the parent's (unmapped) memory map, and the
 * child's first kmalloc() must boot a machine of its own rather than use
 * the parent's kmalloc caches.
 */
static int forget_child(void *parents)
{
	void *q;

	kfree(parents);		     /* refused: not this machine's memory */
	q = kmalloc(64, GFP_KERNEL); /* boots the child's machine */
	if (!q || !ukmem_booted())
		return 2;
	memset(q, 1, 64);
	kfree(q);
	if (!ukmem_dmesg_contains("invalid free"))
		return 3;
	ukmem_shutdown();
	return 0;
}

Test(fork, child_forgets_the_parents_slabs, .timeout = 30)
{
	void *obj;
	int i, status;
	pid_t pid;

	skip_under_sanitizers();
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	obj = kmalloc(64, GFP_KERNEL);
	for (i = 0; i < 2000; i++) /* the fast paths in use, with a lease */
		kfree(kmalloc(64, GFP_KERNEL));
	pid = fork();
	if (pid == 0)
		_exit(forget_child(obj));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died (signal %d)", WTERMSIG(status));
	cr_assert_eq(WEXITSTATUS(status), 0, "child step %d failed", WEXITSTATUS(status));
	kfree(obj);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/*
 * Without membarrier() (seccomp here; old kernels, gVisor) standing leases
 * are not safe, so none is granted: every section takes the owner word.
 * The child filters membarrier() to ENOSYS, boots, and runs threads that
 * outnumber its CPUs through the slab fast paths.
 */
static void *nomb_worker(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		unsigned long *p = kmalloc(64, GFP_KERNEL);

		if (!p)
			return (void *)1;
		p[0] = (unsigned long)i;
		if (p[0] != (unsigned long)i)
			return (void *)1;
		kfree(p);
	}
	return arg;
}

static int nomb_child(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_membarrier, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	pthread_t th[3];
	void *bad = NULL, *r;
	int i, cpu;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 10; /* cannot filter here: nothing tested */
	if (ukmem_boot("mem=32M nr_cpus=2"))
		return 2;
	for (i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, nomb_worker, NULL);
	for (i = 0; i < 20000; i++)
		kfree(kmalloc(64, GFP_KERNEL));
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], &r);
		bad = bad ? bad : r;
	}
	if (bad)
		return 3;
	for (cpu = 0; cpu < 2; cpu++)
		if (__atomic_load_n(&cpu_states[cpu].lessee, __ATOMIC_SEQ_CST))
			return 4; /* a lease was granted with no membarrier() */
	if (ukmem_report_total())
		return 5;
	ukmem_shutdown();
	return 0;
}

Test(fork, no_leases_without_membarrier, .timeout = 60)
{
	int status;
	pid_t pid;

	skip_under_sanitizers();
	pid = fork();
	if (pid == 0)
		_exit(nomb_child());
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died (signal %d)", WTERMSIG(status));
	if (WEXITSTATUS(status) == 10)
		cr_skip_test("seccomp filters are not allowed here");
	cr_assert_eq(WEXITSTATUS(status), 0, "child step %d failed", WEXITSTATUS(status));
}
