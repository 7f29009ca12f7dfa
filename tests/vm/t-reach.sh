#!/bin/sh
# Kernel guarantees: revocation, invalid verdicts, one policy, module unload.
exec "$P2PREACH_ROOT/build/tests/reach"
