#!/bin/sh
# The p2preach CLI loads, edits and detaches the policy, and test_hmm
# follows each edit.
R=$P2PREACH_ROOT/build
n=0 fails=0
check() {	# check NAME EXPECTED COMMAND...
	name=$1 want=$2
	shift 2
	n=$((n + 1))
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then
		echo "ok $n - cli: $name"
	else
		echo "not ok $n - cli: $name: got '$got', want '$want'"
		fails=$((fails + 1))
	fi
}
probe() { "$R/tests/peer_access" probe "$1" "$2"; }

check "load attaches and pins the policy" \
	"policy attached, pinned under /sys/fs/bpf/p2preach" "$R/p2preach" load
check "a second load is refused" \
	"p2preach: a policy is already pinned at /sys/fs/bpf/p2preach/link" "$R/p2preach" load
check "nothing allowed yet" none probe hmm_dmirror1 hmm_dmirror0
check "allow rw" "hmm_dmirror1 -> hmm_dmirror0: rw" \
	"$R/p2preach" allow hmm_dmirror1 hmm_dmirror0
check "test_hmm follows allow rw" remote-rw probe hmm_dmirror1 hmm_dmirror0
check "the other direction stays denied" none probe hmm_dmirror0 hmm_dmirror1
check "allow read" "hmm_dmirror1 -> hmm_dmirror0: read" \
	"$R/p2preach" allow hmm_dmirror1 hmm_dmirror0 read
check "test_hmm follows allow read" remote-read probe hmm_dmirror1 hmm_dmirror0
check "show lists the pairs" "hmm_dmirror1 -> hmm_dmirror0: read
hmm_dmirror0 -> hmm_dmirror1: deny" "$R/p2preach" show
check "bad access mode is refused" \
	"p2preach: bad access 'sideways' (read or rw)" \
	"$R/p2preach" allow hmm_dmirror1 hmm_dmirror0 sideways
check "the policy is unchanged after a bad command" remote-read \
	probe hmm_dmirror1 hmm_dmirror0
check "deny" "hmm_dmirror1 -> hmm_dmirror0: deny" \
	"$R/p2preach" deny hmm_dmirror1 hmm_dmirror0
check "test_hmm follows deny" none probe hmm_dmirror1 hmm_dmirror0
"$R/p2preach" allow hmm_dmirror1 hmm_dmirror0 >/dev/null
check "detach" "policy detached" "$R/p2preach" detach
check "detached: default behaviour" none probe hmm_dmirror1 hmm_dmirror0
[ $fails -eq 0 ]
