/* SPDX-License-Identifier: GPL-2.0 */
/* A parsed policy as the kernel sees it: one verdict per ordered pair. */
#ifndef P2PREACH_POLICY_RULES_H
#define P2PREACH_POLICY_RULES_H

#include <linux/types.h>
#include "p2preach.h"
#include "policy_file.h"

/*
 * Fill matrix[client][provider] for every index pair: the default verdict,
 * then each rule in order, so later rules win; '*' is every declared
 * device, '<->' sets both directions. The diagonal keeps the default: a
 * device reaching its own memory is not a peer access. Cells of indices
 * past the declared devices get the default too. Returns 0, or -EINVAL
 * (matrix untouched) if p is not a policy the parser could have made.
 */
int policy_resolve(const struct policy *p,
		   __u32 matrix[P2PREACH_MAX_DEVICES][P2PREACH_MAX_DEVICES]);

unsigned policy_device_count(const struct policy *p);
/* Alias and dev_name() of device i; NULL when there is no device i. */
const char *policy_device_alias(const struct policy *p, unsigned i);
const char *policy_device_name(const struct policy *p, unsigned i);
/* Index of the device with this alias or dev_name(), or -ENOENT. */
int policy_device_lookup(const struct policy *p, const char *alias_or_name);

#endif
