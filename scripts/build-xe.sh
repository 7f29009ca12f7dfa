#!/bin/bash
# Compile test of the series' drm patches: the test kernel's config plus
# tests/vm/xe.config (xe, drm_gpusvm and drm_pagemap as modules), the
# whole drivers/gpu/drm/ tree built with W=1, and the drm files the series
# touches built again with sparse (C=2). Any warning fails. There is no
# Intel GPU here: this says that xe builds with the series, not that it
# runs. The result is cached like the kernel, by a hash of its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/kernel-source.sh

CACHE=${P2PREACH_CACHE:-/var/tmp/p2preach-cache}
SERIES=kernel-patch/series
LOG=build/logs/xe-check.log
JOBS=${JOBS:-$(nproc)}

say() { echo "  XE      $*"; }
die() { echo "build-xe: $*" >&2; exit 1; }

[[ -f $KERNEL_TARBALL ]] || die "$KERNEL_TARBALL missing (make deps)"
mapfile -t PATCHES < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SERIES")
SPARSE=$(scripts/build-sparse.sh)

inputs() {
	stat -c '%s %Y' "$KERNEL_TARBALL"
	kernel_source_version
	gcc --version | head -n1
	"$SPARSE" --version 2>&1 || true
	for p in "${PATCHES[@]}"; do cat "kernel-patch/$p"; done
	cat tests/vm/kernel.config tests/vm/xe.config "$0"
}
HASH=$(inputs | sha256sum | cut -c1-16)
STAMP=$CACHE/xe-check-$HASH.ok
mkdir -p "$CACHE" build/logs
if [[ -f $STAMP ]]; then
	say "up to date ($HASH)"
	exit 0
fi

TMP=$(mktemp -d "$CACHE/xe-check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
: >"$LOG"
start=$SECONDS
fail() {
	echo "build-xe: $* (log: $LOG); last lines:" >&2
	tail -n 30 "$LOG" >&2
	exit 1
}

say "unpacking and applying ${#PATCHES[@]} patches"
kernel_source_unpack "$TMP" >>"$LOG" 2>&1 || fail "unpack failed"
for p in "${PATCHES[@]}"; do
	patch -p1 --forward --batch -d "$TMP/src" <"kernel-patch/$p" >>"$LOG" 2>&1 ||
		fail "patch $p does not apply"
done

MAKEARGS=(-C "$TMP/src" O="$TMP/obj" -j"$JOBS")
if command -v ccache >/dev/null; then
	export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$TMP CCACHE_NOHASHDIR=1
	export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
	MAKEARGS+=(CC="ccache gcc")
fi
kmake() { nice -n 10 make "${MAKEARGS[@]}" "$@" >>"$LOG" 2>&1; }

say "configuring from tests/vm/kernel.config and tests/vm/xe.config"
# xe.config's settings replace the test config's (DRM is a module here).
xe_syms=$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p' tests/vm/xe.config | paste -sd'|')
grep -Ev "^($xe_syms)=" tests/vm/kernel.config | cat - tests/vm/xe.config >"$TMP/fragment.config"
kmake allnoconfig KCONFIG_ALLCONFIG="$TMP/fragment.config" || fail "allnoconfig failed"
for sym in CONFIG_DRM_XE=m CONFIG_DRM_GPUSVM=m CONFIG_DRM_XE_GPUSVM=y CONFIG_DRM_XE_PAGEMAP=y \
	CONFIG_PAGEMAP_REACH=y; do
	grep -qx "$sym" "$TMP/obj/.config" || die "the xe config lost $sym (missing dependencies?)"
done

say "building drivers/gpu/drm/ with W=1 (log: $LOG)"
kmake W=1 modules_prepare || fail "modules_prepare failed"
kmake W=1 drivers/gpu/drm/ || fail "drivers/gpu/drm/ does not build"

# The drm objects the series touches, again with sparse: those the build
# made (a test file that drm_gpusvm.c includes is no object of its own).
mapfile -t OBJS < <(for p in "${PATCHES[@]}"; do
	sed -n 's|^+++ b/\(drivers/gpu/drm/.*\)\.c$|\1.o|p' "kernel-patch/$p"
done | sort -u | while read -r o; do [[ -f $TMP/obj/$o ]] && echo "$o"; done)
if [[ ${#OBJS[@]} -gt 0 ]]; then
	say "sparse on ${#OBJS[@]} touched objects"
	for o in "${OBJS[@]}"; do touch "$TMP/src/${o%.o}.c"; done
	kmake W=1 C=2 CHECK="$SPARSE" "${OBJS[@]}" || fail "sparse build failed"
fi
warnings=$(grep -E '(warning|error):' "$LOG" || true)
[[ -z $warnings ]] || { echo "$warnings" >&2; die "W=1 or sparse warnings (log: $LOG)"; }

touch "$STAMP"
say "xe, drm_gpusvm and drm_pagemap build W=1 and sparse clean ($((SECONDS - start))s)"
