# Unit tests of the userspace loader code that needs no kernel: `make unit`,
# and the same tests with ASan and UBSan: `make unit-san`.
# Included by the top-level Makefile; works alone too:
#   make -f tests/unit/unit.mk unit unit-san

B ?= build
CC ?= gcc
UNIT_DIR := $(B)/unit
UNIT_SAN_DIR := $(B)/unit-san
UNIT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ibpf -Iloader
# Any report aborts the test, so a finding cannot scroll by as a pass.
UNIT_SAN_CFLAGS := -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_LDLIBS := -lcmocka
UNIT_HDRS := bpf/p2preach.h $(wildcard loader/*.h)
UNIT_NAMES := test_policy_file test_policy_rules test_cli test_names \
	test_topology test_json
UNIT_TESTS := $(addprefix $(UNIT_DIR)/,$(UNIT_NAMES))
UNIT_SAN_TESTS := $(addprefix $(UNIT_SAN_DIR)/,$(UNIT_NAMES))

# Each test's sources, for both builds.
u = $(UNIT_DIR)/$(1) $(UNIT_SAN_DIR)/$(1)
$(call u,test_policy_file): tests/unit/test_policy_file.c \
		loader/policy_file.c $(UNIT_HDRS)
$(call u,test_policy_rules): tests/unit/test_policy_rules.c \
		loader/policy_rules.c loader/policy_file.c $(UNIT_HDRS)
$(call u,test_cli): tests/unit/test_cli.c loader/cli.c loader/verdict.c \
		$(UNIT_HDRS)
$(call u,test_names): tests/unit/test_names.c loader/names.c \
		loader/uevent.c $(UNIT_HDRS)
$(call u,test_topology): tests/unit/test_topology.c loader/topology.c \
		$(UNIT_HDRS)
$(call u,test_json): tests/unit/test_json.c loader/json_writer.c $(UNIT_HDRS)
$(call u,test_json): UNIT_LDLIBS += -ljson-c

$(UNIT_TESTS):
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(filter %.c,$^) $(UNIT_LDLIBS) -o $@

$(UNIT_SAN_TESTS):
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(UNIT_SAN_CFLAGS) $(filter %.c,$^) $(UNIT_LDLIBS) -o $@

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
	@$(call unit_run,$(UNIT_TESTS))

unit-san: $(UNIT_SAN_TESTS)
	@export $(UNIT_SAN_ENV); $(call unit_run,$(UNIT_SAN_TESTS))
