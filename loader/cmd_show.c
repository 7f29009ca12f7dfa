// SPDX-License-Identifier: GPL-2.0
/* Commands that read the policy: show, stats, status, check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attach.h"
#include "commands.h"
#include "json_writer.h"
#include "kernel_state.h"
#include "log.h"
#include "names.h"
#include "policy_file.h"
#include "policy_maps.h"

/* What show and stats read: the names and the matrix, in one go. */
struct snapshot {
	struct name_table names;
	struct policy_cells cells;
	struct p2preach_state state;
	int nr;
};

static int take_snapshot(const struct cli *c, struct policy_maps *m,
			 struct snapshot *s)
{
	int err = policy_maps_open(m, c->pin_dir);

	if (err)
		return err;
	s->nr = policy_read_names(m, &s->names);
	err = policy_read_matrix(m, &s->cells);
	if (!err)
		err = policy_read_state(m, &s->state);
	if (err) {
		log_err("cannot read the policy: %s", strerror(-err));
		policy_maps_close(m);
	}
	return err;
}

static bool used(const struct snapshot *s, unsigned i)
{
	return s->names.name[i][0];
}

static __u32 verdict(const struct snapshot *s, unsigned c, unsigned p)
{
	return s->cells.cell[p2preach_cell(c, p)];
}

static void show_json(const struct cli *c, const struct snapshot *s)
{
	json_writer_t *jw = jsonw_new(stdout, c->pretty);

	jsonw_start_object(jw);
	jsonw_string_field(jw, "default",
			   policy_verdict_name(s->cells.cell[P2PREACH_DEFAULT_CELL]));
	jsonw_uint_field(jw, "generation", s->state.generation);
	jsonw_name(jw, "devices");
	jsonw_start_array(jw);
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		if (!used(s, i))
			continue;
		jsonw_start_object(jw);
		jsonw_uint_field(jw, "index", i);
		jsonw_string_field(jw, "alias", s->names.alias[i]);
		jsonw_string_field(jw, "name", s->names.name[i]);
		jsonw_bool_field(jw, "present", names_present("/sys", s->names.name[i]));
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_name(jw, "pairs");
	jsonw_start_array(jw);
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		for (unsigned j = 0; j < P2PREACH_MAX_DEVICES; j++) {
			if (i == j || !used(s, i) || !used(s, j))
				continue;
			jsonw_start_object(jw);
			jsonw_string_field(jw, "client", s->names.name[i]);
			jsonw_string_field(jw, "provider", s->names.name[j]);
			jsonw_string_field(jw, "verdict", policy_verdict_name(verdict(s, i, j)));
			jsonw_end_object(jw);
		}
	}
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_destroy(&jw);
}

/* Rows access columns' memory, like `nvidia-smi topo -m`. */
static void show_table(const struct snapshot *s)
{
	int w = 6;

	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (used(s, i) && (int)strlen(names_label(&s->names, i)) + 2 > w)
			w = strlen(names_label(&s->names, i)) + 2;
	if (!s->nr) {
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
	       policy_verdict_name(s->cells.cell[P2PREACH_DEFAULT_CELL]));
	printf("\nLegend: a row's device accessing memory that lives in a column's device.\n"
	       "  X     = the device itself\n"
	       "  rw    = direct peer access, read and write\n"
	       "  read  = direct peer reads; writes go through system RAM\n"
	       "  deny  = through system RAM, as without a policy\n");
	if (!s->nr)
		return;
	printf("\nDevices:\n");
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (used(s, i))
			printf("  %-*s%-16s %s\n", w, s->names.alias[i][0] ?
			       s->names.alias[i] : "-", s->names.name[i],
			       names_present("/sys", s->names.name[i]) ?
			       "present" : "absent");
}

int cmd_show(const struct cli *c)
{
	static struct snapshot s;
	struct policy_maps m;
	int err = take_snapshot(c, &m, &s);

	if (err)
		return err;
	policy_maps_close(&m);
	if (c->json)
		show_json(c, &s);
	else
		show_table(&s);
	return 0;
}

static void stats_json_fields(json_writer_t *jw, const struct p2preach_pair_stats *st)
{
	jsonw_uint_field(jw, "deny", st->verdicts[P2PREACH_DENY]);
	jsonw_uint_field(jw, "read", st->verdicts[P2PREACH_ALLOW_READ]);
	jsonw_uint_field(jw, "rw", st->verdicts[P2PREACH_ALLOW_RW]);
	jsonw_uint_field(jw, "invalid", st->invalid);
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

int cmd_stats(const struct cli *c)
{
	static struct snapshot s;
	struct p2preach_pair_stats st;
	json_writer_t *jw = NULL;
	struct policy_maps m;
	int err = take_snapshot(c, &m, &s), w = 10;

	if (err)
		return err;
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (used(&s, i) && (int)strlen(names_label(&s.names, i)) + 2 > w)
			w = strlen(names_label(&s.names, i)) + 2;
	if (c->json) {
		jw = jsonw_new(stdout, c->pretty);
		jsonw_start_object(jw);
		jsonw_name(jw, "pairs");
		jsonw_start_array(jw);
	} else {
		printf("Decisions by verdict (the kernel asks only when the owners differ):\n");
		printf("%-*s%-*s%10s %10s %10s %8s\n", w, "CLIENT", w, "PROVIDER",
		       "DENY", "READ", "RW", "INVALID");
	}
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES && !err; i++) {
		for (unsigned j = 0; j < P2PREACH_MAX_DEVICES && !err; j++) {
			if (i == j || !used(&s, i) || !used(&s, j))
				continue;
			err = policy_read_stats(&m, p2preach_cell(i, j), &st);
			if (err)
				break;
			if (!jw) {
				stats_row(w, names_label(&s.names, i),
					  names_label(&s.names, j), &st);
				continue;
			}
			jsonw_start_object(jw);
			jsonw_string_field(jw, "client", s.names.name[i]);
			jsonw_string_field(jw, "provider", s.names.name[j]);
			stats_json_fields(jw, &st);
			jsonw_end_object(jw);
		}
	}
	if (!err)
		err = policy_read_stats(&m, P2PREACH_UNKNOWN_CELL, &st);
	if (jw) {
		jsonw_end_array(jw);
		jsonw_name(jw, "other");
		jsonw_start_object(jw);
		stats_json_fields(jw, &st);
		jsonw_end_object(jw);
		jsonw_end_object(jw);
		jsonw_destroy(&jw);
	} else if (!err) {
		stats_row(w, "(other)", "", &st);
	}
	policy_maps_close(&m);
	if (err)
		log_err("cannot read the counters: %s", strerror(-err));
	return err;
}

static void kernel_json(json_writer_t *jw, bool have, const struct kernel_state *ks)
{
	jsonw_name(jw, "kernel");
	if (!have) {
		jsonw_null(jw);
		return;
	}
	jsonw_start_object(jw);
	jsonw_bool_field(jw, "attached", ks->attached);
	jsonw_string_field(jw, "policy", ks->policy);
	jsonw_uint_field(jw, "generation", ks->generation);
	jsonw_uint_field(jw, "allowed_read", ks->allowed_read);
	jsonw_uint_field(jw, "allowed_rw", ks->allowed_rw);
	jsonw_uint_field(jw, "denied", ks->denied);
	jsonw_uint_field(jw, "invalid", ks->invalid);
	jsonw_end_object(jw);
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

int cmd_status(const struct cli *c)
{
	static struct snapshot s;
	struct kernel_state ks;
	bool have_ks = kernel_state_read(KERNEL_STATE_DIR, &ks);
	struct link_status ls;
	struct policy_maps m;
	char when[64] = "";
	int err, present = 0;
	bool have = false;

	err = policy_link_status(c->pin_dir, &ls);
	if (err)
		return err;
	if (ls.attached) {
		err = take_snapshot(c, &m, &s);
		if (err)
			return err;
		policy_maps_close(&m);
		have = true;
		for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
			present += used(&s, i) && names_present("/sys", s.names.name[i]);
		if (s.state.changed_ns) {
			time_t t = s.state.changed_ns / 1000000000ull;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
		}
	}
	if (c->json) {
		json_writer_t *jw = jsonw_new(stdout, c->pretty);

		jsonw_start_object(jw);
		jsonw_bool_field(jw, "attached", ls.attached);
		jsonw_bool_field(jw, "pinned", ls.pinned);
		jsonw_string_field(jw, "pin_dir", c->pin_dir);
		jsonw_string_field(jw, "policy", ls.policy);
		if (ls.pinned)
			jsonw_uint_field(jw, "link_id", ls.link_id);
		if (have) {
			jsonw_uint_field(jw, "generation", s.state.generation);
			jsonw_string_field(jw, "source", s.state.source);
			jsonw_string_field(jw, "changed", when);
			jsonw_uint_field(jw, "devices", s.nr);
			jsonw_uint_field(jw, "present", present);
			jsonw_string_field(jw, "default",
					   policy_verdict_name(s.cells.cell[P2PREACH_DEFAULT_CELL]));
		}
		kernel_json(jw, have_ks, &ks);
		jsonw_end_object(jw);
		jsonw_destroy(&jw);
		return 0;
	}
	if (!ls.attached) {
		printf("policy:     none attached%s\n",
		       ls.pinned ? " (a detached link is still pinned)" : "");
		kernel_text(have_ks, &ks);
		return 0;
	}
	printf("policy:     %s, attached, %s\n", ls.policy[0] ? ls.policy : "p2preach",
	       ls.pinned ? "pinned under" : "not pinned by p2preach;");
	if (ls.pinned)
		printf("            %s\n", c->pin_dir);
	else
		printf("            found through the loaded program\n");
	printf("generation: %llu", (unsigned long long)s.state.generation);
	if (when[0])
		printf(" (changed %s%s%s)", when, s.state.source[0] ? " from " : "",
		       s.state.source);
	printf("\ndevices:    %d (%d present)\n", s.nr, present);
	printf("default:    %s\n",
	       policy_verdict_name(s.cells.cell[P2PREACH_DEFAULT_CELL]));
	kernel_text(have_ks, &ks);
	return 0;
}

int cmd_check(const struct cli *c)
{
	static struct policy p;
	char err[1024];
	int ret = policy_file_parse(c->file, &p, err, sizeof(err));

	if (c->json) {
		json_writer_t *jw = jsonw_new(stdout, c->pretty);

		jsonw_start_object(jw);
		jsonw_string_field(jw, "file", c->file);
		jsonw_bool_field(jw, "valid", !ret);
		if (ret) {
			jsonw_string_field(jw, "error", err);
		} else {
			jsonw_uint_field(jw, "rules", p.nr_rules);
			jsonw_string_field(jw, "default", policy_verdict_name(p.default_verdict));
			jsonw_name(jw, "devices");
			jsonw_start_array(jw);
			for (unsigned i = 0; i < p.nr_devices; i++) {
				jsonw_start_object(jw);
				jsonw_string_field(jw, "alias", p.devices[i].alias);
				jsonw_string_field(jw, "name", p.devices[i].name);
				jsonw_bool_field(jw, "present",
						 names_present("/sys", p.devices[i].name));
				jsonw_end_object(jw);
			}
			jsonw_end_array(jw);
		}
		jsonw_end_object(jw);
		jsonw_destroy(&jw);
	}
	/* With --json the error is in the document, as bpftool does. */
	if (ret && !c->json)
		log_err("%s", err);
	if (ret || c->json)
		return ret;
	printf("%s: ok: %u devices, %u rules, default %s\n", c->file, p.nr_devices,
	       p.nr_rules, policy_verdict_name(p.default_verdict));
	for (unsigned i = 0; i < p.nr_devices; i++)
		if (!names_present("/sys", p.devices[i].name))
			printf("  note: %s (%s) is not present on this machine\n",
			       p.devices[i].alias, p.devices[i].name);
	return 0;
}
