// SPDX-License-Identifier: GPL-2.0
/* Expand a parsed policy into the verdict matrix the BPF program reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_rules.h"

static bool valid_ref(const struct policy *p, __u16 index)
{
	return index == POLICY_ANY || index < p->nr_devices;
}

/* The struct is public and plain: check it before trusting its indices. */
static bool valid(const struct policy *p)
{
	if (p->nr_devices > P2PREACH_MAX_DEVICES ||
	    p->nr_rules > POLICY_MAX_RULES ||
	    p->default_verdict >= P2PREACH_NR_VERDICTS)
		return false;
	for (unsigned i = 0; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!valid_ref(p, r->client) || !valid_ref(p, r->provider) ||
		    r->verdict >= P2PREACH_NR_VERDICTS || r->level >= TOPO_NR_CLASSES)
			return false;
	}
	return true;
}

/* What a rule writes, and where it comes from. */
struct setting {
	__u32 *cells, *lines;
	const struct policy_ids *ids;
	const struct policy_rule *rule;
};

/* Is the pair of file devices c and pr as close as the rule asks? */
static bool close_enough(const struct setting *s, unsigned c, unsigned pr)
{
	enum topo_class class;

	if (s->rule->level == TOPO_UNKNOWN)
		return true;
	if (!s->ids)
		return false;
	class = topology_class(s->ids[c].pci, s->ids[pr].pci);
	return class != TOPO_UNKNOWN && class <= s->rule->level;
}

static void set_cell(const struct setting *s, __u32 cell)
{
	s->cells[cell] = s->rule->verdict;
	if (s->lines)
		s->lines[cell] = s->rule->line;
}

/* Rows and columns of file devices c and pr get the rule's verdict. */
static void set_pair(const struct setting *s, unsigned c, unsigned pr)
{
	if (!close_enough(s, c, pr))
		return;
	if (!s->ids) {
		if (c != pr)
			set_cell(s, p2preach_cell(c, pr));
		return;
	}
	if (s->ids[c].device == s->ids[pr].device)
		return;
	for_each_id(&s->ids[c].clients, ci)
		for_each_id(&s->ids[pr].providers, pi)
			set_cell(s, p2preach_cell(ci, pi));
}

/* Set client -> provider, either of them possibly POLICY_ANY. */
static void set(const struct setting *s, unsigned nr, __u16 client, __u16 provider)
{
	unsigned c0 = client == POLICY_ANY ? 0 : client;
	unsigned c1 = client == POLICY_ANY ? nr : client + 1u;
	unsigned p0 = provider == POLICY_ANY ? 0 : provider;
	unsigned p1 = provider == POLICY_ANY ? nr : provider + 1u;

	for (unsigned c = c0; c < c1; c++)
		for (unsigned pr = p0; pr < p1; pr++)
			set_pair(s, c, pr);
}

int policy_resolve(const struct policy *p, const struct policy_ids *ids,
		   __u32 cells[P2PREACH_POLICY_CELLS], __u32 *lines)
{
	struct setting s = { .cells = cells, .lines = lines, .ids = ids };

	if (!p || !cells || !valid(p))
		return -EINVAL;
	for (unsigned i = 0; i < P2PREACH_POLICY_CELLS; i++)
		cells[i] = p->default_verdict;
	if (lines)
		memset(lines, 0, sizeof(*lines) * P2PREACH_POLICY_CELLS);
	for (unsigned i = 0; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		s.rule = r;
		set(&s, p->nr_devices, r->client, r->provider);
		if (r->both)
			set(&s, p->nr_devices, r->provider, r->client);
	}
	return 0;
}

/* The device part of device i's name; false if it does not split. */
static bool device_part(const struct policy *p, unsigned i, char dev[P2PREACH_NAME_LEN],
			int *rank)
{
	return !reach_name_parse(p->devices[i].name, dev, rank, NULL, 0);
}

/*
 * first[i]: the first line of p naming the device of line i (i itself, or
 * before); a name that does not split stands alone. Sorted, not compared
 * line against line: a file names up to P2PREACH_MAX_DEVICES devices.
 */
static int first_of_devices(const struct policy *p, __u32 *first)
{
	char (*dev)[P2PREACH_NAME_LEN] = calloc(p->nr_devices ? p->nr_devices : 1,
						sizeof(*dev));
	unsigned *order = NULL;
	int rank;

	if (!dev)
		return -ENOMEM;
	for (unsigned i = 0; i < p->nr_devices; i++) {
		first[i] = i;
		/* A '/' sets a line that does not split apart from every device. */
		if (!device_part(p, i, dev[i], &rank))
			snprintf(dev[i], sizeof(dev[i]), "/%u", i);
	}
	if (p->nr_devices)
		order = name_order(dev[0], sizeof(dev[0]), p->nr_devices);
	if (!order) {
		free(dev);
		return p->nr_devices ? -ENOMEM : 0;
	}
	for (unsigned k = 1; k < p->nr_devices; k++)
		if (!strcmp(dev[order[k]], dev[order[k - 1]]))
			first[order[k]] = first[order[k - 1]];
	free(dev);
	free(order);
	return 0;
}

/* What both views of device line i start with: its device and its place. */
static bool start(const struct policy *p, unsigned i, const struct reach_ids *t,
		  __u32 first, struct policy_ids *d, char dev[P2PREACH_NAME_LEN],
		  int *rank)
{
	memset(d, 0, sizeof(*d));
	d->device = first;
	/* The parser checked the name: it splits. */
	if (!device_part(p, i, dev, rank))
		return false;
	d->pci = topology_find(&t->pci, dev);
	return true;
}

int policy_ids_of(const struct policy *p, const struct reach_ids *t,
		  struct policy_ids *out)
{
	__u32 *first = calloc(p->nr_devices ? p->nr_devices : 1, sizeof(*first));
	char dev[P2PREACH_NAME_LEN];
	int rank;

	if (!first || first_of_devices(p, first)) {
		free(first);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < p->nr_devices; i++) {
		if (!start(p, i, t, first[i], &out[i], dev, &rank))
			continue;
		reach_ids_select(t, dev, P2PREACH_ROLE_CLIENT, &out[i].clients);
		reach_ids_select(t, p->devices[i].name, P2PREACH_ROLE_PROVIDER,
				 &out[i].providers);
	}
	free(first);
	return 0;
}

int policy_ids_by_line(const struct policy *p, const struct reach_ids *t,
		       struct policy_ids *out)
{
	unsigned n = p->nr_devices ? p->nr_devices : 1;
	__u32 *first = calloc(n, sizeof(*first));
	/* The lines naming a whole device, chained from the device's first line. */
	int *whole = malloc(n * sizeof(*whole)), *next = malloc(n * sizeof(*next));
	char dev[P2PREACH_NAME_LEN];
	int rank;

	if (!first || !whole || !next || first_of_devices(p, first)) {
		free(first);
		free(whole);
		free(next);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < p->nr_devices; i++)
		whole[i] = -1;
	for (unsigned i = 0; i < p->nr_devices; i++) {
		bool whole_device = start(p, i, t, first[i], &out[i], dev, &rank) && rank < 0;

		id_set_add(&out[i].clients, out[i].device);
		id_set_add(&out[i].providers, i);
		if (!whole_device)
			continue;
		next[i] = whole[out[i].device];
		whole[out[i].device] = i;
	}
	/* A device's name covers the lines of its other memories too. */
	for (unsigned j = 0; j < p->nr_devices; j++)
		for (int i = whole[out[j].device]; i >= 0; i = next[i])
			id_set_add(&out[i].providers, j);
	free(first);
	free(whole);
	free(next);
	return 0;
}

unsigned policy_device_count(const struct policy *p)
{
	return p->nr_devices;
}

const char *policy_device_alias(const struct policy *p, unsigned i)
{
	return i < p->nr_devices ? p->devices[i].alias : NULL;
}

const char *policy_device_name(const struct policy *p, unsigned i)
{
	return i < p->nr_devices ? p->devices[i].name : NULL;
}

/* Aliases first, as the parser resolves rules (it rejects clashes). */
int policy_device_lookup(const struct policy *p, const char *alias_or_name)
{
	for (unsigned i = 0; i < p->nr_devices; i++)
		if (!strcmp(p->devices[i].alias, alias_or_name))
			return i;
	for (unsigned i = 0; i < p->nr_devices; i++)
		if (!strcmp(p->devices[i].name, alias_or_name))
			return i;
	return -ENOENT;
}
