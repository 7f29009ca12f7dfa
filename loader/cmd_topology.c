// SPDX-License-Identifier: GPL-2.0
/* topology: the PCIe switches of this machine, for the same_switch example. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "commands.h"
#include "cli.h"
#include "json_out.h"
#include "log.h"
#include "policy_maps.h"
#include "reach_ids.h"
#include "topology.h"

/* Every PCI device of sysfs, in a buffer the caller frees; count or -errno. */
static int read_devices(struct topo_device **devs)
{
	int n;

	*devs = calloc(TOPO_MAX, sizeof(**devs));
	if (!*devs)
		return -ENOMEM;
	n = topology_read("/sys", *devs, TOPO_MAX);
	if (n < 0) {
		log_err("cannot read /sys/bus/pci/devices: %s", strerror(-n));
		free(*devs);
		*devs = NULL;
	}
	return n;
}

int cmd_topology_show(const struct cli *c)
{
	struct topo_device *devs;
	struct json_object *doc;
	int n = read_devices(&devs);

	if (n < 0)
		return n;
	if (!c->json) {
		printf("%-14s %s\n", "DEVICE", "PCIE SWITCH (upstream port)");
		for (int i = 0; i < n; i++)
			printf("%-14s %s\n", devs[i].name,
			       devs[i].upstream[0] ? devs[i].upstream : "-");
		free(devs);
		return 0;
	}
	doc = json_object_new_array();
	for (int i = 0; i < n; i++) {
		struct json_object *d = json_object_new_object();

		json_add_string(d, "name", devs[i].name);
		json_add_string(d, "switch", devs[i].upstream[0] ? devs[i].upstream : NULL);
		json_object_array_add(doc, d);
	}
	free(devs);
	return json_out_print(stdout, doc, c->pretty);
}

/* The switch of each id's device, by id; how many ids have one. */
static int switches_of(const struct topo_device *devs, int n, const struct reach_ids *t,
		       __u32 *sw, unsigned *nr_devices)
{
	int ids = 0;

	*nr_devices = 0;
	for (int i = 0; i < n; i++) {
		bool counted = false;

		if (!devs[i].upstream[0])
			continue;
		for (unsigned j = 0; j < t->n; j++) {
			if (strcmp(t->id[j].dev_name, devs[i].name))
				continue;
			sw[t->id[j].id] = devs[i].switch_id;
			ids++;
			*nr_devices += !counted;
			counted = true;
		}
	}
	return ids;
}

/* Replace the example policy's map with what sysfs says now. */
int cmd_topology_fill(const struct cli *c)
{
	struct topo_device *devs;
	struct reach_ids t;
	unsigned nr_devices;
	__u32 *sw = calloc(P2PREACH_MAX_IDS, sizeof(*sw));
	int fd, n, ids, err = 0;

	if (!sw)
		return -ENOMEM;
	fd = policy_program_map("same_switch_dec", "p2p_topology");
	if (fd == -ENOENT)
		log_err("the same_switch example policy is not loaded (bpftool struct_ops register same_switch.bpf.o DIR)");
	else if (fd < 0)
		log_err("cannot find the same_switch policy's map: %s", strerror(-fd));
	if (fd < 0) {
		free(sw);
		return fd;
	}
	n = read_devices(&devs);
	if (n < 0 || reach_ids_load(REACH_SYSFS, &t)) {
		close(fd);
		free(sw);
		if (n >= 0)
			free(devs);
		return n < 0 ? n : -ENOMEM;
	}
	ids = switches_of(devs, n, &t, sw, &nr_devices);
	/* Every id: those gone from sysfs go back to no switch. */
	for (__u32 id = 0; id < P2PREACH_MAX_IDS && !err; id++)
		if (bpf_map_update_elem(fd, &id, &sw[id], BPF_ANY))
			err = -errno;
	close(fd);
	free(devs);
	free(sw);
	reach_ids_free(&t);
	if (err) {
		log_err("cannot fill p2p_topology: %s", strerror(-err));
		return err;
	}
	if (!c->json)
		printf("%d ids of %u devices behind a PCIe switch\n", ids, nr_devices);
	return 0;
}
