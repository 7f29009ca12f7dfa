// SPDX-License-Identifier: GPL-2.0
/*
 * Example policy: "deny all but listed pairs". p2p_allow holds the ordered
 * pairs of ids (client id, provider id, as listed under
 * /sys/kernel/mm/pagemap_reach/devices) that may reach each other, with
 * their verdict; anything else, and any value that is not a verdict, is a
 * deny. No matrix: edit it with bpftool alone, keys as two 32-bit ids.
 *
 *   bpftool struct_ops register allowlist.bpf.o /sys/fs/bpf/allowlist
 *   bpftool map update name p2p_allow key <client id, 4 bytes> \
 *           <provider id, 4 bytes> value 2 0 0 0
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "p2preach.h"

char LICENSE[] SEC("license") = "GPL";

struct pair {
	__u32 client_id;
	__u32 provider_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct pair);
	__type(value, __u32);
} p2p_allow SEC(".maps");

SEC("struct_ops")
int BPF_PROG(allowlist_decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	struct pair key = { .client_id = client_id, .provider_id = provider_id };
	__u32 *v = bpf_map_lookup_elem(&p2p_allow, &key);

	if (!v || (*v != P2PREACH_ALLOW_READ && *v != P2PREACH_ALLOW_RW))
		return P2PREACH_DENY;
	return *v;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops allowlist = {
	.decide = (void *)allowlist_decide,
	.name = "allowlist",
};
