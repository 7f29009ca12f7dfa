#!/bin/bash
# make deb-kernel [KCONFIG=FILE]: the patched kernel as Debian packages for
# a real machine, made by the kernel's own bindeb-pkg from the admin's
# configuration, by default the running kernel's (/boot/config-$(uname -r)),
# brought to this kernel with olddefconfig and with CONFIG_PAGEMAP_REACH
# set. Leaves in build/deb/:
#   linux-image-VERSION-p2preach_*.deb    the kernel and its modules
#   linux-headers-VERSION-p2preach_*.deb  for out-of-tree drivers (DKMS)
# No -dbg package. A distribution config builds thousands of modules:
# hours on 2 cores. The tree stays under P2PREACH_CACHE/deb-kernel, so a
# second run rebuilds only what changed.
#
#   packaging/deb-kernel.sh [CONFIG]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/kernel-source.sh

CONFIG=${1:-/boot/config-$(uname -r)}
TARBALL=$KERNEL_TARBALL
CACHE=${P2PREACH_CACHE:-/var/tmp/p2preach-cache}
WORK=$CACHE/deb-kernel
SERIES=kernel-patch/series
OUT=build/deb
LOG=build/logs/deb-kernel.log
JOBS=${JOBS:-$(nproc)}
# Tells this kernel from the distribution's in uname -r and /boot.
LOCALVERSION=${P2PREACH_LOCALVERSION:--p2preach}

say() { echo "  DEBKERN $*"; }
die() { echo "deb-kernel: $*" >&2; exit 1; }
fail() {
	echo "deb-kernel: $* failed; last lines of $LOG:" >&2
	tail -n 30 "$LOG" >&2
	exit 1
}

[[ -f $CONFIG ]] || die "no kernel config $CONFIG (make deb-kernel KCONFIG=FILE)"
CONFIG=$(readlink -f "$CONFIG")
grep -q '^CONFIG_' "$CONFIG" || die "$CONFIG is not a kernel config"
[[ -f $TARBALL ]] || die "$TARBALL missing (make deps)"
command -v dh_testdir >/dev/null || die "debhelper missing (make deps)"
mapfile -t PATCHES < <(sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$SERIES" | grep -v '^$')

mkdir -p "$WORK" "$OUT" build/logs
: >"$LOG"
exec 9>"$WORK.lock"
flock -n 9 || die "another deb-kernel build runs in $WORK"

# The patched source, unpacked again only when the tarball or the series
# changed (the stamp holds a hash of both).
stamp=$( { stat -c '%s %Y' "$TARBALL"; kernel_source_version; for p in "${PATCHES[@]}"; do cat "kernel-patch/$p"; done; } |
	sha256sum | cut -c1-16)
if [[ ! -f $WORK/src/.p2preach-series || $(cat "$WORK/src/.p2preach-series") != "$stamp" ]]; then
	say "unpacking $(basename "$TARBALL") and applying ${#PATCHES[@]} patches"
	rm -rf "$WORK/src"
	kernel_source_unpack "$WORK" >>"$LOG" 2>&1 || fail "unpack"
	for p in "${PATCHES[@]}"; do
		patch -p1 --forward --batch -d "$WORK/src" <"kernel-patch/$p" >>"$LOG" 2>&1 ||
			fail "patch $p"
	done
	echo "$stamp" >"$WORK/src/.p2preach-series"
fi

MAKEARGS=(-C "$WORK/src" O="$WORK/obj" -j"$JOBS" LOCALVERSION="$LOCALVERSION")
if command -v ccache >/dev/null; then
	export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$WORK CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
	MAKEARGS+=(CC="ccache gcc")
fi
kmake() { nice -n 10 make "${MAKEARGS[@]}" "$@" >>"$LOG" 2>&1; }

say "configuring from $CONFIG"
mkdir -p "$WORK/obj"
cp "$CONFIG" "$WORK/obj/.config"
# Distribution configs name certificate files that only the distribution's
# build has (Debian: debian/certs/...): trust only the kernel's own.
"$WORK/src/scripts/config" --file "$WORK/obj/.config" \
	--enable PAGEMAP_REACH \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--set-str LOCALVERSION ""
kmake olddefconfig || fail "olddefconfig"
if ! grep -qx 'CONFIG_PAGEMAP_REACH=y' "$WORK/obj/.config"; then
	missing=$(for s in DEVICE_PRIVATE BPF_SYSCALL BPF_JIT DEBUG_INFO_BTF; do
		grep -qx "CONFIG_$s=y" "$WORK/obj/.config" || echo "CONFIG_$s"; done)
	die "CONFIG_PAGEMAP_REACH cannot be set: it needs" $missing
fi

say "building (log: $LOG; hours for a distribution config)"
rm -f "$WORK"/*.deb "$WORK"/*.buildinfo "$WORK"/*.changes
DEB_BUILD_PROFILES=pkg.linux-upstream.nokerneldbg \
	kmake bindeb-pkg KDEB_CHANGELOG_DIST=bookworm DPKG_FLAGS=-d || fail "bindeb-pkg"
rm -f "$WORK"/linux-libc-dev_*.deb
compgen -G "$WORK/linux-image-*.deb" >/dev/null || fail "bindeb-pkg (no linux-image package)"
shopt -s nullglob
for d in "$WORK"/linux-image-*.deb "$WORK"/linux-headers-*.deb; do
	mv "$d" "$OUT/"
	say "$OUT/$(basename "$d")"
done
say "install with: apt install ./$OUT/linux-image-*${LOCALVERSION}_*.deb; then reboot into it"
