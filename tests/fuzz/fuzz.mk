# libFuzzer harnesses for the parsers that take untrusted text: the policy
# file and the command line. `make fuzz` builds them with clang and runs
# each for FUZZ_SECONDS from a copy of its seed corpus (tests/fuzz/corpus/,
# never written to); any crash, leak or sanitizer report fails it.
# Included by the top-level Makefile.

B ?= build
FUZZ_CC ?= clang-19
FUZZ_SECONDS ?= 30
FUZZ_DIR := $(B)/fuzz
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
	-Werror -Ibpf -Iloader \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_HDRS := bpf/p2preach.h $(wildcard loader/*.h) tests/fuzz/fuzz.h
FUZZ_NAMES := policy_file cli
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))

$(FUZZ_DIR)/fuzz_policy_file: tests/fuzz/fuzz_policy_file.c \
		loader/policy_file.c loader/policy_rules.c $(FUZZ_HDRS)
$(FUZZ_DIR)/fuzz_cli: tests/fuzz/fuzz_cli.c loader/cli.c loader/verdict.c \
		$(FUZZ_HDRS)

$(FUZZ_BINS):
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

.PHONY: fuzz fuzz-bin
fuzz-bin: $(FUZZ_BINS)

# One TAP line per harness; every harness runs even after a failure.
fuzz: $(FUZZ_BINS)
	@status=0; n=0; for h in $(FUZZ_NAMES); do \
		n=$$((n + 1)); \
		tests/fuzz/run.sh $$n $$h $(FUZZ_DIR) $(FUZZ_SECONDS) || status=1; \
	done; exit $$status
