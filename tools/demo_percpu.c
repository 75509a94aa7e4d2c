// SPDX-License-Identifier: MIT
/*
 * demo_percpu.c - the per-CPU section of "ukmem demo": a thread on every
 * CPU increments one per-CPU counter, the copies are shown and summed; an
 * alloc_percpu array with each CPU's copy and its physical address; and a
 * __this_cpu_inc in preemptible code caught as CONFIG_DEBUG_PREEMPT does.
 */
#include <ukmem.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define DEMO_INCS 100000
#define DEMO_MAX_SHOWN 16

static DEFINE_PER_CPU(unsigned long, demo_hits);
static DEFINE_PER_CPU(int, demo_answer) = 42;

static void *demo_worker(void *arg)
{
	int i;

	ukmem_set_cpu((int)(long)arg);
	for (i = 0; i < DEMO_INCS; i++)
		this_cpu_inc(demo_hits);
	return NULL;
}

static void demo_counter(void)
{
	int n = ukmem_nr_cpus(), cpu, threads = n * 2;
	pthread_t th[2 * 64];
	unsigned long sum = 0;

	if (threads > 2 * 64)
		threads = 2 * 64;
	demo_heading("Per-CPU counter: DEFINE_PER_CPU + this_cpu_inc from every CPU");
	printf("%d threads (two per CPU, pinned with ukmem_set_cpu) each do %d this_cpu_inc(demo_hits)\n",
	       threads, DEMO_INCS);
	for (cpu = 0; cpu < threads; cpu++)
		pthread_create(&th[cpu], NULL, demo_worker, (void *)(long)(cpu % n));
	for (cpu = 0; cpu < threads; cpu++)
		pthread_join(th[cpu], NULL);
	for_each_possible_cpu(cpu) {
		if (cpu < DEMO_MAX_SHOWN)
			printf("  CPU%-3d copy at %p  demo_hits = %-8lu demo_answer = %d\n", cpu,
			       (void *)per_cpu_ptr(&demo_hits, cpu), per_cpu(demo_hits, cpu),
			       per_cpu(demo_answer, cpu));
		sum += per_cpu(demo_hits, cpu);
	}
	printf("  prototype &demo_hits = %p (never written: copies live in the first chunk)\n",
	       (void *)&demo_hits);
	printf("  sum over CPUs = %lu, expected %lu: %s\n", sum,
	       (unsigned long)threads * DEMO_INCS,
	       sum == (unsigned long)threads * DEMO_INCS ? "exact" : "WRONG");
}

static void demo_alloc(void)
{
	int (*arr)[4], cpu, i;

	demo_heading("alloc_percpu(int[4])");
	arr = alloc_percpu(int[4]);
	if (!arr) {
		printf("alloc_percpu failed\n");
		return;
	}
	for_each_possible_cpu(cpu)
		for (i = 0; i < 4; i++)
			(*per_cpu_ptr(arr, cpu))[i] = cpu * 10 + i;
	printf("per-CPU pointer %p (a handle: never mapped, dereferencing it faults)\n",
	       (void *)arr);
	for_each_possible_cpu(cpu) {
		int *c = *per_cpu_ptr(arr, cpu);

		if (cpu >= DEMO_MAX_SHOWN)
			break;
		printf("  CPU%-3d %p  phys %#011llx  { %d, %d, %d, %d }\n", cpu, (void *)c,
		       (unsigned long long)per_cpu_ptr_to_phys(c), c[0], c[1], c[2], c[3]);
	}
	printf("Percpu: %lu kB\n", pcpu_nr_pages() * 4);
	free_percpu(arr);
}

static void demo_misuse(void)
{
	unsigned long before = ukmem_report_count(UKMEM_REPORT_PREEMPT);

	demo_heading("__this_cpu_inc() in preemptible code");
	printf("calling __this_cpu_inc(demo_hits) without preempt_disable():\n");
	ukmem_dmesg_clear();
	__this_cpu_inc(demo_hits);
	printf("caught: %lu report(s); the log says:\n",
	       ukmem_report_count(UKMEM_REPORT_PREEMPT) - before);
	ukmem_dmesg(stdout);
	printf("with preempt_disable() around it nothing is reported:\n");
	preempt_disable();
	__this_cpu_inc(demo_hits);
	preempt_enable();
	printf("  reports now: %lu\n", ukmem_report_count(UKMEM_REPORT_PREEMPT) - before);
}

void demo_percpu(void)
{
	demo_counter();
	demo_alloc();
	demo_misuse();
}
