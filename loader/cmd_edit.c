// SPDX-License-Identifier: GPL-2.0
/*
 * Commands that change the policy: load, allow, deny, apply, detach.
 * main() holds the lock around each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "apply.h"
#include "attach.h"
#include "cli.h"
#include "commands.h"
#include "log.h"
#include "verdict.h"

/*
 * Another build's policy is in force (an upgrade): this build's takes its
 * place through the same link, with the file's verdicts from the start.
 */
static int load_over_other_build(const struct cli *c, struct policy *p)
{
	int err;

	if (!p) {
		log_err("the policy pinned under %s comes from another build of p2preach: give load the policy file, and this build's takes its place with the file's verdicts",
			c->pin_dir);
		return -EPROTO;
	}
	err = policy_replace(c->pin_dir, c->file, p);
	if (!err && !c->json)
		printf("policy of another build replaced, pinned under %s\napplied %s\n",
		       c->pin_dir, c->file);
	free(p);
	return err;
}

int cmd_load(const struct cli *c)
{
	struct policy *p = NULL;
	bool adopted;
	int err = 0;

	/* Parse first: a bad file attaches nothing. */
	if (c->file) {
		p = malloc(sizeof(*p));
		err = p ? apply_parse(c->file, p) : -ENOMEM;
	}
	if (!err)
		err = policy_attach_or_adopt(c->pin_dir, &adopted);
	if (err == -EPROTO)
		return load_over_other_build(c, p);
	if (!err && adopted) {
		log_err("a policy is already attached and pinned under %s", c->pin_dir);
		err = -EEXIST;
	}
	if (!err && !c->json)
		printf("policy attached, pinned under %s\n", c->pin_dir);
	if (!err && p) {
		err = apply_policy(c->pin_dir, c->file, p);
		if (!err && !c->json)
			printf("applied %s\n", c->file);
	}
	free(p);
	return err;
}

int cmd_edit(const struct cli *c)
{
	int err = apply_edit(c->pin_dir, c->name, c->client, c->provider,
			     c->verdict, c->both);

	if (!err && !c->json)
		printf("%s %s %s: %s\n", c->client, c->both ? "<->" : "->",
		       c->provider, policy_verdict_name(c->verdict));
	return err;
}

int cmd_apply(const struct cli *c)
{
	struct policy *p = malloc(sizeof(*p));
	int err = p ? apply_file(c->pin_dir, c->file, p) : -ENOMEM;

	if (!err && !c->json)
		printf("applied %s: %u devices, %u rules, default %s\n", c->file,
		       p->nr_devices, p->nr_rules,
		       policy_verdict_name(p->default_verdict));
	free(p);
	return err;
}

int cmd_detach(const struct cli *c)
{
	int err = policy_detach(c->pin_dir);

	if (!err && !c->json)
		printf("policy detached\n");
	return err;
}
