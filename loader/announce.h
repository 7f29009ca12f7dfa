/* SPDX-License-Identifier: GPL-2.0 */
/* Tell the kernel the policy changed (revocation of peer mappings). */
#ifndef P2PREACH_ANNOUNCE_H
#define P2PREACH_ANNOUNCE_H

/*
 * After a map edit: the kernel bumps its generation and drivers drop peer
 * mappings granted under the old verdicts. 0, -EOPNOTSUPP when the kernel
 * has no bpf_pagemap_reach_changed(), or another -errno.
 */
int policy_announce(void);

#endif
