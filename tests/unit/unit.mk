# Unit tests of the userspace loader code that needs no kernel: `make unit`,
# and the same tests with ASan and UBSan: `make unit-san`. Each test links
# the pure loader library built with the same flags. Included by the
# top-level Makefile.

UNIT_DIR := $(B)/unit
UNIT_SAN_DIR := $(B)/unit-san
UNIT_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Werror $(EXTRA_CFLAGS) -Ibpf -Iloader
# Any report aborts the test, so a finding cannot scroll by as a pass.
UNIT_SAN_CFLAGS := $(UNIT_CFLAGS) -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_LDLIBS := -lcmocka -ljson-c
UNIT_NAMES := $(notdir $(basename $(wildcard tests/unit/test_*.c)))
UNIT_TESTS := $(addprefix $(UNIT_DIR)/,$(UNIT_NAMES))
UNIT_SAN_TESTS := $(addprefix $(UNIT_SAN_DIR)/,$(UNIT_NAMES))

$(eval $(call objects_in,$(UNIT_DIR)/obj,$(CC),$(UNIT_CFLAGS)))
$(eval $(call pure_lib,$(UNIT_DIR)/obj))
$(eval $(call objects_in,$(UNIT_SAN_DIR)/obj,$(CC),$(UNIT_SAN_CFLAGS)))
$(eval $(call pure_lib,$(UNIT_SAN_DIR)/obj))

# The commit is tested over fake maps: the test implements the calls of
# policy_maps.h and announce.h that policy_commit.c makes.
$(UNIT_DIR)/test_policy_commit: $(UNIT_DIR)/obj/loader/policy_commit.o
$(UNIT_SAN_DIR)/test_policy_commit: $(UNIT_SAN_DIR)/obj/loader/policy_commit.o

$(UNIT_TESTS): $(UNIT_DIR)/%: $(UNIT_DIR)/obj/tests/unit/%.o $(UNIT_DIR)/obj/libp2preach.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) $(filter %.o,$^) $(filter %.a,$^) $(UNIT_LDLIBS) -o $@

$(UNIT_SAN_TESTS): $(UNIT_SAN_DIR)/%: $(UNIT_SAN_DIR)/obj/tests/unit/%.o $(UNIT_SAN_DIR)/obj/libp2preach.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(UNIT_SAN_CFLAGS) $(filter %.o,$^) $(filter %.a,$^) $(UNIT_LDLIBS) -o $@

# Run every binary even after a failure, then fail if any did.
# unit_run DIR-LIST: the loop shared by both builds.
unit_run = status=0; for t in $(1); do \
		echo "\# $$t"; \
		CMOCKA_MESSAGE_OUTPUT=TAP $$t || status=1; \
	done; exit $$status

# Leaks count: a parser that loses memory on a bad file loses it on every
# SIGHUP of the daemon.
UNIT_SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: unit unit-san
unit: $(UNIT_TESTS)
	@$(call unit_run,$(UNIT_TESTS) tests/unit/promtool.sh tests/unit/bench-patch.sh)

unit-san: $(UNIT_SAN_TESTS)
	@export $(UNIT_SAN_ENV); $(call unit_run,$(UNIT_SAN_TESTS))
