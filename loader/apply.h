/* SPDX-License-Identifier: GPL-2.0 */
/* Changes to the running policy, each one a single matrix swap. */
#ifndef P2PREACH_APPLY_H
#define P2PREACH_APPLY_H

#include <stdbool.h>
#include <linux/types.h>
#include "policy_file.h"
#include "policy_maps.h"

/*
 * Make the maps say what p says. Devices already in the maps keep their
 * index, so no decision ever reads a cell meant for another pair; the
 * whole new matrix goes in with one swap. source names the file in
 * p2p_state. On error the running policy is unchanged.
 */
int policy_apply(const struct policy_maps *m, const struct policy *p,
		 const char *source);

/*
 * client -> provider (and provider -> client with both) gets verdict,
 * everything else stays. Devices not yet in the maps are added.
 */
int policy_edit_pair(const struct policy_maps *m, const char *client,
		     const char *provider, __u32 verdict, bool both);

/* Parse file and apply it; the caller holds the lock. */
int apply_file(const char *pin_dir, const char *file);

#endif
