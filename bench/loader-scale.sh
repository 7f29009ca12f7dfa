#!/bin/sh
# make bench-loader: what the loader's own work for an apply and for an
# edit costs at 4, 64 and 1,024 ids, on the host, over a fake sysfs tree
# laid out as the kernel's and the policy files of `make bench`'s scale
# run: no kernel, no emulator, so the figures show how that work grows
# with the ids, apart from system calls into BPF and QEMU's slowdown.
# Prints each step's median time and the ratio of the largest size to
# the smallest. Knobs: BENCH_SIZES, BENCH_LOADER_REPS.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/bench/loader-scale}
SIZES=${BENCH_SIZES:-4 64 1024}
REPS=${BENCH_LOADER_REPS:-15}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# tree N: the ids the scale run has: the two test_hmm devices (a client
# id and a provider id each) and N - 4 fake clients bench0, bench1, ...
tree() {
	root=$TMP/sys-$1/kernel/mm/pagemap_reach/devices
	mkdir -p "$root"
	i=0
	for dev in hmm_dmirror0 hmm_dmirror1; do
		mkdir "$root/$i" "$root/$((i + 1))"
		echo "$dev" >"$root/$i/dev_name"
		echo client >"$root/$i/role"
		echo "$dev" >"$root/$((i + 1))/dev_name"
		echo provider >"$root/$((i + 1))/role"
		echo 0 >"$root/$((i + 1))/index"
		i=$((i + 2))
	done
	j=0
	while [ "$j" -lt $(($1 - 4)) ]; do
		mkdir "$root/$i"
		echo "bench$j" >"$root/$i/dev_name"
		echo client >"$root/$i/role"
		i=$((i + 1)) j=$((j + 1))
	done
}

for n in $SIZES; do
	tree "$n"
	sh bench/policy-file.sh "$n" >"$TMP/policy-$n.conf"
	"$BIN" "$TMP/sys-$n" "$TMP/policy-$n.conf" "$REPS" >"$TMP/res-$n"
done
first=${SIZES%% *} last=${SIZES##* }
echo "The loader's own work, ms (median of $REPS; host, fake sysfs tree, no kernel)"
echo
awk -v sizes="$SIZES" -v first="$first" -v last="$last" -v dir="$TMP" '
BEGIN {
	n = split(sizes, size, " ")
	for (i = 1; i <= n; i++) {
		f = dir "/res-" size[i]
		while ((getline line < f) > 0) {
			split(line, kv, " ")
			ms[kv[1], size[i]] = kv[2]
			if (i == 1)
				step[++nsteps] = kv[1]
		}
	}
	printf "%-12s", "ids"
	for (i = 1; i <= n; i++)
		printf " %10s", size[i]
	printf " %12s\n", last " / " first
	for (s = 1; s <= nsteps; s++) {
		printf "%-12s", step[s]
		for (i = 1; i <= n; i++)
			printf " %10.3f", ms[step[s], size[i]]
		r = ms[step[s], first] > 0 ? ms[step[s], last] / ms[step[s], first] : 0
		printf " %11.2fx\n", r
	}
}'
