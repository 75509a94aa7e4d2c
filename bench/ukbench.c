// SPDX-License-Identifier: MIT
/*
 * ukbench - runs every workload shape for ukmem and for each allocator peer,
 * alternating, one process per measurement, and prints one line per
 * measurement: ukmem's ns per op, each peer's, and ukmem over the best peer.
 *
 * The peers are glibc's malloc (nothing preloaded) and mimalloc, jemalloc and
 * tcmalloc, each loaded with LD_PRELOAD into its own run of the workload's
 * malloc build (bench_st_malloc, bench_mt_malloc, bench_prog_malloc). ukmem
 * runs the workload's kernel-API build (bench_st, ...) with nothing preloaded.
 * A peer whose shared object is not found is skipped with a note; the path
 * can be given in $UKBENCH_MIMALLOC, $UKBENCH_JEMALLOC, $UKBENCH_TCMALLOC.
 * Every result line names the allocator the process actually ran on, so a
 * preload that did not take fails the measurement instead of passing as glibc.
 *
 * One round runs every allocator once, in an order rotated by one each
 * round; the figure is the median over rounds. A group of measurements that
 * differ only in ukmem's configuration (kmalloc or kmem_cache; nr_cpus=) runs
 * the peers once and every ukmem configuration in the same rotation.
 *
 * usage: ukbench [SELECT...] [--threads LIST] [--nr-cpus LIST] [--pre LIST]
 *                [--rounds N] [--scale F] [--timeout S] [--peers LIST] [--csv]
 *                [--bindir DIR] [--list]
 *   SELECT: st, mt, prog (families), a shape name (pair, batch, rand, page,
 *   percpu, prodcons, random, larson, scratch, xmalloc, simple, mstress) or
 *   FAMILY:SHAPE; default: everything. LISTs are comma-separated.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NR_PEERS  4
#define MAX_VAR	  2
#define MAX_SLOTS (MAX_VAR + NR_PEERS)
#define MAX_ROUND 64
#define MAX_LIST  8

static const char *const peer_name[NR_PEERS] = {"glibc", "mimalloc", "jemalloc", "tcmalloc"};
static const char *const peer_soname[NR_PEERS] = {NULL, "libmimalloc.so.2", "libjemalloc.so.2",
						  "libtcmalloc_minimal.so.4"};
static const char *const peer_env[NR_PEERS] = {NULL, "UKBENCH_MIMALLOC", "UKBENCH_JEMALLOC",
					       "UKBENCH_TCMALLOC"};
static char *peer_path[NR_PEERS]; /* the preload; NULL for glibc */
static int peer_on[NR_PEERS], peer_skipped[NR_PEERS];

struct group {
	const char *family;
	char shape[48];	   /* as printed */
	const char *prog;  /* workload program, without the _malloc suffix */
	char args[128];	   /* for every run */
	char uk_args[128]; /* for ukmem runs only */
	int threads;
	int nvar;
	char vlabel[MAX_VAR][24];
	char vargs[MAX_VAR][48]; /* for this ukmem configuration only */
};

static struct group *groups;
static int nr_groups, cap_groups;

static int rounds = 5, csv, timeout_s = 120, host_cpus;
static double scale = 1.0;
static char bindir[PATH_MAX];
static int threads_list[MAX_LIST], nr_threads_list;
static int prog_threads_list[MAX_LIST], nr_prog_threads_list;
static int cpus_list[MAX_LIST], nr_cpus_list;
static int pre_list[MAX_LIST], nr_pre_list;
static const char *select_v[32];
static int nr_select;

/* ---------------------------------------------------------------- options */

static int parse_list(const char *s, int *v)
{
	int n = 0;

	while (*s && n < MAX_LIST) {
		char *end;
		long x = strtol(s, &end, 10);

		if (end == s || x < 0 || x > 4096) {
			fprintf(stderr, "ukbench: bad list '%s'\n", s);
			exit(2);
		}
		v[n++] = (int)x;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',') {
			fprintf(stderr, "ukbench: bad list separator in '%s'\n", s);
			exit(2);
		}
	}
	return n;
}

static int selected(const char *family, const char *shape)
{
	char both[64];

	if (!nr_select)
		return 1;
	snprintf(both, sizeof(both), "%s:%s", family, shape);
	for (int i = 0; i < nr_select; i++)
		if (!strcmp(select_v[i], "all") || !strcmp(select_v[i], family) ||
		    !strcmp(select_v[i], shape) || !strcmp(select_v[i], both))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- groups */

static struct group *add_group(const char *family, const char *prog, int threads)
{
	struct group *g;

	if (nr_groups == cap_groups) {
		cap_groups = cap_groups ? 2 * cap_groups : 64;
		groups = realloc(groups, (size_t)cap_groups * sizeof(*groups));
		if (!groups)
			exit(1);
	}
	g = &groups[nr_groups++];
	memset(g, 0, sizeof(*g));
	g->family = family;
	g->prog = prog;
	g->threads = threads;
	return g;
}

static void add_var(struct group *g, const char *label, const char *args)
{
	snprintf(g->vlabel[g->nvar], sizeof(g->vlabel[0]), "%s", label);
	snprintf(g->vargs[g->nvar], sizeof(g->vargs[0]), "%s", args);
	g->nvar++;
}

static void build_groups(void)
{
	static const struct {
		const char *shape, *label, *args;
		int cache; /* also as kmem_cache */
	} st[] = {
	    {"pair", "pair 64 B", "pair", 1},
	    {"batch", "batch 1000 64 B", "batch --n 1000", 1},
	    {"batch", "batch 100000 64 B in order", "batch --n 100000", 1},
	    {"batch", "batch 100000 64 B random order", "batch --n 100000 --random", 1},
	    {"rand", "rand 8-4096 B, 10000 live", "rand --n 10000", 0},
	    {"page", "page order 0", "page --n 0", 0},
	    {"page", "page order 3", "page --n 3", 0},
	    {"percpu", "percpu u64", "percpu", 0},
	};
	static const struct {
		const char *shape, *label;
	} mt[] = {
	    {"pair", "pair 64 B"}, {"prodcons", "prodcons 64 B"}, {"random", "random 8-4096 B"}};
	static const struct {
		const char *shape;
		int threaded;
	} prog[] = {{"larson", 1}, {"scratch", 1}, {"xmalloc", 1}, {"simple", 0}, {"mstress", 1}};
	char cpus_arg[MAX_LIST][32];
	struct group *g;

	for (unsigned int i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		if (!selected("st", st[i].shape))
			continue;
		g = add_group("st", "bench_st", 1);
		snprintf(g->shape, sizeof(g->shape), "%s", st[i].label);
		snprintf(g->args, sizeof(g->args), "%s --mem 256M --cpus %d", st[i].args,
			 host_cpus);
		add_var(g, st[i].cache ? "kmalloc" : "-", "");
		if (st[i].cache)
			add_var(g, "kmem_cache", "--cache");
	}
	for (int c = 0; c < nr_cpus_list; c++)
		snprintf(cpus_arg[c], sizeof(cpus_arg[c]), "nr_cpus=%d", cpus_list[c]);
	for (unsigned int i = 0; i < sizeof(mt) / sizeof(mt[0]); i++) {
		if (!selected("mt", mt[i].shape))
			continue;
		for (int p = 0; p < nr_pre_list; p++) {
			for (int t = 0; t < nr_threads_list; t++) {
				int th = threads_list[t];

				if (!strcmp(mt[i].shape, "prodcons") && th % 2)
					continue;
				/* the peers run once; each nr_cpus is one ukmem configuration */
				for (int c = 0; c < nr_cpus_list; c += MAX_VAR) {
					g = add_group("mt", "bench_mt", th);
					snprintf(g->shape, sizeof(g->shape), "%s%s", mt[i].label,
						 pre_list[p] ? ", after short threads" : "");
					snprintf(g->args, sizeof(g->args),
						 "%s --threads %d --pre-threads %d --mem 256M",
						 mt[i].shape, th, pre_list[p]);
					for (int k = c; k < c + MAX_VAR && k < nr_cpus_list; k++) {
						char a[32];

						snprintf(a, sizeof(a), "--cpus %d", cpus_list[k]);
						add_var(g, cpus_arg[k], a);
					}
				}
			}
		}
	}
	for (unsigned int i = 0; i < sizeof(prog) / sizeof(prog[0]); i++) {
		int nt = prog[i].threaded ? nr_prog_threads_list : 1;

		if (!selected("prog", prog[i].shape))
			continue;
		for (int t = 0; t < nt; t++) {
			int th = prog[i].threaded ? prog_threads_list[t] : 1;

			g = add_group("prog", "bench_prog", th);
			snprintf(g->shape, sizeof(g->shape), "%s", prog[i].shape);
			snprintf(g->args, sizeof(g->args), "%s --threads %d --mem 512M",
				 prog[i].shape, th);
			snprintf(g->uk_args, sizeof(g->uk_args), "--cpus %d", host_cpus);
			add_var(g, "kmalloc", "");
		}
	}
}

/* ---------------------------------------------------------------- running */

struct result {
	double ns, spread, vcsw;
	int ok;
};

static void split_args(char *s, char **argv, int *argc, int max)
{
	for (char *tok = strtok(s, " "); tok && *argc < max - 1; tok = strtok(NULL, " "))
		argv[(*argc)++] = tok;
}

/*
 * run_one - one process: slot < nvar is ukmem in configuration @slot, else
 * peer slot - nvar. Return: its result line, or ok = 0 with a note on stderr.
 */
static struct result run_one(const struct group *g, int slot)
{
	char path[PATH_MAX + 64], args[128], uk[128], var[48], scale_s[32], buf[4096];
	char *argv[48];
	int argc = 0, pipefd[2], status;
	const char *want;
	struct result res = {0};
	size_t len = 0;
	ssize_t got;
	pid_t pid;
	int peer = slot - g->nvar;

	snprintf(path, sizeof(path), "%s/%s%s", bindir, g->prog, peer >= 0 ? "_malloc" : "");
	snprintf(args, sizeof(args), "%s", g->args);
	argv[argc++] = path;
	split_args(args, argv, &argc, 40);
	if (peer < 0) {
		snprintf(uk, sizeof(uk), "%s", g->uk_args);
		split_args(uk, argv, &argc, 40);
		snprintf(var, sizeof(var), "%s", g->vargs[slot]);
		split_args(var, argv, &argc, 40);
	}
	if (scale != 1.0) {
		snprintf(scale_s, sizeof(scale_s), "%g", scale);
		argv[argc++] = "--scale";
		argv[argc++] = scale_s;
	}
	argv[argc] = NULL;
	want = peer >= 0 ? peer_name[peer] : "ukmem";

	if (pipe(pipefd)) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		if (peer >= 0 && peer_path[peer])
			setenv("LD_PRELOAD", peer_path[peer], 1);
		else
			unsetenv("LD_PRELOAD");
		alarm((unsigned int)timeout_s); /* survives exec: a hung run is killed */
		execv(path, argv);
		fprintf(stderr, "ukbench: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	while ((got = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)got;
	buf[len] = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "ukbench: %s %s (%s) killed by signal %d%s\n", g->prog, g->args,
			want, WTERMSIG(status), WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
		return res;
	}
	{
		char alloc[32] = "";
		char *line = strstr(buf, "RESULT ");

		if (!WIFEXITED(status) || WEXITSTATUS(status) || !line ||
		    sscanf(line, "RESULT %lf %lf %31s %lf", &res.ns, &res.spread, alloc,
			   &res.vcsw) < 3) {
			fprintf(stderr, "ukbench: %s %s (%s) failed (exit %d)\n", g->prog, g->args,
				want, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			return res;
		}
		if (strcmp(alloc, want)) {
			fprintf(stderr, "ukbench: %s ran on %s, not %s: result dropped\n", g->prog,
				alloc, want);
			return res;
		}
	}
	res.ok = 1;
	return res;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

enum field { F_NS, F_SPREAD, F_VCSW };

/* median of @f over the successful runs; NAN when none */
static double median_of(const struct result *r, int n, enum field f)
{
	double v[MAX_ROUND];
	int k = 0;

	for (int i = 0; i < n; i++)
		if (r[i].ok)
			v[k++] = f == F_NS ? r[i].ns : f == F_SPREAD ? r[i].spread : r[i].vcsw;
	if (!k)
		return NAN;
	qsort(v, (size_t)k, sizeof(v[0]), cmp_double);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

static void print_header(void)
{
	if (csv) {
		printf("family,shape,threads,ukmem_config,ukmem_ns");
		for (int p = 0; p < NR_PEERS; p++)
			printf(",%s_ns", peer_name[p]);
		printf(",best_peer,ratio,ukmem_spread");
		for (int p = 0; p < NR_PEERS; p++)
			printf(",%s_spread", peer_name[p]);
		printf(",ukmem_vcsw");
		for (int p = 0; p < NR_PEERS; p++)
			printf(",%s_vcsw", peer_name[p]);
		printf("\n");
		return;
	}
	printf("%-4s %-42s %3s %-10s %8s", "", "shape", "thr", "ukmem cfg", "ukmem");
	for (int p = 0; p < NR_PEERS; p++)
		printf(" %8s", peer_name[p]);
	printf("  %-15s %s\n", "ukmem/best", "spread ukmem (peers)  sleeps ukmem (peers)");
}

static void print_line(const struct group *g, int v, double ns[MAX_SLOTS], double spread[MAX_SLOTS],
		       double vcsw[MAX_SLOTS])
{
	int best = -1;
	double lo = 0, hi = 0;
	int any = 0;

	for (int p = 0; p < NR_PEERS; p++) {
		double x = ns[g->nvar + p];

		if (peer_on[p] && !isnan(x) && (best < 0 || x < ns[g->nvar + best]))
			best = p;
	}
	if (csv) {
		printf("%s,\"%s\",%d,%s,%.3f", g->family, g->shape, g->threads, g->vlabel[v],
		       ns[v]);
		for (int p = 0; p < NR_PEERS; p++)
			printf(",%.3f", ns[g->nvar + p]);
		if (best >= 0)
			printf(",%s,%.3f", peer_name[best], ns[v] / ns[g->nvar + best]);
		else
			printf(",,");
		printf(",%.3f", spread[v]);
		for (int p = 0; p < NR_PEERS; p++)
			printf(",%.3f", spread[g->nvar + p]);
		printf(",%.0f", vcsw[v]);
		for (int p = 0; p < NR_PEERS; p++)
			printf(",%.0f", vcsw[g->nvar + p]);
		printf("\n");
		fflush(stdout);
		return;
	}
	printf("%-4s %-42s %3d %-10s %8.2f", g->family, g->shape, g->threads, g->vlabel[v], ns[v]);
	for (int p = 0; p < NR_PEERS; p++) {
		double x = ns[g->nvar + p];

		if (!peer_on[p])
			printf(" %8s", "-");
		else if (isnan(x))
			printf(" %8s", "fail");
		else
			printf(" %8.2f", x);
	}
	if (best >= 0 && !isnan(ns[v]))
		printf("  x%-5.2f %-8s", ns[v] / ns[g->nvar + best], peer_name[best]);
	else
		printf("  %-15s", "-");
	if (g->threads > 1 || strcmp(g->family, "st")) {
		for (int p = 0; p < NR_PEERS; p++) {
			double s = spread[g->nvar + p];

			if (!peer_on[p] || isnan(s))
				continue;
			if (!any || s < lo)
				lo = s;
			if (!any || s > hi)
				hi = s;
			any = 1;
		}
		if (g->threads > 1)
			printf(" %.2f (%.2f-%.2f)", spread[v], lo, hi);
		any = 0;
		for (int p = 0; p < NR_PEERS; p++) {
			double s = vcsw[g->nvar + p];

			if (!peer_on[p] || isnan(s))
				continue;
			if (!any || s < lo)
				lo = s;
			if (!any || s > hi)
				hi = s;
			any = 1;
		}
		if (g->threads > 1)
			printf("  %.0f (%.0f-%.0f)", vcsw[v], lo, hi);
	}
	printf("\n");
	fflush(stdout);
}

static void run_group(const struct group *g)
{
	static struct result r[MAX_SLOTS][MAX_ROUND];
	double ns[MAX_SLOTS], spread[MAX_SLOTS], vcsw[MAX_SLOTS];
	int nslots = g->nvar + NR_PEERS;

	for (int round = 0; round < rounds; round++) {
		for (int k = 0; k < nslots; k++) {
			int slot = (k + round) % nslots;

			r[slot][round].ok = 0;
			if (slot >= g->nvar && !peer_on[slot - g->nvar])
				continue;
			r[slot][round] = run_one(g, slot);
		}
	}
	for (int s = 0; s < nslots; s++) {
		ns[s] = median_of(r[s], rounds, F_NS);
		spread[s] = median_of(r[s], rounds, F_SPREAD);
		vcsw[s] = median_of(r[s], rounds, F_VCSW);
	}
	for (int v = 0; v < g->nvar; v++)
		print_line(g, v, ns, spread, vcsw);
}

/* ---------------------------------------------------------------- peers */

static char *find_peer(int p)
{
	static const char *const dirs[] = {"/usr/lib/" UKBENCH_LIBDIR, "/lib/" UKBENCH_LIBDIR,
					   "/usr/lib64", "/usr/lib", "/usr/local/lib"};
	const char *env = getenv(peer_env[p]);
	char path[PATH_MAX];

	if (env && *env)
		return access(env, R_OK) ? NULL : strdup(env);
	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], peer_soname[p]);
		if (!access(path, R_OK))
			return strdup(path);
	}
	return NULL;
}

static void find_peers(const char *only)
{
	for (int p = 0; p < NR_PEERS; p++) {
		if (only && !strstr(only, peer_name[p])) {
			peer_skipped[p] = 1;
			continue;
		}
		if (p == 0) {
			peer_on[p] = 1;
			continue;
		}
		peer_path[p] = find_peer(p);
		peer_on[p] = peer_path[p] != NULL;
		if (!peer_on[p])
			fprintf(stderr,
				"note: %s (%s) not found, skipped (install it, or give its path "
				"in $%s)\n",
				peer_name[p], peer_soname[p], peer_env[p]);
	}
}

/* the cores this process may run on (taskset narrows them), not all online */
static int affinity_cpus(void)
{
	cpu_set_t set;
	int n = 0;

	if (!sched_getaffinity(0, sizeof(set), &set))
		n = CPU_COUNT(&set);
	if (n < 1)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ukbench [st|mt|prog|SHAPE|FAMILY:SHAPE...] [--threads LIST] [--nr-cpus "
		"LIST]\n"
		"               [--pre LIST] [--rounds N] [--scale F] [--timeout S] [--peers "
		"LIST]\n"
		"               [--csv] [--bindir DIR] [--list]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *only_peers = NULL;
	int list = 0;
	double t0;
	struct timespec ts;
	char date[32];
	time_t now = time(NULL);
	ssize_t n;

	host_cpus = affinity_cpus();
	n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	if (n > 0) {
		bindir[n] = 0;
		*strrchr(bindir, '/') = 0;
	} else {
		strcpy(bindir, ".");
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--csv")) {
			csv = 1;
		} else if (!strcmp(a, "--list")) {
			list = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
		} else if (a[0] == '-' && v) {
			i++;
			if (!strcmp(a, "--threads"))
				nr_threads_list = parse_list(v, threads_list);
			else if (!strcmp(a, "--nr-cpus"))
				nr_cpus_list = parse_list(v, cpus_list);
			else if (!strcmp(a, "--pre"))
				nr_pre_list = parse_list(v, pre_list);
			else if (!strcmp(a, "--rounds"))
				rounds = atoi(v);
			else if (!strcmp(a, "--scale"))
				scale = atof(v);
			else if (!strcmp(a, "--timeout"))
				timeout_s = atoi(v);
			else if (!strcmp(a, "--peers"))
				only_peers = v;
			else if (!strcmp(a, "--bindir"))
				snprintf(bindir, sizeof(bindir), "%s", v);
			else
				usage();
		} else if (a[0] != '-' && nr_select < 32) {
			select_v[nr_select++] = a;
		} else {
			usage();
		}
	}
	if (rounds < 1 || rounds > MAX_ROUND || scale <= 0 || timeout_s < 1)
		usage();
	if (nr_threads_list) {
		/* --threads applies to both */
		memcpy(prog_threads_list, threads_list, sizeof(threads_list));
		nr_prog_threads_list = nr_threads_list;
	} else {
		nr_threads_list = parse_list("2,4,8", threads_list);
		prog_threads_list[0] = host_cpus;
		prog_threads_list[1] = 4 * host_cpus;
		nr_prog_threads_list = 2;
	}
	if (!nr_cpus_list) {
		cpus_list[0] = host_cpus;
		cpus_list[1] = 4 * host_cpus;
		nr_cpus_list = 2;
	}
	if (!nr_pre_list)
		nr_pre_list = parse_list("0,4", pre_list);
	build_groups();
	if (!nr_groups) {
		fprintf(stderr, "ukbench: nothing selected\n");
		usage();
	}
	if (list) {
		for (int i = 0; i < nr_groups; i++)
			for (int v = 0; v < groups[i].nvar; v++)
				printf("%s %s %s %s %s %s\n", groups[i].family, groups[i].prog,
				       groups[i].args, groups[i].uk_args, groups[i].vargs[v],
				       groups[i].vlabel[v]);
		return 0;
	}
	find_peers(only_peers);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&now));
	/* in CSV the comment lines go to stderr, the table alone to stdout */
	fprintf(csv ? stderr : stdout,
		"# ukbench %s: %d host CPUs, median of %d rounds (allocators rotated), ns per op; "
		"ratio = ukmem / best peer; peers preloaded:",
		date, host_cpus, rounds);
	for (int p = 1; p < NR_PEERS; p++)
		fprintf(csv ? stderr : stdout, " %s=%s", peer_name[p],
			peer_on[p]	  ? peer_path[p]
			: peer_skipped[p] ? "(not selected)"
					  : "(absent)");
	fprintf(csv ? stderr : stdout, "\n");
	print_header();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	for (int i = 0; i < nr_groups; i++)
		run_group(&groups[i]);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(csv ? stderr : stdout, "# %d measurement groups in %.0f s\n", nr_groups,
		(double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0);
	return 0;
}
