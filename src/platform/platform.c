// SPDX-License-Identifier: MIT
/*
 * platform.c - Linux host primitives: memfd RAM, address-space reservations,
 * MAP_FIXED mappings, futexes, clocks, randomness and stack traces
 * (symbols.c names the frames). Nothing else in ukmem calls the host
 * kernel directly.
 */
#include "platform/platform.h"

#include <fcntl.h>
#include <errno.h>
#include <execinfo.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ  22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* plat_fail_inject() state: which calls fail, and how many more (< 0: all). */
static unsigned int fail_ops;
static int fail_count;

static bool fail_injected(unsigned int op)
{
	int c;

	if (__builtin_expect(!(__atomic_load_n(&fail_ops, __ATOMIC_RELAXED) & op), 1))
		return false;
	c = __atomic_load_n(&fail_count, __ATOMIC_RELAXED);
	do {
		if (c == 0)
			return false;
		if (c < 0)
			return true;
	} while (!__atomic_compare_exchange_n(&fail_count, &c, c - 1, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

void plat_fail_inject(unsigned int ops, int count)
{
	__atomic_store_n(&fail_count, count, __ATOMIC_RELAXED);
	__atomic_store_n(&fail_ops, count ? ops : 0, __ATOMIC_RELAXED);
}

static int prot_of(int prot)
{
	int p = PROT_NONE;

	if (prot & PLAT_PROT_READ)
		p |= PROT_READ;
	if (prot & PLAT_PROT_WRITE)
		p |= PROT_WRITE;
	return p;
}

int plat_ram_create(const char *name, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void plat_ram_destroy(int fd)
{
	if (fd >= 0)
		close(fd);
}

void *plat_reserve(size_t size, size_t align)
{
	/* page alignment comes free; more takes a larger range, trimmed to @size below */
	size_t total = align <= 4096 ? size : size + align;
	char *p = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t start, aligned;

	if (p == MAP_FAILED)
		return NULL;
	if (align <= 4096)
		return p; /* plat_release(p, size) gives back all of it */
	start = (uintptr_t)p;
	aligned = (start + align - 1) & ~(uintptr_t)(align - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	if (aligned + size < start + total)
		munmap((void *)(aligned + size), start + total - aligned - size);
	return (void *)aligned;
}

void plat_release(void *addr, size_t size)
{
	if (addr && size)
		munmap(addr, size);
}

int plat_map_ram(void *addr, size_t size, int fd, uint64_t offset, int prot)
{
	void *p;

	if (fail_injected(PLAT_FAIL_MAP))
		return -ENOMEM;
	p = mmap(addr, size, prot_of(prot), MAP_SHARED | MAP_FIXED, fd, (off_t)offset);

	return p == MAP_FAILED ? -errno : 0;
}

int plat_unmap_to_reserved(void *addr, size_t size)
{
	void *p;

	if (fail_injected(PLAT_FAIL_UNMAP))
		return -ENOMEM;
	p = mmap(addr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
		 0);
	return p == MAP_FAILED ? -errno : 0;
}

int plat_unmap_release(void *addr, size_t size)
{
	void *p;

	if (fail_injected(PLAT_FAIL_RELEASE))
		return -ENOMEM;
	if (munmap(addr, size))
		return -errno;
	/*
	 * The hole is the host's now: another thread's mmap() may land in it
	 * before this one does, and must not be mapped over later.
	 */
	p = mmap(addr, size, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == addr)
		return 0;
	if (p != MAP_FAILED)
		munmap(p, size); /* a host that takes NOREPLACE as a mere hint */
	return PLAT_RANGE_LOST;
}

/* 1: shared file mappings take guard markers; -1: they do not; 0: not probed yet */
static int guard_markers;

static bool probe_guard_markers(int fd)
{
	int state = __atomic_load_n(&guard_markers, __ATOMIC_RELAXED);
	char *p;

	if (state)
		return state > 0;
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	state = -1;
	if (p != MAP_FAILED) {
		if (!madvise(p + 4096, 4096, MADV_GUARD_INSTALL))
			state = 1;
		munmap(p, 2 * 4096);
	}
	__atomic_store_n(&guard_markers, state, __ATOMIC_RELAXED);
	return state > 0;
}

bool plat_guard_markers(void)
{
	return __atomic_load_n(&guard_markers, __ATOMIC_RELAXED) > 0;
}

long plat_map_ram_guarded(void *addr, size_t size, size_t guard, int fd, uint64_t offset, int prot)
{
	void *p;

	if (!guard || !probe_guard_markers(fd)) {
		int err = plat_map_ram_populate(addr, size, fd, offset, prot);

		return err ? err : (long)size;
	}
	if (fail_injected(PLAT_FAIL_MAP))
		return -ENOMEM;
	/* no MAP_POPULATE: it would fault in the frame behind the guard too */
	p = mmap(addr, size + guard, prot_of(prot), MAP_SHARED | MAP_FIXED, fd, (off_t)offset);
	if (p == MAP_FAILED)
		return -errno;
	if (madvise((char *)addr + size, guard, MADV_GUARD_INSTALL)) {
		int err = -errno;

		/* the guard reads a live frame now: never leave it like that */
		if (plat_unmap_to_reserved(addr, size + guard) &&
		    plat_unmap_release(addr, size + guard) < 0)
			mprotect(addr, size + guard, PROT_NONE);
		return err;
	}
	madvise(addr, size, (prot & PLAT_PROT_WRITE) ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
	return (long)(size + guard);
}

int plat_seal(void *addr, size_t size)
{
	if (fail_injected(PLAT_FAIL_SEAL))
		return -ENOMEM;
	if (plat_guard_markers() && !madvise(addr, size, MADV_GUARD_INSTALL))
		return 0;
	return mprotect(addr, size, PROT_NONE) ? -errno : 0;
}

int plat_protect(void *addr, size_t size, int prot)
{
	return mprotect(addr, size, prot_of(prot)) ? -errno : 0;
}

void plat_ram_discard(int fd, uint64_t offset, uint64_t size)
{
	fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)size);
}

void *plat_meta_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void plat_meta_free(void *addr, size_t size)
{
	if (addr)
		munmap(addr, size);
}

int plat_gettid(void)
{
	return (int)syscall(SYS_gettid);
}

int plat_getpid(void)
{
	return (int)getpid();
}

void plat_thread_name(char *buf, size_t len)
{
	if (pthread_getname_np(pthread_self(), buf, len) != 0 && len)
		snprintf(buf, len, "ukmem");
}

int plat_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

uint64_t plat_total_ram(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	return pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz : 0;
}

struct plat_thread_start {
	void *(*fn)(void *);
	void *arg;
	char name[16];
};

static void *plat_thread_trampoline(void *p)
{
	struct plat_thread_start s = *(struct plat_thread_start *)p;

	free(p);
	pthread_setname_np(pthread_self(), s.name);
	return s.fn(s.arg);
}

int plat_thread_create(plat_thread_t *t, const char *name, void *(*fn)(void *), void *arg)
{
	struct plat_thread_start *s = malloc(sizeof(*s));
	pthread_t th;
	int err;

	if (!s)
		return -ENOMEM;
	s->fn = fn;
	s->arg = arg;
	snprintf(s->name, sizeof(s->name), "%s", name);
	err = pthread_create(&th, NULL, plat_thread_trampoline, s);
	if (err) {
		free(s);
		return -err;
	}
	*t = (plat_thread_t)th;
	return 0;
}

static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
static void (*exit_fn)(void *arg);

static void exit_trampoline(void *arg)
{
	void (*fn)(void *arg) = __atomic_load_n(&exit_fn, __ATOMIC_ACQUIRE);

	if (fn)
		fn(arg);
}

static void exit_key_create(void)
{
	pthread_key_create(&exit_key, exit_trampoline);
}

void plat_at_thread_exit(void (*fn)(void *arg), void *arg)
{
	pthread_once(&exit_once, exit_key_create);
	__atomic_store_n(&exit_fn, fn, __ATOMIC_RELEASE);
	pthread_setspecific(exit_key, arg);
}

void plat_thread_join(plat_thread_t t)
{
	pthread_join((pthread_t)t, NULL);
}

int plat_futex_wait(uint32_t *addr, uint32_t val, int64_t timeout_ns)
{
	struct timespec ts, *tsp = NULL;
	long r;

	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tsp = &ts;
	}
	r = syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, tsp, NULL, 0);
	return r < 0 ? -errno : 0;
}

void plat_futex_wake(uint32_t *addr, int n)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

void plat_yield(void)
{
	sched_yield();
}

void plat_sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int plat_membarrier_init(void)
{
	return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) ? -errno
											: 0;
}

int plat_membarrier(void)
{
	return syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) ? -errno : 0;
}

uint64_t plat_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif

bool plat_running_on_valgrind(void)
{
#ifdef RUNNING_ON_VALGRIND
	return RUNNING_ON_VALGRIND != 0;
#else
	return false;
#endif
}

bool plat_running_on_memcheck(void)
{
	/* Valgrind preloads its tool's library: vgpreload_<tool>-<platform>.so */
	const char *pre = getenv("LD_PRELOAD");

	return plat_running_on_valgrind() && pre && strstr(pre, "vgpreload_memcheck");
}

uint64_t plat_random(void)
{
	uint64_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = plat_clock_ns() * 0x9e3779b97f4a7c15ull;
	return v;
}

int plat_backtrace(void **frames, int max, int skip)
{
	void *buf[64];
	int n = backtrace(buf, 64), i, out = 0;

	for (i = skip + 1; i < n && out < max; i++)
		frames[out++] = buf[i];
	return out;
}

bool plat_thread_name_of(int tid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	if (len < 2)
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	if (buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return true;
}

void plat_write_stderr(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(2, buf, len);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

void plat_abort(void)
{
	abort();
}

const char *plat_getenv(const char *name)
{
	return getenv(name);
}

int plat_map_ram_populate(void *addr, size_t size, int fd, uint64_t offset, int prot)
{
	void *p;

	if (fail_injected(PLAT_FAIL_MAP))
		return -ENOMEM;
	p = mmap(addr, size, prot_of(prot), MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd,
		 (off_t)offset);

	return p == MAP_FAILED ? -errno : 0;
}

/* ------------------------------------------------------------ child processes */

int plat_fork(void)
{
	pid_t pid = fork();

	return pid < 0 ? -errno : (int)pid;
}

int plat_wait(int pid, int *signal, int *status)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	*signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	return 0;
}

void plat_exit(int code)
{
	_exit(code);
}

void plat_signal_default(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
}

int plat_pipe(int fds[2])
{
	return pipe2(fds, O_CLOEXEC) ? -errno : 0;
}

int plat_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long plat_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

void plat_close(int fd)
{
	close(fd);
}

int plat_open_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	return fd < 0 ? -errno : fd;
}
