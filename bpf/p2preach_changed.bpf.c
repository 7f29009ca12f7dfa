// SPDX-License-Identifier: GPL-2.0
/*
 * Run by p2preach after it edits the policy's maps: the kernel bumps the
 * generation of the provider whose column changed (of every provider for
 * P2PREACH_ALL_PROVIDERS) and tells drivers to drop peer mappings of that
 * memory made under the old verdicts, so the next access asks again.
 *
 * Weak, so that the loader still works on a kernel without the calls: with
 * no scoped call it announces to every provider and returns 1 (nothing
 * more to announce); with neither, -EOPNOTSUPP.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "p2preach.h"

char LICENSE[] SEC("license") = "GPL";

extern int bpf_pagemap_reach_changed(void) __ksym __weak;
extern int bpf_pagemap_reach_provider_changed(u32 provider_id) __ksym __weak;

SEC("syscall")
int p2p_changed(struct p2preach_changed_ctx *ctx)
{
	__u32 id = ctx->provider_id;
	int err;

	if (id != P2PREACH_ALL_PROVIDERS &&
	    bpf_ksym_exists(bpf_pagemap_reach_provider_changed))
		return bpf_pagemap_reach_provider_changed(id);
	if (!bpf_ksym_exists(bpf_pagemap_reach_changed))
		return -95;	/* EOPNOTSUPP */
	err = bpf_pagemap_reach_changed();
	return err ? err : 1;
}
