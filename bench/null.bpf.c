// SPDX-License-Identifier: GPL-2.0
/*
 * The null policy in BPF: allows every pair, reads no map. Against the
 * null policy in C (bench/native), the cost of entering and leaving a BPF
 * program through its trampoline.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops")
int BPF_PROG(bench_null_decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	return 2;	/* PAGEMAP_REACH_ALLOW_RW */
}

SEC(".struct_ops.link")
struct pagemap_reach_ops bench_null = {
	.decide = (void *)bench_null_decide,
	.name = "bench_null",
};
