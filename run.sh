#!/usr/bin/env bash
# run.sh - the one entry point: installs what is missing, builds, runs.
#   ./run.sh demo [--boot "cmdline"]   build (release) and run the ukmem demo
#   ./run.sh test [presets...]         build and pass the whole suite (default: release)
#   ./run.sh bench [names...]          build (release) and run the benchmarks
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
		echo "==== $p: build" >&2
		build "$p"
		echo "==== $p: test" >&2
		ctest --preset "$p"
	done
	;;
bench)
	need_pkgs "${base_pkgs[@]}" libmimalloc-dev libjemalloc-dev libgoogle-perftools-dev
	build release
	if [ $# -eq 0 ]; then set -- $(cd build/release/bench && ls bench_* 2>/dev/null); fi
	for b in "$@"; do
		echo "==== $b" >&2
		"./build/release/bench/$b"
	done
	;;
*)
	sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
	[ "$cmd" = help ] || exit 2
	;;
esac
