// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach: load the peer access policy and edit it.
 *
 *   p2preach [--pin-dir DIR] load
 *   p2preach [--pin-dir DIR] allow CLIENT PROVIDER [read|rw]
 *   p2preach [--pin-dir DIR] deny CLIENT PROVIDER
 *   p2preach [--pin-dir DIR] show
 *   p2preach [--pin-dir DIR] detach
 *
 * CLIENT and PROVIDER are dev_name()s; "allow A B" lets A access memory that
 * lives in B.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "p2preach.h"
#include "p2preach.skel.h"
#include "policy_maps.h"

static const char *pin_dir = P2PREACH_PIN_DIR;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: p2preach [--pin-dir DIR] COMMAND\n"
		"  load                            load and attach the policy, pin it\n"
		"  allow CLIENT PROVIDER [read|rw] let CLIENT access PROVIDER's memory\n"
		"  deny CLIENT PROVIDER            deny it\n"
		"  show                            list devices and allowed pairs\n"
		"  detach                          detach the policy, drop the pins\n");
}

static int need_root(void)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, "p2preach: changing the policy needs root\n");
	return -EPERM;
}

static int pin_path(char *buf, size_t len, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s", pin_dir, name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int cmd_load(void)
{
	static const char *const names[] = { "devices", "matrix", "config", "stats" };
	struct bpf_map *maps[4];
	struct p2preach_bpf *skel;
	struct bpf_link *link;
	char path[4096];
	int err, i;

	if ((err = need_root()))
		return err;
	pin_path(path, sizeof(path), "link");
	if (!access(path, F_OK)) {
		fprintf(stderr, "p2preach: a policy is already pinned at %s\n", path);
		return -EEXIST;
	}
	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		fprintf(stderr, "p2preach: cannot create %s: %s\n", pin_dir, strerror(errno));
		return err;
	}

	skel = p2preach_bpf__open_and_load();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "p2preach: cannot load the policy: %s\n", strerror(errno));
		return err;
	}
	maps[0] = skel->maps.p2p_devices;
	maps[1] = skel->maps.p2p_matrix;
	maps[2] = skel->maps.p2p_config;
	maps[3] = skel->maps.p2p_stats;

	link = bpf_map__attach_struct_ops(skel->maps.p2preach);
	if (!link) {
		err = -errno;
		fprintf(stderr, "p2preach: cannot attach the policy: %s%s\n", strerror(errno),
			errno == EEXIST ? " (another policy is attached)" : "");
		goto out;
	}
	/* Maps first: once the link is pinned, the policy is in place. */
	for (i = 0; i < 4; i++) {
		pin_path(path, sizeof(path), names[i]);
		err = bpf_map__pin(maps[i], path);
		if (err) {
			fprintf(stderr, "p2preach: cannot pin %s: %s\n", path, strerror(-err));
			goto unpin;
		}
	}
	pin_path(path, sizeof(path), "link");
	err = bpf_link__pin(link, path);
	if (err) {
		fprintf(stderr, "p2preach: cannot pin %s: %s\n", path, strerror(-err));
		goto unpin;
	}
	printf("policy attached, pinned under %s\n", pin_dir);
	goto out;
unpin:
	for (i = 0; i < 4; i++)
		bpf_map__unpin(maps[i], NULL);
out:
	bpf_link__destroy(link);
	p2preach_bpf__destroy(skel);
	return err;
}

static int cmd_set(int argc, char **argv, bool allow)
{
	struct policy_maps m;
	__u32 client, provider;
	int verdict = P2PREACH_DENY, err;

	if (argc < 2 || argc > (allow ? 3 : 2)) {
		usage(stderr);
		return -EINVAL;
	}
	if (allow) {
		verdict = argc == 3 ? policy_parse_verdict(argv[2]) : P2PREACH_ALLOW_RW;
		if (verdict <= P2PREACH_DENY) {
			fprintf(stderr, "p2preach: bad access '%s' (read or rw)\n", argv[2]);
			return -EINVAL;
		}
	}
	if ((err = need_root()))
		return err;
	if ((err = policy_maps_open(&m, pin_dir)))
		return err;
	err = policy_device_index(&m, argv[0], true, &client);
	if (!err)
		err = policy_device_index(&m, argv[1], true, &provider);
	if (!err)
		err = policy_set_verdict(&m, client, provider, verdict);
	if (err)
		fprintf(stderr, "p2preach: cannot set %s -> %s: %s\n", argv[0], argv[1],
			strerror(-err));
	else
		printf("%s -> %s: %s\n", argv[0], argv[1], policy_verdict_name(verdict));
	policy_maps_close(&m);
	return err;
}

static int cmd_show(void)
{
	struct p2preach_name names[P2PREACH_MAX_DEVICES], key, *prev = NULL;
	bool known[P2PREACH_MAX_DEVICES] = { false };
	struct policy_maps m;
	__u32 idx, c, p, v;
	int err;

	if ((err = policy_maps_open(&m, pin_dir)))
		return err;
	while (!bpf_map_get_next_key(m.devices, prev, &key)) {
		if (!bpf_map_lookup_elem(m.devices, &key, &idx) &&
		    idx < P2PREACH_MAX_DEVICES) {
			names[idx] = key;
			known[idx] = true;
		}
		prev = &key;
	}
	for (c = 0; c < P2PREACH_MAX_DEVICES; c++) {
		if (!known[c])
			continue;
		for (p = 0; p < P2PREACH_MAX_DEVICES; p++) {
			if (!known[p] || c == p || policy_get_verdict(&m, c, p, &v))
				continue;
			printf("%s -> %s: %s\n", names[c].name, names[p].name,
			       policy_verdict_name(v));
		}
	}
	policy_maps_close(&m);
	return 0;
}

static int cmd_detach(void)
{
	static const char *const names[] = { "link", "devices", "matrix", "config", "stats" };
	char path[4096];
	int err, i, link, found = 0;

	if ((err = need_root()))
		return err;
	/* Detach explicitly: dropping the pin alone releases the link later. */
	pin_path(path, sizeof(path), "link");
	link = bpf_obj_get(path);
	if (link >= 0) {
		if (bpf_link_detach(link))
			fprintf(stderr, "p2preach: cannot detach %s: %s\n", path,
				strerror(errno));
		close(link);
	}
	for (i = 0; i < 5; i++) {
		pin_path(path, sizeof(path), names[i]);
		if (!unlink(path))
			found++;
		else if (errno != ENOENT)
			fprintf(stderr, "p2preach: cannot remove %s: %s\n", path, strerror(errno));
	}
	if (!found) {
		fprintf(stderr, "p2preach: nothing is pinned under %s\n", pin_dir);
		return -ENOENT;
	}
	rmdir(pin_dir);
	printf("policy detached\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cmd;
	int c, err;

	while ((c = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			pin_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;

	if (!strcmp(cmd, "load") && !argc)
		err = cmd_load();
	else if (!strcmp(cmd, "allow"))
		err = cmd_set(argc, argv, true);
	else if (!strcmp(cmd, "deny"))
		err = cmd_set(argc, argv, false);
	else if (!strcmp(cmd, "show") && !argc)
		err = cmd_show();
	else if (!strcmp(cmd, "detach") && !argc)
		err = cmd_detach();
	else {
		fprintf(stderr, "p2preach: unknown command or arguments: %s\n", cmd);
		usage(stderr);
		return 2;
	}
	return err ? 1 : 0;
}
