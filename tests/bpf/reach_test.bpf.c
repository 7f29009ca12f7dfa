// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal pagemap_reach_ops policy for the kernel tests: test_hmm's
 * hmm_dmirrorN is device N, and verdicts[client * 8 + provider] is the
 * answer. Kept apart from the product policy so that kernel tests do not
 * depend on its map layout.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define MAX_DEV 8

char LICENSE[] SEC("license") = "GPL";

extern int bpf_pagemap_reach_changed(void) __ksym;
extern int bpf_pagemap_reach_provider_changed(__u32 provider_id) __ksym;
extern int bpf_pci_p2pdma_distance(const char *client, __u32 client__sz,
					  const char *provider,
					  __u32 provider__sz) __ksym;

#define NAME_LEN 64

/* In and out of the pci_distance program (its context). */
struct pci_query {
	char client[NAME_LEN];
	char provider[NAME_LEN];
	int distance;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_DEV * MAX_DEV);
	__type(key, __u32);
	__type(value, __u32);
} verdicts SEC(".maps");

/* Decisions seen, by origin (0 fault, 1 migrate) and access (0 read, 1 write). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

/* "hmm_dmirrorN" -> N, anything else -> -1. */
static __always_inline int dmirror_index(struct device *dev)
{
	char name[16] = {};
	const char *p = BPF_CORE_READ(dev, kobj.name);

	if (bpf_probe_read_kernel_str(name, sizeof(name), p) != 13)
		return -1;
	if (name[0] != 'h' || name[4] != 'd' || name[10] != 'r')
		return -1;
	if (name[11] < '0' || name[11] >= '0' + MAX_DEV)
		return -1;
	return name[11] - '0';
}

SEC("struct_ops")
int BPF_PROG(decide, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	int c = dmirror_index(client), p = dmirror_index(provider);
	__u32 key = (origin ? 2 : 0) + (access ? 1 : 0), cell;
	__u64 *n;
	__u32 *v;

	n = bpf_map_lookup_elem(&calls, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	if (c < 0 || p < 0)
		return PAGEMAP_REACH_DENY;
	cell = c * MAX_DEV + p;
	v = bpf_map_lookup_elem(&verdicts, &cell);
	return v ? *v : PAGEMAP_REACH_DENY;
}

SEC("struct_ops")
int BPF_PROG(deny_all, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	return PAGEMAP_REACH_DENY;
}

/* Returns a value outside the verdicts: the kernel must deny and count. */
SEC("struct_ops")
int BPF_PROG(bogus, u32 client_id, u32 provider_id,
	     struct device *client, struct device *provider,
	     enum pagemap_reach_access access, enum pagemap_reach_origin origin)
{
	return 42;
}

SEC("syscall")
int changed(void *ctx)
{
	return bpf_pagemap_reach_changed();
}

SEC("syscall")
int provider_changed(__u32 *provider_id)
{
	return bpf_pagemap_reach_provider_changed(*provider_id);
}

SEC("syscall")
int pci_distance(struct pci_query *q)
{
	char client[NAME_LEN], provider[NAME_LEN];

	__builtin_memcpy(client, q->client, NAME_LEN);
	__builtin_memcpy(provider, q->provider, NAME_LEN);
	q->distance = bpf_pci_p2pdma_distance(client, NAME_LEN,
						     provider, NAME_LEN);
	return 0;
}

SEC(".struct_ops.link")
struct pagemap_reach_ops reach_test = {
	.decide = (void *)decide,
	.name = "reach_test",
};

SEC(".struct_ops.link")
struct pagemap_reach_ops reach_deny = {
	.decide = (void *)deny_all,
	.name = "reach_deny",
};

SEC(".struct_ops.link")
struct pagemap_reach_ops reach_bogus = {
	.decide = (void *)bogus,
	.name = "reach_bogus",
};
