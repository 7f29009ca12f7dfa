#!/bin/sh
# Peer access decisions through test_hmm, with the policy registered by
# bpftool (see peer_access.c for the cases).
exec "$P2PREACH_ROOT/build/tests/peer_access"
