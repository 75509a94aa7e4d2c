/* SPDX-License-Identifier: MIT */
/*
 * platform.h - the only door to the host. Every system call ukmem makes goes
 * through one of these primitives (mimalloc's prim.h idea), so porting or
 * auditing ukmem means reading platform.c alone.
 */
#ifndef UKMEM_PLATFORM_H
#define UKMEM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAT_PROT_NONE	0
#define PLAT_PROT_READ	1
#define PLAT_PROT_WRITE 2
#define PLAT_PROT_RW	(PLAT_PROT_READ | PLAT_PROT_WRITE)

/* Physical RAM: a sparse memfd. Return: fd, or -errno. */
int plat_ram_create(const char *name, uint64_t size);
void plat_ram_destroy(int fd);

/* Reserve @size bytes of address space, inaccessible, aligned to @align. NULL on failure. */
void *plat_reserve(size_t size, size_t align);
/* Give a reservation (or any part of it) back to the host. */
void plat_release(void *addr, size_t size);
/* Map @size bytes of RAM at @offset over @addr (inside a reservation). Return: 0 or -errno. */
int plat_map_ram(void *addr, size_t size, int fd, uint64_t offset, int prot);
/* Turn [addr, addr+size) back into an inaccessible hole of the reservation. */
int plat_unmap_to_reserved(void *addr, size_t size);
int plat_protect(void *addr, size_t size, int prot);
/* Release the host pages behind a RAM range (they read back as zero). */
void plat_ram_discard(int fd, uint64_t offset, uint64_t size);

/* Host memory for metadata that is not part of simulated RAM (mem_map, ...). Zeroed. */
void *plat_meta_alloc(size_t size);
void plat_meta_free(void *addr, size_t size);

int plat_gettid(void);
int plat_getpid(void);
void plat_thread_name(char *buf, size_t len);
int plat_online_cpus(void);
uint64_t plat_total_ram(void);

/* Threads for the kernel's own threads (kswapd ...). */
typedef unsigned long plat_thread_t;
int plat_thread_create(plat_thread_t *t, const char *name, void *(*fn)(void *), void *arg);
void plat_thread_join(plat_thread_t t);
/* plat_at_thread_exit - call @fn(@arg) when the calling thread exits (one @fn for all). */
void plat_at_thread_exit(void (*fn)(void *arg), void *arg);

/* Futex waits: sleep while *addr == val (timeout_ns < 0: forever); wake up to n waiters. */
int plat_futex_wait(uint32_t *addr, uint32_t val, int64_t timeout_ns);
void plat_futex_wake(uint32_t *addr, int n);
void plat_yield(void);
void plat_sleep_ns(uint64_t ns);
/* Asymmetric full barrier across all threads of the process. Return: 0 or -errno. */
/* plat_membarrier_init - register for plat_membarrier(); 0 or -errno (then it cannot be used) */
int plat_membarrier_init(void);
int plat_membarrier(void);

uint64_t plat_clock_ns(void);
uint64_t plat_random(void);
/* plat_running_on_valgrind - the process runs under Valgrind (a client request, no system call) */
bool plat_running_on_valgrind(void);
/* plat_running_on_memcheck - ... and its tool is Memcheck (not callgrind & co.) */
bool plat_running_on_memcheck(void);

/* Host stack of the caller (skipping @skip frames) and its symbol names. */
int plat_backtrace(void **frames, int max, int skip);

/*
 * Symbol names from the ELF symbol tables (.symtab, else .dynsym) of the
 * executable and of each loaded object, read from their files at first use
 * and cached in host memory: no -rdynamic needed, static functions named.
 * Never allocates from the simulated machine, so reports may call it.
 */
#define PLAT_SYM_BACKTRACE 1 /* a return address: look up @addr - 1 (%pB) */
#define PLAT_SYM_NO_OFFSET 2 /* the name alone (%ps) */
/* "name+0xoff/0xsize", plus " [object]" outside the program and ukmem; "0x..." if unknown */
void plat_symbolize_flags(void *addr, int flags, char *buf, size_t len);
void plat_symbolize(void *addr, char *buf, size_t len);
/* plat_same_function - @a and @b lie in one known symbol */
bool plat_same_function(void *a, void *b);
/* plat_is_rodata - @p lies in a read-only segment (no PF_W) of a loaded ELF object */
bool plat_is_rodata(const void *p);
/* plat_thread_name_of - the host name of thread @tid of this process; false if gone */
bool plat_thread_name_of(int tid, char *buf, size_t len);
/* fork child: the symbol cache lock may have been held by another thread */
void plat_fork_child(void);

void plat_write_stderr(const char *buf, size_t len);
__attribute__((noreturn)) void plat_abort(void);
const char *plat_getenv(const char *name);

/* plat_map_ram with the host page tables filled at once (MAP_POPULATE). Return: 0 or -errno. */
int plat_map_ram_populate(void *addr, size_t size, int fd, uint64_t offset, int prot);

/*
 * plat_map_ram_guarded - plat_map_ram_populate() of @size bytes followed by
 * @guard bytes that fault on any access. Where the host supports guard
 * markers (MADV_GUARD_INSTALL on shared file mappings, Linux 6.15+) the guard
 * is part of the same host mapping (the memfd continues past @size, but no
 * page is ever mapped there), so the pair costs one entry of the host's
 * vm.max_map_count instead of two. Elsewhere the guard stays the reserved
 * hole it already is. Return: bytes of host mapping made at @addr (@size or
 * @size + @guard), or -errno (then nothing is mapped there any more).
 */
long plat_map_ram_guarded(void *addr, size_t size, size_t guard, int fd, uint64_t offset, int prot);
/* Does plat_map_ram_guarded() fold guards into the mapping on this host? */
bool plat_guard_markers(void);

/*
 * plat_unmap_release - unmap [addr, addr+size) by releasing it to the host
 * and reserving it again. munmap() of whole host mappings needs no new map
 * entry, so it works where plat_unmap_to_reserved() fails at the host's map
 * count. Return: 0 (unmapped and reserved again), PLAT_RANGE_LOST (unmapped,
 * but the range could not be reserved again: it may now hold another
 * mapping of the host's and must never be mapped over), or -errno (still
 * mapped as before).
 */
#define PLAT_RANGE_LOST 1
int plat_unmap_release(void *addr, size_t size);
/*
 * plat_seal - make [addr, addr+size) fault on any access without changing
 * the host's mappings (guard markers, else mprotect(PROT_NONE)): the last
 * resort when a range cannot be unmapped. A later plat_map_ram*() over it
 * replaces it. Return: 0 or -errno.
 */
int plat_seal(void *addr, size_t size);

/*
 * Test hook: the next @count mapping calls of the kinds in @ops fail with
 * -ENOMEM, as they do at the host's vm.max_map_count (count < 0: until
 * cleared with count 0). Not for production use.
 */
#define PLAT_FAIL_MAP	  0x1 /* plat_map_ram*() */
#define PLAT_FAIL_UNMAP	  0x2 /* plat_unmap_to_reserved() */
#define PLAT_FAIL_RELEASE 0x4 /* plat_unmap_release() */
#define PLAT_FAIL_SEAL	  0x8 /* plat_seal() */
void plat_fail_inject(unsigned int ops, int count);

/*
 * Child processes, for the fault-injection sweep (debug/fault_sweep.c).
 * plat_fork: the child's pid, 0 in the child, or -errno. plat_wait: wait for
 * @pid; *signal gets the signal that killed it (0 if it exited) and
 * *status its exit status. plat_exit ends the process at once (_exit).
 * plat_signal_default puts @sig back to its default action, so that a
 * crash kills the process even where a sanitizer catches it.
 */
int plat_fork(void);
int plat_wait(int pid, int *signal, int *status);
__attribute__((noreturn)) void plat_exit(int code);
void plat_signal_default(int sig);
/* a pipe: 0 or -errno; plat_write_all/plat_read_all loop over short transfers */
int plat_pipe(int fds[2]);
int plat_write_all(int fd, const void *buf, size_t len);
long plat_read_all(int fd, void *buf, size_t len);
void plat_close(int fd);
/* plat_open_append - @path for writing at its end, created if missing: fd or -errno */
int plat_open_append(const char *path);

#endif
