/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Each ordered pair of devices as `show` explains it: what hardware and
 * drivers can do (the provider can serve: it has a provider id; the PCI
 * path class), what the policy says, what the client gets, and why. Pure:
 * it reads the snapshot, the ids and the file last applied.
 */
#ifndef P2PREACH_EXPLAIN_H
#define P2PREACH_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "policy_txn.h"
#include "reach_ids.h"
#include "topology.h"

/* A row (client) or a column (provider): an id, or a device without one. */
struct explain_end {
	const struct reach_id *id;	/* NULL: no id in this role */
	char label[P2PREACH_NAME_LEN];	/* the alias, else the name */
	char name[P2PREACH_NAME_LEN];	/* as sysfs knows it, or as declared */
	bool present;			/* its device has ids */
};

/* Why a pair gets what it gets. */
enum explain_cause {
	EXPLAIN_ABSENT,		/* a device of the pair has no ids */
	EXPLAIN_NO_CLIENT,	/* the client has no client id */
	EXPLAIN_NO_REACH,	/* the provider has no provider id */
	EXPLAIN_RULE,		/* a rule of the file applied (line) */
	EXPLAIN_DEFAULT,	/* its default (line of the statement, or 0) */
	EXPLAIN_PAST_MATRIX,	/* an id past the matrix: the default cell */
	EXPLAIN_LIVE_EDIT,	/* a verdict the file does not give */
	EXPLAIN_FILE_CHANGED,	/* the file changed since it was applied */
	EXPLAIN_FILE_UNREADABLE,	/* the file cannot be read now */
	EXPLAIN_INVALID,	/* no verdict in the cell: the kernel denies */
};

struct explain_pair {
	bool self;		/* one device: not a peer access ("X") */
	bool reach;		/* the provider can serve */
	bool has_cell;		/* both have ids: the matrix has a verdict */
	enum topo_class path;
	__u32 verdict;		/* the cell, when has_cell */
	__u32 result;		/* P2PREACH_DENY, _ALLOW_READ or _ALLOW_RW */
	enum explain_cause cause;
	__u32 line;		/* EXPLAIN_RULE, EXPLAIN_DEFAULT; 0: none */
};

struct explain {
	unsigned nr_rows, nr_cols;
	struct explain_end *rows, *cols;
	struct explain_pair *pairs;	/* nr_rows x nr_cols, row by row */
	enum txn_file file;
	char file_name[256];		/* the file applied, "" for none */
};

/*
 * Rows: every client id, then each device (of the policy, or with ids)
 * with no client id; columns: every provider id, then each device name
 * that selects no provider id. applied is the file last applied when it
 * is unchanged (file TXN_FILE_SAME), else NULL. 0 or -ENOMEM.
 */
int explain_build(const struct policy_snapshot *s, const struct reach_ids *t,
		  const struct policy *applied, enum txn_file file,
		  struct explain *out);
/*
 * What file p gives by itself, for `check`: a row per device of the file
 * (its first line), a column per device line (policy_ids_by_line()), the
 * PCI paths and which provider names have ids from t. 0, -EINVAL or
 * -ENOMEM.
 */
int explain_file(const struct policy *p, const char *file, const struct reach_ids *t,
		 struct explain *out);

void explain_free(struct explain *e);

static inline const struct explain_pair *explain_at(const struct explain *e,
						    unsigned row, unsigned col)
{
	return &e->pairs[row * e->nr_cols + col];
}

/*
 * Why the result is not rw, in a few words ("denied by rule at
 * policy.conf:7", "read-only grant", "device absent"); "" when it is.
 */
void explain_reason(const struct explain *e, const struct explain_pair *p,
		    char *buf, size_t len);

/* The cause as a word for scripts: "rule", "default", "absent", ... */
const char *explain_cause_name(enum explain_cause c);

#endif
