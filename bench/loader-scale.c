// SPDX-License-Identifier: GPL-2.0
/*
 * loader-scale SYSFS_ROOT POLICY REPS: the loader's own work for an apply
 * and for an edit of one pair, without a kernel or an emulator. An apply
 * has the ids under SYSFS_ROOT, parses POLICY, resolves it into the
 * matrix and looks up its devices; an edit has the ids and finds the
 * cells of the pair d1 -> d0. Each has the ids from the state, as while
 * sysfs lists the same (apply, edit), or reads every id, as when ids
 * changed hands (apply_moved, edit_moved). Prints "KEY MS" lines, each
 * the median of REPS runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "policy_file.h"
#include "policy_txn.h"
#include "reach_ids.h"

enum { READ, LIST, PARSE, RESOLVE, APPLY, APPLY_MOVED, EDIT, EDIT_MOVED, NR_STEPS };
static const char *const step_name[NR_STEPS] = {
	"read_ids", "list_ids", "parse", "resolve", "apply", "apply_moved",
	"edit", "edit_moved",
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void fail(const char *what, const char *why)
{
	fprintf(stderr, "loader-scale: %s: %s\n", what, why);
	exit(1);
}

/*
 * The ids as an apply or an edit has them (apply.c): from the state while
 * sysfs lists the same (listed), else read from sysfs, as when ids
 * changed hands.
 */
static void ids_of(const char *root, const struct policy_snapshot *s, bool listed,
		   struct reach_ids *ids)
{
	if (listed ? reach_ids_of_owners(root, s->state.owners, ids) :
		     reach_ids_read_ids(root, ids))
		fail(root, listed ? "the ids are not those of the state" :
				    "cannot read the ids");
}

/* An edit of d1 -> d0: its time. */
static double edit(const char *root, const struct policy_snapshot *s, bool listed)
{
	struct txn_cells edit;
	struct reach_ids ids;
	char err[1024];
	double t0 = now_ms();

	ids_of(root, s, listed, &ids);
	if (txn_edit_cells(&s->state, &ids, "d1", "d0", P2PREACH_ALLOW_RW, false,
			   &edit, err, sizeof(err)))
		fail("edit d1 -> d0", err);
	t0 = now_ms() - t0;
	free(edit.cell);
	reach_ids_free(&ids);
	return t0;
}

/*
 * An apply of file over cur into next; its steps' times into t, from
 * reading (or listing) the ids to the last lookup.
 */
static void apply(const char *root, const char *file, struct policy *p, bool listed,
		  struct policy_snapshot *cur, struct policy_snapshot *next,
		  double t[NR_STEPS])
{
	struct reach_ids ids;
	unsigned present = 0;
	char err[1024];
	double t0, t1, t2, t3;

	t0 = now_ms();
	ids_of(root, cur, listed, &ids);
	t1 = now_ms();
	if (policy_file_parse(file, p, err, sizeof(err)))
		fail(file, err);
	t2 = now_ms();
	if (txn_apply_file(cur, p, &ids, next))
		fail(file, "does not resolve");
	/* What apply then warns about: the devices of the file without ids. */
	for (unsigned i = 0; i < p->nr_devices; i++)
		present += names_nr_ids(&ids, p->devices[i].name) > 0;
	t3 = now_ms();
	reach_ids_free(&ids);
	if (present != p->nr_devices)
		fail(file, "names devices that have no ids");
	t[listed ? LIST : READ] = t1 - t0;
	t[PARSE] = t2 - t1;
	t[RESOLVE] = t3 - t2;
	t[listed ? APPLY : APPLY_MOVED] = t3 - t0;
}

/* The applies and edits of one round (the first apply reads the ids). */
static void run(const char *root, const char *file, struct policy *p,
		struct policy_snapshot *cur, struct policy_snapshot *next,
		double t[NR_STEPS])
{
	apply(root, file, p, false, cur, next, t);
	*cur = *next;
	apply(root, file, p, true, cur, next, t);
	t[EDIT] = edit(root, next, true);
	t[EDIT_MOVED] = edit(root, next, false);
}

int main(int argc, char **argv)
{
	struct policy_snapshot *cur, *next;
	double (*t)[NR_STEPS], v[1024];
	struct policy *p;
	int reps;

	if (argc != 4 || (reps = atoi(argv[3])) < 1 || reps > 1024) {
		fprintf(stderr, "usage: loader-scale SYSFS_ROOT POLICY REPS (1 to 1024)\n");
		return 2;
	}
	cur = calloc(1, sizeof(*cur));
	next = calloc(1, sizeof(*next));
	p = calloc(1, sizeof(*p));
	t = calloc(reps, sizeof(*t));
	if (!cur || !next || !p || !t)
		fail("memory", "out of memory");
	for (int r = 0; r < reps; r++)
		run(argv[1], argv[2], p, cur, next, t[r]);
	for (int s = 0; s < NR_STEPS; s++) {
		for (int r = 0; r < reps; r++)
			v[r] = t[r][s];
		printf("%s %.3f\n", step_name[s], median(v, reps));
	}
	free(t);
	free(p);
	free(next);
	free(cur);
	return 0;
}
