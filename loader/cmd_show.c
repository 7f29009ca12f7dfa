// SPDX-License-Identifier: GPL-2.0
/* Commands that read the policy: show, stats, status, check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attach.h"
#include "cli.h"
#include "commands.h"
#include "json_out.h"
#include "kernel_state.h"
#include "log.h"
#include "metrics.h"
#include "names.h"
#include "policy_file.h"
#include "policy_commit.h"
#include "policy_maps.h"

/* The maps read once, into a snapshot on the heap; NULL on error. */
static struct policy_snapshot *take_snapshot(const struct cli *c)
{
	struct policy_snapshot *s = calloc(1, sizeof(*s));
	struct policy_maps m;
	int err;

	if (!s)
		return NULL;
	err = policy_maps_open(&m, c->pin_dir);
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

/*
 * The live verdicts that file does not give (at most max in changes, all
 * counted in *n), and whether its text changed since it was applied. 0,
 * or -errno with a message when loud (the file cannot be parsed).
 */
static int live_edits(const struct policy_snapshot *live, const char *file,
		      struct txn_change *changes, unsigned *n, bool *changed,
		      bool loud)
{
	struct policy_snapshot *want = malloc(sizeof(*want));
	struct policy *p = malloc(sizeof(*p));
	char err[1024];
	int ret = want && p ? 0 : -ENOMEM;

	if (!ret)
		ret = policy_file_parse(file, p, err, sizeof(err));
	if (!ret)
		ret = txn_apply_file(live, p, want, err, sizeof(err));
	if (!ret) {
		*n = txn_diff(want, live, changes, changes ? P2PREACH_POLICY_CELLS : 0);
		*changed = p->text_hash != live->state.file_hash ||
			   strcmp(file, live->state.file);
	} else if (loud) {
		log_err("%s", ret == -ENOMEM ? "out of memory" : err);
	}
	free(want);
	free(p);
	return ret;
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
	struct policy_snapshot *s = take_snapshot(c);
	struct txn_change *ch = calloc(P2PREACH_POLICY_CELLS, sizeof(*ch));
	struct json_object *doc, *arr;
	unsigned n = 0;
	bool changed;
	int err = s && ch ? 0 : -ENOMEM;

	if (!err)
		err = live_edits(s, c->diff, ch, &n, &changed, true);
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
	s = take_snapshot(c);
	if (!s)
		return -EIO;
	if (c->json)
		show_json(c, s);
	else
		show_table(s);
	free(s);
	return 0;
}

static struct json_object *kernel_json(bool have, const struct kernel_state *ks)
{
	struct json_object *o;

	if (!have)
		return NULL;
	o = json_object_new_object();
	json_add_bool(o, "attached", ks->attached);
	json_add_string(o, "policy", ks->policy);
	json_add_uint(o, "generation", ks->generation);
	json_add_uint(o, "allowed_read", ks->allowed_read);
	json_add_uint(o, "allowed_rw", ks->allowed_rw);
	json_add_uint(o, "denied", ks->denied);
	json_add_uint(o, "invalid", ks->invalid);
	return o;
}

static void kernel_text(bool have, const struct kernel_state *ks)
{
	if (!have)
		return;
	printf("kernel:     %s%s%s%s, generation %llu\n",
	       ks->attached ? "policy \"" : "no policy attached",
	       ks->attached ? ks->policy : "", ks->attached ? "\"" : "",
	       ks->attached ? " attached" : "", ks->generation);
	printf("decisions:  %llu rw, %llu read, %llu denied, %llu invalid\n",
	       ks->allowed_rw, ks->allowed_read, ks->denied, ks->invalid);
}

/* How the live policy differs from what the file last applied says. */
struct file_view {
	const char *file;	/* state.file, or NULL when none was applied */
	bool readable;		/* it parses, so the edits below are known */
	bool changed;		/* its text is not the one applied */
	unsigned nr_edits;	/* live verdicts the file does not give */
};

static void view_file(const struct policy_snapshot *s, struct file_view *v)
{
	memset(v, 0, sizeof(*v));
	if (!s->state.file[0])
		return;
	v->file = s->state.file;
	v->readable = !live_edits(s, v->file, NULL, &v->nr_edits, &v->changed, false);
}

static void status_json(const struct cli *c, const struct link_status *ls,
			const struct policy_snapshot *s, const char *when,
			int present, const struct file_view *v,
			bool have_ks, const struct kernel_state *ks)
{
	struct json_object *doc = json_object_new_object();

	json_add_bool(doc, "attached", ls->attached);
	json_add_bool(doc, "pinned", ls->pinned);
	json_add_string(doc, "pin_dir", c->pin_dir);
	json_add_string(doc, "policy", ls->policy);
	if (ls->pinned)
		json_add_uint(doc, "link_id", ls->link_id);
	if (s) {
		json_add_uint(doc, "generation", s->state.generation);
		json_add_string(doc, "source", s->state.source);
		json_add_string(doc, "changed", when);
		json_add_uint(doc, "devices", txn_device_count(s));
		json_add_uint(doc, "present", present);
		json_add_string(doc, "default",
				policy_verdict_name(s->cells[P2PREACH_DEFAULT_CELL]));
		json_add_string(doc, "file", v->file);
		if (v->readable) {
			json_add_uint(doc, "live_edits", v->nr_edits);
			json_add_bool(doc, "file_changed", v->changed);
		} else {
			json_object_object_add(doc, "live_edits", NULL);
			json_object_object_add(doc, "file_changed", NULL);
		}
	}
	json_object_object_add(doc, "kernel", kernel_json(have_ks, ks));
	json_out_print(stdout, doc, c->pretty);
}

static void status_text(const struct cli *c, const struct link_status *ls,
			const struct policy_snapshot *s, const char *when,
			int present, const struct file_view *v)
{
	printf("policy:     %s, attached, %s\n", ls->policy[0] ? ls->policy : "p2preach",
	       ls->pinned ? "pinned under" : "not pinned by p2preach;");
	if (ls->pinned)
		printf("            %s\n", c->pin_dir);
	else
		printf("            found through the loaded program\n");
	printf("generation: %llu", (unsigned long long)s->state.generation);
	if (when[0])
		printf(" (changed %s%s%s)", when, s->state.source[0] ? " from " : "",
		       s->state.source);
	printf("\ndevices:    %u (%d present)\n", txn_device_count(s), present);
	printf("default:    %s\n",
	       policy_verdict_name(s->cells[P2PREACH_DEFAULT_CELL]));
	if (!v->file)
		return;
	printf("file:       %s", v->file);
	if (!v->readable)
		printf(" (cannot be read now)\n");
	else if (v->nr_edits)
		printf(" (%u live edit%s not in it%s: p2preach show --diff %s)\n",
		       v->nr_edits, v->nr_edits == 1 ? "" : "s",
		       v->changed ? "; edited since it was applied" : "", v->file);
	else
		printf("%s\n", v->changed ? " (edited since it was applied)" : "");
}

int cmd_status(const struct cli *c)
{
	struct policy_snapshot *s = NULL;
	struct kernel_state ks;
	bool have_ks = kernel_state_read(KERNEL_STATE_DIR, &ks);
	struct link_status ls;
	struct file_view v = { 0 };
	char when[64] = "";
	int err, present = 0;

	err = policy_link_status(c->pin_dir, &ls);
	if (err)
		return err;
	if (ls.attached) {
		s = take_snapshot(c);
		if (!s)
			return -EIO;
		for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
			present += used(s, i) && names_present("/sys", s->names.name[i]);
		if (s->state.changed_ns) {
			time_t t = s->state.changed_ns / 1000000000ull;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
		}
		view_file(s, &v);
	}
	if (c->json) {
		status_json(c, &ls, s, when, present, &v, have_ks, &ks);
	} else if (!ls.attached) {
		printf("policy:     none attached%s\n",
		       ls.pinned ? " (a detached link is still pinned)" : "");
	} else {
		status_text(c, &ls, s, when, present, &v);
	}
	if (!c->json)
		kernel_text(have_ks, &ks);
	free(s);
	return 0;
}

int cmd_check(const struct cli *c)
{
	struct policy *p = malloc(sizeof(*p));
	char err[1024];
	int ret;

	if (!p)
		return -ENOMEM;
	ret = policy_file_parse(c->file, p, err, sizeof(err));

	if (c->json) {
		struct json_object *doc = json_object_new_object();

		json_add_string(doc, "file", c->file);
		json_add_bool(doc, "valid", !ret);
		if (ret) {
			json_add_string(doc, "error", err);
		} else {
			struct json_object *devices = json_object_new_array();

			json_add_uint(doc, "rules", p->nr_rules);
			json_add_string(doc, "default", policy_verdict_name(p->default_verdict));
			for (unsigned i = 0; i < p->nr_devices; i++) {
				struct json_object *d = json_object_new_object();

				json_add_string(d, "alias", p->devices[i].alias);
				json_add_string(d, "name", p->devices[i].name);
				json_add_bool(d, "present",
					      names_present("/sys", p->devices[i].name));
				json_object_array_add(devices, d);
			}
			json_object_object_add(doc, "devices", devices);
		}
		json_out_print(stdout, doc, c->pretty);
	}
	/* With --json the error is in the document, as bpftool does. */
	if (ret && !c->json)
		log_err("%s", err);
	if (!ret && !c->json) {
		printf("%s: ok: %u devices, %u rules, default %s\n", c->file,
		       p->nr_devices, p->nr_rules,
		       policy_verdict_name(p->default_verdict));
		for (unsigned i = 0; i < p->nr_devices; i++)
			if (!names_present("/sys", p->devices[i].name))
				printf("  note: %s (%s) is not present on this machine\n",
				       p->devices[i].alias, p->devices[i].name);
	}
	free(p);
	return ret;
}
