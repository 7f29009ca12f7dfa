// SPDX-License-Identifier: GPL-2.0
/* The pure part of a policy change: from one snapshot to the next. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_rules.h"
#include "policy_txn.h"

unsigned txn_device_count(const struct policy_snapshot *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
		n += s->names.name[i][0] != '\0';
	return n;
}

/* The lowest index free in both (taken: indices given out meanwhile). */
static int free_index(const struct policy_snapshot *s, const bool *taken)
{
	for (int i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (!s->names.name[i][0] && !(taken && taken[i]))
			return i;
	return -1;
}

static void set_name(struct policy_snapshot *s, unsigned i, const char *name,
		     const char *alias)
{
	memset(s->names.name[i], 0, sizeof(s->names.name[i]));
	memset(s->names.alias[i], 0, sizeof(s->names.alias[i]));
	snprintf(s->names.name[i], sizeof(s->names.name[i]), "%s", name);
	if (alias)
		snprintf(s->names.alias[i], sizeof(s->names.alias[i]), "%s", alias);
}

int txn_apply_file(const struct policy_snapshot *cur, const struct policy *p,
		   struct policy_snapshot *next, char *err, size_t errlen)
{
	bool taken[P2PREACH_MAX_DEVICES] = { false };
	__u32 index[P2PREACH_MAX_DEVICES];
	int k;

	if (p->nr_devices > P2PREACH_MAX_DEVICES)
		return -EINVAL;
	/* Kept devices keep their index; new ones take indices now unused. */
	for (unsigned i = 0; i < p->nr_devices; i++) {
		k = names_index(&cur->names, p->devices[i].name);
		if (k >= 0) {
			index[i] = k;
			taken[k] = true;
		}
	}
	for (unsigned i = 0; i < p->nr_devices; i++) {
		if (names_index(&cur->names, p->devices[i].name) >= 0)
			continue;
		k = free_index(cur, taken);
		if (k < 0) {
			snprintf(err, errlen, "too many devices: the running policy and the new one name more than %d together; detach first",
				 P2PREACH_MAX_DEVICES);
			return -ENOSPC;
		}
		index[i] = k;
		taken[k] = true;
	}
	*next = *cur;
	if (policy_resolve(p, index, next->cells)) {
		*next = *cur;
		return -EINVAL;
	}
	memset(&next->names, 0, sizeof(next->names));
	for (unsigned i = 0; i < p->nr_devices; i++)
		set_name(next, index[i], p->devices[i].name, p->devices[i].alias);
	/* The file says everything: bad entries of the map go with the rest. */
	next->nr_bad = 0;
	return 0;
}

int txn_add_device(struct policy_snapshot *next, const char *name, char *err,
		   size_t errlen)
{
	int i = names_index(&next->names, name);

	if (i >= 0)
		return i;
	for (unsigned b = 0; b < next->nr_bad; b++) {
		if (strcmp(next->bad[b].name, name))
			continue;
		/* Anyone with bpftool can write the map. */
		snprintf(err, errlen, "device %s has index %u in the map, beyond the matrix (at most %d devices)",
			 name, next->bad[b].index, P2PREACH_MAX_DEVICES);
		return -ERANGE;
	}
	if (!*name || strlen(name) >= P2PREACH_NAME_LEN) {
		snprintf(err, errlen, "bad device name '%s'", name);
		return -EINVAL;
	}
	i = free_index(next, NULL);
	if (i < 0) {
		snprintf(err, errlen, "no room for device %s (at most %d devices)",
			 name, P2PREACH_MAX_DEVICES);
		return -ENOSPC;
	}
	set_name(next, i, name, NULL);
	return i;
}

int txn_edit_pair(const struct policy_snapshot *cur, const char *client,
		  const char *provider, __u32 verdict, bool both,
		  struct policy_snapshot *next, char *err, size_t errlen)
{
	int c, p;

	if (verdict >= P2PREACH_NR_VERDICTS || !strcmp(client, provider)) {
		snprintf(err, errlen, "bad edit of %s -> %s", client, provider);
		return -EINVAL;
	}
	*next = *cur;
	c = txn_add_device(next, client, err, errlen);
	p = c < 0 ? c : txn_add_device(next, provider, err, errlen);
	if (c < 0 || p < 0) {
		*next = *cur;
		return c < 0 ? c : p;
	}
	next->cells[p2preach_cell(c, p)] = verdict;
	if (both)
		next->cells[p2preach_cell(p, c)] = verdict;
	return 0;
}

static void change(struct txn_change *ch, const char *client,
		   const char *provider, __u32 from, __u32 to)
{
	snprintf(ch->client, sizeof(ch->client), "%s", client);
	snprintf(ch->provider, sizeof(ch->provider), "%s", provider);
	ch->from = from;
	ch->to = to;
}

unsigned txn_diff(const struct policy_snapshot *file,
		  const struct policy_snapshot *live,
		  struct txn_change *changes, unsigned max)
{
	__u32 deflt = file->cells[P2PREACH_DEFAULT_CELL];
	unsigned n = 0;

	if (live->cells[P2PREACH_DEFAULT_CELL] != deflt) {
		if (n < max)
			change(&changes[n], "", "", deflt,
			       live->cells[P2PREACH_DEFAULT_CELL]);
		n++;
	}
	for (unsigned c = 0; c < P2PREACH_MAX_DEVICES; c++) {
		for (unsigned p = 0; p < P2PREACH_MAX_DEVICES; p++) {
			__u32 cell = p2preach_cell(c, p), want;

			if (c == p || !live->names.name[c][0] || !live->names.name[p][0])
				continue;
			/* A device the file does not name gets its default. */
			want = strcmp(file->names.name[c], live->names.name[c]) ||
			       strcmp(file->names.name[p], live->names.name[p]) ?
			       deflt : file->cells[cell];
			if (live->cells[cell] == want)
				continue;
			if (n < max)
				change(&changes[n], live->names.name[c],
				       live->names.name[p], want, live->cells[cell]);
			n++;
		}
	}
	return n;
}

int txn_live_edits(const struct policy_snapshot *live, const char *file,
		   struct txn_change *changes, unsigned max, unsigned *n,
		   bool *changed, char *err, size_t errlen)
{
	struct policy_snapshot *want = malloc(sizeof(*want));
	struct policy *p = malloc(sizeof(*p));
	int ret = want && p ? 0 : -ENOMEM;

	if (ret)
		snprintf(err, errlen, "out of memory");
	if (!ret)
		ret = policy_file_parse(file, p, err, errlen);
	if (!ret)
		ret = txn_apply_file(live, p, want, err, errlen);
	if (!ret) {
		*n = txn_diff(want, live, changes, max);
		*changed = p->text_hash != live->state.file_hash ||
			   strcmp(file, live->state.file);
	}
	free(want);
	free(p);
	return ret;
}
