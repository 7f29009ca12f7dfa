// SPDX-License-Identifier: GPL-2.0
/* The two steps of a transaction that touch the maps: read and commit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "announce.h"
#include "log.h"
#include "policy_commit.h"

/* p2p_devices by index; a name whose index cannot be is kept aside. */
static void read_devices(const struct policy_maps *m, struct policy_snapshot *s)
{
	struct p2preach_name key, *prev = NULL;
	__u32 idx;

	while (!bpf_map_get_next_key(m->devices, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(m->devices, &key, &idx))
			continue;
		if (idx < P2PREACH_MAX_DEVICES && !s->names.name[idx][0]) {
			memcpy(s->names.name[idx], key.name, sizeof(key.name) - 1);
			continue;
		}
		if (s->nr_bad < P2PREACH_MAX_DEVICES) {
			memcpy(s->bad[s->nr_bad].name, key.name, sizeof(key.name) - 1);
			s->bad[s->nr_bad++].index = idx;
		}
	}
}

int policy_snapshot_read(const struct policy_maps *m, struct policy_snapshot *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	read_devices(m, s);
	err = policy_read_matrix(m, s->cells);
	if (!err)
		err = policy_read_state(m, &s->state);
	if (err) {
		log_err("cannot read the policy: %s", strerror(-err));
		return err;
	}
	for (int i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (s->names.name[i][0])
			memcpy(s->names.alias[i], s->state.aliases[i],
			       sizeof(s->names.alias[i]) - 1);
	return 0;
}

int policy_device_index(const struct policy_maps *m, const char *name,
			bool create, __u32 *index)
{
	struct p2preach_name key;
	struct policy_snapshot *s;
	char err[256];
	int i;

	policy_name_key(&key, name);
	if (!bpf_map_lookup_elem(m->devices, &key, index))
		return *index < P2PREACH_MAX_DEVICES ? 0 : -ERANGE;
	if (!create)
		return -ENOENT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	i = policy_snapshot_read(m, s);
	if (!i)
		i = txn_add_device(s, name, err, sizeof(err));
	free(s);
	if (i < 0)
		return i;
	/* An index used before starts counting afresh. */
	policy_reset_stats(m, i);
	if (bpf_map_update_elem(m->devices, &key, &i, BPF_NOEXIST))
		return -errno;
	*index = i;
	return 0;
}

/* Drivers drop what they were granted under the old verdicts. */
static void announce(void)
{
	int err = policy_announce();

	if (err && err != -EOPNOTSUPP)
		log_warn("cannot announce the change to the kernel (%s); peer mappings made before it stay until drivers fault again",
			 strerror(-err));
}

/* Record a committed change in p2p_state (on the heap: 32 KB in bench builds). */
static void record(const struct policy_maps *m, const struct policy_snapshot *next,
		   const struct commit_source *src)
{
	struct p2preach_state *st = malloc(sizeof(*st));
	struct timespec ts;

	if (!st) {
		log_warn("cannot record the edit in p2p_state: out of memory");
		return;
	}
	*st = next->state;
	st->generation++;
	clock_gettime(CLOCK_REALTIME, &ts);
	st->changed_ns = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	snprintf(st->source, sizeof(st->source), "%s", src->file ? src->file : "cli");
	if (src->file) {
		snprintf(st->file, sizeof(st->file), "%s", src->file);
		st->file_hash = src->file_hash;
		st->file_generation = st->generation;
	}
	for (int i = 0; i < P2PREACH_MAX_DEVICES; i++)
		memcpy(st->aliases[i], next->names.alias[i], sizeof(st->aliases[i]));
	if (policy_write_state(m, st))
		log_warn("cannot record the edit in p2p_state: %s", strerror(errno));
	free(st);
}

static bool is_added(const struct policy_snapshot *cur,
		     const struct policy_snapshot *next, int i)
{
	return next->names.name[i][0] && strcmp(cur->names.name[i], next->names.name[i]);
}

static void remove_name(const struct policy_maps *m, const char *name)
{
	struct p2preach_name key;

	policy_name_key(&key, name);
	bpf_map_delete_elem(m->devices, &key);
}

/* The new cells: one in place when only one differs, else a swap. */
static int write_cells(const struct policy_maps *m, const struct policy_snapshot *cur,
		       const struct policy_snapshot *next)
{
	__u32 changed = 0, cell = 0;

	for (__u32 i = 0; i < P2PREACH_POLICY_CELLS; i++) {
		if (cur->cells[i] != next->cells[i]) {
			changed++;
			cell = i;
		}
	}
	if (!changed)
		return 0;
	if (changed == 1)
		return policy_set_cell(m, cell, next->cells[cell]);
	return policy_swap_matrix(m, next->cells);
}

int policy_commit(const struct policy_maps *m, const struct policy_snapshot *cur,
		  const struct policy_snapshot *next, const struct commit_source *src)
{
	struct p2preach_name key;
	int i, err = 0;

	/* An index keeps its device: a new name only takes a free index. */
	for (i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		if (cur->names.name[i][0] && next->names.name[i][0] &&
		    strcmp(cur->names.name[i], next->names.name[i])) {
			log_err("internal error: index %d changes device", i);
			return -EINVAL;
		}
	}
	/* New names point at cells that hold the default until the swap. */
	for (i = 0; i < P2PREACH_MAX_DEVICES && !err; i++) {
		__u32 idx = i;

		if (!is_added(cur, next, i))
			continue;
		/* An index used before starts counting afresh. */
		policy_reset_stats(m, i);
		policy_name_key(&key, next->names.name[i]);
		if (bpf_map_update_elem(m->devices, &key, &idx, BPF_ANY)) {
			err = -errno;
			log_err("cannot add device %s: %s", key.name, strerror(errno));
		}
	}
	if (!err) {
		err = write_cells(m, cur, next);
		if (err)
			log_err("cannot write the new verdicts: %s", strerror(-err));
	}
	if (err) {
		for (i = 0; i < P2PREACH_MAX_DEVICES; i++)
			if (is_added(cur, next, i))
				remove_name(m, next->names.name[i]);
		return err;
	}
	/* Devices that go: their cells hold the default now. */
	for (i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (cur->names.name[i][0] && !next->names.name[i][0])
			remove_name(m, cur->names.name[i]);
	for (unsigned b = 0; b < cur->nr_bad; b++)
		if (names_index(&next->names, cur->bad[b].name) < 0 &&
		    (b >= next->nr_bad || strcmp(next->bad[b].name, cur->bad[b].name)))
			remove_name(m, cur->bad[b].name);
	announce();
	record(m, next, src);
	return 0;
}

struct policy_snapshot *policy_snapshot_take(const char *pin_dir)
{
	struct policy_snapshot *s = calloc(1, sizeof(*s));
	struct policy_maps m;
	int err;

	if (!s) {
		log_err("out of memory");
		return NULL;
	}
	err = policy_maps_open(&m, pin_dir);
	if (!err) {
		err = policy_snapshot_read(&m, s);
		policy_maps_close(&m);
	}
	if (err) {
		free(s);
		return NULL;
	}
	return s;
}
