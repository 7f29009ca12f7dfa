// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "names.h"
#include "policy_rules.h"

static const char *const cause_names[] = {
	[EXPLAIN_ABSENT] = "absent",
	[EXPLAIN_NO_CLIENT] = "no-client",
	[EXPLAIN_NO_REACH] = "no-reach",
	[EXPLAIN_RULE] = "rule",
	[EXPLAIN_DEFAULT] = "default",
	[EXPLAIN_PAST_MATRIX] = "past-matrix",
	[EXPLAIN_LIVE_EDIT] = "live-edit",
	[EXPLAIN_FILE_CHANGED] = "file-changed",
	[EXPLAIN_FILE_UNREADABLE] = "file-unreadable",
	[EXPLAIN_INVALID] = "invalid",
};

const char *explain_cause_name(enum explain_cause c)
{
	return (unsigned)c < sizeof(cause_names) / sizeof(cause_names[0]) ?
	       cause_names[c] : "unknown";
}

/* The device part of a name ("" if it does not split). */
static void device_of(const char *name, char dev[P2PREACH_NAME_LEN])
{
	int rank;

	if (reach_name_parse(name, dev, &rank, NULL, 0))
		dev[0] = '\0';
}

static bool has_id(const struct reach_ids *t, const char *dev, __u32 role)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->id[i].role == role && !strcmp(t->id[i].dev_name, dev))
			return true;
	return false;
}

static bool listed(const struct explain_end *ends, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!ends[i].id && !strcmp(ends[i].name, name))
			return true;
	return false;
}

static void end_of_id(const struct policy_snapshot *s, const struct reach_ids *t,
		      const struct reach_id *e, struct explain_end *end)
{
	end->id = e;
	end->present = true;
	names_label(&s->state, t, e, end->label, sizeof(end->label));
	reach_id_name(t, e, end->name, sizeof(end->name));
}

static void end_of_device(const struct names_device *d, const char *name,
			  const struct reach_ids *t, struct explain_end *end)
{
	char dev[P2PREACH_NAME_LEN];

	device_of(name, dev);
	end->id = NULL;
	end->present = names_nr_ids(t, dev) > 0;
	snprintf(end->label, sizeof(end->label), "%s", d->alias[0] ? d->alias : name);
	snprintf(end->name, sizeof(end->name), "%s", name);
}

/*
 * The rows and columns: ids first, then the devices without one. Each
 * device without an id in a role has one at least in the other (or is
 * the policy's): rows and columns stay within ids and policy devices.
 */
static void ends(const struct policy_snapshot *s, const struct reach_ids *t,
		 const struct names_device *d, unsigned nd, unsigned max, struct explain *e)
{
	char dev[P2PREACH_NAME_LEN];
	struct id_set scratch;

	for (unsigned i = 0; i < t->n; i++) {
		if (t->id[i].role == P2PREACH_ROLE_CLIENT)
			end_of_id(s, t, &t->id[i], &e->rows[e->nr_rows++]);
		else if (t->id[i].role == P2PREACH_ROLE_PROVIDER)
			end_of_id(s, t, &t->id[i], &e->cols[e->nr_cols++]);
	}
	for (unsigned i = 0; i < nd; i++) {
		/* A row stands for a device: "name/N" accesses as its device. */
		device_of(d[i].name, dev);
		if (dev[0] && e->nr_rows < max && !has_id(t, dev, P2PREACH_ROLE_CLIENT) &&
		    !listed(e->rows, e->nr_rows, dev))
			end_of_device(&d[i], dev, t, &e->rows[e->nr_rows++]);
		if (e->nr_cols < max &&
		    !reach_ids_select(t, d[i].name, P2PREACH_ROLE_PROVIDER, &scratch) &&
		    !listed(e->cols, e->nr_cols, d[i].name))
			end_of_device(&d[i], d[i].name, t, &e->cols[e->nr_cols++]);
	}
}

/* The verdict of a cell, and what put it there. */
static void decide(const struct policy_snapshot *s, const struct explain *e,
		   const __u32 *want, const __u32 *lines, const struct policy *applied,
		   __u32 client, __u32 provider, struct explain_pair *p)
{
	bool in = client < P2PREACH_MAX_DEVICES && provider < P2PREACH_MAX_DEVICES;
	__u32 cell = in ? p2preach_cell(client, provider) : P2PREACH_DEFAULT_CELL;

	p->has_cell = true;
	p->verdict = s->cells[cell];
	p->result = p->verdict < P2PREACH_NR_VERDICTS ? p->verdict : P2PREACH_DENY;
	if (p->verdict >= P2PREACH_NR_VERDICTS) {
		p->cause = EXPLAIN_INVALID;
		return;
	}
	switch (e->file) {
	case TXN_FILE_SAME:
		if (p->verdict != want[cell]) {
			p->cause = EXPLAIN_LIVE_EDIT;
		} else if (!in) {
			p->cause = EXPLAIN_PAST_MATRIX;
		} else {
			p->line = lines[cell];
			p->cause = p->line ? EXPLAIN_RULE : EXPLAIN_DEFAULT;
			if (!p->line)
				p->line = applied->default_line;
		}
		return;
	case TXN_FILE_NONE:
		/* Without a file, every verdict but the default is an edit. */
		if (p->verdict != s->cells[P2PREACH_DEFAULT_CELL])
			p->cause = EXPLAIN_LIVE_EDIT;
		else
			p->cause = in ? EXPLAIN_DEFAULT : EXPLAIN_PAST_MATRIX;
		return;
	case TXN_FILE_CHANGED:
		p->cause = EXPLAIN_FILE_CHANGED;
		return;
	default:
		p->cause = EXPLAIN_FILE_UNREADABLE;
	}
}

static void pair(const struct policy_snapshot *s, const struct reach_ids *t,
		 const struct explain *e, const struct explain_end *r,
		 const struct explain_end *c, const __u32 *want, const __u32 *lines,
		 const struct policy *applied, struct explain_pair *p)
{
	memset(p, 0, sizeof(*p));
	p->self = names_same_device(r->name, c->name);
	p->reach = c->id != NULL;
	p->path = reach_ids_class(t, r->name, c->name);
	p->result = P2PREACH_DENY;
	if (r->id && c->id)
		decide(s, e, want, lines, applied, r->id->id, c->id->id, p);
	else if (!r->present)
		p->cause = EXPLAIN_ABSENT;
	else if (!r->id)
		p->cause = EXPLAIN_NO_CLIENT;
	else
		p->cause = c->present ? EXPLAIN_NO_REACH : EXPLAIN_ABSENT;
}

int explain_build(const struct policy_snapshot *s, const struct reach_ids *t,
		  const struct policy *applied, enum txn_file file,
		  struct explain *out)
{
	unsigned max = P2PREACH_MAX_DEVICES + t->n, nd;
	struct names_device *d = calloc(max, sizeof(*d));
	__u32 *want = NULL, *lines = NULL;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	out->file = applied ? TXN_FILE_SAME : file == TXN_FILE_SAME ? TXN_FILE_UNREADABLE : file;
	snprintf(out->file_name, sizeof(out->file_name), "%.*s",
		 (int)strnlen(s->state.file, sizeof(s->state.file)), s->state.file);
	out->rows = calloc(max, sizeof(*out->rows));
	out->cols = calloc(max, sizeof(*out->cols));
	if (applied) {
		want = malloc(sizeof(*want) * P2PREACH_POLICY_CELLS);
		lines = malloc(sizeof(*lines) * P2PREACH_POLICY_CELLS);
	}
	if (!d || !out->rows || !out->cols || (applied && (!want || !lines)))
		goto out;
	if (applied && txn_file_cells(applied, t, want, lines)) {
		err = -EINVAL;
		goto out;
	}
	nd = names_devices(&s->state, t, d, max);
	ends(s, t, d, nd < max ? nd : max, max, out);
	out->pairs = calloc(out->nr_rows * out->nr_cols + 1, sizeof(*out->pairs));
	if (!out->pairs)
		goto out;
	for (unsigned r = 0; r < out->nr_rows; r++)
		for (unsigned c = 0; c < out->nr_cols; c++)
			pair(s, t, out, &out->rows[r], &out->cols[c], want, lines, applied,
			     &out->pairs[r * out->nr_cols + c]);
	err = 0;
out:
	free(d);
	free(want);
	free(lines);
	if (err)
		explain_free(out);
	return err;
}

static void end_of_line(const struct policy *p, unsigned i, const struct reach_ids *t,
			struct explain_end *end)
{
	char dev[P2PREACH_NAME_LEN];

	device_of(p->devices[i].name, dev);
	end->present = names_nr_ids(t, dev) > 0;
	snprintf(end->label, sizeof(end->label), "%s", p->devices[i].alias);
	snprintf(end->name, sizeof(end->name), "%s", p->devices[i].name);
}

int explain_file(const struct policy *p, const char *file, const struct reach_ids *t,
		 struct explain *out)
{
	unsigned n = p->nr_devices, *row = calloc(n + 1, sizeof(*row));
	struct policy_ids *ids = calloc(n + 1, sizeof(*ids));
	__u32 *cells = malloc(sizeof(*cells) * P2PREACH_POLICY_CELLS);
	__u32 *lines = malloc(sizeof(*lines) * P2PREACH_POLICY_CELLS);
	struct id_set scratch;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	out->file = TXN_FILE_SAME;
	snprintf(out->file_name, sizeof(out->file_name), "%s", file);
	out->rows = calloc(n + 1, sizeof(*out->rows));
	out->cols = calloc(n + 1, sizeof(*out->cols));
	out->pairs = calloc(n * n + 1, sizeof(*out->pairs));
	if (!row || !ids || !cells || !lines || !out->rows || !out->cols || !out->pairs)
		goto out;
	err = -EINVAL;
	if (n > P2PREACH_MAX_DEVICES)
		goto out;
	err = policy_ids_by_line(p, t, ids);
	if (err)
		goto out;
	err = -EINVAL;
	if (policy_resolve(p, ids, cells, lines))
		goto out;
	for (unsigned i = 0; i < n; i++) {
		if (ids[i].device == i) {
			row[out->nr_rows] = i;
			end_of_line(p, i, t, &out->rows[out->nr_rows++]);
		}
		end_of_line(p, i, t, &out->cols[out->nr_cols++]);
	}
	for (unsigned r = 0; r < out->nr_rows; r++) {
		for (unsigned c = 0; c < out->nr_cols; c++) {
			struct explain_pair *x = &out->pairs[r * out->nr_cols + c];
			__u32 cell = p2preach_cell(row[r], c);

			x->self = ids[c].device == row[r];
			x->reach = reach_ids_select(t, p->devices[c].name,
						    P2PREACH_ROLE_PROVIDER, &scratch) > 0;
			x->path = topology_class(ids[row[r]].pci, ids[c].pci);
			x->has_cell = true;
			x->verdict = x->result = cells[cell];
			x->line = lines[cell] ? lines[cell] : p->default_line;
			x->cause = lines[cell] ? EXPLAIN_RULE : EXPLAIN_DEFAULT;
		}
	}
	err = 0;
out:
	free(row);
	free(ids);
	free(cells);
	free(lines);
	if (err)
		explain_free(out);
	return err;
}

void explain_free(struct explain *e)
{
	free(e->rows);
	free(e->cols);
	free(e->pairs);
	memset(e, 0, sizeof(*e));
}

/* "policy.conf" of "/etc/p2preach/policy.conf": short enough for a table. */
static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

void explain_reason(const struct explain *e, const struct explain_pair *p,
		    char *buf, size_t len)
{
	const char *what = p->result == P2PREACH_ALLOW_READ ? "read-only grant" : "denied";
	const char *file = base(e->file_name);

	buf[0] = '\0';
	if (p->self || p->result == P2PREACH_ALLOW_RW)
		return;
	switch (p->cause) {
	case EXPLAIN_ABSENT:
		snprintf(buf, len, "device absent");
		break;
	case EXPLAIN_NO_CLIENT:
		snprintf(buf, len, "no client id");
		break;
	case EXPLAIN_NO_REACH:
		snprintf(buf, len, "no provider reach");
		break;
	case EXPLAIN_RULE:
		snprintf(buf, len, "%s by rule at %s:%u", what, file, p->line);
		break;
	case EXPLAIN_DEFAULT:
		if (p->line)
			snprintf(buf, len, "%s by default at %s:%u", what, file, p->line);
		else
			snprintf(buf, len, "%s by default", what);
		break;
	case EXPLAIN_PAST_MATRIX:
		snprintf(buf, len, "%s by default: id past the matrix", what);
		break;
	case EXPLAIN_LIVE_EDIT:
		snprintf(buf, len, "%s by live edit", what);
		break;
	case EXPLAIN_FILE_CHANGED:
		snprintf(buf, len, "%s; %s changed since applied", what, file);
		break;
	case EXPLAIN_FILE_UNREADABLE:
		snprintf(buf, len, "%s; %s unreadable", what, file);
		break;
	case EXPLAIN_INVALID:
		snprintf(buf, len, "invalid verdict %u: denied", p->verdict);
		break;
	}
}
