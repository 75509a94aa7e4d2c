// SPDX-License-Identifier: MIT
/* test_cpu.c - virtual CPUs: count independent of the host, placement,
 * and preempt_disable() really keeping other tasks off this CPU. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/preempt.h>
#include <pthread.h>
#include <sched.h>

Test(cpu, nr_cpus_independent_of_host)
{
	int cpu, n = 0;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=64"), 0);
	cr_assert_eq(num_possible_cpus(), 64);
	cr_assert_eq(num_online_cpus(), 64);
	cr_assert_eq(nr_cpu_ids, 64);
	for_each_possible_cpu(cpu)
		n++;
	cr_assert_eq(n, 64);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=256"), 0);
	cr_assert_eq(ukmem_nr_cpus(), 256);
	ukmem_shutdown();
}

Test(cpu, set_cpu_places_and_validates)
{
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=8"), 0);
	cr_assert_eq(ukmem_set_cpu(5), 0);
	cr_assert_eq(raw_smp_processor_id(), 5);
	cr_assert_eq(get_cpu(), 5);
	put_cpu();
	cr_assert_eq(ukmem_set_cpu(8), -EINVAL);
	cr_assert_eq(ukmem_set_cpu(-1), -EINVAL);
	preempt_disable();
	cr_assert_eq(ukmem_set_cpu(1), -EBUSY);
	cr_assert_eq(smp_processor_id(), 5);
	preempt_enable();
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(cpu, smp_processor_id_in_preemptible_code_is_reported)
{
	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	ukmem_dmesg_clear();
	(void)smp_processor_id();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);
	cr_assert(ukmem_dmesg_contains("BUG: using smp_processor_id() in preemptible [00000000] code: "));
	cr_assert(ukmem_dmesg_contains("caller is "));
	(void)raw_smp_processor_id();
	preempt_disable();
	(void)smp_processor_id();
	preempt_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);
	ukmem_shutdown();
}

/*
 * Exclusion: each CPU has a plain (non-atomic) counter, updated with a
 * read-yield-write sequence inside preempt_disable(). If two tasks ever ran
 * on one CPU at once, updates would be lost and the sum would fall short.
 */
#define MAXCPU 64
static unsigned long per_cpu_count[MAXCPU];
static int iters;

static void *worker(void *arg)
{
	int i;

	for (i = 0; i < iters; i++) {
		int cpu;
		unsigned long v;

		preempt_disable();
		cpu = smp_processor_id();
		v = per_cpu_count[cpu];
		if ((i & 15) == 0)
			sched_yield(); /* invite another task onto this CPU */
		per_cpu_count[cpu] = v + 1;
		preempt_enable();
	}
	return NULL;
}

static void run_exclusion(const char *cmdline, int nthreads, int n)
{
	pthread_t th[128];
	unsigned long sum = 0;
	int i;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	iters = n;
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < MAXCPU; i++)
		sum += per_cpu_count[i];
	cr_assert_eq(sum, (unsigned long)nthreads * n);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(cpu, preempt_disable_excludes_threads_outnumbering_cpus, .timeout = 120)
{
	run_exclusion("mem=32M nr_cpus=2", 8, 5000);
}

Test(cpu, preempt_disable_excludes_with_one_cpu, .timeout = 120)
{
	run_exclusion("mem=32M nr_cpus=1", 4, 5000);
}

Test(cpu, many_cpus_on_few_cores, .timeout = 120)
{
	run_exclusion("mem=32M nr_cpus=64", 16, 2000);
}

static int pinned_cpu_seen[4];
static void *pinned(void *arg)
{
	int want = (int)(long)arg, i;

	cr_assert_eq(ukmem_set_cpu(want), 0);
	for (i = 0; i < 1000; i++) {
		preempt_disable();
		if (smp_processor_id() != want)
			pinned_cpu_seen[want] = -1;
		preempt_enable();
	}
	return NULL;
}

Test(cpu, pinned_tasks_never_migrate, .timeout = 60)
{
	pthread_t th[8];
	long i;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=4"), 0);
	for (i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, pinned, (void *)(i % 2)); /* two tasks per CPU */
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(pinned_cpu_seen[0], 0);
	cr_assert_eq(pinned_cpu_seen[1], 0);
	ukmem_shutdown();
}

static void *short_lived(void *arg)
{
	int i;

	for (i = 0; i < 3000; i++) { /* long enough to be granted a lease */
		preempt_disable();
		preempt_enable();
	}
	return NULL;
}

/* A task that exits while holding a standing lease must not strand its CPU. */
Test(cpu, lease_of_an_exited_task_is_revoked, .timeout = 30)
{
	pthread_t th;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=1"), 0);
	pthread_create(&th, NULL, short_lived, NULL);
	pthread_join(th, NULL);
	preempt_disable();
	cr_assert_eq(smp_processor_id(), 0);
	preempt_enable();
	pthread_create(&th, NULL, short_lived, NULL);
	pthread_join(th, NULL);
	cr_assert_eq(ukmem_set_cpu(0), 0);
	preempt_disable();
	preempt_enable();
	ukmem_shutdown();
}
