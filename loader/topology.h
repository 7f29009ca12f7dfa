/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How far apart two PCI devices are, from sysfs, in the classes of
 * `nvidia-smi topo -m` and NCCL_P2P_LEVEL. Pure userspace: it reads the
 * files under the root it is given, nothing else.
 *
 * A device's place is its path under /sys/devices from its host bridge:
 * "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0/0000:03:00.0" (root
 * port, a switch's upstream and downstream port, the device). For two
 * devices A and B, let D be the deepest PCI bridge above both:
 *
 *   PIX   D is the parent of both (one port: functions of one device), or
 *         the grandparent of both (downstream ports of one PCIe switch):
 *         the path crosses one switch at most;
 *   PXB   any other D: several switches, not the host bridge;
 *   PHB   no D, one host bridge (the pciDDDD:BB directory): the path
 *         goes through the root complex;
 *   NODE  two host bridges, devices on the same NUMA node (numa_node;
 *         -1 on both, a machine without NUMA, is one node);
 *   SYS   two host bridges on different NUMA nodes, or one unknown.
 *
 * Devices that are not PCI (test_hmm's), or not in /sys/bus/pci/devices,
 * have no class with any device.
 */
#ifndef P2PREACH_TOPOLOGY_H
#define P2PREACH_TOPOLOGY_H

#include "p2preach.h"

/* Nearest first: "up to PXB" covers PIX and PXB. */
enum topo_class {
	TOPO_UNKNOWN,	/* not PCI, or not found: "—" */
	TOPO_PIX,
	TOPO_PXB,
	TOPO_PHB,
	TOPO_NODE,
	TOPO_SYS,
	TOPO_NR_CLASSES,
};

#define TOPO_PATH_LEN	256

struct topo_device {
	char name[P2PREACH_NAME_LEN];	/* "0000:03:00.0" */
	char path[TOPO_PATH_LEN];	/* from the host bridge, as above */
	int numa_node;			/* -1: unknown */
};

/* The PCI devices of a machine, by name. */
struct topology {
	unsigned n;
	struct topo_device *dev;
};

/*
 * Read every device of sysfs_root/bus/pci/devices ("/sys"). One whose
 * path is not host bridge and PCI functions down to itself is left out
 * (it has no class); a machine without a PCI bus has none. 0 or -ENOMEM.
 */
int topology_read(const char *sysfs_root, struct topology *t);
void topology_free(struct topology *t);

/* The device named dev_name, or NULL. */
const struct topo_device *topology_find(const struct topology *t, const char *dev_name);

/* The class of the path between a and b; TOPO_UNKNOWN if either is NULL. */
enum topo_class topology_class(const struct topo_device *a, const struct topo_device *b);

/* "PIX" .. "SYS"; "—" for TOPO_UNKNOWN. */
const char *topology_class_name(enum topo_class c);
/* "PIX" .. "SYS" to a class; -1 for anything else. */
int topology_class_parse(const char *s);

/* "DDDD:BB:DD.F" packed as domain << 16 | bus << 8 | devfn; -1 if not one. */
long long topology_pci_id(const char *name);

#endif
