// SPDX-License-Identifier: GPL-2.0
/* Must be rejected: decisions run under the page table lock. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops.s")
int BPF_PROG(decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	return PAGEMAP_REACH_DENY;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops bad_sleepable = {
	.decide = (void *)decide,
	.name = "bad_sleepable",
};
