#!/bin/sh
# p2preach daemon without systemd: readiness notification, SIGHUP reload,
# a broken file rejected with the old policy kept, the kernel's id events
# followed through a real test_hmm reload, kill -9 with the policy still
# enforced, a restart that adopts the pins, and an upgrade that replaces
# another build's policy.
. "$P2PREACH_ROOT/tests/vm/lib.sh"
T=daemon
D0=hmm_dmirror0 D1=hmm_dmirror1
CONF=/tmp/policy.conf LOG=/tmp/daemon.log NOTES=/tmp/notify.log
METRICS=/tmp/p2preach.prom
export NOTIFY_SOCKET=/tmp/notify.sock
python3 "$P2PREACH_ROOT/tests/vm/notify-listen.py" $NOTIFY_SOCKET $NOTES &
listener=$!

# wait_for FILE TEXT: up to 10 s for a line of FILE to contain TEXT.
wait_for() {
	i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}
start() {
	$P daemon --config $CONF --metrics-file $METRICS >>$LOG 2>&1 &
	daemon=$!
}
# gpu2 stands for a GPU that comes later: test_hmm loads two devices
# until it is loaded again with three.
policy() {
	cat >$CONF <<X
device gpu0 = hmm_dmirror0
device gpu1 = hmm_dmirror1
device gpu2 = hmm_dmirror2
allow gpu2 <-> gpu0 read
$1
X
}

while [ ! -S $NOTIFY_SOCKET ]; do sleep 0.1; done
policy "allow gpu1 -> gpu0"
start
if wait_for $NOTES READY=1; then ok "the daemon tells systemd it is ready"; else
	not_ok "no READY=1 from the daemon: $(cat $LOG)"; fi
check "the daemon attached the policy and applied the file" remote-rw probe $D1 $D0
check_json "status shows it pinned, generation 1, gpu2 absent" \
	'j["attached"] and j["pinned"] and j["generation"] == 1 and j["source"] == "/tmp/policy.conf" and j["devices"] == 3 and j["present"] == 2' \
	$P status --json
link=$($P status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["link_id"])')
if wait_for $METRICS "p2preach_policy_attached 1"; then
	ok "the daemon writes its metrics file for node_exporter"
else
	not_ok "no metrics file: $(ls -l /tmp) $(tail -n 3 $LOG)"
fi
if command -v promtool >/dev/null; then
	check "the metrics file passes promtool" "" sh -c "promtool check metrics <$METRICS"
else
	ok "the metrics file passes promtool # SKIP promtool not installed"
fi
check "and nothing but it is left in its directory" "p2preach.prom" \
	sh -c "ls /tmp | grep p2preach.prom"

policy "allow gpu1 -> gpu0 read"
kill -HUP $daemon
wait_for $LOG "SIGHUP" && wait_for $NOTES "enforcing" && sleep 0.5
check "SIGHUP re-reads the file" remote-read probe $D1 $D0

printf 'device gpu0 = hmm_dmirror0\nallow gpu0 => gpu1\n' >$CONF
: >$NOTES
kill -HUP $daemon
wait_for $NOTES READY=1
if grep -qF "/tmp/policy.conf:2: expected '->' or '<->' after 'gpu0', got '=>'" $LOG; then
	ok "a broken file is rejected with file:line in the log"
else
	not_ok "no file:line error in the log: $(cat $LOG)"
fi
check "the old policy stays enforced" remote-read probe $D1 $D0
if kill -0 $daemon 2>/dev/null; then ok "the daemon keeps running"; else
	not_ok "the daemon died on a broken file"; fi
check_json "the generation did not move" 'j["generation"] == 2' $P status --json

policy "allow gpu1 <-> gpu0"
kill -HUP $daemon
wait_for $LOG "applied /tmp/policy.conf: 3 devices, 2 rules" && sleep 0.5
check "a fixed file is applied on the next SIGHUP" "remote-rw remote-rw" \
	sh -c "echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
check "an edit before the devices go" "gpu1 -> gpu0: deny" $P deny gpu1 gpu0
check "test_hmm follows it" none probe $D1 $D0

# Real hotplug: test_hmm unloaded, then loaded with a third device. The
# kernel sends an id event for each id; the daemon resets the ids that go
# and gives the ones that come the file's verdicts.
: >$NOTES
C0=$(id_of $D0 client) P0=$(id_of $D0 provider) P1=$(id_of $D1 provider)
rmmod test_hmm
if wait_for $LOG "client $C0 ($D0) removed" && wait_for $LOG "provider $P0 ($D0) removed" &&
   wait_for $NOTES "STATUS=enforcing /tmp/policy.conf (0 of 3 devices present)"; then
	ok "the daemon follows the remove events of test_hmm's ids"
else
	not_ok "no reaction to the remove events: $(tail -n 5 $LOG)"
fi
check "an id that went has the default verdict before the kernel reuses it" 0 \
	pinned_cell $((C0 * 64 + P1))
: >$NOTES
insmod "$P2PREACH_KERNEL/test_hmm.ko" ndevices=3
D2=hmm_dmirror2
if wait_for $LOG "($D2) added" && wait_for $NOTES "STATUS=enforcing /tmp/policy.conf (3 of 3 devices present)"; then
	ok "the daemon follows the add events of the new ids"
else
	not_ok "no reaction to the add events: $(tail -n 5 $LOG)"
fi
check "a device that appeared has the file's verdicts" "remote-read remote-read" \
	sh -c "echo \$($R/tests/peer_access probe $D2 $D0) \$($R/tests/peer_access probe $D0 $D2)"
check "devices that came back start from the file, not from the edit before" \
	"remote-rw remote-rw" \
	sh -c "echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
check_json "and their counters start afresh" \
	"[(p['deny'], p['rw'] > 0) for p in j['pairs'] if p['client'] == '$D1' and p['provider'] == '$D0'] == [(0, True)]" \
	$P stats --json

check "the CLI edits while the daemon runs" "gpu0 -> gpu1: deny" $P deny gpu0 gpu1
check "test_hmm follows" none probe $D0 $D1

kill -9 $daemon
wait $daemon 2>/dev/null
check "kill -9: the policy is still enforced" remote-rw probe $D1 $D0

# Probe all through the restart: enforcement must never lapse.
( for i in 1 2 3 4 5 6 7 8 9 10; do probe $D1 $D0; done >/tmp/during.log ) &
prober=$!
: >$NOTES
start
wait_for $NOTES READY=1
wait $prober
if [ "$(sort -u /tmp/during.log)" = remote-rw ]; then
	ok "no gap in enforcement while the daemon restarts"
else
	not_ok "probes during restart: $(sort /tmp/during.log | uniq -c | tr '\n' ' ')"
fi
if grep -qF "adopted the policy pinned under /sys/fs/bpf/p2preach" $LOG; then
	ok "the restarted daemon adopts the pins"
else
	not_ok "no adoption in the log: $(tail -n 5 $LOG)"
fi
# The file did not change: the edit made with the CLI before the crash stays.
check "the restart keeps the CLI edit made before the crash" none probe $D0 $D1
if grep -qF "kept the live policy: /tmp/policy.conf is unchanged since it was applied, and the 1 live verdict it does not give stays in force" $LOG; then
	ok "the restarted daemon says it kept the live policy"
else
	not_ok "no word of the kept policy in the log: $(tail -n 5 $LOG)"
fi
check_json "status counts the live edit the file lacks" \
	'j["source"] == "cli" and j["file"] == "/tmp/policy.conf" and j["live_edits"] == 1 and not j["file_changed"]' \
	$P status --json
check "show --diff prints it as a line for the file" \
	"# 1 live verdict that /tmp/policy.conf does not give; add to it:
deny gpu0 -> gpu1" $P show --diff $CONF
check_json "same link as before the restart" "j['link_id'] == $link" $P status --json

kill -TERM $daemon
wait $daemon
rc=$?
if [ $rc -eq 0 ]; then ok "SIGTERM stops the daemon cleanly"; else not_ok "exit status $rc"; fi
check "and the policy stays in force" remote-rw probe $D1 $D0

# A file changed while the daemon was down is applied at the next start.
policy "allow gpu1 <-> gpu0 read"
: >$LOG
start
wait_for $LOG "applied /tmp/policy.conf: 3 devices, 2 rules" && sleep 0.5
check "a file changed while the daemon was down is applied at start" "remote-read remote-read" \
	sh -c "echo \$($R/tests/peer_access probe $D1 $D0) \$($R/tests/peer_access probe $D0 $D1)"
check_json "and status has no live edits" 'j["live_edits"] == 0 and j["source"] == "/tmp/policy.conf"' \
	$P status --json
# A missing file is only that: the running policy stays.
mv $CONF $CONF.away
kill -HUP $daemon
if wait_for $LOG "/tmp/policy.conf does not exist; keeping the running policy"; then
	ok "a missing file on SIGHUP keeps the running policy"
else
	not_ok "no word of the missing file: $(tail -n 5 $LOG)"
fi
check "still the file's verdicts" remote-read probe $D0 $D1
mv $CONF.away $CONF
kill -TERM $daemon
wait $daemon

# An upgrade: the policy in force comes from another build of p2preach
# (the bench build, with room for 1,024 ids, stands for another version).
# The daemon of this one puts its own in place through the same link,
# with the file's verdicts from the start: enforcement never lapses.
$P detach >/dev/null
$R/bench/p2preach load $CONF >/dev/null
check "another build's policy is in force" remote-read probe $D1 $D0
link=$($BT -j link show pinned /sys/fs/bpf/p2preach/link | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
( for i in 1 2 3 4 5 6 7 8 9 10; do probe $D1 $D0; done >/tmp/during.log ) &
prober=$!
: >$LOG
start
if wait_for $LOG "replaced the policy of another build pinned under /sys/fs/bpf/p2preach, and applied /tmp/policy.conf"; then
	ok "the daemon puts this build's policy in place of another build's"
else
	not_ok "no replacement in the log: $(tail -n 5 $LOG)"
fi
wait $prober
if [ "$(sort -u /tmp/during.log)" = remote-read ]; then
	ok "no gap in enforcement while it does"
else
	not_ok "probes during the replacement: $(sort /tmp/during.log | uniq -c | tr '\n' ' ')"
fi
check_json "through the same link, with this build's state" \
	"j['link_id'] == $link and j['source'] == '/tmp/policy.conf' and j['devices'] == 3" $P status --json
check "edits work on this build's maps" "gpu0 -> gpu1: rw" $P allow gpu0 gpu1 rw
check "and test_hmm follows them" remote-rw probe $D0 $D1
check "nothing is left beside the pins" no \
	sh -c '[ -e /sys/fs/bpf/p2preach-next ] && echo yes || echo no'
kill -TERM $daemon
wait $daemon
$P detach >/dev/null
kill $listener
echo "# daemon log:"; sed 's/^/#   /' $LOG
finish
