// SPDX-License-Identifier: MIT
/*
 * fault_sweep.c - the fault-injection sweep finds error paths that were
 * never run: widget_create() has a missing NULL check (a crash when its
 * last allocation fails) and an error path that forgets a kfree (a leak
 * when the vmalloc fails). ukmem_fault_sweep() fails each allocation in
 * turn, each run in a child process, and says which step crashed, leaked
 * or reported, and where the failed allocation was made.
 *
 * Build: cc fault_sweep.c $(pkg-config --cflags --libs ukmem)
 * Run:   ./a.out            (tests/test_fault_inject.c runs it too)
 */
#include <ukmem.h>
#include <linux/gfp.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <errno.h>
#include <stdio.h>

struct widget {
	char *name;
	void *table;
	int __percpu *hits;
	int *counts;
};

static noinline int widget_alloc_table(struct widget *w)
{
	w->table = vmalloc(64 * 1024);
	return w->table ? 0 : -ENOMEM;
}

static noinline void widget_attach_counts(struct widget *w)
{
	w->counts = kmalloc_array(16, sizeof(int), GFP_KERNEL);
	w->counts[0] = 1; /* PLANTED BUG: no NULL check */
}

static noinline struct widget *widget_create(const char *name)
{
	struct widget *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	w->name = kstrdup(name, GFP_KERNEL);
	if (!w->name)
		goto free_w;
	if (widget_alloc_table(w))
		goto free_w; /* PLANTED BUG: w->name leaks (should be free_name) */
	w->hits = alloc_percpu(int);
	if (!w->hits)
		goto free_table;
	widget_attach_counts(w);
	return w;

free_table:
	vfree(w->table);
	kfree(w->name);
free_w:
	kfree(w);
	return NULL;
}

static void widget_destroy(struct widget *w)
{
	kfree(w->counts);
	free_percpu(w->hits);
	vfree(w->table);
	kfree(w->name);
	kfree(w);
}

/* the test function the sweep runs: 0 when it worked, -ENOMEM when it failed cleanly */
static int widget_test(void *arg)
{
	struct widget *w = widget_create(arg);

	if (!w)
		return -ENOMEM;
	widget_destroy(w);
	return 0;
}

#ifndef FAULT_SWEEP_EXAMPLE_NO_MAIN
int main(void)
{
	struct ukmem_sweep_step steps[32];
	long n, i;
	int bugs = 0;

	n = ukmem_fault_sweep(widget_test, "gadget", steps, 32, stdout);
	if (n < 0) {
		fprintf(stderr, "sweep failed: %ld\n", n);
		return 2;
	}
	for (i = 0; i < n; i++)
		if (steps[i].signal || steps[i].leaked_objects > 0 || steps[i].leaked_pages > 0 ||
		    steps[i].reports)
			bugs++;
	/* the two planted bugs: a crash and a leak */
	printf("%d steps with a bug (2 planted)\n", bugs);
	return 0;
}
#endif
