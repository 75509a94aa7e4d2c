#!/bin/sh
# Criterion cannot start under ThreadSanitizer ("Could not initialize
# inheritable arena", Snaipe/Criterion#274). This builds the per-CPU test
# files against a minimal Criterion stand-in (fork per test) and runs them
# under TSan. Usage: tests/percpu_extra/tsan/run.sh [build/tsan]
set -e
W=$(cd "$(dirname "$0")/../../.." && pwd)
B=${1:-$W/build/tsan}
O=$(mktemp -d)
CF="-O1 -g -fsanitize=thread -fno-omit-frame-pointer -D_GNU_SOURCE -I$W/tests/percpu_extra/tsan -I$W/include -I$W/tests -I$W/src"
gcc $CF -shared -fPIC -o "$O/dso.so" "$W/tests/percpu_extra/dso.c"
rc=0
for t in test_percpu test_percpu_alloc test_percpu_counter; do
	if [ $t = test_percpu ]; then
		gcc $CF -rdynamic -o "$O/$t" "$W/tests/percpu_extra/tsan/main.c" "$W/tests/$t.c" \
			"$W/tests/percpu_extra/tu2.c" -DPERCPU_DSO_PATH="\"$O/dso.so\"" \
			"$B/libukmem.a" -lpthread -ldl -lm
	else
		gcc $CF -rdynamic -o "$O/$t" "$W/tests/percpu_extra/tsan/main.c" "$W/tests/$t.c" \
			"$B/libukmem.a" -lpthread -ldl -lm
	fi
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$O/$t" 2>"$O/$t.err" | tail -1 || rc=1
	n=$(grep -c "WARNING: ThreadSanitizer" "$O/$t.err" || true)
	echo "$t: $n ThreadSanitizer warnings (log: $O/$t.err)"
	[ "$n" = 0 ] || rc=1
done
exit $rc
