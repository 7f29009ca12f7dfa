# Kernel-side VM tests: test programs and their test-only BPF objects.
# Included by the top-level Makefile (needs CLANG, BPFTOOL, CFLAGS, LDLIBS).

VM_TEST_LIB := tests/vm/dmirror.c tests/vm/tap.c
VM_TEST_HDRS := tests/vm/dmirror.h tests/vm/dmirror_ioctl.h tests/vm/tap.h

$(B)/tests/%.bpf.o: tests/bpf/%.bpf.c $(B)/tools/.kernel
	@mkdir -p $(@D)
	@echo "  BPF     $@"
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 -fms-extensions -Wno-microsoft-anon-tag \
		-I$(B) -I$(TOOLS)/include -c $< -o $@

$(B)/tests/%.skel.h: $(B)/tests/%.bpf.o
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf >$@.tmp && mv $@.tmp $@

$(B)/tests/reach: tests/vm/reach.c $(VM_TEST_LIB) $(VM_TEST_HDRS) $(B)/tests/reach_test.skel.h
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -I$(KSRC) -Itests/vm -I$(B)/tests tests/vm/reach.c $(VM_TEST_LIB) $(LDLIBS) -lcap -lpthread -o $@

vm-tests: $(B)/tests/reach

$(B)/tests/topology: tests/vm/topology.c $(VM_TEST_LIB) $(VM_TEST_HDRS) $(B)/tests/reach_test.skel.h
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -I$(KSRC) -Itests/vm -I$(B)/tests tests/vm/topology.c $(VM_TEST_LIB) $(LDLIBS) -o $@

vm-tests: $(B)/tests/topology

BAD_POLICIES := $(patsubst tests/bpf/%.bpf.c,$(B)/tests/%.bpf.o,$(wildcard tests/bpf/bad_*.bpf.c))

$(B)/tests/verifier: tests/vm/verifier.c tests/vm/tap.c tests/vm/tap.h $(BAD_POLICIES)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -Itests/vm tests/vm/verifier.c tests/vm/tap.c $(LDLIBS) -o $@

vm-tests: $(B)/tests/verifier

# The stress test on a KASAN build of the same kernel (a second cached
# config). On demand: the KASAN kernel takes as long to build as the first.
.PHONY: stress-kasan series-check
stress-kasan: all
	$(Q)scripts/build-kernel.sh kasan
	$(Q)tests/vm/run --kernel $(B)/kernel-kasan --log $(B)/logs/stress-kasan.log \
		--timeout 1800 -- env P2PREACH_STRESS_SECONDS=60 tests/vm/t-stress.sh

# Apply the series with git am to a pristine tree and build after each patch.
series-check: deps
	$(Q)scripts/check-series.sh

# Keep the test BPF objects that skeletons are generated from.
.SECONDARY: $(B)/tests/reach_test.bpf.o
