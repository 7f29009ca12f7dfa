#!/bin/sh
# The two example policies, registered and edited with plain bpftool, by
# the ids sysfs lists: "deny all but listed pairs" and "same PCIe switch
# only", whose topology map p2preach fills from sysfs (a PCIe switch with
# two endpoints here).
# vm-args: --pci-switch
. "$P2PREACH_ROOT/tests/vm/lib.sh"
T=examples
D0=hmm_dmirror0 D1=hmm_dmirror1
C0=$(id_of $D0 client) P0=$(id_of $D0 provider)
C1=$(id_of $D1 client) P1=$(id_of $D1 provider)

# --- deny all but listed pairs
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

# --- same PCIe switch only
check_json "topology: two endpoints share the switch, nothing else does" \
	'len([d for d in j if d["switch"]]) == 2 and len(set(d["switch"] for d in j if d["switch"])) == 1' \
	$P topology --json
check_fails "fill without the example loaded says so" 1 \
	"p2preach: the same_switch example policy is not loaded (bpftool struct_ops register same_switch.bpf.o DIR)" \
	$P topology fill
check "bpftool registers the same_switch example" \
	"Registered pagemap_reach_ops same_switch" register same_switch
# The switch's endpoints have no driver that registers ids: nothing to fill.
check "p2preach fills its topology map from sysfs, by id" "0 ids of 0 devices behind a PCIe switch" \
	$P topology fill
check "test_hmm devices are on no switch: denied" none probe $D1 $D0
# test_hmm's devices are not PCI: put their ids on one switch by hand.
for id in $C0 $P0 $C1 $P1; do
	$BT map update name p2p_topology key $(bytes4 $id) value 0 1 0 0
done
check "same switch: rw one way" remote-rw probe $D1 $D0
check "same switch: rw the other way" remote-rw probe $D0 $D1
$BT map update name p2p_topology key $(bytes4 $P0) value 0 2 0 0
check "different switches: denied" none probe $D1 $D0
check "a fill puts them back on no switch" "none none" \
	sh -c "$P topology fill >/dev/null; echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
$BT link detach pinned /sys/fs/bpf/same_switch/same_switch && rm -r /sys/fs/bpf/same_switch
finish
