/* SPDX-License-Identifier: GPL-2.0 */
/* Loading, attaching, pinning, adopting and detaching the policy. */
#ifndef P2PREACH_ATTACH_H
#define P2PREACH_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>

#include "policy_file.h"

/*
 * When a live p2preach link is pinned under pin_dir, keep it (*adopted):
 * enforcement never stops across a daemon restart. Otherwise load the
 * object, attach it, pin maps then link. 0 or -errno, with a message;
 * -EPROTO, without one, when the policy in force comes from another build
 * of p2preach (policy_replace()).
 */
int policy_attach_or_adopt(const char *pin_dir, bool *adopted);

/*
 * Put this build's policy in place of another build's pinned under
 * pin_dir, through the same link, so that a policy is in force throughout
 * (an upgrade): load it with its maps pinned in pin_dir-next, apply p
 * (parsed from file) to them, update the link to it, then move its pins
 * over the old ones. On failure the old policy stays in force. 0 or
 * -errno, with a message.
 */
int policy_replace(const char *pin_dir, const char *file, const struct policy *p);

/* Detach the pinned link, drop the pins. -ENOENT if nothing is pinned. */
int policy_detach(const char *pin_dir);

struct link_status {
	bool pinned;		/* a link is pinned under pin_dir */
	bool attached;		/* it (or a loaded p2preach policy) is attached */
	__u32 link_id;
	char policy[16];	/* struct_ops map name, e.g. "p2preach" */
};

int policy_link_status(const char *pin_dir, struct link_status *st);

#endif
