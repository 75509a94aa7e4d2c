// SPDX-License-Identifier: MIT
/*
 * fault-inject.c - the fault-injection capability (lib/fault-inject.c):
 * should_fail_ex() decides from a struct fault_attr whether one call fails,
 * in the kernel's order, and the per-thread controls it consults: fail-nth
 * (/proc/self/task/<tid>/fail-nth) and make-it-fail (the task filter).
 *
 * ukmem adds a seeded random stream per attribute, so that a run with the
 * same seed and the same sequence of eligible calls fails the same calls
 * (the kernel draws from get_random_u32_below(), which cannot be replayed).
 *
 * Every field of an attribute is read and written with atomics: knobs may
 * change while other threads ask, and the counters (count, times, space)
 * are shared by all threads as in the kernel.
 */
#include <linux/kernel.h>
#include <linux/fault-inject.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "lib/fault-inject.h"
#include "machine/machine.h"
#include "platform/platform.h"

/* the calling thread's fail-nth and make-it-fail (the kernel keeps them in task_struct) */
static __thread unsigned int fail_nth;
static __thread bool make_it_fail;
/* what the last should_fail_ex() of this thread did, for the sweep */
static __thread unsigned long fail_nth_injected;
/* called when fail-nth forces its failure (the sweep's child records the stack) */
void (*fault_nth_notify)(struct fault_attr *attr);

/* parse_ulong / parse_int - a whole decimal field ending at @end; false if not */
static bool parse_field(const char *s, char sep, long long lo, long long hi, long long *out,
			const char **next)
{
	char *end;
	long long v;

	if (!*s || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end != sep || v < lo || v > hi)
		return false;
	*out = v;
	*next = *end ? end + 1 : end;
	return true;
}

/*
 * setup_fault_attr - "<interval>,<probability>,<space>,<times>". Stricter
 * than the kernel's sscanf(): a field that is not a whole number in range
 * (a negative interval or probability, trailing text, a missing field) is
 * refused with the kernel's message instead of being read as far as it goes.
 */
__ukmem_export int setup_fault_attr(struct fault_attr *attr, char *str)
{
	long long interval, probability, space, times;
	const char *p = str;

	if (!attr || !str || !parse_field(p, ',', 0, LONG_MAX, &interval, &p) ||
	    !parse_field(p, ',', 0, LONG_MAX, &probability, &p) ||
	    !parse_field(p, ',', INT_MIN, INT_MAX, &space, &p) ||
	    !parse_field(p, '\0', INT_MIN, INT_MAX, &times, &p)) {
		printk(KERN_WARNING "FAULT_INJECTION: failed to parse arguments\n");
		return 0;
	}
	__atomic_store_n(&attr->probability, (unsigned long)probability, __ATOMIC_RELAXED);
	__atomic_store_n(&attr->interval, (unsigned long)interval, __ATOMIC_RELAXED);
	__atomic_store_n(&attr->times.counter, (int)times, __ATOMIC_RELAXED);
	__atomic_store_n(&attr->space.counter, (int)space, __ATOMIC_RELAXED);
	return 1;
}

/* the kernel's __ratelimit() over ratelimit_interval_ms / ratelimit_burst */
static bool fail_ratelimit(struct fault_attr *attr)
{
	unsigned int burst = __atomic_load_n(&attr->ratelimit_burst, __ATOMIC_RELAXED);
	u64 interval =
	    (u64)__atomic_load_n(&attr->ratelimit_interval_ms, __ATOMIC_RELAXED) * 1000000ULL;
	u64 now = plat_clock_ns(), begin = __atomic_load_n(&attr->rl_begin_ns, __ATOMIC_RELAXED);

	if (!interval)
		return true;
	if (!begin || now - begin >= interval) {
		if (__atomic_compare_exchange_n(&attr->rl_begin_ns, &begin, now, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			__atomic_store_n(&attr->rl_printed, 0, __ATOMIC_RELAXED);
	}
	if (!burst)
		return true;
	return __atomic_fetch_add(&attr->rl_printed, 1, __ATOMIC_RELAXED) < burst;
}

static void fail_dump(struct fault_attr *attr)
{
	unsigned long verbose = __atomic_load_n(&attr->verbose, __ATOMIC_RELAXED);

	if (verbose > 0 && fail_ratelimit(attr)) {
		printk(KERN_NOTICE "FAULT_INJECTION: forcing a failure.\n"
				   "name %s, interval %lu, probability %lu, space %d, times %d\n",
		       attr->dname ? attr->dname : "fault_attr",
		       __atomic_load_n(&attr->interval, __ATOMIC_RELAXED),
		       __atomic_load_n(&attr->probability, __ATOMIC_RELAXED),
		       __atomic_load_n(&attr->space.counter, __ATOMIC_RELAXED),
		       __atomic_load_n(&attr->times.counter, __ATOMIC_RELAXED));
		if (verbose > 1)
			dump_stack();
	}
}

/* fault_random_below - the next number of @attr's stream, below @n (splitmix64) */
static u32 fault_random_below(struct fault_attr *attr, u32 n)
{
	u64 z = __atomic_add_fetch(&attr->rnd, 0x9e3779b97f4a7c15ULL, __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (u32)(((z >> 32) * n) >> 32);
}

void fault_attr_seed(struct fault_attr *attr, u64 seed)
{
	u64 salt = 0;

	/* each attribute its own stream: the same seed, different sequences */
	for (const char *p = attr->dname ? attr->dname : ""; *p; p++)
		salt = salt * 131 + (unsigned char)*p;
	__atomic_store_n(&attr->rnd, seed ^ (salt * 0xd6e8feb86659fd93ULL), __ATOMIC_RELAXED);
}

/* atomic_dec_not_zero: times counts down to 0 and stays there */
static void times_dec_not_zero(atomic_t *v)
{
	int old = __atomic_load_n(&v->counter, __ATOMIC_RELAXED);

	while (old != 0 && !__atomic_compare_exchange_n(&v->counter, &old, old - 1, false,
							__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/*
 * should_fail_ex - the kernel's decision, step for step:
 *   1. in task context, a pending fail-nth counts down and fails at 1;
 *      while it is pending nothing else is consulted;
 *   2. probability 0: never;
 *   3. task-filter on and the task not make-it-fail: no;
 *   4. times used up (0): no;
 *   5. space left above @size: spend it, no;
 *   6. interval > 1: count, and only every interval-th call goes on;
 *   7. the random draw: fail with probability percent.
 * (The kernel's stack-trace filter, step 8, is not provided.)
 */
__ukmem_export bool should_fail_ex(struct fault_attr *attr, ssize_t size, int flags)
{
	unsigned long probability, interval;

	if (in_task() && fail_nth) {
		if (--fail_nth == 0) {
			fail_nth_injected++;
			if (fault_nth_notify)
				fault_nth_notify(attr);
			goto fail;
		}
		return false;
	}
	probability = __atomic_load_n(&attr->probability, __ATOMIC_RELAXED);
	if (probability == 0)
		return false;
	if (__atomic_load_n(&attr->task_filter, __ATOMIC_RELAXED) && !(in_task() && make_it_fail))
		return false;
	if (__atomic_load_n(&attr->times.counter, __ATOMIC_RELAXED) == 0)
		return false;
	if (__atomic_load_n(&attr->space.counter, __ATOMIC_RELAXED) > size) {
		__atomic_fetch_sub(&attr->space.counter, (int)size, __ATOMIC_RELAXED);
		return false;
	}
	interval = __atomic_load_n(&attr->interval, __ATOMIC_RELAXED);
	if (interval > 1 && (__atomic_add_fetch(&attr->count, 1, __ATOMIC_RELAXED) % interval))
		return false;
	if (probability <= fault_random_below(attr, 100))
		return false;
fail:
	if (!(flags & FAULT_NOWARN))
		fail_dump(attr);
	if (__atomic_load_n(&attr->times.counter, __ATOMIC_RELAXED) != -1)
		times_dec_not_zero(&attr->times);
	return true;
}

__ukmem_export bool should_fail(struct fault_attr *attr, ssize_t size)
{
	return should_fail_ex(attr, size, 0);
}

/* ------------------------------------------------------------ per-thread controls */

unsigned int fault_fail_nth_get(void)
{
	return fail_nth;
}

void fault_fail_nth_set(unsigned int n)
{
	fail_nth = n;
}

unsigned long fault_fail_nth_injected(void)
{
	return fail_nth_injected;
}

void fault_make_it_fail_set(bool on)
{
	make_it_fail = on;
}

bool fault_make_it_fail_get(void)
{
	return make_it_fail;
}
