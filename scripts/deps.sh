#!/bin/bash
# Install the Debian packages the build and the VM tests need.
# Only touches apt when something is missing, so repeat runs are cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

# qemu-system-x86 is installed without recommends (no GUI stack).
PACKAGES="linux-source-7.3 clang-19 llvm-19 lld-19 dwarves flex bison bc
libelf-dev libssl-dev zlib1g-dev libzstd-dev cpio kmod libcap-dev
libcmocka-dev libjson-c-dev python3 busybox-static gcc make patch xz-utils rsync ccache
pkg-config python3-ply python3-git qemu-system-x86 mmdebstrap groff-base
libclang-rt-19-dev gnuplot-nox debhelper lintian dpkg-dev prometheus"

# linux-source-7.3 comes from trixie-backports. Reach that suite through
# the archive this machine already uses (its URIs, never a host of ours);
# the bookworm keyring verifies it. Backports are NotAutomatic, so nothing
# else is taken from there.
BACKPORTS=/etc/apt/sources.list.d/p2preach-trixie-backports.sources
add_backports() {
	[[ -f $BACKPORTS ]] && return 0
	local uris
	uris=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	if [[ -z $uris ]]; then
		uris=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' \
			/etc/apt/sources.list 2>/dev/null || true)
	fi
	[[ -n $uris ]] || { echo "deps: no Debian apt source to reuse for trixie-backports" >&2; exit 1; }
	printf 'Types: deb\nURIs: %s\nSuites: trixie-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uris" | "${as_root[@]}" tee "$BACKPORTS" >/dev/null
}

missing=()
for p in $PACKAGES; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $st == ii* ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "  DEPS    installing: ${missing[*]}"
mkdir -p build/logs
LOG=build/logs/deps.log
as_root=(env DEBIAN_FRONTEND=noninteractive)
[[ $(id -u) -eq 0 ]] || as_root=(sudo "${as_root[@]}")
add_backports
if ! { "${as_root[@]}" apt-get update -qq &&
	"${as_root[@]}" apt-get install -y -qq --no-install-recommends \
		-o Dpkg::Use-Pty=0 "${missing[@]}"; } </dev/null >"$LOG" 2>&1; then
	echo "deps: apt-get failed; last lines of $LOG:" >&2
	tail -n 20 "$LOG" >&2
	exit 1
fi
