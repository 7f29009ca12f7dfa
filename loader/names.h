/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names an admin uses for the kernel's ids: the aliases of the policy
 * in force (p2p_state) and the names sysfs shows. Pure userspace.
 */
#ifndef P2PREACH_NAMES_H
#define P2PREACH_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include "id_set.h"
#include "p2preach.h"
#include "reach_ids.h"

/*
 * What the admin typed, as a name: the name an alias of st stands for
 * (ALIAS/N: the Nth provider of the device an alias names), or the word
 * itself (a dev_name, a PCI address, dev_name/N). Aliases win, as in the
 * policy file. 0, or -EINVAL with a message in err.
 */
int names_resolve(const struct p2preach_state *st, const char *word,
		  char name[P2PREACH_NAME_LEN], char *err, size_t errlen);

/*
 * The ids of the matrix word stands for in role: as a client, the client
 * ids of its device; as a provider, its provider ids (only the Nth with
 * "/N"). 0, or -ENOENT with a message in err saying why there are none.
 */
int names_select(const struct p2preach_state *st, const struct reach_ids *t,
		 const char *word, __u32 role, struct id_set *out,
		 char *err, size_t errlen);

/* Do two names (resolved) stand for the same device? */
bool names_same_device(const char *a, const char *b);

/*
 * How the admin knows id e: the alias of the policy that names it (its
 * provider exactly, else its device), else its name (reach_id_name()).
 * A provider of a device with several gets "/N" after its device's alias.
 */
void names_label(const struct p2preach_state *st, const struct reach_ids *t,
		 const struct reach_id *e, char *buf, size_t len);

/* A device line of the policy, or a device with ids the policy does not name. */
struct names_device {
	char alias[P2PREACH_ALIAS_LEN];	/* "" for none */
	char name[P2PREACH_NAME_LEN];
	unsigned nr_ids;		/* 0: absent */
};

/*
 * The policy's devices in file order, then the other devices that have
 * ids, in id order. Fills up to max; returns how many there are.
 */
unsigned names_devices(const struct p2preach_state *st, const struct reach_ids *t,
		       struct names_device *out, unsigned max);

/* How many ids of t answer to name (any role). */
unsigned names_nr_ids(const struct reach_ids *t, const char *name);

#endif
