#!/bin/sh
# The example policy of another shape, "deny all but listed pairs",
# registered and edited with plain bpftool, by the ids sysfs lists.
. "$P2PREACH_ROOT/tests/vm/lib.sh"
T=examples
D0=hmm_dmirror0 D1=hmm_dmirror1
C0=$(id_of $D0 client) P0=$(id_of $D0 provider)
C1=$(id_of $D1 client) P1=$(id_of $D1 provider)

# register NAME: with bpftool, which pins the link under /sys/fs/bpf/NAME.
register() {
	$BT struct_ops register $R/bpf/$1.bpf.o /sys/fs/bpf/$1 2>&1 | sed 's/ map id .*//'
}
check "bpftool registers the allowlist example" \
	"Registered pagemap_reach_ops allowlist" register allowlist
check "nothing listed: denied" none probe $D1 $D0
$BT map update name p2p_allow key $(bytes4 $C1) $(bytes4 $P0) value 2 0 0 0
check "a listed pair, rw" remote-rw probe $D1 $D0
check "the reverse is not listed: denied" none probe $D0 $D1
$BT map update name p2p_allow key $(bytes4 $C1) $(bytes4 $P0) value 1 0 0 0
check "a listed pair, read" remote-read probe $D1 $D0
$BT map update name p2p_allow key $(bytes4 $C1) $(bytes4 $P0) value 7 0 0 0
check "a value that is no verdict: denied" none probe $D1 $D0
$BT map delete name p2p_allow key $(bytes4 $C1) $(bytes4 $P0)
check "unlisted again: denied" none probe $D1 $D0
check "status sees the kernel's policy" "allowlist" \
	sh -c "$P status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"kernel\"][\"policy\"])'"
$BT link detach pinned /sys/fs/bpf/allowlist/allowlist && rm -r /sys/fs/bpf/allowlist
finish
