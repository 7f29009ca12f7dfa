// SPDX-License-Identifier: GPL-2.0
/*
 * Example policy: "same PCIe switch only". Two devices may reach each
 * other's memory, read-write, when they sit behind the same PCIe switch:
 * p2p_topology maps a dev_name() to its switch, and `p2preach topology
 * fill` fills it from sysfs. Every other pair, and every device the map
 * does not know, goes through system RAM.
 *
 *   bpftool struct_ops register same_switch.bpf.o /sys/fs/bpf/same_switch
 *   p2preach topology fill
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "p2preach.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct p2preach_name);
	__type(value, __u32);	/* the switch's upstream port, packed */
} p2p_topology SEC(".maps");

static __always_inline __u32 *switch_of(struct device *dev)
{
	struct p2preach_name key = {};
	const char *name = dev->kobj.name;	/* a trusted pointer: a plain load */

	if (!name || bpf_probe_read_kernel_str(key.name, sizeof(key.name), name) < 0)
		return NULL;
	return bpf_map_lookup_elem(&p2p_topology, &key);
}

SEC("struct_ops")
int BPF_PROG(same_switch_decide, struct device *client, struct device *provider,
	     struct dev_pagemap *pgmap, enum pagemap_reach_access access,
	     enum pagemap_reach_origin origin)
{
	__u32 *c = switch_of(client), *p = switch_of(provider);

	return c && p && *c == *p ? P2PREACH_ALLOW_RW : P2PREACH_DENY;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops same_switch = {
	.decide = (void *)same_switch_decide,
	.name = "same_switch",
};
