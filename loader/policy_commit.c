// SPDX-License-Identifier: GPL-2.0
/* The two steps of a transaction that touch the maps: read and commit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "announce.h"
#include "log.h"
#include "policy_commit.h"

int policy_snapshot_read(const struct policy_maps *m, struct policy_snapshot *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = policy_read_matrix(m, s->cells);
	if (!err)
		err = policy_read_state(m, &s->state);
	if (err)
		log_err("cannot read the policy: %s", strerror(-err));
	return err;
}

/* Drivers drop what they were granted under the old verdicts. */
static void announce(const struct policy_maps *m, const struct id_set *providers)
{
	int err = policy_announce(m->pin_dir, providers);

	if (err && err != -EOPNOTSUPP)
		log_warn("cannot announce the change to the kernel (%s); peer mappings made before it stay until drivers fault again",
			 strerror(-err));
}

static const char *source_name(const struct commit_source *src)
{
	switch (src->kind) {
	case COMMIT_FILE:
		return src->file;
	case COMMIT_FOLLOW:
		return "hotplug";
	default:
		return "cli";
	}
}

/* Record a committed change in p2p_state (on the heap: large in bench builds). */
static void record(const struct policy_maps *m, const struct p2preach_state *next,
		   const struct commit_source *src)
{
	struct p2preach_state *st = malloc(sizeof(*st));
	struct timespec ts;

	if (!st) {
		log_warn("cannot record the edit in p2p_state: out of memory");
		return;
	}
	*st = *next;
	st->generation++;
	clock_gettime(CLOCK_REALTIME, &ts);
	st->changed_ns = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	snprintf(st->source, sizeof(st->source), "%s", source_name(src));
	if (src->kind == COMMIT_FILE) {
		/* Absolute, so that show and a restart find it from anywhere. */
		char *abs = realpath(src->file, NULL);

		snprintf(st->file, sizeof(st->file), "%s", abs ? abs : src->file);
		free(abs);
		st->file_hash = src->file_hash;
	}
	if (policy_write_state(m, st))
		log_warn("cannot record the edit in p2p_state: %s", strerror(errno));
	free(st);
}

/* Cells compared at once by changed_cells(). */
#define BLOCK	1024

/*
 * The cells that differ, and the providers whose column they are in:
 * every provider when the default changed.
 */
static unsigned changed_cells(const struct policy_snapshot *cur,
			      const struct policy_snapshot *next,
			      struct id_set *providers, bool *all)
{
	unsigned n = 0;

	memset(providers, 0, sizeof(*providers));
	*all = cur->cells[P2PREACH_DEFAULT_CELL] != next->cells[P2PREACH_DEFAULT_CELL];
	for (__u32 b = 0; b < P2PREACH_POLICY_CELLS; b += BLOCK) {
		__u32 end = b + BLOCK < P2PREACH_POLICY_CELLS ? b + BLOCK : P2PREACH_POLICY_CELLS;

		/* Most of a matrix is the same: skip it a block at a time. */
		if (!memcmp(&cur->cells[b], &next->cells[b], sizeof(__u32) * (end - b)))
			continue;
		for (__u32 i = b; i < end; i++) {
			if (cur->cells[i] == next->cells[i])
				continue;
			n++;
			if (i < P2PREACH_MATRIX_CELLS)
				id_set_add(providers, i % P2PREACH_MAX_DEVICES);
		}
	}
	return n;
}

/* Each changed cell in place; on failure the ones written go back. */
static int write_in_place(const struct policy_maps *m, const struct policy_snapshot *cur,
			  const struct policy_snapshot *next)
{
	__u32 i;
	int err = 0;

	for (i = 0; i < P2PREACH_POLICY_CELLS && !err; i++)
		if (cur->cells[i] != next->cells[i])
			err = policy_set_cell(m, i, next->cells[i]);
	if (!err)
		return 0;
	while (i-- > 0)
		if (cur->cells[i] != next->cells[i])
			policy_set_cell(m, i, cur->cells[i]);
	return err;
}

/* The counters of an id count for the device that has it: start afresh. */
static void reset_stats(const struct policy_maps *m, const struct policy_snapshot *cur,
			const struct policy_snapshot *next, const struct id_set *retired)
{
	struct id_set ids = retired ? *retired : (struct id_set){ 0 };

	for (__u32 id = 0; id < P2PREACH_MAX_DEVICES; id++) {
		const struct p2preach_owner *o = &cur->state.owners[id];

		if (o->role != P2PREACH_ROLE_NONE &&
		    memcmp(o, &next->state.owners[id], sizeof(*o)))
			id_set_add(&ids, id);
	}
	if (!id_set_empty(&ids) && policy_reset_stats(m, &ids))
		log_warn("cannot drop the counters of ids that changed hands");
}

int policy_commit(const struct policy_maps *m, const struct policy_snapshot *cur,
		  const struct policy_snapshot *next, const struct commit_source *src)
{
	struct id_set providers;
	bool all;
	unsigned n = changed_cells(cur, next, &providers, &all);
	int err = 0;

	/*
	 * A file is swapped in even when cur says nothing changed: an apply
	 * reads only the cells of the ids present (apply.c).
	 */
	if (n && src->kind == COMMIT_EDIT)
		err = write_in_place(m, cur, next);
	else if (n || src->kind == COMMIT_FILE)
		err = policy_swap_matrix(m, next->cells);
	if (err) {
		log_err("cannot write the new verdicts: %s", strerror(-err));
		return err;
	}
	reset_stats(m, cur, next, src->retired);
	if (n)
		announce(m, all ? NULL : &providers);
	record(m, &next->state, src);
	return 0;
}

int policy_commit_cells(const struct policy_maps *m, const struct p2preach_state *cur,
			const struct txn_cells *edit)
{
	const struct commit_source src = { .kind = COMMIT_EDIT };
	__u32 *old = malloc(sizeof(*old) * (edit->n ? edit->n : 1));
	struct id_set providers = { 0 };
	unsigned i = 0;
	int err = old ? 0 : -ENOMEM;

	if (!err)
		err = policy_get_cells(m, edit->cell, old, edit->n);
	for (i = 0; !err && i < edit->n; i++) {
		if (old[i] == edit->verdict)
			continue;
		err = policy_set_cell(m, edit->cell[i], edit->verdict);
		if (!err)
			id_set_add(&providers, edit->cell[i] % P2PREACH_MAX_DEVICES);
	}
	if (err) {
		/* What was written goes back. */
		while (old && i-- > 0)
			if (old[i] != edit->verdict)
				policy_set_cell(m, edit->cell[i], old[i]);
		free(old);
		log_err("cannot write the new verdicts: %s", strerror(-err));
		return err;
	}
	free(old);
	if (!id_set_empty(&providers))
		announce(m, &providers);
	record(m, cur, &src);
	return 0;
}

int policy_read_pairs(const struct policy_maps *m, const struct reach_ids *t,
		      __u32 cells[P2PREACH_POLICY_CELLS])
{
	__u32 *cell = malloc(sizeof(*cell) * (t->n * t->n + 1));
	__u32 *live = malloc(sizeof(*live) * (t->n * t->n + 1));
	unsigned n = 0;
	int err = cell && live ? 0 : -ENOMEM;

	for (unsigned i = 0; !err && i < t->n; i++) {
		const struct reach_id *c = &t->id[i];

		if (c->role != P2PREACH_ROLE_CLIENT || c->id >= P2PREACH_MAX_DEVICES)
			continue;
		for (unsigned j = 0; j < t->n; j++) {
			const struct reach_id *pr = &t->id[j];

			if (pr->role == P2PREACH_ROLE_PROVIDER && pr->id < P2PREACH_MAX_DEVICES)
				cell[n++] = p2preach_cell(c->id, pr->id);
		}
	}
	if (!err) {
		cell[n++] = P2PREACH_DEFAULT_CELL;
		err = policy_get_cells(m, cell, live, n);
	}
	for (unsigned i = 0; !err && i < n; i++)
		cells[cell[i]] = live[i];
	if (err)
		log_err("cannot read the policy: %s", strerror(-err));
	free(cell);
	free(live);
	return err;
}

struct policy_snapshot *policy_snapshot_take(const char *pin_dir, const struct reach_ids *t)
{
	struct policy_snapshot *s = calloc(1, sizeof(*s));
	struct policy_maps m;
	__u32 cell = P2PREACH_DEFAULT_CELL, deflt;
	int err;

	if (!s) {
		log_err("out of memory");
		return NULL;
	}
	err = policy_maps_open(&m, pin_dir);
	if (!err) {
		err = policy_read_state(&m, &s->state);
		if (!err)
			err = policy_get_cells(&m, &cell, &deflt, 1);
		if (err)
			log_err("cannot read the policy: %s", strerror(-err));
		/* Ids nobody holds have the default in their rows and columns. */
		for (__u32 i = 0; !err && i < P2PREACH_POLICY_CELLS; i++)
			s->cells[i] = deflt;
		if (!err)
			err = policy_read_pairs(&m, t, s->cells);
		policy_maps_close(&m);
	}
	if (err) {
		free(s);
		return NULL;
	}
	return s;
}
