/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A change to the running policy as a transaction: read a snapshot of the
 * maps once, compute the next snapshot with the pure functions below,
 * then commit it (policy_commit.h), which undoes what it did on failure.
 * Pure: no libbpf, no kernel; everything here is unit-tested.
 */
#ifndef P2PREACH_POLICY_TXN_H
#define P2PREACH_POLICY_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "names.h"
#include "p2preach.h"
#include "policy_file.h"

/* A name in p2p_devices whose index does not fit the matrix (bpftool). */
struct bad_device {
	char name[P2PREACH_NAME_LEN];
	__u32 index;
};

/* Everything the maps say, by device index. */
struct policy_snapshot {
	struct name_table names;	/* "" where an index is free */
	__u32 cells[P2PREACH_POLICY_CELLS];
	struct p2preach_state state;
	unsigned nr_bad;
	struct bad_device bad[P2PREACH_MAX_DEVICES];
};

/* Devices in the snapshot. */
unsigned txn_device_count(const struct policy_snapshot *s);

/*
 * next: cur with the policy of file p in force. Devices already in cur
 * keep their index, so no decision ever reads a cell meant for another
 * pair; new ones take the lowest indices cur leaves free; devices the
 * file does not name go, bad entries too. The aliases are the file's.
 * 0, -ENOSPC (too many devices together, with a message in err) or
 * -EINVAL (p is not a parsed policy).
 */
int txn_apply_file(const struct policy_snapshot *cur, const struct policy *p,
		   struct policy_snapshot *next, char *err, size_t errlen);

/*
 * The index of a dev_name in next, added at the lowest free index if it
 * is new: the one index allocator. Index, or -ERANGE (a bad entry of the
 * map), -EINVAL or -ENOSPC with a message in err.
 */
int txn_add_device(struct policy_snapshot *next, const char *name, char *err,
		   size_t errlen);

/*
 * next: cur with client -> provider (and back, with both) set to verdict.
 * Names are dev_names; one not in cur takes the lowest free index.
 * 0, -ERANGE (a bad entry of the map) or -ENOSPC, with a message in err.
 */
int txn_edit_pair(const struct policy_snapshot *cur, const char *client,
		  const char *provider, __u32 verdict, bool both,
		  struct policy_snapshot *next, char *err, size_t errlen);

/* One pair whose verdict differs between two snapshots. */
struct txn_change {
	char client[P2PREACH_NAME_LEN], provider[P2PREACH_NAME_LEN];
	__u32 from, to;
};

/*
 * The pairs of live whose verdict is not the one file gives them (both
 * with the same device indices, as txn_apply_file() makes them), the
 * default too (empty names). Fills up to max changes; returns how many
 * there are.
 */
unsigned txn_diff(const struct policy_snapshot *file,
		  const struct policy_snapshot *live,
		  struct txn_change *changes, unsigned max);

/*
 * txn_diff() of live against what file says now (parsed here, given the
 * indices of live), and whether file's text or name differs from the one
 * last applied. 0, or -errno with a message in err.
 */
int txn_live_edits(const struct policy_snapshot *live, const char *file,
		   struct txn_change *changes, unsigned max, unsigned *n,
		   bool *changed, char *err, size_t errlen);

#endif
