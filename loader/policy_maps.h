/* SPDX-License-Identifier: GPL-2.0 */
/* Access to the maps of an attached p2preach policy. */
#ifndef P2PREACH_POLICY_MAPS_H
#define P2PREACH_POLICY_MAPS_H

#include <stdbool.h>
#include <linux/types.h>

#define P2PREACH_PIN_DIR	"/sys/fs/bpf/p2preach"

/* File descriptors of the policy's maps; -1 when not open. */
struct policy_maps {
	int devices;
	int matrix;
	int config;
	int stats;
};

/*
 * Open the maps pinned under pin_dir by `p2preach load`, or, when nothing
 * is pinned there, the maps of the loaded p2preach policy program (as
 * registered by plain `bpftool struct_ops register`). Returns 0 or a
 * negative errno, with a message on stderr.
 */
int policy_maps_open(struct policy_maps *m, const char *pin_dir);
void policy_maps_close(struct policy_maps *m);

/* Index of a device name; with create, give it the lowest free index. */
int policy_device_index(const struct policy_maps *m, const char *name,
			bool create, __u32 *index);

int policy_set_verdict(const struct policy_maps *m, __u32 client,
		       __u32 provider, __u32 verdict);
int policy_get_verdict(const struct policy_maps *m, __u32 client,
		       __u32 provider, __u32 *verdict);

/* Parse "deny", "read" or "rw"; returns -1 for anything else. */
int policy_parse_verdict(const char *s);
const char *policy_verdict_name(__u32 verdict);

#endif
