// SPDX-License-Identifier: MIT
/*
 * test_percpu.c - static per-CPU variables (initializers, arrays, two
 * translation units, a dlopen'ed module), the accessor families and their
 * preemption checks, get_cpu_var exclusivity, and exact sums under
 * concurrency (threads > CPUs, CPUs > host cores).
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/smp.h>
#include <linux/sched.h>
#include <linux/irqflags.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "percpu_extra/percpu_test.h"

DEFINE_PER_CPU(int, pct_answer) = 42;
static DEFINE_PER_CPU(int[3], pct_arr) = { 1, 2, 3 };
static DEFINE_PER_CPU(unsigned long, pct_counter);
DEFINE_PER_CPU_ALIGNED(long, pct_aligned) = -1;
static DEFINE_PER_CPU_PAGE_ALIGNED(char[100], pct_page);
DEFINE_PER_CPU_SHARED_ALIGNED(int, pct_shared);
DEFINE_PER_CPU_READ_MOSTLY(int, pct_rm) = 9;
static DEFINE_PER_CPU(u8, pct_byte);
static DEFINE_PER_CPU(u64, pct_ops);

Test(percpu_static, initializer_copied_to_every_cpu_each_boot)
{
	int cpu;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=8"), 0);
	for_each_possible_cpu(cpu) {
		cr_assert_eq(per_cpu(pct_answer, cpu), 42);
		cr_assert_eq(per_cpu(pct_rm, cpu), 9);
		cr_assert_eq(per_cpu(pct_aligned, cpu), -1);
	}
	per_cpu(pct_answer, 3) = 7;
	cr_assert_eq(per_cpu(pct_answer, 2), 42);
	cr_assert_eq(per_cpu(pct_answer, 4), 42);
	cr_assert_eq(per_cpu(pct_answer, 3), 7);
	/* the prototype itself is never written */
	cr_assert_eq(pct_answer, 42);
	cr_assert_neq(per_cpu_ptr(&pct_answer, 0), per_cpu_ptr(&pct_answer, 1));
	ukmem_shutdown();

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=5"), 0);
	for_each_possible_cpu(cpu)
		cr_assert_eq(per_cpu(pct_answer, cpu), 42, "cpu %d rebuilt", cpu);
	ukmem_shutdown();
}

Test(percpu_static, arrays_alignment_and_static_definitions)
{
	int cpu, i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=6"), 0);
	for_each_possible_cpu(cpu) {
		for (i = 0; i < 3; i++)
			cr_assert_eq(per_cpu(pct_arr, cpu)[i], i + 1);
		per_cpu(pct_arr, cpu)[2] = 100 + cpu;
		cr_assert_eq((uintptr_t)per_cpu_ptr(&pct_page, cpu) % 4096, 0);
		cr_assert_eq((uintptr_t)per_cpu_ptr(&pct_aligned, cpu) % 64, 0);
		cr_assert_eq((uintptr_t)per_cpu_ptr(&pct_shared, cpu) % 64, 0);
		cr_assert_eq(per_cpu(pct_page, cpu)[99], 0);
	}
	for_each_possible_cpu(cpu)
		cr_assert_eq(per_cpu(pct_arr, cpu)[2], 100 + cpu);
	preempt_disable();
	(*this_cpu_ptr(&pct_arr))[0] = 55;
	cr_assert_eq(per_cpu(pct_arr, smp_processor_id())[0], 55);
	preempt_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 0);
	ukmem_shutdown();
}

Test(percpu_static, two_translation_units)
{
	int cpu;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	for_each_possible_cpu(cpu) {
		cr_assert_eq(per_cpu(pct_tu2_counter, cpu), 5);
		cr_assert_eq(pct_tu2_static_get(cpu, 3), 40);
	}
	ukmem_set_cpu(2);
	pct_tu2_inc();
	pct_tu2_inc();
	cr_assert_eq(per_cpu(pct_tu2_counter, 2), 7);
	cr_assert_eq(per_cpu(pct_tu2_counter, 1), 5);
	pct_tu2_static_set(1, 0, -3);
	cr_assert_eq(pct_tu2_static_get(1, 0), -3);
	cr_assert_eq(pct_tu2_static_get(0, 0), 10);
	/* both units' data are distinct per-CPU copies, not the prototypes */
	cr_assert_eq(pct_tu2_counter, 5);
	ukmem_shutdown();
}

static void check_dso(void *h)
{
	int *(*ptr)(int) = (int *(*)(int))dlsym(h, "pct_dso_ptr");
	void (*inc)(void) = (void (*)(void))dlsym(h, "pct_dso_inc");
	long (*pair)(int) = (long (*)(int))dlsym(h, "pct_dso_pair_sum");
	int *proto = dlsym(h, "pct_dso_var");
	int cpu;

	cr_assert(ptr && inc && pair && proto);
	for_each_possible_cpu(cpu) {
		cr_assert_eq(*ptr(cpu), 77, "cpu %d", cpu);
		cr_assert_eq(pair(cpu), 3000);
		/* per_cpu_ptr of another DSO's static, from the program */
		cr_assert_eq(per_cpu_ptr(proto, cpu), ptr(cpu));
	}
	ukmem_set_cpu(1);
	inc();
	inc();
	inc();
	cr_assert_eq(*ptr(1), 80);
	cr_assert_eq(*ptr(0), 77);
	cr_assert_eq(*proto, 77, "prototype untouched");
}

Test(percpu_static, dlopen_after_boot_and_before_boot)
{
	void *h;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=3"), 0);
	h = dlopen(PERCPU_DSO_PATH, RTLD_NOW);
	cr_assert(h, "%s", dlerror());
	check_dso(h);
	cr_assert_eq(dlclose(h), 0);
	ukmem_shutdown();

	/* loaded while no machine is up: copies made at the next boot */
	h = dlopen(PERCPU_DSO_PATH, RTLD_NOW);
	cr_assert(h, "%s", dlerror());
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	check_dso(h);
	ukmem_shutdown();
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	check_dso(h);
	cr_assert_eq(dlclose(h), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/* ---- the operation families ---- */

Test(percpu_ops, values_of_every_operation)
{
	unsigned long old;
	u64 exp;
	bool ok;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	this_cpu_write(pct_ops, 10);
	cr_assert_eq(this_cpu_read(pct_ops), 10);
	this_cpu_add(pct_ops, 5);
	this_cpu_sub(pct_ops, 3);
	this_cpu_inc(pct_ops);
	this_cpu_dec(pct_ops);
	this_cpu_dec(pct_ops);
	cr_assert_eq(this_cpu_read(pct_ops), 11);
	this_cpu_and(pct_ops, 0xf3);
	this_cpu_or(pct_ops, 0x100);
	cr_assert_eq(this_cpu_read(pct_ops), 0x103);
	cr_assert_eq(this_cpu_xchg(pct_ops, 7), 0x103);
	cr_assert_eq(this_cpu_cmpxchg(pct_ops, 6, 9), 7);
	cr_assert_eq(this_cpu_cmpxchg(pct_ops, 7, 9), 7);
	exp = 8;
	ok = this_cpu_try_cmpxchg(pct_ops, &exp, 1);
	cr_assert(!ok);
	cr_assert_eq(exp, 9);
	ok = this_cpu_try_cmpxchg(pct_ops, &exp, 1);
	cr_assert(ok);
	cr_assert_eq(this_cpu_add_return(pct_ops, 4), 5);
	cr_assert_eq(this_cpu_inc_return(pct_ops), 6);
	cr_assert_eq(this_cpu_dec_return(pct_ops), 5);
	cr_assert_eq(this_cpu_sub_return(pct_ops, 5), 0);

	preempt_disable();
	__this_cpu_write(pct_ops, 1);
	__this_cpu_add(pct_ops, 2);
	__this_cpu_sub(pct_ops, 1);
	__this_cpu_inc(pct_ops);
	__this_cpu_dec(pct_ops);
	__this_cpu_or(pct_ops, 8);
	__this_cpu_and(pct_ops, 0xa);
	cr_assert_eq(__this_cpu_read(pct_ops), 10);
	old = __this_cpu_xchg(pct_ops, 3);
	cr_assert_eq(old, 10);
	cr_assert_eq(__this_cpu_cmpxchg(pct_ops, 3, 4), 3);
	exp = 4;
	cr_assert(__this_cpu_try_cmpxchg(pct_ops, &exp, 5));
	cr_assert_eq(__this_cpu_add_return(pct_ops, 1), 6);
	cr_assert_eq(__this_cpu_inc_return(pct_ops), 7);
	cr_assert_eq(__this_cpu_dec_return(pct_ops), 6);
	cr_assert_eq(per_cpu(pct_ops, smp_processor_id()), 6);
	preempt_enable();

	raw_cpu_write(pct_byte, 250);
	raw_cpu_add(pct_byte, 10);	/* u8 wraps */
	cr_assert_eq(raw_cpu_read(pct_byte), 4);
	raw_cpu_inc(pct_byte);
	raw_cpu_dec(pct_byte);
	raw_cpu_sub(pct_byte, 1);
	raw_cpu_or(pct_byte, 0x80);
	raw_cpu_and(pct_byte, 0x83);
	cr_assert_eq(raw_cpu_read(pct_byte), 0x83);
	cr_assert_eq(raw_cpu_xchg(pct_byte, 1), 0x83);
	cr_assert_eq(raw_cpu_cmpxchg(pct_byte, 1, 2), 1);
	cr_assert_eq(raw_cpu_add_return(pct_byte, 3), 5);
	cr_assert_eq(raw_cpu_inc_return(pct_byte), 6);
	cr_assert_eq(raw_cpu_dec_return(pct_byte), 5);
	exp = 0;
	{
		u8 e = 5;

		cr_assert(raw_cpu_try_cmpxchg(pct_byte, &e, 0));
	}
	/* none of the above is a misuse */
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_ops, this_cpu_ops_on_dynamic_memory)
{
	int *p, cpu, sum = 0;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	p = alloc_percpu(int);
	cr_assert(p);
	for_each_possible_cpu(cpu) {
		ukmem_set_cpu(cpu);
		this_cpu_add(*p, cpu + 1);
		cr_assert_eq(*per_cpu_ptr(p, cpu), cpu + 1);
	}
	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(p, cpu);
	cr_assert_eq(sum, 10);
	free_percpu(p);
	ukmem_shutdown();
}

/* every __this_cpu_* in preemptible code is reported, with its name */
Test(percpu_ops, this_cpu_double_underscore_in_preemptible_code_is_reported)
{
	u64 e = 0;
	unsigned long n;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_dmesg_clear();
	__this_cpu_inc(pct_counter);
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_inc() in preemptible [00000000] code: "));
	cr_assert(ukmem_dmesg_contains("caller is "));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);

	(void)__this_cpu_read(pct_ops);
	__this_cpu_write(pct_ops, 1);
	__this_cpu_add(pct_ops, 1);
	__this_cpu_sub(pct_ops, 1);
	__this_cpu_dec(pct_ops);
	__this_cpu_and(pct_ops, 1);
	__this_cpu_or(pct_ops, 1);
	(void)__this_cpu_xchg(pct_ops, 1);
	(void)__this_cpu_cmpxchg(pct_ops, 1, 2);
	(void)__this_cpu_try_cmpxchg(pct_ops, &e, 2);
	(void)__this_cpu_add_return(pct_ops, 1);
	(void)__this_cpu_inc_return(pct_ops);
	(void)__this_cpu_dec_return(pct_ops);
	n = ukmem_report_count(UKMEM_REPORT_PREEMPT);
	cr_assert_eq(n, 14);
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_read() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_write() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_add() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_sub() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_dec() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_and() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_or() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_xchg() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_cmpxchg() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_try_cmpxchg() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_add_return() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_inc_return() in preemptible"));
	cr_assert(ukmem_dmesg_contains("BUG: using __this_cpu_dec_return() in preemptible"));

	/* raw_ and this_cpu_ forms never report */
	raw_cpu_inc(pct_counter);
	(void)raw_cpu_read(pct_counter);
	this_cpu_inc(pct_counter);
	(void)this_cpu_read(pct_counter);
	(void)raw_cpu_ptr(&pct_counter);
	(void)raw_smp_processor_id();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), n);

	/* with preemption (or interrupts) off, nothing to report */
	preempt_disable();
	__this_cpu_inc(pct_counter);
	preempt_enable();
	local_irq_disable();
	__this_cpu_inc(pct_counter);
	local_irq_enable();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), n);
	ukmem_shutdown();
}

Test(percpu_ops, smp_processor_id_and_this_cpu_ptr_in_preemptible_code)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_dmesg_clear();
	(void)smp_processor_id();
	cr_assert(ukmem_dmesg_contains("BUG: using smp_processor_id() in preemptible [00000000] code: "));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);
	(void)this_cpu_ptr(&pct_counter);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 2);
	ukmem_shutdown();
}

/* ---- get_cpu_var / put_cpu_var ---- */

Test(percpu_cpu_var, get_cpu_var_disables_preemption)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	cr_assert_eq(preempt_count(), 0);
	get_cpu_var(pct_counter)++;
	cr_assert_eq(preempt_count(), 1);
	__this_cpu_inc(pct_counter);	/* legal here */
	put_cpu_var(pct_counter);
	cr_assert_eq(preempt_count(), 0);
	{
		unsigned long *p = get_cpu_ptr(&pct_counter);

		cr_assert_eq(preempt_count(), 1);
		cr_assert_eq(*p, 2);
		put_cpu_ptr(&pct_counter);
	}
	cr_assert_eq(preempt_count(), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_cpu_var, sleeping_between_get_and_put_is_reported)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_dmesg_clear();
	get_cpu_var(pct_counter)++;
	msleep(1);
	put_cpu_var(pct_counter);
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
	ukmem_shutdown();
}

Test(percpu_cpu_var, unbalanced_put_cpu_var_is_reported)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_dmesg_clear();
	get_cpu_var(pct_counter)++;
	put_cpu_var(pct_counter);
	put_cpu_var(pct_counter);
	cr_assert(ukmem_dmesg_contains("DEBUG_LOCKS_WARN_ON(val > preempt_count())"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_PREEMPT), 1);
	cr_assert_eq(preempt_count(), 0);
	/* the CPU is still usable afterwards */
	this_cpu_inc(pct_counter);
	ukmem_shutdown();
}

static int excl_stage;

static void *excl_other(void *arg)
{
	ukmem_set_cpu(0);
	while (__atomic_load_n(&excl_stage, __ATOMIC_ACQUIRE) < 1)
		;
	this_cpu_inc(pct_counter);	/* must wait for put_cpu_var */
	/* stage is 2 only if we ran after the holder let go */
	return (void *)(long)__atomic_load_n(&excl_stage, __ATOMIC_ACQUIRE);
}

/* while a task holds get_cpu_var, no other task runs on that CPU */
Test(percpu_cpu_var, get_cpu_var_excludes_other_tasks_on_the_cpu)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	pthread_t th;
	void *ret;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_set_cpu(0);
	pthread_create(&th, NULL, excl_other, NULL);
	get_cpu_var(pct_counter) += 100;
	__atomic_store_n(&excl_stage, 1, __ATOMIC_RELEASE);
	nanosleep(&ts, NULL);
	cr_assert_eq(per_cpu(pct_counter, 0), 100, "the other task did not run on CPU 0");
	__atomic_store_n(&excl_stage, 2, __ATOMIC_RELEASE);
	put_cpu_var(pct_counter);
	pthread_join(th, &ret);
	cr_assert_eq((long)ret, 2);
	cr_assert_eq(per_cpu(pct_counter, 0), 101);
	ukmem_shutdown();
}

/* ---- exact sums under concurrency ---- */

struct sum_arg {
	unsigned long *dyn;
	int iters;
	int pin;	/* -1: not pinned */
};

static void *sum_worker(void *p)
{
	struct sum_arg *a = p;
	int i;

	if (a->pin >= 0)
		ukmem_set_cpu(a->pin);
	for (i = 0; i < a->iters; i++) {
		this_cpu_inc(pct_counter);
		this_cpu_add(*a->dyn, 2);
		if ((i & 1023) == 0)
			sched_yield();
	}
	return NULL;
}

static void run_sum(const char *cmdline, int threads, int iters, bool pin)
{
	pthread_t th[128];
	struct sum_arg args[128];
	unsigned long sum = 0, dsum = 0, *dyn;
	int i, cpu;

	cr_assert_eq(ukmem_boot(cmdline), 0);
	dyn = alloc_percpu(unsigned long);
	cr_assert(dyn);
	for (i = 0; i < threads; i++) {
		args[i] = (struct sum_arg){ dyn, iters, pin ? i % ukmem_nr_cpus() : -1 };
		pthread_create(&th[i], NULL, sum_worker, &args[i]);
	}
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	for_each_possible_cpu(cpu) {
		sum += per_cpu(pct_counter, cpu);
		dsum += *per_cpu_ptr(dyn, cpu);
	}
	cr_assert_eq(sum, (unsigned long)threads * iters);
	cr_assert_eq(dsum, 2ul * threads * iters);
	free_percpu(dyn);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(percpu_sum, exact_with_threads_outnumbering_cpus)
{
	run_sum("mem=64M nr_cpus=3", 12, 20000, false);
}

Test(percpu_sum, exact_with_cpus_outnumbering_host_cores)
{
	run_sum("mem=128M nr_cpus=64", 64, 2000, true);
	run_sum("mem=128M nr_cpus=64", 16, 5000, false);
}

Test(percpu_sum, too_many_cpus_for_memory_still_boots_without_areas)
{
	cr_assert_eq(ukmem_boot("mem=16M nr_cpus=4096"), 0);
	cr_assert(ukmem_dmesg_contains("percpu: cannot allocate the first chunk"));
	cr_assert_null(alloc_percpu_gfp(int, GFP_KERNEL | __GFP_NOWARN));
	ukmem_shutdown();
}

Test(percpu_sum, cpus_4096)
{
	int cpu;
	long *p;

	cr_assert_eq(ukmem_boot("mem=512M nr_cpus=4096"), 0);
	p = alloc_percpu(long);
	cr_assert(p);
	*per_cpu_ptr(p, 4095) = 3;
	cr_assert_eq(*per_cpu_ptr(p, 4094), 0);
	free_percpu(p);
	for_each_possible_cpu(cpu)
		cr_assert_eq(per_cpu(pct_answer, cpu), 42);
	per_cpu(pct_answer, 4095) = 1;
	cr_assert_eq(per_cpu(pct_answer, 4094), 42);
	ukmem_shutdown();
}

/* operations nest (each names its locals uniquely) and evaluate once */
Test(percpu_ops, operations_nest)
{
	u64 e;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	ukmem_set_cpu(1);
	this_cpu_write(pct_ops, 0);
	this_cpu_write(pct_counter, 0);
	this_cpu_add(pct_ops, this_cpu_add_return(pct_counter, this_cpu_inc_return(pct_counter)));
	cr_assert_eq(this_cpu_read(pct_counter), 2);
	cr_assert_eq(this_cpu_read(pct_ops), 2);
	e = 2;
	cr_assert(this_cpu_try_cmpxchg(pct_ops, &e, this_cpu_read(pct_counter) + 5));
	cr_assert_eq(per_cpu(pct_ops, 1), 7);
	cr_assert_eq(per_cpu(pct_ops, 0), 0);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/*
 * The _sub forms negate after converting the operand to the variable's
 * type, as the kernel's -(typeof(pcp))(val): subtracting an unsigned int 1
 * from a long must give -1, not add 4294967295 (lib/percpu_test.c).
 */
static DEFINE_PER_CPU(long, pct_sub_l);
static DEFINE_PER_CPU(unsigned long, pct_sub_ul);
static DEFINE_PER_CPU(int, pct_sub_i);
static DEFINE_PER_CPU(unsigned int, pct_sub_ui);

/* each form on @var (of type @type) from 5, minus @op (7): 5 - 7 in @type */
#define SUB_FORMS(var, type, op)                                                                   \
	do {                                                                                       \
		const type want = (type)-2;                                                        \
		type mirror = 5;                                                                   \
                                                                                                   \
		mirror -= (op); /* what C does with the same operands */                           \
		cr_assert_eq(mirror, want);                                                        \
		__this_cpu_write(var, 5);                                                          \
		this_cpu_sub(var, op);                                                             \
		cr_assert_eq(__this_cpu_read(var), want, "this_cpu_sub(" #type ", " #op ")");      \
		__this_cpu_write(var, 5);                                                          \
		__this_cpu_sub(var, op);                                                           \
		cr_assert_eq(__this_cpu_read(var), want, "__this_cpu_sub(" #type ", " #op ")");    \
		__this_cpu_write(var, 5);                                                          \
		raw_cpu_sub(var, op);                                                              \
		cr_assert_eq(__this_cpu_read(var), want, "raw_cpu_sub(" #type ", " #op ")");       \
		__this_cpu_write(var, 5);                                                          \
		cr_assert_eq(this_cpu_sub_return(var, op), want,                                   \
			     "this_cpu_sub_return(" #type ", " #op ")");                           \
		cr_assert_eq(__this_cpu_read(var), want);                                          \
		__this_cpu_write(var, 5);                                                          \
		cr_assert_eq(__this_cpu_sub_return(var, op), want,                                 \
			     "__this_cpu_sub_return(" #type ", " #op ")");                         \
		cr_assert_eq(__this_cpu_read(var), want);                                          \
		__this_cpu_write(var, 5);                                                          \
		cr_assert_eq(raw_cpu_sub_return(var, op), want,                                    \
			     "raw_cpu_sub_return(" #type ", " #op ")");                            \
		cr_assert_eq(__this_cpu_read(var), want);                                          \
	} while (0)

#define SUB_FORMS_ALL_OPERANDS(var, type)                                                          \
	do {                                                                                       \
		SUB_FORMS(var, type, ui_seven);                                                    \
		SUB_FORMS(var, type, ul_seven);                                                    \
		SUB_FORMS(var, type, us_seven);                                                    \
	} while (0)

Test(percpu_ops, sub_negates_after_converting_to_the_variable_type)
{
	/* volatile: the compiler must not fold the operands into constants */
	volatile unsigned int ui_seven = 7;
	volatile unsigned long ul_seven = 7;
	volatile unsigned short us_seven = 7;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	preempt_disable();
	SUB_FORMS_ALL_OPERANDS(pct_sub_l, long);
	SUB_FORMS_ALL_OPERANDS(pct_sub_ul, unsigned long);
	SUB_FORMS_ALL_OPERANDS(pct_sub_i, int);
	SUB_FORMS_ALL_OPERANDS(pct_sub_ui, unsigned int);
	/* the kernel's own case: __this_cpu_sub(long, 1u) from 0 is -1 */
	__this_cpu_write(pct_sub_l, 0);
	__this_cpu_sub(pct_sub_l, (unsigned int)ui_seven / 7);
	cr_assert_eq(__this_cpu_read(pct_sub_l), -1L);
	preempt_enable();
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}
