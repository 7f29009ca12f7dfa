// SPDX-License-Identifier: GPL-2.0
/* Open the policy's maps and read or change them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "id_set.h"
#include "log.h"
#include "policy_maps.h"

static int *slot(struct policy_maps *m, size_t i)
{
	return (int *)((char *)m + pinned_maps[i].fd_offset);
}

static int open_pinned(struct policy_maps *m, const char *pin_dir)
{
	char path[4096];
	size_t i;

	for (i = 0; i < nr_pinned_maps; i++) {
		if (pin_path(path, sizeof(path), pin_dir, pinned_maps[i].pin))
			return -ENAMETOOLONG;
		*slot(m, i) = bpf_obj_get(path);
		if (*slot(m, i) < 0)
			return -errno;
	}
	m->pin_dir = pin_dir;
	return 0;
}

/* The id of the one loaded struct_ops program of that name. */
static int find_program_named(const char *prog_name, __u32 *prog_id)
{
	struct bpf_prog_info info;
	__u32 id = 0, len;
	int found = 0, fd, err;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		err = bpf_prog_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (err || info.type != BPF_PROG_TYPE_STRUCT_OPS ||
		    strcmp(info.name, prog_name))
			continue;
		found++;
		*prog_id = id;
	}
	if (found > 1)
		return -EEXIST;
	return found ? 0 : -ENOENT;
}

static int find_program(__u32 *prog_id)
{
	int err = find_program_named("p2preach_decide", prog_id);

	if (err == -ENOENT)
		log_err("no p2preach policy is loaded");
	else if (err == -EEXIST)
		log_err("several p2preach policies are loaded; pin one under %s",
			P2PREACH_PIN_DIR);
	return err;
}

/* A policy object has a handful of maps; more are not ours to look at. */
#define MAX_PROG_MAPS 16

/* The ids of the maps a program uses: their number, or -errno. */
static int program_map_ids(__u32 prog_id, __u32 ids[MAX_PROG_MAPS])
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd, err;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = (__u64)(unsigned long)ids;
	err = bpf_prog_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return err;
	return info.nr_map_ids < MAX_PROG_MAPS ? (int)info.nr_map_ids : MAX_PROG_MAPS;
}

int policy_map_info(__u32 id, struct bpf_map_info *mi)
{
	__u32 len = sizeof(*mi);
	int fd = bpf_map_get_fd_by_id(id);

	if (fd < 0)
		return -errno;
	memset(mi, 0, sizeof(*mi));
	if (bpf_map_get_info_by_fd(fd, mi, &len)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* An fd of map id, with its name copied to name; -1 when it is gone. */
static int open_map_id(__u32 id, char name[BPF_OBJ_NAME_LEN])
{
	struct bpf_map_info mi;
	int fd = policy_map_info(id, &mi);

	if (fd < 0)
		return -1;
	memcpy(name, mi.name, BPF_OBJ_NAME_LEN);
	return fd;
}

int policy_program_map(const char *prog_name, const char *map_name)
{
	__u32 prog_id, ids[MAX_PROG_MAPS];
	char name[BPF_OBJ_NAME_LEN];
	int n, fd, err;

	err = find_program_named(prog_name, &prog_id);
	if (err)
		return err;
	n = program_map_ids(prog_id, ids);
	for (int j = 0; j < n; j++) {
		fd = open_map_id(ids[j], name);
		if (fd >= 0 && !strcmp(name, map_name))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return n < 0 ? n : -ENOENT;
}

/* The maps used by the loaded program, matched by name. */
static int open_from_program(struct policy_maps *m)
{
	__u32 prog_id, ids[MAX_PROG_MAPS];
	char name[BPF_OBJ_NAME_LEN];
	int n, fd, err;
	size_t i;

	err = find_program(&prog_id);
	if (err)
		return err;
	n = program_map_ids(prog_id, ids);
	if (n < 0)
		return n;
	for (int j = 0; j < n; j++) {
		fd = open_map_id(ids[j], name);
		for (i = 0; fd >= 0 && i < nr_pinned_maps; i++) {
			if (*slot(m, i) < 0 && !strcmp(name, pinned_maps[i].map)) {
				*slot(m, i) = fd;
				fd = -1;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	for (i = 0; i < nr_pinned_maps; i++) {
		if (*slot(m, i) < 0 && !pinned_maps[i].optional) {
			log_err("the loaded policy has no map %s",
				pinned_maps[i].map);
			return -ENOENT;
		}
	}
	return 0;
}

/* A descriptor of the matrix now in slot 0. */
static int current_matrix(const struct policy_maps *m)
{
	__u32 zero = 0, id;
	int fd;

	if (bpf_map_lookup_elem(m->policy, &zero, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

/*
 * The maps are laid out as this build lays them out: a policy loaded by
 * another build (another version, or room for another number of ids) is
 * left as it runs, and said so, rather than read or written wrongly.
 */
static int check_layout(const struct policy_maps *m, bool quiet)
{
	struct bpf_map_info mi;
	__u32 len = sizeof(mi);
	char why[128];
	int fd;

	memset(&mi, 0, sizeof(mi));
	if (m->state < 0) {
		/* Registered with bpftool, which makes no state: the matrix says. */
	} else if (bpf_map_get_info_by_fd(m->state, &mi, &len)) {
		return 0;
	} else if (mi.value_size != sizeof(struct p2preach_state)) {
		snprintf(why, sizeof(why), "its p2p_state holds %u bytes, this build's %zu",
			 mi.value_size, sizeof(struct p2preach_state));
		goto other;
	}
	fd = current_matrix(m);
	if (fd < 0)
		return 0;	/* the reads that follow say why */
	len = sizeof(mi);
	memset(&mi, 0, sizeof(mi));
	if (bpf_map_get_info_by_fd(fd, &mi, &len) || mi.max_entries == P2PREACH_POLICY_CELLS) {
		close(fd);
		return 0;
	}
	close(fd);
	snprintf(why, sizeof(why), "its matrix holds %u cells, this build's %d",
		 mi.max_entries, P2PREACH_POLICY_CELLS);
other:
	if (quiet)
		return -EPROTO;
	if (m->pin_dir)
		log_err("the policy pinned under %s was loaded by another build of p2preach (%s): `p2preach load FILE` or the daemon puts this build's in its place",
			m->pin_dir, why);
	else
		log_err("the loaded policy comes from another build of p2preach (%s): detach it and load this build's",
			why);
	return -EPROTO;
}

static int maps_open(struct policy_maps *m, const char *pin_dir, bool quiet)
{
	int err;

	m->policy = m->stats = m->state = -1;
	m->pin_dir = NULL;
	err = open_pinned(m, pin_dir);
	if (!err)
		err = check_layout(m, quiet);
	if (!err)
		return 0;
	policy_maps_close(m);
	if (err == -EPROTO)
		return err;
	if (err == -EACCES || err == -EPERM) {
		log_err("cannot open the policy under %s: %s (needs root)",
			pin_dir, strerror(-err));
		return err;
	}
	if (err != -ENOENT) {
		log_err("cannot open maps in %s: %s",
			pin_dir, strerror(-err));
		return err;
	}
	err = open_from_program(m);
	if (!err)
		err = check_layout(m, quiet);
	if (err)
		policy_maps_close(m);
	return err;
}

int policy_maps_open(struct policy_maps *m, const char *pin_dir)
{
	return maps_open(m, pin_dir, false);
}

int policy_maps_open_build(struct policy_maps *m, const char *pin_dir)
{
	return maps_open(m, pin_dir, true);
}

void policy_maps_close(struct policy_maps *m)
{
	for (size_t i = 0; i < nr_pinned_maps; i++) {
		if (*slot(m, i) >= 0)
			close(*slot(m, i));
		*slot(m, i) = -1;
	}
}

/*
 * Every index of the matrix: the keys of the batch call below, which reads
 * the whole matrix in one system call instead of one per cell.
 */
static __u32 *matrix_keys(void)
{
	__u32 *keys = malloc(sizeof(*keys) * P2PREACH_POLICY_CELLS);

	for (__u32 i = 0; keys && i < P2PREACH_POLICY_CELLS; i++)
		keys[i] = i;
	return keys;
}

int policy_read_matrix(const struct policy_maps *m,
		       __u32 cells[P2PREACH_POLICY_CELLS])
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 count = P2PREACH_POLICY_CELLS, next;
	__u32 *keys = matrix_keys();
	int fd, err;

	if (!keys)
		return -ENOMEM;
	fd = current_matrix(m);
	if (fd < 0) {
		free(keys);
		return fd;
	}
	/* -ENOENT: the walk reached the end of the array, as it should. */
	err = bpf_map_lookup_batch(fd, NULL, &next, keys, cells, &count, &opts);
	if ((!err || err == -ENOENT) && count != P2PREACH_POLICY_CELLS)
		err = -EIO;
	else if (err == -ENOENT)
		err = 0;
	close(fd);
	free(keys);
	return err;
}

/*
 * Pin fd as the matrix in force: beside the old pin, then over it, so a
 * reader finds one or the other (bpffs refuses names with a dot). Only a
 * convenience for bpftool: warn.
 */
static void repin_matrix(const struct policy_maps *m, int fd)
{
	char path[4096], tmp[4096];

	if (pin_path(path, sizeof(path), m->pin_dir, PIN_MATRIX) ||
	    pin_path(tmp, sizeof(tmp), m->pin_dir, PIN_MATRIX_NEW))
		return;
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp) || rename(tmp, path)) {
		log_warn("cannot pin the new matrix at %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/* Cells per block that the loops below skip at once when all are deny. */
#define BLOCK	1024

static bool all_deny(const __u32 *cells, __u32 n)
{
	static const __u32 zero[BLOCK];

	return !memcmp(cells, zero, sizeof(*cells) * n);
}

/*
 * The non-deny cells as keys and values (NULL: only count them); their
 * number. Blocks of deny, most of a matrix, are skipped with memcmp().
 */
static __u32 gather(const __u32 cells[P2PREACH_POLICY_CELLS], __u32 *keys, __u32 *vals)
{
	__u32 n = 0;

	for (__u32 b = 0; b < P2PREACH_POLICY_CELLS; b += BLOCK) {
		__u32 end = b + BLOCK < P2PREACH_POLICY_CELLS ? b + BLOCK : P2PREACH_POLICY_CELLS;

		if (all_deny(&cells[b], end - b))
			continue;
		for (__u32 i = b; i < end; i++) {
			if (cells[i] == P2PREACH_DENY)
				continue;
			if (keys) {
				keys[n] = i;
				vals[n] = cells[i];
			}
			n++;
		}
	}
	return n;
}

/*
 * The kernel zeroes a new array: write only the cells that are not deny,
 * in one system call.
 */
static int write_sparse(int fd, const __u32 cells[P2PREACH_POLICY_CELLS])
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 n = gather(cells, NULL, NULL), count = n, *keys, *vals;
	int err = 0;

	if (!n)
		return 0;
	keys = malloc(sizeof(*keys) * n);
	vals = malloc(sizeof(*vals) * n);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	gather(cells, keys, vals);
	err = bpf_map_update_batch(fd, keys, vals, &count, &opts);
	if (!err && count != n)
		err = -EIO;
out:
	free(keys);
	free(vals);
	return err;
}

int policy_swap_matrix(const struct policy_maps *m,
		       const __u32 cells[P2PREACH_POLICY_CELLS])
{
	__u32 zero = 0;
	int fd, err;

	/* Same shape as the map the object declares, or the slot refuses it. */
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, MATRIX_MAP, sizeof(__u32),
			    sizeof(__u32), P2PREACH_POLICY_CELLS, NULL);
	if (fd < 0)
		return -errno;
	err = write_sparse(fd, cells);
	if (!err && bpf_map_update_elem(m->policy, &zero, &fd, BPF_ANY))
		err = -errno;
	if (!err && m->pin_dir)
		repin_matrix(m, fd);
	close(fd);
	return err;
}

int policy_get_cells(const struct policy_maps *m, const __u32 *cell,
		     __u32 *verdict, unsigned n)
{
	int fd, err = 0;

	for (unsigned i = 0; i < n; i++)
		if (cell[i] >= P2PREACH_POLICY_CELLS)
			return -EINVAL;
	fd = current_matrix(m);
	if (fd < 0)
		return fd;
	for (unsigned i = 0; !err && i < n; i++)
		if (bpf_map_lookup_elem(fd, &cell[i], &verdict[i]))
			err = -errno;
	close(fd);
	return err;
}

int policy_set_cell(const struct policy_maps *m, __u32 cell, __u32 verdict)
{
	int fd, err = 0;

	if (cell >= P2PREACH_POLICY_CELLS || verdict >= P2PREACH_NR_VERDICTS)
		return -EINVAL;
	fd = current_matrix(m);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &cell, &verdict, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

int policy_set_verdict(const struct policy_maps *m, __u32 client,
		       __u32 provider, __u32 verdict)
{
	if (client >= P2PREACH_MAX_DEVICES || provider >= P2PREACH_MAX_DEVICES)
		return -EINVAL;
	return policy_set_cell(m, p2preach_cell(client, provider), verdict);
}

int policy_read_state(const struct policy_maps *m, struct p2preach_state *st)
{
	__u32 zero = 0;

	memset(st, 0, sizeof(*st));
	if (m->state < 0)
		return 0;
	return bpf_map_lookup_elem(m->state, &zero, st) ? -errno : 0;
}

int policy_write_state(const struct policy_maps *m,
		       const struct p2preach_state *st)
{
	__u32 zero = 0;

	if (m->state < 0)
		return 0;
	return bpf_map_update_elem(m->state, &zero, st, BPF_ANY) ? -errno : 0;
}

/* Sorted, as the stats listing wants them. */
static int by_cell(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

int policy_stats_cells(const struct policy_maps *m, __u32 *cells, unsigned max)
{
	__u32 key, *prev = NULL;
	unsigned n = 0, k = 0;

	while (n < max && !bpf_map_get_next_key(m->stats, prev, &key)) {
		cells[n] = key;
		prev = &cells[n++];
	}
	if (n < max && errno != ENOENT)
		return -errno;
	qsort(cells, n, sizeof(*cells), by_cell);
	/* A walk that meets a deleted key starts over: drop the repeats. */
	for (unsigned i = 0; i < n; i++)
		if (!k || cells[i] != cells[k - 1])
			cells[k++] = cells[i];
	return k;
}

int policy_reset_stats(const struct policy_maps *m, const struct id_set *ids)
{
	__u32 *cells = malloc(sizeof(*cells) * P2PREACH_STATS_ENTRIES);
	int n, err = 0;

	if (!cells)
		return -ENOMEM;
	n = policy_stats_cells(m, cells, P2PREACH_STATS_ENTRIES);
	for (int i = 0; i < n; i++) {
		__u32 c = cells[i] / P2PREACH_MAX_DEVICES, p = cells[i] % P2PREACH_MAX_DEVICES;

		if (cells[i] >= P2PREACH_MATRIX_CELLS ||
		    (!id_set_has(ids, c) && !id_set_has(ids, p)))
			continue;
		if (bpf_map_delete_elem(m->stats, &cells[i]) && errno != ENOENT)
			err = -errno;
	}
	free(cells);
	return n < 0 ? n : err;
}

int policy_read_stats(const struct policy_maps *m, __u32 cell,
		      struct p2preach_pair_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct p2preach_pair_stats *per;

	memset(sum, 0, sizeof(*sum));
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m->stats, &cell, per)) {
		int err = errno == ENOENT ? 0 : -errno;

		free(per);
		return err;
	}
	for (int c = 0; c < ncpu; c++) {
		for (int v = 0; v < P2PREACH_NR_VERDICTS; v++)
			sum->verdicts[v] += per[c].verdicts[v];
		sum->invalid += per[c].invalid;
	}
	free(per);
	return 0;
}
