#!/bin/sh
# A non-transitive, asymmetric policy over three test_hmm devices.
rmmod test_hmm && insmod "$P2PREACH_KERNEL/test_hmm.ko" ndevices=3 || exit 1
exec "$P2PREACH_ROOT/build/tests/topology"
