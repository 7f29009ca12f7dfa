#!/bin/bash
# Build the test kernel: Debian's linux-source-7.3 + kernel-patch/series +
# tests/vm/kernel.config. The result lives in a cache directory named by a
# hash of all inputs, so an unchanged tree never rebuilds; build/kernel
# points at it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/kernel-source.sh

TARBALL=$KERNEL_TARBALL
CACHE=${P2PREACH_CACHE:-/var/tmp/p2preach-cache}
FRAGMENT=tests/vm/kernel.config
LINK=build/kernel
# Variants, each cached on its own and linked as build/kernel-VARIANT:
#   kasan      adds tests/vm/kasan.config
#   unpatched  the same config without the series (bench: hook overhead)
#   native     the series plus bench/kernel/*.patch, keeping what external
#              modules need (bench: BPF against a policy written in C)
VARIANT=${1:-}
EXTRA=()
case $VARIANT in
"") ;;
kasan | unpatched) LINK=build/kernel-$VARIANT ;;
native)
	LINK=build/kernel-native
	EXTRA=(bench/kernel/*.patch)
	;;
*) echo "usage: $0 [kasan|unpatched|native]" >&2; exit 2 ;;
esac
SERIES=kernel-patch/series
LOG=build/logs/kernel${1:+-$1}.log
JOBS=${JOBS:-$(nproc)}
KEEP=${P2PREACH_KEEP_KERNELS:-4}	# cached kernels kept besides the current one

say() { echo "  KERNEL  $*"; }
die() { echo "build-kernel: $*" >&2; exit 1; }

# Patch names from the series file: one per line, '#' starts a comment.
patches() {
	[[ -f $SERIES && $VARIANT != unpatched ]] || return 0
	sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$SERIES" |
		grep -v '^$' || true
}

# The config fragment: the test kernel's, plus the variant's.
fragment() {
	case $VARIANT in
	# Without the series the hook's and its KUnit test's symbols do not
	# exist.
	unpatched) grep -Ev '^CONFIG_(PAGEMAP_REACH|DRM_GPUSVM_KUNIT_TEST)=' "$FRAGMENT" ;;
	*) cat "$FRAGMENT" ;;
	esac
	[[ ! -f tests/vm/$VARIANT.config ]] || cat "tests/vm/$VARIANT.config"
}

[[ -f $TARBALL ]] || die "$TARBALL missing (make deps)"
[[ -f $FRAGMENT ]] || die "$FRAGMENT missing"
mapfile -t PATCHES < <(patches)
for p in "${PATCHES[@]}"; do
	[[ -f kernel-patch/$p ]] || die "$SERIES lists $p, which does not exist"
done

# Everything that can change the result goes into the hash.
inputs() {
	stat -c '%s %Y' "$TARBALL"
	kernel_source_version
	gcc --version | head -n1
	pahole --version
	for p in "${PATCHES[@]}"; do
		echo "== $p"
		cat "kernel-patch/$p"
	done
	for p in "${EXTRA[@]}"; do
		echo "== $p"
		cat "$p"
	done
	echo "== config"
	fragment
	echo "== script"
	cat "$0" scripts/kernel-source.sh
}
HASH=$(inputs | sha256sum | cut -c1-16)${VARIANT:+-$VARIANT}
OUT=$CACHE/kernel-$HASH

mkdir -p "$CACHE" build/logs
link() { ln -sfn "$OUT" "$LINK"; }

# One build per hash at a time; a second caller waits and then finds it done.
exec 9>"$OUT.lock"
flock 9
if [[ -f $OUT/bzImage ]]; then
	link
	say "up to date ($HASH)"
	exit 0
fi

# Build in a scratch directory renamed into place only on success, so an
# interrupted build never looks cached.
rm -rf "$OUT".tmp.*
TMP=$OUT.tmp.$$
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP"
: >"$LOG"
start=$SECONDS

fail() {
	echo "build-kernel: $* failed; last lines of $LOG:" >&2
	tail -n 40 "$LOG" >&2
	exit 1
}

say "unpacking $(basename "$TARBALL")"
kernel_source_unpack "$TMP" >>"$LOG" 2>&1 || fail "unpack"

if [[ ${#PATCHES[@]} -gt 0 ]]; then
	say "applying ${#PATCHES[@]} patches"
	for p in "${PATCHES[@]}"; do
		echo "== patch $p" >>"$LOG"
		patch -p1 --forward --batch -d "$TMP/src" \
			<"kernel-patch/$p" >>"$LOG" 2>&1 || fail "patch $p"
	done
fi
for p in "${EXTRA[@]}"; do
	say "applying $p"
	patch -p1 --forward --batch -d "$TMP/src" <"$p" >>"$LOG" 2>&1 || fail "patch $p"
done

# ccache makes rebuilds after a small patch change cheap. The cache is
# shared across build directories, so paths must not enter its hash.
MAKEARGS=(-C "$TMP/src" O="$TMP/obj" -j"$JOBS")
if command -v ccache >/dev/null; then
	export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$TMP CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	# Kbuild passes the source path in this option; keep it out of the hash.
	export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
	MAKEARGS+=(CC="ccache gcc")
fi
# Fixed build identity: reproducible, and keeps ccache hits. A fixed
# version (#1) also lets bindeb-pkg below reuse the linked kernel.
export KBUILD_BUILD_TIMESTAMP="@$(stat -c %Y "$TARBALL")"
export KBUILD_BUILD_USER=p2preach KBUILD_BUILD_HOST=p2preach KBUILD_BUILD_VERSION=1
kmake() { nice -n 10 make "${MAKEARGS[@]}" "$@" >>"$LOG" 2>&1; }

say "configuring from $FRAGMENT"
fragment >"$TMP/fragment.config"
kmake allnoconfig KCONFIG_ALLCONFIG="$TMP/fragment.config" || fail "allnoconfig"
kmake olddefconfig || fail "olddefconfig"

# Kconfig silently drops symbols whose dependencies are not met: insist
# that every setting in the fragment made it into the final config.
bad=0
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
		want=$line
		sym=${BASH_REMATCH[1]}
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		want=$line
		sym=${BASH_REMATCH[1]}
	else
		continue
	fi
	got=$(grep -E "^($sym=|# $sym is not set)" "$TMP/obj/.config" || true)
	# An absent symbol is "not set" as far as the kernel is concerned.
	[[ -z $got && $want == "# "* ]] && continue
	if [[ $got != "$want" ]]; then
		echo "build-kernel: $sym: fragment wants '$want', got '${got:-absent}'" >&2
		bad=1
	fi
done <"$TMP/fragment.config"
[[ $bad -eq 0 ]] || die "$FRAGMENT does not apply cleanly (missing dependencies?)"

say "building bzImage and modules (log: $LOG)"
kmake bzImage modules || fail "kernel build"
say "installing headers"
kmake headers_install INSTALL_HDR_PATH="$TMP/headers" || fail "headers_install"

# The test kernel as a Debian package too (t-boot installs it), made by the
# kernel's own bindeb-pkg from the objects just built: its revision is
# the build's version, so nothing is compiled or linked again. No headers
# or -dbg package; the linux-image-*.deb stays next to bzImage.
if [[ -z $VARIANT ]]; then
	say "packaging linux-image (bindeb-pkg)"
	command -v dh_testdir >/dev/null || die "debhelper missing (make deps)"
	kver=$(make -s "${MAKEARGS[@]}" kernelversion)
	DEB_BUILD_PROFILES="pkg.linux-upstream.nokernelheaders pkg.linux-upstream.nokerneldbg" \
		kmake bindeb-pkg KDEB_PKGVERSION="$kver-$KBUILD_BUILD_VERSION" \
		KDEB_CHANGELOG_DIST=bookworm DPKG_FLAGS=-d || fail "bindeb-pkg"
	rm -f "$TMP"/*.buildinfo "$TMP"/*.changes "$TMP"/linux-libc-dev_*.deb
	compgen -G "$TMP/linux-image-*.deb" >/dev/null || fail "bindeb-pkg (no linux-image package)"
fi

cp "$TMP/obj/arch/x86/boot/bzImage" "$TMP/obj/vmlinux" "$TMP/obj/lib/test_hmm.ko" "$TMP/"
cp "$TMP/obj/.config" "$TMP/config"
# Objects are not needed once the artefacts are out; they are large.
# The native variant keeps the rest of obj/ (config, generated headers,
# scripts, tools, Module.symvers, vmlinux for module BTF) so that
# out-of-tree modules build against it with make -C src O=obj M=DIR.
if [[ $VARIANT == native ]]; then
	find "$TMP/obj" \( -path "$TMP/obj/scripts" -o -path "$TMP/obj/tools" \) -prune -o \
		-type f \( -name '*.o' -o -name '*.a' -o -name '*.ko' \) -print0 |
		xargs -0 rm -f
else
	rm -rf "$TMP/obj"
fi
mv "$TMP" "$OUT"
trap - EXIT
link
say "built $HASH in $((SECONDS - start))s"

# Drop the oldest cached kernels of this variant (grep finds nothing when
# this is the only one), so that building one variant never evicts another.
{ ls -1dt "$CACHE"/kernel-* 2>/dev/null |
	grep -E "/kernel-[0-9a-f]{16}${VARIANT:+-$VARIANT}\$" |
	grep -vxF "$OUT" || true; } | tail -n +$((KEEP + 1)) | while read -r old; do
	rm -rf "$old" "$old.lock"
done
exit 0
