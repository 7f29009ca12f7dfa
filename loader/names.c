// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "names.h"

/* The alias entry of st whose name is name, or NULL. */
static const struct p2preach_alias *alias_naming(const struct p2preach_state *st,
						 const char *name)
{
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (st->aliases[i].alias[0] && !strcmp(st->aliases[i].name, name))
			return &st->aliases[i];
	return NULL;
}

int names_resolve(const struct p2preach_state *st, const char *word,
		  char name[P2PREACH_NAME_LEN], char *err, size_t errlen)
{
	char dev[P2PREACH_NAME_LEN];
	size_t len = strlen(word);
	int rank;

	if (!len || len >= P2PREACH_NAME_LEN) {
		snprintf(err, errlen, "bad device '%s' (1 to %d characters)",
			 word, P2PREACH_NAME_LEN - 1);
		return -EINVAL;
	}
	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		if (st->aliases[i].name[0] && !strcmp(st->aliases[i].alias, word)) {
			memcpy(name, st->aliases[i].name, P2PREACH_NAME_LEN);
			return 0;
		}
	}
	if (reach_name_parse(word, dev, &rank, err, errlen))
		return -EINVAL;
	memset(name, 0, P2PREACH_NAME_LEN);
	memcpy(name, word, len);
	/* "gpu0/1": the alias of a device, and one of its providers. */
	for (unsigned i = 0; rank >= 0 && i < P2PREACH_MAX_DEVICES; i++) {
		const struct p2preach_alias *a = &st->aliases[i];

		if (!a->alias[0] || strcmp(a->alias, dev) || strchr(a->name, '/'))
			continue;
		if (snprintf(name, P2PREACH_NAME_LEN, "%s/%d", a->name, rank) >=
		    P2PREACH_NAME_LEN) {
			snprintf(err, errlen, "bad device '%s' (%s/%d is longer than %d characters)",
				 word, a->name, rank, P2PREACH_NAME_LEN - 1);
			return -EINVAL;
		}
		break;
	}
	return 0;
}

unsigned names_nr_ids(const struct reach_ids *t, const char *name)
{
	return reach_ids_count(t, name, P2PREACH_ROLE_NONE);
}

/* The device part of a resolved name. */
static void device_of(const char *name, char dev[P2PREACH_NAME_LEN])
{
	int rank;

	if (reach_name_parse(name, dev, &rank, NULL, 0))
		dev[0] = '\0';
}

int names_select(const struct p2preach_state *st, const struct reach_ids *t,
		 const char *word, __u32 role, struct id_set *out,
		 char *err, size_t errlen)
{
	char name[P2PREACH_NAME_LEN], dev[P2PREACH_NAME_LEN];
	bool client = role == P2PREACH_ROLE_CLIENT;
	int ret = names_resolve(st, word, name, err, errlen);

	if (ret)
		return ret;
	device_of(name, dev);
	if (!names_nr_ids(t, dev)) {
		if (strcmp(name, word))
			snprintf(err, errlen, "'%s' (%s) has no ids: it is absent, or its driver does not register it",
				 word, name);
		else
			snprintf(err, errlen, "unknown device '%s' (not an alias of the policy, and no device of that name has ids)",
				 word);
		return -ENOENT;
	}
	if (!reach_ids_select(t, client ? dev : name, role, out)) {
		if (client)
			snprintf(err, errlen, "'%s' has no client id: it does not access other devices' memory",
				 word);
		else if (strcmp(dev, name))
			snprintf(err, errlen, "'%s' has no such provider (%s)", word, name);
		else
			snprintf(err, errlen, "'%s' has no provider id: no memory of it is open to peers",
				 word);
		return -ENOENT;
	}
	if (id_set_empty(out)) {
		snprintf(err, errlen, "'%s' has only ids past the matrix (ids below %d): its pairs take the default verdict",
			 word, P2PREACH_MAX_DEVICES);
		return -ENOENT;
	}
	return 0;
}

bool names_same_device(const char *a, const char *b)
{
	char da[P2PREACH_NAME_LEN], db[P2PREACH_NAME_LEN];

	device_of(a, da);
	device_of(b, db);
	return !strcmp(da, db);
}

void names_label(const struct p2preach_state *st, const struct reach_ids *t,
		 const struct reach_id *e, char *buf, size_t len)
{
	bool provider = e->role == P2PREACH_ROLE_PROVIDER;
	const struct p2preach_alias *a = NULL;
	char exact[P2PREACH_NAME_LEN + 16];

	if (provider) {
		snprintf(exact, sizeof(exact), "%s/%u", e->dev_name, e->index);
		a = alias_naming(st, exact);
		if (a) {
			snprintf(buf, len, "%s", a->alias);
			return;
		}
	}
	a = alias_naming(st, e->dev_name);
	if (!a)
		reach_id_name(t, e, buf, len);
	else if (provider && reach_ids_nr_providers(t, e->dev_name) > 1)
		snprintf(buf, len, "%s/%u", a->alias, e->index);
	else
		snprintf(buf, len, "%s", a->alias);
}

/* Is dev_name named by a device line of st, in any form? */
static bool declared(const struct p2preach_state *st, const char *dev_name)
{
	char dev[P2PREACH_NAME_LEN];

	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		if (!st->aliases[i].alias[0])
			continue;
		device_of(st->aliases[i].name, dev);
		if (!strcmp(dev, dev_name))
			return true;
	}
	return false;
}

static void put(struct names_device *d, const char *alias, const char *name,
		const struct reach_ids *t)
{
	snprintf(d->alias, sizeof(d->alias), "%s", alias);
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->nr_ids = names_nr_ids(t, name);
}

unsigned names_devices(const struct p2preach_state *st, const struct reach_ids *t,
		       struct names_device *out, unsigned max)
{
	unsigned n = 0, j;

	for (unsigned i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		const struct p2preach_alias *a = &st->aliases[i];

		if (!a->alias[0])
			continue;
		if (n < max)
			put(&out[n], a->alias, a->name, t);
		n++;
	}
	/* Each other device once, at its first id. */
	for (unsigned i = 0; i < t->n; i++) {
		const char *name = t->id[i].dev_name;

		for (j = 0; j < i && strcmp(t->id[j].dev_name, name); j++)
			;
		if (j < i || declared(st, name))
			continue;
		if (n < max)
			put(&out[n], "", name, t);
		n++;
	}
	return n;
}
