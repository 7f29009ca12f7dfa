// SPDX-License-Identifier: GPL-2.0
/* Expand a parsed policy into the verdict matrix the BPF program reads. */
#include <errno.h>
#include <string.h>

#include "policy_rules.h"

typedef __u32 matrix_t[P2PREACH_MAX_DEVICES][P2PREACH_MAX_DEVICES];

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

/* Set client -> provider, either of them possibly POLICY_ANY. */
static void set(matrix_t m, unsigned nr, __u16 client, __u16 provider,
		__u32 verdict)
{
	unsigned c0 = client == POLICY_ANY ? 0 : client;
	unsigned c1 = client == POLICY_ANY ? nr : client + 1u;
	unsigned p0 = provider == POLICY_ANY ? 0 : provider;
	unsigned p1 = provider == POLICY_ANY ? nr : provider + 1u;

	for (unsigned c = c0; c < c1; c++)
		for (unsigned pr = p0; pr < p1; pr++)
			if (c != pr)
				m[c][pr] = verdict;
}

int policy_resolve(const struct policy *p, matrix_t matrix)
{
	if (!p || !matrix || !valid(p))
		return -EINVAL;
	for (unsigned c = 0; c < P2PREACH_MAX_DEVICES; c++)
		for (unsigned pr = 0; pr < P2PREACH_MAX_DEVICES; pr++)
			matrix[c][pr] = p->default_verdict;
	for (unsigned i = 0; i < p->nr_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		set(matrix, p->nr_devices, r->client, r->provider, r->verdict);
		if (r->both)
			set(matrix, p->nr_devices, r->provider, r->client,
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
