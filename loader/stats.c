// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "policy_commit.h"
#include "stats.h"

/* Every counter of the snapshot's pairs, read before anything is printed. */
static int collect(const struct policy_maps *m, const struct policy_snapshot *s,
			 struct stats_report *r)
{
	int err = 0;

	r->pairs = calloc(P2PREACH_MAX_DEVICES * P2PREACH_MAX_DEVICES, sizeof(*r->pairs));
	if (!r->pairs)
		return -ENOMEM;
	r->generation = s->state.generation;
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES && !err; i++) {
		for (unsigned j = 0; j < P2PREACH_MAX_DEVICES && !err; j++) {
			struct stats_pair *p = &r->pairs[r->nr_pairs];

			if (i == j || !s->names.name[i][0] || !s->names.name[j][0])
				continue;
			err = policy_read_stats(m, p2preach_cell(i, j), &p->st);
			snprintf(p->client, sizeof(p->client), "%s", s->names.name[i]);
			snprintf(p->provider, sizeof(p->provider), "%s", s->names.name[j]);
			snprintf(p->client_label, sizeof(p->client_label), "%s",
				 names_label(&s->names, i));
			snprintf(p->provider_label, sizeof(p->provider_label), "%s",
				 names_label(&s->names, j));
			r->nr_pairs++;
		}
	}
	if (!err)
		err = policy_read_stats(m, P2PREACH_UNKNOWN_CELL, &r->other);
	return err;
}

int stats_read(const char *pin_dir, struct stats_report *r)
{
	struct policy_snapshot *s = calloc(1, sizeof(*s));
	struct policy_maps m;
	int err;

	memset(r, 0, sizeof(*r));
	if (!s)
		return -ENOMEM;
	err = policy_maps_open(&m, pin_dir);
	if (!err) {
		err = policy_snapshot_read(&m, s);
		if (!err) {
			r->attached = true;
			err = collect(&m, s, r);
			if (err)
				log_err("cannot read the counters: %s", strerror(-err));
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
