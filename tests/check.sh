#!/bin/bash
# Run every test and end with one line: "N passed, N failed, N skipped".
# Each VM test script boots the patched kernel once; its "ok"/"not ok"
# lines are collected from the guest console.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/logs

passed=0 failed=0 skipped=0
skips=()

# tally NAME LOGFILE STATUS: count TAP lines, and a failed run with no
# failing line counts as one failure of its own.
tally() {
	local name=$1 log=$2 status=$3 p f s
	p=$(grep -Ec '^ok [0-9]+ ' "$log" || true)
	s=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$log" || true)
	f=$(grep -Ec '^not ok [0-9]+ ' "$log" || true)
	p=$((p - s))
	while IFS= read -r line; do skips+=("$name: ${line#ok }"); done \
		< <(grep -E '^ok [0-9]+ .*# SKIP' "$log" || true)
	if [[ $status -ne 0 && $f -eq 0 ]]; then
		echo "not ok - $name: run failed with status $status (log: $log)"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# Host steps: make TARGET, its TAP lines tallied. unit-san is the unit
# tests again under ASan and UBSan; fuzz runs each libFuzzer harness for
# FUZZ_SECONDS (30 s by default) and prints one line per harness.
for step in unit unit-san fuzz; do
	log=build/logs/$step.log
	echo "=== $step"
	make -s "$step" >"$log" 2>&1
	status=$?
	if [[ $step == fuzz ]]; then
		grep -E '^(not )?ok |^# ' "$log"
	else
		grep -E '^not ok ' "$log"
	fi
	tally "$step" "$log" $status
done

for t in tests/vm/t-*.sh; do
	name=$(basename "$t" .sh)
	log=build/logs/$name.log
	echo "=== $name"
	# A test that boots its own VM (another root, another init) says
	# "# vm: host" and runs on the host.
	if grep -qx '# vm: host' "$t"; then
		"$t" >"$log" 2>&1
		status=$?
		grep -E '^(not )?ok |^# |^vm:' "$log"
		tally "$name" "$log" $status
		continue
	fi
	# A test script may ask for VM options on a "# vm-args:" line.
	read -ra args < <(sed -n 's/^# vm-args: *//p' "$t")
	tests/vm/run "${args[@]}" --log "$log" -- "$t" | grep -E '^(not )?ok |^# |^vm:'
	tally "$name" "$log" "${PIPESTATUS[0]}"
done

if [[ ${#skips[@]} -gt 0 ]]; then
	echo "=== skipped"
	printf '  %s\n' "${skips[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 && $passed -gt 0 ]]
