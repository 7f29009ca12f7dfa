// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the rule resolver (loader/policy_rules.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include "p2preach.h"
#include "policy_file.h"
#include "policy_rules.h"

#define N P2PREACH_MAX_DEVICES
#define D P2PREACH_DENY
#define R P2PREACH_ALLOW_READ
#define W P2PREACH_ALLOW_RW

static struct policy pol;
static __u32 m[P2PREACH_POLICY_CELLS], saved[P2PREACH_POLICY_CELLS];
#define M(c, p) m[p2preach_cell(c, p)]

#define DEVICES4					\
	"device gpu0 = 0000:3b:00.0\n"			\
	"device gpu1 = 0000:5e:00.0\n"			\
	"device gpu2 = 0000:86:00.0\n"			\
	"device gpu3 = 0000:af:00.0\n"

/* Parse text and resolve it into m; both must succeed. */
#define resolve(text) do {						\
	char err_[256] = "";						\
	assert_int_equal(policy_parse_string(text, "t.conf", &pol,	\
					     err_, sizeof(err_)), 0);	\
	memset(m, 0xff, sizeof(m));					\
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), 0);			\
} while (0)

/* The 4x4 corner of m for the declared devices, row by row. */
#define assert_matrix4(...) do {					\
	static const __u32 want_[4][4] = { __VA_ARGS__ };		\
	for (int c_ = 0; c_ < 4; c_++)					\
		for (int p_ = 0; p_ < 4; p_++)				\
			if (M(c_, p_) != want_[c_][p_])			\
				fail_msg("m[%d][%d] = %u, want %u",	\
					 c_, p_, M(c_, p_),		\
					 want_[c_][p_]);		\
} while (0)

/* Every cell outside the first nr x nr block holds v. */
static void assert_rest(unsigned nr, __u32 v)
{
	for (unsigned c = 0; c < N; c++)
		for (unsigned p = 0; p < N; p++)
			if ((c >= nr || p >= nr) && M(c, p) != v)
				fail_msg("m[%u][%u] = %u, want %u",
					 c, p, M(c, p), v);
}

static void test_default_fills_everything(void **state)
{
	static const char *const text[] = {
		"", "default deny\n", "default read\n", "default rw\n",
	};
	static const __u32 want[] = { D, D, R, W };

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		resolve(text[i]);
		assert_rest(0, want[i]);
	}
	resolve(DEVICES4 "default read\n");
	assert_matrix4({ R, R, R, R }, { R, R, R, R },
		       { R, R, R, R }, { R, R, R, R });
	assert_rest(4, R);
}

/*
 * Files and the 4x4 corner of the matrix they resolve to, row by row (a
 * row's device accessing a column's); rest: what every other cell holds,
 * when the case says.
 */
static const struct {
	const char *what, *text;
	__u32 want[4][4];
	int rest;	/* a verdict, or -1 */
} matrices[] = {
	{ "one direction", DEVICES4 "allow gpu0 -> gpu1\n",
	  { { D, W, D, D }, { D, D, D, D }, { D, D, D, D }, { D, D, D, D } }, D },
	{ "both directions", DEVICES4 "allow gpu1 <-> gpu2 read\ndeny gpu0 <-> gpu3\n"
	  "default rw\n",
	  { { W, W, W, D }, { W, W, R, W }, { W, R, W, W }, { D, W, W, W } }, -1 },
	{ "read vs rw", DEVICES4
	  "allow gpu0 -> gpu1 read\n"
	  "allow gpu0 -> gpu2 rw\n"
	  "allow gpu0 -> gpu3\n"
	  "allow gpu1 -> gpu0 read\n",
	  { { D, R, W, W }, { R, D, D, D }, { D, D, D, D }, { D, D, D, D } }, -1 },
	{ "deny over default", DEVICES4 "default rw\ndeny gpu2 -> gpu1\n",
	  { { W, W, W, W }, { W, W, W, W }, { W, D, W, W }, { W, W, W, W } }, W },
	{ "last match wins", DEVICES4 "allow * -> gpu1\ndeny gpu0 -> gpu1\n",
	  { { D, D, D, D }, { D, D, D, D }, { D, W, D, D }, { D, W, D, D } }, -1 },
	{ "last match wins", DEVICES4 "deny gpu0 -> gpu1\nallow * -> gpu1 read\n",
	  { { D, R, D, D }, { D, D, D, D }, { D, R, D, D }, { D, R, D, D } }, -1 },
	{ "last match wins", DEVICES4
	  "allow gpu0 <-> gpu1\n"
	  "allow gpu0 -> gpu1 read\n"
	  "deny gpu1 -> gpu0\n"
	  "allow gpu1 -> gpu0 read\n"
	  "allow gpu0 -> gpu1\n",
	  { { D, W, D, D }, { R, D, D, D }, { D, D, D, D }, { D, D, D, D } }, -1 },
	{ "wildcard client", DEVICES4 "allow * -> gpu2 read\n",
	  { { D, D, R, D }, { D, D, R, D }, { D, D, D, D }, { D, D, R, D } }, D },
	{ "wildcard provider", DEVICES4 "default rw\ndeny gpu3 -> *\n",
	  { { W, W, W, W }, { W, W, W, W }, { W, W, W, W }, { D, D, D, W } }, W },
	{ "wildcard both sides", DEVICES4 "allow * -> * read\n",
	  { { D, R, R, R }, { R, D, R, R }, { R, R, D, R }, { R, R, R, D } }, D },
	{ "wildcard both directions", DEVICES4 "allow * <-> gpu1 read\n",
	  { { D, R, D, D }, { R, D, R, R }, { D, R, D, D }, { D, R, D, D } }, -1 },
	{ "wildcard includes later devices", "device gpu0 = 0000:3b:00.0\n"
	  "allow gpu0 -> * read\n"
	  "device gpu1 = 0000:5e:00.0\n"
	  "device gpu2 = 0000:86:00.0\n"
	  "device gpu3 = 0000:af:00.0\n",
	  { { D, R, R, R }, { D, D, D, D }, { D, D, D, D }, { D, D, D, D } }, -1 },
	{ "diagonal keeps default", DEVICES4 "allow * <-> * rw\nallow gpu1 -> gpu1 read\n",
	  { { D, W, W, W }, { W, D, W, W }, { W, W, D, W }, { W, W, W, D } }, -1 },
	{ "diagonal keeps default", DEVICES4 "default read\ndeny * -> *\ndeny gpu2 -> gpu2\n",
	  { { R, D, D, D }, { D, R, D, D }, { D, D, R, D }, { D, D, D, R } }, R },
};

static void test_matrices(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(matrices) / sizeof(matrices[0]); i++) {
		resolve(matrices[i].text);
		for (int c = 0; c < 4; c++)
			for (int p = 0; p < 4; p++)
				if (M(c, p) != matrices[i].want[c][p])
					fail_msg("%s: m[%d][%d] = %u, want %u",
						 matrices[i].what, c, p, M(c, p),
						 matrices[i].want[c][p]);
		if (matrices[i].rest >= 0)
			assert_rest(4, matrices[i].rest);
	}
}

static void test_raw_names_resolve_like_aliases(void **state)
{
	static __u32 by_alias[P2PREACH_POLICY_CELLS];

	(void)state;
	resolve(DEVICES4 "allow gpu0 -> gpu3 read\nallow gpu2 <-> gpu1\n");
	memcpy(by_alias, m, sizeof(m));
	resolve(DEVICES4 "allow 0000:3b:00.0 -> 0000:af:00.0 read\n"
		"allow gpu2 <-> 0000:5e:00.0\n");
	assert_memory_equal(m, by_alias, sizeof(m));
}

/* Index i is the i-th device line, whatever the aliases say. */
static void test_declaration_order(void **state)
{
	(void)state;
	resolve("device z = dev_z\ndevice a = dev_a\nallow a -> z read\n");
	assert_int_equal(policy_device_count(&pol), 2);
	assert_string_equal(policy_device_alias(&pol, 0), "z");
	assert_string_equal(policy_device_alias(&pol, 1), "a");
	assert_int_equal(M(1, 0), R);
	assert_int_equal(M(0, 1), D);
}

static void test_design_example(void **state)
{
	(void)state;
	resolve("# /etc/p2preach/policy.conf\n"
		DEVICES4
		"allow gpu0 -> gpu1          # read-write\n"
		"allow gpu0 <-> gpu2 read    # both directions, read-only\n"
		"deny  * -> gpu3\n"
		"default deny\n");
	assert_matrix4({ D, W, R, D }, { D, D, D, D },
		       { R, D, D, D }, { D, D, D, D });
	assert_rest(4, D);
}

static void test_all_64_devices(void **state)
{
	char line[64];
	size_t len = 0;
	char *text = calloc(N * sizeof(line) + 64, 1);

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < N; i++) {
		snprintf(line, sizeof(line), "device d%d = dev%d\n", i, i);
		strcpy(text + len, line);
		len += strlen(line);
	}
	strcpy(text + len, "allow * -> * read\nallow d63 <-> d0\n");
	resolve(text);
	for (unsigned c = 0; c < N; c++)
		for (unsigned p = 0; p < N; p++) {
			__u32 want = c == p ? D :
				(c == 0 && p == 63) || (c == 63 && p == 0) ?
				W : R;

			if (M(c, p) != want)
				fail_msg("m[%u][%u] = %u, want %u",
					 c, p, M(c, p), want);
		}
	free(text);
}

/* struct policy is public: hand-made nonsense must not index out of m. */
static void test_resolve_rejects_invalid(void **state)
{
	(void)state;
	resolve(DEVICES4 "allow gpu0 -> gpu1\n");
	memset(m, 0x5a, sizeof(m));
	memcpy(saved, m, sizeof(m));

	pol.rules[0].provider = 4;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	pol.rules[0].provider = POLICY_ANY - 1;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	pol.rules[0].provider = 1;
	pol.rules[0].client = 7;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	pol.rules[0].client = 0;
	pol.rules[0].verdict = P2PREACH_NR_VERDICTS;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	pol.rules[0].verdict = W;
	pol.default_verdict = 3;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	pol.default_verdict = D;
	pol.rules[0].level = TOPO_NR_CLASSES;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	pol.rules[0].level = TOPO_UNKNOWN;
	pol.nr_devices = N + 1;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	pol.nr_devices = 4;
	pol.nr_rules = POLICY_MAX_RULES + 1;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), -EINVAL);
	assert_int_equal(policy_resolve(NULL, NULL, m, NULL), -EINVAL);
	assert_int_equal(policy_resolve(&pol, NULL, NULL, NULL), -EINVAL);
	assert_memory_equal(m, saved, sizeof(m));

	pol.nr_rules = 1;
	assert_int_equal(policy_resolve(&pol, NULL, m, NULL), 0);
	assert_int_equal(M(0, 1), W);
}

static void test_device_getters(void **state)
{
	(void)state;
	resolve("device gpu0 = 0000:3b:00.0\ndevice mirror = hmm_dmirror0\n");
	assert_int_equal(policy_device_count(&pol), 2);
	assert_string_equal(policy_device_alias(&pol, 0), "gpu0");
	assert_string_equal(policy_device_name(&pol, 0), "0000:3b:00.0");
	assert_string_equal(policy_device_alias(&pol, 1), "mirror");
	assert_string_equal(policy_device_name(&pol, 1), "hmm_dmirror0");
	assert_null(policy_device_alias(&pol, 2));
	assert_null(policy_device_name(&pol, 2));
	assert_null(policy_device_alias(&pol, N));
	assert_null(policy_device_name(&pol, -1u));
}

static void test_device_lookup(void **state)
{
	(void)state;
	resolve("device gpu0 = 0000:3b:00.0\ndevice mirror = hmm_dmirror0\n"
		"device self = self\n");
	assert_int_equal(policy_device_lookup(&pol, "gpu0"), 0);
	assert_int_equal(policy_device_lookup(&pol, "0000:3b:00.0"), 0);
	assert_int_equal(policy_device_lookup(&pol, "mirror"), 1);
	assert_int_equal(policy_device_lookup(&pol, "hmm_dmirror0"), 1);
	assert_int_equal(policy_device_lookup(&pol, "self"), 2);
	assert_int_equal(policy_device_lookup(&pol, "gpu1"), -ENOENT);
	assert_int_equal(policy_device_lookup(&pol, "*"), -ENOENT);
	assert_int_equal(policy_device_lookup(&pol, ""), -ENOENT);
}

/* With ids, rules land in the rows and columns of the devices, nowhere else. */
static void test_resolve_into_ids(void **state)
{
	static struct policy_ids ids[4];

	(void)state;
	/* gpu0: client 7, provider 2; gpu1: client 40, providers 3 and 9; */
	id_set_add(&ids[0].clients, 7);
	id_set_add(&ids[0].providers, 2);
	id_set_add(&ids[1].clients, 40);
	id_set_add(&ids[1].providers, 3);
	id_set_add(&ids[1].providers, 9);
	/* gpu2: client 5, no memory; gpu3: absent. */
	id_set_add(&ids[2].clients, 5);
	for (int i = 0; i < 4; i++)
		ids[i].device = i;
	resolve(DEVICES4 "default read\n");
	assert_int_equal(policy_resolve(&pol, ids, m, NULL), 0);
	assert_int_equal(m[P2PREACH_DEFAULT_CELL], R);
	resolve(DEVICES4 "allow gpu0 -> gpu1\ndeny gpu2 <-> gpu3\nallow gpu2 -> * read\n"
		"allow * -> gpu3\n");
	assert_int_equal(policy_resolve(&pol, ids, m, NULL), 0);
	for (unsigned c = 0; c < N; c++) {
		for (unsigned p = 0; p < N; p++) {
			__u32 want = D;

			if (c == 7 && (p == 3 || p == 9))
				want = W;
			else if (c == 5 && (p == 2 || p == 3 || p == 9))
				want = R;
			if (M(c, p) != want)
				fail_msg("m[%u][%u] = %u, want %u", c, p, M(c, p), want);
		}
	}
	/* Two names of one device: their pairs are not peer accesses. */
	ids[1].device = 0;
	assert_int_equal(policy_resolve(&pol, ids, m, NULL), 0);
	assert_int_equal(M(7, 3), D);
}

/* A device's lines share the first of them, wherever they stand. */
static void test_ids_of_device_lines(void **state)
{
	static struct policy_ids ids[5];
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read("tests/unit/sysfs/good", &t), 0);
	resolve("device m1 = hmm_dmirror1\n"
		"device tile1 = 0000:3b:00.0/1\n"
		"device m0 = hmm_dmirror0\n"
		"device gpu0 = 0000:3b:00.0\n"
		"device tile0 = 0000:3b:00.0/0\n"
		"allow m0 -> gpu0\n");
	assert_int_equal(policy_ids_of(&pol, &t, ids), 0);
	assert_int_equal(ids[0].device, 0);
	assert_int_equal(ids[1].device, 1);
	assert_int_equal(ids[2].device, 2);
	assert_int_equal(ids[3].device, 1);
	assert_int_equal(ids[4].device, 1);
	reach_ids_free(&t);
}

/* The ids of a file's devices, from the fake sysfs tree. */
static void test_ids_of(void **state)
{
	static struct policy_ids ids[5];
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read("tests/unit/sysfs/good", &t), 0);
	resolve("device gpu0 = 0000:3b:00.0\n"
		"device tile1 = 0000:3b:00.0/1\n"
		"device m0 = hmm_dmirror0\n"
		"device gone = 0000:af:00.0\n"
		"device big = 0000:5e:00.0\n"
		"allow m0 -> gpu0\nallow m0 -> tile1 read\nallow tile1 -> m0\n"
		"allow big -> gpu0\nallow gone <-> *\n");
	assert_int_equal(policy_ids_of(&pol, &t, ids), 0);
	assert_int_equal(ids[0].device, 0);
	assert_int_equal(ids[1].device, 0);	/* the same device as gpu0 */
	assert_int_equal(ids[2].device, 2);
	assert_true(id_set_has(&ids[0].clients, 4));
	assert_true(id_set_has(&ids[0].providers, 5) && id_set_has(&ids[0].providers, 6));
	assert_true(id_set_has(&ids[1].clients, 4));	/* "name/N" accesses as its device */
	assert_false(id_set_has(&ids[1].providers, 5));
	assert_true(id_set_has(&ids[1].providers, 6));
	assert_true(id_set_empty(&ids[3].clients) && id_set_empty(&ids[3].providers));
	assert_true(id_set_empty(&ids[4].clients));	/* id 70: past the matrix */
	assert_true(id_set_has(&ids[4].providers, 7));
	assert_int_equal(policy_resolve(&pol, ids, m, NULL), 0);
	assert_int_equal(M(0, 5), W);
	assert_int_equal(M(0, 6), R);	/* the later rule, for tile1 only */
	assert_int_equal(M(4, 1), W);
	assert_int_equal(M(0, 7), D);
	reach_ids_free(&t);
}

/*
 * Levels over the fake PCI tree (test_topology.c): a (03:00.0) and b
 * (04:00.0) behind one switch, c (07:00.0) behind a second one below it,
 * d (08:00.0) on another root port, m a test_hmm device.
 */
#define PCI_DEVICES					\
	"device a = 0000:03:00.0\n"			\
	"device b = 0000:04:00.0\n"			\
	"device c = 0000:07:00.0\n"			\
	"device d = 0000:08:00.0\n"			\
	"device m = hmm_dmirror0\n"

static void test_levels(void **state)
{
	static struct policy_ids ids[5];
	static __u32 lines[P2PREACH_POLICY_CELLS];
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read("tests/unit/sysfs/pci", &t), 0);
	resolve(PCI_DEVICES
		"allow * -> * up to PXB\n"
		"allow d -> * up to PHB read\n"
		"default deny\n");
	policy_ids_of(&pol, &t, ids);
	assert_non_null(ids[0].pci);
	assert_null(ids[4].pci);
	assert_int_equal(policy_resolve(&pol, ids, m, lines), 0);
	/* Ids: a client 0, provider 1; b 2, 3; c provider 7; d client 4; m 5, 6. */
	assert_int_equal(M(0, 3), W);	/* PIX */
	assert_int_equal(M(2, 1), W);
	assert_int_equal(M(0, 7), W);	/* PXB */
	assert_int_equal(M(2, 7), W);
	assert_int_equal(M(4, 1), R);	/* PHB: d's own rule */
	assert_int_equal(M(4, 7), R);
	assert_int_equal(M(5, 1), D);	/* not PCI: no level covers it */
	assert_int_equal(M(0, 6), D);
	assert_int_equal(lines[p2preach_cell(0, 3)], 6);
	assert_int_equal(lines[p2preach_cell(4, 1)], 7);
	assert_int_equal(lines[p2preach_cell(5, 1)], 0);
	assert_int_equal(pol.default_line, 8);

	/* Closer levels cover fewer pairs; a later pair rule still wins. */
	resolve(PCI_DEVICES "allow * -> * up to PIX\ndeny a -> b\nallow m -> a read\n");
	assert_int_equal(policy_resolve(&pol, ids, m, lines), 0);
	assert_int_equal(M(0, 3), D);
	assert_int_equal(lines[p2preach_cell(0, 3)], 7);
	assert_int_equal(M(2, 1), W);
	assert_int_equal(M(0, 7), D);
	assert_int_equal(M(5, 1), R);
	resolve(PCI_DEVICES "allow * <-> * up to SYS\n");
	assert_int_equal(policy_resolve(&pol, ids, m, NULL), 0);
	assert_int_equal(M(4, 7), W);
	assert_int_equal(M(0, 6), D);

	/* Without ids there are no paths: a level covers nothing. */
	resolve(PCI_DEVICES "allow * -> * up to SYS\n");
	assert_rest(0, D);
	reach_ids_free(&t);
}

/* check's view: a column per line, a row per device. */
static void test_ids_by_line(void **state)
{
	static struct policy_ids ids[4];
	struct reach_ids t;

	(void)state;
	assert_int_equal(reach_ids_read("tests/unit/sysfs/pci", &t), 0);
	resolve("device gpu3 = 0000:af:00.0\n"
		"device gpu0 = 0000:03:00.0\n"
		"device tile1 = 0000:af:00.0/1\n"
		"device near = 0000:04:00.0\n"
		"allow gpu0 -> tile1 read\n"
		"deny * -> gpu3\n"
		"allow tile1 -> gpu0\n"
		"allow * -> * up to PIX\n");
	assert_int_equal(policy_ids_by_line(&pol, &t, ids), 0);
	assert_int_equal(ids[2].device, 0);
	assert_true(id_set_has(&ids[2].clients, 0));	/* tile1 accesses as gpu3 */
	assert_true(id_set_has(&ids[0].providers, 0) && id_set_has(&ids[0].providers, 2));
	assert_false(id_set_has(&ids[2].providers, 0));
	assert_null(ids[0].pci);			/* not in this tree */
	assert_non_null(ids[1].pci);
	assert_int_equal(policy_resolve(&pol, ids, m, NULL), 0);
	assert_int_equal(M(1, 2), D);	/* gpu3's deny came later: tile1 too */
	assert_int_equal(M(0, 1), W);	/* the row of gpu3, from tile1's rule */
	assert_int_equal(M(1, 3), W);	/* PIX */
	assert_int_equal(M(3, 1), W);
	assert_int_equal(M(1, 0), D);
	reach_ids_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_fills_everything),
		cmocka_unit_test(test_matrices),
		cmocka_unit_test(test_raw_names_resolve_like_aliases),
		cmocka_unit_test(test_declaration_order),
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_all_64_devices),
		cmocka_unit_test(test_resolve_rejects_invalid),
		cmocka_unit_test(test_resolve_into_ids),
		cmocka_unit_test(test_ids_of),
		cmocka_unit_test(test_ids_of_device_lines),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_ids_by_line),
		cmocka_unit_test(test_device_getters),
		cmocka_unit_test(test_device_lookup),
	};

	/* The count of failures could wrap to 0 as an exit status. */
	return cmocka_run_group_tests_name("policy_rules", tests, NULL, NULL)
		? 1 : 0;
}
