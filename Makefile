# p2preach: BPF policy for peer access to device-private memory.
#
#   make demo    build everything, boot the patched kernel, show a decision
#   make check   run every test (VM tests on the patched kernel)
#
# Everything is built under build/; the kernel is cached outside the
# checkout (P2PREACH_CACHE, default /var/tmp/p2preach-cache).
#
# The caller's CC, CFLAGS, LDFLAGS and EXTRA_CFLAGS are kept. libbpf,
# bpftool, the UAPI headers and vmlinux.h come from the patched kernel's
# tree; with VMLINUX_H, BPFTOOL, LIBBPF_A, LIBBPF_INCLUDE and UAPI_INCLUDE
# given, the policy and the loader build without it (the VM tests and the
# benchmarks still need the kernel).

SHELL := /bin/bash
.DELETE_ON_ERROR:
B := build
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
msg = @printf '  %-7s %s\n' $(1) $(2)

# make's built-in CC is "cc"; keep any other the caller chose.
ifeq ($(origin CC),default)
CC := gcc
endif
CLANG ?= clang-19
CFLAGS ?= -O2 -g
EXTRA_CFLAGS ?=
LDFLAGS ?=

TOOLS := $(B)/tools
KSRC := $(B)/kernel/src
ifeq ($(origin VMLINUX_H),undefined)
VMLINUX_H := $(B)/vmlinux.h
# Files built from the kernel depend on it through a stamp that only
# changes when the tools (and so the kernel) change.
KERNEL_DEP := $(TOOLS)/.kernel
endif
BPFTOOL ?= $(TOOLS)/bpftool
LIBBPF_A ?= $(TOOLS)/lib/libbpf.a
LIBBPF_INCLUDE ?= $(TOOLS)/include
UAPI_INCLUDE ?= $(B)/kernel/headers/include

# The BPF target architecture, for the PT_REGS macros of bpf_tracing.h.
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/' \
	-e 's/loongarch64/loongarch/')

# A frame over 16 KB is a policy (55 KB) or a snapshot (70 KB) on the
# stack: a warning, an error in the unit tests and fuzzers (-Werror).
WARN := -Wall -Wextra -Wno-unused-parameter -Wframe-larger-than=16384
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -Ibpf -Iloader
LDLIBS := $(LIBBPF_A) -lelf -lz -ljson-c
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) \
	-fms-extensions -Wno-microsoft-anon-tag \
	-I$(dir $(VMLINUX_H)) -I$(LIBBPF_INCLUDE) -Ibpf

# The loader: pure objects (no libbpf, no kernel; unit-tested and fuzzed)
# go into a static library that every program links; the rest touches the
# kernel through libbpf.
LOADER_PURE := cli commands completion names verdict log policy_file \
	policy_rules policy_txn uevent topology kernel_state json_out metrics \
	pins reach_ids sysfs_line explain show_out
LOADER_SYS := main policy_maps policy_commit apply attach lock announce \
	notify stats view cmd_edit cmd_show cmd_stats cmd_status cmd_check \
	daemon
loader_objs = $(patsubst %,$(1)/loader/%.o,$(2))

# objects_in DIR COMPILER FLAGS: a tree of objects under DIR, one per
# source, with dependencies on headers recorded as they are compiled.
define objects_in
$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(call msg,CC,$$@)
	$(Q)$(2) $(3) $$(OBJ_FLAGS) -MMD -MP -c $$< -o $$@
endef

# pure_lib DIR: the pure loader objects of DIR as DIR/libp2preach.a.
define pure_lib
$(1)/libp2preach.a: $(call loader_objs,$(1),$(LOADER_PURE))
	$$(call msg,AR,$$@)
	$(Q)rm -f $$@ && ar rcs $$@ $$^
endef

# bpf_objects OUT SRC FLAGS: OUT/X.bpf.o from SRC/X.bpf.c, and its
# skeleton OUT/X.skel.h (named X_bpf, dashes made underscores).
define bpf_objects
$(1)/%.bpf.o: $(2)/%.bpf.c $(KERNEL_DEP)
	@mkdir -p $$(@D)
	$$(call msg,BPF,$$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(3) -MMD -MP -c $$< -o $$@
$(1)/%.skel.h: $(1)/%.bpf.o
	$$(call msg,GEN,$$@)
	$(Q)$(BPFTOOL) gen skeleton $$< name $$(subst -,_,$$*)_bpf >$$@.tmp && mv $$@.tmp $$@
endef

OBJ := $(B)/obj
BPF_OBJ := $(B)/bpf/p2preach.bpf.o
SKEL := $(B)/bpf/p2preach.skel.h
# The announcement of a map edit, kept out of the policy object.
SKELS := $(SKEL) $(B)/bpf/p2preach_changed.skel.h
# Example policies, registered with bpftool as they are.
EXAMPLES := $(B)/bpf/allowlist.bpf.o

.PHONY: all deps kernel tools bpf loader tests unit-bin vm-tests check demo install clean distclean
all: loader tests unit-bin

$(eval $(call objects_in,$(OBJ),$(CC),$(ALL_CFLAGS) -I$(LIBBPF_INCLUDE) -I$(B)/bpf -isystem $(UAPI_INCLUDE)))
$(eval $(call pure_lib,$(OBJ)))
$(eval $(call bpf_objects,$(B)/bpf,bpf,))
# Keep the objects: the skeletons embed them, and tests load them too.
.SECONDARY: $(SKELS:.skel.h=.bpf.o)

# Objects that include a skeleton wait for it on the first build; after
# that their .d files know.
$(call loader_objs,$(OBJ),$(LOADER_SYS)): | $(SKELS)

deps:
	$(Q)scripts/deps.sh

kernel: deps
	$(Q)scripts/build-kernel.sh

tools: kernel
	$(Q)scripts/build-tools.sh

$(TOOLS)/.kernel: tools ;

bpf: $(BPF_OBJ) $(SKELS) $(EXAMPLES)

$(B)/p2preach: $(call loader_objs,$(OBJ),$(LOADER_SYS)) $(OBJ)/libp2preach.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

loader: $(B)/p2preach

# The bash completion script is generated from the command table and
# committed; make unit fails while it is stale.
.PHONY: completion
$(B)/gen-completion: $(OBJ)/loader/gen_completion.o $(OBJ)/libp2preach.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -ljson-c -o $@
completion: $(B)/gen-completion
	$(Q)$< >$(B)/p2preach.bash-completion.tmp && \
		mv $(B)/p2preach.bash-completion.tmp packaging/p2preach.bash-completion

# Test programs the VM tests run; they link the loader's objects they use.
VM_OBJ := $(OBJ)/tests/vm
$(OBJ)/tests/vm/%.o: OBJ_FLAGS = -I$(KSRC) -Itests/vm -I$(B)/tests
VM_TEST_LIB := $(VM_OBJ)/dmirror.o $(VM_OBJ)/tap.o
$(patsubst tests/vm/%.c,$(VM_OBJ)/%.o,$(wildcard tests/vm/*.c)): $(KERNEL_DEP)

$(B)/tests/peer_access: $(VM_OBJ)/peer_access.o $(VM_TEST_LIB) \
		$(call loader_objs,$(OBJ),policy_maps policy_commit announce) \
		$(OBJ)/libp2preach.a
$(B)/tests/stress: $(VM_OBJ)/stress.o $(VM_TEST_LIB)
$(B)/tests/stress: LDLIBS += -lpthread
$(VM_OBJ)/stress.o: | $(SKEL)
# Does an edit reach pages already mapped? (t-cli)
$(B)/tests/hold: $(VM_OBJ)/hold.o $(VM_TEST_LIB)

VM_PROGRAMS := $(B)/tests/peer_access $(B)/tests/stress $(B)/tests/hold

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/vm/vm.mk
include bench/bench.mk
include packaging/deb.mk
unit-bin: $(UNIT_TESTS)

$(VM_PROGRAMS):
	@mkdir -p $(@D)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

tests: $(VM_PROGRAMS) $(BPF_OBJ) $(EXAMPLES) vm-tests

# make install [DESTDIR=...] [PREFIX=/usr/local]: the daemon and CLI, its
# systemd unit, man pages, bash completion, the example policy (also as
# /etc/p2preach/policy.conf unless one is there) and the policy object for
# bpftool users.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/p2preach
LIBDIR ?= $(PREFIX)/lib/p2preach

install: $(B)/p2preach $(BPF_OBJ) $(EXAMPLES)
	install -D -m 0755 $(B)/p2preach $(DESTDIR)$(SBINDIR)/p2preach
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		packaging/p2preach.service.in >$(DESTDIR)$(UNITDIR)/p2preach.service
	install -D -m 0644 docs/p2preach.8 $(DESTDIR)$(MANDIR)/man8/p2preach.8
	install -D -m 0644 docs/p2preach.conf.5 $(DESTDIR)$(MANDIR)/man5/p2preach.conf.5
	install -D -m 0644 packaging/p2preach.bash-completion $(DESTDIR)$(COMPLETIONDIR)/p2preach
	install -D -m 0644 packaging/policy.conf $(DESTDIR)$(DOCDIR)/examples/policy.conf
	install -D -m 0644 $(BPF_OBJ) $(DESTDIR)$(LIBDIR)/p2preach.bpf.o
	install -D -m 0644 $(EXAMPLES) -t $(DESTDIR)$(LIBDIR)/examples
	[ -e $(DESTDIR)$(SYSCONFDIR)/p2preach/policy.conf ] || \
		install -D -m 0644 packaging/policy.conf $(DESTDIR)$(SYSCONFDIR)/p2preach/policy.conf

check: all
	$(Q)tests/check.sh

demo: all
	$(Q)scripts/demo.sh

clean:
	rm -rf $(OBJ) $(B)/bpf $(B)/tests $(B)/unit $(B)/unit-san $(B)/fuzz $(B)/p2preach $(B)/logs

distclean:
	rm -rf $(B)

# Header dependencies recorded by -MMD, in the trees this Makefile builds
# (not build/tools: libbpf's and bpftool's own, nor a staging tree).
DEP_TREES := $(OBJ) $(B)/bpf $(B)/tests $(B)/unit $(B)/unit-san $(B)/fuzz $(B)/bench
-include $(shell find $(DEP_TREES) -name '*.d' -type f 2>/dev/null)
