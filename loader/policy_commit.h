/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read the running policy into a snapshot, and commit the next one
 * computed from it (policy_txn.h) in one step.
 */
#ifndef P2PREACH_POLICY_COMMIT_H
#define P2PREACH_POLICY_COMMIT_H

#include "id_set.h"
#include "policy_maps.h"
#include "policy_txn.h"

/* Everything the maps say; 0 or -errno with a message. */
int policy_snapshot_read(const struct policy_maps *m, struct policy_snapshot *s);

/*
 * The live verdicts of every client id of t to every provider id of t in
 * the matrix, and the default, into cells; the other cells are left as
 * they are. One lookup per pair: reading a whole matrix of 1,024 ids costs
 * far more, and decisions are asked for the ids present only. 0 or -errno
 * with a message.
 */
int policy_read_pairs(const struct policy_maps *m, const struct reach_ids *t,
		      __u32 cells[P2PREACH_POLICY_CELLS]);

/*
 * What a command shows, from the maps pinned under pin_dir, on the heap
 * (NULL on error): p2p_state, and the cells of policy_read_pairs() for the
 * ids t in sysfs; every other cell holds the default, as p2preach keeps
 * the rows and columns of ids that nobody holds.
 */
struct policy_snapshot *policy_snapshot_take(const char *pin_dir, const struct reach_ids *t);

/* What made the change, recorded in p2p_state. */
enum commit_kind {
	COMMIT_EDIT,	/* allow, deny: cells written in place */
	COMMIT_FILE,	/* a file applied: one swap */
	COMMIT_FOLLOW,	/* ids came or went: one swap */
};

struct commit_source {
	enum commit_kind kind;
	const char *file;		/* COMMIT_FILE: the file applied */
	__u64 file_hash;
	const struct id_set *retired;	/* COMMIT_FOLLOW: ids with a remove event */
};

/*
 * Make the maps say what next says, cur being what they said when read
 * (under the lock): write the changed cells in place (an edit: each is
 * one 32-bit store) or swap in the whole matrix (a decision sees the old
 * or the new one, never a mix; a file is always swapped in, as cur need
 * hold only the cells of the ids present), drop the counters of ids that changed
 * hands, announce the change to the kernel for the providers whose column
 * changed, record the source and bump the generation. On failure the
 * running policy is as it was. 0 or -errno, with a message.
 */
int policy_commit(const struct policy_maps *m, const struct policy_snapshot *cur,
		  const struct policy_snapshot *next, const struct commit_source *src);

/*
 * An edit that txn_edit_cells() computed from cur, the p2p_state read
 * under the lock: each cell whose verdict differs is written in place,
 * with no snapshot of the matrix, and announced and recorded as
 * policy_commit() does. On failure the cells are as they were. 0 or
 * -errno, with a message.
 */
int policy_commit_cells(const struct policy_maps *m, const struct p2preach_state *cur,
			const struct txn_cells *edit);

#endif
