# Kernel-side VM tests: test programs and their test-only BPF objects.
# Included by the top-level Makefile (its objects_in, bpf_objects and
# VM_PROGRAMS rules).

$(eval $(call bpf_objects,$(B)/tests,tests/bpf,))
# Keep the test BPF objects that skeletons are generated from.
.SECONDARY: $(B)/tests/reach_test.bpf.o

$(VM_OBJ)/reach.o $(VM_OBJ)/topology.o: | $(B)/tests/reach_test.skel.h
$(B)/tests/reach: $(VM_OBJ)/reach.o $(VM_TEST_LIB)
# Privilege tests drop capabilities (libcap); event order needs threads.
$(B)/tests/reach: LDLIBS += -lcap -lpthread
$(B)/tests/topology: $(VM_OBJ)/topology.o $(VM_TEST_LIB)

BAD_POLICIES := $(patsubst tests/bpf/%.bpf.c,$(B)/tests/%.bpf.o,$(wildcard tests/bpf/bad_*.bpf.c))
$(B)/tests/verifier: $(VM_OBJ)/verifier.o $(VM_OBJ)/tap.o | $(BAD_POLICIES)

VM_PROGRAMS += $(B)/tests/reach $(B)/tests/topology $(B)/tests/verifier
vm-tests: $(B)/tests/reach $(B)/tests/topology $(B)/tests/verifier

# The stress test on a KASAN build of the same kernel (a second cached
# config). On demand: the KASAN kernel takes as long to build as the first.
.PHONY: stress-kasan series-check xe-check
stress-kasan: all
	$(Q)scripts/build-kernel.sh kasan
	$(Q)tests/vm/run --kernel $(B)/kernel-kasan --log $(B)/logs/stress-kasan.log \
		--timeout 1800 -- env P2PREACH_STRESS_SECONDS=60 tests/vm/t-stress.sh

# Apply the series with git am to a pristine tree and build after each patch.
series-check: deps
	$(Q)scripts/check-series.sh

# xe, drm_gpusvm and drm_pagemap with the series, W=1 and sparse (no GPU
# needed, none used): a second config, as long to build as the kernel.
xe-check: deps
	$(Q)scripts/build-xe.sh
