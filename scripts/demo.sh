#!/bin/bash
# make demo: boot the patched kernel and tell the story of a peer access
# decision changing as the admin edits the policy.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Booting the patched kernel in QEMU (TCG; this takes a little while)..."
tests/vm/run --log build/logs/demo.log -- scripts/demo-guest.sh |
	grep -a -v -E '^P2PREACH-VM-EXIT=|^\[ *[0-9]+\.[0-9]+\]|SeaBIOS|Booting from ROM|^.\[\?7l'
echo
echo "Guest console log: build/logs/demo.log. Tests: make check."
