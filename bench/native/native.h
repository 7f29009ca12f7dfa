/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native C policy of the benchmark: the same data as bpf/p2preach.bpf.c
 * (a verdict matrix indexed by the kernel's client and provider ids, with
 * a default cell for ids past it, swapped as a whole; per-CPU counters per
 * cell, with an entry per cell that saw a decision), decided by C code
 * behind the same hook.
 */
#ifndef P2PREACH_NATIVE_H
#define P2PREACH_NATIVE_H

#include <linux/pagemap_reach.h>

/* As bpf/p2preach.h, sized for the largest benchmark. */
#define NATIVE_MAX_DEVICES	1024

/* Policy edits; refused with -EBUSY while attached. */
int native_policy_init(void);
void native_policy_exit(void);
int native_policy_line(char *line);
/* The same work as the BPF program. */
extern struct pagemap_reach_ops native_matrix_ops;
/* The same matrix, counters in a plain per-CPU array instead of a hash. */
extern struct pagemap_reach_ops native_dense_ops;
/* Decides ALLOW_RW for everything: the cost of the hook alone. */
extern struct pagemap_reach_ops native_null_ops;

/* Time @n uncached decisions of ids @client -> @provider through the hook. */
int native_loop(u32 client, u32 provider, u64 n, u64 *ns, u64 *allowed);

/* Make @n client ids of fake devices bench0.. exist (more, never fewer). */
int native_fake_ids(unsigned int n);
void native_fake_ids_exit(void);

#endif
