#!/bin/sh
# Threads fault and write peer pages while the policy is attached,
# replaced through a link update, and detached, over and over.
exec "$P2PREACH_ROOT/build/tests/stress" "${P2PREACH_STRESS_SECONDS:-20}"
