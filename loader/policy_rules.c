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

/* The cell of file devices c and p: in the maps' index space. */
static __u32 *cell(__u32 *cells, const __u32 *index, unsigned c, unsigned p)
{
	return &cells[p2preach_cell(index ? index[c] : c, index ? index[p] : p)];
}

/* Set client -> provider, either of them possibly POLICY_ANY. */
static void set(__u32 *cells, const __u32 *index, unsigned nr, __u16 client,
		__u16 provider, __u32 verdict)
{
	unsigned c0 = client == POLICY_ANY ? 0 : client;
	unsigned c1 = client == POLICY_ANY ? nr : client + 1u;
	unsigned p0 = provider == POLICY_ANY ? 0 : provider;
	unsigned p1 = provider == POLICY_ANY ? nr : provider + 1u;

	for (unsigned c = c0; c < c1; c++)
		for (unsigned pr = p0; pr < p1; pr++)
			if (c != pr)
				*cell(cells, index, c, pr) = verdict;
}

/* Distinct indices inside the matrix, or the rules would land elsewhere. */
static bool valid_index(const struct policy *p, const __u32 *index)
{
	for (unsigned i = 0; index && i < p->nr_devices; i++) {
		if (index[i] >= P2PREACH_MAX_DEVICES)
			return false;
		for (unsigned j = 0; j < i; j++)
			if (index[i] == index[j])
				return false;
	}
	return true;
}

int policy_resolve(const struct policy *p, const __u32 *index,
		   __u32 cells[P2PREACH_POLICY_CELLS])
{
	if (!p || !cells || !valid(p) || !valid_index(p, index))
		return -EINVAL;
	for (unsigned i = 0; i < P2PREACH_POLICY_CELLS; i++)
		cells[i] = p->default_verdict;
	for (unsigned i = 0; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		set(cells, index, p->nr_devices, r->client, r->provider, r->verdict);
		if (r->both)
			set(cells, index, p->nr_devices, r->provider, r->client,
			    r->verdict);
	}
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
