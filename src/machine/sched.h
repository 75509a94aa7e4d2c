/* SPDX-License-Identifier: MIT */
/*
 * sched.h (internal) - tasks, virtual CPUs and execution context, with the
 * inline fast paths the allocators use.
 *
 * The CPU model (docs/cpu-model.md): each virtual CPU has an owner word.
 * A task that leaves preemptible context (preempt_count 0 -> nonzero, or
 * irqs disabled) takes ownership of its CPU, and gives it back on the way
 * out. While it owns the CPU no other task can, which is exactly the
 * kernel's guarantee that nothing else runs on this CPU until
 * preempt_enable(). A task whose CPU is owned by another migrates to an idle
 * CPU, or one only an idle lease keeps (unless pinned by ukmem_set_cpu), or
 * waits on a futex.
 *
 * Leases make the uncontended case cheap. A task that keeps finding its CPU
 * free is granted a lease: it stays the owner between sections, and entering
 * a section is a plain store (its slot's in_section = 1) and a load of the
 * same slot (pcpu_off: is the lease still mine, and where is my CPU's data?),
 * leaving it a plain store — no atomic read-modify-write. A task that needs
 * a leased CPU revokes the lease: it takes cs->lessee (a compare-and-swap to
 * 0), clears the lessee's pcpu_off if it still names this CPU (the lessee
 * may have dropped the lease and been granted another CPU meanwhile), runs
 * membarrier() (an asymmetric full fence: afterwards the lessee either sees
 * 0 or its in_section = 1 is visible), waits for in_section to read 0, then
 * frees the owner word. A CPU that saw a
 * revocation grants no new lease until LEASE_COOLDOWN uncontended
 * acquisitions passed.
 *
 * The slot is the *task's* (lease_slots[t->lease_id]), not the CPU's: a
 * former lessee that has not yet noticed its revocation writes only its own
 * slot, so it can never wipe the flag of the task holding the lease now.
 * Slots outlive their threads (one per task per boot; when they run out,
 * tasks simply get no lease).
 *
 * Invariants:  cpu_state[c].owner == pid  <=>  task pid has cpu_held or leased, cpu == c
 *              cpu_held  <=>  preempt_count != 0 || irqs_off
 *              cpu_state[c].lessee == t->lease_id  =>  cpu_state[c].owner == t->pid
 *              lease_slots[t->lease_id].pcpu_off != 0  =>  cpu_state[t->cpu].lessee == t->lease_id
 *                  and pcpu_off == (t->cpu + 1) * PCPU_AREA_STRIDE, except between a
 *                  revoker's compare-and-swap on lessee and its clearing of pcpu_off
 *                  (during which the lessee may also have dropped the lease)
 */
#ifndef UKMEM_MACHINE_SCHED_H
#define UKMEM_MACHINE_SCHED_H

#include <linux/sched.h>
#include <linux/preempt.h>

#include "machine/machine.h"

/*
 * Per-CPU areas laid out PCPU_AREA_STRIDE bytes apart (the slab CPU arrays):
 * a lease word names its CPU's area offset, so a leaf section finds its
 * data with the load that tests the lease.
 */
#define PCPU_AREA_SHIFT	 12
#define PCPU_AREA_STRIDE (1UL << PCPU_AREA_SHIFT)

/* the lease word's value for a lease on @cpu: its area offset plus one stride, never 0 */
/*
 * CPU tags of slabs (mm/slub.c, "Passive false sharing" in docs/slab.md):
 * a slab page's slab_fast word is its cache pointer with bits 48-63 saying
 * which CPUs' frees may keep its objects - all of them for a cache whose
 * objects never share a cache line, else the one bit of the CPU that last
 * took objects from it (bit 48 + cpu % 16). A task keeps its CPU's bit, and
 * that bit together with the pointer bits, so the free fast paths test both
 * with one load of the word.
 */
#define CPU_TAG_SHIFT 48
#define CPU_TAG_ALL   (0xffffUL << CPU_TAG_SHIFT)

static inline unsigned long cpu_tag(int cpu)
{
	return 1UL << (CPU_TAG_SHIFT + (unsigned int)cpu % 16);
}

/* task_set_cpu_tag - @t now takes its objects from @cpu's arrays */
static inline void task_set_cpu_tag(struct task_struct *t, int cpu)
{
	t->slab_cpu_tag = cpu_tag(cpu);
	t->slab_cpu_q = ~CPU_TAG_ALL | t->slab_cpu_tag;
}

static inline unsigned long lease_pcpu_off(int cpu)
{
	return ((unsigned long)cpu + 1) << PCPU_AREA_SHIFT;
}

/*
 * A task's lease slot: lease_slots[t->lease_id]. Each slot has a cache line
 * of its own: every section writes in_section, and with 16-byte slots four
 * consecutive tasks shared a line, so two threads running on two host cores
 * bounced it on every allocation (this_cpu_inc 28-30 ns instead of 13.5-15).
 */
struct ukmem_lease {
	unsigned int in_section; /* the task is inside a section */
	unsigned int inside;	 /* full allocator calls the task is in (the shutdown gate) */
	/*
	 * While the standing lease is good: (cpu + 1) * PCPU_AREA_STRIDE, the
	 * leased CPU's area offset plus one stride (never 0). 0 once revoked.
	 */
	unsigned long pcpu_off;
	/*
	 * The task's slab object caches (struct slab_tc, mm/slub.c) while they
	 * may be used in a leaf section; a drainer clears it and waits for
	 * in_section as a revoker does for pcpu_off. 0: take the slow path.
	 */
	unsigned long tc;
	u32 pid; /* the task's, for the shutdown report */
	char comm[TASK_COMM_LEN];
} __attribute__((aligned(64)));

struct cpu_state {
	u32 owner;    /* pid of the task holding this CPU, 0 if idle */
	u32 waiters;  /* tasks sleeping on owner */
	u32 lessee;   /* lease_id of the task holding a standing lease, 0 if none */
	u32 cooldown; /* acquisitions to go before a lease may be granted */
	u32 nr_tasks; /* live tasks placed here (t->cpu): where new tasks go */
	unsigned long revocations;
} __attribute__((aligned(64)));

extern struct cpu_state *cpu_states;
/*
 * lease_busy_slot - what t->fast_slot points to when the task may not use
 * leaf sections (atomic context, a section of its own, no slot, a handler's
 * deferred frees to run): its in_section is 1 for good, so leaf_enter()'s
 * one test refuses it and the fast paths need no NULL test. Never written.
 */
extern struct ukmem_lease lease_busy_slot;
extern struct ukmem_lease *lease_slots; /* [lease_id]: that task's lease state */
extern __thread struct task_struct ukmem_task __attribute__((tls_model("initial-exec")));

void task_init(struct task_struct *t);
void cpu_acquire(struct task_struct *t);
void cpu_release(struct task_struct *t);
void cpu_lease_lost(struct task_struct *t);
void cpu_sleep_prepare(struct task_struct *t);
bool sched_leases_ok(void);
void slab_tc_exit(struct task_struct *t);

/*
 * The shutdown gate (docs/cpu-model.md "Shutdown"). The allocators' full
 * paths (not the fast paths: a shutdown revokes the leases and the tc words
 * they need, which sends them to the full paths) count themselves in the
 * task's slot (inside) and then test machine.stopping; ukmem_shutdown()
 * sets it, runs membarrier() and waits for every slot's count to read 0 -
 * the lease protocol's pairing, so either the task sees stopping or the
 * shutdown sees the count. A task that sees it waits in gate_wait() until
 * the shutdown is over: refused, its call goes on; done, its call fails
 * (NULL, nothing freed) and its next one boots a new machine. So does a
 * call whose task was looked up on a machine shut down before the gate. A nested call
 * (the count was already nonzero: the outer one holds the shutdown off)
 * passes without the test. Plain increments: a signal handler's are
 * balanced before the task resumes.
 */
extern bool leases_ok;
bool gate_wait(struct task_struct *t);
bool gate_enter_slotless(struct task_struct *t);
void gate_exit_slotless(struct task_struct *t);

static __always_inline bool gate_enter(struct task_struct *t)
{
	struct ukmem_lease *slot = t->lease_slot;
	unsigned int n;

	if (unlikely(!slot))
		return gate_enter_slotless(t);
	n = __atomic_load_n(&slot->inside, __ATOMIC_RELAXED);
	if (likely(leases_ok))
		__atomic_store_n(&slot->inside, n + 1, __ATOMIC_RELAXED);
	else /* no membarrier() for the shutdown: a fencing exchange of our own */
		__atomic_exchange_n(&slot->inside, n + 1, __ATOMIC_SEQ_CST);
	if (n)
		return true;
	barrier(); /* the shutdown's membarrier() supplies the full fence */
	/* (a task of a machine shut down since it was looked up fails its call) */
	if (likely(!__atomic_load_n(&machine.stopping, __ATOMIC_RELAXED)) &&
	    likely(t->boot_gen == __atomic_load_n(&machine.generation, __ATOMIC_RELAXED)))
		return true;
	return gate_wait(t);
}

static __always_inline void gate_exit(struct task_struct *t)
{
	struct ukmem_lease *slot = t->lease_slot;

	if (unlikely(!slot)) {
		gate_exit_slotless(t);
		return;
	}
	__atomic_store_n(&slot->inside, __atomic_load_n(&slot->inside, __ATOMIC_RELAXED) - 1,
			 __ATOMIC_RELEASE);
}

void sched_shutdown_wake(void);
int sched_shutdown_quiesce(void);

static __always_inline struct task_struct *current_task(void)
{
	struct task_struct *t = &ukmem_task;

#ifdef __SANITIZE_ADDRESS__
	__asm__("" : "+r"(t)); /* see slab_task() in slub.c (the asan preset has UBSan too) */
#endif
	if (unlikely(t->boot_gen != __atomic_load_n(&machine.generation, __ATOMIC_RELAXED)))
		task_init(t);
	return t;
}

/*
 * Sections entered over the task's own hold of its CPU. Signals are this
 * machine's interrupts: a handler may enter a section while the task it
 * interrupted is inside a leaf section (in_section = 1, preempt_count 0) or
 * half-way into or out of one (its slot's in_section, or the owner word,
 * already or still taken). That hold keeps every other task off the CPU (a
 * revoker waits for in_section to read 0, nobody else frees our owner
 * word), so the handler runs on it as is and leaves the slot and the word
 * alone: t->leased is LEASED_OVER_LEAF (a lease below) or LEASED_OVER_OWNED
 * (none) until it leaves, and the hold counts as an allocator section
 * (alloc_nest), which refuses the handler's allocations.
 *
 * A leaf section of a task without a lease (the thread-cache leaf needs
 * none) holds no CPU: the handler takes one the ordinary way, but is
 * granted no lease (granting and giving one back would store in_section
 * under the leaf), and gives it back on leaving: LEASED_OVER_BARE_LEAF.
 */
#define LEASED_OVER_LEAF      2
#define LEASED_OVER_OWNED     3
#define LEASED_OVER_BARE_LEAF 4

void cpu_enter_over(struct task_struct *t, int how);
void cpu_exit_over(struct task_struct *t);

/* cpu_enter - become the only task on t->cpu (see the lease protocol above). */
static __always_inline void cpu_enter(struct task_struct *t)
{
	if (likely(t->leased)) {
		struct ukmem_lease *slot = t->lease_slot;

		/* the line is about to be written anyway: one load more */
		if (unlikely(__atomic_load_n(&slot->in_section, __ATOMIC_RELAXED))) {
			cpu_enter_over(t, LEASED_OVER_LEAF);
			return;
		}
		__atomic_store_n(&slot->in_section, 1, __ATOMIC_RELAXED);
		t->fast_slot = &lease_busy_slot; /* no leaf sections inside a section */
		barrier(); /* the revoker's membarrier() supplies the full fence */
		if (likely(__atomic_load_n(&slot->pcpu_off, __ATOMIC_ACQUIRE))) {
			t->cpu_held = 1;
			return;
		}
		cpu_lease_lost(t);
		return;
	}
	cpu_acquire(t);
}

static __always_inline void cpu_exit(struct task_struct *t)
{
	t->cpu_held = 0;
	if (likely(t->leased == 1)) {
		__atomic_store_n(&t->lease_slot->in_section, 0, __ATOMIC_RELEASE);
	} else if (t->leased) {
		cpu_exit_over(t); /* restores what the interrupted code had */
		return;
	} else {
		cpu_release(t);
	}
	/* preemptible again: leaf sections may be tried (the slot says which) */
	t->fast_slot = t->idle_slot;
}

static __always_inline void preempt_count_inc(struct task_struct *t, unsigned int val)
{
	if (t->preempt_count == 0 && !t->irqs_off)
		cpu_enter(t);
	t->preempt_count += val;
	barrier();
}

static __always_inline void preempt_count_dec(struct task_struct *t, unsigned int val)
{
	unsigned int pc = t->preempt_count - val;

	barrier();
	/*
	 * Test the new count from the register: re-reading it would let the
	 * compiler fuse it with irqs_off into one 8-byte load right after
	 * this 4-byte store, and that load cannot be store-forwarded (a
	 * ~15-cycle stall that was most of a kmalloc/kfree pair).
	 */
	t->preempt_count = pc;
	if (pc == 0 && !t->irqs_off)
		cpu_exit(t);
}

/*
 * leaf_enter - the first half of pcpu_leaf_enter(): the task's slot with
 * in_section stored, or NULL in atomic context (or without a slot, or over
 * a section of ours a signal handler interrupted). The
 * caller loads what it needs from the slot (tc, pcpu_off: see struct
 * ukmem_lease) and leaves with pcpu_leaf_exit(), whether or not it was valid.
 */
static __always_inline struct ukmem_lease *leaf_enter(struct task_struct *t)
{
	struct ukmem_lease *slot = t->fast_slot;

	if (!slot)
		__builtin_unreachable(); /* never NULL: no test for the callers */
	/*
	 * A signal handler over one of ours, or no leaf sections now
	 * (lease_busy_slot). The line is written next anyway: one load.
	 */
	if (unlikely(__atomic_load_n(&slot->in_section, __ATOMIC_RELAXED)))
		return NULL;
	__atomic_store_n(&slot->in_section, 1, __ATOMIC_RELAXED);
	barrier(); /* the revoker's membarrier() supplies the full fence */
	return slot;
}

/*
 * Leaf sections. A section that only touches this CPU's data and calls
 * nothing (a slab fast path: pop or push one object) needs only the lease
 * half of the door: with a valid lease and a preemptible task, storing the
 * in-section slot and finding the lease still ours is exclusion enough, and
 * preempt_count is left alone. pcpu_leaf_enter() returns NULL when that
 * does not apply (no lease, lost lease, atomic context): the caller then
 * takes the ordinary pcpu_enter() path. Nothing inside a leaf section may
 * call anything that enters or leaves the CPU. It returns the slot to give
 * pcpu_leaf_exit() (kept in a register across the section), or NULL, and
 * in @pcpu_off the CPU's per-CPU area offset plus PCPU_AREA_STRIDE. The
 * test reads only the slot it has just written: no pointer to follow.
 */
static __always_inline struct ukmem_lease *pcpu_leaf_enter(struct task_struct *t,
							   unsigned long *pcpu_off)
{
	struct ukmem_lease *slot = leaf_enter(t);

	if (likely(slot)) {
		*pcpu_off = __atomic_load_n(&slot->pcpu_off, __ATOMIC_ACQUIRE);
		if (likely(*pcpu_off))
			return slot;
		/* revoked (or left from an earlier boot): the ordinary door sorts it out */
		__atomic_store_n(&slot->in_section, 0, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* pcpu_leaf_exit - leave the section pcpu_leaf_enter() returned @slot for. */
static __always_inline void pcpu_leaf_exit(struct ukmem_lease *slot)
{
	__atomic_store_n(&slot->in_section, 0, __ATOMIC_RELEASE);
}

/*
 * Allocator sections. Signals are this machine's interrupts, and a handler
 * may run kmalloc(GFP_ATOMIC) between irq_enter() and irq_exit() - but not
 * on top of the allocator's own per-CPU data or locks that the interrupted
 * code is in the middle of using (the kernel keeps interrupts off there).
 * So the allocators mark their own sections: t->alloc_nest counts those
 * entered and not left, a leaf section shows as its slot's in_section = 1
 * while the task is preemptible. A handler finding either fails its
 * allocation and defers its frees (slub.c); user sections (preempt_disable,
 * spin_lock) are not marked: a handler may allocate over those. Plain
 * increments: a handler's changes are balanced before the task resumes.
 */
void alloc_deferred_run(struct task_struct *t);
extern void (*alloc_deferred_hook)(struct task_struct *t);

static __always_inline void alloc_enter(struct task_struct *t)
{
	t->alloc_nest++;
	barrier(); /* marked before the section, as the handler sees it */
}

static __always_inline void alloc_exit(struct task_struct *t)
{
	barrier();
	if (!--t->alloc_nest && unlikely(t->deferred_free || t->nr_deferred_bad))
		alloc_deferred_run(t); /* what a handler deferred while we were inside */
}

/*
 * task_alloc_interrupted - a signal handler of @t interrupted an allocator
 * section: one is marked, or the lease slot shows a section while the task
 * is preemptible (a leaf section, or a section's door half-way through).
 * The slot, not fast_slot: a handler points fast_slot at lease_busy_slot to send the next call
 * down the full path, and a second one must still see the leaf below.
 */
static __always_inline bool task_alloc_interrupted(const struct task_struct *t)
{
	/* (leaf sections need no lease: the thread-cache leaf is tried without one) */
	return t->alloc_nest || (t->lease_slot && t->preempt_count == 0 && !t->irqs_off &&
				 __atomic_load_n(&t->lease_slot->in_section, __ATOMIC_RELAXED));
}

/*
 * pcpu_enter_leaf_or_full - a leaf section when it can be had, the ordinary
 * door otherwise; for sections that call nothing but may run in atomic
 * context or without a lease (the slab bulk paths). Return: what
 * pcpu_exit_leaf_or_full() needs (the leaf slot, or NULL); @pcpu_off as
 * pcpu_leaf_enter() gives it, in either case.
 */
static __always_inline struct ukmem_lease *pcpu_enter_leaf_or_full(struct task_struct *t,
								   unsigned long *pcpu_off)
{
	struct ukmem_lease *slot = pcpu_leaf_enter(t, pcpu_off);

	if (!slot) {
		alloc_enter(t);
		preempt_count_inc(t, 1);
		*pcpu_off = lease_pcpu_off(t->cpu);
	}
	return slot;
}

static __always_inline void pcpu_exit_leaf_or_full(struct task_struct *t, struct ukmem_lease *slot)
{
	if (slot) {
		pcpu_leaf_exit(slot);
	} else {
		preempt_count_dec(t, 1);
		alloc_exit(t);
	}
}

/*
 * task_peek - the calling thread's task, possibly left over from an earlier
 * boot, for pcpu_leaf_enter() alone: it calls nothing, so fast paths built
 * on it need no stack frame. A leftover task fails the lease test (see
 * sched_init()), and the full path, through current_task(), renews it.
 */
static __always_inline struct task_struct *task_peek(void)
{
	struct task_struct *t = &ukmem_task;

#ifdef __SANITIZE_ADDRESS__
	__asm__("" : "+r"(t)); /* see slab_task() in slub.c (the asan preset has UBSan too) */
#endif
	return t;
}

/* The pair the allocators use around per-CPU data: an allocator section. */
static __always_inline struct task_struct *pcpu_enter(void)
{
	struct task_struct *t = current_task();

	alloc_enter(t);
	preempt_count_inc(t, 1);
	return t;
}

static __always_inline void pcpu_exit(struct task_struct *t)
{
	preempt_count_dec(t, 1);
	alloc_exit(t);
}

static inline bool task_preemptible(const struct task_struct *t)
{
	return t->preempt_count == 0 && !t->irqs_off;
}

/*
 * check_preemption_disabled - report "BUG: using <what1><what2>() in
 * preemptible [%08x] code: comm/pid" when @t may be preempted. Return: the CPU.
 */
int check_preemption_disabled(const char *what1, const char *what2);

/* __might_resched_report - the sleeping-in-atomic report, if the context is atomic. */
bool might_sleep_check(const char *file, int line);

/* interrupt delivery on a chosen CPU (kernel/irq.c, docs/contexts.md) */
struct cpu_borrow {
	int cpu, pinned;
};
int sched_cpu_borrow(struct task_struct *t, int cpu, struct cpu_borrow *b);
void sched_cpu_return(struct task_struct *t, const struct cpu_borrow *b);
/* runs the softirqs pending on t's (held) CPU: irq_exit(), local_bh_enable() */
extern void (*softirq_pending_hook)(struct task_struct *t);

int sched_init(void);
void sched_exit(void);

#endif
