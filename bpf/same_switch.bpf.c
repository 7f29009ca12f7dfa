// SPDX-License-Identifier: GPL-2.0
/*
 * Example policy: "same PCIe switch only". Two devices may reach each
 * other's memory, read-write, when they sit behind the same PCIe switch:
 * p2p_topology maps a device id to its switch (0: none), and `p2preach
 * topology fill` fills it from sysfs. Every other pair goes through
 * system RAM. Ids come and go with their devices: fill it again then.
 *
 *   bpftool struct_ops register same_switch.bpf.o /sys/fs/bpf/same_switch
 *   p2preach topology fill
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "p2preach.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, P2PREACH_MAX_IDS);
	__type(key, __u32);
	__type(value, __u32);	/* the switch's upstream port, packed */
} p2p_topology SEC(".maps");

SEC("struct_ops")
int BPF_PROG(same_switch_decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	__u32 *c = bpf_map_lookup_elem(&p2p_topology, &client_id);
	__u32 *p = bpf_map_lookup_elem(&p2p_topology, &provider_id);

	return c && p && *c && *c == *p ? P2PREACH_ALLOW_RW : P2PREACH_DENY;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops same_switch = {
	.decide = (void *)same_switch_decide,
	.name = "same_switch",
};
