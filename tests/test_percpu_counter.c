// SPDX-License-Identifier: MIT
/*
 * test_percpu_counter.c - percpu_counter: batch value, add/inc/dec, the
 * approximate read within batch * nr_cpus, the exact sum under concurrency,
 * _positive variants, set, compare (rough and precise paths), destroy.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/percpu_counter.h>
#include <pthread.h>

Test(percpu_counter, batch_follows_the_cpu_count)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	cr_assert_eq(percpu_counter_batch, 32);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=128M nr_cpus=64"), 0);
	cr_assert_eq(percpu_counter_batch, 128);
	ukmem_shutdown();
}

Test(percpu_counter, add_read_sum_set_destroy)
{
	struct percpu_counter c;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	cr_assert_eq(percpu_counter_init(&c, 100, GFP_KERNEL), 0);
	cr_assert(percpu_counter_initialized(&c));
	cr_assert_eq(percpu_counter_read(&c), 100);
	ukmem_set_cpu(1);
	percpu_counter_inc(&c);
	percpu_counter_add(&c, 5);
	percpu_counter_dec(&c);
	percpu_counter_sub(&c, 2);
	/* below the batch: only this CPU's delta moved */
	cr_assert_eq(percpu_counter_read(&c), 100);
	cr_assert_eq(percpu_counter_sum(&c), 103);
	cr_assert_eq(*per_cpu_ptr(c.counters, 1), 3);
	/* reaching the batch folds the delta into the shared count */
	percpu_counter_add(&c, 29);
	cr_assert_eq(percpu_counter_read(&c), 132);
	cr_assert_eq(*per_cpu_ptr(c.counters, 1), 0);
	for (i = 0; i < 1000; i++)
		percpu_counter_inc(&c);
	cr_assert_eq(percpu_counter_sum(&c), 1132);
	cr_assert_leq(percpu_counter_sum(&c) - percpu_counter_read(&c), 32);

	percpu_counter_set(&c, -50);
	cr_assert_eq(percpu_counter_read(&c), -50);
	cr_assert_eq(percpu_counter_read_positive(&c), 0);
	cr_assert_eq(percpu_counter_sum(&c), -50);
	cr_assert_eq(percpu_counter_sum_positive(&c), 0);
	percpu_counter_add_local(&c, 1000);	/* never folds */
	cr_assert_eq(percpu_counter_read(&c), -50);
	cr_assert_eq(percpu_counter_sum_positive(&c), 950);
	percpu_counter_sync(&c);
	cr_assert_eq(percpu_counter_read(&c), 950);
	cr_assert_eq(percpu_counter_read_positive(&c), 950);

	percpu_counter_destroy(&c);
	cr_assert(!percpu_counter_initialized(&c));
	percpu_counter_destroy(&c);	/* harmless */
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_counter, compare_rough_and_precise)
{
	struct percpu_counter c;
	int cpu;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	cr_assert_eq(percpu_counter_init(&c, 0, GFP_KERNEL), 0);
	/* far from rhs: decided by the rough count */
	cr_assert_eq(percpu_counter_compare(&c, 1000), -1);
	cr_assert_eq(percpu_counter_compare(&c, -1000), 1);
	/* deltas on several CPUs, invisible to read(): precise path */
	for_each_possible_cpu(cpu) {
		ukmem_set_cpu(cpu);
		percpu_counter_add(&c, 10);
	}
	cr_assert_eq(percpu_counter_read(&c), 0);
	cr_assert_eq(percpu_counter_compare(&c, 40), 0);
	cr_assert_eq(percpu_counter_compare(&c, 39), 1);
	cr_assert_eq(percpu_counter_compare(&c, 41), -1);
	cr_assert_eq(__percpu_counter_compare(&c, 41, 1), -1);
	percpu_counter_destroy(&c);
	ukmem_shutdown();
}

Test(percpu_counter, init_many)
{
	struct percpu_counter c[3];
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	cr_assert_eq(percpu_counter_init_many(c, 7, GFP_KERNEL, 3), 0);
	for (i = 0; i < 3; i++) {
		percpu_counter_add(&c[i], i);
		cr_assert_eq(percpu_counter_sum(&c[i]), 7 + i);
	}
	percpu_counter_destroy_many(c, 3);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

struct cnt_arg {
	struct percpu_counter *c;
	int iters;
	int pin;
};

static void *cnt_worker(void *p)
{
	struct cnt_arg *a = p;
	int i;

	if (a->pin >= 0)
		ukmem_set_cpu(a->pin);
	for (i = 0; i < a->iters; i++) {
		percpu_counter_add(a->c, 3);
		percpu_counter_dec(a->c);
		if ((i & 255) == 0)
			(void)percpu_counter_sum(a->c);
	}
	return NULL;
}

static void run_counter(const char *cmdline, int threads, int iters, bool pin)
{
	struct percpu_counter c;
	pthread_t th[64];
	struct cnt_arg args[64];
	s64 sum;
	int i;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	cr_assert_eq(percpu_counter_init(&c, 0, GFP_KERNEL), 0);
	for (i = 0; i < threads; i++) {
		args[i] = (struct cnt_arg){ &c, iters, pin ? i % ukmem_nr_cpus() : -1 };
		pthread_create(&th[i], NULL, cnt_worker, &args[i]);
	}
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	sum = percpu_counter_sum(&c);
	cr_assert_eq(sum, 2ll * threads * iters);
	/* the rough value is within batch * nr_cpus */
	cr_assert_leq(sum - percpu_counter_read(&c),
		      (s64)percpu_counter_batch * ukmem_nr_cpus());
	percpu_counter_destroy(&c);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_counter, exact_sum_threads_outnumbering_cpus)
{
	run_counter("mem=64M nr_cpus=3", 9, 10000, false);
}

Test(percpu_counter, exact_sum_cpus_outnumbering_host_cores)
{
	run_counter("mem=128M nr_cpus=64", 64, 1000, true);
}
