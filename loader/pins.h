/* SPDX-License-Identifier: GPL-2.0 */
/* Where the policy lives between runs: its pins, and the edit lock. */
#ifndef P2PREACH_PINS_H
#define P2PREACH_PINS_H

#define P2PREACH_PIN_DIR	"/sys/fs/bpf/p2preach"

#endif
