// SPDX-License-Identifier: GPL-2.0
/*
 * show: per ordered pair, what hardware and drivers can do, the policy's
 * verdict, the result and why (explain.h); the compact matrix (-m); or
 * the live edits a file lacks (--diff).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "explain.h"
#include "json_out.h"
#include "log.h"
#include "names.h"
#include "show_out.h"
#include "verdict.h"
#include "view.h"

/* A device of the view with its ids ("ids" of show --json). */
static struct json_object *device_json(const struct view *v, const struct names_device *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ids = json_object_new_array();

	json_add_string(o, "alias", d->alias);
	json_add_string(o, "name", d->name);
	json_add_bool(o, "present", d->nr_ids > 0);
	for (unsigned j = 0; j < v->t.n; j++) {
		const struct reach_id *e = &v->t.id[j];
		struct json_object *id;

		if (!reach_id_matches(e, d->name, P2PREACH_ROLE_NONE))
			continue;
		id = json_object_new_object();
		json_add_uint(id, "id", e->id);
		json_add_string(id, "role", reach_role_name(e->role));
		json_add_uint(id, "index", e->index);
		json_add_bool(id, "in_matrix", e->id < P2PREACH_MAX_DEVICES);
		json_object_array_add(ids, id);
	}
	json_object_object_add(o, "ids", ids);
	return o;
}

static void show_json(const struct cli *c, const struct view *v, const struct explain *e)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *devs = json_object_new_array();
	struct names_device *d;
	unsigned n;

	json_add_string(doc, "default",
			policy_verdict_name(v->s->cells[P2PREACH_DEFAULT_CELL]));
	json_add_uint(doc, "generation", v->s->state.generation);
	json_add_string(doc, "file", e->file_name[0] ? e->file_name : NULL);
	json_add_bool(doc, "file_changed", e->file == TXN_FILE_CHANGED);
	d = view_devices(v, &n);
	for (unsigned i = 0; d && i < n; i++)
		json_object_array_add(devs, device_json(v, &d[i]));
	free(d);
	json_object_object_add(doc, "devices", devs);
	json_object_object_add(doc, "pairs", show_json_pairs(e));
	json_out_print(stdout, doc, c->pretty);
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

static void show_text(const struct cli *c, const struct view *v, const struct explain *e)
{
	struct names_device *d;
	unsigned n;
	int w;

	if (c->matrix)
		show_text_matrix(stdout, e);
	else
		show_text_pairs(stdout, e);
	printf("\nDefault (pairs no rule sets, ids past the matrix): %s\n",
	       policy_verdict_name(v->s->cells[P2PREACH_DEFAULT_CELL]));
	if (e->file == TXN_FILE_CHANGED)
		printf("%s changed since it was applied: which rule gave a verdict is unknown until it is applied again.\n",
		       e->file_name);
	else if (e->file == TXN_FILE_UNREADABLE)
		printf("%s, the file applied, cannot be read: which rule gave a verdict is unknown.\n",
		       e->file_name);
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
	struct policy *applied;
	struct explain e;
	enum txn_file file;
	struct view v;
	int err;

	if (c->diff)
		return show_diff(c);
	err = view_take(c->pin_dir, &v);
	if (err)
		return err;
	file = txn_applied_file(&v.s->state, &applied);
	err = explain_build(v.s, &v.t, applied, file, &e);
	if (err) {
		log_err("cannot explain the policy: %s", strerror(-err));
	} else {
		if (c->json)
			show_json(c, &v, &e);
		else
			show_text(c, &v, &e);
		explain_free(&e);
	}
	free(applied);
	view_free(&v);
	return err;
}
