// SPDX-License-Identifier: GPL-2.0
/* topology: the PCIe switches of this machine, for the same_switch example. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "commands.h"
#include "json_writer.h"
#include "log.h"
#include "policy_maps.h"
#include "topology.h"

static struct topo_device devs[TOPO_MAX];

static void print(const struct cli *c, int n)
{
	json_writer_t *jw;

	if (!c->json) {
		printf("%-14s %s\n", "DEVICE", "PCIE SWITCH (upstream port)");
		for (int i = 0; i < n; i++)
			printf("%-14s %s\n", devs[i].name,
			       devs[i].upstream[0] ? devs[i].upstream : "-");
		return;
	}
	jw = jsonw_new(stdout, c->pretty);
	jsonw_start_array(jw);
	for (int i = 0; i < n; i++) {
		jsonw_start_object(jw);
		jsonw_string_field(jw, "name", devs[i].name);
		jsonw_name(jw, "switch");
		if (devs[i].upstream[0])
			jsonw_string(jw, devs[i].upstream);
		else
			jsonw_null(jw);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
	jsonw_destroy(&jw);
}

/* Replace the example policy's map with what sysfs says now. */
static int fill(int n)
{
	struct p2preach_name key, next;
	int fd, added = 0, err = 0;

	fd = policy_program_map("same_switch_dec", "p2p_topology");
	if (fd == -ENOENT) {
		log_err("the same_switch example policy is not loaded (bpftool struct_ops register same_switch.bpf.o DIR)");
		return fd;
	}
	if (fd < 0) {
		log_err("cannot find the same_switch policy's map: %s", strerror(-fd));
		return fd;
	}
	/* Devices gone from sysfs go from the map too. */
	while (!bpf_map_get_next_key(fd, NULL, &next))
		if (bpf_map_delete_elem(fd, &next))
			break;
	for (int i = 0; i < n && !err; i++) {
		if (!devs[i].upstream[0])
			continue;
		memset(&key, 0, sizeof(key));
		memcpy(key.name, devs[i].name, sizeof(devs[i].name));
		if (bpf_map_update_elem(fd, &key, &devs[i].switch_id, BPF_ANY))
			err = -errno;
		else
			added++;
	}
	close(fd);
	if (err) {
		log_err("cannot fill p2p_topology: %s", strerror(-err));
		return err;
	}
	printf("%d devices behind a PCIe switch\n", added);
	return 0;
}

int cmd_topology(const struct cli *c)
{
	int n = topology_read("/sys", devs, TOPO_MAX);

	if (n < 0) {
		log_err("cannot read /sys/bus/pci/devices: %s", strerror(-n));
		return n;
	}
	if (c->fill)
		return fill(n);
	print(c, n);
	return 0;
}
