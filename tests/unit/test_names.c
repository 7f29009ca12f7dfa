// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of name resolution on the command line (loader/names.c) and of
 * device events (loader/uevent.c), against a fake sysfs tree.
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
#include <sys/stat.h>
#include <unistd.h>

#include "names.h"
#include "uevent.h"

static char sysfs[64];
static struct name_table t;
static char name[P2PREACH_NAME_LEN], err[512];

static void mkdirs(const char *rel)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", sysfs, rel);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(sysfs, "/tmp/p2preach-sysfs-XXXXXX");
	if (!mkdtemp(sysfs))
		return -1;
	mkdirs("bus/pci/devices/0000:3b:00.0");
	mkdirs("class/drm/card0");
	mkdirs("devices/hmm_dmirror0");
	mkdirs("devices/virtual/misc/fake0");
	memset(&t, 0, sizeof(t));
	strcpy(t.alias[0], "gpu0");
	strcpy(t.name[0], "0000:3b:00.0");
	strcpy(t.alias[3], "gpu1");
	strcpy(t.name[3], "0000:5e:00.0");	/* in the policy, not present */
	strcpy(t.name[5], "hmm_dmirror1");	/* no alias */
	strcpy(t.alias[7], "hmm_dmirror1");	/* an alias clashing with a name */
	strcpy(t.name[7], "0000:86:00.0");
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sysfs);
	return system(cmd);
}

static void test_alias(void **state)
{
	(void)state;
	assert_int_equal(names_resolve(&t, "gpu0", sysfs, name, err, sizeof(err)), 0);
	assert_string_equal(name, "0000:3b:00.0");
	assert_int_equal(names_resolve(&t, "gpu1", sysfs, name, err, sizeof(err)), 3);
	assert_string_equal(name, "0000:5e:00.0");
}

static void test_dev_name_in_policy(void **state)
{
	(void)state;
	assert_int_equal(names_resolve(&t, "0000:5e:00.0", sysfs, name, err, sizeof(err)), 3);
	assert_string_equal(name, "0000:5e:00.0");
}

static void test_alias_wins_over_name(void **state)
{
	(void)state;
	/* As in the policy file: an alias is looked up before a dev_name. */
	assert_int_equal(names_resolve(&t, "hmm_dmirror1", sysfs, name, err, sizeof(err)), 7);
	assert_string_equal(name, "0000:86:00.0");
}

static void test_new_present_device(void **state)
{
	(void)state;
	assert_int_equal(names_resolve(&t, "card0", sysfs, name, err, sizeof(err)), NAMES_NEW);
	assert_string_equal(name, "card0");
	assert_int_equal(names_resolve(&t, "hmm_dmirror0", sysfs, name, err, sizeof(err)), NAMES_NEW);
	assert_int_equal(names_resolve(&t, "fake0", sysfs, name, err, sizeof(err)), NAMES_NEW);
}

static void test_err_unknown(void **state)
{
	char want[512];

	(void)state;
	assert_int_equal(names_resolve(&t, "gpu9", sysfs, name, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want),
		 "unknown device 'gpu9' (not an alias or device of the policy, and no such device in %s)",
		 sysfs);
	assert_string_equal(err, want);
	/* Path and glob characters never match a sysfs entry. */
	assert_int_equal(names_resolve(&t, "*", sysfs, name, err, sizeof(err)), -ENOENT);
	assert_int_equal(names_resolve(&t, "../devices", sysfs, name, err, sizeof(err)), -ENOENT);
	assert_int_equal(names_resolve(&t, "..", sysfs, name, err, sizeof(err)), -ENOENT);
}

static void test_err_length(void **state)
{
	char long_name[P2PREACH_NAME_LEN + 1];

	(void)state;
	assert_int_equal(names_resolve(&t, "", sysfs, name, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad device '' (1 to 63 characters)");
	memset(long_name, 'x', P2PREACH_NAME_LEN);
	long_name[P2PREACH_NAME_LEN] = '\0';
	assert_int_equal(names_resolve(&t, long_name, sysfs, name, err, sizeof(err)), -EINVAL);
}

static void test_free_slot_alias_ignored(void **state)
{
	struct name_table u;

	(void)state;
	memset(&u, 0, sizeof(u));
	strcpy(u.alias[2], "stale");	/* alias of a slot with no device */
	assert_int_equal(names_resolve(&u, "stale", sysfs, name, err, sizeof(err)), -ENOENT);
}

static void test_label(void **state)
{
	(void)state;
	assert_string_equal(names_label(&t, 0), "gpu0");
	assert_string_equal(names_label(&t, 5), "hmm_dmirror1");
	assert_string_equal(names_label(&t, 999), "");
}

#define EV(s) s, sizeof(s)

static void test_uevent(void **state)
{
	char action[32], dev[64];

	(void)state;
	assert_int_equal(uevent_parse(EV("add@/devices/pci0000:00/0000:00:02.0\0ACTION=add\0"
					 "DEVPATH=/devices/pci0000:00/0000:00:02.0\0SUBSYSTEM=pci\0SEQNUM=7"),
				      action, sizeof(action), dev, sizeof(dev)), 1);
	assert_string_equal(action, "add");
	assert_string_equal(dev, "0000:00:02.0");
	assert_int_equal(uevent_parse(EV("remove@/devices/x\0ACTION=remove\0DEVPATH=/devices/x"),
				      action, sizeof(action), dev, sizeof(dev)), 1);
	assert_string_equal(action, "remove");
	assert_string_equal(dev, "x");
	/* Not a device event, or cut short: ignored. */
	assert_int_equal(uevent_parse(EV("add@/x\0ACTION=add"), action, sizeof(action),
				      dev, sizeof(dev)), 0);
	assert_int_equal(uevent_parse("ACTION=add\0DEVPATH=/devices/x", 20, action,
				      sizeof(action), dev, sizeof(dev)), 0);
	assert_int_equal(uevent_parse(EV("ACTION=add\0DEVPATH=/devices/"), action,
				      sizeof(action), dev, sizeof(dev)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_dev_name_in_policy),
		cmocka_unit_test(test_alias_wins_over_name),
		cmocka_unit_test(test_new_present_device),
		cmocka_unit_test(test_err_unknown),
		cmocka_unit_test(test_err_length),
		cmocka_unit_test(test_free_slot_alias_ignored),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_uevent),
	};

	return cmocka_run_group_tests_name("names", tests, setup, teardown) ? 1 : 0;
}
