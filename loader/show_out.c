// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "show_out.h"
#include "verdict.h"

static const char legend_result[] =
	"rw    direct peer access, reads and writes\n"
	"read  direct peer reads; writes go through system RAM\n"
	"deny  through system RAM, as without a policy\n";

static const char legend_path[] =
	"PIX   one PCIe switch at most between them (or one port)\n"
	"PXB   several PCIe switches, not the host bridge\n"
	"PHB   through a PCIe host bridge (the CPU's root complex)\n"
	"NODE  between host bridges of one NUMA node\n"
	"SYS   between NUMA nodes\n";

/* Lines of a legend, indented. */
static void legend(FILE *f, int indent, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		fprintf(f, "%*s%.*s\n", indent, "", (int)len, text);
		text += len + (text[len] == '\n');
	}
}

/* Columns on a terminal: UTF-8 continuation bytes take none ("—"). */
static int width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* s, then blanks up to w columns and one more. */
static void cell(FILE *f, const char *s, int w)
{
	fprintf(f, "%s%*s", s, w - width(s) + 1, "");
}

/* The last cell of a line: no blanks after it. */
static void last(FILE *f, const char *s)
{
	fprintf(f, "%s\n", s);
}

static int widest(const struct explain_end *ends, unsigned n, int w)
{
	for (unsigned i = 0; i < n; i++)
		if (width(ends[i].label) > w)
			w = width(ends[i].label);
	return w;
}

static const char *policy_word(const struct explain_pair *p)
{
	return p->has_cell ? policy_verdict_name(p->verdict) : "-";
}

static bool no_pairs(FILE *f, const struct explain *e)
{
	for (unsigned i = 0; i < e->nr_rows * e->nr_cols; i++)
		if (!e->pairs[i].self)
			return false;
	fprintf(f, "No pair of devices: the policy names none with another, and no two have ids.\n");
	return true;
}

void show_text_pairs(FILE *f, const struct explain *e)
{
	int wc = widest(e->rows, e->nr_rows, 6), wp = widest(e->cols, e->nr_cols, 8);
	char reason[128];

	if (no_pairs(f, e))
		return;
	cell(f, "CLIENT", wc);
	cell(f, "PROVIDER", wp);
	last(f, "REACH PATH POLICY  RESULT REASON");
	for (unsigned r = 0; r < e->nr_rows; r++) {
		for (unsigned c = 0; c < e->nr_cols; c++) {
			const struct explain_pair *p = explain_at(e, r, c);

			if (p->self)
				continue;
			explain_reason(e, p, reason, sizeof(reason));
			cell(f, e->rows[r].label, wc);
			cell(f, e->cols[c].label, wp);
			cell(f, p->reach ? "yes" : "no", 5);
			cell(f, topology_class_name(p->path), 4);
			cell(f, policy_word(p), 7);
			if (reason[0])
				fprintf(f, "%-6s %s\n", policy_verdict_name(p->result), reason);
			else
				fprintf(f, "%s\n", policy_verdict_name(p->result));
		}
	}
	fprintf(f, "\nLegend: CLIENT accesses memory that lives in PROVIDER.\n"
		"  REACH   yes: the provider can serve peers (it has a provider id)\n"
		"  PATH    the PCI path between them:\n");
	legend(f, 10, legend_path);
	legend(f, 10, "—     not PCI (as test_hmm's devices), or not in sysfs\n");
	fprintf(f, "  POLICY  the verdict in the matrix; - where a device has no id for it\n"
		"  RESULT  what the client gets:\n");
	legend(f, 10, legend_result);
}

void show_text_matrix(FILE *f, const struct explain *e)
{
	int w = widest(e->rows, e->nr_rows, 0);
	char buf[32];

	if (no_pairs(f, e))
		return;
	w = widest(e->cols, e->nr_cols, w);
	if (w < 9)
		w = 9;	/* "read NODE" */
	cell(f, "", w);
	for (unsigned c = 0; c + 1 < e->nr_cols; c++)
		cell(f, e->cols[c].label, w);
	last(f, e->nr_cols ? e->cols[e->nr_cols - 1].label : "");
	for (unsigned r = 0; r < e->nr_rows; r++) {
		cell(f, e->rows[r].label, w);
		for (unsigned c = 0; c < e->nr_cols; c++) {
			const struct explain_pair *p = explain_at(e, r, c);
			const char *what = p->has_cell ? policy_verdict_name(p->result) : "-";

			if (p->self)
				what = "X";
			if (p->path == TOPO_UNKNOWN || p->self)
				snprintf(buf, sizeof(buf), "%s", what);
			else
				snprintf(buf, sizeof(buf), "%s %s", what, topology_class_name(p->path));
			if (c + 1 < e->nr_cols)
				cell(f, buf, w);
			else
				last(f, buf);
		}
	}
	fprintf(f, "\nLegend: a row's device accessing memory that lives in a column's device,\n"
		"then the PCI path between them when both are PCI devices.\n"
		"  X     the device itself\n");
	legend(f, 2, legend_result);
	for (unsigned i = 0; i < e->nr_rows * e->nr_cols; i++) {
		if (!e->pairs[i].has_cell && !e->pairs[i].self) {
			legend(f, 2, "-     no direct access: a device is absent, or has no id for it\n");
			break;
		}
	}
	legend(f, 2, legend_path);
}

static void add_id(struct json_object *o, const char *key, const struct reach_id *e)
{
	if (e)
		json_add_uint(o, key, e->id);
	else
		json_object_object_add(o, key, NULL);
}

static struct json_object *pair_json(const struct explain *e, unsigned r, unsigned c)
{
	const struct explain_pair *p = explain_at(e, r, c);
	struct json_object *o = json_object_new_object();
	char reason[128];

	explain_reason(e, p, reason, sizeof(reason));
	json_add_string(o, "client", e->rows[r].name);
	json_add_string(o, "provider", e->cols[c].name);
	add_id(o, "client_id", e->rows[r].id);
	add_id(o, "provider_id", e->cols[c].id);
	json_add_bool(o, "reach", p->reach);
	json_add_string(o, "path", p->path == TOPO_UNKNOWN ? NULL : topology_class_name(p->path));
	json_add_string(o, "verdict", p->has_cell ? policy_verdict_name(p->verdict) : NULL);
	json_add_string(o, "result", policy_verdict_name(p->result));
	json_add_string(o, "cause", explain_cause_name(p->cause));
	if (p->line)
		json_add_uint(o, "line", p->line);
	else
		json_object_object_add(o, "line", NULL);
	json_add_string(o, "reason", reason[0] ? reason : NULL);
	return o;
}

struct json_object *show_json_pairs(const struct explain *e)
{
	struct json_object *pairs = json_object_new_array();

	for (unsigned r = 0; r < e->nr_rows; r++)
		for (unsigned c = 0; c < e->nr_cols; c++)
			if (!explain_at(e, r, c)->self)
				json_object_array_add(pairs, pair_json(e, r, c));
	return pairs;
}
