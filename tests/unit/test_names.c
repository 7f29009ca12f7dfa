// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the names an admin uses (loader/names.c), over the ids of
 * the fake sysfs tree tests/unit/sysfs/good, and of the id events the
 * daemon follows (loader/uevent.c).
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

#include "names.h"
#include "uevent.h"

static struct reach_ids t;
static struct p2preach_state st;
static char name[P2PREACH_NAME_LEN], err[512];

static void alias(unsigned i, const char *a, const char *n)
{
	snprintf(st.aliases[i].alias, sizeof(st.aliases[i].alias), "%s", a);
	snprintf(st.aliases[i].name, sizeof(st.aliases[i].name), "%s", n);
}

static int setup(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	alias(0, "gpu0", "0000:3b:00.0");
	alias(1, "tile1", "0000:3b:00.0/1");
	alias(2, "gpu1", "0000:af:00.0");	/* in the policy, absent */
	alias(5, "hmm_dmirror1", "hmm_dmirror0");	/* an alias that is a name */
	alias(7, "big", "0000:5e:00.0");	/* client id past the matrix */
	return reach_ids_read("tests/unit/sysfs/good", &t);
}

static int teardown(void **state)
{
	(void)state;
	reach_ids_free(&t);
	return 0;
}

static void test_resolve(void **state)
{
	static const struct {
		const char *word, *name;
	} cases[] = {
		{ "gpu0", "0000:3b:00.0" },
		{ "tile1", "0000:3b:00.0/1" },
		/* Names need no alias; an alias wins over a name, as in the file. */
		{ "hmm_dmirror0/0", "hmm_dmirror0/0" },
		{ "hmm_dmirror1", "hmm_dmirror0" },
		/* An alias and a provider of its device, as show labels them. */
		{ "gpu0/0", "0000:3b:00.0/0" },
		/* Not for an alias of one provider: that is a name, of nothing. */
		{ "tile1/0", "tile1/0" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(names_resolve(&st, cases[i].word, name, err, sizeof(err)), 0);
		assert_string_equal(name, cases[i].name);
	}
}

static void test_resolve_bad(void **state)
{
	char long_name[P2PREACH_NAME_LEN + 1];

	(void)state;
	assert_int_equal(names_resolve(&st, "", name, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad device '' (1 to 63 characters)");
	memset(long_name, 'x', P2PREACH_NAME_LEN);
	long_name[P2PREACH_NAME_LEN] = '\0';
	assert_int_equal(names_resolve(&st, long_name, name, err, sizeof(err)), -EINVAL);
	assert_int_equal(names_resolve(&st, "gpu0/x", name, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad provider in 'gpu0/x': after '/' comes the number of one of the device's providers (0, 1, ...)");
}

static void assert_ids(const struct id_set *s, const char *want)
{
	char got[256] = "";

	for_each_id(s, id)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%u",
			 got[0] ? " " : "", id);
	assert_string_equal(got, want);
}

/* As a client a name is its device's client ids; as a provider, its memory. */
static void test_select(void **state)
{
	struct id_set s;

	(void)state;
	assert_int_equal(names_select(&st, &t, "gpu0", P2PREACH_ROLE_CLIENT, &s, err, sizeof(err)), 0);
	assert_ids(&s, "4");
	assert_int_equal(names_select(&st, &t, "gpu0", P2PREACH_ROLE_PROVIDER, &s, err, sizeof(err)), 0);
	assert_ids(&s, "5 6");
	assert_int_equal(names_select(&st, &t, "tile1", P2PREACH_ROLE_PROVIDER, &s, err, sizeof(err)), 0);
	assert_ids(&s, "6");
	assert_int_equal(names_select(&st, &t, "tile1", P2PREACH_ROLE_CLIENT, &s, err, sizeof(err)), 0);
	assert_ids(&s, "4");
	assert_int_equal(names_select(&st, &t, "hmm_dmirror1/0", P2PREACH_ROLE_PROVIDER, &s, err, sizeof(err)), 0);
	assert_ids(&s, "1");	/* the alias wins, with "/N" too */
	assert_int_equal(names_select(&st, &t, "0000:5e:00.0", P2PREACH_ROLE_PROVIDER, &s, err, sizeof(err)), 0);
	assert_ids(&s, "7");
}

static void test_select_none(void **state)
{
	static const struct {
		const char *word;
		__u32 role;
		const char *err;
	} cases[] = {
		{ "gpu7", P2PREACH_ROLE_CLIENT,
		  "unknown device 'gpu7' (not an alias of the policy, and no device of that name has ids)" },
		{ "gpu1", P2PREACH_ROLE_PROVIDER,
		  "'gpu1' (0000:af:00.0) has no ids: it is absent, or its driver does not register it" },
		{ "gpu0/2", P2PREACH_ROLE_PROVIDER,
		  "'gpu0/2' has no such provider (0000:3b:00.0/2)" },
		{ "0000:3b:00.0/2", P2PREACH_ROLE_PROVIDER,
		  "'0000:3b:00.0/2' has no such provider (0000:3b:00.0/2)" },
		{ "big", P2PREACH_ROLE_CLIENT,
		  "'big' has only ids past the matrix (ids below 64): its pairs take the default verdict" },
		{ "*", P2PREACH_ROLE_CLIENT,
		  "unknown device '*' (not an alias of the policy, and no device of that name has ids)" },
	};
	struct id_set s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = names_select(&st, &t, cases[i].word, cases[i].role, &s, err, sizeof(err));

		if (ret != -ENOENT && ret != -EINVAL)
			fail_msg("'%s': %d", cases[i].word, ret);
		assert_string_equal(err, cases[i].err);
	}
}

/* A device that only offers memory cannot be the client of a pair. */
static void test_select_no_client(void **state)
{
	struct reach_ids u;
	struct id_set s;

	(void)state;
	assert_int_equal(reach_ids_read("tests/unit/sysfs/good", &u), 0);
	reach_ids_drop(&u, 4);
	assert_int_equal(names_select(&st, &u, "gpu0", P2PREACH_ROLE_CLIENT, &s, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "'gpu0' has no client id: it does not access other devices' memory");
	reach_ids_free(&u);
}

static void test_same_device(void **state)
{
	(void)state;
	assert_true(names_same_device("0000:3b:00.0", "0000:3b:00.0/1"));
	assert_true(names_same_device("x/0", "x/1"));
	assert_false(names_same_device("hmm_dmirror0", "hmm_dmirror1"));
}

static void test_label(void **state)
{
	static const struct {
		__u32 id;
		const char *label;
	} cases[] = {
		{ 4, "gpu0" },		/* the client of an aliased device */
		{ 5, "gpu0/0" },	/* one of its providers */
		{ 6, "tile1" },		/* a provider with an alias of its own */
		{ 0, "hmm_dmirror1" },	/* hmm_dmirror0, by its clashing alias */
		{ 2, "hmm_dmirror1" },	/* no alias */
		{ 7, "big" },
	};
	char buf[P2PREACH_NAME_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		names_label(&st, &t, reach_ids_find(&t, cases[i].id), buf, sizeof(buf));
		assert_string_equal(buf, cases[i].label);
	}
}

/* The policy's devices in file order, then the rest by id, once each. */
static void test_devices(void **state)
{
	static const struct names_device want[] = {
		{ "gpu0", "0000:3b:00.0", 3 },
		{ "tile1", "0000:3b:00.0/1", 1 },
		{ "gpu1", "0000:af:00.0", 0 },
		{ "hmm_dmirror1", "hmm_dmirror0", 2 },
		{ "big", "0000:5e:00.0", 2 },
		{ "", "hmm_dmirror1", 2 },
	};
	struct names_device d[16];
	unsigned n = names_devices(&st, &t, d, 16);

	(void)state;
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < n; i++) {
		assert_string_equal(d[i].alias, want[i].alias);
		assert_string_equal(d[i].name, want[i].name);
		assert_int_equal(d[i].nr_ids, want[i].nr_ids);
	}
	/* Counted even without room. */
	assert_int_equal(names_devices(&st, &t, d, 2), n);
}

#define EV(s) s, sizeof(s)

static void test_uevent(void **state)
{
	static const struct {
		const char *buf;
		size_t len;
		bool add;
		__u32 id, role;
		const char *dev_name;
	} cases[] = {
		{ EV("add@/kernel/mm/pagemap_reach/devices/3\0ACTION=add\0"
		     "DEVPATH=/kernel/mm/pagemap_reach/devices/3\0"
		     "SUBSYSTEM=pagemap_reach\0PAGEMAP_REACH_ID=3\0"
		     "PAGEMAP_REACH_ROLE=provider\0"
		     "PAGEMAP_REACH_DEV_NAME=hmm_dmirror1\0SEQNUM=7"),
		  true, 3, P2PREACH_ROLE_PROVIDER, "hmm_dmirror1" },
		{ EV("remove@/x\0ACTION=remove\0SUBSYSTEM=pagemap_reach\0"
		     "PAGEMAP_REACH_ID=0\0PAGEMAP_REACH_ROLE=client"),
		  false, 0, P2PREACH_ROLE_CLIENT, "" },
		/* Without PAGEMAP_REACH_ID: the id at the end of the path. */
		{ EV("ACTION=add\0SUBSYSTEM=pagemap_reach\0"
		     "DEVPATH=/kernel/mm/pagemap_reach/devices/12"),
		  true, 12, P2PREACH_ROLE_NONE, "" },
	};
	struct uevent ev;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(uevent_parse(cases[i].buf, cases[i].len, &ev), 1);
		assert_int_equal(ev.add, cases[i].add);
		assert_int_equal(ev.id, cases[i].id);
		assert_int_equal(ev.role, cases[i].role);
		assert_string_equal(ev.dev_name, cases[i].dev_name);
	}
}

/* Other subsystems, other actions, bad ids, cut short: not an id event. */
static void test_uevent_ignored(void **state)
{
	struct uevent ev;

	(void)state;
	assert_int_equal(uevent_parse(EV("add@/devices/pci0000:00/0000:00:02.0\0ACTION=add\0"
					 "DEVPATH=/devices/pci0000:00/0000:00:02.0\0SUBSYSTEM=pci"), &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=change\0SUBSYSTEM=pagemap_reach\0PAGEMAP_REACH_ID=1"),
				      &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0SUBSYSTEM=pagemap_reach"), &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0SUBSYSTEM=pagemap_reach\0PAGEMAP_REACH_ID=x"),
				      &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0SUBSYSTEM=pagemap_reach\0PAGEMAP_REACH_ID=4096"),
				      &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0SUBSYSTEM=pagemap_reach\0PAGEMAP_REACH_ID=-1"),
				      &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0SUBSYSTEM=pagemap_reach\0"
					 "DEVPATH=/kernel/mm/pagemap_reach/devices/1x"), &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0SUBSYSTEM=pagemap_reach\0"
					 "DEVPATH=/kernel/mm/pagemap_reach"), &ev), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0SUBSYSTEM=pagemap_reach_x\0PAGEMAP_REACH_ID=1"),
				      &ev), 0);
	assert_int_equal(uevent_parse("ACTION=add\0SUBSYSTEM=pagemap_reach\0PAGEMAP_REACH_ID=1", 20,
				      &ev), 0);
	assert_int_equal(uevent_parse("", 0, &ev), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_bad),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_select_none),
		cmocka_unit_test(test_select_no_client),
		cmocka_unit_test(test_same_device),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_uevent),
		cmocka_unit_test(test_uevent_ignored),
	};

	return cmocka_run_group_tests_name("names", tests, setup, teardown) ? 1 : 0;
}
