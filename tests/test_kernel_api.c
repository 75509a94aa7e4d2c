// SPDX-License-Identifier: MIT
/*
 * test_kernel_api.c - the kernel headers around the allocators: kref and
 * refcount_t (saturation and its WARNINGs), overflow helpers, cleanup.h
 * (__free, guard), rbtree, hash_32/jhash, list/hlist helpers, mempool,
 * vm_map_ram, module_param from the boot line and module_init/module_exit
 * at boot and shutdown in link order.
 */
#include <criterion/criterion.h>
#include <ukmem.h>
#include <linux/cleanup.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- module_init / module_exit / module_param ---- */

static int answer = 7;
static bool flag;
static char *name = "none";
static unsigned long big;
module_param(answer, int, 0444);
module_param(flag, bool, 0444);
module_param(name, charp, 0444);
module_param_named(big_one, big, ulong, 0444);

static char calls[64];
static int __init first_init(void)
{
	strcat(calls, "1");
	return 0;
}
module_init(first_init);
static void __exit first_exit(void)
{
	strcat(calls, "x");
}
module_exit(first_exit);
static int __init second_init(void)
{
	strcat(calls, "2");
	/* a boot parameter is set before the module's init runs */
	return answer == -1 ? -ENODEV : 0;
}
late_initcall(second_init);

Test(kernel_api, module_init_at_boot_exit_at_shutdown_params_from_boot_line)
{
	cr_assert_eq(ukmem_boot("mem=64M test_kernel_api.answer=42 test-kernel-api.flag "
				"test_kernel_api.name=hello test_kernel_api.big_one=0x10 "
				"other_module.x=1"),
		     0);
	cr_assert_str_eq(calls, "12", "inits run once each, in link order");
	cr_assert_eq(answer, 42);
	cr_assert(flag);
	cr_assert_str_eq(name, "hello");
	cr_assert_eq(big, 16);
	cr_assert_eq(ukmem_initcall_failures(), 0);
	ukmem_shutdown();
	cr_assert_str_eq(calls, "12x", "exit at shutdown");
	/* a malformed value refuses the boot with the kernel's message */
	cr_assert_eq(ukmem_boot("mem=64M test_kernel_api.answer=lots"), -EINVAL);
	cr_assert(ukmem_dmesg_contains("Booting kernel: `lots' invalid for parameter "
				       "`test_kernel_api.answer'"));
}

Test(kernel_api, failing_module_init_is_reported_and_its_exit_skipped)
{
	cr_assert_eq(ukmem_boot("mem=64M test_kernel_api.answer=-1"), 0);
	cr_assert_eq(ukmem_initcall_failures(), 1);
	cr_assert(ukmem_dmesg_contains("initcall second_init returned -19"));
	ukmem_shutdown();
	/* first_exit belongs to the same file (module), whose second init failed */
	cr_assert_str_eq(calls, "12");
}

/* ---- refcount_t and kref ---- */

Test(kernel_api, refcount_saturates_with_the_kernels_warnings)
{
	refcount_t r = REFCOUNT_INIT(1);

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	refcount_inc(&r);
	cr_assert_eq(refcount_read(&r), 2);
	cr_assert_not(refcount_dec_and_test(&r));
	cr_assert(refcount_dec_and_test(&r));
	cr_assert_eq(ukmem_report_total(), 0);
	/* underflow: 0 -> -1 would be a use after free */
	cr_assert_not(refcount_dec_and_test(&r));
	cr_assert(ukmem_dmesg_contains("refcount_t: underflow; use-after-free."));
	cr_assert_eq(refcount_read(&r), (unsigned int)REFCOUNT_SATURATED);
	/* saturated stays saturated: the object leaks, it is never freed */
	cr_assert_not(refcount_dec_and_test(&r));
	refcount_set(&r, 0);
	refcount_inc(&r);
	cr_assert(ukmem_dmesg_contains("refcount_t: addition on 0; use-after-free."));
	cr_assert_not(refcount_inc_not_zero(&(refcount_t)REFCOUNT_INIT(0)));
	refcount_set(&r, INT_MAX);
	refcount_inc(&r);
	cr_assert(ukmem_dmesg_contains("refcount_t: saturated; leaking memory."));
	refcount_set(&r, 1);
	refcount_dec(&r);
	cr_assert(ukmem_dmesg_contains("refcount_t: decrement hit 0; leaking memory."));
	cr_assert(ukmem_dmesg_contains("lib/refcount.c"));
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_WARN), 5);
	refcount_set(&r, 2);
	cr_assert(refcount_dec_not_one(&r));
	cr_assert_not(refcount_dec_not_one(&r));
	cr_assert(refcount_dec_if_one(&r));
}

struct thing {
	struct kref ref;
	int payload;
};
static int released;
static void thing_release(struct kref *ref)
{
	__atomic_add_fetch(&released, 1, __ATOMIC_RELAXED);
	kfree(container_of(ref, struct thing, ref));
}

static void *kref_worker(void *arg)
{
	struct thing *t = arg;

	for (int i = 0; i < 10000; i++) {
		kref_get(&t->ref);
		cr_assert_eq(t->payload, 99);
		kref_put(&t->ref, thing_release);
	}
	kref_put(&t->ref, thing_release); /* the reference main took for us */
	return NULL;
}

Test(kernel_api, kref_shared_by_threads_releases_once)
{
	pthread_t th[4];
	struct thing *t;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	kref_init(&t->ref);
	t->payload = 99;
	for (i = 0; i < 4; i++) {
		kref_get(&t->ref);
		cr_assert_eq(pthread_create(&th[i], NULL, kref_worker, t), 0);
	}
	kref_put(&t->ref, thing_release); /* the threads hold theirs: not the last */
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(released, 1);
	cr_assert_eq(ukmem_report_total(), 0);
}

/* ---- overflow.h, cleanup.h ---- */

struct flex {
	int n;
	u64 items[];
};

Test(kernel_api, overflow_helpers_saturate_and_allocation_fails)
{
	size_t s;
	int i;
	struct flex *f;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert(check_mul_overflow((size_t)1 << 40, (size_t)1 << 40, &s));
	cr_assert_not(check_add_overflow(2, 3, &i));
	cr_assert_eq(i, 5);
	cr_assert(check_sub_overflow(INT_MIN, 1, &i));
	cr_assert_eq(array_size(SIZE_MAX / 2, 3), SIZE_MAX);
	cr_assert_eq(array3_size(2, 3, 4), 24);
	cr_assert_eq(size_sub(SIZE_MAX, 1), SIZE_MAX);
	cr_assert_eq(size_sub(1, 2), SIZE_MAX);
	cr_assert_eq(struct_size(f, items, 3), sizeof(*f) + 24);
	cr_assert_eq(struct_size(f, items, SIZE_MAX / 4), SIZE_MAX);
	s = struct_size(f, items, SIZE_MAX / 4);
	OPTIMIZER_HIDE_VAR(s);
	f = kmalloc(s, GFP_KERNEL | __GFP_NOWARN);
	cr_assert_null(f);
	cr_assert_eq(type_max(int), INT_MAX);
	cr_assert_eq(type_min(s8), -128);
}

static DEFINE_SPINLOCK(guarded_lock);
static DEFINE_MUTEX(guarded_mutex);
static int in_scope(void)
{
	void *p __free(kfree) = kmalloc(100, GFP_KERNEL);

	guard(mutex)(&guarded_mutex);
	cr_assert(mutex_is_locked(&guarded_mutex));
	return p != NULL;
}
static void *handed_on(void)
{
	void *p __free(kfree) = kmalloc(100, GFP_KERNEL);

	return_ptr(p);
}

Test(kernel_api, cleanup_frees_and_unlocks_at_scope_end)
{
	void *kept;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	cr_assert(in_scope());
	cr_assert_not(mutex_is_locked(&guarded_mutex));
	{
		guard(spinlock)(&guarded_lock);
		cr_assert(in_atomic());
	}
	cr_assert_not(in_atomic());
	scoped_guard(spinlock_irqsave, &guarded_lock) cr_assert(irqs_disabled());
	cr_assert_not(irqs_disabled());
	kept = handed_on();
	kfree(kept); /* still live: no double free */
	cr_assert_eq(ukmem_report_total(), 0);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0, "the __free buffers were freed");
}

/* ---- rbtree ---- */

struct rbitem {
	struct rb_node node;
	int key;
};

static int check_rb(struct rb_node *n, int *black_height)
{
	int lh, rh;

	if (!n) {
		*black_height = 1;
		return 0;
	}
	if (!(n->__rb_parent_color & 1)) { /* red: children black */
		cr_assert(!n->rb_left || (n->rb_left->__rb_parent_color & 1));
		cr_assert(!n->rb_right || (n->rb_right->__rb_parent_color & 1));
	}
	if (n->rb_left)
		cr_assert_eq(rb_parent(n->rb_left), n);
	if (n->rb_right)
		cr_assert_eq(rb_parent(n->rb_right), n);
	int c = 1 + check_rb(n->rb_left, &lh) + check_rb(n->rb_right, &rh);

	cr_assert_eq(lh, rh, "black heights differ");
	*black_height = lh + (n->__rb_parent_color & 1);
	return c;
}

static bool rb_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct rbitem, node)->key < rb_entry(b, struct rbitem, node)->key;
}
static int rb_cmp(const void *key, const struct rb_node *n)
{
	return *(const int *)key - rb_entry(n, struct rbitem, node)->key;
}

Test(kernel_api, rbtree_random_inserts_and_erases_keep_invariants)
{
	enum { N = 2000 };
	static struct rbitem items[N];
	struct rb_root root = RB_ROOT;
	struct rb_node *n;
	int i, bh, prev, count, present = N;

	srand(1);
	for (i = 0; i < N; i++) {
		items[i].key = rand() % 100000;
		rb_add(&items[i].node, &root, rb_less);
	}
	cr_assert_eq(check_rb(root.rb_node, &bh), N);
	cr_assert(root.rb_node->__rb_parent_color & 1, "root is black");
	for (i = 0; i < N; i += 2) { /* erase every other one */
		rb_erase(&items[i].node, &root);
		RB_CLEAR_NODE(&items[i].node);
		present--;
		if (i % 200 == 0)
			cr_assert_eq(check_rb(root.rb_node, &bh), present);
	}
	count = 0;
	prev = -1;
	for (n = rb_first(&root); n; n = rb_next(n), count++) {
		cr_assert_geq(rb_entry(n, struct rbitem, node)->key, prev);
		prev = rb_entry(n, struct rbitem, node)->key;
	}
	cr_assert_eq(count, present);
	count = 0;
	for (n = rb_last(&root); n; n = rb_prev(n))
		count++;
	cr_assert_eq(count, present);
	cr_assert_not_null(rb_find(&items[1].key, &root, rb_cmp));
	cr_assert(RB_EMPTY_NODE(&items[0].node));
	cr_assert_null(rb_next(&items[0].node));
	{
		struct rbitem *pos, *nx;

		count = 0;
		rbtree_postorder_for_each_entry_safe(pos, nx, &root, node) count++;
		cr_assert_eq(count, present);
	}
	for (i = 1; i < N; i += 2)
		rb_erase(&items[i].node, &root);
	cr_assert(RB_EMPTY_ROOT(&root));
}

/* ---- hash, jhash, lists ---- */

Test(kernel_api, hash_and_jhash_match_their_definitions)
{
	/* lookup3.c's published self-test values for hashlittle() */
	cr_assert_eq(jhash("", 0, 0), 0xdeadbeef);
	cr_assert_eq(jhash("Four score and seven years ago", 30, 0), 0x17770551);
	cr_assert_eq(jhash("Four score and seven years ago", 30, 1), 0xcd628161);
	/* jhash2 over words equals jhash over the same little-endian bytes */
	u32 w[3] = {1, 2, 3};
	cr_assert_eq(jhash2(w, 3, 7), jhash(w, 12, 7));
	cr_assert_eq(hash_32(1, 32), GOLDEN_RATIO_32);
	cr_assert_lt(hash_32(0xabcdef, 10), 1u << 10);
	cr_assert_lt(hash_64(0x123456789ULL, 12), 1u << 12);
	cr_assert_neq(hash_32(1, 16), hash_32(2, 16));
}

struct hnode {
	struct hlist_node h;
	struct list_head l;
	int v;
};

Test(kernel_api, list_and_hlist_helpers)
{
	struct hnode n[5];
	struct hlist_head head = HLIST_HEAD_INIT;
	LIST_HEAD(list);
	LIST_HEAD(other);
	struct hnode *pos;
	struct hlist_node *tmp;
	int i, sum = 0;

	for (i = 0; i < 5; i++) {
		n[i].v = i;
		hlist_add_head(&n[i].h, &head);
		list_add_tail(&n[i].l, &list);
	}
	cr_assert_eq(hlist_count_nodes(&head), 5);
	hlist_for_each_entry_safe(pos, tmp, &head, h) if (pos->v % 2) hlist_del_init(&pos->h);
	hlist_for_each_entry(pos, &head, h) sum += pos->v;
	cr_assert_eq(sum, 0 + 2 + 4);
	cr_assert(hlist_unhashed(&n[1].h));
	cr_assert_eq(list_count_nodes(&list), 5);
	i = 4;
	list_for_each_entry_reverse(pos, &list, l) cr_assert_eq(pos->v, i--);
	list_cut_position(&other, &list, &n[1].l);
	cr_assert_eq(list_count_nodes(&other), 2);
	cr_assert_eq(list_count_nodes(&list), 3);
	list_splice_tail_init(&other, &list);
	cr_assert(list_empty(&other));
	cr_assert_eq(list_last_entry(&list, struct hnode, l)->v, 1);
	cr_assert(list_is_first(&n[2].l, &list));
	list_rotate_left(&list);
	cr_assert_eq(list_first_entry(&list, struct hnode, l)->v, 3);
}

/* ---- mempool ---- */

static int fail_allocs;
static void *flaky_alloc(gfp_t gfp, void *data)
{
	if (__atomic_load_n(&fail_allocs, __ATOMIC_RELAXED))
		return NULL;
	return kmalloc((size_t)data, gfp);
}
static void flaky_free(void *p, void *data)
{
	kfree(p);
}

static void *mempool_worker(void *arg)
{
	mempool_t *pool = arg;

	for (int i = 0; i < 2000; i++) {
		void *p = mempool_alloc(pool, GFP_KERNEL);

		cr_assert_not_null(p, "a sleeping mempool_alloc never fails");
		memset(p, i, 64);
		mempool_free(p, pool);
	}
	return NULL;
}

Test(kernel_api, mempool_reserve_carries_allocations_when_the_allocator_fails)
{
	mempool_t *pool;
	void *p[4];
	pthread_t th[3];
	int i;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=4"), 0);
	cr_assert_null(mempool_create(0, flaky_alloc, flaky_free, (void *)64));
	pool = mempool_create(4, flaky_alloc, flaky_free, (void *)64);
	cr_assert_not_null(pool);
	__atomic_store_n(&fail_allocs, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 4; i++)
		cr_assert_not_null(p[i] = mempool_alloc(pool, GFP_ATOMIC), "from the reserve");
	cr_assert_null(mempool_alloc(pool, GFP_ATOMIC), "reserve empty, may not sleep");
	cr_assert_null(mempool_alloc_preallocated(pool));
	for (i = 0; i < 4; i++)
		mempool_free(p[i], pool);
	/* three threads share a reserve of four with the allocator failing: they wait, never fail
	 */
	for (i = 0; i < 3; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, mempool_worker, pool), 0);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(&fail_allocs, 0, __ATOMIC_RELAXED);
	cr_assert_eq(mempool_resize(pool, 8), 0);
	cr_assert_eq(mempool_resize(pool, 2), 0);
	mempool_free(NULL, pool);
	mempool_destroy(pool);
	mempool_destroy(NULL);
	ukmem_shutdown();
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_LEAK), 0);
}

/* ---- vm_map_ram ---- */

Test(kernel_api, vm_map_ram_maps_pages_contiguously_and_checks_the_unmap)
{
	struct page *pages[3];
	char *v;
	int i;

	cr_assert_eq(ukmem_boot("mem=64M"), 0);
	for (i = 0; i < 3; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		memset(page_address(pages[i]), 'a' + i, PAGE_SIZE);
	}
	v = vm_map_ram(pages, 3, -1);
	cr_assert_not_null(v);
	cr_assert(is_vmalloc_addr(v));
	cr_assert_eq(v[0], 'a');
	cr_assert_eq(v[PAGE_SIZE], 'b');
	cr_assert_eq(v[2 * PAGE_SIZE + 5], 'c');
	cr_assert_eq(vmalloc_to_page(v + PAGE_SIZE), pages[1]);
	cr_assert_null(vm_map_ram(pages, 0, -1));
	vm_unmap_ram(v, 2); /* wrong count: reported, nothing unmapped */
	cr_assert(ukmem_dmesg_contains("vm_unmap_ram: "));
	cr_assert_eq(v[PAGE_SIZE], 'b');
	vm_unmap_ram(v, 3);
	vm_unmap_ram(NULL, 1);
	for (i = 0; i < 3; i++)
		__free_page(pages[i]);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_VMALLOC), 1);
}
