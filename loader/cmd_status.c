// SPDX-License-Identifier: GPL-2.0
/* status: attached or not, generation, source, devices, the kernel's view. */
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
#include "verdict.h"
#include "view.h"

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

static void view_file(const struct view *w, struct file_view *v)
{
	memset(v, 0, sizeof(*v));
	if (!w->s->state.file[0])
		return;
	v->file = w->s->state.file;
	v->readable = !txn_live_edits(w->s, &w->t, v->file, NULL, 0, &v->nr_edits,
				       &v->changed, NULL, 0);
}

/* Devices (the policy's, and others with ids), ids. */
struct counts {
	unsigned devices, present;
	unsigned clients, providers, past;	/* ids; past the matrix */
};

static void count(const struct view *w, struct counts *k)
{
	struct names_device *d = view_devices(w, &k->devices);

	k->present = 0;
	for (unsigned i = 0; d && i < k->devices; i++)
		k->present += d[i].nr_ids > 0;
	free(d);
	k->clients = k->providers = k->past = 0;
	for (unsigned i = 0; i < w->t.n; i++) {
		k->clients += w->t.id[i].role == P2PREACH_ROLE_CLIENT;
		k->providers += w->t.id[i].role == P2PREACH_ROLE_PROVIDER;
		k->past += w->t.id[i].id >= P2PREACH_MAX_DEVICES;
	}
}

static void status_json(const struct cli *c, const struct link_status *ls,
			const struct policy_snapshot *s, const char *when,
			const struct counts *k, const struct file_view *v,
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
		json_add_uint(doc, "devices", k->devices);
		json_add_uint(doc, "present", k->present);
		json_add_uint(doc, "clients", k->clients);
		json_add_uint(doc, "providers", k->providers);
		json_add_uint(doc, "past_matrix", k->past);
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
			const struct counts *k, const struct file_view *v)
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
	printf("\ndevices:    %u (%u present)\n", k->devices, k->present);
	printf("ids:        %u clients, %u providers", k->clients, k->providers);
	if (k->past)
		printf(" (%u past the matrix: the default verdict)", k->past);
	printf("\n");
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
	struct view w = { 0 };
	struct kernel_state ks;
	bool have_ks = kernel_state_read(KERNEL_STATE_DIR, &ks);
	struct link_status ls;
	struct file_view v = { 0 };
	struct counts k = { 0 };
	char when[64] = "";
	int err;

	err = policy_link_status(c->pin_dir, &ls);
	if (err)
		return err;
	if (ls.attached) {
		err = view_take(c->pin_dir, &w);
		if (err)
			return err;
		count(&w, &k);
		if (w.s->state.changed_ns) {
			time_t t = w.s->state.changed_ns / 1000000000ull;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
		}
		view_file(&w, &v);
	}
	if (c->json) {
		status_json(c, &ls, w.s, when, &k, &v, have_ks, &ks);
	} else if (!ls.attached) {
		printf("policy:     none attached%s\n",
		       ls.pinned ? " (a detached link is still pinned)" : "");
	} else {
		status_text(c, &ls, w.s, when, &k, &v);
	}
	if (!c->json)
		kernel_text(have_ks, &ks);
	if (ls.attached)
		view_free(&w);
	return 0;
}
