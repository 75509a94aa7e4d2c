/* SPDX-License-Identifier: MIT */
/*
 * machine.h - the simulated machine: its boot parameters, physical memory map
 * and zone limits, and the hooks by which the mm subsystems join boot,
 * shutdown, the command line and /proc.
 *
 * Physical memory map (all profiles):
 *
 *   phys 0 ......... 1 MiB ......... max_low_pfn << PAGE_SHIFT ....... mem
 *   | reserved (BIOS) | lowmem: direct-mapped at direct_map | highmem (i386) |
 *
 * Virtual layout, one host reservation:
 *
 *   direct_map [lowmem bytes] | hole | vmalloc_start .. vmalloc_end | hole | pkmap
 */
#ifndef UKMEM_MACHINE_H
#define UKMEM_MACHINE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <stdio.h>

#include "platform/platform.h"

#define __ukmem_export __attribute__((visibility("default")))

enum machine_arch {
	MACHINE_X86_64,
	MACHINE_I386,
};

/* nr_cpus= accepts 1..UKMEM_MAX_CPUS */
#define UKMEM_MAX_CPUS 4096

/* Zone indices are fixed on every profile; a zone a profile lacks is empty. */
#define UKMEM_ZONE_DMA	   0
#define UKMEM_ZONE_DMA32   1
#define UKMEM_ZONE_NORMAL  2
#define UKMEM_ZONE_HIGHMEM 3
#define UKMEM_NR_ZONES	   4

struct machine {
	bool booted;
	unsigned long generation; /* bumped at every boot */
	u32 stopping;		  /* a shutdown is under way: the gate is shut (sched.h) */
	enum machine_arch arch;
	const char *arch_name;

	/* boot parameters */
	u64 mem_bytes;
	int nr_cpus;
	u64 vmalloc_bytes;    /* i386 vmalloc= */
	long min_free_kbytes; /* -1: the kernel's formula */
	int loglevel;
	bool panic_on_warn;
	char cmdline[1024];

	/* physical memory */
	int ram_fd;
	unsigned long max_pfn;		/* frames of RAM */
	unsigned long max_low_pfn;	/* first frame not in the direct map */
	unsigned long reserved_low_pfn; /* frames below this are reserved (BIOS) */
	unsigned long zone_start_pfn[UKMEM_NR_ZONES];
	unsigned long zone_end_pfn[UKMEM_NR_ZONES];

	/* virtual layout */
	char *reservation;
	size_t reservation_size;
	char *direct_map; /* __va(0) */
	char *vmalloc_start, *vmalloc_end;
	char *pkmap_start; /* kmap window (i386 highmem and kmap_local) */
	size_t pkmap_size;

	struct page *mem_map;
	size_t mem_map_bytes;

	u64 boot_ns;
};

extern struct machine machine;

/* Boot implicitly (with $UKMEM_CMDLINE) if nothing is up yet. Cheap when booted. */
void __ukmem_boot_implicit(void);
static inline void ukmem_ensure_booted(void)
{
	if (unlikely(!__atomic_load_n(&machine.booted, __ATOMIC_ACQUIRE)))
		__ukmem_boot_implicit();
}

/* Parse a size with K/M/G suffix. Return: 0 or -EINVAL. */
int memparse_strict(const char *s, u64 *out);

/*
 * Subsystems: each mm part hands the machine one of these. Order matters:
 * boot runs param(NULL, NULL) (reset to defaults) for all, then the command
 * line, then init in table order; shutdown runs exit in reverse order.
 * param returns 0 when it took the parameter, -ENOENT when it is not its own,
 * -EINVAL when it is its own but malformed.
 */
struct ukmem_subsys {
	const char *name;
	int (*param)(const char *key, const char *val);
	int (*init)(void);
	void (*exit)(void);
	void (*forget)(void); /* in a fork child: drop pointers into the parent's machine */
};

/* /proc files: name -> show function. */
struct ukmem_proc_entry {
	const char *name;
	int (*show)(FILE *out);
};

/* printk internals */
int vprintk_level(int level, const char *fmt, va_list args);
void printk_reset_clock(void);
void report_fork_child(void);
void printk_fork_child(void);
/* printk_no_console - this thread's printk goes to the log only (lib/kunit.c) */
extern __thread bool printk_no_console;
size_t format_gfp_flags(char *buf, size_t size, unsigned int gfp);
int ukmem_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);

#endif
