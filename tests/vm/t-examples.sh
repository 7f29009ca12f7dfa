#!/bin/sh
# The two example policies, registered and edited with plain bpftool:
# "deny all but listed pairs" and "same PCIe switch only", whose topology
# map p2preach fills from sysfs (a PCIe switch with two endpoints here).
# vm-args: --pci-switch
. "$P2PREACH_ROOT/tests/vm/lib.sh"
T=examples
BT=$R/tools/bpftool
D0=hmm_dmirror0 D1=hmm_dmirror1

# A dev_name as the 64 zero-padded bytes of a map key, for bpftool.
hexname() {
	printf '%s' "$1" | od -An -tx1 -v | tr -s ' \n' ' '
	i=$(printf '%s' "$1" | wc -c)
	while [ $i -lt 64 ]; do printf ' 00'; i=$((i + 1)); done
}

# --- deny all but listed pairs
# register NAME: with bpftool, which pins the link under /sys/fs/bpf/NAME.
register() {
	$BT struct_ops register $R/bpf/$1.bpf.o /sys/fs/bpf/$1 2>&1 | sed 's/ map id .*//'
}
check "bpftool registers the allowlist example" \
	"Registered pagemap_reach_ops allowlist" register allowlist
check "nothing listed: denied" none probe $D1 $D0
$BT map update name p2p_allow key hex $(hexname $D1) $(hexname $D0) value 2 0 0 0
check "a listed pair, rw" remote-rw probe $D1 $D0
check "the reverse is not listed: denied" none probe $D0 $D1
$BT map update name p2p_allow key hex $(hexname $D1) $(hexname $D0) value 1 0 0 0
check "a listed pair, read" remote-read probe $D1 $D0
$BT map update name p2p_allow key hex $(hexname $D1) $(hexname $D0) value 7 0 0 0
check "a value that is no verdict: denied" none probe $D1 $D0
$BT map delete name p2p_allow key hex $(hexname $D1) $(hexname $D0)
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
check "p2preach fills its topology map from sysfs" "2 devices behind a PCIe switch" \
	$P topology fill
check "bpftool sees the two entries" 2 \
	sh -c "$BT -j map dump name p2p_topology | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'"
check "test_hmm devices are on no switch: denied" none probe $D1 $D0
# test_hmm's devices are not PCI: put them on one switch by hand.
$BT map update name p2p_topology key hex $(hexname $D0) value 0 1 0 0
$BT map update name p2p_topology key hex $(hexname $D1) value 0 1 0 0
check "same switch: rw one way" remote-rw probe $D1 $D0
check "same switch: rw the other way" remote-rw probe $D0 $D1
$BT map update name p2p_topology key hex $(hexname $D1) value 0 2 0 0
check "different switches: denied" none probe $D1 $D0
$BT link detach pinned /sys/fs/bpf/same_switch/same_switch && rm -r /sys/fs/bpf/same_switch
finish
