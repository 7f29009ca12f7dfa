/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which PCIe switch each PCI device sits behind, from sysfs: the input of
 * the same-switch example policy (bpf/same_switch.bpf.c). Pure userspace.
 */
#ifndef P2PREACH_TOPOLOGY_H
#define P2PREACH_TOPOLOGY_H

#include <linux/types.h>
#include "p2preach.h"

#define TOPO_MAX	256

struct topo_device {
	char name[P2PREACH_NAME_LEN];	/* dev_name(): "0000:03:00.0" */
	char upstream[P2PREACH_NAME_LEN];	/* the switch's upstream port, or "" */
	__u32 switch_id;		/* the upstream port's address, packed */
};

/*
 * Fill out with every PCI device under sysfs_root ("/sys"): a device whose
 * parent is a bridge under another PCI bridge (a switch's downstream and
 * upstream ports) is behind that switch; one on a root port or the root
 * bus is behind none. Returns the count, or -errno.
 */
int topology_read(const char *sysfs_root, struct topo_device *out, int max);

/* "DDDD:BB:DD.F" packed as domain << 16 | bus << 8 | devfn; -1 if not one. */
long long topology_pci_id(const char *name);

#endif
