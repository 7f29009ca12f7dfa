/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's device ids as sysfs lists them, one directory per id under
 * SYSFS_ROOT/kernel/mm/pagemap_reach/devices/, and the names that select
 * them: "dev_name" (every id of a device: PCI devices are named by their
 * address) and "dev_name/N" (its Nth provider). Read with them, at the
 * same moment, where the PCI devices sit (topology.h). Pure userspace: it
 * reads the files under the root it is given, nothing else.
 */
#ifndef P2PREACH_REACH_IDS_H
#define P2PREACH_REACH_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "id_set.h"
#include "p2preach.h"
#include "topology.h"

#define REACH_SYSFS	"/sys"
#define REACH_IDS_DIR	"kernel/mm/pagemap_reach/devices"

struct reach_id {
	__u32 id;
	__u32 role;	/* P2PREACH_ROLE_CLIENT or P2PREACH_ROLE_PROVIDER */
	__u32 index;	/* a provider's rank among its device's; 0 for a client */
	char dev_name[P2PREACH_NAME_LEN];
	/* Its directory's inode number: another for each registration; 0: not known. */
	__u64 ino;
};

/*
 * Every id present, by id; what could not be read, by message; and the
 * PCI devices, for the path class of two devices (by dev_name).
 */
struct reach_ids {
	unsigned n;
	struct reach_id *id;
	/*
	 * Positions in id sorted by dev_name, so that a lookup by name costs
	 * a binary search, not a pass over every id; NULL (ids not read by
	 * reach_ids_read*(), or no memory for it): lookups pass over them.
	 */
	unsigned *by_name;
	unsigned nr_problems;
	char **problems;
	struct topology pci;
};

/*
 * Read the ids and the PCI devices under sysfs_root ("/sys"). An entry that is not an id (its
 * name is not a number below P2PREACH_MAX_IDS, a file is missing or says
 * something else than the kernel writes) is left out with a message in
 * problems; one whose directory goes while it is read (its device went)
 * is left out quietly. A kernel without ids has none. 0 or -ENOMEM.
 */
int reach_ids_read(const char *sysfs_root, struct reach_ids *t);
/*
 * The ids alone, without the PCI devices (t->pci empty): what an edit of
 * a pair needs, without a walk of every PCI device.
 */
int reach_ids_read_ids(const char *sysfs_root, struct reach_ids *t);
/* The same, with the problems logged as warnings; an empty t on error. */
int reach_ids_load(const char *sysfs_root, struct reach_ids *t);
int reach_ids_load_ids(const char *sysfs_root, struct reach_ids *t);
void reach_ids_free(struct reach_ids *t);

/*
 * t: the ids owners (p2p_state's) records, if sysfs lists exactly those,
 * each under the directory inode number recorded: one pass over the
 * directory, none of the files in it. Sysfs gives every registration's
 * directory a new inode number, so the same list means that no id
 * changed hands. 0; -ESTALE when the lists differ (or an entry is not an
 * id of the matrix, or an owner has no inode number): read the ids then;
 * -ENOMEM. t has no PCI devices.
 */
int reach_ids_of_owners(const char *sysfs_root, const struct p2preach_owner *owners,
			struct reach_ids *t);

const struct reach_id *reach_ids_find(const struct reach_ids *t, __u32 id);
/* Forget id (its remove event came before its directory went). */
void reach_ids_drop(struct reach_ids *t, __u32 id);

/*
 * An id or a provider's rank as the kernel prints them: a decimal number
 * below P2PREACH_MAX_IDS, no sign, no leading zero.
 */
bool reach_parse_number(const char *s, __u32 *out);

/*
 * Split a name into its device and provider rank: "0000:3b:00.0" gives
 * rank -1, "0000:3b:00.0/1" rank 1. 0, or -EINVAL with a message in err
 * (a rank that is not a number below P2PREACH_MAX_IDS, an empty device).
 */
int reach_name_parse(const char *name, char dev[P2PREACH_NAME_LEN], int *rank,
		     char *err, size_t errlen);

/* "client", "provider", or "id" when the role is not known. */
const char *reach_role_name(__u32 role);

/* The PCI device of a name (dev_name or dev_name/N), or NULL. */
const struct topo_device *reach_ids_pci(const struct reach_ids *t, const char *name);

/*
 * The path class between the devices of two names (dev_name or
 * dev_name/N): TOPO_UNKNOWN unless both are PCI devices of t.
 */
enum topo_class reach_ids_class(const struct reach_ids *t, const char *a, const char *b);

/* Does id e answer to name in role (P2PREACH_ROLE_NONE: any role)? */
bool reach_id_matches(const struct reach_id *e, const char *name, __u32 role);

/* The ids of the matrix answering to name in role; how many ids answer. */
unsigned reach_ids_select(const struct reach_ids *t, const char *name,
			  __u32 role, struct id_set *out);

/*
 * Positions 0..n-1 of n names laid out stride bytes apart from first,
 * sorted by name, then by position; NULL without memory. Free it.
 */
unsigned *name_order(const char *first, size_t stride, unsigned n);

/* How many ids answer to name in role (P2PREACH_ROLE_NONE: any role). */
unsigned reach_ids_count(const struct reach_ids *t, const char *name, __u32 role);

/* How many providers dev_name has. */
unsigned reach_ids_nr_providers(const struct reach_ids *t, const char *dev_name);

/*
 * The name of e an admin would type: its dev_name, with "/N" for a
 * provider of a device that has several.
 */
void reach_id_name(const struct reach_ids *t, const struct reach_id *e,
		   char *buf, size_t len);

#endif
