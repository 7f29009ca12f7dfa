/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy transactions p2preach runs on the pinned maps: apply a file,
 * edit a pair, follow the kernel's ids. Each reads a snapshot and the ids
 * in sysfs once, computes the next snapshot with the pure functions of
 * policy_txn.h, and commits it (policy_commit.h). The caller holds the
 * lock.
 */
#ifndef P2PREACH_APPLY_H
#define P2PREACH_APPLY_H

#include <stdbool.h>
#include <linux/types.h>
#include "id_set.h"
#include "policy_file.h"

/* Parse file into p; 0 or -errno, with the file:line message. */
int apply_parse(const char *file, struct policy *p);

/* Make p, parsed from file, the running policy. */
int apply_policy(const char *pin_dir, const char *file, const struct policy *p);

/*
 * Parse file, once, and make it the running policy; *applied is the
 * policy parsed (the daemon keeps it to follow the ids). A bad file never
 * gets near the maps. 0 or -errno, with a message; on error nothing changed.
 */
int apply_file(const char *pin_dir, const char *file, struct policy *applied);

/*
 * client -> provider (and back with both) gets verdict. client and
 * provider are what the admin typed: aliases of the policy or names
 * (names.h). Ids that came since the last change get the verdicts of the
 * file last applied, while it is unchanged. cmd names the command in
 * messages.
 */
int apply_edit(const char *pin_dir, const char *cmd, const char *client,
	       const char *provider, __u32 verdict, bool both);

/*
 * Bring the cells up to the ids in sysfs (txn_follow()): p gives new ids
 * their verdicts (NULL: the default). retired: ids with a remove event
 * since the last call; gone: those of them whose last event was a remove,
 * left out even while sysfs still lists them. How many ids changed hands,
 * or -errno with a message.
 */
int apply_follow(const char *pin_dir, const struct policy *p,
		 const struct id_set *retired, const struct id_set *gone);

#endif
