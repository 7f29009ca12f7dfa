/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Map layout shared by the BPF policy and the userspace that edits it. */
#ifndef P2PREACH_H
#define P2PREACH_H

#ifndef __VMLINUX_H__	/* userspace; BPF gets the types from vmlinux.h */
#include <linux/types.h>
#endif

/*
 * Devices a policy can name; the matrix has one cell per ordered pair.
 * Overridable only for the scale benchmark (bench/), which builds its own
 * policy object and loader; the product uses 64.
 */
#ifndef P2PREACH_MAX_DEVICES
#define P2PREACH_MAX_DEVICES	64
#endif
#define P2PREACH_MATRIX_CELLS	(P2PREACH_MAX_DEVICES * P2PREACH_MAX_DEVICES)
/*
 * The verdict for pairs where a device is not in p2p_devices lives in the
 * matrix too, in the cell after the pairs: one swap of the inner map
 * changes the pairs and the default together.
 */
#define P2PREACH_DEFAULT_CELL	P2PREACH_MATRIX_CELLS
#define P2PREACH_POLICY_CELLS	(P2PREACH_MATRIX_CELLS + 1)
/* Stats cell for decisions where a device is not in p2p_devices. */
#define P2PREACH_UNKNOWN_CELL	P2PREACH_MATRIX_CELLS
#define P2PREACH_STATS_CELLS	(P2PREACH_MATRIX_CELLS + 1)

/* dev_name() of a device, zero padded: the key of p2p_devices. */
#define P2PREACH_NAME_LEN	64
/* An admin's alias for a device (policy file), zero padded. */
#define P2PREACH_ALIAS_LEN	32

/* Same values as the kernel's enum pagemap_reach_verdict. */
#define P2PREACH_DENY		0
#define P2PREACH_ALLOW_READ	1
#define P2PREACH_ALLOW_RW	2
#define P2PREACH_NR_VERDICTS	3

struct p2preach_name {
	char name[P2PREACH_NAME_LEN];
};

/*
 * Userspace bookkeeping next to the policy (p2p_state, one entry): the
 * program never reads it. generation counts committed edits.
 */
struct p2preach_state {
	__u64 generation;
	__u64 changed_ns;		/* CLOCK_REALTIME of the last edit */
	char source[256];		/* of the last edit: a file, or "cli" */
	char aliases[P2PREACH_MAX_DEVICES][P2PREACH_ALIAS_LEN];
	/*
	 * The file last applied, the hash of its text then and the
	 * generation it made: a restarted daemon keeps the live policy
	 * (edits made since included) while the file says the same.
	 */
	char file[256];
	__u64 file_hash;
	__u64 file_generation;
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
