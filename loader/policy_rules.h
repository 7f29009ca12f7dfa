/* SPDX-License-Identifier: GPL-2.0 */
/* A parsed policy as the kernel sees it: one verdict per ordered pair. */
#ifndef P2PREACH_POLICY_RULES_H
#define P2PREACH_POLICY_RULES_H

#include <linux/types.h>
#include "p2preach.h"
#include "policy_file.h"

/*
 * Fill the cells of the verdict matrix as the maps hold it: device i of
 * the file has index[i] in the maps (NULL: i itself). Every cell gets the
 * default verdict, the default cell included, then each rule in order, so
 * later rules win; '*' is every declared device, '<->' sets both
 * directions. The diagonal keeps the default: a device reaching its own
 * memory is not a peer access. Returns 0, or -EINVAL (cells untouched) if
 * p is not a policy the parser could have made or index is not distinct
 * indices inside the matrix.
 */
int policy_resolve(const struct policy *p, const __u32 *index,
		   __u32 cells[P2PREACH_POLICY_CELLS]);

unsigned policy_device_count(const struct policy *p);
/* Alias and dev_name() of device i; NULL when there is no device i. */
const char *policy_device_alias(const struct policy *p, unsigned i);
const char *policy_device_name(const struct policy *p, unsigned i);
/* Index of the device with this alias or dev_name(), or -ENOENT. */
int policy_device_lookup(const struct policy *p, const char *alias_or_name);

#endif
