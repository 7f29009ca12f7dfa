# libFuzzer harnesses for the parsers that take untrusted text: the policy
# file and the command line. `make fuzz` builds them with clang and runs
# each for FUZZ_SECONDS from a copy of its seed corpus (tests/fuzz/corpus/,
# never written to); any crash, leak or sanitizer report fails it.
# Included by the top-level Makefile.

FUZZ_CC ?= $(CLANG)
FUZZ_SECONDS ?= 30
FUZZ_DIR := $(B)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer $(WARN) -Werror \
	$(EXTRA_CFLAGS) -Ibpf -Iloader $(FUZZ_SAN)
FUZZ_NAMES := policy_file cli
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))

# The library is instrumented for coverage; only the harness links libFuzzer.
$(eval $(call objects_in,$(FUZZ_DIR)/obj,$(FUZZ_CC),$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link))
$(eval $(call pure_lib,$(FUZZ_DIR)/obj))

$(FUZZ_BINS): $(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/tests/fuzz/%.o $(FUZZ_DIR)/obj/libp2preach.a
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -ljson-c -o $@

.PHONY: fuzz fuzz-bin
fuzz-bin: $(FUZZ_BINS)

# One TAP line per harness; every harness runs even after a failure.
fuzz: $(FUZZ_BINS)
	@status=0; n=0; for h in $(FUZZ_NAMES); do \
		n=$$((n + 1)); \
		tests/fuzz/run.sh $$n $$h $(FUZZ_DIR) $(FUZZ_SECONDS) || status=1; \
	done; exit $$status
