// SPDX-License-Identifier: MIT
/* test_workqueue.c - work items, kthreads, wait queues and completions:
 * process context on kworkers, flush/cancel, misuse, and races. */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void boot(void)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	ukmem_dmesg_clear();
	ukmem_report_reset();
}

static void down(void)
{
	ukmem_shutdown();
}

static int is_err(const void *p)
{
	return (unsigned long)p >= (unsigned long)-4095;
}

struct ctx_work {
	struct work_struct work;
	struct completion done;
	int task, interrupt, preemptible, kthread;
	char comm[TASK_COMM_LEN];
};

static void ctx_work_fn(struct work_struct *w)
{
	struct ctx_work *c = container_of(w, struct ctx_work, work);
	void *v;

	c->task = in_task();
	c->interrupt = !!in_interrupt();
	c->preemptible = preemptible();
	c->kthread = !!(current->flags & PF_KTHREAD);
	memcpy(c->comm, current->comm, sizeof(c->comm));
	kfree(kmalloc(128, GFP_KERNEL)); /* fine here */
	v = vmalloc(8192);
	vfree(v);
	msleep(1);
	complete(&c->done);
}

Test(workqueue, work_runs_in_process_context_on_a_kworker, .init = boot, .fini = down)
{
	struct ctx_work c = {0};

	INIT_WORK(&c.work, ctx_work_fn);
	init_completion(&c.done);
	cr_assert(schedule_work(&c.work));
	wait_for_completion(&c.done);
	flush_work(&c.work);
	cr_assert(c.task && !c.interrupt && c.preemptible && c.kthread);
	cr_assert(!strncmp(c.comm, "kworker/", 8), "comm %s", c.comm);
	cr_assert_eq(ukmem_report_total(), 0,
		     "GFP_KERNEL, vmalloc and msleep are fine in a work item");
}

static struct ctx_work irq_work;

static irqreturn_t queue_from_irq(int irq, void *dev)
{
	schedule_work(&irq_work.work);
	return IRQ_HANDLED;
}

Test(workqueue, work_queued_from_a_handler_runs_in_process_context, .init = boot, .fini = down)
{
	INIT_WORK(&irq_work.work, ctx_work_fn);
	init_completion(&irq_work.done);
	cr_assert_eq(request_irq(3, queue_from_irq, 0, "q", NULL), 0);
	ukmem_raise_irq(3);
	wait_for_completion(&irq_work.done);
	cr_assert(irq_work.task && irq_work.preemptible);
	free_irq(3, NULL);
	cr_assert_eq(ukmem_report_total(), 0);
}

static int slow_runs;
static DECLARE_COMPLETION(slow_started);
static DECLARE_COMPLETION(slow_go);

static void slow_fn(struct work_struct *w)
{
	complete(&slow_started);
	wait_for_completion(&slow_go);
	__atomic_fetch_add(&slow_runs, 1, __ATOMIC_RELAXED);
}

Test(workqueue, pending_work_is_not_queued_twice_and_flush_waits, .init = boot, .fini = down)
{
	struct work_struct w;

	INIT_WORK(&w, slow_fn);
	cr_assert(queue_work(system_wq, &w));
	wait_for_completion(&slow_started);
	cr_assert(queue_work(system_wq, &w), "running, not pending: may be queued again");
	cr_assert(!queue_work(system_wq, &w), "pending: refused");
	cr_assert(work_busy(&w));
	complete_all(&slow_go);
	flush_work(&w);
	cr_assert_eq(__atomic_load_n(&slow_runs, __ATOMIC_RELAXED), 2,
		     "flush waited for both runs");
	cr_assert(!flush_work(&w), "nothing to wait for");
}

Test(workqueue, cancel_work_sync_removes_pending_and_waits_for_running, .init = boot, .fini = down)
{
	struct work_struct w, other;
	struct workqueue_struct *wq = alloc_ordered_workqueue("ordered", 0);

	cr_assert_not_null(wq);
	INIT_WORK(&w, slow_fn);
	INIT_WORK(&other, slow_fn);
	cr_assert(queue_work(wq, &w));
	wait_for_completion(&slow_started);
	cr_assert(queue_work(wq, &other), "ordered: waits behind w");
	cr_assert(cancel_work_sync(&other), "was pending");
	cr_assert(!work_pending(&other));
	complete_all(&slow_go);
	cr_assert(!cancel_work_sync(&w), "running, not pending: waited for");
	cr_assert_eq(__atomic_load_n(&slow_runs, __ATOMIC_RELAXED), 1);
	destroy_workqueue(wq);
}

static int order[8], norder;

struct ow {
	struct work_struct w;
	int id;
};

static void ow_fn(struct work_struct *w)
{
	struct ow *o = container_of(w, struct ow, w);

	msleep(1);
	order[__atomic_fetch_add(&norder, 1, __ATOMIC_RELAXED)] = o->id;
}

Test(workqueue, ordered_workqueue_runs_one_at_a_time_in_order, .init = boot, .fini = down)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("ord%d", 0, 1);
	struct ow w[8];

	for (int i = 0; i < 8; i++) {
		INIT_WORK(&w[i].w, ow_fn);
		w[i].id = i;
		cr_assert(queue_work(wq, &w[i].w));
	}
	flush_workqueue(wq);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(order[i], i);
	destroy_workqueue(wq);
}

static void nop_fn(struct work_struct *w)
{
}

Test(workqueue, misuse_is_reported, .init = boot, .fini = down)
{
	struct workqueue_struct *wq = alloc_workqueue("gone", 0, 0);
	struct work_struct w, nofunc;

	INIT_WORK(&w, nop_fn);
	destroy_workqueue(wq);
	cr_assert(!queue_work(wq, &w));
	cr_assert(ukmem_dmesg_contains("WARNING: CPU: "));
	cr_assert(ukmem_dmesg_contains("workqueue: queueing nop_fn"));
	cr_assert(ukmem_dmesg_contains("on destroyed workqueue gone"));
	cr_assert(!work_pending(&w), "the refused item is not left pending");
	destroy_workqueue(wq);
	cr_assert(ukmem_dmesg_contains("workqueue: gone destroyed twice"));

	memset(&nofunc, 0, sizeof(nofunc));
	cr_assert(!flush_work(&nofunc));
	cr_assert(ukmem_dmesg_contains("at kernel/workqueue.c:"));
	cr_assert(!queue_work(NULL, &w));
	cr_assert_geq(ukmem_report_count(UKMEM_REPORT_WARN), 4);
}

Test(workqueue, flush_in_atomic_context_is_reported, .init = boot, .fini = down)
{
	struct work_struct w;

	INIT_WORK(&w, nop_fn);
	schedule_work(&w);
	irq_enter();
	flush_work(&w);
	irq_exit();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
}

static void leak_preempt_fn(struct work_struct *w)
{
	preempt_disable();
}

Test(workqueue, a_work_item_leaving_preemption_off_is_reported, .init = boot, .fini = down)
{
	struct work_struct w;

	INIT_WORK(&w, leak_preempt_fn);
	schedule_work(&w);
	flush_work(&w);
	cr_assert(ukmem_dmesg_contains("BUG: workqueue leaked atomic, lock or RCU: kworker/"));
	cr_assert(ukmem_dmesg_contains("preempt=0x00000001"));
	INIT_WORK(&w, nop_fn);
	schedule_work(&w);
	flush_work(&w);
	cr_assert_eq(ukmem_dmesg_count("BUG: workqueue leaked"), 1, "the worker was put right");
}

static struct delayed_work dw;
static int dw_runs;

static void dw_fn(struct work_struct *w)
{
	cr_assert_eq(to_delayed_work(w), &dw);
	__atomic_fetch_add(&dw_runs, 1, __ATOMIC_RELAXED);
}

Test(workqueue, delayed_work_runs_after_its_delay_and_cancels, .init = boot, .fini = down)
{
	unsigned long start = jiffies;

	INIT_DELAYED_WORK(&dw, dw_fn);
	cr_assert(schedule_delayed_work(&dw, msecs_to_jiffies(20)));
	cr_assert(!schedule_delayed_work(&dw, 1), "already pending");
	cr_assert(delayed_work_pending(&dw));
	flush_delayed_work(&dw);
	cr_assert_eq(__atomic_load_n(&dw_runs, __ATOMIC_RELAXED), 1);

	cr_assert(queue_delayed_work(system_wq, &dw, msecs_to_jiffies(60000)));
	cr_assert(cancel_delayed_work_sync(&dw));
	cr_assert(!delayed_work_pending(&dw));
	cr_assert(!cancel_delayed_work_sync(&dw));
	cr_assert(queue_delayed_work(system_long_wq, &dw, 5));
	while (!__atomic_load_n(&dw_runs, __ATOMIC_RELAXED) || delayed_work_pending(&dw))
		msleep(1);
	flush_workqueue(system_long_wq);
	cr_assert_eq(__atomic_load_n(&dw_runs, __ATOMIC_RELAXED), 2);
	cr_assert(time_after_eq(jiffies, start + 5));
}

Test(workqueue, leftover_work_is_reported_at_shutdown, .init = boot)
{
	static struct work_struct w;
	struct workqueue_struct *wq = alloc_ordered_workqueue("left", 0);

	INIT_WORK(&w, slow_fn);
	queue_work(wq, &w);
	wait_for_completion(&slow_started);
	{
		static struct work_struct w2;

		INIT_WORK(&w2, nop_fn);
		queue_work(wq, &w2);
	}
	complete_all(&slow_go);
	ukmem_shutdown();
	/* w2 either ran (if slow_fn finished first) or was dropped with a report */
	cr_assert(ukmem_dmesg_contains("still queued at shutdown") ||
		  __atomic_load_n(&slow_runs, __ATOMIC_RELAXED) == 1);
	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	INIT_WORK(&w, nop_fn);
	cr_assert(schedule_work(&w), "workers start again after a reboot");
	flush_work(&w);
	ukmem_shutdown();
}

/* ---- flush/cancel races ---- */

#define RACERS 3
static struct work_struct race_work;
static int race_runs, race_in, race_overlap;

static void race_fn(struct work_struct *w)
{
	if (__atomic_fetch_add(&race_in, 1, __ATOMIC_ACQUIRE))
		__atomic_fetch_add(&race_overlap, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&race_runs, 1, __ATOMIC_RELAXED);
	kfree(kmalloc(64, GFP_KERNEL));
	__atomic_fetch_sub(&race_in, 1, __ATOMIC_RELEASE);
}

static void *racer(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < 400; i++) {
		switch ((i + id) % 4) {
		case 0:
		case 1:
			schedule_work(&race_work);
			break;
		case 2:
			flush_work(&race_work);
			break;
		default:
			cancel_work_sync(&race_work);
			break;
		}
	}
	return arg;
}

Test(workqueue, queue_flush_and_cancel_race_cleanly, .init = boot, .fini = down)
{
	pthread_t th[RACERS];

	INIT_WORK(&race_work, race_fn);
	for (long i = 0; i < RACERS; i++)
		pthread_create(&th[i], NULL, racer, (void *)i);
	for (int i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	flush_work(&race_work);
	cr_assert(!work_busy(&race_work));
	cr_assert_eq(__atomic_load_n(&race_overlap, __ATOMIC_RELAXED), 0, "never on two workers");
	cr_assert_gt(__atomic_load_n(&race_runs, __ATOMIC_RELAXED), 0);
	cr_assert_eq(ukmem_report_total(), 0);
}

/* ---- kthreads ---- */

static int kt_loops;

static int kt_fn(void *data)
{
	cr_assert(current->flags & PF_KTHREAD);
	while (!kthread_should_stop()) {
		__atomic_fetch_add(&kt_loops, 1, __ATOMIC_RELAXED);
		set_current_state(TASK_INTERRUPTIBLE);
		schedule_timeout(msecs_to_jiffies(1));
	}
	return (int)(long)data;
}

Test(kthread, run_loop_stop_returns_its_value, .init = boot, .fini = down)
{
	struct task_struct *k = kthread_run(kt_fn, (void *)7L, "ukt/%d", 3);

	cr_assert(!is_err(k));
	cr_assert_str_eq(k->comm, "ukt/3");
	while (__atomic_load_n(&kt_loops, __ATOMIC_RELAXED) < 3)
		msleep(1);
	cr_assert_eq(kthread_stop(k), 7);
}

Test(kthread, created_never_woken_returns_eintr, .init = boot, .fini = down)
{
	struct task_struct *k = kthread_create(kt_fn, NULL, "sleepy");

	cr_assert(!is_err(k));
	cr_assert_eq(kthread_stop(k), -EINTR);
	cr_assert_eq(__atomic_load_n(&kt_loops, __ATOMIC_RELAXED), 0, "its function never ran");
}

static int quick_fn(void *data)
{
	return 5;
}

Test(kthread, misuse_is_reported, .init = boot, .fini = down)
{
	struct task_struct *k = kthread_run(quick_fn, NULL, "quick");

	cr_assert(!is_err(k));
	msleep(5);
	cr_assert_eq(kthread_stop(k), 5, "a finished thread's value");
	cr_assert_eq(kthread_stop(k), -ESRCH, "stopped twice");
	cr_assert(ukmem_dmesg_contains("kthread_stop: quick was stopped already"));
	cr_assert_eq(kthread_stop(current), -EINVAL, "not a kthread");
	cr_assert(is_err(kthread_create(NULL, NULL, "x")));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 2);
	cr_assert_eq(wake_up_process(k), 0);
}

static int forever_fn(void *data)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(MAX_SCHEDULE_TIMEOUT);
	return 0;
}

Test(kthread, still_running_at_shutdown_is_stopped_and_reported, .init = boot)
{
	cr_assert(!is_err(kthread_run(forever_fn, NULL, "forever")));
	ukmem_shutdown();
	cr_assert(ukmem_dmesg_contains("kthread: forever still running at shutdown"));
}

Test(kthread, schedule_timeout_misuse, .init = boot, .fini = down)
{
	cr_assert_eq(schedule_timeout(-1), 0);
	cr_assert(ukmem_dmesg_contains("schedule_timeout: wrong timeout value ffffffffffffffff"));
	set_current_state(TASK_INTERRUPTIBLE);
	cr_assert_eq(schedule_timeout(2), 0, "slept it all");
	cr_assert_eq(current->__state, TASK_RUNNING);
}

/* ---- wait queues and completions ---- */

static DECLARE_WAIT_QUEUE_HEAD(wq_head);
static int cond_flag;

static int waker_fn(void *data)
{
	msleep(2);
	__atomic_store_n(&cond_flag, 1, __ATOMIC_RELEASE);
	wake_up(&wq_head);
	return 0;
}

Test(wait, wait_event_returns_once_woken_with_the_condition, .init = boot, .fini = down)
{
	struct task_struct *k = kthread_run(waker_fn, NULL, "waker");

	wait_event(wq_head, __atomic_load_n(&cond_flag, __ATOMIC_ACQUIRE));
	cr_assert_eq(kthread_stop(k), 0);
	cr_assert_eq(wait_event_timeout(wq_head, __atomic_load_n(&cond_flag, __ATOMIC_ACQUIRE), 0),
		     1, "condition true: at least 1 even with no time");
	cr_assert_eq(wait_event_timeout(wq_head, 0, msecs_to_jiffies(3)), 0, "timed out");
	cr_assert_eq(
	    wait_event_interruptible(wq_head, __atomic_load_n(&cond_flag, __ATOMIC_ACQUIRE)), 0);
	cr_assert(!waitqueue_active(&wq_head));
}

Test(wait, wait_event_in_atomic_context_is_reported, .init = boot, .fini = down)
{
	spinlock_t l;

	spin_lock_init(&l);
	spin_lock(&l);
	wait_event(wq_head, 1); /* condition true: returns at once, and is not checked */
	wait_event_timeout(wq_head, 0, 1);
	spin_unlock(&l);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
}

static struct completion comp;
static int comp_passed;

static int comp_waiter(void *data)
{
	wait_for_completion(&comp);
	__atomic_fetch_add(&comp_passed, 1, __ATOMIC_RELAXED);
	return 0;
}

Test(completion, complete_lets_one_through_complete_all_every_one, .init = boot, .fini = down)
{
	struct task_struct *k[3];

	init_completion(&comp);
	cr_assert(!completion_done(&comp));
	cr_assert(!try_wait_for_completion(&comp));
	cr_assert_eq(wait_for_completion_timeout(&comp, 2), 0);
	for (int i = 0; i < 3; i++)
		k[i] = kthread_run(comp_waiter, NULL, "cw%d", i);
	complete(&comp);
	while (__atomic_load_n(&comp_passed, __ATOMIC_RELAXED) < 1)
		msleep(1);
	msleep(5);
	cr_assert_eq(__atomic_load_n(&comp_passed, __ATOMIC_RELAXED), 1,
		     "one complete, one waiter");
	complete_all(&comp);
	for (int i = 0; i < 3; i++)
		kthread_stop(k[i]);
	cr_assert_eq(__atomic_load_n(&comp_passed, __ATOMIC_RELAXED), 3);
	cr_assert_gt(wait_for_completion_timeout(&comp, 10), 0, "done for good");
	reinit_completion(&comp);
	cr_assert(!completion_done(&comp));
}

static irqreturn_t complete_from_irq(int irq, void *dev)
{
	complete(dev);
	return IRQ_HANDLED;
}

Test(completion, completed_from_a_handler, .init = boot, .fini = down)
{
	struct completion c;

	init_completion(&c);
	request_irq(4, complete_from_irq, 0, "c", &c);
	ukmem_raise_irq(4);
	wait_for_completion(&c);
	free_irq(4, &c);
	cr_assert_eq(ukmem_report_total(), 0);
}

Test(completion, wait_in_a_handler_is_reported, .init = boot, .fini = down)
{
	struct completion c;

	init_completion(&c);
	complete(&c);
	irq_enter();
	wait_for_completion(&c);
	irq_exit();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_SLEEP_IN_ATOMIC), 1);
}

static void fork_work_fn(struct work_struct *w)
{
	__atomic_fetch_add(&slow_runs, 1, __ATOMIC_RELAXED);
}

static irqreturn_t fork_irq(int irq, void *dev)
{
	return IRQ_HANDLED;
}

Test(workqueue, fork_child_starts_threads_of_its_own, .init = boot, .fini = down)
{
	struct work_struct w;
	pid_t pid;
	int status;

#if defined(__SANITIZE_THREAD__)
	cr_skip_test("fork() with threads under ThreadSanitizer (docs/testing.md)");
#endif
	INIT_WORK(&w, fork_work_fn);
	schedule_work(&w);
	flush_work(&w);
	cr_assert_eq(request_irq(2, fork_irq, 0, "f", NULL), 0);
	pid = fork();
	if (pid == 0) {
		/* the parent's kworkers and locks are not the child's: a new machine, new threads
		 */
		INIT_WORK(&w, fork_work_fn);
		if (!schedule_work(&w))
			_exit(1);
		flush_work(&w);
		if (__atomic_load_n(&slow_runs, __ATOMIC_RELAXED) != 2)
			_exit(2);
		if (ukmem_raise_irq(2) != -ENOENT) /* the parent's line is not requested here */
			_exit(3);
		ukmem_shutdown();
		_exit(0);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 0);
	free_irq(2, NULL);
}

Test(workqueue, schedule_work_as_the_first_call_boots_the_machine)
{
	struct work_struct w;

	cr_assert(!ukmem_booted());
	INIT_WORK(&w, fork_work_fn);
	cr_assert(schedule_work(&w));
	flush_work(&w);
	cr_assert_eq(__atomic_load_n(&slow_runs, __ATOMIC_RELAXED), 1);
	ukmem_shutdown();
}
