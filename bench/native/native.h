/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native C policy of the benchmark: the same data as bpf/p2preach.bpf.c
 * (device name -> index, verdict matrix with a default cell, per-pair
 * per-CPU counters), decided by C code behind the same hook.
 */
#ifndef P2PREACH_NATIVE_H
#define P2PREACH_NATIVE_H

#include <linux/pagemap_reach.h>

/* As bpf/p2preach.h, sized for the largest benchmark. */
#define NATIVE_MAX_DEVICES	1024
#define NATIVE_NAME_LEN		64

/* Policy edits; refused with -EBUSY while attached. */
int native_policy_init(void);
void native_policy_exit(void);
int native_policy_line(char *line);
extern struct pagemap_reach_ops native_matrix_ops;
/* Decides ALLOW_RW for everything: the cost of the hook alone. */
extern struct pagemap_reach_ops native_null_ops;

/* Time @n decisions of @client -> @provider through the hook. */
int native_loop(const char *client, const char *provider, u64 n,
		u64 *ns, u64 *allowed);

#endif
