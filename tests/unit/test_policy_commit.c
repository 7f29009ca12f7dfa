// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of committing a transaction (loader/policy_commit.c) over
 * fake maps and the ids of the fake sysfs tree tests/unit/sysfs/good:
 * what lands in the maps, what is announced to whom, and that a failed
 * write leaves the policy as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "policy_commit.h"

#define D P2PREACH_DENY
#define R P2PREACH_ALLOW_READ
#define W P2PREACH_ALLOW_RW

/* The fake maps: the matrix, p2p_state; what was done to them. */
static struct {
	__u32 cells[P2PREACH_POLICY_CELLS];
	struct p2preach_state state;
	int fail_swap, fail_cell;	/* the errno to fail with (a cell: once) */
	unsigned fail_after;		/* cell writes that succeed first */
	unsigned swaps, cell_writes, cell_reads, announced;
	bool announced_all;
	struct id_set announced_to, reset;
} fake;

int policy_read_matrix(const struct policy_maps *m, __u32 cells[P2PREACH_POLICY_CELLS])
{
	memcpy(cells, fake.cells, sizeof(fake.cells));
	return 0;
}

int policy_swap_matrix(const struct policy_maps *m, const __u32 cells[P2PREACH_POLICY_CELLS])
{
	if (fake.fail_swap)
		return -fake.fail_swap;
	memcpy(fake.cells, cells, sizeof(fake.cells));
	fake.swaps++;
	return 0;
}

int policy_get_cells(const struct policy_maps *m, const __u32 *cell, __u32 *verdict,
		     unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		verdict[i] = fake.cells[cell[i]];
	fake.cell_reads += n;
	return 0;
}

int policy_set_cell(const struct policy_maps *m, __u32 cell, __u32 verdict)
{
	if (fake.fail_cell && fake.cell_writes == fake.fail_after) {
		int err = fake.fail_cell;

		fake.fail_cell = 0;	/* the undo writes back */
		return -err;
	}
	fake.cells[cell] = verdict;
	fake.cell_writes++;
	return 0;
}

int policy_read_state(const struct policy_maps *m, struct p2preach_state *st)
{
	*st = fake.state;
	return 0;
}

int policy_write_state(const struct policy_maps *m, const struct p2preach_state *st)
{
	fake.state = *st;
	return 0;
}

int policy_reset_stats(const struct policy_maps *m, const struct id_set *ids)
{
	fake.reset = *ids;
	return 0;
}

int policy_maps_open(struct policy_maps *m, const char *pin_dir)
{
	*m = (struct policy_maps){ .policy = 4, .stats = 5, .state = 6 };
	return 0;
}

void policy_maps_close(struct policy_maps *m)
{
}

int policy_announce(const char *pin_dir, const struct id_set *providers)
{
	fake.announced++;
	fake.announced_all = !providers;
	if (providers)
		fake.announced_to = *providers;
	return 0;
}

static const struct policy_maps maps = { .policy = 4, .stats = 5, .state = 6 };

struct txn {
	struct policy_snapshot cur, next;
	struct reach_ids ids;
	struct policy pol;
	char err[256];
};

static int setup(void **state)
{
	struct txn *t = calloc(1, sizeof(*t));

	memset(&fake, 0, sizeof(fake));
	*state = t;
	return t ? reach_ids_read("tests/unit/sysfs/good", &t->ids) : -1;
}

static int teardown(void **state)
{
	struct txn *t = *state;

	reach_ids_free(&t->ids);
	free(t);
	return 0;
}

static void assert_announced(const __u32 *ids, unsigned n)
{
	struct id_set want = { 0 };

	for (unsigned i = 0; i < n; i++)
		id_set_add(&want, ids[i]);
	assert_int_equal(fake.announced, 1);
	assert_false(fake.announced_all);
	assert_memory_equal(&fake.announced_to, &want, sizeof(want));
}

#define ANNOUNCED(...) assert_announced((const __u32[]){ __VA_ARGS__ }, \
	sizeof((const __u32[]){ __VA_ARGS__ }) / sizeof(__u32))

/* The file below applied through the fakes, then counters cleared. */
static void applied(struct txn *t)
{
	struct commit_source src = { .kind = COMMIT_FILE, .file = "/etc/p.conf" };

	assert_int_equal(policy_parse_string("device gpu0 = 0000:3b:00.0\n"
					     "device m0 = hmm_dmirror0\n"
					     "device m1 = hmm_dmirror1\n"
					     "allow m1 -> m0 read\n", "p.conf", &t->pol,
					     t->err, sizeof(t->err)), 0);
	src.file_hash = t->pol.text_hash;
	assert_int_equal(policy_snapshot_read(&maps, &t->cur), 0);
	assert_int_equal(txn_apply_file(&t->cur, &t->pol, &t->ids, &t->next), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &src), 0);
	assert_int_equal(policy_snapshot_read(&maps, &t->cur), 0);
	fake.swaps = fake.cell_writes = fake.cell_reads = fake.announced = 0;
	memset(&fake.reset, 0, sizeof(fake.reset));
}

/* A file: one swap, the file recorded, each id owned by its device. */
static void test_apply_file(void **state)
{
	struct txn *t = *state;

	fake.cells[P2PREACH_DEFAULT_CELL] = W;
	fake.state.generation = 4;
	applied(t);
	assert_int_equal(fake.cells[p2preach_cell(2, 1)], R);
	assert_int_equal(fake.cells[p2preach_cell(0, 3)], D);
	assert_string_equal(fake.state.source, "/etc/p.conf");
	assert_string_equal(fake.state.file, "/etc/p.conf");
	assert_true(fake.state.file_hash == t->pol.text_hash);
	assert_int_equal(fake.state.generation, 5);
	assert_string_equal(fake.state.aliases[2].alias, "m1");
	assert_string_equal(fake.state.aliases[2].name, "hmm_dmirror1");
	assert_string_equal(fake.state.owners[6].dev_name, "0000:3b:00.0");
	assert_int_equal(fake.state.owners[6].role, P2PREACH_ROLE_PROVIDER);
	assert_int_equal(fake.state.owners[6].index, 1);
	assert_int_equal(fake.state.owners[8].role, P2PREACH_ROLE_NONE);
}

/* The default changed with the file: every provider is told. */
static void test_apply_announces_all(void **state)
{
	struct txn *t = *state;
	struct commit_source src = { .kind = COMMIT_FILE, .file = "/etc/q.conf" };

	applied(t);
	assert_int_equal(policy_parse_string("default read\n", "q.conf", &t->pol,
					     t->err, sizeof(t->err)), 0);
	assert_int_equal(txn_apply_file(&t->cur, &t->pol, &t->ids, &t->next), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &src), 0);
	assert_int_equal(fake.swaps, 1);
	assert_int_equal(fake.announced, 1);
	assert_true(fake.announced_all);
}

/*
 * The same file again: swapped in all the same (an apply reads only the
 * cells of the ids present, so cur may not tell), announced to nobody.
 */
static void test_apply_unchanged(void **state)
{
	struct txn *t = *state;
	struct commit_source src = { .kind = COMMIT_FILE, .file = "/etc/p.conf" };

	applied(t);
	assert_int_equal(txn_apply_file(&t->cur, &t->pol, &t->ids, &t->next), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &src), 0);
	assert_int_equal(fake.swaps, 1);
	assert_int_equal(fake.announced, 0);
}

/* One pair: its cell written in place, only its provider told. */
static void test_edit_in_place(void **state)
{
	struct commit_source cli = { .kind = COMMIT_EDIT };
	struct txn *t = *state;

	applied(t);
	assert_int_equal(txn_edit_pair(&t->cur, &t->pol, &t->ids, "m0", "m1", W, false,
				       &t->next, t->err, sizeof(t->err)), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &cli), 0);
	assert_int_equal(fake.cells[p2preach_cell(0, 3)], W);
	assert_int_equal(fake.cell_writes, 1);
	assert_int_equal(fake.swaps, 0);
	ANNOUNCED(3);
	assert_int_equal(fake.state.generation, 2);
	assert_string_equal(fake.state.source, "cli");
	/* The file applied last is still known, for status and restarts. */
	assert_string_equal(fake.state.file, "/etc/p.conf");
	assert_true(id_set_empty(&fake.reset));
}

/* A device with two providers: a cell each, both told. */
static void test_edit_two_providers(void **state)
{
	struct commit_source cli = { .kind = COMMIT_EDIT };
	struct txn *t = *state;

	applied(t);
	assert_int_equal(txn_edit_pair(&t->cur, &t->pol, &t->ids, "m0", "gpu0", R, true,
				       &t->next, t->err, sizeof(t->err)), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &cli), 0);
	assert_int_equal(fake.cells[p2preach_cell(0, 5)], R);
	assert_int_equal(fake.cells[p2preach_cell(0, 6)], R);
	assert_int_equal(fake.cells[p2preach_cell(4, 1)], R);
	assert_int_equal(fake.cell_writes, 3);
	ANNOUNCED(1, 5, 6);
}

/* A failed write leaves the matrix as it was, announced to nobody. */
static void test_failed_write_undoes(void **state)
{
	static const struct {
		bool both;
		int *fail;
		enum commit_kind kind;
	} cases[] = {
		{ true, &fake.fail_cell, COMMIT_EDIT },		/* the second of two cells */
		{ true, &fake.fail_swap, COMMIT_FOLLOW },	/* a whole matrix */
	};
	static __u32 before[P2PREACH_POLICY_CELLS];
	struct txn *t = *state;

	applied(t);
	memcpy(before, fake.cells, sizeof(before));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct commit_source src = { .kind = cases[i].kind };

		fake.fail_cell = fake.fail_swap = 0;
		fake.cell_writes = 0;
		fake.fail_after = 1;
		*cases[i].fail = ENOMEM;
		assert_int_equal(txn_edit_pair(&t->cur, &t->pol, &t->ids, "m0", "m1", W,
					       cases[i].both, &t->next, t->err,
					       sizeof(t->err)), 0);
		assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &src), -ENOMEM);
		assert_memory_equal(fake.cells, before, sizeof(before));
		assert_int_equal(fake.state.generation, 1);
		assert_int_equal(fake.announced, 0);
	}
}

/*
 * An id that went, and one that came back after a remove event: the
 * default in their rows and columns, counters dropped; the one that
 * came back gets the file's verdicts again; one swap; CLI edits of the
 * pairs that stayed are kept.
 */
static void test_follow(void **state)
{
	struct commit_source hotplug = { .kind = COMMIT_FOLLOW };
	struct id_set retired = { 0 };
	struct txn *t = *state;

	applied(t);
	t->cur.cells[p2preach_cell(4, 7)] = W;	/* a CLI edit */
	t->cur.cells[p2preach_cell(0, 3)] = W;	/* another, with an id that goes */
	memcpy(fake.cells, t->cur.cells, sizeof(fake.cells));
	reach_ids_drop(&t->ids, 3);
	id_set_add(&retired, 1);
	hotplug.retired = &retired;
	assert_int_equal(txn_follow(&t->cur, &t->pol, &t->ids, &retired, &t->next), 2);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &hotplug), 0);
	assert_int_equal(fake.swaps, 1);
	assert_int_equal(fake.cells[p2preach_cell(0, 3)], D);
	assert_int_equal(fake.cells[p2preach_cell(2, 1)], R);
	assert_int_equal(fake.cells[p2preach_cell(4, 7)], W);
	assert_int_equal(fake.state.owners[3].role, P2PREACH_ROLE_NONE);
	assert_string_equal(fake.state.owners[1].dev_name, "hmm_dmirror0");
	assert_true(id_set_has(&fake.reset, 1));
	assert_true(id_set_has(&fake.reset, 3));
	assert_false(id_set_has(&fake.reset, 2));
	assert_string_equal(fake.state.source, "hotplug");
	ANNOUNCED(3);
}

/*
 * While no id changed hands, an edit needs no snapshot of the matrix: it
 * writes the same cells as txn_edit_pair() and policy_commit() would, and
 * reads only those.
 */
static void test_edit_cells(void **state)
{
	static __u32 want[P2PREACH_POLICY_CELLS];
	struct txn *t = *state;
	struct txn_cells edit;

	applied(t);
	assert_false(txn_ids_moved(&t->cur.state, &t->ids));
	assert_int_equal(txn_edit_pair(&t->cur, &t->pol, &t->ids, "m0", "gpu0", R, true,
				       &t->next, t->err, sizeof(t->err)), 0);
	memcpy(want, t->next.cells, sizeof(want));
	assert_int_equal(txn_edit_cells(&t->cur.state, &t->ids, "m0", "gpu0", R, true,
					&edit, t->err, sizeof(t->err)), 0);
	assert_int_equal(edit.n, 3);
	assert_int_equal(policy_commit_cells(&maps, &t->cur.state, &edit), 0);
	free(edit.cell);
	assert_memory_equal(fake.cells, want, sizeof(want));
	assert_int_equal(fake.cell_reads, 3);
	assert_int_equal(fake.cell_writes, 3);
	assert_int_equal(fake.swaps, 0);
	ANNOUNCED(1, 5, 6);
	assert_int_equal(fake.state.generation, 2);
	assert_string_equal(fake.state.source, "cli");
	assert_string_equal(fake.state.file, "/etc/p.conf");
}

/* A verdict already in force: nothing written, nobody told, still recorded. */
static void test_edit_cells_unchanged(void **state)
{
	struct txn *t = *state;
	struct txn_cells edit;

	applied(t);
	assert_int_equal(txn_edit_cells(&t->cur.state, &t->ids, "m1", "m0", R, false,
					&edit, t->err, sizeof(t->err)), 0);
	assert_int_equal(edit.n, 1);
	assert_int_equal(edit.cell[0], p2preach_cell(2, 1));
	assert_int_equal(policy_commit_cells(&maps, &t->cur.state, &edit), 0);
	free(edit.cell);
	assert_int_equal(fake.cell_writes, 0);
	assert_int_equal(fake.announced, 0);
	assert_int_equal(fake.state.generation, 2);
}

/* A failed write: the cells written go back, nobody told, nothing recorded. */
static void test_edit_cells_undo(void **state)
{
	static __u32 before[P2PREACH_POLICY_CELLS];
	struct txn *t = *state;
	struct txn_cells edit;

	applied(t);
	memcpy(before, fake.cells, sizeof(before));
	fake.cell_writes = 0;
	fake.fail_after = 1;
	fake.fail_cell = ENOMEM;
	assert_int_equal(txn_edit_cells(&t->cur.state, &t->ids, "m0", "m1", W, true,
					&edit, t->err, sizeof(t->err)), 0);
	assert_int_equal(edit.n, 2);
	assert_int_equal(policy_commit_cells(&maps, &t->cur.state, &edit), -ENOMEM);
	free(edit.cell);
	assert_memory_equal(fake.cells, before, sizeof(before));
	assert_int_equal(fake.announced, 0);
	assert_int_equal(fake.state.generation, 1);
}

/* The same refusals, with the same messages, as txn_edit_pair(). */
static void test_edit_cells_refused(void **state)
{
	static const struct {
		const char *client, *provider;
		__u32 verdict;
		int ret;
	} cases[] = {
		{ "m0", "m1", 7, -EINVAL },
		{ "m0", "nosuch", R, -ENOENT },
		{ "m0", "hmm_dmirror0", R, -EINVAL },
		{ "m0", "m1/5", R, -ENOENT },	/* no such provider */
	};
	struct txn *t = *state;
	char want[256];

	applied(t);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct txn_cells edit;

		assert_int_equal(txn_edit_pair(&t->cur, &t->pol, &t->ids, cases[i].client,
					       cases[i].provider, cases[i].verdict, false,
					       &t->next, want, sizeof(want)), cases[i].ret);
		assert_int_equal(txn_edit_cells(&t->cur.state, &t->ids, cases[i].client,
						cases[i].provider, cases[i].verdict, false,
						&edit, t->err, sizeof(t->err)), cases[i].ret);
		assert_string_equal(t->err, want);
		assert_null(edit.cell);
	}
}

/* An id that went, or came, makes an edit follow the ids first. */
static void test_ids_moved(void **state)
{
	struct txn *t = *state;

	applied(t);
	assert_false(txn_ids_moved(&t->cur.state, &t->ids));
	reach_ids_drop(&t->ids, 3);
	assert_true(txn_ids_moved(&t->cur.state, &t->ids));
	memset(&t->cur.state.owners[3], 0, sizeof(t->cur.state.owners[3]));
	assert_false(txn_ids_moved(&t->cur.state, &t->ids));
	memset(&t->cur.state.owners[2], 0, sizeof(t->cur.state.owners[2]));
	assert_true(txn_ids_moved(&t->cur.state, &t->ids));
}

/*
 * The snapshot a command reads, taken by pin directory: the pairs of the
 * ids present read live, one lookup each; every other cell the default.
 */
static void test_snapshot_take(void **state)
{
	struct txn *t = *state;
	struct policy_snapshot *s;

	fake.cells[p2preach_cell(2, 1)] = R;
	fake.cells[p2preach_cell(0, 40)] = R;	/* no id 40: not read */
	fake.cells[P2PREACH_DEFAULT_CELL] = W;
	fake.state.generation = 9;
	s = policy_snapshot_take("/sys/fs/bpf/p2preach", &t->ids);
	assert_non_null(s);
	assert_int_equal(s->cells[p2preach_cell(2, 1)], R);
	assert_int_equal(s->cells[p2preach_cell(0, 40)], W);
	assert_int_equal(s->cells[p2preach_cell(40, 0)], W);
	assert_int_equal(s->state.generation, 9);
	assert_true(fake.cell_reads < 100);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_announces_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_two_providers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_undoes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_cells_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_cells_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_cells_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_take, setup, teardown),
	};

	return cmocka_run_group_tests_name("policy_commit", tests, NULL, NULL) ? 1 : 0;
}
