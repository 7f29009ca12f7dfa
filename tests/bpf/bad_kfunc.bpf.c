// SPDX-License-Identifier: GPL-2.0
/* Must be rejected: a decision calls a kfunc meant for syscall programs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern int bpf_pagemap_reach_changed(void) __ksym;

SEC("struct_ops")
int BPF_PROG(decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	bpf_pagemap_reach_changed();
	return PAGEMAP_REACH_DENY;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops bad_kfunc = {
	.decide = (void *)decide,
	.name = "bad_kfunc",
};
