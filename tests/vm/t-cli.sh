#!/bin/sh
# The p2preach commands on the pinned policy, with test_hmm following
# each edit, JSON read back with a real parser, and bad input refused
# with the running policy untouched.
. "$P2PREACH_ROOT/tests/vm/lib.sh"
T=cli
D0=hmm_dmirror0 D1=hmm_dmirror1
cat >/tmp/policy.conf <<'X'
# two test_hmm devices
device gpu0 = hmm_dmirror0
device gpu1 = hmm_dmirror1
allow gpu1 -> gpu0 read
default deny
X

check "load attaches, pins and applies a file" \
	"policy attached, pinned under /sys/fs/bpf/p2preach
applied /tmp/policy.conf" $P load /tmp/policy.conf
check_fails "a second load is refused" 1 \
	"p2preach: a policy is already attached and pinned under /sys/fs/bpf/p2preach" $P load
check "test_hmm follows the file: read" remote-read probe $D1 $D0
check "the other direction is denied" none probe $D0 $D1
check_json "status --json: attached, generation 1, two devices" \
	'j["attached"] and j["policy"] == "p2preach" and j["generation"] == 1 and j["devices"] == 2 and j["present"] == 2 and j["default"] == "deny"' \
	$P status --json
check "allow by alias, rw" "gpu1 -> gpu0: rw" $P allow gpu1 gpu0 rw
check "test_hmm follows allow rw" remote-rw probe $D1 $D0
check "the other direction stays denied" none probe $D0 $D1
check "allow by dev_name, both directions, read" \
	"hmm_dmirror0 <-> hmm_dmirror1: read" $P allow $D0 $D1 read --both
check "test_hmm follows --both (1 -> 0)" remote-read probe $D1 $D0
check "test_hmm follows --both (0 -> 1)" remote-read probe $D0 $D1
check "show -m prints the matrix with aliases" "          gpu0      gpu1
gpu0      X         read
gpu1      read      X" sh -c "$P show -m | head -n 3"
check_json "show --json lists devices and pairs" \
	'[d["alias"] for d in j["devices"]] == ["gpu0", "gpu1"] and all(d["present"] for d in j["devices"]) and {(p["client"], p["provider"]): p["verdict"] for p in j["pairs"]} == {("hmm_dmirror0", "hmm_dmirror1"): "read", ("hmm_dmirror1", "hmm_dmirror0"): "read"}' \
	$P show --json
C0=$(id_of $D0 client) P0=$(id_of $D0 provider) C1=$(id_of $D1 client) P1=$(id_of $D1 provider)
check_json "show --json gives each device the ids sysfs lists" \
	"[sorted((i['role'], i['id']) for i in d['ids']) for d in j['devices']] == [[('client', $C0), ('provider', $P0)], [('client', $C1), ('provider', $P1)]] and {(p['client_id'], p['provider_id']) for p in j['pairs']} == {($C0, $P1), ($C1, $P0)}" \
	$P show --json
check_json "show --pretty is JSON too" 'j["default"] == "deny"' $P show --pretty
check_json "stats --json counts the decisions per pair" \
	'[p for p in j["pairs"] if p["client"] == "hmm_dmirror1"][0]["read"] >= 1 and [p for p in j["pairs"] if p["client"] == "hmm_dmirror1"][0]["rw"] >= 1 and j["other"]["deny"] == 0' \
	$P stats --json
check_json "status --json: three edits so far, the last from the CLI, one not in the file" \
	'j["generation"] == 3 and j["source"] == "cli" and j["file"] == "/tmp/policy.conf" and j["live_edits"] == 1' \
	$P status -j
check "show --diff: the live edit as a line for the file" \
	"# 1 live verdict that /tmp/policy.conf does not give; add to it:
allow gpu0 -> gpu1 read" $P show --diff /tmp/policy.conf
if command -v promtool >/dev/null; then
	check "stats --format prometheus passes promtool" "" \
		sh -c "$P stats --format prometheus | promtool check metrics"
else
	ok "stats --format prometheus passes promtool # SKIP promtool not installed"
fi
check "stats --format openmetrics ends with # EOF" "# EOF" \
	sh -c "$P stats --format openmetrics | tail -n 1"

# Bad input: a clear message naming the argument, non-zero, nothing changed.
check_fails "bad access mode is refused" 2 \
	"p2preach: allow: bad access 'sideways' (read or rw)" $P allow gpu1 gpu0 sideways
check_fails "unknown device is refused" 1 \
	"p2preach: deny: unknown device 'gpu7' (not an alias of the policy, and no device of that name has ids)" \
	$P deny gpu7 gpu0
check_fails "a provider a device does not have is refused" 1 \
	"p2preach: allow: 'gpu0/1' has no such provider (hmm_dmirror0/1)" $P allow gpu1 gpu0/1
check_fails "a bad provider number is refused" 1 \
	"p2preach: allow: bad provider in 'gpu0/x': after '/' comes the number of one of the device's providers (0, 1, ...)" \
	$P allow gpu1 gpu0/x
check_fails "a pair of one device is refused" 1 \
	"p2preach: allow: 'gpu0' and 'hmm_dmirror0' are the same device" $P allow gpu0 $D0
check_fails "missing argument is refused" 2 \
	"p2preach: deny: missing argument (usage: p2preach deny CLIENT PROVIDER)" $P deny gpu0
check_json "with --json an error is JSON too" \
	'list(j) == ["error"] and j["error"].startswith("deny: unknown device") and "gpu7" in j["error"]' \
	$P deny gpu7 gpu0 --json
check_json "with --json a bad command line is JSON too" \
	'list(j) == ["error"] and j["error"].startswith("unknown command") and "frobnicate" in j["error"]' \
	$P frobnicate --json
check_fails "unknown command is refused" 2 \
	"p2preach: unknown command 'frobnicate' (try p2preach --help)" $P frobnicate
check_fails "edits need root" 1 \
	"p2preach: allow changes the policy and needs root (try: sudo p2preach allow ...)" \
	setpriv --reuid=65534 --regid=65534 --clear-groups $P allow gpu0 gpu1
check_fails "reading needs root too, and says so" 1 \
	"p2preach: cannot open the policy under /sys/fs/bpf/p2preach: Permission denied (needs root)" \
	setpriv --reuid=65534 --regid=65534 --clear-groups $P show
check "the policy is unchanged after bad commands" remote-read probe $D1 $D0
check_json "and its generation too" 'j["generation"] == 3' $P status -j

# A whole file, atomically; a broken one changes nothing.
cat >/tmp/new.conf <<'X'
device a = hmm_dmirror0
device b = hmm_dmirror1
allow a <-> b
X
check "check validates a file and prints the matrix it gives" "/tmp/new.conf: ok: 2 devices, 1 rules, default deny

What the file gives, on this machine's PCI paths:

          a         b
a         X         rw
b         rw        X" sh -c "$P check /tmp/new.conf | head -n 7"
check "apply replaces the policy" \
	"applied /tmp/new.conf: 2 devices, 1 rules, default deny" $P apply /tmp/new.conf
check "test_hmm follows apply" "remote-rw remote-rw" \
	sh -c "echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
printf 'device a = hmm_dmirror0\nallow a -> nosuch\n' >/tmp/bad.conf
check_fails "check names file and line of an error" 1 \
	"p2preach: /tmp/bad.conf:2: unknown device 'nosuch'" $P check /tmp/bad.conf
check_json "check --json reports the error" \
	'not j["valid"] and j["error"].startswith("/tmp/bad.conf:2: unknown device")' \
	$P check --json /tmp/bad.conf
check_fails "apply of a broken file is refused" 1 \
	"p2preach: /tmp/bad.conf:2: unknown device 'nosuch'" $P apply /tmp/bad.conf
check_fails "apply of a missing file is refused" 1 \
	"p2preach: /tmp/none.conf: cannot read: No such file or directory" $P apply /tmp/none.conf
check "the policy is unchanged after broken files" "remote-rw" probe $D1 $D0
check_json "the aliases are those of the applied file" \
	'[d["alias"] for d in j["devices"]] == ["a", "b"]' $P show -j

# A provider by its number: the same cells as the device's only one.
check "allow a provider by ALIAS/N" "b -> a/0: read" $P allow b a/0 read
check "test_hmm follows it" remote-read probe $D1 $D0
check "and by NAME/N" "b -> $D0/0: rw" $P allow b $D0/0
check_json "stats --json names the pairs and their ids" \
	"{(p['client'], p['provider'], p['client_id'], p['provider_id']) for p in j['pairs']} == {('$D0', '$D1', $C0, $P1), ('$D1', '$D0', $C1, $P0)}" \
	$P stats --json

# Scoped revocation: an edit of one pair announces its provider only.
TR=/sys/kernel/tracing
echo 1 >$TR/events/pagemap_reach/pagemap_reach_change/enable
: >$TR/trace
$P deny b a >/dev/null
check "an edit of one pair announces only its provider" "provider=$P0" \
	sh -c "grep -o 'event=changed.*' $TR/trace | grep -o 'provider=-\?[0-9]*' | sort -u"
: >$TR/trace
$P apply /tmp/new.conf >/dev/null
check "an apply announces the providers whose column changed" "provider=$P0" \
	sh -c "grep -o 'event=changed.*' $TR/trace | grep -o 'provider=-\?[0-9]*' | sort -u"
echo 0 >$TR/events/pagemap_reach/pagemap_reach_change/enable

# Concurrent edits wait for each other and both land.
$P deny a b >/dev/null &
$P deny b a >/dev/null &
wait
check "concurrent edits both land" "none none" \
	sh -c "echo \$($R/tests/peer_access probe $D0 $D1) \$($R/tests/peer_access probe $D1 $D0)"

# Revocation: an edit reaches pages a device has already mapped.
$P allow b a >/dev/null
check "an edit revokes peer mappings made under the old verdict" revoked \
	$R/tests/hold $P deny b a
$P allow b a >/dev/null
check "an apply revokes them too" revoked $R/tests/hold $P apply /tmp/policy.conf
check_json "the kernel's generation moved with each edit" \
	'j["kernel"]["attached"] and j["kernel"]["policy"] == "p2preach" and j["kernel"]["generation"] > 5 and j["kernel"]["allowed_rw"] > 0' $P status -j

# Map contents written behind p2preach's back with bpftool, by id through
# the pinned matrix: a verdict is in force at once; one outside the
# verdict set is a denial, shown and counted as invalid; an apply repairs it.
$P allow $D1 $D0 rw >/dev/null
cell=$((C1 * 64 + P0))
$BT map update pinned /sys/fs/bpf/p2preach/matrix key $(bytes4 $cell) value 1 0 0 0
check "a verdict written with bpftool through the pinned matrix" remote-read probe $D1 $D0
$BT map update pinned /sys/fs/bpf/p2preach/matrix key $(bytes4 $cell) value 42 0 0 0
check "a verdict of 42 in the matrix is a denial" none probe $D1 $D0
check_json "show calls it invalid, stats and the kernel count it" \
	'j[0]["invalid"] >= 1 and j[1]["kernel"]["invalid"] >= 1 and j[2] == "invalid"' \
	sh -c "echo [; $P stats --json | python3 -c 'import json,sys; print(json.dumps([p for p in json.load(sys.stdin)[\"pairs\"] if p[\"client\"] == \"$D1\" and p[\"provider\"] == \"$D0\"][0]))'; echo ,; $P status --json; echo ,; $P show --json | python3 -c 'import json,sys; print(json.dumps([p[\"verdict\"] for p in json.load(sys.stdin)[\"pairs\"] if p[\"client\"] == \"$D1\" and p[\"provider\"] == \"$D0\"][0]))'; echo ]"
check "show still works" 0 sh -c "$P show >/dev/null 2>&1; echo \$?"
$P apply /tmp/policy.conf >/dev/null
check "an apply repairs it" "remote-read none" \
	sh -c "echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
check "the matrix pin follows the swap" 1 pinned_cell $cell

# An edit writes its pair's cell in place and no other, and the kernel's
# next decision sees it; an apply that changes nothing tells nobody.
matrix_dump >/tmp/m0
$P allow $D1 $D0 rw >/dev/null
matrix_dump >/tmp/m1
check "an edit changes its pair's cell and no other" "$cell 1 2" matrix_diff /tmp/m0 /tmp/m1
check "and the next decision sees it" remote-rw probe $D1 $D0
check "the announcing program is pinned with the policy" yes \
	sh -c '[ -e /sys/fs/bpf/p2preach/changed ] && echo yes'
$P apply /tmp/policy.conf >/dev/null
echo 1 >$TR/events/pagemap_reach/pagemap_reach_change/enable
: >$TR/trace
$P apply /tmp/policy.conf >/dev/null
check "an apply that changes nothing announces nothing" 0 \
	sh -c "grep -c 'event=changed' $TR/trace"
echo 0 >$TR/events/pagemap_reach/pagemap_reach_change/enable
matrix_dump >/tmp/m2
check "and the matrix is the file's again" "" matrix_diff /tmp/m0 /tmp/m2

# test_hmm unloaded and loaded again with no daemon to follow it: the
# next edit finds ids that the state does not record, so it reads them
# all and gives the new ones the file's verdicts before its own; the
# edit made for the devices that went does not pass to those that came.
$P deny gpu1 gpu0 >/dev/null
rmmod test_hmm
insmod "$P2PREACH_KERNEL/test_hmm.ko"
check "test_hmm came back with new ids" yes \
	sh -c "[ $(id_of $D1 client) != $C1 ] && echo yes"
check "an edit after the devices came back" "gpu0 -> gpu1: rw" $P allow gpu0 gpu1 rw
check "lands on the new ids" remote-rw probe $D0 $D1
check "the new ids get the file's verdicts, not the edit made for those that went" \
	remote-read probe $D1 $D0
check "the next edit finds them" "gpu1 -> gpu0: deny" $P deny gpu1 gpu0
check "and test_hmm follows it" none probe $D1 $D0

# Pins of another build (another version, or room for another number of
# ids) are refused with what differs, and the running policy is untouched.
O=/sys/fs/bpf/other
mkdir -p $O
$BT map pin pinned /sys/fs/bpf/p2preach/policy $O/policy
$BT map pin pinned /sys/fs/bpf/p2preach/stats $O/stats
$BT map create $O/state type array key 4 value 8 entries 1 name p2p_state
state_size=$($BT -j map show pinned /sys/fs/bpf/p2preach/state | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_value"])')
check_fails "an edit through pins of another build's state is refused" 1 \
	"p2preach: the policy pinned under $O was loaded by another build of p2preach (its p2p_state holds 8 bytes, this build's $state_size): \`p2preach load FILE\` or the daemon puts this build's in its place" \
	$P allow $D0 $D1 rw --pin-dir $O
rm $O/state $O/policy
$BT map pin pinned /sys/fs/bpf/p2preach/state $O/state
$BT map create $O/small type array key 4 value 4 entries 16 name small
$BT map create $O/policy type array_of_maps key 4 value 4 entries 1 name p2p_policy \
	inner_map pinned $O/small
$BT map update pinned $O/policy key 0 0 0 0 value pinned $O/small
check_fails "and through pins of another build's matrix" 1 \
	"p2preach: the policy pinned under $O was loaded by another build of p2preach (its matrix holds 16 cells, this build's $(( 64 * 64 + 1 ))): \`p2preach load FILE\` or the daemon puts this build's in its place" \
	$P deny $D0 $D1 --pin-dir $O
rm -r $O
check "the running policy is untouched" remote-rw probe $D0 $D1

# An upgrade by hand: the policy in force comes from another build (the
# bench build, room for 1,024 ids); load with the file puts this build's
# in its place through the same link.
$P detach >/dev/null
$R/bench/p2preach load /tmp/policy.conf >/dev/null
other_size=$($BT -j map show pinned /sys/fs/bpf/p2preach/state | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_value"])')
link=$($BT -j link show pinned /sys/fs/bpf/p2preach/link | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check_fails "an edit of another build's policy says what to do" 1 \
	"p2preach: the policy pinned under /sys/fs/bpf/p2preach was loaded by another build of p2preach (its p2p_state holds $other_size bytes, this build's $state_size): \`p2preach load FILE\` or the daemon puts this build's in its place" \
	$P allow $D0 $D1 rw
check_fails "load without a file cannot replace it" 1 \
	"p2preach: the policy pinned under /sys/fs/bpf/p2preach comes from another build of p2preach: give load the policy file, and this build's takes its place with the file's verdicts" \
	$P load
check "another build's verdicts stay in force" remote-read probe $D1 $D0
check "load with the file replaces it" "policy of another build replaced, pinned under /sys/fs/bpf/p2preach
applied /tmp/policy.conf" $P load /tmp/policy.conf
check_json "through the same link" "j['link_id'] == $link and j['source'] == '/tmp/policy.conf'" $P status --json
check "with the file's verdicts" "remote-read none" \
	sh -c "echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
check "and edits work" "gpu0 -> gpu1: rw" $P allow gpu0 gpu1 rw

check_fails "a pin directory off bpffs is refused" 1 \
	"p2preach: /tmp/notbpf is not on a BPF filesystem, so nothing pinned there would stay (mount -t bpf bpf /sys/fs/bpf)" \
	$P load --pin-dir /tmp/notbpf
check "an edit waits for the lock another edit holds" "waited" sh -c \
	"flock /run/p2preach.lock sleep 2 & sleep 0.5; s=\$(date +%s); $P deny $D0 $D1 >/dev/null 2>&1; [ \$((\$(date +%s) - s)) -ge 1 ] && echo waited; wait"
check "detach" "policy detached" $P detach
check "the lock file outlives detach, so a waiter locks what the next edit locks" \
	yes sh -c '[ -f /run/p2preach.lock ] && [ ! -e /sys/fs/bpf/p2preach ] && echo yes'
check "detached: default behaviour" none probe $D1 $D0
check_json "status --json after detach" 'not j["attached"]' $P status --json
check_fails "editing with nothing loaded says so" 1 \
	"p2preach: no p2preach policy is loaded" $P allow $D0 $D1
finish
