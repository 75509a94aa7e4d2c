#!/usr/bin/env bash
# run.sh - the one entry point: installs what is missing, builds, runs.
#   ./run.sh demo [--boot "cmdline"]   build (release) and run the ukmem demo
#   ./run.sh test [presets...]         build and pass the whole suite (default: release);
#                                      "valgrind": release tests under Memcheck (docs/testing.md)
#   ./run.sh bench [ukbench args]      build (release), run every shape against the peers
#   ./run.sh bench own | bench_xxx ... the ukmem-only benchmark programs (docs/benchmarks.md)
#   ./run.sh fuzz [seconds]            build the libFuzzer harness (clang) and fuzz (default 60 s)
set -euo pipefail
cd "$(dirname "$0")"

need_pkgs() {
	local missing=()
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "run.sh: installing ${missing[*]}" >&2
	local sudo=""
	[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >/dev/null
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

base_pkgs=(gcc make cmake pkg-config libc6-dev)
jobs=$(nproc 2>/dev/null || echo 2)

build() { # preset
	cmake --preset "$1" >/dev/null
	cmake --build --preset "$1" -j "$jobs"
}

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
demo)
	need_pkgs "${base_pkgs[@]}"
	build release
	./build/release/ukmem demo "$@"
	;;
test)
	need_pkgs "${base_pkgs[@]}" libcriterion-dev
	presets=("$@")
	[ ${#presets[@]} -eq 0 ] && presets=(release)
	for p in "${presets[@]}"; do
		if [ "$p" = valgrind ]; then
			# not a preset: the release build's tests under Memcheck, a subset
			# that fits CI's budget (docs/testing.md); Memcheck errors fail
			need_pkgs valgrind
			build release
			echo "==== valgrind: test" >&2
			ctest --preset release -R '^test_valgrind$'
			for t in ${UKMEM_VALGRIND_TESTS:-test_kmalloc}; do
				echo "==== valgrind: $t under memcheck" >&2
				valgrind -q --error-exitcode=99 "./build/release/tests/$t" -j2
			done
			continue
		fi
		echo "==== $p: build" >&2
		build "$p"
		echo "==== $p: test" >&2
		ctest --preset "$p"
	done
	;;
fuzz)
	need_pkgs "${base_pkgs[@]}" clang libclang-rt-14-dev
	build fuzz
	mkdir -p build/fuzz/corpus
	./build/fuzz/fuzz/fuzz_alloc -max_total_time="${1:-60}" -rss_limit_mb=4096 \
		-print_final_stats=1 build/fuzz/corpus
	;;
bench)
	# the -dev packages pull in the shared objects ukbench preloads; named too,
	# so that a machine with only the runtime packages is enough
	need_pkgs "${base_pkgs[@]}" libmimalloc-dev libjemalloc-dev libgoogle-perftools-dev \
		libmimalloc2.0 libjemalloc2 libtcmalloc-minimal4
	build release
	case "${1:-}" in
	own)
		for b in bench_page_alloc bench_percpu bench_slab bench_vmalloc; do
			echo "==== $b" >&2
			"./build/release/bench/$b"
		done
		;;
	bench_*)
		b=$1
		shift
		"./build/release/bench/$b" "$@"
		;;
	*)
		./build/release/bench/ukbench "$@"
		;;
	esac
	;;
*)
	sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
	[ "$cmd" = help ] || exit 2
	;;
esac
