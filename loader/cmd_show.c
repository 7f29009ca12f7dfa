// SPDX-License-Identifier: GPL-2.0
/* show: the verdict matrix, or the live edits a file lacks (--diff). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "json_out.h"
#include "log.h"
#include "names.h"
#include "verdict.h"
#include "view.h"

/* The i-th id of t if it has a row (client) or column (provider). */
static const struct reach_id *in_matrix(const struct view *v, unsigned i, __u32 role)
{
	const struct reach_id *e = &v->t.id[i];

	return e->role == role && e->id < P2PREACH_MAX_DEVICES ? e : NULL;
}

static const char *verdict_of(const struct view *v, const struct reach_id *c,
			      const struct reach_id *p)
{
	if (!strcmp(c->dev_name, p->dev_name))
		return "X";
	return policy_verdict_name(v->s->cells[p2preach_cell(c->id, p->id)]);
}

static void show_json(const struct cli *c, const struct view *v)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *devs = json_object_new_array();
	struct json_object *pairs = json_object_new_array();
	struct names_device *d;
	char name[2][P2PREACH_NAME_LEN];
	unsigned n;

	json_add_string(doc, "default",
			policy_verdict_name(v->s->cells[P2PREACH_DEFAULT_CELL]));
	json_add_uint(doc, "generation", v->s->state.generation);
	d = view_devices(v, &n);
	for (unsigned i = 0; d && i < n; i++) {
		struct json_object *o = json_object_new_object();
		struct json_object *ids = json_object_new_array();

		json_add_string(o, "alias", d[i].alias);
		json_add_string(o, "name", d[i].name);
		json_add_bool(o, "present", d[i].nr_ids > 0);
		for (unsigned j = 0; j < v->t.n; j++) {
			const struct reach_id *e = &v->t.id[j];
			struct json_object *id;

			if (!reach_id_matches(e, d[i].name, P2PREACH_ROLE_NONE))
				continue;
			id = json_object_new_object();
			json_add_uint(id, "id", e->id);
			json_add_string(id, "role", reach_role_name(e->role));
			json_add_uint(id, "index", e->index);
			json_add_bool(id, "in_matrix", e->id < P2PREACH_MAX_DEVICES);
			json_object_array_add(ids, id);
		}
		json_object_object_add(o, "ids", ids);
		json_object_array_add(devs, o);
	}
	free(d);
	json_object_object_add(doc, "devices", devs);
	for (unsigned i = 0; i < v->t.n; i++) {
		const struct reach_id *ec = in_matrix(v, i, P2PREACH_ROLE_CLIENT);

		for (unsigned j = 0; ec && j < v->t.n; j++) {
			const struct reach_id *ep = in_matrix(v, j, P2PREACH_ROLE_PROVIDER);
			struct json_object *pr;

			if (!ep || !strcmp(ec->dev_name, ep->dev_name))
				continue;
			reach_id_name(&v->t, ec, name[0], sizeof(name[0]));
			reach_id_name(&v->t, ep, name[1], sizeof(name[1]));
			pr = json_object_new_object();
			json_add_string(pr, "client", name[0]);
			json_add_string(pr, "provider", name[1]);
			json_add_uint(pr, "client_id", ec->id);
			json_add_uint(pr, "provider_id", ep->id);
			json_add_string(pr, "verdict", verdict_of(v, ec, ep));
			json_object_array_add(pairs, pr);
		}
	}
	json_object_object_add(doc, "pairs", pairs);
	json_out_print(stdout, doc, c->pretty);
}

/* Rows access columns' memory, like `nvidia-smi topo -m`. */
static void show_matrix(const struct view *v, int w)
{
	char label[P2PREACH_NAME_LEN];

	printf("%-*s", w, "");
	for (unsigned j = 0; j < v->t.n; j++) {
		if (!in_matrix(v, j, P2PREACH_ROLE_PROVIDER))
			continue;
		names_label(&v->s->state, &v->t, &v->t.id[j], label, sizeof(label));
		printf("%-*s", w, label);
	}
	printf("\n");
	for (unsigned i = 0; i < v->t.n; i++) {
		const struct reach_id *ec = in_matrix(v, i, P2PREACH_ROLE_CLIENT);

		if (!ec)
			continue;
		names_label(&v->s->state, &v->t, ec, label, sizeof(label));
		printf("%-*s", w, label);
		for (unsigned j = 0; j < v->t.n; j++) {
			const struct reach_id *ep = in_matrix(v, j, P2PREACH_ROLE_PROVIDER);

			if (ep)
				printf("%-*s", w, verdict_of(v, ec, ep));
		}
		printf("\n");
	}
}

/* "client 0, provider 1", or "absent". */
static void print_ids(const struct view *v, const char *name)
{
	const char *sep = "";

	for (unsigned j = 0; j < v->t.n; j++) {
		const struct reach_id *e = &v->t.id[j];

		if (!reach_id_matches(e, name, P2PREACH_ROLE_NONE))
			continue;
		printf("%s%s %u%s", sep, reach_role_name(e->role), e->id,
		       e->id < P2PREACH_MAX_DEVICES ? "" : " (past the matrix)");
		sep = ", ";
	}
	printf("%s\n", *sep ? "" : "absent");
}

static void show_table(const struct view *v)
{
	char label[P2PREACH_NAME_LEN];
	struct names_device *d;
	unsigned n, rows = 0;
	int w = 6;

	for (unsigned i = 0; i < v->t.n; i++) {
		if (!in_matrix(v, i, P2PREACH_ROLE_CLIENT) &&
		    !in_matrix(v, i, P2PREACH_ROLE_PROVIDER))
			continue;
		rows++;
		names_label(&v->s->state, &v->t, &v->t.id[i], label, sizeof(label));
		if ((int)strlen(label) + 2 > w)
			w = strlen(label) + 2;
	}
	if (rows)
		show_matrix(v, w);
	else
		printf("No device has ids in the matrix.\n");
	printf("\nDefault (pairs no rule sets, ids past the matrix): %s\n",
	       policy_verdict_name(v->s->cells[P2PREACH_DEFAULT_CELL]));
	printf("\nLegend: a row's device accessing memory that lives in a column's device.\n"
	       "  X     = the device itself\n"
	       "  rw    = direct peer access, read and write\n"
	       "  read  = direct peer reads; writes go through system RAM\n"
	       "  deny  = through system RAM, as without a policy\n");
	d = view_devices(v, &n);
	if (d && n) {
		printf("\nDevices:\n");
		w = 16;
		for (unsigned i = 0; i < n; i++)
			if ((int)strlen(d[i].name) + 2 > w)
				w = strlen(d[i].name) + 2;
		for (unsigned i = 0; i < n; i++) {
			printf("  %-*s%-*s", P2PREACH_ALIAS_LEN / 2,
			       d[i].alias[0] ? d[i].alias : "-", w, d[i].name);
			print_ids(v, d[i].name);
		}
	}
	free(d);
}

/* A line of the file for one change: labels the file can name. */
static void print_change(const struct view *v, const struct txn_change *ch)
{
	char client[P2PREACH_NAME_LEN], provider[P2PREACH_NAME_LEN];

	if (ch->client == TXN_DEFAULT) {
		printf("default %s\n", policy_verdict_name(ch->to));
		return;
	}
	names_label(&v->s->state, &v->t, reach_ids_find(&v->t, ch->client), client,
		    sizeof(client));
	names_label(&v->s->state, &v->t, reach_ids_find(&v->t, ch->provider), provider,
		    sizeof(provider));
	if (ch->to == P2PREACH_DENY)
		printf("deny %s -> %s\n", client, provider);
	else
		printf("allow %s -> %s %s\n", client, provider, policy_verdict_name(ch->to));
}

static struct json_object *change_json(const struct view *v, const struct txn_change *ch)
{
	struct json_object *o = json_object_new_object();
	char name[P2PREACH_NAME_LEN];
	const __u32 ids[2] = { ch->client, ch->provider };
	const char *keys[2] = { "client", "provider" };

	for (int k = 0; k < 2; k++) {
		if (ids[k] == TXN_DEFAULT) {
			json_add_string(o, keys[k], NULL);
			continue;
		}
		reach_id_name(&v->t, reach_ids_find(&v->t, ids[k]), name, sizeof(name));
		json_add_string(o, keys[k], name);
	}
	json_add_string(o, "file", policy_verdict_name(ch->from));
	json_add_string(o, "live", policy_verdict_name(ch->to));
	return o;
}

/* show --diff FILE: the live edits as lines to paste into FILE. */
static int show_diff(const struct cli *c)
{
	struct txn_change *ch = calloc(P2PREACH_POLICY_CELLS, sizeof(*ch));
	struct json_object *doc, *arr;
	struct view v = { 0 };
	unsigned n = 0;
	bool changed;
	char msg[1024];
	int err = ch ? view_take(c->pin_dir, &v) : -ENOMEM;

	if (!err) {
		err = txn_live_edits(v.s, &v.t, c->diff, ch, P2PREACH_POLICY_CELLS, &n,
				     &changed, msg, sizeof(msg));
		if (err) {
			log_err("%s", msg);
			view_free(&v);
		}
	}
	if (err) {
		free(ch);
		return err;
	}
	if (c->json) {
		doc = json_object_new_object();
		arr = json_object_new_array();
		json_add_string(doc, "file", c->diff);
		for (unsigned i = 0; i < n; i++)
			json_object_array_add(arr, change_json(&v, &ch[i]));
		json_object_object_add(doc, "live_edits", arr);
		err = json_out_print(stdout, doc, c->pretty);
	} else {
		if (!n)
			printf("# the live policy is what %s says\n", c->diff);
		else
			printf("# %u live verdict%s that %s does not give; add to it:\n",
			       n, n == 1 ? "" : "s", c->diff);
		for (unsigned i = 0; i < n; i++)
			print_change(&v, &ch[i]);
	}
	free(ch);
	view_free(&v);
	return err;
}

int cmd_show(const struct cli *c)
{
	struct view v;
	int err;

	if (c->diff)
		return show_diff(c);
	err = view_take(c->pin_dir, &v);
	if (err)
		return err;
	if (c->json)
		show_json(c, &v);
	else
		show_table(&v);
	view_free(&v);
	return 0;
}
