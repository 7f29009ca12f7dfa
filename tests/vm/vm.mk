# Kernel-side VM tests: test programs and their test-only BPF objects.
# Included by the top-level Makefile (needs CLANG, BPFTOOL, CFLAGS, LDLIBS).

VM_TEST_LIB := tests/vm/dmirror.c tests/vm/tap.c
VM_TEST_HDRS := tests/vm/dmirror.h tests/vm/tap.h

$(B)/tests/%.bpf.o: tests/bpf/%.bpf.c $(B)/tools/.kernel
	@mkdir -p $(@D)
	@echo "  BPF     $@"
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 \
		-I$(B) -I$(TOOLS)/include -c $< -o $@

$(B)/tests/%.skel.h: $(B)/tests/%.bpf.o
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf >$@.tmp && mv $@.tmp $@

$(B)/tests/reach: tests/vm/reach.c $(VM_TEST_LIB) $(VM_TEST_HDRS) $(B)/tests/reach_test.skel.h
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -I$(KSRC) -Itests/vm -I$(B)/tests tests/vm/reach.c $(VM_TEST_LIB) $(LDLIBS) -o $@

vm-tests: $(B)/tests/reach
