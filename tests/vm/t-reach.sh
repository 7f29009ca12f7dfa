#!/bin/sh
# Kernel guarantees: revocation, invalid verdicts, one policy, observability,
# peer migration, the PCI topology kfunc, module unload.
# vm-args: --pci-switch
exec "$P2PREACH_ROOT/build/tests/reach"
