// SPDX-License-Identifier: GPL-2.0
/*
 * Example policy: "deny all but listed pairs". p2p_allow holds the ordered
 * pairs (client dev_name(), provider dev_name()) that may reach each
 * other, with their verdict; anything else, and any value that is not a
 * verdict, is a deny. No indices, no matrix: edit it with bpftool alone.
 *
 *   bpftool struct_ops register allowlist.bpf.o /sys/fs/bpf/allowlist
 *   bpftool map update name p2p_allow key hex <client, 64 bytes> \
 *           <provider, 64 bytes> value 2 0 0 0
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "p2preach.h"

char LICENSE[] SEC("license") = "GPL";

struct pair {
	char client[P2PREACH_NAME_LEN];
	char provider[P2PREACH_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct pair);
	__type(value, __u32);
} p2p_allow SEC(".maps");

static __always_inline int name_of(struct device *dev, char *buf)
{
	const char *name = dev->kobj.name;	/* a trusted pointer: a plain load */

	if (!name)
		return -1;
	return bpf_probe_read_kernel_str(buf, P2PREACH_NAME_LEN, name) < 0 ? -1 : 0;
}

SEC("struct_ops")
int BPF_PROG(allowlist_decide, struct device *client, struct device *provider,
	     struct dev_pagemap *pgmap, enum pagemap_reach_access access,
	     enum pagemap_reach_origin origin)
{
	struct pair key = {};
	__u32 *v;

	if (name_of(client, key.client) || name_of(provider, key.provider))
		return P2PREACH_DENY;
	v = bpf_map_lookup_elem(&p2p_allow, &key);
	if (!v || (*v != P2PREACH_ALLOW_READ && *v != P2PREACH_ALLOW_RW))
		return P2PREACH_DENY;
	return *v;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops allowlist = {
	.decide = (void *)allowlist_decide,
	.name = "allowlist",
};
