#!/bin/sh
# Inside the booted Debian system: the policy was put in force at boot by
# the enabled unit, with nobody starting anything by hand; then
# `systemctl reload` applies an edited file, and systemd restarts a
# killed daemon, which adopts the pinned policy with the admin's CLI edit.
PROBE=/opt/p2preach-test/peer_access
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - boot: $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - boot: $1"; fails=$((fails + 1)); }
check() {	# check NAME EXPECTED COMMAND...
	name=$1 want=$2
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then ok "$name"; else
		not_ok "$name: got '$got', want '$want'"; fi
}
wait_journal() {	# wait_journal TEXT: up to 20 s
	i=0
	while ! journalctl -b -u p2preach -o cat | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.1
	done
}

echo
echo "# booted: $(uname -r), init $(readlink /proc/1/exe)"
check "systemd is PID 1" /usr/lib/systemd/systemd readlink /proc/1/exe
check "p2preach.service is enabled" enabled systemctl is-enabled p2preach
check "p2preach.service started at boot and is active" active systemctl is-active p2preach
check "the policy is attached and pinned, from /etc/p2preach/policy.conf" \
	"true true /etc/p2preach/policy.conf" \
	sh -c "p2preach status --json | jq -r '\"\\(.attached) \\(.pinned) \\(.source)\"'"
check "the kernel sees it" "attached p2preach" \
	sh -c 'echo $(cat /sys/kernel/mm/pagemap_reach/state /sys/kernel/mm/pagemap_reach/policy)'
check "test_hmm follows the file at boot" remote-rw $PROBE probe hmm_dmirror1 hmm_dmirror0
check "the other direction is denied" none $PROBE probe hmm_dmirror0 hmm_dmirror1

sed -i 's/^allow gpu1 -> gpu0$/allow gpu1 -> gpu0 read/' /etc/p2preach/policy.conf
systemctl reload p2preach
wait_journal "SIGHUP" && sleep 1
check "systemctl reload applies the edited file" remote-read \
	$PROBE probe hmm_dmirror1 hmm_dmirror0

check "the admin edits with the CLI" "gpu1 -> gpu0: rw" p2preach allow gpu1 gpu0 rw
pid=$(systemctl show -p MainPID --value p2preach)
systemctl kill -s KILL p2preach
check "after kill -9 the policy is still enforced, edit included" remote-rw \
	$PROBE probe hmm_dmirror1 hmm_dmirror0
if wait_journal "adopted the policy pinned under /sys/fs/bpf/p2preach"; then
	ok "systemd restarts the daemon and it adopts the pins"
else
	not_ok "no restart with adoption: $(journalctl -b -u p2preach -o cat | tail -n 5)"
fi
i=0
while [ "$(systemctl is-active p2preach)" != active ] && [ $i -lt 100 ]; do
	i=$((i + 1)); sleep 0.1
done
check "the restarted daemon is active again" active systemctl is-active p2preach
if [ "$(systemctl show -p MainPID --value p2preach)" != "$pid" ]; then
	ok "under a new process"
else
	not_ok "same MainPID $pid"
fi
if wait_journal "kept the live policy: /etc/p2preach/policy.conf is unchanged since it was applied"; then
	ok "the restarted daemon keeps the live policy"
else
	not_ok "no word of the kept policy: $(journalctl -b -u p2preach -o cat | tail -n 5)"
fi
check "and the CLI edit made before the crash is still enforced" remote-rw \
	$PROBE probe hmm_dmirror1 hmm_dmirror0
check "status counts it as a live edit the file lacks" "cli 1" \
	sh -c "p2preach status --json | jq -r '\"\\(.source) \\(.live_edits)\"'"

# The admin purges the package: the unit stops cleanly, the policy is
# detached with no pin left, and test_hmm is back to going through RAM.
sleep 1
since=$(date '+%Y-%m-%d %H:%M:%S')
if DEBIAN_FRONTEND=noninteractive apt-get purge -y -q p2preach >/tmp/purge.log 2>&1; then
	ok "apt-get purge p2preach"
else
	not_ok "apt-get purge p2preach failed: $(tail -n 5 /tmp/purge.log)"
fi
check "the purge left the service inactive" inactive systemctl is-active p2preach
stop=$(journalctl -u p2preach --since "$since" -o cat)
if echo "$stop" | grep -q "stopping; the pinned policy stays in force" &&
   echo "$stop" | grep -q "Deactivated successfully" &&
   ! echo "$stop" | grep -Eq "Failed with result|code=(exited|killed|dumped)"; then
	ok "the daemon stopped on SIGTERM and exited cleanly"
else
	not_ok "the unit did not stop cleanly: $(echo $stop)"
fi
check "no pins are left under /sys/fs/bpf" "" sh -c 'ls -A /sys/fs/bpf'
check "the kernel has no policy attached" detached cat /sys/kernel/mm/pagemap_reach/state
check "test_hmm goes through RAM again" none $PROBE probe hmm_dmirror1 hmm_dmirror0
check "the package and its files are gone" "not-installed 0" sh -c \
	'echo $(dpkg-query -W -f="\${db:Status-Status}" p2preach 2>/dev/null || echo not-installed) \
	$(ls -d /etc/p2preach /usr/sbin/p2preach /lib/systemd/system/p2preach.service 2>/dev/null | wc -l)'

echo "# journal of p2preach.service:"
journalctl -b -u p2preach -o cat --no-pager | sed 's/^/#   /'
echo "P2PREACH-VM-EXIT=$fails"
