/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Map layout shared by the BPF policy and the userspace that edits it. */
#ifndef P2PREACH_H
#define P2PREACH_H

/* Devices a policy can name; the matrix has one cell per ordered pair. */
#define P2PREACH_MAX_DEVICES	64
#define P2PREACH_MATRIX_CELLS	(P2PREACH_MAX_DEVICES * P2PREACH_MAX_DEVICES)
/* Stats cell for decisions where a device is not in p2p_devices. */
#define P2PREACH_UNKNOWN_CELL	P2PREACH_MATRIX_CELLS
#define P2PREACH_STATS_CELLS	(P2PREACH_MATRIX_CELLS + 1)

/* dev_name() of a device, zero padded: the key of p2p_devices. */
#define P2PREACH_NAME_LEN	64

/* Same values as the kernel's enum pagemap_reach_verdict. */
#define P2PREACH_DENY		0
#define P2PREACH_ALLOW_READ	1
#define P2PREACH_ALLOW_RW	2
#define P2PREACH_NR_VERDICTS	3

struct p2preach_name {
	char name[P2PREACH_NAME_LEN];
};

struct p2preach_config {
	__u32 default_verdict;	/* for devices not in p2p_devices */
};

/* Per ordered pair, per CPU: decisions by verdict, and bad map values. */
struct p2preach_pair_stats {
	__u64 verdicts[P2PREACH_NR_VERDICTS];
	__u64 invalid;
};

/* matrix[client][provider]: may client access provider's memory? */
static inline __u32 p2preach_cell(__u32 client, __u32 provider)
{
	return client * P2PREACH_MAX_DEVICES + provider;
}

#endif /* P2PREACH_H */
