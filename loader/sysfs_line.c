// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sysfs_line.h"

int sysfs_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4096];
	int err = 0;
	FILE *f;

	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	else if (!strchr(buf, '\n') && !feof(f))
		err = -EOVERFLOW;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	if (err)
		buf[0] = '\0';
	return err;
}
