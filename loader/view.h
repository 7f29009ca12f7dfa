/* SPDX-License-Identifier: GPL-2.0 */
/* What the commands that only read print from: the maps and the ids. */
#ifndef P2PREACH_VIEW_H
#define P2PREACH_VIEW_H

#include "names.h"
#include "policy_txn.h"
#include "reach_ids.h"

struct view {
	struct policy_snapshot *s;
	struct reach_ids t;
};

/* The maps pinned under pin_dir and the ids in sysfs; 0 or -errno with a message. */
int view_take(const char *pin_dir, struct view *v);
void view_free(struct view *v);

/*
 * The policy's devices and the others with ids (names_devices()), on the
 * heap; NULL when out of memory.
 */
struct names_device *view_devices(const struct view *v, unsigned *n);

#endif
