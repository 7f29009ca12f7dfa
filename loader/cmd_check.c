// SPDX-License-Identifier: GPL-2.0
/* check: validate a policy file and print what it gives; change nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "explain.h"
#include "json_out.h"
#include "log.h"
#include "names.h"
#include "policy_file.h"
#include "show_out.h"
#include "verdict.h"

static bool has_levels(const struct policy *p)
{
	for (unsigned i = 0; i < p->nr_rules; i++)
		if (p->rules[i].level != TOPO_UNKNOWN)
			return true;
	return false;
}

static void check_json(const struct cli *c, const struct policy *p, const char *err,
		       const struct reach_ids *ids, const struct explain *e)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *devices;

	json_add_string(doc, "file", c->file);
	json_add_bool(doc, "valid", !err);
	if (err) {
		json_add_string(doc, "error", err);
		json_out_print(stdout, doc, c->pretty);
		return;
	}
	devices = json_object_new_array();
	json_add_uint(doc, "rules", p->nr_rules);
	json_add_string(doc, "default", policy_verdict_name(p->default_verdict));
	for (unsigned i = 0; i < p->nr_devices; i++) {
		struct json_object *d = json_object_new_object();

		json_add_string(d, "alias", p->devices[i].alias);
		json_add_string(d, "name", p->devices[i].name);
		json_add_bool(d, "present", names_nr_ids(ids, p->devices[i].name) > 0);
		json_add_bool(d, "pci", reach_ids_pci(ids, p->devices[i].name) != NULL);
		json_object_array_add(devices, d);
	}
	json_object_object_add(doc, "devices", devices);
	json_object_object_add(doc, "pairs", show_json_pairs(e));
	json_out_print(stdout, doc, c->pretty);
}

static void check_text(const struct cli *c, const struct policy *p,
		       const struct reach_ids *ids, const struct explain *e)
{
	printf("%s: ok: %u devices, %u rules, default %s\n", c->file,
	       p->nr_devices, p->nr_rules, policy_verdict_name(p->default_verdict));
	for (unsigned i = 0; i < p->nr_devices; i++) {
		if (!names_nr_ids(ids, p->devices[i].name))
			printf("  note: %s (%s) has no ids on this machine: it is absent, or its driver does not register it\n",
			       p->devices[i].alias, p->devices[i].name);
		if (has_levels(p) && !reach_ids_pci(ids, p->devices[i].name))
			printf("  note: %s (%s) is not a PCI device here: no 'up to' rule covers it\n",
			       p->devices[i].alias, p->devices[i].name);
	}
	if (!p->nr_devices)
		return;
	printf("\nWhat the file gives, on this machine's PCI paths:\n\n");
	show_text_matrix(stdout, e);
}

int cmd_check(const struct cli *c)
{
	struct policy *p = malloc(sizeof(*p));
	struct explain e = { 0 };
	struct reach_ids ids;
	char err[1024];
	int ret;

	if (!p)
		return -ENOMEM;
	ret = policy_file_parse(c->file, p, err, sizeof(err));
	/* Ids and PCI paths only inform: a file is valid without them. */
	if (reach_ids_read(REACH_SYSFS, &ids))
		memset(&ids, 0, sizeof(ids));
	if (!ret) {
		ret = explain_file(p, c->file, &ids, &e);
		if (ret)
			snprintf(err, sizeof(err), "%s: cannot resolve: %s", c->file,
				 strerror(-ret));
	}
	if (c->json)
		check_json(c, p, ret ? err : NULL, &ids, &e);
	else if (ret)
		log_err("%s", err);	/* with --json it is in the document, as bpftool does */
	else
		check_text(c, p, &ids, &e);
	explain_free(&e);
	reach_ids_free(&ids);
	free(p);
	return ret;
}
