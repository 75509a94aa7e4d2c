#!/bin/sh
# run.sh - run tests/test_*.c under ThreadSanitizer without Criterion.
#
# Criterion cannot start under TSan ("Could not initialize inheritable arena",
# Snaipe/Criterion#274), so `ctest --preset tsan` fails before any test runs.
# This builds each test file against a tiny stand-in for <criterion/criterion.h>
# (Test(), cr_assert*; each test in its own forked child) and the TSan
# libukmem.a. Usage (after `cmake --build --preset tsan`):
#     tests/tsan-shim/run.sh [test_name ...]      e.g. run.sh test_page_stress
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
lib=$root/build/tsan/libukmem.a
out=$root/build/tsan/shim
mkdir -p "$out"
[ -f "$lib" ] || { echo "build the tsan preset first" >&2; exit 2; }
if [ $# -eq 0 ]; then
	set -- $(cd "$root/tests" && ls test_*.c | sed 's/\.c$//')
fi
fail=0
for t in "$@"; do
	cc -O1 -g -fsanitize=thread -D_GNU_SOURCE -I"$root/tests/tsan-shim" \
	   -I"$root/include" -I"$root/src" -I"$root/tests" -w \
	   "$root/tests/$t.c" "$root/tests/tsan-shim/shim_main.c" "$lib" -lpthread -o "$out/$t"
	echo "== $t"
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/tsan-shim/known-races.supp $TSAN_OPTIONS" "$out/$t" \
		2>"$out/$t.log" || { fail=1; grep -v '^\[ *[0-9.]*\]' "$out/$t.log" | head -40; }
done
exit $fail
