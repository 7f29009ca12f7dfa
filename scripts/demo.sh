#!/bin/bash
# make demo: boot the patched kernel and show a peer access decision flip
# as the admin edits the policy.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Booting the patched kernel in QEMU (TCG; this takes a little while)..."
tests/vm/run --log build/logs/demo.log -- scripts/demo-guest.sh |
	grep -v -E '^P2PREACH-VM-EXIT=|^\[ *[0-9]+\.[0-9]+\]'
