#!/bin/bash
# sparse for `make C=2` on the series. Linux 7.3's checker test needs
# __typeof_unqual__, which bookworm's sparse 0.6.4 lacks, and the newer
# Debian binary needs glibc 2.38; so build sid's source package here, once.
# Prints the path of the sparse binary.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${P2PREACH_CACHE:-/var/tmp/p2preach-cache}
OUT=$CACHE/sparse
LOG=$PWD/build/logs/sparse.log
mkdir -p build/logs "$OUT"

if [[ -x $OUT/bin/sparse ]]; then
	echo "$OUT/bin/sparse"
	exit 0
fi

# A private apt configuration with sid's deb-src, on the archive this
# machine already uses; the system's sources stay as they are.
uris=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' \
	/etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[[ -n $uris ]] || { echo "build-sparse: no Debian apt source to reuse" >&2; exit 1; }
APT=$OUT/apt
rm -rf "$APT" "$OUT/src"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/parts" "$OUT/src"
printf 'Types: deb-src\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
	"$uris" >"$APT/parts/sid-src.sources"
opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$APT/parts"
	-o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache")
{
	apt-get -q "${opts[@]}" update &&
		(cd "$OUT/src" && apt-get -q "${opts[@]}" source --download-only sparse)
} >"$LOG" 2>&1 || { echo "build-sparse: cannot fetch sid's sparse source (log: $LOG)" >&2; exit 1; }
tar -xzf "$OUT"/src/sparse_*.orig.tar.gz -C "$OUT/src"
dir=$(find "$OUT/src" -maxdepth 1 -type d -name 'sparse-*' | head -n1)
make -C "$dir" -j"$(nproc)" sparse HAVE_LIBXML=no HAVE_SQLITE=no HAVE_GTK=no \
	HAVE_LLVM=no >>"$LOG" 2>&1 || { echo "build-sparse: build failed (log: $LOG)" >&2; exit 1; }
install -D -m 0755 "$dir/sparse" "$OUT/bin/sparse"
rm -rf "$APT"
echo "$OUT/bin/sparse"
