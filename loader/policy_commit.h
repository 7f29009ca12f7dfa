/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Read the running policy into a snapshot, and commit the next one
 * computed from it (policy_txn.h) in one step.
 */
#ifndef P2PREACH_POLICY_COMMIT_H
#define P2PREACH_POLICY_COMMIT_H

#include "policy_maps.h"
#include "policy_txn.h"

/* Everything the maps say; 0 or -errno with a message. */
int policy_snapshot_read(const struct policy_maps *m, struct policy_snapshot *s);

/* The same from the maps pinned under pin_dir, on the heap; NULL on error. */
struct policy_snapshot *policy_snapshot_take(const char *pin_dir);

/* What made the change, recorded in p2p_state. */
struct commit_source {
	const char *file;	/* the file applied, or NULL for a CLI edit */
	__u64 file_hash;
};

/*
 * Make the maps say what next says, cur being what they said when read
 * (under the lock): add the new names (their counters start at zero),
 * write the one changed cell in place or swap in the whole matrix (a
 * decision sees the old or the new one, never a mix), remove the names
 * that go, announce it to the kernel, record the source and bump the
 * generation. On failure the names added are removed again and the
 * running policy is as it was. 0 or -errno, with a message.
 */
int policy_commit(const struct policy_maps *m, const struct policy_snapshot *cur,
		  const struct policy_snapshot *next, const struct commit_source *src);

#endif
