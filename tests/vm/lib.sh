# Helpers for the VM test scripts (sourced): TAP lines, assertions, and a
# probe of what test_hmm does for a pair.
R=$P2PREACH_ROOT/build
P=$R/p2preach
BT=$R/tools/bpftool
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

# id_of DEV_NAME ROLE: the id sysfs lists for that device in that role
# (client, or provider: its first).
IDS=/sys/kernel/mm/pagemap_reach/devices
id_of() {
	for d in $IDS/*; do
		[ "$(cat $d/dev_name)" = "$1" ] && [ "$(cat $d/role)" = "$2" ] &&
			[ "$2" = client -o "$(cat $d/index)" = 0 ] && basename $d
	done
}

# bytes4 N: N as the four little-endian bytes of a map key or value, for bpftool.
bytes4() { echo $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }

# pinned_cell CELL: the verdict in that cell of the matrix p2preach pins.
pinned_cell() {
	$BT -j map lookup pinned /sys/fs/bpf/p2preach/matrix key $(bytes4 $1) |
		python3 -c 'import json,sys; v = json.load(sys.stdin)["value"]; print(int(v[0], 0) if isinstance(v, list) else v)'
}

# matrix_dump: "CELL VERDICT" for every cell of the matrix p2preach pins.
matrix_dump() {
	$BT -j map dump pinned /sys/fs/bpf/p2preach/matrix | python3 -c 'import json,sys
n = lambda x: int.from_bytes(bytes(int(b, 0) for b in x), "little") if isinstance(x, list) else x
for e in json.load(sys.stdin):
    print(n(e["key"]), n(e["value"]))'
}

# matrix_diff A B: "CELL OLD NEW" for each cell that differs between two dumps.
matrix_diff() {
	python3 -c 'import sys
a, b = (dict(l.split() for l in open(f)) for f in sys.argv[1:3])
print(" ".join("%s %s %s" % (k, a[k], b.get(k)) for k in a if a[k] != b.get(k)))' "$1" "$2"
}

# probe CLIENT PROVIDER: remote-rw, remote-read or none.
probe() { "$R/tests/peer_access" probe "$1" "$2"; }

finish() { [ $fails -eq 0 ]; }
