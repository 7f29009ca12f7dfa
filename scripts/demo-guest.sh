#!/bin/sh
# Runs inside the VM for make demo.
R=$P2PREACH_ROOT/build
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
probe() {
	printf 'hmm_dmirror1 sees a page that lives in hmm_dmirror0 as: '
	"$R/tests/peer_access" probe hmm_dmirror1 hmm_dmirror0
}
say "Two device-private devices from lib/test_hmm.c:"
ls /sys/class/hmm_dmirror 2>/dev/null || ls /dev/hmm_dmirror*
say "No policy attached: a peer page is not mapped (it would go through RAM)"
probe
say "p2preach load"
"$R/p2preach" load
say "p2preach allow hmm_dmirror1 hmm_dmirror0 rw"
"$R/p2preach" allow hmm_dmirror1 hmm_dmirror0 rw
probe
say "p2preach allow hmm_dmirror1 hmm_dmirror0 read"
"$R/p2preach" allow hmm_dmirror1 hmm_dmirror0 read
probe
say "p2preach show"
"$R/p2preach" show
say "p2preach deny hmm_dmirror1 hmm_dmirror0"
"$R/p2preach" deny hmm_dmirror1 hmm_dmirror0
probe
say "Kernel log"
dmesg | grep -E 'pagemap_reach' || true
say "p2preach detach"
"$R/p2preach" detach
