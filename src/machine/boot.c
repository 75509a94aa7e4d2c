// SPDX-License-Identifier: MIT
/*
 * boot.c - boot and shutdown of the simulated machine: the command line,
 * the physical memory map (memfd RAM, direct map, zone limits per profile),
 * mem_map, and the order in which the mm subsystems come up and go down.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <ukmem.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "machine/report.h"
#include "machine/sched.h"
#include "mm/internal.h"
#include "drivers/drivers.h"
#include "kernel/internal.h"
#include "lib/fault-inject.h"
#include "debug/trace.h"
#include "mm/page_owner.h"
#include "kernel/kernel.h"

struct machine machine = {.loglevel = 7, .ram_fd = -1};

__ukmem_export struct page *mem_map;
__ukmem_export char *__ukmem_direct_map;
__ukmem_export unsigned long max_pfn;
__ukmem_export unsigned long max_low_pfn;

#define MEM_MIN	       (4ull << 20)
#define MEM_MAX	       (32ull << 30)
#define LOWMEM_I386    (1ull << 30)  /* kernel space of a 3G/1G split */
#define X86_64_VMALLOC (64ull << 30) /* ukmem's vmalloc space on x86_64 */
#define VALGRIND_X86_64_VMALLOC (4ull << 30) /* the same under Valgrind */
#define PKMAP_BYTES    (4ull << 20)  /* kmap window: 1024 pages */
#define RESERVED_LOW   (1ull << 20)  /* first MiB: BIOS, never managed */

static const struct ukmem_subsys subsystems[] = {
    /* before the page allocator: its records must exist for the first page */
    {"page_owner", page_owner_param, page_owner_init, page_owner_exit, page_owner_exit},
    /* hardening switches first: the page allocator reads them from its first page on */
    {"mm_init", mm_init_param, mm_init_init, NULL},
    {"page_alloc", page_alloc_param, page_alloc_init, page_alloc_exit},
    /* right after the page allocator, as setup_per_cpu_areas(): others may use per-CPU data */
    {"percpu", percpu_param, percpu_init, percpu_exit},
    {"reclaim", reclaim_param, reclaim_init, reclaim_exit},
    {"slab", slab_param, slab_init, slab_exit, slab_fork_child},
    {"vmalloc", vmalloc_param, vmalloc_init, vmalloc_exit},
    {"drivers", NULL, drivers_init, drivers_exit}, /* iomem, devices, ioremap, DMA */
    /* interrupts, softirqs, workqueues, timers (src/kernel); threads start on first use */
    {"ctx", NULL, ctx_init, ctx_exit, ctx_forget},
    {"fault_inject", fault_inject_param, fault_inject_init, NULL},
    {"trace", trace_param, trace_init, NULL},
    /* RCU callbacks free into slab and vmalloc: they run before those go down */
    {"rcu", NULL, rcu_init, rcu_exit},
    {"kswapd", NULL, kswapd_run, kswapd_stop}, /* last of the machine up, first down */
    /* the program's module_init()s once all is up; "<mod>.<param>=" for them */
    {"module", module_param_boot, module_initcalls_run, module_exitcalls_run},
};
#define NR_SUBSYS (int)(sizeof(subsystems) / sizeof(subsystems[0]))

static const struct ukmem_proc_entry proc_entries[] = {
    {"meminfo", meminfo_show},	 {"buddyinfo", buddyinfo_show},	    {"zoneinfo", zoneinfo_show},
    {"slabinfo", slabinfo_show}, {"vmallocinfo", vmallocinfo_show},
    {"iomem", iomem_show},
    {"interrupts", interrupts_show}, {"softirqs", softirqs_show},
    /* debugfs page_owner in the kernel; with page_owner=on */
    {"page_owner", page_owner_show},
};

static pthread_mutex_t boot_lock = PTHREAD_MUTEX_INITIALIZER;
static int booting_tid;

/*
 * memparse_strict - the kernel's memparse() ("64M", "2G", "0x1000") that
 * also refuses what memparse lets through: trailing text, a sign, and a
 * number that does not fit 64 bits before or after its suffix (memparse
 * would wrap "17179869185G" to 1G). Return: 0 or -EINVAL.
 */
int memparse_strict(const char *s, u64 *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE || end == s)
		return -EINVAL;
	switch (*end) {
	case 'G':
	case 'g':
		shift += 10;
		fallthrough;
	case 'M':
	case 'm':
		shift += 10;
		fallthrough;
	case 'K':
	case 'k':
		shift += 10;
		end++;
		break;
	default:
		break;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	v = strtol(s, &end, 0);
	if (*end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static void machine_defaults(void)
{
	machine.arch = MACHINE_X86_64;
	machine.mem_bytes = 1ull << 30;
	machine.nr_cpus = plat_online_cpus();
	machine.vmalloc_bytes = 128ull << 20;
	machine.min_free_kbytes = -1;
	machine.loglevel = 7;
	machine.panic_on_warn = false;
}

static int core_param(const char *key, const char *val)
{
	u64 v;
	long l;

	if (!strcmp(key, "mem")) {
		if (memparse_strict(val, &v) || v < MEM_MIN || v > MEM_MAX)
			return -EINVAL; /* 4M..32G */
		machine.mem_bytes = v;
	} else if (!strcmp(key, "machine")) {
		if (val && !strcmp(val, "x86_64"))
			machine.arch = MACHINE_X86_64;
		else if (val && !strcmp(val, "i386"))
			machine.arch = MACHINE_I386;
		else
			return -EINVAL;
	} else if (!strcmp(key, "nr_cpus")) {
		if (parse_int(val, 1, UKMEM_MAX_CPUS, &l))
			return -EINVAL;
		machine.nr_cpus = (int)l;
	} else if (!strcmp(key, "vmalloc")) {
		if (memparse_strict(val, &v) || v < (4ull << 20) || v > (512ull << 20))
			return -EINVAL;
		machine.vmalloc_bytes = v;
	} else if (!strcmp(key, "min_free_kbytes")) {
		if (parse_int(val, 0, 1L << 30, &l))
			return -EINVAL;
		machine.min_free_kbytes = l;
	} else if (!strcmp(key, "loglevel")) {
		if (parse_int(val, 0, 15, &l))
			return -EINVAL;
		machine.loglevel = (int)l;
	} else if (!strcmp(key, "quiet")) {
		if (val)
			return -EINVAL;
		machine.loglevel = 4;
	} else if (!strcmp(key, "panic_on_warn")) {
		if (parse_int(val ? val : "1", 0, 1, &l))
			return -EINVAL;
		machine.panic_on_warn = l;
	} else {
		return -ENOENT;
	}
	return 0;
}

/* parameters that Linux parses as early_param() (the rest as module/core params) */
static bool is_early_param(const char *key)
{
	static const char *const early[] = {"mem", "vmalloc", "nr_cpus", "loglevel", "quiet"};

	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++)
		if (!strcmp(key, early[i]))
			return true;
	return false;
}

static int parse_cmdline(const char *cmdline)
{
	char buf[sizeof(machine.cmdline)], *tok, *save = NULL;
	int i, err;

	if (strlen(cmdline) >= sizeof(buf)) {
		pr_err("ukmem: command line too long\n");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", cmdline);
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');
		const char *val = NULL;

		if (eq) {
			*eq = 0;
			val = eq + 1;
		}
		err = core_param(tok, val);
		for (i = 0; err == -ENOENT && i < NR_SUBSYS; i++)
			if (subsystems[i].param)
				err = subsystems[i].param(tok, val);
		if (err == -ENOENT) {
			pr_err("Unknown kernel command line parameters \"%s%s%s\"\n", tok,
			       val ? "=" : "", val ? val : "");
			return -EINVAL;
		}
		if (err) {
			/* init/main.c do_early_param() and kernel/params.c parse_args() */
			if (is_early_param(tok))
				pr_warn("Malformed early option '%s'\n", tok);
			else
				pr_err("Booting kernel: `%s' invalid for parameter `%s'\n",
				       val ? val : "", tok);
			return -EINVAL;
		}
	}
	return 0;
}

/* Zone limits per profile: [start, end) frame numbers of each zone. */
static void setup_zone_limits(void)
{
	unsigned long dma_end = (16ul << 20) >> PAGE_SHIFT;
	unsigned long dma32_end = (unsigned long)((4ull << 30) >> PAGE_SHIFT);
	unsigned long end = machine.max_pfn;
	int z;

	for (z = 0; z < UKMEM_NR_ZONES; z++)
		machine.zone_start_pfn[z] = machine.zone_end_pfn[z] = 0;
	machine.zone_start_pfn[ZONE_DMA] = 0;
	machine.zone_end_pfn[ZONE_DMA] = min(dma_end, end);
	if (machine.arch == MACHINE_X86_64) {
		if (end > dma_end) {
			machine.zone_start_pfn[ZONE_DMA32] = dma_end;
			machine.zone_end_pfn[ZONE_DMA32] = min(dma32_end, end);
		}
		if (end > dma32_end) {
			machine.zone_start_pfn[ZONE_NORMAL] = dma32_end;
			machine.zone_end_pfn[ZONE_NORMAL] = end;
		}
	} else {
		if (machine.max_low_pfn > dma_end) {
			machine.zone_start_pfn[ZONE_NORMAL] = dma_end;
			machine.zone_end_pfn[ZONE_NORMAL] = machine.max_low_pfn;
		}
		if (end > machine.max_low_pfn) {
			machine.zone_start_pfn[ZONE_HIGHMEM] = machine.max_low_pfn;
			machine.zone_end_pfn[ZONE_HIGHMEM] = end;
		}
	}
}

static void unmap_machine(void)
{
	if (machine.reservation)
		plat_release(machine.reservation, machine.reservation_size);
	machine.reservation = NULL;
	machine.direct_map = __ukmem_direct_map = NULL;
	plat_meta_free(machine.mem_map, machine.mem_map_bytes);
	machine.mem_map = mem_map = NULL;
	plat_ram_destroy(machine.ram_fd);
	machine.ram_fd = -1;
}

static int map_machine(void)
{
	u64 lowmem, vm_bytes;
	size_t direct_span, total;
	unsigned long pfn;
	int fd;

	machine.max_pfn = (unsigned long)(machine.mem_bytes >> PAGE_SHIFT);
	if (machine.arch == MACHINE_I386) {
		lowmem = LOWMEM_I386 - machine.vmalloc_bytes;
		vm_bytes = machine.vmalloc_bytes;
		machine.arch_name = "i386";
	} else {
		lowmem = machine.mem_bytes;
		vm_bytes = X86_64_VMALLOC;
		/* Valgrind's address space manager refuses a 64 GiB reservation */
		if (plat_running_on_valgrind())
			vm_bytes = VALGRIND_X86_64_VMALLOC;
		machine.arch_name = "x86_64";
	}
	machine.max_low_pfn = (unsigned long)(min(lowmem, machine.mem_bytes) >> PAGE_SHIFT);
	machine.reserved_low_pfn = (unsigned long)(RESERVED_LOW >> PAGE_SHIFT);
	setup_zone_limits();

	fd = plat_ram_create("ukmem-ram", machine.mem_bytes);
	if (fd < 0) {
		pr_err("ukmem: cannot create %llu bytes of RAM: error %d\n",
		       (unsigned long long)machine.mem_bytes, fd);
		return fd;
	}
	machine.ram_fd = fd;

	/* direct map | 1G gap | vmalloc | 1G gap | pkmap (+ guard) */
	direct_span = (size_t)machine.max_low_pfn << PAGE_SHIFT;
	total =
	    direct_span + (1ul << 30) + (size_t)vm_bytes + (1ul << 30) + PKMAP_BYTES + PAGE_SIZE;
	machine.reservation = plat_reserve(total, 1ul << 30);
	if (!machine.reservation) {
		pr_err("ukmem: cannot reserve %zu bytes of address space\n", total);
		unmap_machine();
		return -ENOMEM;
	}
	machine.reservation_size = total;
	machine.direct_map = machine.reservation;
	if (plat_map_ram(machine.direct_map, direct_span, fd, 0, PLAT_PROT_RW)) {
		pr_err("ukmem: cannot map the direct map\n");
		unmap_machine();
		return -ENOMEM;
	}
	machine.vmalloc_start = machine.direct_map + direct_span + (1ul << 30);
	machine.vmalloc_end = machine.vmalloc_start + vm_bytes;
	machine.pkmap_start = machine.vmalloc_end + (1ul << 30);
	machine.pkmap_size = PKMAP_BYTES;

	machine.mem_map_bytes = sizeof(struct page) * machine.max_pfn;
	machine.mem_map = plat_meta_alloc(machine.mem_map_bytes);
	if (!machine.mem_map) {
		unmap_machine();
		return -ENOMEM;
	}
	for (pfn = 0; pfn < machine.max_pfn; pfn++) {
		struct page *page = &machine.mem_map[pfn];
		int z;

		for (z = UKMEM_NR_ZONES - 1; z > 0; z--)
			if (pfn >= machine.zone_start_pfn[z] && pfn < machine.zone_end_pfn[z])
				break;
		set_page_zone(page, (enum zone_type)z);
		INIT_LIST_HEAD(&page->lru);
	}
	mem_map = machine.mem_map;
	__ukmem_direct_map = machine.direct_map;
	max_pfn = machine.max_pfn;
	max_low_pfn = machine.max_low_pfn;
	return 0;
}

static void print_zone_ranges(void)
{
	static const char *names[] = {"DMA", "DMA32", "Normal", "HighMem"};
	int z;

	pr_info("Zone ranges:\n");
	for (z = 0; z < UKMEM_NR_ZONES; z++) {
		if (machine.arch == MACHINE_X86_64 && z == ZONE_HIGHMEM)
			continue;
		if (machine.arch == MACHINE_I386 && z == ZONE_DMA32)
			continue;
		if (machine.zone_end_pfn[z] > machine.zone_start_pfn[z])
			pr_info("  %-8s [mem %#018llx-%#018llx]\n", names[z],
				(unsigned long long)PFN_PHYS(max(machine.zone_start_pfn[z], 1ul)),
				(unsigned long long)PFN_PHYS(machine.zone_end_pfn[z]) - 1);
		else
			pr_info("  %-8s empty\n", names[z]);
	}
}

static int do_boot(const char *cmdline)
{
	int i, err;

	machine_defaults();
	report_boot_reset(); /* counters count "since boot" (ukmem.h) */
	for (i = 0; i < NR_SUBSYS; i++)
		if (subsystems[i].param)
			subsystems[i].param(NULL, NULL);
	err = parse_cmdline(cmdline ? cmdline : "");
	if (err)
		return err;
	if (machine.mem_bytes < MEM_MIN || machine.mem_bytes > MEM_MAX) {
		pr_err("ukmem: mem=%llu out of range (4M..32G)\n",
		       (unsigned long long)machine.mem_bytes);
		return -EINVAL;
	}
	machine.mem_bytes &= ~(u64)(PAGE_SIZE - 1);
	snprintf(machine.cmdline, sizeof(machine.cmdline), "%s", cmdline ? cmdline : "");

	err = map_machine();
	if (err)
		return err;
	printk_reset_clock();
	pr_info("Linux version 6.12.0-ukmem (ukmem@localhost) #1 SMP PREEMPT\n");
	pr_info("Command line: %s\n", machine.cmdline);
	pr_info("ukmem: machine %s, %llu MiB RAM, %d CPUs\n", machine.arch_name,
		(unsigned long long)(machine.mem_bytes >> 20), machine.nr_cpus);
	if (machine.arch == MACHINE_I386 && machine.max_pfn > machine.max_low_pfn)
		pr_info("%luMB HIGHMEM available.\n%luMB LOWMEM available.\n",
			(machine.max_pfn - machine.max_low_pfn) >> (20 - PAGE_SHIFT),
			machine.max_low_pfn >> (20 - PAGE_SHIFT));
	print_zone_ranges();

	err = sched_init();
	if (err) {
		unmap_machine();
		return err;
	}
	booting_tid = plat_gettid();
	__atomic_store_n(&machine.generation, machine.generation + 1, __ATOMIC_RELEASE);
	for (i = 0; i < NR_SUBSYS; i++) {
		err = subsystems[i].init ? subsystems[i].init() : 0;
		if (err) {
			pr_err("ukmem: %s init failed: %d\n", subsystems[i].name, err);
			while (--i >= 0)
				if (subsystems[i].exit)
					subsystems[i].exit();
			sched_exit();
			unmap_machine();
			booting_tid = 0;
			return err;
		}
	}
	booting_tid = 0;
	__atomic_store_n(&machine.booted, true, __ATOMIC_RELEASE);
	return 0;
}

/*
 * fork(): the child gets a machine of its own. Other threads of the parent
 * may be inside the allocators at the moment of fork (holding zone locks,
 * owning CPUs), so the child cannot safely go on with the inherited state.
 * It forgets it instead: its copies of the mappings are released and its
 * next kernel API call boots a fresh machine (or it calls ukmem_boot()).
 * Memory the parent allocated is not the child's to use. boot_lock is held
 * across fork(); the log and report locks, which another thread may hold
 * at that moment, are made anew in the child (at worst the child's copy of
 * the log ends in a half-written line).
 */
static void fork_prepare(void)
{
	pthread_mutex_lock(&boot_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&boot_lock);
}

static void fork_child(void)
{
	printk_fork_child();
	report_fork_child();
	if (machine.booted || booting_tid) {
		unmap_machine(); /* the child's copies of the mappings only */
		for (int i = 0; i < NR_SUBSYS; i++)
			if (subsystems[i].forget)
				subsystems[i].forget();
		__atomic_store_n(&machine.booted, false, __ATOMIC_RELEASE);
		__atomic_store_n(&machine.generation, machine.generation + 1, __ATOMIC_RELEASE);
		booting_tid = 0;
	}
	pthread_mutex_unlock(&boot_lock); /* the child's one thread took it in fork_prepare */
}

__attribute__((constructor)) static void boot_register_fork_handlers(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

__ukmem_export int ukmem_boot(const char *cmdline)
{
	int err;

	pthread_mutex_lock(&boot_lock);
	if (machine.booted || booting_tid) {
		pthread_mutex_unlock(&boot_lock);
		return -EBUSY;
	}
	err = do_boot(cmdline);
	pthread_mutex_unlock(&boot_lock);
	return err;
}

void __ukmem_boot_implicit(void)
{
	const char *env;
	int err;

	if (booting_tid && booting_tid == plat_gettid())
		return; /* subsystems of the machine being booted */
	pthread_mutex_lock(&boot_lock);
	if (!machine.booted) {
		env = plat_getenv("UKMEM_CMDLINE");
		err = do_boot(env ? env : "");
		if (err) {
			pr_emerg("ukmem: implicit boot with UKMEM_CMDLINE=\"%s\" failed: %d\n",
				 env ? env : "", err);
			pthread_mutex_unlock(&boot_lock);
			panic("ukmem: cannot boot");
		}
	}
	pthread_mutex_unlock(&boot_lock);
}

__ukmem_export void __ukmem_boot_if_needed(void)
{
	ukmem_ensure_booted();
}

__ukmem_export int ukmem_booted(void)
{
	return __atomic_load_n(&machine.booted, __ATOMIC_ACQUIRE);
}

__ukmem_export void ukmem_shutdown(void)
{
	struct task_struct *me;
	int i;

	pthread_mutex_lock(&boot_lock);
	if (!machine.booted) {
		pthread_mutex_unlock(&boot_lock);
		return;
	}
	/*
	 * Shut the gate (sched.h): our own calls below are nested in this
	 * one and pass; other tasks' full paths wait, their fast paths lose
	 * their leases and thread caches once nobody is inside.
	 */
	/* kworkers, timers, kthreads: stopped before the gate (kernel/init.c) */
	ctx_stop_threads();
	rcu_shutdown_prepare(); /* the rcu_gp thread must not meet the gate below */
	me = current_task();
	gate_enter(me);
	__atomic_store_n(&machine.stopping, 1, __ATOMIC_SEQ_CST);
	if (sched_shutdown_quiesce()) {
		gate_exit(me);
		ctx_resume();
		sched_shutdown_wake(); /* refused: the machine stays up as it was */
		rcu_shutdown_refused();
		pthread_mutex_unlock(&boot_lock);
		return;
	}
	pr_info("ukmem: shutting down\n");
	booting_tid = plat_gettid();
	for (i = NR_SUBSYS - 1; i >= 0; i--)
		if (subsystems[i].exit)
			subsystems[i].exit();
	__atomic_store_n(&machine.booted, false, __ATOMIC_RELEASE);
	sched_exit();
	unmap_machine();
	report_reset_taint();
	booting_tid = 0;
	/* Tasks must re-initialise against the next boot. */
	__atomic_store_n(&machine.generation, machine.generation + 1, __ATOMIC_RELEASE);
	gate_exit(me);
	sched_shutdown_wake(); /* waiters fail their calls: the machine went */
	pthread_mutex_unlock(&boot_lock);
}

__ukmem_export int ukmem_proc_show(const char *name, FILE *out)
{
	size_t i;

	if (!name || !out)
		return -EINVAL;
	if (!strncmp(name, "/proc/", 6))
		name += 6;
	for (i = 0; i < sizeof(proc_entries) / sizeof(proc_entries[0]); i++) {
		if (!strcmp(name, proc_entries[i].name)) {
			ukmem_ensure_booted();
			return proc_entries[i].show(out);
		}
	}
	return -ENOENT;
}
