// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_state.h"
#include "sysfs_line.h"

/* One line of dir/name without its newline; false when it cannot be opened. */
static bool line(const char *dir, const char *name, char *buf, size_t len)
{
	int err = sysfs_line(dir, name, buf, len);

	return !err || err == -EOVERFLOW;
}

static unsigned long long num(const char *dir, const char *name)
{
	char buf[32];

	return line(dir, name, buf, sizeof(buf)) ? strtoull(buf, NULL, 10) : 0;
}

bool kernel_state_read(const char *dir, struct kernel_state *ks)
{
	char buf[64];

	memset(ks, 0, sizeof(*ks));
	if (!line(dir, "state", buf, sizeof(buf)))
		return false;
	ks->attached = !strcmp(buf, "attached");
	line(dir, "policy", ks->policy, sizeof(ks->policy));
	ks->generation = num(dir, "generation");
	ks->allowed_read = num(dir, "allowed_read");
	ks->allowed_rw = num(dir, "allowed_rw");
	ks->denied = num(dir, "denied");
	ks->invalid = num(dir, "invalid");
	return true;
}
