#!/bin/sh
# Instructions per call of the slab fast paths (self cost), callgrind:
# bench/cg_fastpaths.sh [build dir, default build/release]
set -e
bin=${1:-build/release}/bench/cg_fastpaths
tmp=$(mktemp -d)
for n in 100000 200000; do
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$n" "$bin" $n >/dev/null 2>&1
	callgrind_annotate "$tmp/cg.$n" 2>/dev/null |
		awk '$3 ~ /:(__kmalloc_noprof|kfree|kmem_cache_alloc_noprof|kmem_cache_free)$/ {
			gsub(",", "", $1); sub(/.*:/, "", $3); print $3, $1 }' | sort >"$tmp/r.$n"
done
join "$tmp/r.100000" "$tmp/r.200000" | awk '{ printf "%s %.1f\n", $1, ($3 - $2) / 100000 }'
rm -r "$tmp"
