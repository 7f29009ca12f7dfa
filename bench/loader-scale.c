// SPDX-License-Identifier: GPL-2.0
/*
 * loader-scale SYSFS_ROOT POLICY REPS: the loader's own work for an apply
 * and for an edit of one pair, without a kernel or an emulator: read the
 * ids under SYSFS_ROOT, parse POLICY, resolve it into the matrix and look
 * up its devices (apply); take the ids from the state, find the cells of
 * the pair d1 -> d0 and check their ids in sysfs (edit), or read every id
 * first, as when ids changed hands (edit_moved). Prints "KEY MS" lines, each the median of REPS runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "policy_file.h"
#include "policy_txn.h"
#include "reach_ids.h"

enum { READ, PARSE, RESOLVE, APPLY, EDIT, EDIT_MOVED, NR_STEPS };
static const char *const step_name[NR_STEPS] = {
	"read_ids", "parse", "resolve", "apply", "edit", "edit_moved",
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
 * An edit of d1 -> d0 (apply.c): ids from the state while sysfs lists
 * them (listed), checking those written; or, as when ids changed hands,
 * read from sysfs. Its time.
 */
static double edit(const char *root, const struct policy_snapshot *s, bool listed)
{
	struct txn_cells edit;
	struct reach_ids ids;
	struct id_set which = { 0 };
	char err[1024];
	double t0 = now_ms();

	if (listed ? reach_ids_of_owners(root, s->state.owners, &ids) :
		     reach_ids_read_ids(root, &ids))
		fail(root, "cannot read the ids");
	if (txn_edit_cells(&s->state, &ids, "d1", "d0", P2PREACH_ALLOW_RW, false,
			   &edit, err, sizeof(err)))
		fail("edit d1 -> d0", err);
	for (unsigned i = 0; listed && i < edit.n; i++) {
		id_set_add(&which, edit.cell[i] / P2PREACH_MAX_DEVICES);
		id_set_add(&which, edit.cell[i] % P2PREACH_MAX_DEVICES);
	}
	if (listed && reach_ids_confirm(root, &ids, &which))
		fail(root, "the ids are not those of the state");
	t0 = now_ms() - t0;
	free(edit.cell);
	reach_ids_free(&ids);
	return t0;
}

/* One apply and the edits; their steps' times into t. */
static void run(const char *root, const char *file, struct policy *p,
		struct policy_snapshot *cur, struct policy_snapshot *next,
		double t[NR_STEPS])
{
	struct reach_ids ids;
	unsigned present = 0;
	char err[1024];
	double t0, t1, t2, t3;

	t0 = now_ms();
	if (reach_ids_read(root, &ids))
		fail(root, "cannot read the ids");
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
	t[READ] = t1 - t0;
	t[PARSE] = t2 - t1;
	t[RESOLVE] = t3 - t2;
	t[APPLY] = t3 - t0;

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
