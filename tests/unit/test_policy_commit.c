// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of committing a transaction (loader/policy_commit.c) over
 * fake maps: what lands in the maps, and that a failed write undoes the
 * names it added (an edit used to leave them behind).
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

#include <bpf/bpf.h>

#include "policy_commit.h"

#define N P2PREACH_MAX_DEVICES

/* The fake maps: p2p_devices as an array, the matrix, p2p_state. */
static struct {
	struct p2preach_name key[N * 2];
	__u32 idx[N * 2];
	unsigned nr;
	__u32 cells[P2PREACH_POLICY_CELLS];
	struct p2preach_state state;
	int fail_swap, fail_cell, fail_add;	/* the errno to fail with */
	unsigned swaps, cell_writes, announced, resets;
} fake;

static int find(const void *key)
{
	for (unsigned i = 0; i < fake.nr; i++)
		if (!memcmp(&fake.key[i], key, sizeof(fake.key[i])))
			return i;
	return -1;
}

int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	int i = find(key);

	if (fake.fail_add) {
		errno = fake.fail_add;
		return -1;
	}
	if (i >= 0 && flags == BPF_NOEXIST) {
		errno = EEXIST;
		return -1;
	}
	if (i < 0)
		i = fake.nr++;
	memcpy(&fake.key[i], key, sizeof(fake.key[i]));
	memcpy(&fake.idx[i], value, sizeof(fake.idx[i]));
	return 0;
}

int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	int i = find(key);

	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	memcpy(value, &fake.idx[i], sizeof(fake.idx[i]));
	return 0;
}

int bpf_map_delete_elem(int fd, const void *key)
{
	int i = find(key);

	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	fake.key[i] = fake.key[fake.nr - 1];
	fake.idx[i] = fake.idx[--fake.nr];
	return 0;
}

int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	int i = key ? find(key) + 1 : 0;

	if ((unsigned)i >= fake.nr) {
		errno = ENOENT;
		return -1;
	}
	memcpy(next_key, &fake.key[i], sizeof(fake.key[i]));
	return 0;
}

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

int policy_set_cell(const struct policy_maps *m, __u32 cell, __u32 verdict)
{
	if (fake.fail_cell)
		return -fake.fail_cell;
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

int policy_reset_stats(const struct policy_maps *m, __u32 i)
{
	fake.resets++;
	return 0;
}

int policy_maps_open(struct policy_maps *m, const char *pin_dir)
{
	*m = (struct policy_maps){ .devices = 3, .policy = 4, .stats = 5, .state = 6 };
	return 0;
}

void policy_maps_close(struct policy_maps *m)
{
}

int policy_announce(void)
{
	fake.announced++;
	return 0;
}

static const struct policy_maps maps = { .devices = 3, .policy = 4, .stats = 5, .state = 6 };

struct txn {
	struct policy_snapshot cur, next;
	char err[256];
};

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	*state = calloc(1, sizeof(struct txn));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void add(const char *name, __u32 idx)
{
	struct p2preach_name key;

	policy_name_key(&key, name);
	assert_int_equal(bpf_map_update_elem(3, &key, &idx, BPF_ANY), 0);
}

/* Two devices in the maps, gpu1 -> gpu0 read, default deny. */
static void two_devices(struct txn *t)
{
	add("dev0", 0);
	add("dev1", 1);
	fake.cells[p2preach_cell(1, 0)] = P2PREACH_ALLOW_READ;
	snprintf(fake.state.aliases[0], sizeof(fake.state.aliases[0]), "gpu0");
	fake.state.generation = 4;
	assert_int_equal(policy_snapshot_read(&maps, &t->cur), 0);
}

static void test_snapshot(void **state)
{
	struct txn *t = *state;

	add("bad", 99);
	two_devices(t);
	assert_string_equal(t->cur.names.name[0], "dev0");
	assert_string_equal(t->cur.names.alias[0], "gpu0");
	assert_string_equal(t->cur.names.name[1], "dev1");
	assert_int_equal(t->cur.nr_bad, 1);
	assert_string_equal(t->cur.bad[0].name, "bad");
	assert_int_equal(t->cur.bad[0].index, 99);
	assert_int_equal(t->cur.cells[p2preach_cell(1, 0)], P2PREACH_ALLOW_READ);
}

/* One pair: one cell written in place; the source is "cli". */
static void test_edit_one_cell(void **state)
{
	struct commit_source cli = { 0 };
	struct txn *t = *state;

	snprintf(fake.state.file, sizeof(fake.state.file), "/etc/p.conf");
	two_devices(t);
	assert_int_equal(txn_edit_pair(&t->cur, "dev0", "dev1", P2PREACH_ALLOW_RW, false,
				       &t->next, t->err, sizeof(t->err)), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &cli), 0);
	assert_int_equal(fake.cells[p2preach_cell(0, 1)], P2PREACH_ALLOW_RW);
	assert_int_equal(fake.cell_writes, 1);
	assert_int_equal(fake.swaps, 0);
	assert_int_equal(fake.announced, 1);
	assert_int_equal(fake.state.generation, 5);
	assert_string_equal(fake.state.source, "cli");
	/* The file applied last is still known, for status and restarts. */
	assert_string_equal(fake.state.file, "/etc/p.conf");
}

/* Both directions, and a new device: a swap, and the new name added first. */
static void test_edit_new_device_both(void **state)
{
	struct commit_source cli = { 0 };
	struct txn *t = *state;
	__u32 idx;
	struct p2preach_name key;

	two_devices(t);
	assert_int_equal(txn_edit_pair(&t->cur, "dev0", "devN", P2PREACH_ALLOW_READ, true,
				       &t->next, t->err, sizeof(t->err)), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &cli), 0);
	policy_name_key(&key, "devN");
	assert_int_equal(bpf_map_lookup_elem(3, &key, &idx), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(fake.swaps, 1);
	assert_int_equal(fake.resets, 1);	/* a new index counts afresh */
	assert_int_equal(fake.cells[p2preach_cell(0, 2)], P2PREACH_ALLOW_READ);
	assert_int_equal(fake.cells[p2preach_cell(2, 0)], P2PREACH_ALLOW_READ);
}

/* A failed write leaves the maps as they were: no new name left behind. */
static void test_failed_write_undoes(void **state)
{
	static const struct {
		bool both;
		int *fail;
	} cases[] = {
		{ false, &fake.fail_cell },	/* one cell in place */
		{ true, &fake.fail_swap },	/* a whole matrix */
	};
	struct commit_source cli = { 0 };
	struct txn *t = *state;
	static __u32 before[P2PREACH_POLICY_CELLS];
	__u32 idx;
	struct p2preach_name key;

	two_devices(t);
	memcpy(before, fake.cells, sizeof(before));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake.fail_cell = fake.fail_swap = 0;
		*cases[i].fail = ENOMEM;
		assert_int_equal(txn_edit_pair(&t->cur, "dev0", "devN", P2PREACH_ALLOW_RW,
					       cases[i].both, &t->next, t->err,
					       sizeof(t->err)), 0);
		assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &cli), -ENOMEM);
		policy_name_key(&key, "devN");
		assert_int_equal(bpf_map_lookup_elem(3, &key, &idx), -1);
		assert_int_equal(fake.nr, 2);
		assert_memory_equal(fake.cells, before, sizeof(before));
		assert_int_equal(fake.state.generation, 4);
		assert_int_equal(fake.announced, 0);
	}
}

/* A file: names that go are removed after the swap, bad entries too. */
static void test_apply_file(void **state)
{
	struct txn *t = *state;
	struct policy *p = malloc(sizeof(*p));
	struct commit_source src = { .file = "/etc/p.conf" };
	struct p2preach_name key;
	__u32 idx;

	assert_non_null(p);
	add("bad", 99);
	two_devices(t);
	assert_int_equal(policy_parse_string("device b = dev1\ndevice c = dev2\nallow b -> c\n",
					     "p.conf", p, t->err, sizeof(t->err)), 0);
	src.file_hash = p->text_hash;
	assert_int_equal(txn_apply_file(&t->cur, p, &t->next, t->err, sizeof(t->err)), 0);
	assert_int_equal(policy_commit(&maps, &t->cur, &t->next, &src), 0);
	policy_name_key(&key, "dev0");
	assert_int_equal(bpf_map_lookup_elem(3, &key, &idx), -1);
	policy_name_key(&key, "bad");
	assert_int_equal(bpf_map_lookup_elem(3, &key, &idx), -1);
	policy_name_key(&key, "dev1");
	assert_int_equal(bpf_map_lookup_elem(3, &key, &idx), 0);
	assert_int_equal(idx, 1);	/* kept its index */
	policy_name_key(&key, "dev2");
	assert_int_equal(bpf_map_lookup_elem(3, &key, &idx), 0);
	assert_int_equal(idx, 2);	/* 0 was still in use before the swap */
	assert_int_equal(fake.cells[p2preach_cell(1, 2)], P2PREACH_ALLOW_RW);
	assert_string_equal(fake.state.source, "/etc/p.conf");
	assert_string_equal(fake.state.file, "/etc/p.conf");
	assert_true(fake.state.file_hash == p->text_hash);
	assert_int_equal(fake.state.file_generation, fake.state.generation);
	assert_string_equal(fake.state.aliases[1], "b");
	assert_string_equal(fake.state.aliases[0], "");
	free(p);
}

/* The snapshot a command reads, taken by pin directory. */
static void test_snapshot_take(void **state)
{
	struct policy_snapshot *s;

	(void)state;
	add("dev0", 3);
	s = policy_snapshot_take("/sys/fs/bpf/p2preach");
	assert_non_null(s);
	assert_string_equal(s->names.name[3], "dev0");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_one_cell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_new_device_both, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_undoes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_take, setup, teardown),
	};

	return cmocka_run_group_tests_name("policy_commit", tests, NULL, NULL) ? 1 : 0;
}
