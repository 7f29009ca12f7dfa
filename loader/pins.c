// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "log.h"
#include "pins.h"
#include "policy_maps.h"

/* Every map the policy keeps pinned, in the order they are pinned. */
const struct pinned_map pinned_maps[] = {
	{ "policy", "p2p_policy", offsetof(struct policy_maps, policy), false },
	{ "stats", "p2p_stats", offsetof(struct policy_maps, stats), false },
	{ "state", "p2p_state", offsetof(struct policy_maps, state), true },
};

const size_t nr_pinned_maps = sizeof(pinned_maps) / sizeof(pinned_maps[0]);

int pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int pins_check_bpffs(const char *dir)
{
	struct statfs st;
	int err;

	if (statfs(dir, &st)) {
		err = -errno;
		log_err("cannot look at %s: %s", dir, strerror(errno));
		return err;
	}
	if ((unsigned long)st.f_type != BPF_FS_MAGIC) {
		log_err("%s is not on a BPF filesystem, so nothing pinned there would stay (mount -t bpf bpf /sys/fs/bpf)",
			dir);
		return -EINVAL;
	}
	return 0;
}
