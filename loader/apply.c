// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "log.h"
#include "names.h"
#include "policy_commit.h"

/* The two snapshots of a transaction: about 70 KB each, on the heap. */
struct txn {
	struct policy_maps m;
	struct policy_snapshot cur, next;
};

static int txn_begin(const char *pin_dir, struct txn **t)
{
	int err;

	*t = calloc(1, sizeof(**t));
	if (!*t)
		return -ENOMEM;
	err = policy_maps_open(&(*t)->m, pin_dir);
	if (!err) {
		err = policy_snapshot_read(&(*t)->m, &(*t)->cur);
		if (err)
			policy_maps_close(&(*t)->m);
	}
	if (err) {
		free(*t);
		*t = NULL;
	}
	return err;
}

static void txn_end(struct txn *t)
{
	policy_maps_close(&t->m);
	free(t);
}

/* Devices the file names that this machine does not have (yet). */
static void warn_absent(const struct policy *p)
{
	for (unsigned i = 0; i < p->nr_devices; i++)
		if (!names_present("/sys", p->devices[i].name))
			log_warn("%s (%s) is not present; its rules apply once it appears",
				 p->devices[i].alias, p->devices[i].name);
}

int apply_parse(const char *file, struct policy *p)
{
	char err[1024];
	int ret = policy_file_parse(file, p, err, sizeof(err));

	if (ret)
		log_err("%s", err);
	return ret;
}

int apply_policy(const char *pin_dir, const char *file, const struct policy *p)
{
	struct commit_source src = { .file = file, .file_hash = p->text_hash };
	char err[256];
	struct txn *t;
	int ret;

	ret = txn_begin(pin_dir, &t);
	if (ret)
		return ret;
	ret = txn_apply_file(&t->cur, p, &t->next, err, sizeof(err));
	if (ret)
		log_err("%s", ret == -EINVAL ? "internal error: a parsed policy did not resolve" : err);
	else
		ret = policy_commit(&t->m, &t->cur, &t->next, &src);
	txn_end(t);
	if (!ret)
		warn_absent(p);
	return ret;
}

int apply_file(const char *pin_dir, const char *file, struct policy *applied)
{
	/* Parse first: a bad file never gets near the running policy. */
	int ret = apply_parse(file, applied);

	return ret ? ret : apply_policy(pin_dir, file, applied);
}

int apply_edit(const char *pin_dir, const char *cmd, const char *client,
	       const char *provider, __u32 verdict, bool both)
{
	char c[P2PREACH_NAME_LEN], p[P2PREACH_NAME_LEN], err[512];
	struct commit_source src = { .file = NULL };
	struct txn *t;
	int ret;

	ret = txn_begin(pin_dir, &t);
	if (ret)
		return ret;
	ret = names_resolve(&t->cur.names, client, "/sys", c, err, sizeof(err));
	if (ret >= 0)
		ret = names_resolve(&t->cur.names, provider, "/sys", p, err, sizeof(err));
	if (ret < 0) {
		log_err("%s: %s", cmd, err);
		goto out;
	}
	if (!strcmp(c, p)) {
		log_err("%s: '%s' and '%s' are the same device", cmd, client, provider);
		ret = -EINVAL;
		goto out;
	}
	ret = txn_edit_pair(&t->cur, c, p, verdict, both, &t->next, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		log_err("cannot edit %s -> %s: %s", c, p, strerror(-ret));
		goto out;
	}
	ret = policy_commit(&t->m, &t->cur, &t->next, &src);
out:
	txn_end(t);
	return ret < 0 ? ret : 0;
}
