// SPDX-License-Identifier: GPL-2.0
/* Commands that change the policy: load, allow, deny, apply, detach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "attach.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "names.h"
#include "policy_maps.h"

/* Too large for the stack; one policy at a time. */
static struct policy parsed;

static int parse(const char *file)
{
	char err[1024];
	int ret = policy_file_parse(file, &parsed, err, sizeof(err));

	if (ret)
		log_err("%s", err);
	return ret;
}

/* Devices the file names that this machine does not have (yet). */
static void warn_absent(const struct policy *p)
{
	for (unsigned i = 0; i < p->nr_devices; i++)
		if (!names_present("/sys", p->devices[i].name))
			log_warn("%s (%s) is not present; its rules apply once it appears",
				 p->devices[i].alias, p->devices[i].name);
}

int apply_file(const char *pin_dir, const char *file)
{
	struct policy_maps m;
	int err;

	/* Parse first: a bad file never gets near the running policy. */
	err = parse(file);
	if (err)
		return err;
	err = policy_maps_open(&m, pin_dir);
	if (!err) {
		err = policy_apply(&m, &parsed, file);
		policy_maps_close(&m);
	}
	if (!err)
		warn_absent(&parsed);
	return err;
}

int cmd_load(const struct cli *c)
{
	bool adopted;
	int err;

	if (c->file && (err = parse(c->file)))
		return err;
	err = policy_attach_or_adopt(c->pin_dir, &adopted);
	if (err)
		return err;
	if (adopted) {
		log_err("a policy is already attached and pinned under %s", c->pin_dir);
		return -EEXIST;
	}
	if (!c->json)
		printf("policy attached, pinned under %s\n", c->pin_dir);
	if (c->file) {
		err = apply_file(c->pin_dir, c->file);
		if (!err && !c->json)
			printf("applied %s\n", c->file);
	}
	return err;
}

int cmd_edit(const struct cli *c)
{
	char client[P2PREACH_NAME_LEN], provider[P2PREACH_NAME_LEN], err[512];
	struct name_table *t;
	struct policy_maps m;
	int ret;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	ret = policy_maps_open(&m, c->pin_dir);
	if (ret)
		goto out;
	policy_read_names(&m, t);
	ret = names_resolve(t, c->client, "/sys", client, err, sizeof(err));
	if (ret >= 0)
		ret = names_resolve(t, c->provider, "/sys", provider, err, sizeof(err));
	if (ret < 0) {
		log_err("%s: %s", c->name, err);
		goto close;
	}
	if (!strcmp(client, provider)) {
		log_err("%s: '%s' and '%s' are the same device",
			c->name, c->client, c->provider);
		ret = -EINVAL;
		goto close;
	}
	ret = policy_edit_pair(&m, client, provider, c->verdict, c->both);
	if (!ret && !c->json)
		printf("%s %s %s: %s\n", c->client, c->both ? "<->" : "->",
		       c->provider, policy_verdict_name(c->verdict));
close:
	policy_maps_close(&m);
out:
	free(t);
	return ret < 0 ? ret : 0;
}

int cmd_apply(const struct cli *c)
{
	int err = apply_file(c->pin_dir, c->file);

	if (!err && !c->json)
		printf("applied %s: %u devices, %u rules, default %s\n", c->file,
		       parsed.nr_devices, parsed.nr_rules,
		       policy_verdict_name(parsed.default_verdict));
	return err;
}

int cmd_detach(const struct cli *c)
{
	int err = policy_detach(c->pin_dir);

	if (!err && !c->json)
		printf("policy detached\n");
	return err;
}
