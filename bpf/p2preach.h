/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Map layout shared by the BPF policy and the userspace that edits it. */
#ifndef P2PREACH_H
#define P2PREACH_H

#ifndef __VMLINUX_H__	/* userspace; BPF gets the types from vmlinux.h */
#include <linux/types.h>
#endif

/*
 * The kernel's device ids (/sys/kernel/mm/pagemap_reach/devices/<id>) that
 * get a row and a column of the matrix: ids below this. Clients and
 * providers share the one id space, so the matrix is indexed by id
 * directly. Overridable only for the scale benchmark (bench/), which
 * builds its own policy object and loader; the product uses 64.
 */
#ifndef P2PREACH_MAX_DEVICES
#define P2PREACH_MAX_DEVICES	64
#endif
/* The kernel gives ids below this (PAGEMAP_REACH_MAX_IDS). */
#define P2PREACH_MAX_IDS	4096
#define P2PREACH_MATRIX_CELLS	(P2PREACH_MAX_DEVICES * P2PREACH_MAX_DEVICES)
/*
 * The verdict for pairs with an id past the matrix lives in the matrix
 * too, in the cell after the pairs: one swap of the inner map changes the
 * pairs and the default together.
 */
#define P2PREACH_DEFAULT_CELL	P2PREACH_MATRIX_CELLS
#define P2PREACH_POLICY_CELLS	(P2PREACH_MATRIX_CELLS + 1)
/*
 * p2p_stats holds an entry per cell that has seen a decision, no more:
 * counters grow with the pairs in use, not with the matrix.
 */
#define P2PREACH_STATS_ENTRIES	(P2PREACH_POLICY_CELLS < 65536 ? \
				 P2PREACH_POLICY_CELLS : 65536)

/* dev_name() of a device, or "dev_name/N" for its Nth provider. */
#define P2PREACH_NAME_LEN	64
/* An admin's alias for a device (policy file), zero padded. */
#define P2PREACH_ALIAS_LEN	32

/* Same values as the kernel's enum pagemap_reach_verdict. */
#define P2PREACH_DENY		0
#define P2PREACH_ALLOW_READ	1
#define P2PREACH_ALLOW_RW	2
#define P2PREACH_NR_VERDICTS	3

/* What an id stands for (sysfs "role"); 0: no id. */
#define P2PREACH_ROLE_NONE	0
#define P2PREACH_ROLE_CLIENT	1
#define P2PREACH_ROLE_PROVIDER	2

/* A device line of the file applied: what an alias stands for. */
struct p2preach_alias {
	char alias[P2PREACH_ALIAS_LEN];
	char name[P2PREACH_NAME_LEN];
};

/*
 * Whom the cells of an id were written for. When sysfs shows another
 * device under the id (or none), its row and column go back to the
 * default before anything else: the kernel hands a removed id out again
 * only after a policy change, and p2preach changes nothing before that.
 * ino tells registrations apart: sysfs gives the directory of each a new
 * inode number, even the same device's under the same id.
 */
struct p2preach_owner {
	char dev_name[P2PREACH_NAME_LEN];
	__u32 role;		/* P2PREACH_ROLE_*; NONE: nobody's */
	__u32 index;		/* a provider's rank on its device */
	__u64 ino;		/* of the id's directory in sysfs; 0: not known */
};

/*
 * Userspace bookkeeping next to the policy (p2p_state, one entry): the
 * program never reads it. generation counts committed edits.
 */
struct p2preach_state {
	__u64 generation;
	__u64 changed_ns;		/* CLOCK_REALTIME of the last edit */
	char source[256];		/* of the last edit: a file, "cli" or "hotplug" */
	struct p2preach_alias aliases[P2PREACH_MAX_DEVICES];
	struct p2preach_owner owners[P2PREACH_MAX_DEVICES];
	/*
	 * The file last applied and the hash of its text then: a restarted
	 * daemon keeps the live policy (edits made since included) while the
	 * file says the same.
	 */
	char file[256];
	__u64 file_hash;
};

/* Per ordered pair, per CPU: decisions by verdict, and bad map values. */
struct p2preach_pair_stats {
	__u64 verdicts[P2PREACH_NR_VERDICTS];
	__u64 invalid;
};

/* The context of the announcement program (p2preach_changed.bpf.c). */
#define P2PREACH_ALL_PROVIDERS	0xffffffffu
struct p2preach_changed_ctx {
	__u32 provider_id;	/* or P2PREACH_ALL_PROVIDERS */
};

/* matrix[client][provider]: may client access provider's memory? */
static inline __u32 p2preach_cell(__u32 client, __u32 provider)
{
	return client * P2PREACH_MAX_DEVICES + provider;
}

#endif /* P2PREACH_H */
