/* SPDX-License-Identifier: GPL-2.0 */
/* Loading, attaching, pinning, adopting and detaching the policy. */
#ifndef P2PREACH_ATTACH_H
#define P2PREACH_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * When a live p2preach link is pinned under pin_dir, keep it (*adopted):
 * enforcement never stops across a daemon restart. Otherwise load the
 * object, attach it, pin maps then link. 0 or -errno, with a message.
 */
int policy_attach_or_adopt(const char *pin_dir, bool *adopted);

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
