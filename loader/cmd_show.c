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
#include "policy_commit.h"
#include "verdict.h"

static bool used(const struct policy_snapshot *s, unsigned i)
{
	return s->names.name[i][0];
}

static __u32 verdict(const struct policy_snapshot *s, unsigned c, unsigned p)
{
	return s->cells[p2preach_cell(c, p)];
}

static void show_json(const struct cli *c, const struct policy_snapshot *s)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *devices = json_object_new_array();
	struct json_object *pairs = json_object_new_array();

	json_add_string(doc, "default",
			policy_verdict_name(s->cells[P2PREACH_DEFAULT_CELL]));
	json_add_uint(doc, "generation", s->state.generation);
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		struct json_object *d;

		if (!used(s, i))
			continue;
		d = json_object_new_object();
		json_add_uint(d, "index", i);
		json_add_string(d, "alias", s->names.alias[i]);
		json_add_string(d, "name", s->names.name[i]);
		json_add_bool(d, "present", names_present("/sys", s->names.name[i]));
		json_object_array_add(devices, d);
	}
	json_object_object_add(doc, "devices", devices);
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		for (unsigned j = 0; j < P2PREACH_MAX_DEVICES; j++) {
			struct json_object *pr;

			if (i == j || !used(s, i) || !used(s, j))
				continue;
			pr = json_object_new_object();
			json_add_string(pr, "client", s->names.name[i]);
			json_add_string(pr, "provider", s->names.name[j]);
			json_add_string(pr, "verdict", policy_verdict_name(verdict(s, i, j)));
			json_object_array_add(pairs, pr);
		}
	}
	json_object_object_add(doc, "pairs", pairs);
	json_out_print(stdout, doc, c->pretty);
}

/* Rows access columns' memory, like `nvidia-smi topo -m`. */
static void show_table(const struct policy_snapshot *s)
{
	int w = 6;

	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (used(s, i) && (int)strlen(names_label(&s->names, i)) + 2 > w)
			w = strlen(names_label(&s->names, i)) + 2;
	if (!txn_device_count(s)) {
		printf("No devices in the policy.\n");
	} else {
		printf("%-*s", w, "");
		for (unsigned j = 0; j < P2PREACH_MAX_DEVICES; j++)
			if (used(s, j))
				printf("%-*s", w, names_label(&s->names, j));
		printf("\n");
		for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
			if (!used(s, i))
				continue;
			printf("%-*s", w, names_label(&s->names, i));
			for (unsigned j = 0; j < P2PREACH_MAX_DEVICES; j++) {
				if (!used(s, j))
					continue;
				printf("%-*s", w, i == j ? "X" :
				       policy_verdict_name(verdict(s, i, j)));
			}
			printf("\n");
		}
	}
	printf("\nDefault (devices not listed): %s\n",
	       policy_verdict_name(s->cells[P2PREACH_DEFAULT_CELL]));
	printf("\nLegend: a row's device accessing memory that lives in a column's device.\n"
	       "  X     = the device itself\n"
	       "  rw    = direct peer access, read and write\n"
	       "  read  = direct peer reads; writes go through system RAM\n"
	       "  deny  = through system RAM, as without a policy\n");
	if (!txn_device_count(s))
		return;
	printf("\nDevices:\n");
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (used(s, i))
			printf("  %-*s%-16s %s\n", w, s->names.alias[i][0] ?
			       s->names.alias[i] : "-", s->names.name[i],
			       names_present("/sys", s->names.name[i]) ?
			       "present" : "absent");
}

/* A label of the live policy for dev_name: its alias if it has one. */
static const char *label_of(const struct policy_snapshot *s, const char *name)
{
	int i = names_index(&s->names, name);

	return i < 0 ? name : names_label(&s->names, i);
}

/* show --diff FILE: the live edits as lines to paste into FILE. */
static int show_diff(const struct cli *c)
{
	struct policy_snapshot *s = policy_snapshot_take(c->pin_dir);
	struct txn_change *ch = calloc(P2PREACH_POLICY_CELLS, sizeof(*ch));
	struct json_object *doc, *arr;
	unsigned n = 0;
	bool changed;
	int err = s && ch ? 0 : -ENOMEM;

	char msg[1024];

	if (!err) {
		err = txn_live_edits(s, c->diff, ch, P2PREACH_POLICY_CELLS, &n,
				     &changed, msg, sizeof(msg));
		if (err)
			log_err("%s", msg);
	}
	if (err)
		goto out;
	if (c->json) {
		doc = json_object_new_object();
		arr = json_object_new_array();
		json_add_string(doc, "file", c->diff);
		for (unsigned i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();

			json_add_string(o, "client", ch[i].client[0] ? ch[i].client : NULL);
			json_add_string(o, "provider", ch[i].provider[0] ? ch[i].provider : NULL);
			json_add_string(o, "file", policy_verdict_name(ch[i].from));
			json_add_string(o, "live", policy_verdict_name(ch[i].to));
			json_object_array_add(arr, o);
		}
		json_object_object_add(doc, "live_edits", arr);
		err = json_out_print(stdout, doc, c->pretty);
		goto out;
	}
	if (!n)
		printf("# the live policy is what %s says\n", c->diff);
	else
		printf("# %u live verdict%s that %s does not give; add to it:\n",
		       n, n == 1 ? "" : "s", c->diff);
	for (unsigned i = 0; i < n; i++) {
		if (!ch[i].client[0])
			printf("default %s\n", policy_verdict_name(ch[i].to));
		else if (ch[i].to == P2PREACH_DENY)
			printf("deny %s -> %s\n", label_of(s, ch[i].client),
			       label_of(s, ch[i].provider));
		else
			printf("allow %s -> %s %s\n", label_of(s, ch[i].client),
			       label_of(s, ch[i].provider), policy_verdict_name(ch[i].to));
	}
out:
	free(ch);
	free(s);
	return err;
}

int cmd_show(const struct cli *c)
{
	struct policy_snapshot *s;

	if (c->diff)
		return show_diff(c);
	s = policy_snapshot_take(c->pin_dir);
	if (!s)
		return -EIO;
	if (c->json)
		show_json(c, s);
	else
		show_table(s);
	free(s);
	return 0;
}

