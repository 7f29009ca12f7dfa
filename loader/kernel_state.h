/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's own view of the policy: /sys/kernel/mm/pagemap_reach/. */
#ifndef P2PREACH_KERNEL_STATE_H
#define P2PREACH_KERNEL_STATE_H

#include <stdbool.h>

struct kernel_state {
	bool attached;
	char policy[64];
	unsigned long long generation;
	unsigned long long allowed_read, allowed_rw, denied, invalid;
};

/* false when the kernel has no such directory (an older series). */
bool kernel_state_read(const char *dir, struct kernel_state *ks);

#define KERNEL_STATE_DIR "/sys/kernel/mm/pagemap_reach"

#endif
