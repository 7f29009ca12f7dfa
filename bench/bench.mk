# make bench: measurements in the VM (bench/run.sh), results in
# bench/RESULTS.md and bench/decision-cost.svg. Not a test; not in make check.
# Included by the top-level Makefile (its objects_in, pure_lib and
# bpf_objects rules).

BB := $(B)/bench
# The scale benchmark's policy and loader: 1,024 ids instead of 64.
BENCH_MAX := 1024
BENCH_NATIVE_KDIR := $(B)/kernel-native
BENCH_OBJ := $(BB)/obj

.PHONY: bench bench-bin bench-kernels
bench-kernels: deps
	$(Q)scripts/build-kernel.sh unpatched
	$(Q)scripts/build-kernel.sh native

$(OBJ)/bench/overhead.o $(OBJ)/bench/peer.o $(OBJ)/bench/hmm.o: OBJ_FLAGS = -I$(KSRC) -Ibench -Itests/vm
$(OBJ)/bench/overhead.o $(OBJ)/bench/peer.o $(OBJ)/bench/hmm.o: $(KERNEL_DEP)
$(BB)/overhead $(BB)/peer: $(BB)/%: $(OBJ)/bench/%.o $(OBJ)/bench/hmm.o
	@mkdir -p $(@D)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@

$(BB)/tsc_khz: $(OBJ)/bench/tsc_khz.o
	@mkdir -p $(@D)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@

# The loader and policy with room for BENCH_MAX ids, in a tree of
# their own; its skeletons come first on the include path.
$(eval $(call bpf_objects,$(BB)/bpf,bpf,-DP2PREACH_MAX_DEVICES=$(BENCH_MAX)))
BENCH_SKELS := $(patsubst $(B)/bpf/%,$(BB)/bpf/%,$(SKELS))
.SECONDARY: $(BENCH_SKELS:.skel.h=.bpf.o)
$(eval $(call objects_in,$(BENCH_OBJ),$(CC),-I$(BB)/bpf \
	-DP2PREACH_MAX_DEVICES=$(BENCH_MAX) $(ALL_CFLAGS) -I$(LIBBPF_INCLUDE) \
	-isystem $(UAPI_INCLUDE)))
$(eval $(call pure_lib,$(BENCH_OBJ)))
$(call loader_objs,$(BENCH_OBJ),$(LOADER_SYS)): | $(BENCH_SKELS)
$(BB)/p2preach: $(call loader_objs,$(BENCH_OBJ),$(LOADER_SYS)) $(BENCH_OBJ)/libp2preach.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The loader's own work at 1,024 ids, on the host (make bench-loader).
$(BB)/loader-scale: $(BENCH_OBJ)/bench/loader-scale.o $(BENCH_OBJ)/libp2preach.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -ljson-c -o $@

# The VM tests use this build as "another build" of p2preach (an upgrade).
vm-tests: $(BB)/p2preach

.PHONY: bench-loader
bench-loader: $(BB)/loader-scale
	$(Q)bench/loader-scale.sh $<

# The null policy in BPF, registered with bpftool.
$(eval $(call bpf_objects,$(BB)/bpf-null,bench,))

# The native policy module, built in a copy (Kbuild writes next to the
# sources) against the native kernel's kept build tree.
$(BB)/native/p2preach_native.ko: $(wildcard bench/native/*) bench-kernels
	@mkdir -p $(@D)
	$(call msg,KMOD,$@)
	$(Q)cp bench/native/Kbuild bench/native/*.[ch] $(@D)/
	$(Q)$(MAKE) -s -C $(BENCH_NATIVE_KDIR)/src O=$(abspath $(BENCH_NATIVE_KDIR))/obj \
		M=$(abspath $(@D)) modules >$(B)/logs/bench-native.log 2>&1 || \
		{ tail -n 30 $(B)/logs/bench-native.log; exit 1; }

bench-bin: $(BB)/overhead $(BB)/peer $(BB)/tsc_khz $(BB)/p2preach $(BB)/native/p2preach_native.ko \
	$(BB)/bpf-null/null.bpf.o

bench: loader bench-bin
	$(Q)bench/run.sh
