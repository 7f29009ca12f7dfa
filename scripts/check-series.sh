#!/bin/bash
# Series hygiene: apply kernel-patch/ with `git am` to a pristine
# linux-source-7.3 tree, and build the test kernel with xe
# (tests/vm/xe.config) after every patch, so that each patch builds on its
# own. For each patch also: checkpatch
# --strict, a W=1 and sparse (C=2) build of the objects it touches, and
# kernel-doc -Wall on the files it adds.
# Takes long (a kernel build per patch, incremental with ccache), so it
# resumes: a run that stopped (interrupted, or a patch that failed) leaves
# its tree, and the next run goes on after the last patch checked if
# kernel-patch/ still starts with the patches it checked; otherwise, or
# with SERIES_FRESH=1, it starts over. A run that passes removes its tree.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/kernel-source.sh
TARBALL=$KERNEL_TARBALL
CACHE=${P2PREACH_CACHE:-/var/tmp/p2preach-cache}
WORK=$CACHE/series-check
LOG=$ROOT/build/logs/series-check.log
JOBS=${JOBS:-$(nproc)}
# What the tree holds: a line "PATCH SHA256" per patch applied, and per
# patch checked, and "PATCH what" per check that failed.
APPLIED=$WORK/applied CHECKED=$WORK/checked FAILED=$WORK/failed

mkdir -p build/logs
# The series as it is now: edits to kernel-patch/ during the run are for
# the next one.
SERIES=$(mktemp -d)
trap 'rm -rf "$SERIES"' EXIT
cp kernel-patch/series kernel-patch/*.patch "$SERIES"/
# The series as "PATCH SHA256" lines, in order.
series_sums() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES/series" |
		while read -r p; do echo "$p $(sha256sum <"$SERIES/$p" | cut -d' ' -f1)"; done
}
series_sums >"$ROOT/build/series.sums"
# Is file (lines of the series, in order) a start of the series?
starts_series() {
	[[ -f $1 ]] && head -n "$(wc -l <"$1")" "$ROOT/build/series.sums" | cmp -s - "$1"
}

G=(git -C "$WORK/src" -c user.name=series-check -c user.email=series-check@localhost)
if [[ ${SERIES_FRESH:-0} != 1 && -d $WORK/src/.git ]] && starts_series "$CHECKED" &&
	[[ -z $("${G[@]}" status --porcelain) ]]; then
	k=$(wc -l <"$CHECKED")
	echo "  SERIES  resuming after $k checked patches (SERIES_FRESH=1 starts over)"
	echo "--- resumed after $k patches" >>"$LOG"
	# A patch applied after those is applied again, as it is now: back
	# to the base commit plus the k checked ones.
	"${G[@]}" reset -q --hard "$("${G[@]}" rev-list --reverse HEAD | sed -n "$((k + 1))p")"
	cp "$CHECKED" "$APPLIED"
	cut -d' ' -f1 "$CHECKED" >"$WORK/checked.names"
	awk 'NR == FNR { ok[$1]; next } $1 in ok' "$WORK/checked.names" "$FAILED" >"$FAILED.new"
	mv "$FAILED.new" "$FAILED"
else
	: >"$LOG"
	rm -rf "$WORK"
	mkdir -p "$WORK"
	echo "  SERIES  unpacking a pristine tree"
	kernel_source_unpack "$WORK"
	"${G[@]}" init -q
	"${G[@]}" add -f -A
	"${G[@]}" commit -q -m base
	: >"$APPLIED"
	: >"$CHECKED"
	: >"$FAILED"
fi
SRC=$WORK/src

export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$WORK CCACHE_NOHASHDIR=1
export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
export KBUILD_BUILD_TIMESTAMP="@$(stat -c %Y "$TARBALL")"
MAKEARGS=(-C "$SRC" O="$WORK/obj" -j"$JOBS" CC="ccache gcc")

SPARSE=$(scripts/build-sparse.sh)

# The objects of the .c files a commit touches that the build made (a
# file another one includes is no object of its own).
touched_objects() {
	"${G[@]}" diff --name-only --diff-filter=AM HEAD~1 HEAD -- '*.c' |
		grep -v '^tools/' | sed 's/\.c$/.o/' |
		while read -r o; do [[ -f $WORK/obj/$o ]] && echo "$o"; done || true
}

# Warnings in a W=1 + sparse build of the touched objects, or nothing.
object_warnings() {
	local objs
	mapfile -t objs < <(touched_objects)
	[[ ${#objs[@]} -gt 0 ]] || return 0
	for o in "${objs[@]}"; do touch "$SRC/${o%.o}.c"; done
	make "${MAKEARGS[@]}" W=1 C=2 CHECK="$SPARSE" "${objs[@]}" 2>&1 |
		grep -E 'warning:|error:' || true
}

# kernel-doc -Wall on the C files and headers a commit adds (often none).
doc_warnings() {
	"${G[@]}" diff --name-only --diff-filter=A HEAD~1 HEAD -- '*.c' '*.h' |
		{ grep -v '^tools/' || true; } | while read -r f; do
		PATH=/usr/bin:$PATH "$SRC/scripts/kernel-doc" -Wall -none "$SRC/$f" 2>&1
	done
}

# failed PATCH WHAT: record a check that failed; the run fails at its end.
failed() {
	echo "$1 $2" >>"$FAILED"
}

# The list on its own descriptor: nothing in the loop reads it as stdin.
exec 3<"$ROOT/build/series.sums"
n=0
while read -r p sum <&3; do
	n=$((n + 1))
	if grep -qx "$p $sum" "$CHECKED"; then
		continue
	fi
	echo "  SERIES  [$n] $p"
	if ! grep -qx "$p $sum" "$APPLIED"; then
		"${G[@]}" am -q "$SERIES/$p" >>"$LOG" 2>&1 ||
			{ echo "check-series: $p does not apply (log: $LOG)" >&2; exit 1; }
		echo "$p $sum" >>"$APPLIED"
	fi
	# The tree is a release tarball without upstream's history, so
	# checkpatch cannot look up the commit a Fixes: tag names.
	if ! PATH=/usr/bin:$PATH "$SRC/scripts/checkpatch.pl" --strict -q \
		--ignore UNKNOWN_COMMIT_ID "$SERIES/$p" >>"$LOG" 2>&1; then
		echo "check-series: checkpatch complains about $p (log: $LOG)" >&2
		failed "$p" checkpatch
	fi
	# The test config plus xe's, so that the drm patches build too.
	xe_syms=$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' "$ROOT/tests/vm/xe.config" | paste -sd'|')
	grep -Ev "^($xe_syms)=" "$ROOT/tests/vm/kernel.config" |
		cat - "$ROOT/tests/vm/xe.config" >"$WORK/fragment.config"
	make "${MAKEARGS[@]}" allnoconfig KCONFIG_ALLCONFIG="$WORK/fragment.config" >>"$LOG" 2>&1
	if ! make "${MAKEARGS[@]}" bzImage modules >>"$LOG" 2>&1; then
		echo "check-series: the tree does not build after $p (log: $LOG)" >&2
		exit 1
	fi
	w=$(object_warnings)
	if [[ -n $w ]]; then
		echo "check-series: W=1 or sparse warnings after $p:" >&2
		echo "$w" >&2
		failed "$p" "W=1/sparse"
	fi
	w=$(doc_warnings)
	if [[ -n $w ]]; then
		echo "check-series: kernel-doc warnings in files $p adds:" >&2
		echo "$w" >&2
		failed "$p" kernel-doc
	fi
	echo "$p $sum" >>"$CHECKED"
done
exec 3<&-
if [[ -s $FAILED ]]; then
	echo "check-series: checks failed (the tree stays for the next run):" >&2
	sed 's/^/  /' "$FAILED" >&2
	exit 1
fi
rm -rf "$WORK"
echo "  SERIES  all $n patches apply with git am, build one by one, and are"
echo "          checkpatch, W=1, sparse and kernel-doc clean"
