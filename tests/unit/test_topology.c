// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the PCIe switch topology from sysfs (loader/topology.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"

static char sysfs[64];
static struct topo_device devs[TOPO_MAX];

static void sh(const char *fmt, const char *arg)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, sysfs, arg, sysfs, arg);
	assert_int_equal(system(cmd), 0);
}

/* A device at path under devices/, linked from bus/pci/devices. */
static void pci(const char *path)
{
	const char *name = strrchr(path, '/') + 1;
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/devices/%s && ln -s ../../../devices/%s %s/bus/pci/devices/%s",
		 sysfs, path, path, sysfs, name);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(sysfs, "/tmp/p2preach-topo-XXXXXX");
	if (!mkdtemp(sysfs))
		return -1;
	sh("mkdir -p %s/bus/pci/devices%s", "");
	/*
	 * Root bus device, root port, a switch with two GPUs, a GPU on a root
	 * port, and a switch behind that switch with a third GPU.
	 */
	pci("pci0000:00/0000:00:00.0");
	pci("pci0000:00/0000:00:01.0");
	pci("pci0000:00/0000:00:01.0/0000:01:00.0");
	pci("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0");
	pci("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0");
	pci("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0/0000:03:00.0");
	pci("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:04:00.0");
	pci("pci0000:00/0000:00:02.0");
	pci("pci0000:00/0000:00:02.0/0000:05:00.0");
	pci("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:04:00.0/0000:06:00.0");
	pci("pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:04:00.0/0000:06:00.0/0000:07:00.0");
	/* Not PCI addresses: ignored. */
	sh("mkdir -p %s/bus/pci/devices/%sjunk", "");
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sysfs);
	return system(cmd);
}

static const struct topo_device *find(int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(devs[i].name, name))
			return &devs[i];
	fail_msg("%s not found", name);
	return NULL;
}

static void test_switch(void **state)
{
	int n;

	(void)state;
	n = topology_read(sysfs, devs, TOPO_MAX);
	assert_int_equal(n, 11);
	/* Sorted by name. */
	assert_string_equal(devs[0].name, "0000:00:00.0");
	assert_string_equal(devs[10].name, "0000:07:00.0");
	/* Nested: 04:00.0 is the inner switch's upstream port. */
	assert_string_equal(find(n, "0000:07:00.0")->upstream, "0000:04:00.0");
	/* Both GPUs and the downstream ports' children share the switch. */
	assert_string_equal(find(n, "0000:03:00.0")->upstream, "0000:01:00.0");
	assert_string_equal(find(n, "0000:04:00.0")->upstream, "0000:01:00.0");
	assert_int_equal(find(n, "0000:03:00.0")->switch_id, 0x0100);
	assert_int_equal(find(n, "0000:03:00.0")->switch_id,
			 find(n, "0000:04:00.0")->switch_id);
	/* On a root port or the root bus: behind no switch. */
	assert_string_equal(find(n, "0000:05:00.0")->upstream, "");
	assert_string_equal(find(n, "0000:00:01.0")->upstream, "");
	assert_string_equal(find(n, "0000:01:00.0")->upstream, "");
	/* The switch's own downstream ports are not behind it. */
	assert_string_equal(find(n, "0000:02:00.0")->upstream, "");
	assert_string_equal(find(n, "0000:02:01.0")->upstream, "");
}

static void test_limits(void **state)
{
	(void)state;
	assert_int_equal(topology_read(sysfs, devs, 3), 3);
	assert_int_equal(topology_read("/nonexistent", devs, TOPO_MAX), -ENOENT);
}

static void test_pci_id(void **state)
{
	(void)state;
	assert_int_equal(topology_pci_id("0000:3b:00.0"), 0x3b00);
	assert_int_equal(topology_pci_id("0001:5e:1f.7"), 0x15eff);
	assert_int_equal(topology_pci_id("hmm_dmirror0"), -1);
	assert_int_equal(topology_pci_id("0000:3b:00.0x"), -1);
	assert_int_equal(topology_pci_id("0000:3b:20.0"), -1);
	assert_int_equal(topology_pci_id("0000:3b:00.8"), -1);
	assert_int_equal(topology_pci_id("pci0000:00"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_pci_id),
	};

	return cmocka_run_group_tests_name("topology", tests, setup, teardown) ? 1 : 0;
}
