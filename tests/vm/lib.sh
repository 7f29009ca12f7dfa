# Helpers for the VM test scripts (sourced): TAP lines, assertions, and a
# probe of what test_hmm does for a pair.
R=$P2PREACH_ROOT/build
P=$R/p2preach
n=0 fails=0

ok() { n=$((n + 1)); echo "ok $n - $T: $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $T: $1"; fails=$((fails + 1)); }

# check NAME EXPECTED COMMAND...: combined output must equal EXPECTED.
check() {
	name=$1 want=$2
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then ok "$name"; else
		not_ok "$name: got '$got', want '$want'"; fi
}

# check_fails NAME STATUS EXPECTED COMMAND...: exit status and stderr.
check_fails() {
	name=$1 status=$2 want=$3
	shift 3
	got=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq "$status" ] && [ "$got" = "$want" ]; then ok "$name"; else
		not_ok "$name: status $rc, stderr '$got'; want $status, '$want'"; fi
}

# check_json NAME PYTHON-EXPR COMMAND...: stdout parses as JSON and the
# expression over it (as j) is true.
check_json() {
	name=$1 expr=$2
	shift 2
	out=$("$@" 2>&1)
	if printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($expr) else 1)" 2>/dev/null; then
		ok "$name"
	else
		not_ok "$name: '$expr' is false for: $out"
	fi
}

# probe CLIENT PROVIDER: remote-rw, remote-read or none.
probe() { "$R/tests/peer_access" probe "$1" "$2"; }

finish() { [ $fails -eq 0 ]; }
