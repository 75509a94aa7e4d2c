// SPDX-License-Identifier: MIT
/*
 * test_highmem.c - kmap, kmap_local_page, kmap_atomic and the page helpers
 * on the i386 machine (real highmem) and on x86_64 (page_address).
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

Test(highmem, x86_64_every_form_is_page_address)
{
	struct page *page;
	void *a;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	page = alloc_page(GFP_HIGHUSER);
	cr_assert(!PageHighMem(page), "no highmem on a 64-bit machine");
	cr_assert_eq(kmap(page), page_address(page));
	kunmap(page);
	a = kmap_local_page(page);
	cr_assert_eq(a, page_address(page));
	kunmap_local(a);
	a = kmap_atomic(page);
	cr_assert_eq(a, page_address(page));
	cr_assert(in_atomic(), "kmap_atomic disables preemption");
	cr_assert(pagefault_disabled());
	cr_assert(faulthandler_disabled());
	kunmap_atomic(a);
	cr_assert(!in_atomic());
	cr_assert(!pagefault_disabled());
	__free_page(page);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(highmem, kmap_gives_page_address_until_flushed)
{
	struct page *page;
	char *k;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G"), 0);
	page = alloc_page(GFP_HIGHUSER);
	cr_assert(PageHighMem(page));
	cr_assert_null(page_address(page));
	k = kmap(page);
	cr_assert(k);
	cr_assert_eq(page_address(page), k);
	cr_assert_eq(kmap(page), k, "a second kmap shares the slot");
	strcpy(k, "highmem");
	kunmap(page);
	kunmap(page);
	cr_assert_eq(page_address(page), k, "kunmap releases lazily");
	cr_assert_str_eq(k, "highmem");
	kmap_flush_unused();
	cr_assert_null(page_address(page), "flushed");
	k = kmap_local_page(page);
	cr_assert_str_eq(k, "highmem", "same frame, new mapping");
	cr_assert_null(page_address(page), "kmap_local is not visible to page_address");
	cr_assert_eq(kmap_to_page(k), page);
	kunmap_local(k);
	__free_page(page);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(highmem, pkmap_slots_wrap_and_are_reused)
{
	enum { N = 1500 };
	struct page **pages = calloc(N, sizeof(*pages));
	unsigned int i;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G"), 0);
	for (i = 0; i < N; i++) {
		unsigned int *k;

		pages[i] = alloc_page(GFP_HIGHUSER);
		k = kmap(pages[i]);
		*k = i;
		kunmap(pages[i]);
	}
	for (i = 0; i < N; i++) {
		unsigned int *k = kmap(pages[i]);

		cr_assert_eq(*k, i);
		kunmap(pages[i]);
	}
	/* hold 100 at once, the rest cycle around them */
	for (i = 0; i < 100; i++)
		kmap(pages[i]);
	for (i = 100; i < N; i++) {
		unsigned int *k = kmap(pages[i]);

		cr_assert_eq(*k, i);
		kunmap(pages[i]);
	}
	for (i = 0; i < 100; i++) {
		cr_assert_eq(*(unsigned int *)page_address(pages[i]), i,
			     "held kmaps survive wraps");
		kunmap(pages[i]);
	}
	for (i = 0; i < N; i++)
		__free_page(pages[i]);
	free(pages);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(highmem, kmap_local_lifo_checked)
{
	struct page *a, *b;
	char *ka, *kb;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G"), 0);
	a = alloc_page(GFP_HIGHUSER);
	b = alloc_page(GFP_HIGHUSER);
	ka = kmap_local_page(a);
	kb = kmap_local_page(b);
	cr_assert_neq(ka, kb);
	ka[0] = 'a';
	kb[0] = 'b';
	ukmem_dmesg_clear();
	kunmap_local(kb);
	kunmap_local(ka);
	cr_assert_eq(ukmem_report_total(), 0, "LIFO is fine");

	ka = kmap_local_page(a);
	kb = kmap_local_page(b);
	kunmap_local(ka + 17); /* out of order */
	cr_assert(ukmem_dmesg_contains("kunmap_local:"));
	cr_assert(ukmem_dmesg_contains("released out of order"));
	cr_assert(ukmem_dmesg_contains("WARNING: CPU:"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_KMAP), 1);
	cr_assert_eq(kb[0], 'b', "the other mapping survived");
	kunmap_local(kb);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_KMAP), 1, "the stack was repaired");
	kunmap_local(kb); /* not mapped any more */
	cr_assert(ukmem_dmesg_contains("is not mapped by this task"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_KMAP), 2);

	kunmap(a); /* never kmapped */
	cr_assert(ukmem_dmesg_contains("is not kmapped"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_KMAP), 3);
	__free_page(a);
	__free_page(b);
	ukmem_shutdown();
}

Test(highmem, access_after_kunmap_local_faults, .signal = SIGSEGV)
{
	struct page *page;
	char *k;

	ukmem_boot("machine=i386 mem=2G");
	page = alloc_page(GFP_HIGHUSER);
	k = kmap_local_page(page);
	k[0] = 1;
	kunmap_local(k);
	*(volatile char *)k = 2;
}

Test(highmem, access_after_kunmap_atomic_faults, .signal = SIGSEGV)
{
	struct page *page;
	char *k;

	ukmem_boot("machine=i386 mem=2G");
	page = alloc_page(GFP_HIGHUSER);
	k = kmap_atomic(page);
	k[0] = 1;
	kunmap_atomic(k);
	*(volatile char *)k = 2;
}

Test(highmem, kmap_may_sleep_local_and_atomic_do_not)
{
	DEFINE_SPINLOCK(lock);
	struct page *page;
	void *k;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G"), 0);
	page = alloc_page(GFP_HIGHUSER);
	ukmem_dmesg_clear();
	spin_lock(&lock);
	k = kmap_local_page(page);
	kunmap_local(k);
	k = kmap_atomic(page);
	cr_assert_eq(preempt_count(), 2);
	kunmap_atomic(k);
	cr_assert_eq(ukmem_report_total(), 0);
	k = kmap(page);
	spin_unlock(&lock);
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	kunmap(page);
	__free_page(page);
	ukmem_shutdown();
}

Test(highmem, page_helpers_on_highmem)
{
	struct page *a, *b;
	char buf[PAGE_SIZE];
	unsigned int i;
	unsigned char *k;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G"), 0);
	a = alloc_page(GFP_HIGHUSER);
	b = alloc_page(GFP_HIGHUSER);
	cr_assert(PageHighMem(a) && PageHighMem(b));
	memset_page(a, 0, 0x11, PAGE_SIZE);
	memcpy_to_page(a, 100, "hello", 6);
	memcpy_from_page(buf, a, 100, 6);
	cr_assert_str_eq(buf, "hello");
	memzero_page(a, 0, 10);
	copy_highpage(b, a);
	k = kmap_local_page(b);
	for (i = 0; i < 10; i++)
		cr_assert_eq(k[i], 0);
	cr_assert_eq(k[10], 0x11);
	cr_assert_str_eq((char *)k + 100, "hello");
	kunmap_local(k);
	zero_user_segments(b, 200, 300, 4000, 4096);
	k = kmap_local_page(b);
	cr_assert_eq(k[199], 0x11);
	cr_assert_eq(k[200], 0);
	cr_assert_eq(k[299], 0);
	cr_assert_eq(k[300], 0x11);
	cr_assert_eq(k[3999], 0x11);
	cr_assert_eq(k[4095], 0);
	kunmap_local(k);
	clear_highpage(a);
	k = kmap(a);
	for (i = 0; i < PAGE_SIZE; i++)
		cr_assert_eq(k[i], 0);
	kunmap(a);
	__free_page(a);
	__free_page(b);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

static struct page *shared_pages[64];

static void *local_thread(void *p)
{
	unsigned long id = (unsigned long)p, errors = 0;
	unsigned int r, d;

	for (r = 0; r < 200; r++) {
		unsigned int *k[4];

		for (d = 0; d < 4; d++) {
			struct page *page = shared_pages[(id * 4 + d) % 64];

			k[d] = kmap_local_page(page);
			if (k[d][0] != (id * 4 + d) % 64)
				errors++;
		}
		for (d = 4; d-- > 0;)
			kunmap_local(k[d]);
	}
	return (void *)errors;
}

Test(highmem, kmap_local_many_threads)
{
	pthread_t th[8];
	unsigned int i;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G nr_cpus=2"), 0);
	for (i = 0; i < 64; i++) {
		unsigned int *k;

		shared_pages[i] = alloc_page(GFP_HIGHUSER);
		k = kmap(shared_pages[i]);
		*k = i;
		kunmap(shared_pages[i]);
	}
	for (i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, local_thread, (void *)(unsigned long)i);
	for (i = 0; i < 8; i++) {
		void *errors;

		pthread_join(th[i], &errors);
		cr_assert_null(errors, "thread %u read a wrong frame", i);
	}
	for (i = 0; i < 64; i++)
		__free_page(shared_pages[i]);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/* ------------------------------------------- kmap_local rows (issue 10 item 9) */

enum { NR_TASKS = 64, DEPTH = 9 };
static struct page *deep_pages[NR_TASKS][DEPTH];
static pthread_barrier_t deep_barrier;

static void *deep_thread(void *arg)
{
	unsigned long id = (unsigned long)arg, errors = 0;
	unsigned int *k[DEPTH];
	int d;

	for (d = 0; d < DEPTH - 1; d++)
		k[d] = kmap_local_page(deep_pages[id][d]);
	/* all 64 tasks hold 8 local mappings at once, then each asks for a 9th */
	pthread_barrier_wait(&deep_barrier);
	k[DEPTH - 1] = kmap_local_page(deep_pages[id][DEPTH - 1]);
	pthread_barrier_wait(&deep_barrier);
	for (d = 0; d < DEPTH; d++)
		if (!k[d] || *k[d] != id * DEPTH + d)
			errors++;
	for (d = DEPTH; d-- > 0;)
		kunmap_local(k[d]);
	return (void *)errors;
}

Test(highmem, kmap_local_64_tasks_nine_deep_do_not_livelock, .timeout = 300)
{
	pthread_t th[NR_TASKS];
	unsigned long i;
	int d;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G nr_cpus=4"), 0);
	for (i = 0; i < NR_TASKS; i++) {
		for (d = 0; d < DEPTH; d++) {
			unsigned int *k;

			deep_pages[i][d] = alloc_page(GFP_HIGHUSER);
			cr_assert(PageHighMem(deep_pages[i][d]));
			k = kmap_local_page(deep_pages[i][d]);
			*k = (unsigned int)(i * DEPTH + d);
			kunmap_local(k);
		}
	}
	pthread_barrier_init(&deep_barrier, NULL, NR_TASKS);
	for (i = 0; i < NR_TASKS; i++)
		pthread_create(&th[i], NULL, deep_thread, (void *)i);
	for (i = 0; i < NR_TASKS; i++) {
		void *errors;

		pthread_join(th[i], &errors);
		cr_assert_null(errors, "task %lu read a wrong frame", i);
	}
	pthread_barrier_destroy(&deep_barrier);
	for (i = 0; i < NR_TASKS; i++)
		for (d = 0; d < DEPTH; d++)
			__free_page(deep_pages[i][d]);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/* a row serves one task at a time; another task's mapping never lands in it */
Test(highmem, kmap_local_rows_are_per_task)
{
	struct page *a = NULL, *b = NULL;
	char *ka, *kb, *kc;

	cr_assert_eq(ukmem_boot("machine=i386 mem=2G nr_cpus=2"), 0);
	a = alloc_page(GFP_HIGHUSER);
	b = alloc_page(GFP_HIGHUSER);
	ka = kmap_local_page(a);
	kb = kmap_local_page(b);
	cr_assert_eq(kb, ka + PAGE_SIZE, "nested mappings take consecutive slots of one row");
	kunmap_local(ka); /* out of order: reported, leaves a hole */
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_KMAP), 1);
	kc = kmap_local_page(a);
	cr_assert_eq(kc, kb + PAGE_SIZE, "the hole is not reused while kb is held");
	kunmap_local(kc);
	kunmap_local(kb);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_KMAP), 1);
	kc = kmap_local_page(b);
	cr_assert_eq(kc, ka, "all released: the row starts over");
	kunmap_local(kc);
	__free_page(a);
	__free_page(b);
	ukmem_shutdown();
}

/* kmap_local_idx_push(): the KM_MAX_IDX-th nested mapping is the kernel's BUG */
Test(highmem, kmap_local_past_km_max_idx_is_bug, .signal = SIGABRT)
{
	struct page *page;
	int i;

	ukmem_boot("machine=i386 mem=2G");
	page = alloc_page(GFP_HIGHUSER);
	for (i = 0; i < KM_MAX_IDX - 1; i++)
		cr_assert(kmap_local_page(page));
	kmap_local_page(page);
}
