// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pure part of a policy transaction (loader/policy_txn.c):
 * from the snapshot of the maps to the next one, for a file, an edit, and
 * the difference between the live policy and a file.
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

struct fixture {
	struct policy_snapshot cur, next;
	struct policy pol;
	char err[256];
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fixture));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void parse(struct fixture *f, const char *text)
{
	assert_int_equal(policy_parse_string(text, "t.conf", &f->pol, f->err,
					     sizeof(f->err)), 0);
}

/* Put name at index i of s, as the maps would have it. */
static void put(struct policy_snapshot *s, unsigned i, const char *name)
{
	snprintf(s->names.name[i], sizeof(s->names.name[i]), "%s", name);
}

static __u32 cell(const struct policy_snapshot *s, unsigned c, unsigned p)
{
	return s->cells[p2preach_cell(c, p)];
}

/* An empty policy: every device of the file in file order. */
static void test_apply_to_empty(void **state)
{
	struct fixture *f = *state;

	parse(f, "device a = dev0\ndevice b = dev1\nallow a -> b read\ndefault deny\n");
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->next, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->next.names.name[0], "dev0");
	assert_string_equal(f->next.names.alias[0], "a");
	assert_string_equal(f->next.names.name[1], "dev1");
	assert_int_equal(txn_device_count(&f->next), 2);
	assert_int_equal(cell(&f->next, 0, 1), R);
	assert_int_equal(cell(&f->next, 1, 0), D);
	assert_int_equal(f->next.cells[P2PREACH_DEFAULT_CELL], D);
}

/*
 * Kept devices keep their index whatever the file order; new ones take
 * the lowest free indices; devices the file drops and bad entries go.
 */
static void test_apply_keeps_indices(void **state)
{
	struct fixture *f = *state;

	put(&f->cur, 2, "devA");
	put(&f->cur, 5, "devB");
	put(&f->cur, 0, "gone");
	f->cur.nr_bad = 1;
	snprintf(f->cur.bad[0].name, sizeof(f->cur.bad[0].name), "bad");
	f->cur.bad[0].index = 99;
	parse(f, "device c = devC\ndevice b = devB\ndevice a = devA\nallow c -> a\nallow b <-> c read\ndefault read\n");
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->next, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->next.names.name[2], "devA");
	assert_string_equal(f->next.names.name[5], "devB");
	/* 0 was "gone": free once the file is in force, but not meanwhile. */
	assert_string_equal(f->next.names.name[1], "devC");
	assert_string_equal(f->next.names.name[0], "");
	assert_int_equal(f->next.nr_bad, 0);
	assert_int_equal(txn_device_count(&f->next), 3);
	assert_int_equal(cell(&f->next, 1, 2), W);
	assert_int_equal(cell(&f->next, 5, 1), R);
	assert_int_equal(cell(&f->next, 1, 5), R);
	assert_int_equal(cell(&f->next, 2, 5), R);	/* the default */
	assert_int_equal(cell(&f->next, 0, 2), R);
	assert_int_equal(f->next.cells[P2PREACH_DEFAULT_CELL], R);
	assert_string_equal(f->next.names.alias[1], "c");
}

static void test_apply_too_many(void **state)
{
	struct fixture *f = *state;
	char name[32];

	for (unsigned i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "old%u", i);
		put(&f->cur, i, name);
	}
	f->next = f->cur;
	parse(f, "device x = new0\n");
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->next, f->err, sizeof(f->err)), -ENOSPC);
	assert_string_equal(f->err, "too many devices: the running policy and the new one name more than 64 together; detach first");
	assert_memory_equal(&f->next, &f->cur, sizeof(f->cur));
	/* A file naming devices already there fits. */
	parse(f, "device x = old63\ndevice y = old0\n");
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->next, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->next.names.alias[63], "x");
}

/* Edits, one after the other, each on the snapshot the last one made. */
static const struct {
	const char *client, *provider;
	__u32 verdict;
	bool both;
	int ret;
	/* the cells that must hold after it: index pairs and verdicts */
	unsigned c, p;
	__u32 want, want_back;
	const char *err;
} edits[] = {
	{ "dev0", "dev1", W, false, 0, 0, 1, W, D, NULL },
	{ "dev1", "dev0", R, true, 0, 1, 0, R, R, NULL },
	/* A new device takes the lowest free index (2). */
	{ "dev0", "devN", R, false, 0, 0, 2, R, D, NULL },
	{ "devN", "dev1", D, true, 0, 2, 1, D, D, NULL },
	{ "bad", "dev0", W, false, -ERANGE, 0, 0, 0, 0,
	  "device bad has index 99 in the map, beyond the matrix (at most 64 devices)" },
	{ "dev0", "dev0", W, false, -EINVAL, 0, 0, 0, 0, "bad edit of dev0 -> dev0" },
	{ "dev0", "dev1", 3, false, -EINVAL, 0, 0, 0, 0, "bad edit of dev0 -> dev1" },
};

static void test_edits(void **state)
{
	struct fixture *f = *state;

	f->cur.nr_bad = 1;
	snprintf(f->cur.bad[0].name, sizeof(f->cur.bad[0].name), "bad");
	f->cur.bad[0].index = 99;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		int ret = txn_edit_pair(&f->cur, edits[i].client, edits[i].provider,
					edits[i].verdict, edits[i].both, &f->next,
					f->err, sizeof(f->err));

		if (ret != edits[i].ret)
			fail_msg("edit %zu: %d, want %d (%s)", i, ret, edits[i].ret, f->err);
		if (ret) {
			assert_string_equal(f->err, edits[i].err);
			/* Nothing half done. */
			assert_memory_equal(&f->next, &f->cur, sizeof(f->cur));
			continue;
		}
		assert_int_equal(cell(&f->next, edits[i].c, edits[i].p), edits[i].want);
		assert_int_equal(cell(&f->next, edits[i].p, edits[i].c), edits[i].want_back);
		f->cur = f->next;
	}
	assert_string_equal(f->cur.names.name[2], "devN");
	assert_int_equal(txn_device_count(&f->cur), 3);
	assert_int_equal(f->cur.nr_bad, 1);
}

static void test_edit_no_room(void **state)
{
	struct fixture *f = *state;
	char name[32];

	for (unsigned i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		put(&f->cur, i, name);
	}
	assert_int_equal(txn_edit_pair(&f->cur, "d0", "d1", R, false, &f->next,
				       f->err, sizeof(f->err)), 0);
	assert_int_equal(txn_edit_pair(&f->cur, "d0", "extra", R, false, &f->next,
				       f->err, sizeof(f->err)), -ENOSPC);
	assert_string_equal(f->err, "no room for device extra (at most 64 devices)");
}

/* The live edits a file lacks: what show --diff prints, status counts. */
static void test_diff(void **state)
{
	struct fixture *f = *state;
	struct policy_snapshot *file = malloc(sizeof(*file));
	struct txn_change ch[8];

	assert_non_null(file);
	parse(f, "device a = dev0\ndevice b = dev1\nallow a -> b read\n");
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->next, f->err, sizeof(f->err)), 0);
	f->cur = f->next;
	/* Live is the file: no edits. */
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, file, f->err, sizeof(f->err)), 0);
	assert_int_equal(txn_diff(file, &f->cur, ch, 8), 0);
	/* Two CLI edits, one with a device the file does not name. */
	assert_int_equal(txn_edit_pair(&f->cur, "dev0", "dev1", W, false, &f->next,
				       f->err, sizeof(f->err)), 0);
	f->cur = f->next;
	assert_int_equal(txn_edit_pair(&f->cur, "dev2", "dev0", R, false, &f->next,
				       f->err, sizeof(f->err)), 0);
	f->cur = f->next;
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, file, f->err, sizeof(f->err)), 0);
	assert_int_equal(txn_diff(file, &f->cur, ch, 8), 2);
	assert_string_equal(ch[0].client, "dev0");
	assert_string_equal(ch[0].provider, "dev1");
	assert_int_equal(ch[0].from, R);
	assert_int_equal(ch[0].to, W);
	assert_string_equal(ch[1].client, "dev2");
	assert_string_equal(ch[1].provider, "dev0");
	assert_int_equal(ch[1].from, D);
	assert_int_equal(ch[1].to, R);
	/* Counted even when there is no room to list them; the default too. */
	f->cur.cells[P2PREACH_DEFAULT_CELL] = W;
	assert_int_equal(txn_diff(file, &f->cur, NULL, 0), 3);
	assert_int_equal(txn_diff(file, &f->cur, ch, 1), 3);
	assert_string_equal(ch[0].client, "");
	assert_int_equal(ch[0].to, W);
	free(file);
}

/* status and show --diff: against the file as it is now, by name and text. */
static void test_live_edits_of_a_file(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/p2preach-txn-XXXXXX";
	const char *text = "device a = dev0\ndevice b = dev1\nallow a -> b read\n";
	int fd = mkstemp(path);
	unsigned n = 99;
	bool changed = true;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	parse(f, text);
	assert_int_equal(txn_apply_file(&f->cur, &f->pol, &f->next, f->err, sizeof(f->err)), 0);
	f->cur = f->next;
	snprintf(f->cur.state.file, sizeof(f->cur.state.file), "%s", path);
	f->cur.state.file_hash = f->pol.text_hash;
	assert_int_equal(txn_live_edits(&f->cur, path, NULL, 0, &n, &changed,
					f->err, sizeof(f->err)), 0);
	assert_int_equal(n, 0);
	assert_false(changed);
	/* Another file with the same text: not the one applied. */
	f->cur.state.file[0] = 'X';
	assert_int_equal(txn_live_edits(&f->cur, path, NULL, 0, &n, &changed,
					f->err, sizeof(f->err)), 0);
	assert_true(changed);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(txn_live_edits(&f->cur, path, NULL, 0, &n, &changed,
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
		cmocka_unit_test_setup_teardown(test_apply_to_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_keeps_indices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_no_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_edits_of_a_file, setup, teardown),
		cmocka_unit_test(test_text_hash),
	};

	return cmocka_run_group_tests_name("policy_txn", tests, NULL, NULL) ? 1 : 0;
}
