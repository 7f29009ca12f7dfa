// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "policy_commit.h"
#include "stats.h"

/* An id's name and label, "id N" once sysfs lists it no more. */
static void describe(const struct p2preach_state *st, const struct reach_ids *t,
		     __u32 id, char *name, char *label, size_t len)
{
	const struct reach_id *e = reach_ids_find(t, id);

	if (!e) {
		snprintf(name, len, "id %u", id);
		snprintf(label, len, "id %u", id);
		return;
	}
	reach_id_name(t, e, name, len);
	names_label(st, t, e, label, len);
}

/* A pair of devices present: listed even before its first decision. */
static bool peer_pair(const struct reach_ids *t, __u32 c, __u32 p)
{
	const struct reach_id *ec = reach_ids_find(t, c), *ep = reach_ids_find(t, p);

	return ec && ep && ec->role == P2PREACH_ROLE_CLIENT &&
	       ep->role == P2PREACH_ROLE_PROVIDER && strcmp(ec->dev_name, ep->dev_name);
}

/* Which cells to list: pairs of devices present, and any cell counted. */
static int cells_to_list(const struct policy_maps *m, const struct reach_ids *t,
			 bool *listed)
{
	__u32 *counted = malloc(sizeof(*counted) * P2PREACH_STATS_ENTRIES);
	int n;

	if (!counted)
		return -ENOMEM;
	n = policy_stats_cells(m, counted, P2PREACH_STATS_ENTRIES);
	for (int i = 0; i < n; i++)
		if (counted[i] < P2PREACH_MATRIX_CELLS)
			listed[counted[i]] = true;
	free(counted);
	/* By the ids present, not by the cells: a matrix has many more. */
	for (unsigned i = 0; i < t->n; i++)
		for (unsigned j = 0; j < t->n; j++) {
			__u32 c = t->id[i].id, p = t->id[j].id;

			if (c < P2PREACH_MAX_DEVICES && p < P2PREACH_MAX_DEVICES &&
			    peer_pair(t, c, p))
				listed[p2preach_cell(c, p)] = true;
		}
	return n < 0 ? n : 0;
}

/* Every counter to list, read before anything is printed. */
static int collect(const struct policy_maps *m, const struct p2preach_state *s,
		   const struct reach_ids *t, struct stats_report *r)
{
	bool *listed = calloc(P2PREACH_MATRIX_CELLS, sizeof(*listed));
	unsigned n = 0;
	int err;

	r->generation = s->generation;
	err = listed ? cells_to_list(m, t, listed) : -ENOMEM;
	for (__u32 i = 0; !err && i < P2PREACH_MATRIX_CELLS; i++)
		n += listed[i];
	if (!err && n && !(r->pairs = calloc(n, sizeof(*r->pairs))))
		err = -ENOMEM;
	for (__u32 i = 0; !err && i < P2PREACH_MATRIX_CELLS; i++) {
		struct stats_pair *p = &r->pairs[r->nr_pairs];

		if (!listed[i])
			continue;
		p->client_id = i / P2PREACH_MAX_DEVICES;
		p->provider_id = i % P2PREACH_MAX_DEVICES;
		describe(s, t, p->client_id, p->client, p->client_label,
			 sizeof(p->client));
		describe(s, t, p->provider_id, p->provider, p->provider_label,
			 sizeof(p->provider));
		err = policy_read_stats(m, i, &p->st);
		r->nr_pairs++;
	}
	if (!err)
		err = policy_read_stats(m, P2PREACH_DEFAULT_CELL, &r->other);
	free(listed);
	return err;
}

int stats_read(const char *pin_dir, struct stats_report *r)
{
	/* The verdicts are not listed: p2p_state alone, not the matrix. */
	struct p2preach_state *s = calloc(1, sizeof(*s));
	struct reach_ids t;
	struct policy_maps m;
	int err;

	memset(r, 0, sizeof(*r));
	if (!s)
		return -ENOMEM;
	err = policy_maps_open(&m, pin_dir);
	if (!err) {
		err = policy_read_state(&m, s);
		if (err)
			log_err("cannot read the policy: %s", strerror(-err));
		if (!err)
			err = reach_ids_read(REACH_SYSFS, &t);
		if (!err) {
			r->attached = true;
			err = collect(&m, s, &t, r);
			if (err)
				log_err("cannot read the counters: %s", strerror(-err));
			reach_ids_free(&t);
		}
		policy_maps_close(&m);
	}
	free(s);
	if (err)
		stats_free(r);
	return err;
}

void stats_free(struct stats_report *r)
{
	free(r->pairs);
	r->pairs = NULL;
	r->nr_pairs = 0;
}
