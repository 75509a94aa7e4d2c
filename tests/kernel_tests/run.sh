#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh - build the kernel's own allocator tests, unmodified, against ukmem
# and run them, printing one KTAP document (docs/kunit.md "Kernel tests").
#
#   run.sh <build dir> <source dir> [<work dir>]
#
# The test files are GPL-2.0 kernel sources, so they are not in this tree:
# they are taken at test time from $UKMEM_KERNEL_SRC (a kernel tree) when set,
# else from Debian's linux-source-6.12 package (apt-get download, only the
# few files needed are extracted), else linux-source-6.1. Without either the
# test is skipped (exit 77, with the reason), never passed.
#
# Each file is compiled as Kbuild would (KBUILD_MODNAME, -I include) with
# ukmem's headers and linked with libukmem_kunit_main.a: KUnit files print
# their KTAP; module_init() tests run at boot and are judged the way their
# selftest scripts judge them (their log lines, no WARNING). A test that needs
# something ukmem does not simulate yet is reported "# SKIP <what>".
set -u
BUILD=${1:?build dir}
SRC=${2:?source dir}
WORK=${3:-$BUILD/kernel_tests}
CC=${CC:-cc}
mkdir -p "$WORK"

FILES="lib/slub_kunit.c mm/slub_kunit.c lib/test_meminit.c lib/test_vmalloc.c lib/percpu_test.c lib/kunit/kunit-example-test.c"

skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit 77
}

# ---- sources ----
KSRC=""
if [ -n "${UKMEM_KERNEL_SRC:-}" ]; then
	[ -d "$UKMEM_KERNEL_SRC" ] || skip_all "UKMEM_KERNEL_SRC=$UKMEM_KERNEL_SRC is not a directory"
	KSRC=$UKMEM_KERNEL_SRC
	KVER="$(basename "$KSRC") (UKMEM_KERNEL_SRC)"
elif [ -f "$WORK/src/.complete" ]; then
	KSRC=$WORK/src/tree
	KVER=$(cat "$WORK/src/.complete")
else
	command -v apt-get >/dev/null 2>&1 || skip_all "no UKMEM_KERNEL_SRC and no apt-get to fetch linux-source"
	rm -rf "$WORK/src"
	mkdir -p "$WORK/src/dl" "$WORK/src/tree"
	why="apt-get download failed"
	for pkg in linux-source-6.12 linux-source-6.1; do
		if (cd "$WORK/src/dl" && apt-get download "$pkg" >"$WORK/src/apt.log" 2>&1); then
			deb=$(ls "$WORK"/src/dl/"$pkg"_*.deb 2>/dev/null | head -n 1)
			tarball=$(dpkg-deb --fsys-tarfile "$deb" | tar -t 2>/dev/null | grep 'linux-source-.*\.tar\.xz$' | head -n 1)
			top=$(basename "$tarball" .tar.xz)
			members=""
			for f in $FILES; do members="$members $top/$f"; done
			# only these files (and kunit.py, to parse the output) leave the archive
			dpkg-deb --fsys-tarfile "$deb" | tar -xO "$tarball" |
				tar -xJ -C "$WORK/src/tree" --strip-components=1 --wildcards \
				    --no-wildcards-match-slash $members "$top/tools/testing/kunit/*.py" \
				    2>"$WORK/src/tar.log"
			rm -f "$deb"
			if [ -f "$WORK/src/tree/lib/percpu_test.c" ]; then
				ver=$(basename "$deb" .deb | sed 's/^linux-source-[0-9.]*_//; s/_all$//')
				echo "$pkg $ver" >"$WORK/src/.complete"
				KVER="$pkg $ver"
				KSRC=$WORK/src/tree
				break
			fi
			why="no test files in $pkg"
		else
			why="apt-get download $pkg failed: $(tail -n 1 "$WORK/src/apt.log")"
		fi
	done
	[ -n "$KSRC" ] || skip_all "$why"
fi

# ---- build and run ----
LIBS="$BUILD/libukmem_kunit_main.a $BUILD/libukmem.a -lpthread -ldl"
CFLAGS="-std=gnu11 -D_GNU_SOURCE -O1 -g -w -I$SRC/include -I$SRC/src"
n=0
failed=0
out="$WORK/out"
mkdir -p "$out"

echo "KTAP version 1"
echo "# kernel sources: $KVER"
echo "1..5"

result() { # nr name status [directive]
	if [ "$3" = ok ]; then echo "ok $1 $2${4:+ # SKIP $4}"; else echo "not ok $1 $2"; failed=$((failed + 1)); fi
}

# build <name> <file>: a private copy laid out as in the tree, so "../mm/slab.h" finds ours
build() {
	rm -rf "$WORK/t/$1"
	mkdir -p "$WORK/t/$1/$(dirname "$2")" "$WORK/t/$1/mm"
	cp "$KSRC/$2" "$WORK/t/$1/$2"
	cp "$SRC/tests/kernel_tests/mm/slab.h" "$WORK/t/$1/mm/slab.h"
	$CC $CFLAGS -DKBUILD_MODNAME="\"$1\"" -DKBUILD_BASENAME="\"$1\"" "$WORK/t/$1/$2" \
		-o "$out/$1" $LIBS >"$out/$1.build.log" 2>&1
}

# a KUnit file: its own KTAP, indented as a subtest
kunit_file() { # nr name file cmdline
	if ! build "$2" "$3"; then
		sed 's/^/# /' "$out/$2.build.log" | head -n 30
		result "$1" "$2" fail
		return
	fi
	"$out/$2" "$4" >"$out/$2.ktap" 2>"$out/$2.log"
	rc=$?
	sed 's/^/    /' "$out/$2.ktap"
	if [ $rc -eq 0 ] && command -v python3 >/dev/null 2>&1 && [ -f "$KSRC/tools/testing/kunit/kunit.py" ]; then
		# the kernel's own parser must read the output as passing
		if ! python3 "$KSRC/tools/testing/kunit/kunit.py" parse "$out/$2.ktap" >"$out/$2.parse" 2>&1; then
			echo "# kunit.py parse failed:"
			sed 's/^/# /' "$out/$2.parse" | tail -n 20
			rc=1
		else
			grep -E "Testing complete|Ran [0-9]+ tests" "$out/$2.parse" | sed 's/^/# kunit.py: /'
		fi
	fi
	[ $rc -eq 0 ] && result "$1" "$2" ok || result "$1" "$2" fail
}

# a module_init() test: boots, its init runs; judged by its log
module_file() { # nr name file cmdline pass-regex
	if ! build "$2" "$3"; then
		sed 's/^/# /' "$out/$2.build.log" | head -n 30
		result "$1" "$2" fail
		return
	fi
	"$out/$2" "$4" >"$out/$2.out" 2>"$out/$2.log"
	grep -E "$5|WARNING|BUG|initcall" "$out/$2.log" | sed 's/^/# /' | head -n 20
	if grep -qE "$5" "$out/$2.log" && ! grep -qE "WARNING:|BUG:" "$out/$2.log"; then
		result "$1" "$2" ok
	else
		result "$1" "$2" fail
	fi
}

missing_headers() { # the <linux/...> names not in ukmem's include/
	m=""
	for h in "$@"; do [ -f "$SRC/include/linux/$h" ] || m="$m <linux/$h>"; done
	echo "$m"
}

# 1: mm/slub_kunit.c (lib/ before 6.13)
f=mm/slub_kunit.c
[ -f "$KSRC/$f" ] || f=lib/slub_kunit.c
kunit_file 1 slub_kunit "$f" "mem=256M"

# 2: the KUnit example suite: the KUnit API itself
kunit_file 2 kunit_example_test lib/kunit/kunit-example-test.c "mem=128M"

# 3: lib/percpu_test.c: returns -EAGAIN by design (so the module unloads); no WARNING
module_file 3 percpu_test lib/percpu_test.c "mem=256M" "percpu test done"

# 4: lib/test_meminit.c: needs init_on_alloc=1 or init_on_free=1
if grep -q '"init_on_free"' "$SRC"/src/*/*.c 2>/dev/null; then
	module_file 4 test_meminit lib/test_meminit.c "mem=512M init_on_free=1" "all [0-9]+ tests passed!"
else
	result 4 test_meminit ok "needs init_on_alloc=/init_on_free= (memory zeroed at allocation/free), not in ukmem yet"
fi

# 5: lib/test_vmalloc.c: kthreads, completions, rwsems, random numbers
m=$(missing_headers kthread.h completion.h delay.h rwsem.h random.h moduleparam.h rcupdate.h)
if [ -n "$m" ]; then
	result 5 test_vmalloc ok "needs$m, not in ukmem yet"
else
	module_file 5 test_vmalloc lib/test_vmalloc.c "mem=512M test_vmalloc.nr_threads=2 test_vmalloc.test_loop_count=2000" "Summary: .*failed: 0"
fi

[ $failed -eq 0 ]
