// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "announce.h"
#include "apply.h"
#include "log.h"
#include "policy_rules.h"

static __u32 matrix[P2PREACH_MAX_DEVICES][P2PREACH_MAX_DEVICES];
static struct policy_cells cells;

static void name_key(struct p2preach_name *key, const char *name)
{
	memset(key, 0, sizeof(*key));
	strncpy(key->name, name, sizeof(key->name) - 1);
}

static int find(const struct p2preach_name names[P2PREACH_MAX_DEVICES],
		const char *name)
{
	for (int i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (names[i].name[0] && !strcmp(names[i].name, name))
			return i;
	return -1;
}

/* Drivers drop what they were granted under the old verdicts. */
static void announce(void)
{
	int err = policy_announce();

	if (err && err != -EOPNOTSUPP)
		log_warn("cannot announce the change to the kernel (%s); peer mappings made before it stay until drivers fault again",
			 strerror(-err));
}

/* Record a committed edit in p2p_state. */
static void bump_state(const struct policy_maps *m, const struct policy *p,
		       const __u32 *index, const char *source)
{
	struct p2preach_state st;
	struct timespec ts;

	if (policy_read_state(m, &st))
		return;
	st.generation++;
	clock_gettime(CLOCK_REALTIME, &ts);
	st.changed_ns = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	if (source)
		snprintf(st.source, sizeof(st.source), "%s", source);
	if (p) {
		memset(st.aliases, 0, sizeof(st.aliases));
		for (unsigned i = 0; i < p->nr_devices; i++)
			memcpy(st.aliases[index[i]], p->devices[i].alias,
			       sizeof(st.aliases[0]));
	}
	if (policy_write_state(m, &st))
		log_warn("cannot record the edit in p2p_state: %s", strerror(errno));
}

int policy_apply(const struct policy_maps *m, const struct policy *p,
		 const char *source)
{
	struct p2preach_name old[P2PREACH_MAX_DEVICES], key;
	bool taken[P2PREACH_MAX_DEVICES] = { false };
	bool added[P2PREACH_MAX_DEVICES] = { false };
	__u32 index[P2PREACH_MAX_DEVICES];
	unsigned i, j, next = 0;
	int err;

	err = policy_resolve(p, matrix);
	if (err)
		return err;
	policy_read_devices(m, old);
	for (i = 0; i < P2PREACH_MAX_DEVICES; i++)
		taken[i] = old[i].name[0];

	/* Kept devices keep their index; new ones take indices now unused. */
	for (i = 0; i < p->nr_devices; i++) {
		int k = find(old, p->devices[i].name);

		if (k >= 0) {
			index[i] = k;
			continue;
		}
		while (next < P2PREACH_MAX_DEVICES && taken[next])
			next++;
		if (next == P2PREACH_MAX_DEVICES) {
			log_err("too many devices: the running policy and the new one name more than %d together; detach first",
				P2PREACH_MAX_DEVICES);
			return -ENOSPC;
		}
		index[i] = next;
		taken[next] = added[i] = true;
	}

	for (i = 0; i < P2PREACH_POLICY_CELLS; i++)
		cells.cell[i] = p->default_verdict;
	for (i = 0; i < p->nr_devices; i++)
		for (j = 0; j < p->nr_devices; j++)
			cells.cell[p2preach_cell(index[i], index[j])] = matrix[i][j];

	/* New names point at cells that hold the default until the swap. */
	for (i = 0; i < p->nr_devices; i++) {
		if (!added[i])
			continue;
		/* An index used before starts counting afresh. */
		policy_reset_stats(m, index[i]);
		name_key(&key, p->devices[i].name);
		if (bpf_map_update_elem(m->devices, &key, &index[i], BPF_ANY)) {
			err = -errno;
			log_err("cannot add device %s: %s", key.name, strerror(errno));
			goto undo;
		}
	}
	err = policy_swap_matrix(m, &cells);
	if (err) {
		log_err("cannot swap in the new matrix: %s", strerror(-err));
		goto undo;
	}
	/* Devices the file no longer names: their cells are the default now. */
	for (i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		bool kept = false;

		if (!old[i].name[0])
			continue;
		for (j = 0; j < p->nr_devices && !kept; j++)
			kept = index[j] == i;
		if (!kept)
			bpf_map_delete_elem(m->devices, &old[i]);
	}
	announce();
	bump_state(m, p, index, source);
	return 0;
undo:
	for (i = 0; i < p->nr_devices; i++) {
		if (added[i]) {
			name_key(&key, p->devices[i].name);
			bpf_map_delete_elem(m->devices, &key);
		}
	}
	return err;
}

int policy_edit_pair(const struct policy_maps *m, const char *client,
		     const char *provider, __u32 verdict, bool both)
{
	__u32 c, p;
	int err;

	err = policy_device_index(m, client, true, &c);
	if (!err)
		err = policy_device_index(m, provider, true, &p);
	if (!err)
		err = policy_read_matrix(m, &cells);
	if (err) {
		log_err("cannot edit %s -> %s: %s", client, provider, strerror(-err));
		return err;
	}
	cells.cell[p2preach_cell(c, p)] = verdict;
	if (both)
		cells.cell[p2preach_cell(p, c)] = verdict;
	/* Both directions flip together. */
	err = policy_swap_matrix(m, &cells);
	if (err) {
		log_err("cannot swap in the new matrix: %s", strerror(-err));
		return err;
	}
	announce();
	bump_state(m, NULL, NULL, NULL);
	return 0;
}
