#!/bin/bash
# Build libbpf (static) and bpftool from the test kernel's own tree, the
# vmlinux.h of the patched kernel, upstream hmm-tests against the kernel's
# UAPI headers, and the series' own kselftests. Rebuilt only when
# build/kernel changes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KDIR=$(readlink -f build/kernel)
SRC=$KDIR/src
OUT=$ROOT/build/tools
LOG=$ROOT/build/logs/tools.log
STAMP=$OUT/.kernel
KSFT=$ROOT/build/selftests/pagemap_reach
JOBS=${JOBS:-$(nproc)}

say() { echo "  TOOLS   $*"; }
fail() {
	echo "build-tools: $* failed; last lines of $LOG:" >&2
	tail -n 30 "$LOG" >&2
	exit 1
}
[[ -d $SRC ]] || { echo "build-tools: no kernel tree (make kernel)" >&2; exit 1; }
if [[ -f $STAMP && $(cat "$STAMP") == "$KDIR" && -x $OUT/bpftool &&
      -f $OUT/lib/libbpf.a && -x $ROOT/build/hmm-tests &&
      -f $ROOT/build/vmlinux.h && -x $KSFT/pagemap_reach ]]; then
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT" build/logs
: >"$LOG"

mkdir -p "$OUT/libbpf" "$OUT/bpftool-build"
say "libbpf (static, from $(basename "$KDIR"))"
make -C "$SRC/tools/lib/bpf" -j"$JOBS" OUTPUT="$OUT/libbpf/" \
	BUILD_STATIC_ONLY=1 DESTDIR="$OUT" prefix= LIBSUBDIR=lib \
	libdir_relative=lib install >>"$LOG" 2>&1 || fail "libbpf"

say "bpftool"
make -C "$SRC/tools/bpf/bpftool" -j"$JOBS" OUTPUT="$OUT/bpftool-build/" \
	CLANG=clang-19 LLC=llc-19 LLVM_STRIP=llvm-strip-19 \
	>>"$LOG" 2>&1 || fail "bpftool"
cp "$OUT/bpftool-build/bpftool" "$OUT/bpftool"

say "vmlinux.h from the patched kernel's BTF"
"$OUT/bpftool" btf dump file "$KDIR/vmlinux" format c >"$ROOT/build/vmlinux.h.tmp" ||
	fail "vmlinux.h"
mv "$ROOT/build/vmlinux.h.tmp" "$ROOT/build/vmlinux.h"

say "hmm-tests (upstream selftest, static)"
(cd "$SRC/tools/testing/selftests/mm" &&
	gcc -Wall -O2 -static -U_FORTIFY_SOURCE -I "$SRC" \
		-I "$SRC/tools/testing/selftests" \
		-isystem "$KDIR/headers/include" hmm-tests.c vm_util.c \
		hugepage_settings.c -lrt -lpthread -lm \
		-o "$ROOT/build/hmm-tests") >>"$LOG" 2>&1 ||
	fail "hmm-tests"

# Built by its own kselftest Makefile, as upstream would; only the output
# directory and the BTF source are ours. The kernel tree stays untouched.
say "kselftests (tools/testing/selftests/pagemap_reach)"
rm -rf "$KSFT"
mkdir -p "$KSFT"
make -C "$SRC/tools/testing/selftests/pagemap_reach" -j"$JOBS" \
	OUTPUT="$KSFT" VMLINUX_BTF="$KDIR/vmlinux" CLANG=clang-19 \
	BPFTOOL="$OUT/bpftool" >>"$LOG" 2>&1 || fail "kselftests"
cp "$SRC/tools/testing/selftests/pagemap_reach/run_tests.sh" "$KSFT/"

echo "$KDIR" >"$STAMP"
