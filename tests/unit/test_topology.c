// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of PCI path classes from sysfs (loader/topology.c), over the
 * fake tree tests/unit/sysfs/pci: host bridge 0000:00 (NUMA node 0) with a
 * root port, a switch S1 and, below its third port, a switch S2:
 *
 *   00:01.0 - 01:00.0 (S1) - 02:00.0 - 03:00.0, 03:00.1 (one device)
 *                          - 02:01.0 - 04:00.0
 *                          - 02:02.0 - 05:00.0 (S2) - 06:00.0 - 07:00.0
 *   00:02.0 - 08:00.0;  00:1f.0 on the root bus
 *
 * and host bridges 0000:40 (node 0), 0000:80 (node 1), 0000:c0 and
 * 0001:00 (no node), one device each behind a root port.
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
#include "topology.h"

#define PCI	"tests/unit/sysfs/pci"

static struct topology t;

static int setup(void **state)
{
	(void)state;
	return topology_read(PCI, &t);
}

static int teardown(void **state)
{
	(void)state;
	topology_free(&t);
	return 0;
}

static enum topo_class class(const char *a, const char *b)
{
	return topology_class(topology_find(&t, a), topology_find(&t, b));
}

static void test_read(void **state)
{
	const struct topo_device *d;

	(void)state;
	/* Every address that resolves: not "junk", not the dangling link. */
	assert_int_equal(t.n, 23);
	assert_string_equal(t.dev[0].name, "0000:00:00.0");
	assert_string_equal(t.dev[t.n - 1].name, "0001:01:00.0");
	d = topology_find(&t, "0000:07:00.0");
	assert_non_null(d);
	assert_string_equal(d->path, "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:02.0/"
			    "0000:05:00.0/0000:06:00.0/0000:07:00.0");
	assert_int_equal(d->numa_node, 0);
	assert_int_equal(topology_find(&t, "0000:81:00.0")->numa_node, 1);
	assert_int_equal(topology_find(&t, "0000:c1:00.0")->numa_node, -1);
	assert_null(topology_find(&t, "0000:99:00.0"));
	assert_null(topology_find(&t, "junk"));
	assert_null(topology_find(&t, "hmm_dmirror0"));
}

static void test_classes(void **state)
{
	(void)state;
	/* Downstream ports of one switch; functions of one device. */
	assert_int_equal(class("0000:03:00.0", "0000:04:00.0"), TOPO_PIX);
	assert_int_equal(class("0000:04:00.0", "0000:03:00.0"), TOPO_PIX);
	assert_int_equal(class("0000:03:00.0", "0000:03:00.1"), TOPO_PIX);
	/* Through S1 and S2. */
	assert_int_equal(class("0000:03:00.0", "0000:07:00.0"), TOPO_PXB);
	assert_int_equal(class("0000:07:00.0", "0000:04:00.0"), TOPO_PXB);
	/* Two root ports, or the root bus: the host bridge. */
	assert_int_equal(class("0000:03:00.0", "0000:08:00.0"), TOPO_PHB);
	assert_int_equal(class("0000:07:00.0", "0000:08:00.0"), TOPO_PHB);
	assert_int_equal(class("0000:00:1f.0", "0000:03:00.0"), TOPO_PHB);
	/* Other host bridges: one NUMA node, or not. */
	assert_int_equal(class("0000:03:00.0", "0000:41:00.0"), TOPO_NODE);
	assert_int_equal(class("0000:03:00.0", "0000:81:00.0"), TOPO_SYS);
	assert_int_equal(class("0000:41:00.0", "0000:81:00.0"), TOPO_SYS);
	/* No node anywhere is one node; one unknown is another node. */
	assert_int_equal(class("0000:c1:00.0", "0001:01:00.0"), TOPO_NODE);
	assert_int_equal(class("0000:03:00.0", "0000:c1:00.0"), TOPO_SYS);
	/* Not PCI, or not there. */
	assert_int_equal(class("0000:03:00.0", "hmm_dmirror0"), TOPO_UNKNOWN);
	assert_int_equal(class("0000:99:00.0", "0000:03:00.0"), TOPO_UNKNOWN);
	assert_int_equal(topology_class(NULL, NULL), TOPO_UNKNOWN);
}

/* The same, read with the ids and named as the admin names devices. */
static void test_by_name(void **state)
{
	struct reach_ids ids;

	(void)state;
	assert_int_equal(reach_ids_read(PCI, &ids), 0);
	assert_int_equal(ids.pci.n, 23);
	assert_int_equal(reach_ids_class(&ids, "0000:03:00.0/0", "0000:04:00.0"), TOPO_PIX);
	assert_int_equal(reach_ids_class(&ids, "0000:03:00.0", "0000:81:00.0/1"), TOPO_SYS);
	assert_int_equal(reach_ids_class(&ids, "hmm_dmirror0", "0000:04:00.0"), TOPO_UNKNOWN);
	assert_int_equal(reach_ids_class(&ids, "0000:03:00.0/x", "0000:04:00.0"), TOPO_UNKNOWN);
	reach_ids_free(&ids);
	/* The ids alone, for an edit: the same ids, no walk of the PCI bus. */
	assert_int_equal(reach_ids_read_ids(PCI, &ids), 0);
	assert_int_equal(ids.pci.n, 0);
	assert_true(ids.n > 0);
	assert_int_equal(reach_ids_class(&ids, "0000:03:00.0/0", "0000:04:00.0"), TOPO_UNKNOWN);
	reach_ids_free(&ids);
	/* A tree without a PCI bus: no classes, no error. */
	assert_int_equal(reach_ids_read("tests/unit/sysfs/good", &ids), 0);
	assert_int_equal(ids.pci.n, 0);
	assert_int_equal(reach_ids_class(&ids, "0000:3b:00.0", "0000:5e:00.0"), TOPO_UNKNOWN);
	reach_ids_free(&ids);
}

static void test_names(void **state)
{
	static const char *const names[] = { "—", "PIX", "PXB", "PHB", "NODE", "SYS" };

	(void)state;
	for (int c = 0; c < TOPO_NR_CLASSES; c++) {
		assert_string_equal(topology_class_name(c), names[c]);
		if (c != TOPO_UNKNOWN)
			assert_int_equal(topology_class_parse(names[c]), c);
	}
	assert_string_equal(topology_class_name(TOPO_NR_CLASSES), "—");
	assert_int_equal(topology_class_parse("pxb"), -1);
	assert_int_equal(topology_class_parse("—"), -1);
	assert_int_equal(topology_class_parse("NV1"), -1);
	assert_int_equal(topology_class_parse(""), -1);
	/* Closer first: "up to" compares them. */
	assert_true(TOPO_PIX < TOPO_PXB && TOPO_PXB < TOPO_PHB &&
		    TOPO_PHB < TOPO_NODE && TOPO_NODE < TOPO_SYS);
}

static void test_empty(void **state)
{
	struct topology none;

	(void)state;
	assert_int_equal(topology_read("/nonexistent", &none), 0);
	assert_int_equal(none.n, 0);
	assert_null(topology_find(&none, "0000:03:00.0"));
	topology_free(&none);
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
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_pci_id),
	};

	return cmocka_run_group_tests_name("topology", tests, setup, teardown) ? 1 : 0;
}
