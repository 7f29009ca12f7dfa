// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "apply.h"
#include "attach.h"
#include "log.h"
#include "pins.h"
#include "policy_maps.h"
#include "p2preach.skel.h"

/* Map id of a struct_ops link; 0 once the link is detached. */
static int link_map_id(int fd, __u32 *link_id, __u32 *map_id)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_link_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_LINK_TYPE_STRUCT_OPS)
		return -EINVAL;
	*link_id = info.id;
	*map_id = info.struct_ops.map_id;
	return 0;
}

/*
 * Remove every pin, the link first: without it, what is left is not a
 * policy in force. Returns how many there were.
 */
static int unpin_all(const char *pin_dir)
{
	char path[4096];
	int found = 0;

	for (size_t i = 0; i <= nr_pinned_maps + 1; i++) {
		if (pin_path(path, sizeof(path), pin_dir,
			     i == 0 ? PIN_LINK : i <= nr_pinned_maps ?
			     pinned_maps[i - 1].pin : PIN_MATRIX))
			continue;
		if (!unlink(path))
			found++;
		else if (errno != ENOENT)
			log_err("cannot remove %s: %s", path, strerror(errno));
	}
	/* What a swap interrupted between pin and rename left; a helper. */
	if (!pin_path(path, sizeof(path), pin_dir, PIN_MATRIX_NEW))
		unlink(path);
	if (!pin_path(path, sizeof(path), pin_dir, PIN_CHANGED))
		unlink(path);
	return found;
}

static bool live_link(const char *pin_dir)
{
	__u32 link_id, map_id = 0;
	char path[4096];
	int fd;

	pin_path(path, sizeof(path), pin_dir, PIN_LINK);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	if (link_map_id(fd, &link_id, &map_id))
		map_id = 0;
	close(fd);
	return map_id != 0;
}

/*
 * libbpf pins the maps as it creates them (a pin path per map, from the
 * table); the link is pinned last, so that a complete set of pins is a
 * policy in force. The paths are set here rather than with
 * LIBBPF_PIN_BY_NAME in the object: that would make plain `bpftool
 * struct_ops register` pin (and later reuse) maps under /sys/fs/bpf too.
 */
static int set_pin(struct p2preach_bpf *skel, const char *pin_dir,
		   const char *map_name, const char *pin)
{
	struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, map_name);
	char path[4096];
	int err;

	err = map ? pin_path(path, sizeof(path), pin_dir, pin) : -ENOENT;
	if (!err)
		err = bpf_map__set_pin_path(map, path);
	if (err)
		log_err("cannot pin map %s under %s: %s", map_name, pin_dir,
			strerror(-err));
	return err;
}

/*
 * The policy object loaded, its maps pinned under dir as they are
 * created; not attached. On failure nothing is left pinned there.
 */
static int load_maps(const char *dir, struct p2preach_bpf **out)
{
	struct p2preach_bpf *skel;
	int err;

	*out = NULL;
	skel = p2preach_bpf__open();
	if (!skel) {
		err = -errno;
		log_err("cannot open the policy object: %s", strerror(errno));
		return err;
	}
	for (size_t i = 0; i < nr_pinned_maps; i++) {
		err = set_pin(skel, dir, pinned_maps[i].map, pinned_maps[i].pin);
		if (err)
			goto fail;
	}
	/* The first matrix; each swap pins its successor (policy_maps.c). */
	err = set_pin(skel, dir, MATRIX_MAP, PIN_MATRIX);
	if (err)
		goto fail;
	err = p2preach_bpf__load(skel);
	if (err) {
		log_err("cannot load the policy: %s", strerror(-err));
		unpin_all(dir);
		goto fail;
	}
	*out = skel;
	return 0;
fail:
	p2preach_bpf__destroy(skel);
	return err;
}

static int load_and_pin(const char *pin_dir)
{
	struct p2preach_bpf *skel;
	struct bpf_link *link = NULL;
	char path[4096];
	int err;

	err = load_maps(pin_dir, &skel);
	if (err)
		return err;
	link = bpf_map__attach_struct_ops(skel->maps.p2preach);
	if (!link) {
		err = -errno;
		log_err("cannot attach the policy: %s%s", strerror(errno),
			errno == EEXIST || errno == EBUSY ?
			" (another policy is attached)" : "");
		goto unpin;
	}
	err = pin_path(path, sizeof(path), pin_dir, PIN_LINK);
	if (!err)
		err = bpf_link__pin(link, path);
	if (err) {
		log_err("cannot pin %s: %s", path, strerror(-err));
		goto unpin;
	}
	goto out;
unpin:
	unpin_all(pin_dir);
out:
	/* The pins hold the link and maps; our references go. */
	bpf_link__destroy(link);
	p2preach_bpf__destroy(skel);
	return err;
}

int policy_attach_or_adopt(const char *pin_dir, bool *adopted)
{
	int err;

	*adopted = false;
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		err = -errno;

		log_err("cannot create %s: %s", pin_dir, strerror(errno));
		return err;
	}
	err = pins_check_bpffs(pin_dir);
	if (err)
		return err;
	if (live_link(pin_dir)) {
		struct policy_maps m;

		/* Another build's: quietly, the caller puts this one in its place. */
		err = policy_maps_open_build(&m, pin_dir);
		if (err)
			return err;
		policy_maps_close(&m);
		*adopted = true;
		return 0;
	}
	/* Leftovers of a detached policy or an interrupted load. */
	unpin_all(pin_dir);
	return load_and_pin(pin_dir);
}

int policy_replace(const char *pin_dir, const char *file, const struct policy *p)
{
	char next[4096], from[4096], to[4096];
	struct bpf_link *link = NULL;
	struct p2preach_bpf *skel;
	int err;

	if ((size_t)snprintf(next, sizeof(next), "%s-next", pin_dir) >= sizeof(next))
		return -ENAMETOOLONG;
	/* What an interrupted replacement left: libbpf would reuse those maps. */
	unpin_all(next);
	if (mkdir(next, 0700) && errno != EEXIST) {
		err = -errno;
		log_err("cannot create %s: %s", next, strerror(errno));
		return err;
	}
	err = load_maps(next, &skel);
	if (err)
		goto out;
	/* The file's verdicts are in the new maps before any decision reads them. */
	err = apply_policy(next, file, p);
	if (!err)
		err = pin_path(from, sizeof(from), pin_dir, PIN_LINK);
	if (!err) {
		/* libbpf fills the struct_ops map's value, then updates the link. */
		link = bpf_link__open(from);
		err = link ? bpf_link__update_map(link, skel->maps.p2preach) : -errno;
		if (err)
			log_err("cannot put this build's policy in place of the one pinned under %s: %s",
				pin_dir, strerror(-err));
	}
	if (err) {
		unpin_all(next);
		goto destroy;
	}
	/*
	 * The link runs this build's policy now. A pin that fails to move
	 * leaves that of the other build, and the next open says so again.
	 */
	for (size_t i = 0; i <= nr_pinned_maps; i++) {
		const char *pin = i < nr_pinned_maps ? pinned_maps[i].pin : PIN_MATRIX;

		if (pin_path(from, sizeof(from), next, pin) || pin_path(to, sizeof(to), pin_dir, pin))
			continue;
		if (rename(from, to) && !err) {
			err = -errno;
			log_err("cannot move %s to %s: %s", from, to, strerror(errno));
		}
	}
	unpin_all(next);
destroy:
	/* Opened from its pin, the link is only closed: the pin holds it. */
	bpf_link__destroy(link);
	p2preach_bpf__destroy(skel);
out:
	rmdir(next);
	return err;
}

int policy_detach(const char *pin_dir)
{
	char path[4096];
	int fd, found = 0;

	/* Detach explicitly: dropping the pin alone releases the link later. */
	pin_path(path, sizeof(path), pin_dir, PIN_LINK);
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		if (bpf_link_detach(fd) && errno != ENOLINK)
			log_err("cannot detach %s: %s", path, strerror(errno));
		close(fd);
	}
	found = unpin_all(pin_dir);
	/* Only when empty; the lock is elsewhere, so nobody waits on it. */
	rmdir(pin_dir);
	if (!found) {
		log_err("nothing is pinned under %s", pin_dir);
		return -ENOENT;
	}
	return 0;
}

static void map_name(__u32 id, char *buf, size_t len)
{
	struct bpf_map_info mi;
	int fd = policy_map_info(id, &mi);

	if (fd < 0)
		return;
	snprintf(buf, len, "%s", mi.name);
	close(fd);
}

/* A p2preach struct_ops map that some link (not ours) keeps attached. */
static bool loaded_elsewhere(struct link_status *st)
{
	struct bpf_map_info mi;
	__u32 id = 0;
	bool found = false;
	int fd;

	while (!found && !bpf_map_get_next_id(id, &id)) {
		fd = policy_map_info(id, &mi);
		if (fd < 0)
			continue;
		close(fd);
		found = mi.type == BPF_MAP_TYPE_STRUCT_OPS && !strcmp(mi.name, "p2preach");
	}
	if (found)
		snprintf(st->policy, sizeof(st->policy), "%s", mi.name);
	return found;
}

int policy_link_status(const char *pin_dir, struct link_status *st)
{
	__u32 map_id = 0;
	char path[4096];
	int fd, err;

	memset(st, 0, sizeof(*st));
	pin_path(path, sizeof(path), pin_dir, PIN_LINK);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM) {
			err = -errno;
			log_err("cannot open %s: %s (needs root)", path, strerror(errno));
			return err;
		}
		st->attached = loaded_elsewhere(st);
		return 0;
	}
	st->pinned = true;
	err = link_map_id(fd, &st->link_id, &map_id);
	close(fd);
	if (err)
		return err;
	st->attached = map_id != 0;
	if (map_id)
		map_name(map_id, st->policy, sizeof(st->policy));
	return 0;
}
