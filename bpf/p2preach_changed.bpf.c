// SPDX-License-Identifier: GPL-2.0
/*
 * Run by p2preach after it edits the policy's maps: the kernel bumps the
 * policy generation and tells drivers to drop peer mappings made under
 * the old verdicts, so the next access asks the policy again.
 *
 * Weak, so that the loader still works on a kernel without the call; the
 * program then says so with -EOPNOTSUPP.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern int bpf_pagemap_reach_changed(void) __ksym __weak;

SEC("syscall")
int p2p_changed(void *ctx)
{
	if (!bpf_ksym_exists(bpf_pagemap_reach_changed))
		return -95;	/* EOPNOTSUPP */
	return bpf_pagemap_reach_changed();
}
