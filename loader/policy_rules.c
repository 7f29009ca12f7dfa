// SPDX-License-Identifier: GPL-2.0
/* Expand a parsed policy into the verdict matrix the BPF program reads. */
#include <errno.h>
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
		    r->verdict >= P2PREACH_NR_VERDICTS)
			return false;
	}
	return true;
}

/* Rows and columns of file devices c and pr get verdict. */
static void set_pair(__u32 *cells, const struct policy_ids *ids, unsigned c,
		     unsigned pr, __u32 verdict)
{
	if (!ids) {
		if (c != pr)
			cells[p2preach_cell(c, pr)] = verdict;
		return;
	}
	if (ids[c].device == ids[pr].device)
		return;
	for_each_id(&ids[c].clients, ci)
		for_each_id(&ids[pr].providers, pi)
			cells[p2preach_cell(ci, pi)] = verdict;
}

/* Set client -> provider, either of them possibly POLICY_ANY. */
static void set(__u32 *cells, const struct policy_ids *ids, unsigned nr,
		__u16 client, __u16 provider, __u32 verdict)
{
	unsigned c0 = client == POLICY_ANY ? 0 : client;
	unsigned c1 = client == POLICY_ANY ? nr : client + 1u;
	unsigned p0 = provider == POLICY_ANY ? 0 : provider;
	unsigned p1 = provider == POLICY_ANY ? nr : provider + 1u;

	for (unsigned c = c0; c < c1; c++)
		for (unsigned pr = p0; pr < p1; pr++)
			set_pair(cells, ids, c, pr, verdict);
}

int policy_resolve(const struct policy *p, const struct policy_ids *ids,
		   __u32 cells[P2PREACH_POLICY_CELLS])
{
	if (!p || !cells || !valid(p))
		return -EINVAL;
	for (unsigned i = 0; i < P2PREACH_POLICY_CELLS; i++)
		cells[i] = p->default_verdict;
	for (unsigned i = 0; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		set(cells, ids, p->nr_devices, r->client, r->provider, r->verdict);
		if (r->both)
			set(cells, ids, p->nr_devices, r->provider, r->client,
			    r->verdict);
	}
	return 0;
}

void policy_ids_of(const struct policy *p, const struct reach_ids *t,
		   struct policy_ids *out)
{
	char dev[P2PREACH_NAME_LEN], other[P2PREACH_NAME_LEN];
	int rank, r;

	for (unsigned i = 0; i < p->nr_devices; i++) {
		struct policy_ids *d = &out[i];

		memset(d, 0, sizeof(*d));
		d->device = i;
		/* The parser checked the name: it splits. */
		if (reach_name_parse(p->devices[i].name, dev, &rank, NULL, 0))
			continue;
		for (unsigned j = 0; j < i; j++) {
			if (!reach_name_parse(p->devices[j].name, other, &r, NULL, 0) &&
			    !strcmp(dev, other)) {
				d->device = out[j].device;
				break;
			}
		}
		reach_ids_select(t, dev, P2PREACH_ROLE_CLIENT, &d->clients);
		reach_ids_select(t, p->devices[i].name, P2PREACH_ROLE_PROVIDER,
				 &d->providers);
	}
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
