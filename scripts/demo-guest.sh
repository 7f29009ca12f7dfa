#!/bin/sh
# Runs inside the VM for make demo: the daemon as systemd would start it at
# boot, then an admin editing the policy while a device keeps reaching for
# a peer's memory.
R=$P2PREACH_ROOT/build
export PATH=$R:$PATH
CONF=/run/p2preach/policy.conf LOG=/run/p2preach/daemon.log

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '\033[36m# %s\033[0m\n' "$*"; "$@"; }
# What the kernel decides when hmm_dmirror1 touches a page that HMM has
# moved into hmm_dmirror0's memory.
decision() {
	case $("$R/tests/peer_access" probe hmm_dmirror1 hmm_dmirror0) in
	remote-rw) what="reads and writes it directly in gpu0's memory (peer to peer)" ;;
	remote-read) what="reads it directly in gpu0's memory; a write would go through RAM" ;;
	none) what="cannot map it: the page goes back to system RAM first" ;;
	*) what="(unexpected answer)" ;;
	esac
	printf '\033[1;33m=> gpu1 (hmm_dmirror1), touching a page in gpu0: %s\033[0m\n' "$what"
}
daemon_log() { sed 's/^/   daemon: /' $LOG; : >$LOG; }
start_daemon() {
	printf '\033[36m# p2preach daemon --config %s\033[0m\n' $CONF
	p2preach daemon --config $CONF >>$LOG 2>&1 &
	sleep 2
	daemon_log
}
# What `systemctl reload p2preach` does.
reload() {
	printf '\033[36m# systemctl reload p2preach    (here: kill -HUP the daemon)\033[0m\n'
	pkill -HUP -f "p2preach daemon"
	sleep 1
	daemon_log
}

say "Two devices with device-private memory (lib/test_hmm.c), on the patched kernel"
ls -d /sys/devices/hmm_dmirror*
echo "The kernel gives each an id as a client (it accesses memory) and one as a provider (its memory):"
for d in /sys/kernel/mm/pagemap_reach/devices/*; do
	echo "  id ${d##*/}: $(cat $d/dev_name) $(cat $d/role)"
done
echo "Without a policy the kernel does what Linux always did:"
decision

say "The admin's policy file"
mkdir -p /run/p2preach
cat >$CONF <<'X'
device gpu0 = hmm_dmirror0
device gpu1 = hmm_dmirror1
allow gpu1 -> gpu0          # gpu1 may access gpu0's memory, read-write
default deny
X
cat $CONF

say "At boot, systemd starts the daemon (p2preach.service runs this)"
start_daemon
run p2preach status
decision

say "Each pair: can the provider serve, the PCI path, the verdict, the result, why"
run p2preach show

say "The admin makes it read-only in the file and reloads (systemctl reload p2preach)"
sed -i 's/^allow gpu1 -> gpu0 .*/allow gpu1 -> gpu0 read    # read only now/' $CONF
grep '^allow' $CONF
reload
decision

say "An edit from the command line, effective at once"
run p2preach deny gpu1 gpu0
decision
run p2preach allow gpu1 gpu0 rw --both
decision
say "The matrix, like nvidia-smi topo -m"
run p2preach show -m

say "The counters: every decision the kernel asked the policy for"
run p2preach stats

say "A typo in the file is refused, with its line; the running policy stays"
echo "allow gpu1 => gpu0" >>$CONF
run p2preach check $CONF
reload
decision

say "The daemon dies (kill -9): the pinned policy stays in force"
printf '\033[36m# kill -9 $(pidof p2preach)\033[0m\n'
pkill -9 -f "p2preach daemon"
sleep 0.5
decision
sed -i '$d' $CONF
echo "systemd restarts it: it adopts the pinned policy (no gap); the file has not"
echo "changed since it was applied, so the command-line edits stay in force:"
start_daemon
run p2preach status
run p2preach show --diff $CONF
decision

say "Done: stop the daemon and detach the policy"
pkill -TERM -f "p2preach daemon"
sleep 0.5
run p2preach detach
decision
