#!/bin/bash
# Build the Debian root filesystem the boot test runs with systemd as init,
# once: it is cached under P2PREACH_CACHE, named by a hash of its inputs.
# Prints the directory.
set -euo pipefail
cd "$(dirname "$0")/../../.."
CACHE=${P2PREACH_CACHE:-/var/tmp/p2preach-cache}
SUITE=bookworm
# What a small server needs to boot with systemd, and the dependencies of
# the p2preach package, so that t-boot installs it with apt offline.
INCLUDE=systemd,systemd-sysv,udev,kmod,libelf1,zlib1g,libjson-c5,jq,procps
HASH=$( { echo "$SUITE $INCLUDE"; cat "$0" tests/vm/boot/overlay-init; } |
	sha256sum | cut -c1-16)
OUT=$CACHE/rootfs-$HASH
LOG=build/logs/rootfs.log

mkdir -p "$CACHE" build/logs
exec 9>"$OUT.lock"
flock 9
if [[ ! -f $OUT/.done ]]; then
	command -v mmdebstrap >/dev/null || { echo "mkrootfs: mmdebstrap missing (make deps)" >&2; exit 1; }
	echo "  ROOTFS  $SUITE with systemd (once; log: $LOG)" >&2
	rm -rf "$OUT.tmp"
	if ! mmdebstrap --quiet --variant=minbase --include="$INCLUDE" \
		"$SUITE" "$OUT.tmp" >"$LOG" 2>&1; then
		echo "mkrootfs: mmdebstrap failed; last lines of $LOG:" >&2
		tail -n 20 "$LOG" >&2
		exit 1
	fi
	# The root is a read-only 9p share: this init stacks a tmpfs on it
	# with overlayfs, then hands over to systemd.
	install -m 0755 tests/vm/boot/overlay-init "$OUT.tmp/sbin/overlay-init"
	echo p2preach-boot >"$OUT.tmp/etc/hostname"
	touch "$OUT.tmp/.done"
	rm -rf "$OUT"
	mv "$OUT.tmp" "$OUT"
fi
echo "$OUT"
