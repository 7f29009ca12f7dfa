// SPDX-License-Identifier: GPL-2.0
/* Must be rejected: a policy calls a helper that only tracing may use. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	int zero = 0;

	bpf_probe_write_user((void *)0x1000, &zero, sizeof(zero));
	return PAGEMAP_REACH_DENY;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops bad_helper = {
	.decide = (void *)decide,
	.name = "bad_helper",
};
