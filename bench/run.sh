#!/bin/bash
# make bench: boot three kernels in QEMU and measure; write bench/RESULTS.md
# and bench/decision-cost.svg from what the guests printed.
#
#   unpatched  hook overhead, baseline (same config, no series)
#   patched    hook overhead, the series with no policy attached
#   native     the series plus bench/kernel/: BPF policy against the same
#              matrix in C, decisions per peer read, peer reads against
#              reads of the device's own memory, benefit of peer access,
#              scale
#
# Knobs (environment): BENCH_NPAGES (pages per buffer), BENCH_REPS
# (repetitions, medians are reported), BENCH_LOOPS (decisions per loop),
# BENCH_SIZES (kernel id counts, 4 at least), BENCH_ROUNDS (VM boots per
# kernel for the overhead, and rounds of BPF and C taking turns) and
# BENCH_OVERHEAD_REPS (repetitions per boot for the overhead).
set -euo pipefail
cd "$(dirname "$0")/.."

export BENCH_NPAGES=${BENCH_NPAGES:-4096}
export BENCH_REPS=${BENCH_REPS:-9}
export BENCH_LOOPS=${BENCH_LOOPS:-500000}
export BENCH_SIZES=${BENCH_SIZES:-4 64 1024}
export BENCH_ROUNDS=${BENCH_ROUNDS:-9}
export BENCH_OVERHEAD_REPS=${BENCH_OVERHEAD_REPS:-25}
OUT=build/bench/results
rm -rf "$OUT"
mkdir -p "$OUT" build/logs
start=$SECONDS
# What was measured: the tree as the run starts.
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo -dirty)
# The guest cannot calibrate its TSC under TCG and would time in 4 ms
# jiffies; its TSC runs at the host's rate (see bench/tsc_khz.c).
CLOCK="tsc_early_khz=$(build/bench/tsc_khz) tsc=reliable"

# vm NAME KERNEL MEM SCRIPT TIMEOUT: run SCRIPT in the VM, keep its BENCH
# lines.
vm() {
	local name=$1 kernel=$2 mem=$3 script=$4 timeout=$5 t=$SECONDS
	echo "  BENCH   $name ($kernel)"
	if ! tests/vm/run --kernel "$kernel" --mem "$mem" --timeout "$timeout" --append "$CLOCK" \
		--log "build/logs/bench-$name.log" -- env BENCH_NPAGES="$BENCH_NPAGES" \
		BENCH_REPS="$BENCH_REPS" BENCH_LOOPS="$BENCH_LOOPS" BENCH_SIZES="$BENCH_SIZES" \
		BENCH_OVERHEAD_REPS="$BENCH_OVERHEAD_REPS" BENCH_ROUNDS="$BENCH_ROUNDS" "$script" >/dev/null; then
		echo "bench: the $name run failed; see build/logs/bench-$name.log" >&2
		tail -n 20 "build/logs/bench-$name.log" >&2
		exit 1
	fi
	sed -n 's/^BENCH //p' "build/logs/bench-$name.log" >"$OUT/$name.txt"
	echo "vm_seconds $((SECONDS - t))" >>"$OUT/$name.txt"
}

# Unpatched and patched take turns, so that load from elsewhere on the
# host falls on both alike; the report takes the median over the rounds.
for round in $(seq "$BENCH_ROUNDS"); do
	vm "unpatched-$round" build/kernel-unpatched 1024 bench/guest-overhead.sh 1500
	vm "patched-$round" build/kernel 1024 bench/guest-overhead.sh 1500
done
# The 1,024-id matrices (4 MiB each, a few alive at once) and the native
# module's dense per-CPU counters (64 MiB) need room.
vm native build/kernel-native 3072 bench/guest-policy.sh 3600

{
	echo "cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	echo "cores $(nproc)"
	echo "host_kernel $(uname -r)"
	echo "qemu $(qemu-system-x86_64 --version | head -n1)"
	echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "commit $COMMIT"
	echo "npages $BENCH_NPAGES"
	echo "reps $BENCH_REPS"
	echo "rounds $BENCH_ROUNDS"
	echo "overhead_reps $BENCH_OVERHEAD_REPS"
	echo "loops $BENCH_LOOPS"
	echo "sizes $BENCH_SIZES"
	echo "total_seconds $((SECONDS - start))"
} >"$OUT/machine.txt"

python3 bench/report.py "$OUT" bench/RESULTS.md "$OUT/decision-cost.dat"
gnuplot -e "data='$OUT/decision-cost.dat'; out='bench/decision-cost.svg'" bench/decision-cost.gp
echo "  BENCH   bench/RESULTS.md, bench/decision-cost.svg ($((SECONDS - start)) s)"
