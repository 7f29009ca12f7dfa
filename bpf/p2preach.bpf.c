// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach policy: may device A access memory that lives in device B?
 *
 * Devices are named by dev_name(); p2p_devices maps a name to an
 * index, and the matrix in slot 0 of p2p_policy holds the verdict of
 * [client][provider] and the default. A whole policy is applied by
 * putting a new matrix in that slot: a decision sees the old matrix or
 * the new one, never a mix. Single verdicts may be edited in place.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "p2preach.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, P2PREACH_MAX_DEVICES);
	__type(key, struct p2preach_name);
	__type(value, __u32);
} p2p_devices SEC(".maps");

struct p2p_matrix_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, P2PREACH_POLICY_CELLS);
	__type(key, __u32);
	__type(value, __u32);
} p2p_matrix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct p2p_matrix_map);
} p2p_policy SEC(".maps") = {
	.values = { [0] = &p2p_matrix },
};

/* Read by userspace only; here so that every loader creates it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct p2preach_state);
} p2p_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, P2PREACH_STATS_CELLS);
	__type(key, __u32);
	__type(value, struct p2preach_pair_stats);
} p2p_stats SEC(".maps");

static __always_inline int device_index(struct device *dev, __u32 *index)
{
	struct p2preach_name key = {};
	/* dev is a trusted pointer: a plain load, no helper call. */
	const char *name = dev->kobj.name;
	__u32 *found;

	if (!name || bpf_probe_read_kernel_str(key.name, sizeof(key.name), name) < 0)
		return -1;
	found = bpf_map_lookup_elem(&p2p_devices, &key);
	if (!found || *found >= P2PREACH_MAX_DEVICES)
		return -1;
	*index = *found;
	return 0;
}

SEC("struct_ops")
int BPF_PROG(p2preach_decide, struct device *client, struct device *provider,
	     struct dev_pagemap *pgmap, enum pagemap_reach_access access,
	     enum pagemap_reach_origin origin)
{
	__u32 c, p, zero = 0, cell = P2PREACH_UNKNOWN_CELL;
	__u32 verdict = P2PREACH_DENY, vcell = P2PREACH_DEFAULT_CELL;
	struct p2preach_pair_stats *st;
	void *matrix;
	__u32 *v;

	if (!device_index(client, &c) && !device_index(provider, &p))
		cell = vcell = p2preach_cell(c, p);
	/* One lookup of the slot: this decision uses one matrix throughout. */
	matrix = bpf_map_lookup_elem(&p2p_policy, &zero);
	if (matrix) {
		v = bpf_map_lookup_elem(matrix, &vcell);
		if (v)
			verdict = *v;
	}

	st = bpf_map_lookup_elem(&p2p_stats, &cell);
	if (st) {
		/* Constant indices: the verifier wants bounded accesses. */
		switch (verdict) {
		case P2PREACH_DENY:
			st->verdicts[P2PREACH_DENY]++;
			break;
		case P2PREACH_ALLOW_READ:
			st->verdicts[P2PREACH_ALLOW_READ]++;
			break;
		case P2PREACH_ALLOW_RW:
			st->verdicts[P2PREACH_ALLOW_RW]++;
			break;
		default:
			st->invalid++;
		}
	}
	/* A bad map value goes to the kernel as is: it denies and counts it. */
	return verdict;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops p2preach = {
	.decide = (void *)p2preach_decide,
	.name = "p2preach",
};
