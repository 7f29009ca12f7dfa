#!/bin/sh
# Policies that write kernel objects, call forbidden helpers or kfuncs, or
# sleep are rejected at load with a message that names the problem.
exec "$P2PREACH_ROOT/build/tests/verifier" "$P2PREACH_ROOT/build/tests"
