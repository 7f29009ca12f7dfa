#!/bin/sh
# What show and check say of each ordered pair (can the provider serve,
# the PCI path, the verdict, the result, why), and rules "up to" a PCI
# path class: two endpoints behind an emulated PCIe switch (no driver
# gives them ids), a device on the root bus, and test_hmm's devices (not
# PCI).
# vm-args: --pci-switch
. "$P2PREACH_ROOT/tests/vm/lib.sh"
T=show
D0=hmm_dmirror0 D1=hmm_dmirror1

# PCI devices by vendor:device: QEMU's test devices behind the switch,
# and the virtio-9p device on the root bus.
pci_of() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat $d/vendor):$(cat $d/device)" = "$1" ] && basename $d
	done
}
set -- $(pci_of 0x1b36:0x0005)
SW0=$1 SW1=$2
HOST=$(pci_of 0x1af4:0x1009 | head -n 1)

# pairs: the pairs of a JSON document by (client, provider), as d.
pairs() { echo "(lambda d: $1)({(p['client'], p['provider']): p for p in j['pairs']})"; }

cat >/tmp/show.conf <<X
device gpu0 = $D0
device gpu1 = $D1
device sw0 = $SW0
device sw1 = $SW1
device host = $HOST
allow * -> * up to PIX
allow gpu1 -> gpu0 read
default deny
X

# --- check: the matrix a file gives here, with the PCI paths
check "check: test_hmm's devices are not on PCI, and it says so" \
	"  note: gpu0 (hmm_dmirror0) is not a PCI device here: no 'up to' rule covers it" \
	sh -c "$P check /tmp/show.conf | grep 'gpu0.*PCI'"
check "check: the row of a device behind the switch" \
	"sw0       deny      deny      X         rw PIX    deny PHB" \
	sh -c "$P check /tmp/show.conf | grep '^sw0 '"
check_json "check --json: up to PIX covers the switch's endpoints, not the host bridge nor test_hmm" \
	"[d['pci'] for d in j['devices']] == [False, False, True, True, True] and $(pairs "d[('$SW0', '$SW1')]['path'] == 'PIX' and d[('$SW0', '$SW1')]['verdict'] == 'rw' and d[('$SW0', '$SW1')]['line'] == 6 and d[('$SW1', '$HOST')]['path'] == 'PHB' and d[('$SW1', '$HOST')]['verdict'] == 'deny' and d[('$D0', '$SW0')]['path'] is None and d[('$D1', '$D0')]['verdict'] == 'read' and d[('$D0', '$D1')]['verdict'] == 'deny'")" \
	$P check --json /tmp/show.conf

# --- show: capability, policy, effect and reason
$P load /tmp/show.conf >/dev/null
check "test_hmm follows the file: read" remote-read probe $D1 $D0
check "a read grant, by its rule's line" \
	"gpu1   gpu0     yes   —    read    read   read-only grant by rule at show.conf:7" \
	sh -c "$P show | grep '^gpu1 *gpu0 '"
check "a denial, by the default's line" \
	"gpu0   gpu1     yes   —    deny    deny   denied by default at show.conf:8" \
	sh -c "$P show | grep '^gpu0 *gpu1 '"
check "the switch's endpoints have no ids: absent, with their path" \
	"sw0    sw1      no    PIX  -       deny   device absent" \
	sh -c "$P show | grep '^sw0 *sw1 '"
check "a legend like nvidia-smi's" \
	"          PIX   one PCIe switch at most between them (or one port)" \
	sh -c "$P show | grep '^ *PIX '"
check_json "show --json: the same per pair" \
	"$(pairs "d[('$D1', '$D0')]['reach'] and d[('$D1', '$D0')]['result'] == 'read' and d[('$D1', '$D0')]['cause'] == 'rule' and d[('$D1', '$D0')]['line'] == 7 and d[('$D0', '$D1')]['reason'] == 'denied by default at show.conf:8' and d[('$SW0', '$SW1')]['path'] == 'PIX' and not d[('$SW0', '$SW1')]['reach'] and d[('$SW0', '$SW1')]['verdict'] is None and d[('$SW0', '$SW1')]['cause'] == 'absent' and d[('$SW0', '$HOST')]['path'] == 'PHB' and d[('$D0', '$SW0')]['path'] is None")" \
	$P show --json
check "show -m: the compact matrix" \
	"          gpu0      gpu1      sw0       sw1       host
gpu0      X         deny      -         -         -
gpu1      read      X         -         -         -
sw0       -         -         X         - PIX     - PHB" \
	sh -c "$P show -m | head -n 4"

# --- live edits, a file changed since it was applied
$P allow gpu0 gpu1 >/dev/null
$P deny gpu1 gpu0 >/dev/null
check_json "an edit since the file was applied says so" \
	"$(pairs "d[('$D0', '$D1')]['result'] == 'rw' and d[('$D0', '$D1')]['reason'] is None and d[('$D1', '$D0')]['reason'] == 'denied by live edit'")" \
	$P show --json
echo "# edited" >>/tmp/show.conf
check_json "a file edited since it was applied names no line" \
	"j['file_changed'] and $(pairs "d[('$D1', '$D0')]['cause'] == 'file-changed' and d[('$D1', '$D0')]['reason'] == 'denied; show.conf changed since applied'")" \
	$P show --json

# --- a level covers PCI paths only: test_hmm's devices are on none
cat >/tmp/sys.conf <<X
device gpu0 = $D0
device gpu1 = $D1
allow * <-> * up to SYS
X
$P apply /tmp/sys.conf >/dev/null
check "up to SYS does not cover devices off PCI" "none none" \
	sh -c "echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
check "show says why" \
	"gpu1   gpu0     yes   —    deny    deny   denied by default" \
	sh -c "$P show | grep '^gpu1 *gpu0 '"

# --- memory no peer can reach: no provider id, never granted
rmmod test_hmm && insmod "$P2PREACH_KERNEL/test_hmm.ko" no_peer_map=1
printf 'device gpu0 = %s\ndevice gpu1 = %s\nallow * <-> *\n' $D0 $D1 >/tmp/all.conf
$P apply /tmp/all.conf >/dev/null
check "memory without a translation is not granted, whatever the policy" none probe $D1 $D0
check "the other direction is" remote-rw probe $D0 $D1
check "no provider reach" \
	"gpu1   gpu0     no    —    -       deny   no provider reach" \
	sh -c "$P show | grep '^gpu1 *gpu0 '"
check_fails "allow says why it cannot" 1 \
	"p2preach: allow: 'gpu0' has no provider id: no memory of it is open to peers" \
	$P allow gpu1 gpu0
$P detach >/dev/null
finish
