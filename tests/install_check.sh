#!/usr/bin/env bash
# install_check.sh BUILD_DIR SOURCE_DIR - install into a scratch prefix, then build every
# examples/*.c with pkg-config and a find_package(ukmem) project, and run them.
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d) out=$(mktemp -d)
trap 'rm -rf "$prefix" "$out"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
for ex in "$src"/examples/*.c; do
	name=$(basename "$ex" .c)
	cc -std=gnu11 -Wall -Werror "$ex" $(pkg-config --cflags --libs ukmem) -o "$out/$name"
	"$out/$name" >/dev/null 2>&1
	echo "pkg-config: $name ok"
done
mkdir -p "$out/cm"
cat > "$out/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.25)
project(use_ukmem C)
find_package(ukmem REQUIRED)
add_executable(pages $src/examples/pages.c)
target_link_libraries(pages ukmem::ukmem)
CM
cmake -S "$out/cm" -B "$out/cm/b" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$out/cm/b" >/dev/null
"$out/cm/b/pages" >/dev/null 2>&1
echo "find_package: ok"
