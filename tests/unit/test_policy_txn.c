// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pure part of a policy transaction (loader/policy_txn.c):
 * from the snapshot of the maps to the next one, for a file, an edit, ids
 * that come and go, and the difference between the live policy and a
 * file, over the ids of the fake sysfs tree tests/unit/sysfs/good.
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
#include <unistd.h>

#include "p2preach.h"
#include "policy_file.h"
#include "policy_txn.h"

#define D P2PREACH_DENY
#define R P2PREACH_ALLOW_READ
#define W P2PREACH_ALLOW_RW
#define N P2PREACH_MAX_DEVICES

/*
 * The ids of the tree: hmm_dmirror0 client 0, provider 1; hmm_dmirror1
 * client 2, provider 3; 0000:3b:00.0 client 4, providers 5 and 6;
 * 0000:5e:00.0 provider 7, client 70 (past the matrix).
 */
#define FILE_TEXT							\
	"device gpu0 = 0000:3b:00.0\n"					\
	"device m0 = hmm_dmirror0\n"					\
	"device m1 = hmm_dmirror1\n"					\
	"device gone = 0000:af:00.0\n"					\
	"allow m1 -> m0 read\n"						\
	"allow m0 <-> gpu0\n"						\
	"allow gone <-> *\n"						\
	"default deny\n"

struct fixture {
	struct policy_snapshot cur, next;
	struct reach_ids ids;
	struct policy pol;
	char err[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f ? reach_ids_read("tests/unit/sysfs/good", &f->ids) : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	reach_ids_free(&f->ids);
	free(f);
	return 0;
}

static void parse(struct fixture *f, const char *text)
{
	assert_int_equal(policy_parse_string(text, "t.conf", &f->pol, f->err,
					     sizeof(f->err)), 0);
}

static __u32 cell(const struct policy_snapshot *s, unsigned c, unsigned p)
{
	return s->cells[p2preach_cell(c, p)];
}

/* FILE_TEXT in force: cur is what txn_apply_file() makes of it. */
static void applied(struct fixture *f)
{
	parse(f, FILE_TEXT);
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->ids, &f->next), 0);
	f->cur = f->next;
}

static void test_apply(void **state)
{
	struct fixture *f = *state;

	f->cur.cells[17] = W;
	f->cur.state.generation = 3;
	applied(f);
	assert_int_equal(cell(&f->cur, 2, 1), R);
	assert_int_equal(cell(&f->cur, 1, 2), D);	/* a provider has no row */
	assert_int_equal(cell(&f->cur, 0, 5), W);
	assert_int_equal(cell(&f->cur, 0, 6), W);
	assert_int_equal(cell(&f->cur, 4, 1), W);
	assert_int_equal(cell(&f->cur, 2, 5), D);
	assert_int_equal(cell(&f->cur, 0, 1), D);	/* its own memory */
	assert_int_equal(f->cur.cells[17], D);
	assert_int_equal(f->cur.cells[P2PREACH_DEFAULT_CELL], D);
	assert_int_equal(f->cur.state.generation, 3);	/* the commit bumps it */
	assert_string_equal(f->cur.state.aliases[3].alias, "gone");
	assert_string_equal(f->cur.state.aliases[3].name, "0000:af:00.0");
	assert_string_equal(f->cur.state.owners[5].dev_name, "0000:3b:00.0");
	assert_int_equal(f->cur.state.owners[5].role, P2PREACH_ROLE_PROVIDER);
	assert_int_equal(f->cur.state.owners[4].role, P2PREACH_ROLE_CLIENT);
	assert_int_equal(f->cur.state.owners[8].role, P2PREACH_ROLE_NONE);
	/* Not a policy the parser makes: nothing changes. */
	f->pol.default_verdict = 7;
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->ids, &f->next), -EINVAL);
	assert_memory_equal(&f->next, &f->cur, sizeof(f->cur));
}

/* Nothing came or went: nothing to do. */
static void test_follow_nothing(void **state)
{
	struct fixture *f = *state;

	applied(f);
	assert_int_equal(txn_follow(&f->cur, &f->pol, &f->ids, NULL, &f->next), 0);
	assert_memory_equal(&f->next, &f->cur, sizeof(f->cur));
}

/*
 * hmm_dmirror1 left (ids 2 and 3), a new device took id 3, and ids 0
 * and 1 came back after a remove event: they lose their cells, the new
 * ones get the file's verdicts, the rest keep theirs, CLI edits too.
 */
static void test_follow(void **state)
{
	struct fixture *f = *state;
	struct id_set retired = { 0 };

	applied(f);
	f->cur.cells[p2preach_cell(4, 7)] = R;	/* CLI edits */
	f->cur.cells[p2preach_cell(2, 5)] = R;
	f->cur.cells[p2preach_cell(0, 5)] = D;
	reach_ids_drop(&f->ids, 2);
	snprintf(f->cur.state.owners[3].dev_name, P2PREACH_NAME_LEN, "old");
	id_set_add(&retired, 0);
	id_set_add(&retired, 1);
	assert_int_equal(txn_follow(&f->cur, &f->pol, &f->ids, &retired, &f->next), 4);
	assert_int_equal(cell(&f->next, 4, 7), R);	/* stays */
	assert_int_equal(cell(&f->next, 2, 5), D);	/* id 2 went */
	assert_int_equal(cell(&f->next, 2, 1), D);
	assert_int_equal(cell(&f->next, 0, 5), W);	/* id 0 is new: the file's */
	assert_int_equal(cell(&f->next, 4, 1), W);
	assert_int_equal(cell(&f->next, 0, 3), D);
	assert_int_equal(f->next.state.owners[2].role, P2PREACH_ROLE_NONE);
	assert_string_equal(f->next.state.owners[3].dev_name, "hmm_dmirror1");
	assert_string_equal(f->next.state.owners[0].dev_name, "hmm_dmirror0");
	/* Without the file, new ids get the default. */
	f->cur.cells[P2PREACH_DEFAULT_CELL] = R;
	assert_int_equal(txn_follow(&f->cur, NULL, &f->ids, &retired, &f->next), 4);
	assert_int_equal(cell(&f->next, 0, 5), R);
	assert_int_equal(cell(&f->next, 2, 5), R);
	assert_int_equal(cell(&f->next, 4, 7), R);
}

/*
 * The same device registered again under the same id (its directory has
 * another inode number) is a new device: its cells start from the file.
 */
static void test_follow_registered_again(void **state)
{
	struct fixture *f = *state;

	applied(f);
	assert_int_equal(f->cur.state.owners[5].ino, reach_ids_find(&f->ids, 5)->ino);
	assert_false(txn_ids_moved(&f->cur.state, &f->ids));
	f->cur.cells[p2preach_cell(0, 5)] = R;	/* a CLI edit */
	f->ids.id[5].ino++;			/* id 5: another registration */
	assert_true(txn_ids_moved(&f->cur.state, &f->ids));
	assert_int_equal(txn_follow(&f->cur, &f->pol, &f->ids, NULL, &f->next), 1);
	assert_int_equal(cell(&f->next, 0, 5), W);	/* the file's, not the edit */
	assert_int_equal(f->next.state.owners[5].ino, f->ids.id[5].ino);
	/* An owner of a state that recorded no inode number is not moved by it. */
	f->cur.state.owners[5].ino = 0;
	assert_false(txn_ids_moved(&f->cur.state, &f->ids));
}

/* Edits, one after the other, each on the snapshot the last one made. */
static const struct {
	const char *client, *provider;
	__u32 verdict;
	bool both;
	int ret;
	/* cells that must hold after it */
	unsigned c, p;
	__u32 want;
	unsigned c2, p2;
	__u32 want2;
	const char *err;
} edits[] = {
	{ "m0", "m1", W, false, 0, 0, 3, W, 2, 1, R, NULL },
	{ "hmm_dmirror1", "gpu0", R, true, 0, 2, 5, R, 4, 3, R, NULL },
	/* A provider of a device with several: its column only. */
	{ "m0", "gpu0/1", D, false, 0, 0, 6, D, 0, 5, W, NULL },
	{ "m0", "0000:3b:00.0/0", R, false, 0, 0, 5, R, 0, 6, D, NULL },
	{ "m1", "0000:5e:00.0", W, false, 0, 2, 7, W, 2, 6, R, NULL },
	{ "m0", "gone", W, false, -ENOENT, 0, 0, 0, 0, 0, 0,
	  "'gone' (0000:af:00.0) has no ids: it is absent, or its driver does not register it" },
	{ "gpu7", "m0", W, false, -ENOENT, 0, 0, 0, 0, 0, 0,
	  "unknown device 'gpu7' (not an alias of the policy, and no device of that name has ids)" },
	{ "0000:5e:00.0", "m0", W, false, -ENOENT, 0, 0, 0, 0, 0, 0,
	  "'0000:5e:00.0' has only ids past the matrix (ids below 64): its pairs take the default verdict" },
	{ "m0", "m1", W, true, -ENOENT, 0, 0, 0, 0, 0, 0,
	  "'m1' has no provider id: no memory of it is open to peers" },
	{ "m0", "hmm_dmirror0", W, false, -EINVAL, 0, 0, 0, 0, 0, 0,
	  "'m0' and 'hmm_dmirror0' are the same device" },
	{ "gpu0/1", "gpu0", W, false, -EINVAL, 0, 0, 0, 0, 0, 0,
	  "'gpu0/1' and 'gpu0' are the same device" },
	{ "m0", "m1", 3, false, -EINVAL, 0, 0, 0, 0, 0, 0, "bad verdict 3 for m0 -> m1" },
	{ "m0", "m1/x", W, false, -EINVAL, 0, 0, 0, 0, 0, 0,
	  "bad provider in 'm1/x': after '/' comes the number of one of the device's providers (0, 1, ...)" },
};

static void test_edits(void **state)
{
	struct fixture *f = *state;

	applied(f);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		int ret;

		/* Both ways: m1's provider has gone by then. */
		if (edits[i].both && edits[i].ret)
			reach_ids_drop(&f->ids, 3);
		ret = txn_edit_pair(&f->cur, &f->pol, &f->ids, edits[i].client,
				    edits[i].provider, edits[i].verdict, edits[i].both,
				    &f->next, f->err, sizeof(f->err));
		if (ret != edits[i].ret)
			fail_msg("edit %zu: %d, want %d (%s)", i, ret, edits[i].ret, f->err);
		if (ret) {
			assert_string_equal(f->err, edits[i].err);
			/* Nothing half done. */
			assert_memory_equal(&f->next, &f->cur, sizeof(f->cur));
			continue;
		}
		assert_int_equal(cell(&f->next, edits[i].c, edits[i].p), edits[i].want);
		assert_int_equal(cell(&f->next, edits[i].c2, edits[i].p2), edits[i].want2);
		f->cur = f->next;
	}
}

/* The live edits a file lacks: what show --diff prints, status counts. */
static void test_diff(void **state)
{
	struct fixture *f = *state;
	struct policy_snapshot *file = malloc(sizeof(*file));
	struct txn_change ch[8];

	assert_non_null(file);
	applied(f);
	/* Live is the file: no edits. */
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->ids, file), 0);
	assert_int_equal(txn_diff(file, &f->cur, &f->ids, ch, 8), 0);
	/* Two edits; cells of ids nobody owns, or past providers, do not count. */
	f->cur.cells[p2preach_cell(2, 1)] = W;
	f->cur.cells[p2preach_cell(4, 3)] = R;
	f->cur.cells[p2preach_cell(9, 1)] = W;
	f->cur.cells[p2preach_cell(1, 3)] = W;
	assert_int_equal(txn_diff(file, &f->cur, &f->ids, ch, 8), 2);
	assert_int_equal(ch[0].client, 2);
	assert_int_equal(ch[0].provider, 1);
	assert_int_equal(ch[0].from, R);
	assert_int_equal(ch[0].to, W);
	assert_int_equal(ch[1].client, 4);
	assert_int_equal(ch[1].provider, 3);
	assert_int_equal(ch[1].from, D);
	assert_int_equal(ch[1].to, R);
	/* An id whose cells were written for another device: not an edit. */
	f->cur.state.owners[2].index = 5;
	assert_int_equal(txn_diff(file, &f->cur, &f->ids, ch, 8), 1);
	/* Counted even when there is no room to list them; the default too. */
	f->cur.cells[P2PREACH_DEFAULT_CELL] = W;
	assert_int_equal(txn_diff(file, &f->cur, &f->ids, NULL, 0), 2);
	assert_int_equal(txn_diff(file, &f->cur, &f->ids, ch, 1), 2);
	assert_int_equal(ch[0].client, TXN_DEFAULT);
	assert_int_equal(ch[0].to, W);
	free(file);
}

/* status and show --diff: against the file as it is now, by name and text. */
static void test_live_edits_of_a_file(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/p2preach-txn-XXXXXX";
	int fd = mkstemp(path);
	unsigned n = 99;
	bool changed = true;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, FILE_TEXT, strlen(FILE_TEXT)), (int)strlen(FILE_TEXT));
	close(fd);
	applied(f);
	snprintf(f->cur.state.file, sizeof(f->cur.state.file), "%s", path);
	f->cur.state.file_hash = f->pol.text_hash;
	assert_int_equal(txn_live_edits(&f->cur, &f->ids, path, NULL, 0, &n, &changed,
					f->err, sizeof(f->err)), 0);
	assert_int_equal(n, 0);
	assert_false(changed);
	f->cur.cells[p2preach_cell(2, 1)] = W;
	assert_int_equal(txn_live_edits(&f->cur, &f->ids, path, NULL, 0, &n, &changed,
					f->err, sizeof(f->err)), 0);
	assert_int_equal(n, 1);
	/* Another file with the same text: not the one applied. */
	f->cur.state.file[0] = 'X';
	assert_int_equal(txn_live_edits(&f->cur, &f->ids, path, NULL, 0, &n, &changed,
					f->err, sizeof(f->err)), 0);
	assert_true(changed);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(txn_live_edits(&f->cur, &f->ids, path, NULL, 0, &n, &changed,
					f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, "cannot read"));
}

/* A file's hash changes with any byte of it. */
static void test_text_hash(void **state)
{
	(void)state;
	assert_int_not_equal(policy_text_hash("default deny\n"), policy_text_hash("default deny \n"));
	assert_int_equal(policy_text_hash("x"), policy_text_hash("x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow_registered_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_edits_of_a_file, setup, teardown),
		cmocka_unit_test(test_text_hash),
	};

	return cmocka_run_group_tests_name("policy_txn", tests, NULL, NULL) ? 1 : 0;
}
