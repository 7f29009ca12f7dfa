/* SPDX-License-Identifier: GPL-2.0 */
/* A parsed policy as the kernel sees it: one verdict per pair of ids. */
#ifndef P2PREACH_POLICY_RULES_H
#define P2PREACH_POLICY_RULES_H

#include <linux/types.h>
#include "id_set.h"
#include "p2preach.h"
#include "policy_file.h"
#include "reach_ids.h"

/* Where device i of a file is in the matrix, and on PCI. */
struct policy_ids {
	struct id_set clients;		/* its rows: the ids it accesses with */
	struct id_set providers;	/* its columns: the ids of its memory */
	__u32 device;			/* the same for names of one device */
	const struct topo_device *pci;	/* NULL: not PCI, or not found */
};

/*
 * The ids of each device of p (p->nr_devices entries of out) as t lists
 * them: a device name stands for its client ids and every provider id of
 * the device, "name/N" for the client ids of the device and its Nth
 * provider. A device without ids (absent) has empty sets. Its PCI place
 * is t's, with or without ids. 0, or -ENOMEM.
 */
int policy_ids_of(const struct policy *p, const struct reach_ids *t,
		  struct policy_ids *out);

/*
 * The file's own view, for `check`: every device line has a column, the
 * first line of each device its row, as if they were ids: "name" has the
 * column of every line of its device that names no other provider
 * ("name/N" lines have theirs), "name/N" the row of its device. PCI
 * places from t. 0, or -ENOMEM.
 */
int policy_ids_by_line(const struct policy *p, const struct reach_ids *t,
		       struct policy_ids *out);

/*
 * Fill the cells of the verdict matrix: device i of the file has ids[i]
 * (NULL: device i is client i and provider i, on no PCI path). Every cell
 * gets the default verdict, the default cell included, then each rule in
 * order, so later rules win; '*' is every declared device, '<->' sets both
 * directions, "up to LEVEL" only pairs whose PCI path class is known and
 * that close. A device reaching its own memory is not a peer access: those
 * cells keep the default. lines (NULL: not wanted) gets the line of the
 * rule that set each cell, 0 for the default. Returns 0, or -EINVAL (cells
 * untouched) if p is not a policy the parser could have made.
 */
int policy_resolve(const struct policy *p, const struct policy_ids *ids,
		   __u32 cells[P2PREACH_POLICY_CELLS], __u32 *lines);

unsigned policy_device_count(const struct policy *p);
/* Alias and name of device i; NULL when there is no device i. */
const char *policy_device_alias(const struct policy *p, unsigned i);
const char *policy_device_name(const struct policy *p, unsigned i);
/* Index of the device with this alias or name, or -ENOENT. */
int policy_device_lookup(const struct policy *p, const char *alias_or_name);

#endif
