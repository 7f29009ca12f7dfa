// SPDX-License-Identifier: GPL-2.0
/* check: validate a policy file, change nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "json_out.h"
#include "log.h"
#include "names.h"
#include "policy_file.h"
#include "verdict.h"

int cmd_check(const struct cli *c)
{
	struct policy *p = malloc(sizeof(*p));
	struct reach_ids ids;
	char err[1024];
	int ret;

	if (!p)
		return -ENOMEM;
	ret = policy_file_parse(c->file, p, err, sizeof(err));
	/* Which devices have ids only informs: a file is valid without them. */
	if (reach_ids_read(REACH_SYSFS, &ids))
		memset(&ids, 0, sizeof(ids));

	if (c->json) {
		struct json_object *doc = json_object_new_object();

		json_add_string(doc, "file", c->file);
		json_add_bool(doc, "valid", !ret);
		if (ret) {
			json_add_string(doc, "error", err);
		} else {
			struct json_object *devices = json_object_new_array();

			json_add_uint(doc, "rules", p->nr_rules);
			json_add_string(doc, "default", policy_verdict_name(p->default_verdict));
			for (unsigned i = 0; i < p->nr_devices; i++) {
				struct json_object *d = json_object_new_object();

				json_add_string(d, "alias", p->devices[i].alias);
				json_add_string(d, "name", p->devices[i].name);
				json_add_bool(d, "present",
					      names_nr_ids(&ids, p->devices[i].name) > 0);
				json_object_array_add(devices, d);
			}
			json_object_object_add(doc, "devices", devices);
		}
		json_out_print(stdout, doc, c->pretty);
	}
	/* With --json the error is in the document, as bpftool does. */
	if (ret && !c->json)
		log_err("%s", err);
	if (!ret && !c->json) {
		printf("%s: ok: %u devices, %u rules, default %s\n", c->file,
		       p->nr_devices, p->nr_rules,
		       policy_verdict_name(p->default_verdict));
		for (unsigned i = 0; i < p->nr_devices; i++)
			if (!names_nr_ids(&ids, p->devices[i].name))
				printf("  note: %s (%s) has no ids on this machine: it is absent, or its driver does not register it\n",
				       p->devices[i].alias, p->devices[i].name);
	}
	reach_ids_free(&ids);
	free(p);
	return ret;
}
