#!/bin/sh
# Upstream tools/testing/selftests/mm/hmm-tests from the same kernel tree,
# with no policy attached: the patched kernel must behave as before.
# /tmp is a writable tmpfs (file-backed cases) and THP is "always".
cd /tmp || exit 1
exec "$P2PREACH_ROOT/build/hmm-tests"
