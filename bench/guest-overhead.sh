#!/bin/sh
# In the VM, no policy attached: overhead NPAGES REPS, as BENCH lines.
BB=$P2PREACH_ROOT/build/bench
echo "BENCH kernel $(uname -r)"
"$BB/overhead" "$BENCH_NPAGES" "$BENCH_OVERHEAD_REPS" | sed 's/^/BENCH /'
