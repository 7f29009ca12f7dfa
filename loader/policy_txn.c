// SPDX-License-Identifier: GPL-2.0
/* The pure part of a policy change: from one snapshot to the next. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "policy_rules.h"
#include "policy_txn.h"

bool txn_owner_is(const struct p2preach_owner *o, const struct reach_id *e)
{
	return o->role == e->role && o->index == e->index &&
	       (!o->ino || !e->ino || o->ino == e->ino) &&
	       !strncmp(o->dev_name, e->dev_name, sizeof(o->dev_name));
}

static void own(struct p2preach_owner *o, const struct reach_id *e)
{
	memset(o, 0, sizeof(*o));
	if (!e)
		return;
	o->role = e->role;
	o->index = e->index;
	o->ino = e->ino;
	snprintf(o->dev_name, sizeof(o->dev_name), "%s", e->dev_name);
}

int txn_file_cells(const struct policy *p, const struct reach_ids *t,
		   __u32 cells[P2PREACH_POLICY_CELLS], __u32 *lines)
{
	struct policy_ids *ids;
	int ret = -EINVAL;

	if (p->nr_devices > P2PREACH_MAX_DEVICES)
		return ret;
	ids = calloc(p->nr_devices ? p->nr_devices : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	ret = policy_ids_of(p, t, ids);
	if (!ret)
		ret = policy_resolve(p, ids, cells, lines);
	free(ids);
	return ret;
}

/* p's verdicts for the ids of t, in a matrix on the heap; NULL on error. */
static __u32 *resolve(const struct policy *p, const struct reach_ids *t)
{
	__u32 *cells = malloc(sizeof(*cells) * P2PREACH_POLICY_CELLS);

	if (cells && !txn_file_cells(p, t, cells, NULL))
		return cells;
	free(cells);
	return NULL;
}

int txn_apply_file(const struct policy_snapshot *cur, const struct policy *p,
		   const struct reach_ids *t, struct policy_snapshot *next)
{
	/* Every cell comes from the file: only cur's state is carried over. */
	if (txn_file_cells(p, t, next->cells, NULL)) {
		*next = *cur;
		return -EINVAL;
	}
	if (next != cur)
		next->state = cur->state;
	memset(next->state.aliases, 0, sizeof(next->state.aliases));
	for (unsigned i = 0; i < p->nr_devices; i++) {
		snprintf(next->state.aliases[i].alias, sizeof(next->state.aliases[i].alias),
			 "%s", p->devices[i].alias);
		snprintf(next->state.aliases[i].name, sizeof(next->state.aliases[i].name),
			 "%s", p->devices[i].name);
	}
	for (__u32 id = 0; id < P2PREACH_MAX_DEVICES; id++)
		own(&next->state.owners[id], reach_ids_find(t, id));
	return 0;
}

/* Does id, whose cells were written for o, now belong to another (e)? */
static bool changes_hands(const struct p2preach_owner *o, const struct reach_id *e,
			  const struct id_set *retired, __u32 id)
{
	if (o->role == P2PREACH_ROLE_NONE)
		return e;
	return !e || !txn_owner_is(o, e) || (retired && id_set_has(retired, id));
}

bool txn_ids_moved(const struct p2preach_state *st, const struct reach_ids *t)
{
	for (__u32 id = 0; id < P2PREACH_MAX_DEVICES; id++)
		if (changes_hands(&st->owners[id], reach_ids_find(t, id), NULL, id))
			return true;
	return false;
}

unsigned txn_follow(const struct policy_snapshot *cur, const struct policy *p,
		    const struct reach_ids *t, const struct id_set *retired,
		    struct policy_snapshot *next)
{
	__u32 deflt = cur->cells[P2PREACH_DEFAULT_CELL], *want = NULL;
	struct id_set moved = { 0 };
	unsigned n = 0;

	*next = *cur;
	for (__u32 id = 0; id < P2PREACH_MAX_DEVICES; id++) {
		const struct reach_id *e = reach_ids_find(t, id);

		if (!changes_hands(&cur->state.owners[id], e, retired, id))
			continue;
		id_set_add(&moved, id);
		own(&next->state.owners[id], e);
		n++;
	}
	if (!n)
		return 0;
	/* Without p's verdicts (none, or out of memory) new ids get the default. */
	if (p)
		want = resolve(p, t);
	for (__u32 c = 0; c < P2PREACH_MAX_DEVICES; c++) {
		for (__u32 pr = 0; pr < P2PREACH_MAX_DEVICES; pr++) {
			__u32 cell = p2preach_cell(c, pr);

			if (!id_set_has(&moved, c) && !id_set_has(&moved, pr))
				continue;
			next->cells[cell] = want && reach_ids_find(t, c) &&
					    reach_ids_find(t, pr) ? want[cell] : deflt;
		}
	}
	free(want);
	return n;
}

/* The client ids of client and the provider ids of provider. */
static int select_pair(const struct p2preach_state *st, const struct reach_ids *t,
		       const char *client, const char *provider, struct id_set *cs,
		       struct id_set *ps, char *err, size_t errlen)
{
	int ret = names_select(st, t, client, P2PREACH_ROLE_CLIENT, cs, err, errlen);

	return ret ? ret : names_select(st, t, provider, P2PREACH_ROLE_PROVIDER, ps,
					err, errlen);
}

/* Every client id of client may reach every provider id of provider. */
static int set_pair(struct policy_snapshot *next, const struct reach_ids *t,
		    const char *client, const char *provider, __u32 verdict,
		    char *err, size_t errlen)
{
	struct id_set cs, ps;
	int ret = select_pair(&next->state, t, client, provider, &cs, &ps, err, errlen);

	if (ret)
		return ret;
	for_each_id(&cs, c)
		for_each_id(&ps, pr)
			next->cells[p2preach_cell(c, pr)] = verdict;
	return 0;
}

/* What an edit of client -> provider is refused for before any lookup. */
static int check_edit(const struct p2preach_state *st, const char *client,
		      const char *provider, __u32 verdict, char *err, size_t errlen)
{
	char c[P2PREACH_NAME_LEN], pr[P2PREACH_NAME_LEN];
	int ret;

	if (verdict >= P2PREACH_NR_VERDICTS) {
		snprintf(err, errlen, "bad verdict %u for %s -> %s", verdict, client, provider);
		return -EINVAL;
	}
	ret = names_resolve(st, client, c, err, errlen);
	if (!ret)
		ret = names_resolve(st, provider, pr, err, errlen);
	if (ret)
		return ret;
	if (names_same_device(c, pr)) {
		snprintf(err, errlen, "'%s' and '%s' are the same device", client, provider);
		return -EINVAL;
	}
	return 0;
}

int txn_edit_pair(const struct policy_snapshot *cur, const struct policy *p,
		  const struct reach_ids *t, const char *client,
		  const char *provider, __u32 verdict, bool both,
		  struct policy_snapshot *next, char *err, size_t errlen)
{
	int ret;

	*next = *cur;
	ret = check_edit(&cur->state, client, provider, verdict, err, errlen);
	if (ret)
		return ret;
	txn_follow(cur, p, t, NULL, next);
	ret = set_pair(next, t, client, provider, verdict, err, errlen);
	if (!ret && both)
		ret = set_pair(next, t, provider, client, verdict, err, errlen);
	if (ret)
		*next = *cur;
	return ret;
}

/* Append the cells of every client id of cs to every provider id of ps. */
static void add_cells(struct txn_cells *out, const struct id_set *cs,
		      const struct id_set *ps)
{
	for_each_id(cs, c)
		for_each_id(ps, pr)
			out->cell[out->n++] = p2preach_cell(c, pr);
}

static unsigned count_ids(const struct id_set *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ID_SET_WORDS; i++)
		n += __builtin_popcountll(s->w[i]);
	return n;
}

int txn_edit_cells(const struct p2preach_state *st, const struct reach_ids *t,
		   const char *client, const char *provider, __u32 verdict,
		   bool both, struct txn_cells *out, char *err, size_t errlen)
{
	struct id_set cs, ps, back_cs, back_ps;
	unsigned n;
	int ret;

	memset(out, 0, sizeof(*out));
	out->verdict = verdict;
	ret = check_edit(st, client, provider, verdict, err, errlen);
	if (!ret)
		ret = select_pair(st, t, client, provider, &cs, &ps, err, errlen);
	if (!ret && both)
		ret = select_pair(st, t, provider, client, &back_cs, &back_ps, err, errlen);
	if (ret)
		return ret;
	n = count_ids(&cs) * count_ids(&ps);
	if (both)
		n += count_ids(&back_cs) * count_ids(&back_ps);
	out->cell = malloc(sizeof(*out->cell) * (n ? n : 1));
	if (!out->cell) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	add_cells(out, &cs, &ps);
	if (both)
		add_cells(out, &back_cs, &back_ps);
	return 0;
}

/* An id of t whose cells s has written, in role. */
static bool owned(const struct policy_snapshot *s, const struct reach_ids *t,
		  __u32 id, __u32 role)
{
	const struct reach_id *e = reach_ids_find(t, id);

	return e && e->role == role && id < P2PREACH_MAX_DEVICES &&
	       txn_owner_is(&s->state.owners[id], e);
}

unsigned txn_diff(const struct policy_snapshot *file,
		  const struct policy_snapshot *live, const struct reach_ids *t,
		  struct txn_change *changes, unsigned max)
{
	__u32 deflt = file->cells[P2PREACH_DEFAULT_CELL];
	unsigned n = 0;

	if (live->cells[P2PREACH_DEFAULT_CELL] != deflt) {
		if (n < max)
			changes[n] = (struct txn_change){ TXN_DEFAULT, TXN_DEFAULT, deflt,
							  live->cells[P2PREACH_DEFAULT_CELL] };
		n++;
	}
	for (__u32 c = 0; c < P2PREACH_MAX_DEVICES; c++) {
		if (!owned(live, t, c, P2PREACH_ROLE_CLIENT))
			continue;
		for (__u32 p = 0; p < P2PREACH_MAX_DEVICES; p++) {
			__u32 cell = p2preach_cell(c, p);

			if (!owned(live, t, p, P2PREACH_ROLE_PROVIDER) ||
			    !strcmp(reach_ids_find(t, c)->dev_name, reach_ids_find(t, p)->dev_name) ||
			    live->cells[cell] == file->cells[cell])
				continue;
			if (n < max)
				changes[n] = (struct txn_change){ c, p, file->cells[cell],
								  live->cells[cell] };
			n++;
		}
	}
	return n;
}

enum txn_file txn_applied_file(const struct p2preach_state *st, struct policy **out)
{
	struct policy *p;
	char err[1024];
	int ret;

	*out = NULL;
	if (!st->file[0])
		return TXN_FILE_NONE;
	/* Map contents are not to be trusted: bpftool writes them too. */
	if (!memchr(st->file, '\0', sizeof(st->file)))
		return TXN_FILE_UNREADABLE;
	p = malloc(sizeof(*p));
	if (!p)
		return TXN_FILE_UNREADABLE;
	ret = policy_file_parse(st->file, p, err, sizeof(err));
	if (ret == -EINVAL || (!ret && p->text_hash != st->file_hash)) {
		free(p);
		return TXN_FILE_CHANGED;
	}
	if (ret) {
		free(p);
		return TXN_FILE_UNREADABLE;
	}
	*out = p;
	return TXN_FILE_SAME;
}

int txn_live_edits(const struct policy_snapshot *live, const struct reach_ids *t,
		   const char *file, struct txn_change *changes, unsigned max,
		   unsigned *n, bool *changed, char *err, size_t errlen)
{
	struct policy_snapshot *want = malloc(sizeof(*want));
	struct policy *p = malloc(sizeof(*p));
	int ret = want && p ? 0 : -ENOMEM;

	if (ret)
		snprintf(err, errlen, "out of memory");
	if (!ret)
		ret = policy_file_parse(file, p, err, errlen);
	if (!ret && txn_apply_file(live, p, t, want)) {
		snprintf(err, errlen, "%s: out of memory", file);
		ret = -ENOMEM;
	}
	if (!ret) {
		/* The state records the file's absolute path. */
		char *abs = realpath(file, NULL);

		*n = txn_diff(want, live, t, changes, max);
		*changed = p->text_hash != live->state.file_hash ||
			   strcmp(abs ? abs : file, live->state.file);
		free(abs);
	}
	free(want);
	free(p);
	return ret;
}
