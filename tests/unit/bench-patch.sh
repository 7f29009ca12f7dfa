#!/bin/sh
# bench/kernel's patches apply on top of the series as make bench applies
# them (scripts/build-kernel.sh native): a dry run against the test
# kernel's patched tree, so that a change to the series that breaks the
# benchmark's kernel shows here rather than at the next make bench.
src=${1:-build/kernel/src}
echo "1..1"
name="bench/kernel applies on the series"
if [ ! -d "$src/mm" ]; then
	echo "ok 1 - $name # SKIP no patched kernel tree in $src (make kernel)"
	exit 0
fi
for p in bench/kernel/*.patch; do
	if ! out=$(patch --dry-run -s -f -p1 -d "$src" <"$p" 2>&1); then
		echo "not ok 1 - $name: $p: $(echo "$out" | tr '\n' ' ')"
		exit 1
	fi
done
echo "ok 1 - $name"
