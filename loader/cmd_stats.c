// SPDX-License-Identifier: GPL-2.0
/* stats: the decision counters, as a table, JSON or for Prometheus. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "json_out.h"
#include "metrics.h"
#include "stats.h"

static void stats_fields(struct json_object *o, const struct p2preach_pair_stats *st)
{
	json_add_uint(o, "deny", st->verdicts[P2PREACH_DENY]);
	json_add_uint(o, "read", st->verdicts[P2PREACH_ALLOW_READ]);
	json_add_uint(o, "rw", st->verdicts[P2PREACH_ALLOW_RW]);
	json_add_uint(o, "invalid", st->invalid);
}

static void stats_print_json(const struct cli *c, const struct stats_report *r)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *pairs = json_object_new_array();
	struct json_object *other = json_object_new_object();

	for (unsigned i = 0; i < r->nr_pairs; i++) {
		struct json_object *row = json_object_new_object();

		json_add_string(row, "client", r->pairs[i].client);
		json_add_string(row, "provider", r->pairs[i].provider);
		json_add_uint(row, "client_id", r->pairs[i].client_id);
		json_add_uint(row, "provider_id", r->pairs[i].provider_id);
		stats_fields(row, &r->pairs[i].st);
		json_object_array_add(pairs, row);
	}
	json_object_object_add(doc, "pairs", pairs);
	stats_fields(other, &r->other);
	json_object_object_add(doc, "other", other);
	json_out_print(stdout, doc, c->pretty);
}

static void stats_row(int w, const char *client, const char *provider,
		      const struct p2preach_pair_stats *st)
{
	printf("%-*s%-*s%10llu %10llu %10llu %8llu\n", w, client, w, provider,
	       (unsigned long long)st->verdicts[P2PREACH_DENY],
	       (unsigned long long)st->verdicts[P2PREACH_ALLOW_READ],
	       (unsigned long long)st->verdicts[P2PREACH_ALLOW_RW],
	       (unsigned long long)st->invalid);
}

static void stats_print_text(const struct stats_report *r)
{
	int w = 10;

	for (unsigned i = 0; i < r->nr_pairs; i++) {
		if ((int)strlen(r->pairs[i].client_label) + 2 > w)
			w = strlen(r->pairs[i].client_label) + 2;
		if ((int)strlen(r->pairs[i].provider_label) + 2 > w)
			w = strlen(r->pairs[i].provider_label) + 2;
	}
	printf("Decisions by verdict (the kernel asks only when the owners differ):\n");
	printf("%-*s%-*s%10s %10s %10s %8s\n", w, "CLIENT", w, "PROVIDER",
	       "DENY", "READ", "RW", "INVALID");
	for (unsigned i = 0; i < r->nr_pairs; i++)
		stats_row(w, r->pairs[i].client_label, r->pairs[i].provider_label,
			  &r->pairs[i].st);
	stats_row(w, "(other)", "", &r->other);
}

int cmd_stats(const struct cli *c)
{
	struct stats_report r;
	int err = stats_read(c->pin_dir, &r);

	if (err)
		return err;
	if (c->output)
		err = metrics_write_file(c->output, &r, c->format == STATS_OPENMETRICS ?
					 METRICS_OPENMETRICS : METRICS_PROMETHEUS);
	else if (c->format != STATS_TEXT)
		err = metrics_write(stdout, &r, c->format == STATS_OPENMETRICS ?
				    METRICS_OPENMETRICS : METRICS_PROMETHEUS);
	else if (c->json)
		stats_print_json(c, &r);
	else
		stats_print_text(&r);
	stats_free(&r);
	return err;
}
