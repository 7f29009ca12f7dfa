// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach policy: may device A access memory that lives in device B?
 *
 * The kernel names both by id; the matrix in slot 0 of p2p_policy holds
 * the verdict of [client id][provider id], and in its last cell the
 * verdict of ids past the matrix. A whole policy is applied by putting a
 * new matrix in that slot: a decision sees the old matrix or the new one,
 * never a mix. Single verdicts may be edited in place.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "p2preach.h"

char LICENSE[] SEC("license") = "GPL";

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

/* An entry per cell that saw a decision, allocated then: see p2preach.h. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, P2PREACH_STATS_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct p2preach_pair_stats);
} p2p_stats SEC(".maps");

static __always_inline void count(__u32 cell, __u32 verdict)
{
	struct p2preach_pair_stats *st, zero = {};

	st = bpf_map_lookup_elem(&p2p_stats, &cell);
	if (!st) {
		/* The first decision of the pair; a full map counts nothing. */
		bpf_map_update_elem(&p2p_stats, &cell, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&p2p_stats, &cell);
		if (!st)
			return;
	}
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

SEC("struct_ops")
int BPF_PROG(p2preach_decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	__u32 zero = 0, cell = P2PREACH_DEFAULT_CELL, verdict = P2PREACH_DENY;
	void *matrix;
	__u32 *v;

	if (client_id < P2PREACH_MAX_DEVICES && provider_id < P2PREACH_MAX_DEVICES)
		cell = p2preach_cell(client_id, provider_id);
	/* One lookup of the slot: this decision uses one matrix throughout. */
	matrix = bpf_map_lookup_elem(&p2p_policy, &zero);
	if (matrix) {
		v = bpf_map_lookup_elem(matrix, &cell);
		if (v)
			verdict = *v;
	}
	count(cell, verdict);
	/* A bad map value goes to the kernel as is: it denies and counts it. */
	return verdict;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops p2preach = {
	.decide = (void *)p2preach_decide,
	.name = "p2preach",
};
