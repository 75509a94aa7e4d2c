// SPDX-License-Identifier: MIT
/*
 * sched.c - tasks, virtual CPUs and execution context (preempt_count,
 * irqs, bottom halves, interrupt entry), might_sleep() and the CPU
 * accessors. The model is described in sched.h and docs/cpu-model.md.
 */
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/irqflags.h>
#include <linux/hardirq.h>
#include <linux/sched/mm.h>
#include <linux/bottom_half.h>
#include <ukmem.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/sched.h"
#include "machine/report.h"

/*
 * A task not set up yet matches no slab's CPU tag and has no leaf sections
 * (sched.h): its allocator calls take the full path, which sets it up.
 */
struct ukmem_lease lease_busy_slot = {.in_section = 1};
__thread struct task_struct ukmem_task __attribute__((tls_model("initial-exec"))) = {
    .slab_cpu_tag = 1,
    .slab_cpu_q = ~0UL,
    .fast_slot = &lease_busy_slot,
    .idle_slot = &lease_busy_slot,
};
/* where this task last left preemptible context ("Preemption disabled at:") */
__thread void *preempt_disable_ip __attribute__((tls_model("initial-exec")));
struct cpu_state *cpu_states;
struct ukmem_lease *lease_slots;
static u32 next_lease_id;
bool leases_ok; /* membarrier() works: leases may be granted */
#define NR_LEASE_SLOTS (1u << 20)
__ukmem_export unsigned int nr_cpu_ids = 1;

static void cpu_drop_lease(struct task_struct *t);

/*
 * task_exit - the thread is going (plain return, pthread_exit(), or
 * cancellation: each runs the TLS destructors). A task that dies inside a
 * section would keep its CPU forever: its owner word stays taken (pinned
 * tasks, drain_all_pages() and flush_all() wait for it for good) and a
 * lease slot left in_section = 1 makes every revoker wait. So, as the
 * kernel's make_task_dead() does, note it, enable interrupts, set
 * preempt_count to 0, and give the CPU back; a standing lease goes too, so
 * the CPU is idle at once. A spinlock held at exit stays held, as in Linux.
 */
static void task_exit(void *arg)
{
	struct task_struct *t = arg;

	if (t->boot_gen != __atomic_load_n(&machine.generation, __ATOMIC_RELAXED))
		return; /* a task of an earlier boot: its CPU words were cleared */
	if (unlikely(!task_preemptible(t))) {
		if (t->irqs_off)
			pr_info("note: %s[%d] exited with irqs disabled\n", t->comm, t->pid);
		if (t->preempt_count)
			pr_info("note: %s[%d] exited with preempt_count %d\n", t->comm, t->pid,
				(int)t->preempt_count);
		t->irqs_off = 0;
		t->preempt_count = 0;
		barrier();
		cpu_exit(t); /* in_section = 0 (leased) or the owner word freed */
	}
	/*
	 * A handler that left the thread over a leaf section (in_section 1,
	 * preemptible) leaves nothing of it running: nobody may wait for it.
	 */
	if (t->lease_slot)
		__atomic_store_n(&t->lease_slot->in_section, 0, __ATOMIC_RELEASE);
	/*
	 * Still inside an allocator section (a handler left through
	 * pthread_exit()): its locks may be held, so the thread's caches stay
	 * for drainers (slab_tc_exit() marks them dead) and what handlers
	 * deferred stays queued - lost, not corrupted.
	 */
	slab_tc_exit(t);
	if (!t->alloc_nest && (t->deferred_free || t->nr_deferred_bad))
		alloc_deferred_run(t);
	t->alloc_nest = 0;
	if (t->leased)
		cpu_drop_lease(t);
	__atomic_fetch_sub(&cpu_states[t->cpu].nr_tasks, 1, __ATOMIC_RELAXED);
}

bool sched_leases_ok(void)
{
	return leases_ok;
}

/* task_move - @t now runs on @cpu: keep the placement counts true. */
static void task_move(struct task_struct *t, int cpu)
{
	if (cpu == t->cpu)
		return;
	__atomic_fetch_sub(&cpu_states[t->cpu].nr_tasks, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&cpu_states[cpu].nr_tasks, 1, __ATOMIC_RELAXED);
	t->cpu = cpu;
	task_set_cpu_tag(t, cpu);
}

/*
 * task_place - the CPU a new task starts on: the one with the fewest live
 * tasks, an unowned one among those, the lowest number among equals. Tasks
 * that have exited no longer count, so short-lived threads created first
 * do not change where the later ones go.
 */
static int task_place(void)
{
	int cpu, best = 0, n = machine.nr_cpus;
	u32 best_score = ~0u;

	for (cpu = 0; cpu < n; cpu++) {
		u32 score = __atomic_load_n(&cpu_states[cpu].nr_tasks, __ATOMIC_RELAXED) * 2 +
			    (__atomic_load_n(&cpu_states[cpu].owner, __ATOMIC_RELAXED) != 0);

		if (score < best_score) {
			best_score = score;
			best = cpu;
			if (!score)
				break;
		}
	}
	return best;
}

void task_init(struct task_struct *t)
{
	ukmem_ensure_booted();
	memset(t, 0, sizeof(*t));
	t->pid = plat_gettid();
	plat_thread_name(t->comm, sizeof(t->comm));
	t->cpu = task_place();
	task_set_cpu_tag(t, t->cpu);
	__atomic_fetch_add(&cpu_states[t->cpu].nr_tasks, 1, __ATOMIC_RELAXED);
	t->lease_id = __atomic_add_fetch(&next_lease_id, 1, __ATOMIC_RELAXED);
	if (t->lease_id >= NR_LEASE_SLOTS)
		t->lease_id = 0; /* out of slots: this task never gets a lease */
	/* slot 0 is nobody's: a task without an id has no leaf sections at all */
	t->lease_slot = t->lease_id ? &lease_slots[t->lease_id] : NULL;
	t->idle_slot = t->lease_slot ? t->lease_slot : &lease_busy_slot;
	t->fast_slot = t->idle_slot;
	if (t->lease_slot) {
		memcpy(t->lease_slot->comm, t->comm, sizeof(t->comm));
		__atomic_store_n(&t->lease_slot->pid, (u32)t->pid, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&t->boot_gen, machine.generation, __ATOMIC_RELAXED);
	plat_at_thread_exit(task_exit, t);
}

#define LEASE_COOLDOWN 1024

static bool cpu_try_take(struct task_struct *t, int cpu)
{
	u32 idle = 0;

	return __atomic_compare_exchange_n(&cpu_states[cpu].owner, &idle, (u32)t->pid, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* cpu_free - clear the owner word and wake one task sleeping on it. */
static inline void cpu_free(struct cpu_state *cs)
{
	__atomic_store_n(&cs->owner, 0, __ATOMIC_RELEASE);
	if (unlikely(__atomic_load_n(&cs->waiters, __ATOMIC_SEQ_CST)))
		plat_futex_wake(&cs->owner, 1);
}

/*
 * cpu_revoke - take the standing lease away from whoever holds @cpu, and
 * wait until that task is out of its section. Afterwards the CPU is free or
 * owned by someone who took it the ordinary way.
 */
static void cpu_revoke(int cpu)
{
	struct cpu_state *cs = &cpu_states[cpu];
	u32 lessee = __atomic_load_n(&cs->lessee, __ATOMIC_RELAXED);
	int spins = 0;

	if (!lessee || !__atomic_compare_exchange_n(&cs->lessee, &lessee, 0, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		return; /* no lease, or another task is revoking it */
	/*
	 * Ours to revoke. The lessee cannot be granted this CPU again before
	 * cpu_free() below, but it may have dropped this lease (its own
	 * compare-and-swap failed) and been granted another CPU meanwhile:
	 * clear pcpu_off only while it still names this CPU.
	 */
	__atomic_compare_exchange_n(&lease_slots[lessee].pcpu_off,
				    &(unsigned long){lease_pcpu_off(cpu)}, 0, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	plat_membarrier();
	while (__atomic_load_n(&lease_slots[lessee].in_section, __ATOMIC_ACQUIRE)) {
		if (++spins < 64)
			__builtin_ia32_pause();
		else
			plat_yield();
	}
	__atomic_fetch_add(&cs->revocations, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&cs->cooldown, LEASE_COOLDOWN, __ATOMIC_RELAXED);
	/* the former lessee owned the CPU between sections; now nobody does */
	cpu_free(cs);
}

static void __cpu_acquire(struct task_struct *t, bool may_lease);

/*
 * cpu_lease_lost - the lease of @t was revoked under it: step back to the
 * ordinary path (our owner word may still be set until the revoker frees it).
 */
void cpu_lease_lost(struct task_struct *t)
{
	struct cpu_state *cs = &cpu_states[t->cpu];
	int spins = 0;

	t->leased = 0;
	t->fast_slot = &lease_busy_slot;
	t->lease_lost = 1; /* our owner word below is the revoker's to free */
	barrier();
	__atomic_store_n(&lease_slots[t->lease_id].in_section, 0, __ATOMIC_RELEASE);
	/* it does so as soon as it sees in_section 0 */
	while (__atomic_load_n(&cs->owner, __ATOMIC_ACQUIRE) == (u32)t->pid) {
		if (++spins < 64)
			__builtin_ia32_pause();
		else
			plat_yield();
	}
	barrier();
	t->lease_lost = 0;
	__cpu_acquire(t, true);
}

/* cpu_drop_lease - give up a lease voluntarily (from preemptible context). */
static void cpu_drop_lease(struct task_struct *t)
{
	struct cpu_state *cs = &cpu_states[t->cpu];
	u32 me = t->lease_id;

	if (!t->leased)
		return;
	t->leased = 0;
	if (__atomic_compare_exchange_n(&cs->lessee, &me, 0, false, __ATOMIC_SEQ_CST,
					__ATOMIC_RELAXED)) {
		__atomic_store_n(&lease_slots[me].pcpu_off, 0, __ATOMIC_RELAXED);
		cpu_free(cs);
		return;
	}
	/*
	 * A revoker took it and frees the owner word itself once it sees our
	 * in_section at 0. Wait for that: until then the word still names us,
	 * and a cpu_acquire() of ours on this CPU would take it for a door of
	 * our own that a signal interrupted - and run beside the revoker,
	 * which takes the CPU next (two drains of one CPU's pcp lists, seen
	 * under TSan). Not over a leaf section of ours (a handler): the
	 * revoker waits for that one to end.
	 */
	if (!__atomic_load_n(&lease_slots[me].in_section, __ATOMIC_RELAXED)) {
		int spins = 0;

		while (__atomic_load_n(&cs->owner, __ATOMIC_ACQUIRE) == (u32)t->pid) {
			if (++spins < 64)
				__builtin_ia32_pause();
			else
				plat_yield();
		}
	}
}

/*
 * lessee_idle - @cpu is held by a standing lease whose task is outside its
 * sections: between sections a lessee owns the CPU only as a cache, so for
 * placement the CPU is as good as free (revoking costs a membarrier).
 */
static bool lessee_idle(int cpu)
{
	u32 lessee = __atomic_load_n(&cpu_states[cpu].lessee, __ATOMIC_RELAXED);

	return lessee && !__atomic_load_n(&lease_slots[lessee].in_section, __ATOMIC_RELAXED);
}

/*
 * cpu_acquire - make @t the only task running on its CPU. A preemptible task
 * may be migrated, so if its CPU is busy it moves to an idle one: first a
 * free CPU, else its own CPU if only an idle lease keeps it (revoked), else
 * any CPU that only an idle lease keeps (revoked, then taken) - a task that
 * blocked outside ukmem (a join, a futex, a host mutex) with a lease must
 * not keep others piled on one CPU. A pinned task (or one finding nothing
 * of the kind) waits for its own CPU, revoking a lease that keeps it.
 */
void cpu_acquire(struct task_struct *t)
{
	struct ukmem_lease *slot = t->lease_slot, *fast;

	if (unlikely(t->lease_lost)) {
		/*
		 * We interrupted cpu_lease_lost(): its lease is gone, its owner
		 * word the revoker's to free once in_section reads 0 - which
		 * the interrupted code was about to store (a pinned handler
		 * would wait for the revoker for good). No lease for us: our
		 * owner word must be free when we return there.
		 */
		__atomic_store_n(&slot->in_section, 0, __ATOMIC_RELEASE);
		__cpu_acquire(t, false);
		return;
	}
	/* owned by us while preemptible and unleased: we interrupted our own door */
	if (unlikely(__atomic_load_n(&cpu_states[t->cpu].owner, __ATOMIC_RELAXED) == (u32)t->pid)) {
		cpu_enter_over(t, LEASED_OVER_OWNED);
		return;
	}
	/* a leaf section of ours that holds no CPU: take one, lease none (sched.h) */
	if (unlikely(slot && __atomic_load_n(&slot->in_section, __ATOMIC_RELAXED))) {
		fast = t->fast_slot;
		t->alloc_nest++; /* refused from here on, a nested handler too */
		__cpu_acquire(t, false);
		t->alloc_nest--;
		t->fast_slot = fast;
		cpu_enter_over(t, LEASED_OVER_BARE_LEAF);
		return;
	}
	__cpu_acquire(t, true);
}

static void __cpu_acquire(struct task_struct *t, bool may_lease)
{
	int cpu = t->cpu, spins = 0, i, n = machine.nr_cpus;
	bool contended = false;
	struct cpu_state *cs;

	t->leased = 0; /* only tasks without a valid lease come here */
	if (likely(cpu_try_take(t, cpu)))
		goto done;
	contended = true;
	for (;;) {
		if (!t->pinned) {
			for (i = 1; i < n; i++) {
				int c = (cpu + i) % n;

				if (__atomic_load_n(&cpu_states[c].owner, __ATOMIC_RELAXED) == 0 &&
				    cpu_try_take(t, c)) {
					task_move(t, c);
					goto done;
				}
			}
		}
		if (cpu_try_take(t, cpu))
			goto done;
		if (__atomic_load_n(&cpu_states[cpu].lessee, __ATOMIC_RELAXED)) {
			cpu_revoke(cpu);
			continue;
		}
		if (!t->pinned) {
			for (i = 1; i < n; i++) {
				int c = (cpu + i) % n;

				if (!lessee_idle(c))
					continue;
				cpu_revoke(c);
				if (cpu_try_take(t, c)) {
					task_move(t, c);
					goto done;
				}
			}
		}
		if (++spins < 64) {
			__builtin_ia32_pause();
			continue;
		}
		{
			u32 owner = __atomic_load_n(&cpu_states[cpu].owner, __ATOMIC_RELAXED);

			if (!owner)
				continue;
			__atomic_fetch_add(&cpu_states[cpu].waiters, 1, __ATOMIC_SEQ_CST);
			plat_futex_wait(&cpu_states[cpu].owner, owner, 1000000);
			__atomic_fetch_sub(&cpu_states[cpu].waiters, 1, __ATOMIC_SEQ_CST);
		}
	}
done:
	/*
	 * A handler that interrupted the search above may have been granted a
	 * lease on another CPU: forget it (whoever needs that CPU revokes it).
	 */
	t->leased = 0;
	t->fast_slot = &lease_busy_slot;
	t->cpu_held = 1;
	cs = &cpu_states[t->cpu];
	if (contended) {
		__atomic_store_n(&cs->cooldown, LEASE_COOLDOWN, __ATOMIC_RELAXED);
	} else if (__atomic_load_n(&cs->cooldown, __ATOMIC_RELAXED)) {
		__atomic_fetch_sub(&cs->cooldown, 1, __ATOMIC_RELAXED);
	} else if (t->lease_id && leases_ok && may_lease &&
		   !__atomic_load_n(&cs->waiters, __ATOMIC_SEQ_CST)) {
		/* uncontended for a while: keep the CPU between sections */
		__atomic_store_n(&lease_slots[t->lease_id].in_section, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&lease_slots[t->lease_id].pcpu_off, lease_pcpu_off(t->cpu),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&cs->lessee, t->lease_id, __ATOMIC_RELEASE);
		t->leased = 1;
	}
}

/*
 * cpu_sleep_prepare - @t is about to sleep in the host (msleep, a contended
 * mutex): a standing lease would keep its CPU from others meanwhile, so it
 * is given back first. Nothing to do in atomic context (the report of
 * sleeping there is the caller's) or without a lease.
 */
void cpu_sleep_prepare(struct task_struct *t)
{
	/* (not under a handler: the leaf section it interrupted uses the lease) */
	if (t->leased && task_preemptible(t) && !task_alloc_interrupted(t))
		cpu_drop_lease(t);
}

/*
 * cpu_enter_over - a section entered over the task's own hold of its CPU:
 * a signal handler interrupted it inside a leaf section or half-way
 * through entering or leaving one (LEASED_OVER_*, sched.h).
 */
void cpu_enter_over(struct task_struct *t, int how)
{
	t->over_fast_slot = t->fast_slot;
	t->fast_slot = &lease_busy_slot;
	t->leased = how;
	t->alloc_nest++;
	t->cpu_held = 1;
}

/*
 * cpu_exit_over - back to the interrupted code, whose hold was never
 * touched. Frees the handler deferred are run by the next allocator call,
 * which fast_slot = &lease_busy_slot sends down the full path.
 */
void cpu_exit_over(struct task_struct *t)
{
	if (t->leased == LEASED_OVER_BARE_LEAF)
		cpu_release(t); /* the CPU we took for the handler */
	t->leased = t->leased == LEASED_OVER_LEAF;
	t->alloc_nest--;
	barrier();
	t->fast_slot =
	    t->deferred_free || t->nr_deferred_bad ? &lease_busy_slot : t->over_fast_slot;
}

/* the slab allocator's runner of deferred frees (slub.c), set at its init */
void (*alloc_deferred_hook)(struct task_struct *t);

/* alloc_deferred_run - the last allocator section ended with frees deferred: run them. */
void alloc_deferred_run(struct task_struct *t)
{
	void (*fn)(struct task_struct * t) =
	    __atomic_load_n(&alloc_deferred_hook, __ATOMIC_ACQUIRE);

	if (fn)
		fn(t);
}

/* ---- the shutdown gate (sched.h) ---- */

static u32 gate_slotless; /* tasks without a lease slot inside a full path */

bool gate_enter_slotless(struct task_struct *t)
{
	if (t->gate_nest++)
		return true;
	__atomic_fetch_add(&gate_slotless, 1, __ATOMIC_SEQ_CST);
	if (likely(!__atomic_load_n(&machine.stopping, __ATOMIC_SEQ_CST)) &&
	    t->boot_gen == __atomic_load_n(&machine.generation, __ATOMIC_RELAXED))
		return true;
	return gate_wait(t);
}

void gate_exit_slotless(struct task_struct *t)
{
	if (!--t->gate_nest)
		__atomic_fetch_sub(&gate_slotless, 1, __ATOMIC_RELEASE);
}

/*
 * gate_wait - @t found the gate shut on entering its outermost full path:
 * step out, sleep until the shutdown is over, then go in again if it was
 * refused (true) or fail the call if the machine went (false).
 */
bool gate_wait(struct task_struct *t)
{
	unsigned long gen = t->boot_gen;
	u32 stopping;

	for (;;) {
		gate_exit(t);
		while ((stopping = __atomic_load_n(&machine.stopping, __ATOMIC_ACQUIRE)))
			plat_futex_wait(&machine.stopping, stopping, -1);
		if (__atomic_load_n(&machine.generation, __ATOMIC_ACQUIRE) != gen)
			return false; /* shut down: the call fails, the next one boots anew */
		if (!t->lease_slot) {
			t->gate_nest++;
			__atomic_fetch_add(&gate_slotless, 1, __ATOMIC_SEQ_CST);
		} else {
			__atomic_exchange_n(&t->lease_slot->inside, 1, __ATOMIC_SEQ_CST);
			barrier();
		}
		if (!__atomic_load_n(&machine.stopping, __ATOMIC_SEQ_CST) &&
		    __atomic_load_n(&machine.generation, __ATOMIC_ACQUIRE) == gen)
			return true;
	}
}

/* sched_shutdown_wake - the shutdown is over (done or refused): open the gate. */
void sched_shutdown_wake(void)
{
	__atomic_store_n(&machine.stopping, 0, __ATOMIC_RELEASE);
	plat_futex_wake(&machine.stopping, INT_MAX);
}

#define SHUTDOWN_PATIENCE_NS 1000000000ull

/* the slot of the task with @pid, for its name; NULL if it has none */
static struct ukmem_lease *slot_of_pid(u32 pid, u32 ids)
{
	for (u32 id = 1; id <= ids; id++)
		if (__atomic_load_n(&lease_slots[id].pid, __ATOMIC_ACQUIRE) == pid)
			return &lease_slots[id];
	return NULL;
}

/*
 * sched_shutdown_quiesce - (machine.stopping set, boot_lock held) wait until
 * no other task is inside a full allocator path or holds a CPU inside a
 * section, then revoke every lease and tc word so that fast paths go to the
 * gate, and wait for the leaf sections under way. A task still inside after
 * SHUTDOWN_PATIENCE_NS (parked in preempt_disable(), say) is reported and
 * nothing is changed. Return: 0, or -EBUSY (refused).
 */
int sched_shutdown_quiesce(void)
{
	struct task_struct *me = current_task();
	u32 ids = min(__atomic_load_n(&next_lease_id, __ATOMIC_RELAXED), NR_LEASE_SLOTS - 1);
	u64 deadline = plat_clock_ns() + SHUTDOWN_PATIENCE_NS;
	int cpu, busy_cpu, spins = 0;
	u32 id, busy_pid;

	if (leases_ok)
		plat_membarrier(); /* pairs with gate_enter() (else its exchange fences) */
	for (;;) {
		busy_pid = 0;
		busy_cpu = -1;
		for (cpu = 0; cpu < machine.nr_cpus && !busy_pid; cpu++) {
			u32 owner = __atomic_load_n(&cpu_states[cpu].owner, __ATOMIC_ACQUIRE);
			u32 lessee = __atomic_load_n(&cpu_states[cpu].lessee, __ATOMIC_ACQUIRE);

			if (!owner || owner == (u32)me->pid)
				continue;
			if (lessee &&
			    !__atomic_load_n(&lease_slots[lessee].in_section, __ATOMIC_ACQUIRE))
				continue; /* an idle lease: nobody inside */
			busy_pid = owner;
			busy_cpu = cpu;
		}
		for (id = 1; id <= ids && !busy_pid; id++)
			if (&lease_slots[id] != me->lease_slot &&
			    __atomic_load_n(&lease_slots[id].inside, __ATOMIC_SEQ_CST))
				busy_pid = __atomic_load_n(&lease_slots[id].pid, __ATOMIC_ACQUIRE);
		if (!busy_pid &&
		    __atomic_load_n(&gate_slotless, __ATOMIC_ACQUIRE) > (me->lease_slot ? 0u : 1u))
			busy_pid = ~0u;
		if (!busy_pid)
			break;
		if (plat_clock_ns() > deadline) {
			struct ukmem_lease *slot = slot_of_pid(busy_pid, ids);
			const char *comm = slot ? slot->comm : "?";

			if (busy_cpu >= 0)
				report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, NULL,
					    "ukmem: shutdown refused: task %s[%d] is inside a "
					    "section on CPU%d\n",
					    comm, (int)busy_pid, busy_cpu);
			else
				report_warn(UKMEM_REPORT_WARN, __FILE__, __LINE__, NULL,
					    "ukmem: shutdown refused: task %s[%d] is inside the "
					    "allocator\n",
					    comm, (int)busy_pid);
			return -EBUSY;
		}
		if (++spins < 64)
			plat_yield();
		else
			plat_sleep_ns(100000);
	}
	/* the fast paths' ways in: thread caches and leases */
	for (id = 1; id <= ids; id++)
		__atomic_store_n(&lease_slots[id].tc, 0, __ATOMIC_SEQ_CST);
	for (cpu = 0; cpu < machine.nr_cpus; cpu++)
		cpu_revoke(cpu);
	if (leases_ok)
		plat_membarrier(); /* (without it there are no leases nor thread caches) */
	/* leaf sections under way (thread caches need no lease) leave now */
	for (id = 1; id <= ids; id++)
		while (&lease_slots[id] != me->lease_slot &&
		       __atomic_load_n(&lease_slots[id].in_section, __ATOMIC_ACQUIRE))
			plat_yield();
	return 0;
}

void cpu_release(struct task_struct *t)
{
	struct cpu_state *cs = &cpu_states[t->cpu];

	t->cpu_held = 0;
	cpu_free(cs);
}

__ukmem_export struct task_struct *get_current(void)
{
	return current_task();
}

__ukmem_export unsigned int preempt_count(void)
{
	return current_task()->preempt_count;
}

__ukmem_export void __preempt_count_add(unsigned int val)
{
	struct task_struct *t = current_task();

	if (!t->preempt_count)
		preempt_disable_ip = __builtin_return_address(0);
	preempt_count_inc(t, val);
}

/* the kernel's preempt_count_sub() under CONFIG_DEBUG_PREEMPT: refuse an underflow */
static bool preempt_count_underflows(struct task_struct *t, unsigned int val)
{
	const char *what;

	if (val > t->preempt_count)
		what = "val > preempt_count()";
	else if (val < PREEMPT_MASK && !(t->preempt_count & PREEMPT_MASK))
		what = "(val < PREEMPT_MASK) && !(preempt_count() & PREEMPT_MASK)";
	/* ukmem also refuses what would wrap the softirq or hardirq count */
	else if ((t->preempt_count & SOFTIRQ_MASK) < (val & SOFTIRQ_MASK))
		what = "(preempt_count() & SOFTIRQ_MASK) < (val & SOFTIRQ_MASK)";
	else if ((t->preempt_count & HARDIRQ_MASK) < (val & HARDIRQ_MASK))
		what = "(preempt_count() & HARDIRQ_MASK) < (val & HARDIRQ_MASK)";
	else
		return false;
	/* DEBUG_LOCKS_WARN_ON(): a WARN from the call that turns lock debugging off */
	if (debug_locks_off())
		report_warn(UKMEM_REPORT_PREEMPT, __FILE__, __LINE__, NULL,
			    "DEBUG_LOCKS_WARN_ON(%s)", what);
	return true;
}

__ukmem_export void __preempt_count_sub(unsigned int val)
{
	struct task_struct *t = current_task();

	if (unlikely(preempt_count_underflows(t, val)))
		return;
	preempt_count_dec(t, val);
}

__ukmem_export int irqs_disabled(void)
{
	return current_task()->irqs_off != 0;
}

__ukmem_export void local_irq_disable(void)
{
	struct task_struct *t = current_task();

	if (t->irqs_off)
		return;
	if (t->preempt_count == 0)
		cpu_enter(t); /* the same door as preemption: leases stay coherent */
	t->irqs_off = 1;
	barrier();
}

__ukmem_export void local_irq_enable(void)
{
	struct task_struct *t = current_task();

	if (!t->irqs_off)
		return;
	barrier();
	t->irqs_off = 0;
	if (t->preempt_count == 0)
		cpu_exit(t);
}

__ukmem_export unsigned long __local_irq_save(void)
{
	unsigned long was = current_task()->irqs_off;

	local_irq_disable();
	return was;
}

__ukmem_export void local_irq_restore(unsigned long flags)
{
	if (flags)
		local_irq_disable();
	else
		local_irq_enable();
}

__ukmem_export void local_bh_disable(void)
{
	struct task_struct *t = current_task();

	if (!t->preempt_count)
		preempt_disable_ip = __builtin_return_address(0);
	preempt_count_inc(t, SOFTIRQ_DISABLE_OFFSET);
}

/* the runner of pending softirqs (kernel/softirq.c), set at its init */
void (*softirq_pending_hook)(struct task_struct *t);

__ukmem_export void local_bh_enable(void)
{
	struct task_struct *t = current_task();
	void (*run)(struct task_struct *) = __atomic_load_n(&softirq_pending_hook, __ATOMIC_ACQUIRE);
	unsigned int pc = t->preempt_count;

	/*
	 * The kernel's __local_bh_enable_ip(): leaving the last bh-disabled
	 * section outside interrupts runs what was raised meanwhile, with
	 * preemption still off (the CPU kept) until the softirqs are done.
	 */
	if (run && (pc & SOFTIRQ_MASK) == SOFTIRQ_DISABLE_OFFSET &&
	    !(pc & (HARDIRQ_MASK | NMI_MASK)) && !t->irqs_off) {
		__preempt_count_sub(SOFTIRQ_DISABLE_OFFSET - 1);
		run(t);
		__preempt_count_sub(1);
		return;
	}
	__preempt_count_sub(SOFTIRQ_DISABLE_OFFSET);
}

__ukmem_export void irq_enter(void)
{
	struct task_struct *t = current_task();

	if (!t->preempt_count)
		preempt_disable_ip = __builtin_return_address(0);
	preempt_count_inc(t, HARDIRQ_OFFSET);
	t->irqs_off++;
}

__ukmem_export void irq_exit(void)
{
	struct task_struct *t = current_task();
	void (*run)(struct task_struct *) = __atomic_load_n(&softirq_pending_hook, __ATOMIC_ACQUIRE);

	/*
	 * The kernel's __irq_exit_rcu(): leave hardirq context with
	 * interrupts still off (the CPU stays held), and if that was the
	 * outermost interrupt, run the softirqs raised meanwhile
	 * (invoke_softirq()) before the interrupted code resumes.
	 */
	if (run && (t->preempt_count & (HARDIRQ_MASK | SOFTIRQ_MASK | NMI_MASK)) == HARDIRQ_OFFSET &&
	    t->irqs_off == 1) {
		__preempt_count_sub(HARDIRQ_OFFSET); /* irqs_off keeps the CPU */
		run(t);
		t->irqs_off--;
		if (task_preemptible(t))
			cpu_exit(t);
		return;
	}
	if (t->irqs_off)
		t->irqs_off--;
	__preempt_count_sub(HARDIRQ_OFFSET);
}

__ukmem_export void ukmem_softirq_enter(void)
{
	__preempt_count_add(SOFTIRQ_OFFSET);
}

__ukmem_export void ukmem_softirq_exit(void)
{
	__preempt_count_sub(SOFTIRQ_OFFSET);
}

/*
 * might_sleep_check - the kernel's __might_resched(): at most one report a
 * second (prev_jiffy + HZ), "Preemption disabled at:" naming the code that
 * left preemptible context, and TAINT_WARN after the report.
 */
bool might_sleep_check(const char *file, int line)
{
	static struct report_hz prev_jiffy;
	struct task_struct *t = current_task();
	void *ip;

	if (task_preemptible(t) && !t->rcu_read_lock_nesting)
		return false;
	if (!report_ratelimit_hz(&prev_jiffy))
		return true;
	ip = preempt_disable_ip;
	report_start(UKMEM_REPORT_SLEEP_IN_ATOMIC); /* before printk, as the kernel saves it */
	printk(KERN_ERR "BUG: sleeping function called from invalid context at %s:%d\n",
	       report_file(file), line);
	printk(KERN_ERR "in_atomic(): %d, irqs_disabled(): %d, non_block: %d, pid: %d, name: %s\n",
	       t->preempt_count != 0, t->irqs_off != 0, 0, t->pid, t->comm);
	printk(KERN_ERR "preempt_count: %x, expected: %x\n", t->preempt_count, 0);
	printk(KERN_ERR "RCU nest depth: %d, expected: %d\n", t->rcu_read_lock_nesting, 0);
	if (t->preempt_count && ip) {
		printk(KERN_ERR "Preemption disabled at:");
		printk(KERN_ERR "[<%px>] %pS\n", ip, ip);
	}
	report_stack();
	add_taint(TAINT_WARN);
	report_end(UKMEM_REPORT_SLEEP_IN_ATOMIC);
	return true;
}

__ukmem_export void __might_sleep(const char *file, int line)
{
	might_sleep_check(file, line);
}

__ukmem_export void __might_alloc(gfp_t gfp, const char *file, int line)
{
	if (gfp & __GFP_DIRECT_RECLAIM)
		might_sleep_check(file, line);
}

__ukmem_export int cond_resched(void)
{
	struct task_struct *t = current_task();

	might_sleep_check(__FILE__, __LINE__);
	if (task_preemptible(t))
		plat_yield();
	return 0;
}

__ukmem_export void schedule(void)
{
	might_sleep_check(__FILE__, __LINE__);
	plat_yield();
}

__ukmem_export void msleep(unsigned int msecs)
{
	might_sleep_check(__FILE__, __LINE__);
	cpu_sleep_prepare(current_task());
	plat_sleep_ns((u64)msecs * 1000000ull);
}

__ukmem_export void usleep_range(unsigned long min, unsigned long max)
{
	might_sleep_check(__FILE__, __LINE__);
	cpu_sleep_prepare(current_task());
	plat_sleep_ns((u64)min * 1000ull);
}

int check_preemption_disabled(const char *what1, const char *what2)
{
	struct task_struct *t = current_task();

	if (likely(!task_preemptible(t)))
		return t->cpu;
	report_start(UKMEM_REPORT_PREEMPT);
	printk(KERN_ERR "BUG: using %s%s() in preemptible [%08x] code: %s/%d\n", what1, what2,
	       t->preempt_count, t->comm, t->pid);
	printk(KERN_ERR "caller is %pS\n", __builtin_return_address(0));
	report_stack();
	report_end(UKMEM_REPORT_PREEMPT);
	return t->cpu;
}

__ukmem_export int debug_smp_processor_id(void)
{
	return check_preemption_disabled("smp_processor_id", "");
}

__ukmem_export int raw_smp_processor_id(void)
{
	return current_task()->cpu;
}

__ukmem_export int get_cpu(void)
{
	struct task_struct *t = current_task();

	if (!t->preempt_count)
		preempt_disable_ip = __builtin_return_address(0);
	preempt_count_inc(t, 1);
	return t->cpu;
}

__ukmem_export void put_cpu(void)
{
	__preempt_count_sub(1);
}

__ukmem_export unsigned int num_possible_cpus(void)
{
	ukmem_ensure_booted();
	return (unsigned int)machine.nr_cpus;
}

__ukmem_export unsigned int num_online_cpus(void)
{
	return num_possible_cpus();
}

__ukmem_export unsigned int num_present_cpus(void)
{
	return num_possible_cpus();
}

__ukmem_export int ukmem_nr_cpus(void)
{
	return (int)num_possible_cpus();
}

__ukmem_export int ukmem_set_cpu(int cpu)
{
	struct task_struct *t = current_task();

	if (cpu < 0 || cpu >= machine.nr_cpus)
		return -EINVAL;
	if (!task_preemptible(t) || task_alloc_interrupted(t))
		return -EBUSY; /* (a handler cannot move the task it interrupted) */
	cpu_drop_lease(t);
	task_move(t, cpu);
	t->pinned = 1;
	return 0;
}

/*
 * sched_cpu_borrow - move the calling preemptible task to @cpu and pin it
 * there until sched_cpu_return(): interrupt delivery (kernel/irq.c) runs a
 * line's handlers on the line's CPU in the thread that raised it, and the
 * CPU is taken the ordinary way (waiting while another task holds it, as
 * an interrupt waits for a CPU with interrupts off). Return: 0, or -EBUSY
 * when the task holds a CPU (atomic context, or a handler over a section).
 */
int sched_cpu_borrow(struct task_struct *t, int cpu, struct cpu_borrow *b)
{
	if (!task_preemptible(t) || task_alloc_interrupted(t))
		return -EBUSY;
	b->cpu = t->cpu;
	b->pinned = t->pinned;
	cpu_drop_lease(t);
	task_move(t, cpu);
	t->pinned = 1;
	return 0;
}

/* sched_cpu_return - back to the CPU and pinning sched_cpu_borrow() saved in @b. */
void sched_cpu_return(struct task_struct *t, const struct cpu_borrow *b)
{
	cpu_drop_lease(t); /* (a lease granted on the borrowed CPU) */
	task_move(t, b->cpu);
	t->pinned = b->pinned;
}

/*
 * The CPU words and the lease slots outlive boots (allocated once, for the
 * most CPUs a boot may have): a thread's task left over from an earlier boot
 * still holds pointers into them (t->fast_slot, t->lease_slot) and may test
 * them before it notices the new boot. Every boot clears the CPU words and
 * the slots handed out so far, and lease ids are never reused, so such a
 * task finds its lease gone and takes the ordinary path, which
 * re-initialises it. After fork() the child's private copies are reused the
 * same way.
 */
int sched_init(void)
{
	if (!cpu_states)
		cpu_states = plat_meta_alloc(sizeof(*cpu_states) * UKMEM_MAX_CPUS);
	if (!lease_slots)
		lease_slots = plat_meta_alloc(sizeof(*lease_slots) * NR_LEASE_SLOTS);
	if (!cpu_states || !lease_slots)
		return -ENOMEM;
	memset(cpu_states, 0, sizeof(*cpu_states) * UKMEM_MAX_CPUS);
	/*
	 * ids above next_lease_id were never handed out: their slots are still
	 * zero. Word by word, atomically: a task of the last machine may be
	 * reading its slot meanwhile (fast paths, the shutdown gate).
	 */
	for (u32 id = 0,
		 ids = min(__atomic_load_n(&next_lease_id, __ATOMIC_RELAXED), NR_LEASE_SLOTS - 1);
	     id <= ids; id++) {
		struct ukmem_lease *slot = &lease_slots[id];

		__atomic_store_n(&slot->in_section, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&slot->inside, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&slot->pcpu_off, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&slot->tc, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&slot->pid, 0, __ATOMIC_RELAXED);
	}
	/*
	 * Leases are only safe with membarrier(): without it a revoker's check
	 * of the slot and a lessee's check of the lease can both pass (the
	 * store-buffer case). Where it is missing (seccomp, old kernels,
	 * gVisor) every section takes the owner word with a compare-and-swap.
	 */
	leases_ok = plat_membarrier_init() == 0;
	nr_cpu_ids = (unsigned int)machine.nr_cpus;
	return 0;
}

void sched_exit(void)
{
	/* cpu_states and lease_slots stay: see sched_init() */
}
