# make bench: measurements in the VM (bench/run.sh), results in
# bench/RESULTS.md and bench/decision-cost.svg. Not a test; not in make check.
# Included by the top-level Makefile (needs CLANG, BPFTOOL, CFLAGS, LDLIBS).

BB := $(B)/bench
# The scale benchmark's policy and loader: 1024 devices instead of 64.
BENCH_MAX := 1024
BENCH_NATIVE_KDIR := $(B)/kernel-native

.PHONY: bench bench-bin bench-kernels
bench-kernels: deps
	$(Q)scripts/build-kernel.sh unpatched
	$(Q)scripts/build-kernel.sh native

$(BB)/overhead $(BB)/peer: $(BB)/%: bench/%.c bench/hmm.c bench/hmm.h tests/vm/dmirror_ioctl.h $(B)/tools/.kernel
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -I$(KSRC) -Ibench -Itests/vm $< bench/hmm.c -o $@

$(BB)/tsc_khz: bench/tsc_khz.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -O2 -Wall $< -o $@

$(BB)/bpf/%.bpf.o: bpf/%.bpf.c bpf/p2preach.h $(B)/tools/.kernel
	@mkdir -p $(@D)
	@echo "  BPF     $@"
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 -fms-extensions -Wno-microsoft-anon-tag \
		-DP2PREACH_MAX_DEVICES=$(BENCH_MAX) \
		-I$(B) -I$(TOOLS)/include -Ibpf -c $< -o $@

$(BB)/bpf/%.skel.h: $(BB)/bpf/%.bpf.o
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf >$@.tmp && mv $@.tmp $@

.SECONDARY: $(BB)/bpf/p2preach.bpf.o $(BB)/bpf/p2preach_changed.bpf.o

# The skeletons of build/bench/bpf come first on the include path.
$(BB)/p2preach: $(LOADER_SRCS) $(LOADER_HDRS) $(BB)/bpf/p2preach.skel.h \
		$(BB)/bpf/p2preach_changed.skel.h
	@echo "  CC      $@"
	$(Q)$(CC) -I$(BB)/bpf -DP2PREACH_MAX_DEVICES=$(BENCH_MAX) $(CFLAGS) \
		$(LOADER_SRCS) $(LDLIBS) -o $@

# The native policy module, built in a copy (Kbuild writes next to the
# sources) against the native kernel's kept build tree.
$(BB)/native/p2preach_native.ko: $(wildcard bench/native/*) bench-kernels
	@mkdir -p $(@D)
	@echo "  KMOD    $@"
	$(Q)cp bench/native/Kbuild bench/native/*.[ch] $(@D)/
	$(Q)$(MAKE) -s -C $(BENCH_NATIVE_KDIR)/src O=$(abspath $(BENCH_NATIVE_KDIR))/obj \
		M=$(abspath $(@D)) modules >$(B)/logs/bench-native.log 2>&1 || \
		{ tail -n 30 $(B)/logs/bench-native.log; exit 1; }

bench-bin: $(BB)/overhead $(BB)/peer $(BB)/tsc_khz $(BB)/p2preach $(BB)/native/p2preach_native.ko

bench: loader bench-bin
	$(Q)bench/run.sh
