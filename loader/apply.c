// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "log.h"
#include "names.h"
#include "policy_commit.h"

/* The two snapshots of a transaction and the ids: on the heap. */
struct txn {
	struct policy_maps m;
	struct policy_snapshot cur, next;
	struct reach_ids ids;
};

/* What a transaction reads when it begins. */
enum txn_read {
	TXN_STATE_IDS,	/* p2p_state and the ids: t->cur.cells stay zero */
	TXN_ALL,	/* the matrix too, and the ids with the PCI paths */
};

/*
 * The ids without the PCI paths: the state's while sysfs lists the same,
 * which costs a pass over the ids directory and no read of its files.
 */
static int txn_ids(struct txn *t)
{
	int err = reach_ids_of_owners(REACH_SYSFS, t->cur.state.owners, &t->ids);

	return err == -ESTALE ? reach_ids_load_ids(REACH_SYSFS, &t->ids) : err;
}

static int txn_begin(const char *pin_dir, enum txn_read what, struct txn **t)
{
	int err;

	*t = calloc(1, sizeof(**t));
	if (!*t)
		return -ENOMEM;
	err = policy_maps_open(&(*t)->m, pin_dir);
	if (!err) {
		if (what == TXN_ALL) {
			err = policy_snapshot_read(&(*t)->m, &(*t)->cur);
		} else {
			err = policy_read_state(&(*t)->m, &(*t)->cur.state);
			if (err)
				log_err("cannot read the policy: %s", strerror(-err));
		}
		if (!err && what == TXN_ALL)
			err = reach_ids_load(REACH_SYSFS, &(*t)->ids);
		else if (!err)
			err = txn_ids(*t);
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
	reach_ids_free(&t->ids);
	policy_maps_close(&t->m);
	free(t);
}

/* Devices the file names that have no ids (yet). */
static void warn_absent(const struct policy *p, const struct reach_ids *ids)
{
	for (unsigned i = 0; i < p->nr_devices; i++)
		if (!names_nr_ids(ids, p->devices[i].name))
			log_warn("%s (%s) has no ids: it is absent, or its driver does not register it; its rules apply once it does",
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

/*
 * What an apply compares the new matrix with, to tell the kernel whose
 * memory the change concerns: the live verdicts of the pairs of ids in
 * sysfs, and the default. Ids that nobody holds ask for no decision, so
 * their cells are taken as the new matrix has them: the whole matrix would
 * cost more to read than the rest of the apply, and the swap writes every
 * cell anyway.
 */
static int live_pairs(struct txn *t)
{
	memcpy(t->cur.cells, t->next.cells, sizeof(t->cur.cells));
	return policy_read_pairs(&t->m, &t->ids, t->cur.cells);
}

int apply_policy(const char *pin_dir, const char *file, const struct policy *p)
{
	struct commit_source src = {
		.kind = COMMIT_FILE, .file = file, .file_hash = p->text_hash,
	};
	struct txn *t;
	int ret;

	ret = txn_begin(pin_dir, TXN_STATE_IDS, &t);
	if (ret)
		return ret;
	ret = txn_apply_file(&t->cur, p, &t->ids, &t->next);
	if (ret)
		log_err("internal error: a parsed policy did not resolve");
	else
		ret = live_pairs(t);
	if (!ret)
		ret = policy_commit(&t->m, &t->cur, &t->next, &src);
	if (!ret)
		warn_absent(p, &t->ids);
	txn_end(t);
	return ret;
}

int apply_file(const char *pin_dir, const char *file, struct policy *applied)
{
	/* Parse first: a bad file never gets near the running policy. */
	int ret = apply_parse(file, applied);

	return ret ? ret : apply_policy(pin_dir, file, applied);
}

/* Ids of t whose cells were written for no device, or another. */
static unsigned new_ids(const struct policy_snapshot *s, const struct reach_ids *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->n; i++)
		n += t->id[i].id < P2PREACH_MAX_DEVICES &&
		     !txn_owner_is(&s->state.owners[t->id[i].id], &t->id[i]);
	return n;
}

/*
 * While no id changed hands, an edit writes its cells and reads nothing
 * else of the matrix: its cost does not grow with the matrix.
 */
static int edit_in_place(struct txn *t, const char *cmd, const char *client,
			 const char *provider, __u32 verdict, bool both)
{
	struct txn_cells edit;
	char err[512];
	int ret;

	ret = txn_edit_cells(&t->cur.state, &t->ids, client, provider, verdict, both,
			     &edit, err, sizeof(err));
	if (ret) {
		log_err("%s: %s", cmd, err);
		return ret;
	}
	ret = policy_commit_cells(&t->m, &t->cur.state, &edit);
	free(edit.cell);
	return ret;
}

int apply_edit(const char *pin_dir, const char *cmd, const char *client,
	       const char *provider, __u32 verdict, bool both)
{
	struct commit_source src = { .kind = COMMIT_EDIT };
	struct policy *p = NULL;
	char err[512];
	struct txn *t;
	int ret;

	ret = txn_begin(pin_dir, TXN_STATE_IDS, &t);
	if (ret)
		return ret;
	if (!txn_ids_moved(&t->cur.state, &t->ids)) {
		ret = edit_in_place(t, cmd, client, provider, verdict, both);
		goto out;
	}
	/* Ids to follow first: the whole matrix and the PCI paths, as the daemon would. */
	ret = policy_read_matrix(&t->m, t->cur.cells);
	if (ret) {
		log_err("cannot read the policy: %s", strerror(-ret));
	} else {
		ret = topology_read(REACH_SYSFS, &t->ids.pci);
		if (ret)
			log_err("cannot read the PCI devices: %s", strerror(-ret));
	}
	if (ret)
		goto out;
	if (txn_applied_file(&t->cur.state, &p) != TXN_FILE_SAME && t->cur.state.file[0] &&
	    new_ids(&t->cur, &t->ids))
		log_warn("%s changed since it was applied: the ids that came since get the default verdict until it is applied again",
			 t->cur.state.file);
	ret = txn_edit_pair(&t->cur, p, &t->ids, client, provider, verdict, both,
			    &t->next, err, sizeof(err));
	if (ret)
		log_err("%s: %s", cmd, err);
	else
		ret = policy_commit(&t->m, &t->cur, &t->next, &src);
	free(p);
out:
	txn_end(t);
	return ret < 0 ? ret : 0;
}

int apply_follow(const char *pin_dir, const struct policy *p,
		 const struct id_set *retired, const struct id_set *gone)
{
	struct commit_source src = { .kind = COMMIT_FOLLOW, .retired = retired };
	struct txn *t;
	int ret;

	ret = txn_begin(pin_dir, TXN_ALL, &t);
	if (ret)
		return ret;
	for_each_id(gone, id)
		reach_ids_drop(&t->ids, id);
	ret = txn_follow(&t->cur, p, &t->ids, retired, &t->next);
	if (ret) {
		int err = policy_commit(&t->m, &t->cur, &t->next, &src);

		if (err)
			ret = err;
	}
	txn_end(t);
	return ret;
}
