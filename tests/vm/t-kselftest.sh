#!/bin/sh
# The series' own kselftests (tools/testing/selftests/pagemap_reach), built
# by their kselftest Makefile: the hook through test_hmm with a BPF policy.
# Their wrapper loads test_hmm only when it is not loaded (it is, here).
cd "$P2PREACH_ROOT/build/selftests/pagemap_reach" || exit 1
exec ./run_tests.sh
