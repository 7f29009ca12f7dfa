#!/bin/bash
# run.sh N NAME DIR SECONDS: fuzz DIR/fuzz_NAME for SECONDS from a copy of
# tests/fuzz/corpus/NAME and print one TAP line numbered N. Fails on any
# crash, leak, timeout or sanitizer report; the input that did it is kept
# in DIR/artifacts/NAME/ and the output in DIR/NAME.log.
set -uo pipefail
cd "$(dirname "$0")/../.."
n=$1 name=$2 dir=$3 seconds=$4
bin=$dir/fuzz_$name
seeds=tests/fuzz/corpus/$name
work=$dir/work/$name
artifacts=$dir/artifacts/$name
log=$dir/$name.log

# A fresh copy each run: libFuzzer adds what it finds to its first corpus.
rm -rf "$work" "$artifacts"
mkdir -p "$work" "$artifacts"
cp "$seeds"/* "$work"/

opts=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
	-detect_leaks=1 -print_final_stats=1 -artifact_prefix="$artifacts/")
[[ -f tests/fuzz/$name.dict ]] && opts+=(-dict="tests/fuzz/$name.dict")
[[ -f tests/fuzz/$name.options ]] && read -ra more <tests/fuzz/$name.options &&
	opts+=("${more[@]}")

ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" "${opts[@]}" "$work" </dev/null >"$log" 2>&1
status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
crash=$(ls "$artifacts" 2>/dev/null | head -n 1)
if [[ $status -eq 0 && -z $crash && -n $runs ]]; then
	echo "ok $n - fuzz $name: $runs runs in $seconds s, no crash"
	exit 0
fi
echo "not ok $n - fuzz $name: status $status${crash:+, input $artifacts/$crash} (log: $log)"
grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*broken promise)' "$log" |
	head -n 5 | sed 's/^/# /'
exit 1
