// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "p2preach.h"
#include "policy_maps.h"

/* Map names as the kernel stores them (BPF_OBJ_NAME_LEN - 1 chars). */
static const struct {
	const char *pin;
	const char *name;
	size_t off;
} map_table[] = {
	{ "devices", "p2p_devices", offsetof(struct policy_maps, devices) },
	{ "matrix", "p2p_matrix", offsetof(struct policy_maps, matrix) },
	{ "config", "p2p_config", offsetof(struct policy_maps, config) },
	{ "stats", "p2p_stats", offsetof(struct policy_maps, stats) },
};

#define N_MAPS (sizeof(map_table) / sizeof(map_table[0]))

static int *slot(struct policy_maps *m, size_t i)
{
	return (int *)((char *)m + map_table[i].off);
}

static int open_pinned(struct policy_maps *m, const char *pin_dir)
{
	char path[4096];
	size_t i;

	for (i = 0; i < N_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir, map_table[i].pin);
		*slot(m, i) = bpf_obj_get(path);
		if (*slot(m, i) < 0)
			return -errno;
	}
	return 0;
}

/* The maps used by the one loaded struct_ops program named p2preach_decide. */
static int open_from_program(struct policy_maps *m)
{
	__u32 id = 0, prog_id = 0, map_ids[16];
	struct bpf_prog_info info;
	__u32 len;
	int found = 0, fd, err;
	size_t i, j;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		err = bpf_prog_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (err || info.type != BPF_PROG_TYPE_STRUCT_OPS ||
		    strcmp(info.name, "p2preach_decide"))
			continue;
		found++;
		prog_id = id;
	}
	if (found == 0) {
		fprintf(stderr, "p2preach: no p2preach policy is loaded\n");
		return -ENOENT;
	}
	if (found > 1) {
		fprintf(stderr, "p2preach: %d p2preach policies are loaded; pin one under %s\n",
			found, P2PREACH_PIN_DIR);
		return -EEXIST;
	}

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (__u64)(unsigned long)map_ids;
	len = sizeof(info);
	err = bpf_prog_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return -errno;

	for (j = 0; j < info.nr_map_ids && j < 16; j++) {
		struct bpf_map_info mi;
		__u32 mlen = sizeof(mi);

		fd = bpf_map_get_fd_by_id(map_ids[j]);
		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (bpf_map_get_info_by_fd(fd, &mi, &mlen)) {
			close(fd);
			continue;
		}
		for (i = 0; i < N_MAPS; i++) {
			if (*slot(m, i) < 0 && !strcmp(mi.name, map_table[i].name)) {
				*slot(m, i) = fd;
				fd = -1;
				break;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < N_MAPS; i++) {
		if (*slot(m, i) < 0) {
			fprintf(stderr, "p2preach: the loaded policy has no map %s\n",
				map_table[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

int policy_maps_open(struct policy_maps *m, const char *pin_dir)
{
	int err;

	m->devices = m->matrix = m->config = m->stats = -1;
	err = open_pinned(m, pin_dir);
	if (!err)
		return 0;
	policy_maps_close(m);
	if (err != -ENOENT) {
		fprintf(stderr, "p2preach: cannot open maps in %s: %s\n",
			pin_dir, strerror(-err));
		return err;
	}
	err = open_from_program(m);
	if (err)
		policy_maps_close(m);
	return err;
}

void policy_maps_close(struct policy_maps *m)
{
	size_t i;

	for (i = 0; i < N_MAPS; i++) {
		if (*slot(m, i) >= 0)
			close(*slot(m, i));
		*slot(m, i) = -1;
	}
}

int policy_device_index(const struct policy_maps *m, const char *name,
			bool create, __u32 *index)
{
	struct p2preach_name key, next;
	bool used[P2PREACH_MAX_DEVICES] = { false };
	__u32 i, v;
	void *prev = NULL;

	if (!*name || strlen(name) >= sizeof(key.name)) {
		fprintf(stderr, "p2preach: bad device name '%s'\n", name);
		return -EINVAL;
	}
	memset(&key, 0, sizeof(key));
	strcpy(key.name, name);
	if (!bpf_map_lookup_elem(m->devices, &key, index))
		return 0;
	if (!create)
		return -ENOENT;

	while (!bpf_map_get_next_key(m->devices, prev, &next)) {
		if (!bpf_map_lookup_elem(m->devices, &next, &v) &&
		    v < P2PREACH_MAX_DEVICES)
			used[v] = true;
		prev = &next;
	}
	memset(&key, 0, sizeof(key));
	strcpy(key.name, name);
	for (i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		if (used[i])
			continue;
		if (bpf_map_update_elem(m->devices, &key, &i, BPF_NOEXIST))
			return -errno;
		*index = i;
		return 0;
	}
	fprintf(stderr, "p2preach: no room for device %s (at most %d devices)\n",
		name, P2PREACH_MAX_DEVICES);
	return -ENOSPC;
}

int policy_set_verdict(const struct policy_maps *m, __u32 client,
		       __u32 provider, __u32 verdict)
{
	__u32 cell = p2preach_cell(client, provider);

	if (client >= P2PREACH_MAX_DEVICES || provider >= P2PREACH_MAX_DEVICES ||
	    verdict >= P2PREACH_NR_VERDICTS)
		return -EINVAL;
	if (bpf_map_update_elem(m->matrix, &cell, &verdict, BPF_ANY))
		return -errno;
	return 0;
}

int policy_get_verdict(const struct policy_maps *m, __u32 client,
		       __u32 provider, __u32 *verdict)
{
	__u32 cell = p2preach_cell(client, provider);

	if (client >= P2PREACH_MAX_DEVICES || provider >= P2PREACH_MAX_DEVICES)
		return -EINVAL;
	if (bpf_map_lookup_elem(m->matrix, &cell, verdict))
		return -errno;
	return 0;
}

static const char *const verdict_names[P2PREACH_NR_VERDICTS] = {
	[P2PREACH_DENY] = "deny",
	[P2PREACH_ALLOW_READ] = "read",
	[P2PREACH_ALLOW_RW] = "rw",
};

int policy_parse_verdict(const char *s)
{
	int i;

	for (i = 0; i < P2PREACH_NR_VERDICTS; i++)
		if (!strcmp(s, verdict_names[i]))
			return i;
	return -1;
}

const char *policy_verdict_name(__u32 verdict)
{
	return verdict < P2PREACH_NR_VERDICTS ? verdict_names[verdict] : "invalid";
}
