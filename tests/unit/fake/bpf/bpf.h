/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few libbpf calls policy_commit.c makes, declared for its unit test
 * (tests/unit/test_policy_commit.c), which implements them over a fake
 * p2p_devices map. Same prototypes as libbpf's bpf.h.
 */
#ifndef P2PREACH_FAKE_BPF_H
#define P2PREACH_FAKE_BPF_H

#include <linux/bpf.h>

int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
int bpf_map_lookup_elem(int fd, const void *key, void *value);
int bpf_map_delete_elem(int fd, const void *key);
int bpf_map_get_next_key(int fd, const void *key, void *next_key);

#endif
