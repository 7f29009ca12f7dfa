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
#include "names.h"
#include "policy_maps.h"
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

/* Replace the example policy's map with what sysfs says now. */
int cmd_topology_fill(const struct cli *c)
{
	struct p2preach_name key, next;
	struct topo_device *devs;
	int fd, n, added = 0, err = 0;

	fd = policy_program_map("same_switch_dec", "p2p_topology");
	if (fd == -ENOENT) {
		log_err("the same_switch example policy is not loaded (bpftool struct_ops register same_switch.bpf.o DIR)");
		return fd;
	}
	if (fd < 0) {
		log_err("cannot find the same_switch policy's map: %s", strerror(-fd));
		return fd;
	}
	n = read_devices(&devs);
	if (n < 0) {
		close(fd);
		return n;
	}
	/* Devices gone from sysfs go from the map too. */
	while (!bpf_map_get_next_key(fd, NULL, &next))
		if (bpf_map_delete_elem(fd, &next))
			break;
	for (int i = 0; i < n && !err; i++) {
		if (!devs[i].upstream[0])
			continue;
		policy_name_key(&key, devs[i].name);
		if (bpf_map_update_elem(fd, &key, &devs[i].switch_id, BPF_ANY))
			err = -errno;
		else
			added++;
	}
	close(fd);
	free(devs);
	if (err) {
		log_err("cannot fill p2p_topology: %s", strerror(-err));
		return err;
	}
	if (!c->json)
		printf("%d devices behind a PCIe switch\n", added);
	return 0;
}
