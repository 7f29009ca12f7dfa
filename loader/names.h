/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The devices an admin can name on the command line: aliases and dev_names
 * of the running policy, and devices present in sysfs. Pure userspace.
 */
#ifndef P2PREACH_NAMES_H
#define P2PREACH_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include "p2preach.h"

#define NAMES_NEW	P2PREACH_MAX_DEVICES

/* Slot i: the device with index i in the policy maps ("" when free). */
struct name_table {
	char alias[P2PREACH_MAX_DEVICES][P2PREACH_ALIAS_LEN];
	char name[P2PREACH_MAX_DEVICES][P2PREACH_NAME_LEN];
};

/*
 * Resolve what the admin typed to a dev_name: an alias of the policy, a
 * dev_name in the policy, or the name of a device present under
 * sysfs_root ("/sys"). Aliases win, as in the policy file. On success
 * copy the dev_name to name and return its slot, or NAMES_NEW for a
 * device not yet in the policy. Otherwise return -ENOENT with a message in err.
 */
int names_resolve(const struct name_table *t, const char *word,
		  const char *sysfs_root, char name[P2PREACH_NAME_LEN],
		  char *err, size_t errlen);

/* The slot of a dev_name, or -1. */
int names_index(const struct name_table *t, const char *name);

/* Is there a device of that dev_name in sysfs (any bus or class)? */
bool names_present(const char *sysfs_root, const char *name);

/* The key of p2p_devices for a dev_name: zero padded, cut to fit. */
void policy_name_key(struct p2preach_name *key, const char *name);

/* "alias" when slot i has one, else its dev_name. */
const char *names_label(const struct name_table *t, unsigned i);

#endif
