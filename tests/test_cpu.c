// SPDX-License-Identifier: MIT
/* test_cpu.c - virtual CPUs: count independent of the host, placement,
 * and preempt_disable() really keeping other tasks off this CPU. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <string.h>

#include "machine/sched.h"

Test(cpu, nr_cpus_independent_of_host)
{
	int cpu, n = 0;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=64"), 0);
	cr_assert_eq(num_possible_cpus(), 64);
	cr_assert_eq(num_online_cpus(), 64);
	cr_assert_eq(nr_cpu_ids, 64);
	for_each_possible_cpu (cpu)
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
	cr_assert(
	    ukmem_dmesg_contains("BUG: using smp_processor_id() in preemptible [00000000] code: "));
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

static int leased_cpu = -1;

static void *short_lived(void *arg)
{
	int i;

	for (i = 0; i < 3000; i++) { /* long enough to be granted a lease */
		preempt_disable();
		leased_cpu = smp_processor_id();
		preempt_enable();
	}
	return arg;
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

/*
 * Stale lessee: task A holds a lease on CPU 0 and loses it to B, which then
 * earns a lease of its own and stays inside a section. A enters again (not
 * yet knowing its lease is gone), then C needs CPU 0. C must wait for B:
 * A's late entry must not make B look outside.
 */
static int b_inside, b_ready, a_entering, overlap; /* accessed with __atomic builtins */

static void *stale_a(void *arg)
{
	int i;

	ukmem_set_cpu(0);
	for (i = 0; i < 3000; i++) {
		preempt_disable();
		preempt_enable();
	}
	while (!__atomic_load_n(&b_ready, __ATOMIC_SEQ_CST))
		usleep(1000);
	__atomic_store_n(&a_entering, 1, __ATOMIC_SEQ_CST);
	preempt_disable();
	preempt_enable();
	return NULL;
}

static void *lessee_b(void *arg)
{
	int i;

	usleep(100000);
	ukmem_set_cpu(0);
	for (i = 0; i < 3000; i++) { /* revokes A, then outlasts the cooldown */
		preempt_disable();
		preempt_enable();
	}
	preempt_disable();
	__atomic_store_n(&b_inside, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&b_ready, 1, __ATOMIC_SEQ_CST);
	usleep(200000);
	__atomic_store_n(&b_inside, 0, __ATOMIC_SEQ_CST);
	preempt_enable();
	return NULL;
}

static void *newcomer_c(void *arg)
{
	while (!__atomic_load_n(&a_entering, __ATOMIC_SEQ_CST))
		usleep(1000);
	usleep(30000);
	ukmem_set_cpu(0);
	preempt_disable();
	if (__atomic_load_n(&b_inside, __ATOMIC_SEQ_CST))
		__atomic_store_n(&overlap, 1, __ATOMIC_SEQ_CST);
	preempt_enable();
	return NULL;
}

Test(cpu, stale_lessee_cannot_hide_the_current_one, .timeout = 30)
{
	pthread_t a, b, c;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	pthread_create(&a, NULL, stale_a, NULL);
	pthread_create(&b, NULL, lessee_b, NULL);
	pthread_create(&c, NULL, newcomer_c, NULL);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	pthread_join(a, NULL);
	cr_assert_eq(__atomic_load_n(&overlap, __ATOMIC_SEQ_CST), 0,
		     "two tasks were inside CPU 0 at once");
	ukmem_shutdown();
}

/*
 * Interrupt-disabled sections and preemption-disabled sections nest in any
 * order with a standing lease held; the CPU must be free afterwards.
 */
static void *irq_mixer(void *arg)
{
	int i;

	for (i = 0; i < 4000; i++) {
		unsigned long flags;

		if (i & 1) {
			local_irq_save(flags);
			preempt_disable();
			local_irq_restore(flags);
			preempt_enable();
		} else {
			preempt_disable();
			local_irq_save(flags);
			preempt_enable();
			local_irq_restore(flags);
		}
	}
	return NULL;
}

Test(cpu, irq_and_preempt_sections_interleave_with_leases, .timeout = 60)
{
	pthread_t th[6];
	int i;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	for (i = 0; i < 6; i++)
		pthread_create(&th[i], NULL, irq_mixer, NULL);
	for (i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	/* every CPU must be takeable now, by a pinned task */
	for (i = 0; i < 2; i++) {
		cr_assert_eq(ukmem_set_cpu(i), 0);
		preempt_disable();
		cr_assert_eq(smp_processor_id(), i);
		preempt_enable();
	}
	ukmem_shutdown();
}

/*
 * A thread that exits with a standing lease gives its CPU back on the way
 * out (a TLS destructor): the CPU is idle at once, so tasks migrate to it
 * and the next one on it needs no revocation.
 */
Test(cpu, exiting_task_gives_its_cpu_back, .timeout = 30)
{
	pthread_t th;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	pthread_create(&th, NULL, short_lived, NULL);
	pthread_join(th, NULL);
	cr_assert_geq(leased_cpu, 0);
	cr_assert_eq(__atomic_load_n(&cpu_states[leased_cpu].owner, __ATOMIC_SEQ_CST), 0,
		     "the exited task still owns CPU %d", leased_cpu);
	cr_assert_eq(__atomic_load_n(&cpu_states[leased_cpu].lessee, __ATOMIC_SEQ_CST), 0);
	cr_assert_eq(ukmem_set_cpu(leased_cpu), 0);
	preempt_disable();
	preempt_enable();
	cr_assert_eq(cpu_states[leased_cpu].revocations, 0, "no revocation was needed");
	ukmem_shutdown();
}

/*
 * Every section writes the task's lease slot: two tasks' slots on one cache
 * line made two threads on two host cores bounce that line on every
 * allocation (issue 11). Each slot must have a line of its own.
 */
static void *slot_of(void *arg)
{
	preempt_disable();
	preempt_enable();
	return current->lease_slot;
}

Test(cpu, lease_slots_do_not_share_cache_lines)
{
	uintptr_t a, b;
	pthread_t th;
	void *ret;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	pthread_create(&th, NULL, slot_of, NULL);
	pthread_join(th, &ret);
	a = (uintptr_t)ret;
	pthread_create(&th, NULL, slot_of, NULL);
	pthread_join(th, &ret);
	b = (uintptr_t)ret;
	cr_assert_neq(a / 64, b / 64, "consecutive tasks' lease slots share a cache line");
	cr_assert_eq(a % 64, 0);
	cr_assert_eq(b % 64, 0);
	ukmem_shutdown();
}

/*
 * Placement (issue 11): the main thread holds a standing lease on its CPU
 * and then blocks in pthread_join, where ukmem cannot see it. Two workers
 * started after a short-lived thread must still end up on CPUs of their
 * own: a CPU kept only by an idle lease is as good as free. Before, the
 * second worker revoked the first one's lease instead of the blocked main
 * thread's, and the two shared one CPU for the rest of their lives.
 */
static pthread_barrier_t place_bar;
static int place_cpu[2];

static void *placed_worker(void *arg)
{
	int i, id = (int)(long)arg;

	for (i = 0; i < 3000; i++) {
		preempt_disable();
		preempt_enable();
	}
	pthread_barrier_wait(&place_bar); /* both are running and leased now */
	for (i = 0; i < 3000; i++) {
		preempt_disable();
		place_cpu[id] = smp_processor_id();
		preempt_enable();
	}
	pthread_barrier_wait(&place_bar);
	return NULL;
}

static void run_placement(int short_lived_first)
{
	pthread_t th[2];
	long i;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	for (i = 0; i < 3000; i++) { /* the main thread earns a lease */
		preempt_disable();
		preempt_enable();
	}
	cr_assert(current->leased);
	for (i = 0; i < short_lived_first; i++) {
		pthread_create(&th[0], NULL, short_lived, NULL);
		pthread_join(th[0], NULL);
	}
	pthread_barrier_init(&place_bar, NULL, 2);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, placed_worker, (void *)i);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&place_bar);
	cr_assert_neq(place_cpu[0], place_cpu[1], "both workers ended on CPU %d", place_cpu[0]);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

Test(cpu, workers_spread_past_a_blocked_lessee, .timeout = 30)
{
	run_placement(0);
}

Test(cpu, workers_spread_after_a_short_lived_thread, .timeout = 30)
{
	run_placement(1);
}

Test(cpu, workers_spread_after_three_short_lived_threads, .timeout = 30)
{
	run_placement(3);
}

/*
 * Exclusion with revocations everywhere: the main thread holds a lease and
 * blocks, short-lived threads come and go, and more workers than CPUs move
 * between CPUs by revoking idle leases. preempt_disable() must still keep
 * every other task off the CPU (the plain per-CPU counters lose nothing).
 */
Test(cpu, preempt_disable_excludes_while_leases_are_revoked, .timeout = 120)
{
	pthread_t th[6];
	unsigned long sum = 0;
	int i;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=3"), 0);
	memset(per_cpu_count, 0, sizeof(per_cpu_count));
	for (i = 0; i < 3000; i++) {
		preempt_disable();
		preempt_enable();
	}
	for (i = 0; i < 2; i++) {
		pthread_create(&th[0], NULL, short_lived, NULL);
		pthread_join(th[0], NULL);
	}
	iters = 20000;
	for (i = 0; i < 6; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < MAXCPU; i++)
		sum += per_cpu_count[i];
	cr_assert_eq(sum, 6ul * 20000);
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
}

/* A task going to sleep in ukmem (msleep, a contended mutex) gives its lease back first. */
static int sleeper_cpu, sleeper_done, lease_seen_free;

static void *watch_lease(void *arg)
{
	while (!__atomic_load_n(&sleeper_done, __ATOMIC_SEQ_CST)) {
		if (!__atomic_load_n(&cpu_states[sleeper_cpu].lessee, __ATOMIC_SEQ_CST) &&
		    !__atomic_load_n(&cpu_states[sleeper_cpu].owner, __ATOMIC_SEQ_CST))
			__atomic_store_n(&lease_seen_free, 1, __ATOMIC_SEQ_CST);
		usleep(1000);
	}
	return arg;
}

Test(cpu, sleeping_task_gives_its_lease_back, .timeout = 30)
{
	pthread_t th;
	int i;

	cr_assert_eq(ukmem_boot("mem=32M nr_cpus=2"), 0);
	for (i = 0; i < 3000; i++) {
		preempt_disable();
		preempt_enable();
	}
	cr_assert(current->leased);
	sleeper_cpu = raw_smp_processor_id();
	pthread_create(&th, NULL, watch_lease, NULL);
	msleep(300);
	__atomic_store_n(&sleeper_done, 1, __ATOMIC_SEQ_CST);
	pthread_join(th, NULL);
	cr_assert(__atomic_load_n(&lease_seen_free, __ATOMIC_SEQ_CST),
		  "CPU %d stayed leased while its task slept", sleeper_cpu);
	ukmem_shutdown();
}

/*
 * A thread that exits inside an atomic context (preempt_disable(),
 * spin_lock(), local_irq_disable()) by any of the three ways a thread ends
 * must not keep its CPU: the kernel's make_task_dead() notes it and resets
 * the context, and so does the thread-exit hook. Afterwards every CPU-wide
 * operation (drain_all_pages, kmem_cache_shrink/destroy) and a task pinned
 * to that CPU complete; the note is in the log. The lock itself stays held.
 */
enum exit_ctx { CTX_PREEMPT, CTX_SPIN, CTX_IRQ, NR_CTX };
enum exit_way { WAY_RETURN, WAY_EXIT, WAY_CANCEL };

struct exit_arg {
	enum exit_ctx ctx;
	enum exit_way way;
	int warm;  /* earn a standing lease first */
	int pid;   /* written by the thread */
	int ready; /* in the context, for the cancel case */
	int set_cpu_rc;
	spinlock_t *lock;
};

static void *exit_inside(void *p)
{
	struct exit_arg *a = p;

	/* no assertion here: its locals would be left poisoned by a cancellation under ASan */
	a->set_cpu_rc = ukmem_set_cpu(1);
	for (int i = 0; a->warm && i < 3000; i++) {
		preempt_disable();
		preempt_enable();
	}
	a->pid = current->pid;
	switch (a->ctx) {
	case CTX_PREEMPT:
		preempt_disable();
		break;
	case CTX_SPIN:
		spin_lock(a->lock);
		break;
	default:
		local_irq_disable();
		break;
	}
	if (a->way == WAY_EXIT)
		pthread_exit(NULL);
	if (a->way == WAY_CANCEL) {
		__atomic_store_n(&a->ready, 1, __ATOMIC_SEQ_CST);
		for (;;)
			usleep(1000); /* a cancellation point */
	}
	return NULL;
}

static void exit_inside_each(enum exit_way way)
{
	static const char *const note[NR_CTX] = {"exited with preempt_count 1",
						 "exited with preempt_count 1",
						 "exited with irqs disabled"};
	struct kmem_cache *c;
	char buf[96];

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2"), 0);
	for (int ctx = 0; ctx < NR_CTX; ctx++) {
		for (int warm = 0; warm < 2; warm++) {
			spinlock_t lock;
			struct exit_arg a = {.ctx = ctx, .way = way, .warm = warm, .lock = &lock};
			pthread_t th;
			void *o;

			spin_lock_init(&lock);
			ukmem_dmesg_clear();
			pthread_create(&th, NULL, exit_inside, &a);
			if (way == WAY_CANCEL) {
				while (!__atomic_load_n(&a.ready, __ATOMIC_SEQ_CST))
					usleep(1000);
				pthread_cancel(th);
			}
			pthread_join(th, NULL);
			cr_assert_eq(a.set_cpu_rc, 0);
			snprintf(buf, sizeof(buf), "[%d] %s", a.pid, note[ctx]);
			cr_assert(ukmem_dmesg_contains(buf), "no \"%s\" (ctx %d)", buf, ctx);
			/* everything that needs CPU 1 completes */
			drain_all_pages(NULL);
			c = kmem_cache_create("exit_inside", 64, 0, 0, NULL);
			cr_assert_not_null(c);
			o = kmem_cache_alloc(c, GFP_KERNEL);
			kmem_cache_free(c, o);
			kmem_cache_shrink(c);
			kmem_cache_destroy(c);
			cr_assert_eq(ukmem_set_cpu(1), 0);
			preempt_disable();
			cr_assert_eq(smp_processor_id(), 1);
			preempt_enable();
			cr_assert_eq(ukmem_set_cpu(0), 0);
			cr_assert_eq(__atomic_load_n(&lock.locked, __ATOMIC_SEQ_CST),
				     ctx == CTX_SPIN,
				     "a lock held at exit stays held, as in Linux");
		}
	}
	ukmem_shutdown();
}

Test(cpu, exit_in_atomic_context_by_return_releases_cpu, .timeout = 60)
{
	exit_inside_each(WAY_RETURN);
}

Test(cpu, exit_in_atomic_context_by_pthread_exit_releases_cpu, .timeout = 60)
{
	exit_inside_each(WAY_EXIT);
}

Test(cpu, exit_in_atomic_context_by_cancellation_releases_cpu, .timeout = 60)
{
	exit_inside_each(WAY_CANCEL);
}
