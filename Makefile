# p2preach: BPF policy for peer access to device-private memory.
#
#   make demo    build everything, boot the patched kernel, show a decision
#   make check   run every test (VM tests on the patched kernel)
#
# Everything is built under build/; the kernel is cached outside the
# checkout (P2PREACH_CACHE, default /var/tmp/p2preach-cache).

SHELL := /bin/bash
B := build
CLANG ?= clang-19
CC := gcc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

TOOLS := $(B)/tools
BPFTOOL := $(TOOLS)/bpftool
LIBBPF := $(TOOLS)/lib/libbpf.a
KHDR := $(B)/kernel/headers/include
KSRC := $(B)/kernel/src

CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-I$(TOOLS)/include -Ibpf -Iloader -I$(B)/bpf -isystem $(KHDR)
LDLIBS := $(LIBBPF) -lelf -lz -ljson-c

# The loader: small files with one job each (see loader/*.h).
LOADER_SRCS := loader/main.c loader/cli.c loader/names.c loader/verdict.c \
	loader/log.c loader/lock.c loader/json_writer.c loader/notify.c \
	loader/uevent.c loader/policy_file.c loader/policy_rules.c \
	loader/policy_maps.c loader/apply.c loader/attach.c \
	loader/cmd_edit.c loader/cmd_show.c loader/daemon.c loader/announce.c \
	loader/kernel_state.c loader/topology.c loader/cmd_topology.c
LOADER_HDRS := $(wildcard loader/*.h) bpf/p2preach.h
BPF_OBJ := $(B)/bpf/p2preach.bpf.o
SKEL := $(B)/bpf/p2preach.skel.h
# The announcement of a map edit, kept out of the policy object.
SKELS := $(SKEL) $(B)/bpf/p2preach_changed.skel.h
# Example policies, registered with bpftool as they are.
EXAMPLES := $(B)/bpf/allowlist.bpf.o $(B)/bpf/same_switch.bpf.o

.PHONY: all deps kernel tools bpf loader tests unit-bin vm-tests check demo install clean distclean
all: loader tests unit-bin

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
include tests/vm/vm.mk
include bench/bench.mk
include packaging/deb.mk
unit-bin: $(UNIT_TESTS)

deps:
	$(Q)scripts/deps.sh

kernel: deps
	$(Q)scripts/build-kernel.sh

tools: kernel
	$(Q)scripts/build-tools.sh

# Real files depend on the phony chain through a stamp that only changes
# when the tools (and so the kernel) change.
$(B)/tools/.kernel: tools ;

$(B)/bpf/%.bpf.o: bpf/%.bpf.c bpf/p2preach.h $(B)/tools/.kernel
	@mkdir -p $(@D)
	@echo "  BPF     $@"
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 -fms-extensions -Wno-microsoft-anon-tag \
		-I$(B) -I$(TOOLS)/include -Ibpf -c $< -o $@

$(B)/bpf/%.skel.h: $(B)/bpf/%.bpf.o
	@echo "  GEN     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf >$@.tmp && mv $@.tmp $@

# Keep the objects: the skeletons embed them, and tests load them too.
.SECONDARY: $(SKELS:.skel.h=.bpf.o)

bpf: $(BPF_OBJ) $(SKELS) $(EXAMPLES)

$(B)/p2preach: $(LOADER_SRCS) $(LOADER_HDRS) $(SKELS)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) $(LOADER_SRCS) $(LDLIBS) -o $@

loader: $(B)/p2preach

PEER_SRCS := tests/vm/peer_access.c tests/vm/dmirror.c tests/vm/tap.c loader/policy_maps.c \
	loader/names.c loader/verdict.c loader/log.c
$(B)/tests/peer_access: $(PEER_SRCS) tests/vm/dmirror.h tests/vm/dmirror_ioctl.h tests/vm/tap.h $(LOADER_HDRS) $(B)/tools/.kernel
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -I$(KSRC) -Itests/vm $(PEER_SRCS) $(LDLIBS) -o $@

$(B)/tests/stress: tests/vm/stress.c tests/vm/dmirror.c tests/vm/tap.c tests/vm/dmirror.h tests/vm/dmirror_ioctl.h bpf/p2preach.h $(SKEL)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -I$(KSRC) -Itests/vm tests/vm/stress.c tests/vm/dmirror.c tests/vm/tap.c $(LDLIBS) -lpthread -o $@

# Does an edit reach pages already mapped? (t-cli)
$(B)/tests/hold: tests/vm/hold.c tests/vm/dmirror.c tests/vm/tap.c tests/vm/dmirror.h tests/vm/dmirror_ioctl.h $(B)/tools/.kernel
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -I$(KSRC) -Itests/vm tests/vm/hold.c tests/vm/dmirror.c tests/vm/tap.c -o $@

tests: $(B)/tests/peer_access $(B)/tests/stress $(B)/tests/hold $(BPF_OBJ) $(EXAMPLES) vm-tests

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
	rm -rf $(B)/bpf $(B)/tests $(B)/unit $(B)/unit-san $(B)/fuzz $(B)/p2preach $(B)/logs

distclean:
	rm -rf $(B)
