# Unit tests of the userspace loader code that needs no kernel: `make unit`.
# Included by the top-level Makefile; works alone too:
#   make -f tests/unit/unit.mk unit

B ?= build
UNIT_DIR := $(B)/unit
UNIT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ibpf -Iloader
UNIT_LDLIBS := -lcmocka
UNIT_HDRS := bpf/p2preach.h $(wildcard loader/*.h)
UNIT_TESTS := $(UNIT_DIR)/test_policy_file $(UNIT_DIR)/test_policy_rules \
	$(UNIT_DIR)/test_cli $(UNIT_DIR)/test_names $(UNIT_DIR)/test_topology \
	$(UNIT_DIR)/test_json

$(UNIT_DIR)/test_policy_file: tests/unit/test_policy_file.c \
		loader/policy_file.c $(UNIT_HDRS)
$(UNIT_DIR)/test_policy_rules: tests/unit/test_policy_rules.c \
		loader/policy_rules.c loader/policy_file.c $(UNIT_HDRS)
$(UNIT_DIR)/test_cli: tests/unit/test_cli.c loader/cli.c loader/verdict.c \
		$(UNIT_HDRS)
$(UNIT_DIR)/test_names: tests/unit/test_names.c loader/names.c \
		loader/uevent.c $(UNIT_HDRS)
$(UNIT_DIR)/test_topology: tests/unit/test_topology.c loader/topology.c \
		$(UNIT_HDRS)
$(UNIT_DIR)/test_json: tests/unit/test_json.c loader/json_writer.c $(UNIT_HDRS)

$(UNIT_TESTS):
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) $(filter %.c,$^) $(UNIT_LDLIBS) -o $@

# Run every binary even after a failure, then fail if any did.
.PHONY: unit
unit: $(UNIT_TESTS)
	@status=0; for t in $(UNIT_TESTS); do \
		echo "# $$t"; \
		CMOCKA_MESSAGE_OUTPUT=TAP $$t || status=1; \
	done; exit $$status
