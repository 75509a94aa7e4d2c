// SPDX-License-Identifier: MIT
/*
 * page_owner.c - page_owner=on: the page allocator records, for each block
 * it hands out, the order, the gfp mask, the task (pid, tgid, comm), the
 * time and the allocation stack, and on free the freeing stack; the
 * records are read back as the kernel's page_owner file
 * (ukmem_proc_show("page_owner")), by the leak reports and kmem_dump_obj().
 *
 * The records live beside mem_map, one per frame (the kernel keeps them in
 * page_ext), in host memory allocated at boot only when the parameter is
 * given. The block's head frame holds its record. Each field is written
 * and read with relaxed atomics: a reader racing with an allocation may
 * see a mix of the old and the new owner of a block, never torn words
 * (the kernel's readers take no lock either).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <string.h>
#include <errno.h>

#include "machine/machine.h"
#include "machine/sched.h"
#include "mm/internal.h"
#include "mm/page_owner.h"
#include "debug/leak.h"
#include "debug/stackdepot.h"

#define PAGE_OWNER_STACK_DEPTH 16
#define PAGEBLOCK_ORDER	       9 /* x86's pageblock_order: the "Block" number */

struct page_owner {
	u32 order;
	u32 gfp_mask;
	int pid, tgid;
	int free_pid, free_tgid;
	u64 comm[TASK_COMM_LEN / 8];
	u64 ts_nsec;
	u64 free_ts_nsec;
	u32 handle, free_handle;
	u32 allocated; /* the block is out now */
};

bool page_owner_enabled;
static bool page_owner_param_on;
static struct page_owner *page_owners;
static size_t page_owners_bytes;

#define PO_SET(f, v) __atomic_store_n(&(f), (v), __ATOMIC_RELAXED)
#define PO_GET(f)    __atomic_load_n(&(f), __ATOMIC_RELAXED)

static struct page_owner *get_page_owner(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (!page_owners || pfn >= machine.max_pfn)
		return NULL;
	return &page_owners[pfn];
}

static u32 save_stack(void)
{
	void *frames[PAGE_OWNER_STACK_DEPTH];
	unsigned long entries[PAGE_OWNER_STACK_DEPTH];
	int i, n = plat_backtrace(frames, PAGE_OWNER_STACK_DEPTH, 3);

	for (i = 0; i < n; i++)
		entries[i] = (unsigned long)frames[i];
	return stack_depot_save(entries, n > 0 ? (unsigned int)n : 0);
}

static u64 now_ns(void)
{
	return plat_clock_ns() - machine.boot_ns;
}

void __set_page_owner(struct page *page, unsigned int order, gfp_t gfp)
{
	struct page_owner *po = get_page_owner(page);
	struct task_struct *t = current_task();
	u64 comm[TASK_COMM_LEN / 8];
	unsigned int i;

	if (!po)
		return;
	memcpy(comm, t->comm, sizeof(comm));
	PO_SET(po->handle, save_stack());
	PO_SET(po->order, order);
	PO_SET(po->gfp_mask, (u32)gfp);
	PO_SET(po->pid, t->pid);
	PO_SET(po->tgid, plat_getpid());
	for (i = 0; i < TASK_COMM_LEN / 8; i++)
		PO_SET(po->comm[i], comm[i]);
	PO_SET(po->ts_nsec, now_ns());
	PO_SET(po->allocated, 1);
}

void __reset_page_owner(struct page *page, unsigned int order)
{
	struct page_owner *po = get_page_owner(page);

	if (!po)
		return;
	PO_SET(po->free_handle, save_stack());
	PO_SET(po->free_pid, current_task()->pid);
	PO_SET(po->free_tgid, plat_getpid());
	PO_SET(po->free_ts_nsec, now_ns());
	PO_SET(po->allocated, 0);
}

u64 page_owner_stamp(const struct page *page)
{
	struct page_owner *po = get_page_owner(page);

	if (!po || !PO_GET(po->allocated))
		return 0;
	return PO_GET(po->ts_nsec) ^ ((u64)PO_GET(po->handle) << 32);
}

static const char *migratetype_name(u32 gfp)
{
	if (gfp & __GFP_MOVABLE)
		return "Movable";
	if (gfp & __GFP_RECLAIMABLE)
		return "Reclaimable";
	return "Unmovable";
}

/* print_page_owner - the kernel's page_owner record of the block @page heads */
static void print_page_owner(FILE *out, const struct page *page, const struct page_owner *po,
			     const char *indent)
{
	u64 comm[TASK_COMM_LEN / 8 + 1] = {0};
	u32 gfp = PO_GET(po->gfp_mask);
	unsigned long pfn = page_to_pfn(page);
	unsigned long flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	const unsigned long *e;
	unsigned int i, n;

	for (i = 0; i < TASK_COMM_LEN / 8; i++)
		comm[i] = PO_GET(po->comm[i]);
	((char *)comm)[TASK_COMM_LEN - 1] = 0;
	leak_printf(out,
		    "%sPage allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts %llu "
		    "ns\n",
		    indent, PO_GET(po->order), gfp, &gfp, PO_GET(po->pid), PO_GET(po->tgid),
		    (char *)comm, (unsigned long long)PO_GET(po->ts_nsec));
	leak_printf(out, "%sPFN 0x%lx type %s Block %lu type %s Flags %pGp\n", indent, pfn,
		    migratetype_name(gfp), pfn >> PAGEBLOCK_ORDER, migratetype_name(gfp), &flags);
	n = stack_depot_fetch(PO_GET(po->handle), &e);
	for (i = 0; i < n; i++)
		leak_printf(out, "%s %pS\n", indent, (void *)e[i]);
}

bool page_owner_print(FILE *out, const struct page *page, const char *indent)
{
	struct page_owner *po = get_page_owner(page);

	if (!po || !PO_GET(po->allocated))
		return false;
	print_page_owner(out, page, po, indent);
	return true;
}

/* page_owner_print_free - the last free of a free frame (dump_page_owner's words) */
bool page_owner_print_free(FILE *out, const struct page *page, const char *indent)
{
	struct page_owner *po = get_page_owner(page);

	if (!po || PO_GET(po->allocated) || !PO_GET(po->free_handle))
		return false;
	leak_printf(out, "%spage last free pid %d tgid %d stack trace:\n", indent,
		    PO_GET(po->free_pid), PO_GET(po->free_tgid));
	leak_print_stack(out, PO_GET(po->free_handle), " ");
	return true;
}

/*
 * page_owner_show - the kernel's page_owner file: one record per allocated
 * block, each followed by an empty line. Return: 0, -EINVAL when page_owner
 * is off (the kernel has no file then).
 */
int page_owner_show(FILE *out)
{
	unsigned long pfn;

	if (!page_owner_enabled)
		return -EINVAL;
	for (pfn = 0; pfn < machine.max_pfn;) {
		struct page *page = pfn_to_page(pfn);
		int order = page_alloc_block_order(page);

		if (order < 0) {
			pfn++;
			continue;
		}
		if (page_owner_print(out, page, ""))
			fputs("\n", out);
		pfn += 1UL << order;
	}
	return 0;
}

int page_owner_param(const char *key, const char *val)
{
	if (!key) {
		page_owner_param_on = false;
		return 0;
	}
	if (strcmp(key, "page_owner"))
		return -ENOENT;
	if (val && !strcmp(val, "on"))
		page_owner_param_on = true;
	else if (val && !strcmp(val, "off"))
		page_owner_param_on = false;
	else
		return -EINVAL;
	return 0;
}

int page_owner_init(void)
{
	if (!page_owner_param_on)
		return 0;
	page_owners_bytes = sizeof(struct page_owner) * machine.max_pfn;
	page_owners = plat_meta_alloc(page_owners_bytes);
	if (!page_owners)
		return -ENOMEM;
	__atomic_store_n(&page_owner_enabled, true, __ATOMIC_RELEASE);
	pr_info("page_owner is enabled\n");
	return 0;
}

void page_owner_exit(void)
{
	__atomic_store_n(&page_owner_enabled, false, __ATOMIC_RELEASE);
	if (page_owners)
		plat_meta_free(page_owners, page_owners_bytes);
	page_owners = NULL;
}
