/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A change to the running policy as a transaction: read a snapshot of the
 * maps and the kernel's ids once, compute the next snapshot with the pure
 * functions below, then commit it (policy_commit.h), which undoes what it
 * did on failure. Pure: no libbpf, no kernel; everything here is
 * unit-tested.
 */
#ifndef P2PREACH_POLICY_TXN_H
#define P2PREACH_POLICY_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "id_set.h"
#include "p2preach.h"
#include "policy_file.h"
#include "reach_ids.h"

/* Everything the maps say. */
struct policy_snapshot {
	__u32 cells[P2PREACH_POLICY_CELLS];
	struct p2preach_state state;
};

/* Were the cells of an id with owner o written for id e? */
bool txn_owner_is(const struct p2preach_owner *o, const struct reach_id *e);

/*
 * The verdicts p gives the ids of t (its default for the rest), and with
 * lines (NULL: not wanted) the line of the rule that gave each, 0 for the
 * default. 0, -EINVAL (p is not a parsed policy) or -ENOMEM.
 */
int txn_file_cells(const struct policy *p, const struct reach_ids *t,
		   __u32 cells[P2PREACH_POLICY_CELLS], __u32 *lines);

/*
 * next: cur with the policy of file p in force for the ids of t: every
 * cell as p says (its default for what no rule covers and for ids of
 * devices p does not name), p's aliases, and every id of t in the matrix
 * recorded as the owner of its cells. 0, or -EINVAL (p is not a parsed
 * policy; next is cur then).
 */
int txn_apply_file(const struct policy_snapshot *cur, const struct policy *p,
		   const struct reach_ids *t, struct policy_snapshot *next);

/*
 * next: cur with its cells brought up to the ids of t. An id whose cells
 * were written for a device that is not the one t shows under it (none,
 * or another), or that is in retired (a remove event came, whatever sysfs
 * shows now), gets the default in its row and column; an id of t the
 * cells are not written for gets the verdicts p gives it (the default
 * with p NULL). Pairs of ids that stay keep their cells, so edits made
 * with the CLI stay. Returns how many ids changed hands.
 */
unsigned txn_follow(const struct policy_snapshot *cur, const struct policy *p,
		    const struct reach_ids *t, const struct id_set *retired,
		    struct policy_snapshot *next);

/*
 * next: cur followed (txn_follow() with p), then client -> provider (and
 * back, with both) set to verdict for every client id of client and
 * provider id of provider. client and provider are what the admin typed:
 * aliases of cur or names (names.h). 0, -EINVAL or -ENOENT with a message
 * in err; next is cur then.
 */
int txn_edit_pair(const struct policy_snapshot *cur, const struct policy *p,
		  const struct reach_ids *t, const char *client,
		  const char *provider, __u32 verdict, bool both,
		  struct policy_snapshot *next, char *err, size_t errlen);

/*
 * Would txn_follow() change the owner of any id of the matrix: has an id
 * of t no cells written for it, or do cells written for a device have no
 * id of t (or another's) now? While none did, an edit needs no snapshot
 * of the matrix: txn_edit_cells() says what to write.
 */
bool txn_ids_moved(const struct p2preach_state *st, const struct reach_ids *t);

/* The cells an edit sets, all to one verdict. */
struct txn_cells {
	__u32 *cell;		/* n of them, on the heap: free() it */
	unsigned n;
	__u32 verdict;
};

/*
 * The cells txn_edit_pair() sets, for st and ids t that no id changed
 * hands between (txn_ids_moved() is false), with the same checks and
 * messages. 0, -EINVAL, -ENOENT or -ENOMEM with a message in err; out
 * holds nothing then.
 */
int txn_edit_cells(const struct p2preach_state *st, const struct reach_ids *t,
		   const char *client, const char *provider, __u32 verdict,
		   bool both, struct txn_cells *out, char *err, size_t errlen);

/* A cell whose verdict differs between two snapshots. */
#define TXN_DEFAULT	P2PREACH_ALL_PROVIDERS	/* client and provider of the default */
struct txn_change {
	__u32 client, provider;		/* ids, or TXN_DEFAULT */
	__u32 from, to;
};

/*
 * The pairs of live whose verdict is not the one file gives them, over
 * the ids of t whose cells live has written, and the default. Fills up to
 * max changes; returns how many there are.
 */
unsigned txn_diff(const struct policy_snapshot *file,
		  const struct policy_snapshot *live, const struct reach_ids *t,
		  struct txn_change *changes, unsigned max);

/*
 * txn_diff() of live against what file says now (parsed here), and
 * whether file's text or name differs from the one last applied. 0, or
 * -errno with a message in err.
 */
int txn_live_edits(const struct policy_snapshot *live, const struct reach_ids *t,
		   const char *file, struct txn_change *changes, unsigned max,
		   unsigned *n, bool *changed, char *err, size_t errlen);

/* The file last applied (p2p_state), as it is now. */
enum txn_file {
	TXN_FILE_NONE,		/* none applied */
	TXN_FILE_SAME,		/* the text applied */
	TXN_FILE_CHANGED,	/* another text: its lines say nothing of the policy */
	TXN_FILE_UNREADABLE,	/* gone, or not readable */
};

/* Which of those; with TXN_FILE_SAME, *p is the file parsed (free it). */
enum txn_file txn_applied_file(const struct p2preach_state *st, struct policy **p);

#endif
