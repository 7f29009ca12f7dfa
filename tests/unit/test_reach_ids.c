// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel's ids as sysfs lists them (loader/reach_ids.c),
 * against the fake trees under tests/unit/sysfs: good/ as the kernel
 * writes it, bad/ with every kind of entry the reader must leave out.
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

#include "reach_ids.h"

#define GOOD	"tests/unit/sysfs/good"
#define BAD	"tests/unit/sysfs/bad"
#define C	P2PREACH_ROLE_CLIENT
#define P	P2PREACH_ROLE_PROVIDER

static void test_read_good(void **state)
{
	static const struct reach_id want[] = {
		{ 0, C, 0, "hmm_dmirror0", 0 }, { 1, P, 0, "hmm_dmirror0", 0 },
		{ 2, C, 0, "hmm_dmirror1", 0 }, { 3, P, 0, "hmm_dmirror1", 0 },
		{ 4, C, 0, "0000:3b:00.0", 0 }, { 5, P, 0, "0000:3b:00.0", 0 },
		{ 6, P, 1, "0000:3b:00.0", 0 }, { 7, P, 0, "0000:5e:00.0", 0 },
		{ 70, C, 0, "0000:5e:00.0", 0 },
	};
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read(GOOD, &t), 0);
	assert_int_equal(t.nr_problems, 0);
	assert_int_equal(t.n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < t.n; i++) {
		assert_int_equal(t.id[i].id, want[i].id);
		assert_int_equal(t.id[i].role, want[i].role);
		assert_int_equal(t.id[i].index, want[i].index);
		assert_string_equal(t.id[i].dev_name, want[i].dev_name);
	}
	assert_ptr_equal(reach_ids_find(&t, 70), &t.id[8]);
	assert_null(reach_ids_find(&t, 8));
	reach_ids_drop(&t, 3);
	assert_null(reach_ids_find(&t, 3));
	assert_int_equal(reach_ids_find(&t, 4)->id, 4);
	assert_int_equal(t.n, 8);
	reach_ids_drop(&t, 3);		/* twice: nothing */
	assert_int_equal(t.n, 8);
	reach_ids_free(&t);
	assert_int_equal(t.n, 0);
}

/* A kernel without the series, or a root with nothing: no ids, no error. */
static void test_read_nothing(void **state)
{
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read("tests/unit/sysfs/none", &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.nr_problems, 0);
	assert_null(reach_ids_find(&t, 0));
	reach_ids_free(&t);
}

/* Each bad entry is left out with a message that says what is wrong. */
static void test_read_bad(void **state)
{
	static const char *const want[] = {
		"ignoring " REACH_IDS_DIR "/abc: not an id (a number below 4096)",
		"ignoring " REACH_IDS_DIR "/007: not an id (a number below 4096)",
		"ignoring " REACH_IDS_DIR "/4096: not an id (a number below 4096)",
		"ignoring " REACH_IDS_DIR "/9: cannot read role",
		"ignoring " REACH_IDS_DIR "/10: role 'gpu' (client or provider)",
		"ignoring " REACH_IDS_DIR "/11: index 'x' (a number below 4096)",
		"ignoring " REACH_IDS_DIR "/12: cannot read index",
		"ignoring " REACH_IDS_DIR "/13: empty dev_name",
		"ignoring " REACH_IDS_DIR "/15: dev_name is longer than 63 characters",
		"ignoring " REACH_IDS_DIR "/16: dev_name 'a/b' has a '/'",
		"ignoring " REACH_IDS_DIR "/17: index '-1' (a number below 4096)",
	};
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read(BAD, &t), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.id[0].id, 14);
	assert_string_equal(t.id[0].dev_name, "fine0");
	assert_int_equal(t.nr_problems, sizeof(want) / sizeof(want[0]));
	/* In directory order: look each one up. */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool found = false;

		for (unsigned j = 0; j < t.nr_problems; j++)
			found |= !strcmp(t.problems[j], want[i]);
		if (!found)
			fail_msg("no problem '%s'", want[i]);
	}
	reach_ids_free(&t);
}

static void test_name_parse(void **state)
{
	static const struct {
		const char *name, *dev;
		int rank, ret;
	} cases[] = {
		{ "0000:3b:00.0", "0000:3b:00.0", -1, 0 },
		{ "0000:3b:00.0/1", "0000:3b:00.0", 1, 0 },
		{ "hmm_dmirror0/0", "hmm_dmirror0", 0, 0 },
		{ "x/4095", "x", 4095, 0 },
		{ "x/4096", NULL, 0, -EINVAL },
		{ "x/", NULL, 0, -EINVAL },
		{ "x/01", NULL, 0, -EINVAL },
		{ "x/-1", NULL, 0, -EINVAL },
		{ "x/1/2", NULL, 0, -EINVAL },
		{ "x/a", NULL, 0, -EINVAL },
		{ "/1", NULL, 0, -EINVAL },
		{ "", NULL, 0, -EINVAL },
	};
	char dev[P2PREACH_NAME_LEN], err[256];
	int rank;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = reach_name_parse(cases[i].name, dev, &rank, err, sizeof(err));

		if (ret != cases[i].ret)
			fail_msg("'%s': %d, want %d", cases[i].name, ret, cases[i].ret);
		if (!ret) {
			assert_string_equal(dev, cases[i].dev);
			assert_int_equal(rank, cases[i].rank);
		}
	}
	assert_int_equal(reach_name_parse("x/y", dev, &rank, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad provider in 'x/y': after '/' comes the number of one of the device's providers (0, 1, ...)");
	/* Without room for a message: still refused. */
	assert_int_equal(reach_name_parse("x/y", dev, &rank, NULL, 0), -EINVAL);
}

static void assert_set(const struct id_set *s, const __u32 *ids, unsigned n)
{
	struct id_set want = { 0 };

	for (unsigned i = 0; i < n; i++)
		id_set_add(&want, ids[i]);
	assert_memory_equal(s, &want, sizeof(want));
}

#define SET(...) (const __u32[]){ __VA_ARGS__ }, sizeof((const __u32[]){ __VA_ARGS__ }) / sizeof(__u32)

/* A name selects ids by device, "/N" one provider; past the matrix counts but is left out. */
static void test_select(void **state)
{
	struct reach_ids t;
	struct id_set s;

	(void)state;
	assert_int_equal(reach_ids_read(GOOD, &t), 0);
	assert_int_equal(reach_ids_select(&t, "0000:3b:00.0", P2PREACH_ROLE_NONE, &s), 3);
	assert_set(&s, SET(4, 5, 6));
	assert_int_equal(reach_ids_select(&t, "0000:3b:00.0", P, &s), 2);
	assert_set(&s, SET(5, 6));
	assert_int_equal(reach_ids_select(&t, "0000:3b:00.0/1", P, &s), 1);
	assert_set(&s, SET(6));
	assert_int_equal(reach_ids_select(&t, "0000:3b:00.0/1", C, &s), 0);
	assert_int_equal(reach_ids_select(&t, "0000:3b:00.0/2", P, &s), 0);
	assert_int_equal(reach_ids_select(&t, "hmm_dmirror1", C, &s), 1);
	assert_set(&s, SET(2));
	assert_int_equal(reach_ids_select(&t, "0000:5e:00.0", C, &s), 1);
	assert_true(id_set_empty(&s));
	assert_int_equal(reach_ids_select(&t, "nosuch", P2PREACH_ROLE_NONE, &s), 0);
	assert_int_equal(reach_ids_select(&t, "x/y", P2PREACH_ROLE_NONE, &s), 0);
	assert_int_equal(reach_ids_nr_providers(&t, "0000:3b:00.0"), 2);
	assert_int_equal(reach_ids_nr_providers(&t, "hmm_dmirror0"), 1);
	assert_int_equal(reach_ids_nr_providers(&t, "nosuch"), 0);
	reach_ids_free(&t);
}

/*
 * Lookups by name go through an index sorted by name; a table without one
 * (built by hand, or out of memory) is searched id by id: both agree, and
 * the index follows a dropped id.
 */
static void test_select_index(void **state)
{
	const char *names[] = { "0000:3b:00.0", "0000:3b:00.0/0", "0000:3b:00.0/1",
				"hmm_dmirror0", "hmm_dmirror1", "0000:5e:00.0",
				"nosuch", "" };
	const __u32 roles[] = { P2PREACH_ROLE_NONE, C, P };
	struct id_set a, b;
	struct reach_ids t;
	unsigned *index;

	(void)state;
	assert_int_equal(reach_ids_read(GOOD, &t), 0);
	assert_non_null(t.by_name);
	for (int drop = 0; drop < 2; drop++) {
		for (unsigned i = 0; i < sizeof(names) / sizeof(*names); i++) {
			for (unsigned r = 0; r < 3; r++) {
				unsigned n = reach_ids_select(&t, names[i], roles[r], &a);

				index = t.by_name;
				t.by_name = NULL;
				assert_int_equal(reach_ids_select(&t, names[i], roles[r], &b), n);
				assert_memory_equal(&a, &b, sizeof(a));
				assert_int_equal(reach_ids_count(&t, names[i], roles[r]), n);
				t.by_name = index;
				assert_int_equal(reach_ids_count(&t, names[i], roles[r]), n);
			}
		}
		reach_ids_drop(&t, 1);	/* hmm_dmirror0's provider: the rest move */
	}
	assert_int_equal(reach_ids_select(&t, "hmm_dmirror0", P, &a), 0);
	assert_int_equal(reach_ids_select(&t, "0000:3b:00.0", P, &a), 2);
	assert_set(&a, SET(5, 6));
	reach_ids_free(&t);
}

static void test_id_name(void **state)
{
	char buf[P2PREACH_NAME_LEN];
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read(GOOD, &t), 0);
	reach_id_name(&t, reach_ids_find(&t, 1), buf, sizeof(buf));
	assert_string_equal(buf, "hmm_dmirror0");	/* its only provider */
	reach_id_name(&t, reach_ids_find(&t, 4), buf, sizeof(buf));
	assert_string_equal(buf, "0000:3b:00.0");
	reach_id_name(&t, reach_ids_find(&t, 5), buf, sizeof(buf));
	assert_string_equal(buf, "0000:3b:00.0/0");
	reach_id_name(&t, reach_ids_find(&t, 6), buf, sizeof(buf));
	assert_string_equal(buf, "0000:3b:00.0/1");
	reach_ids_free(&t);
}

/* owners as p2p_state records the ids of t. */
static void owners_of(const struct reach_ids *t, struct p2preach_owner *owners)
{
	memset(owners, 0, sizeof(*owners) * P2PREACH_MAX_DEVICES);
	for (unsigned i = 0; i < t->n; i++) {
		struct p2preach_owner *o = &owners[t->id[i].id];

		if (t->id[i].id >= P2PREACH_MAX_DEVICES)
			continue;
		o->role = t->id[i].role;
		o->index = t->id[i].index;
		o->ino = t->id[i].ino;
		memcpy(o->dev_name, t->id[i].dev_name, sizeof(o->dev_name));
	}
}

/* A copy of good/ without its id past the matrix, under a new directory. */
static char *good_in_matrix(void)
{
	char *dir = strdup("/tmp/p2preach-ids.XXXXXX"), cmd[256];

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -r " GOOD "/. %s && rm -r %s/" REACH_IDS_DIR "/70",
		 dir, dir);
	assert_int_equal(system(cmd), 0);
	return dir;
}

static void rm_tree(char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/*
 * While sysfs lists the ids the state records, the ids come from the
 * state, as a read of sysfs has them; any other list means a read.
 */
static void test_of_owners(void **state)
{
	struct p2preach_owner owners[P2PREACH_MAX_DEVICES];
	struct reach_ids full, t;
	struct id_set a, b;
	char *root = good_in_matrix(), path[256];

	(void)state;
	assert_int_equal(reach_ids_read_ids(root, &full), 0);
	assert_int_equal(full.n, 8);
	owners_of(&full, owners);
	assert_int_equal(reach_ids_of_owners(root, owners, &t), 0);
	assert_int_equal(t.n, full.n);
	assert_memory_equal(t.id, full.id, full.n * sizeof(*full.id));
	assert_int_equal(reach_ids_select(&t, "0000:3b:00.0", P, &a), 2);
	assert_int_equal(reach_ids_select(&full, "0000:3b:00.0", P, &b), 2);
	assert_memory_equal(&a, &b, sizeof(a));
	reach_ids_free(&t);

	/* An id the state does not record, or one sysfs does not list. */
	owners[7].role = P2PREACH_ROLE_NONE;
	assert_int_equal(reach_ids_of_owners(root, owners, &t), -ESTALE);
	assert_int_equal(t.n, 0);
	owners_of(&full, owners);
	owners[8] = owners[7];
	assert_int_equal(reach_ids_of_owners(root, owners, &t), -ESTALE);
	owners_of(&full, owners);
	snprintf(path, sizeof(path), "rm -r %s/" REACH_IDS_DIR "/3", root);
	assert_int_equal(system(path), 0);
	assert_int_equal(reach_ids_of_owners(root, owners, &t), -ESTALE);
	rm_tree(root);

	/* An id past the matrix is never taken from the state. */
	assert_int_equal(reach_ids_read_ids(GOOD, &t), 0);
	owners_of(&t, owners);
	reach_ids_free(&t);
	assert_int_equal(reach_ids_of_owners(GOOD, owners, &t), -ESTALE);
	reach_ids_free(&full);
}

/*
 * An id registered again, even for the same device, has a new directory
 * and so another inode number; a state that recorded none is not taken.
 */
static void test_of_owners_ino(void **state)
{
	struct p2preach_owner owners[P2PREACH_MAX_DEVICES];
	struct reach_ids full, t;
	char *root = good_in_matrix(), cmd[512];

	(void)state;
	assert_int_equal(reach_ids_read_ids(root, &full), 0);
	for (unsigned i = 0; i < full.n; i++)
		assert_true(full.id[i].ino);
	owners_of(&full, owners);
	owners[6].ino++;
	assert_int_equal(reach_ids_of_owners(root, owners, &t), -ESTALE);
	owners_of(&full, owners);
	owners[6].ino = 0;
	assert_int_equal(reach_ids_of_owners(root, owners, &t), -ESTALE);

	/* Id 6 goes and comes back the same: a new directory. */
	snprintf(cmd, sizeof(cmd), "cd %s/" REACH_IDS_DIR " && mkdir 6.new && cp 6/* 6.new/ && "
		 "mkdir hold && mv 6 hold/ && mv 6.new 6", root);
	assert_int_equal(system(cmd), 0);
	owners_of(&full, owners);
	assert_int_equal(reach_ids_of_owners(root, owners, &t), -ESTALE);
	reach_ids_free(&full);
	snprintf(cmd, sizeof(cmd), "rm -r %s/" REACH_IDS_DIR "/hold", root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(reach_ids_read_ids(root, &full), 0);
	owners_of(&full, owners);
	assert_int_equal(reach_ids_of_owners(root, owners, &t), 0);
	assert_int_equal(t.n, 8);
	reach_ids_free(&t);
	reach_ids_free(&full);
	rm_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_good),
		cmocka_unit_test(test_read_nothing),
		cmocka_unit_test(test_read_bad),
		cmocka_unit_test(test_name_parse),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_select_index),
		cmocka_unit_test(test_id_name),
		cmocka_unit_test(test_of_owners),
		cmocka_unit_test(test_of_owners_ino),
	};

	return cmocka_run_group_tests_name("reach_ids", tests, NULL, NULL) ? 1 : 0;
}
