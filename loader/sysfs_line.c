// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysfs_line.h"

int sysfs_line_at(int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t n;
	char more;
	int fd, err = 0;

	buf[0] = '\0';
	if (len < 2)
		return -EOVERFLOW;
	/* Plain read(): sysfs hands out an attribute in one, and stdio costs a stat. */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		err = -errno;
	else
		buf[n] = '\0';
	if (!err && !strchr(buf, '\n') && (size_t)n == len - 1 && read(fd, &more, 1) > 0)
		err = -EOVERFLOW;
	close(fd);
	buf[strcspn(buf, "\n")] = '\0';
	if (err)
		buf[0] = '\0';
	return err;
}

int sysfs_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4096];

	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return -ENAMETOOLONG;
	return sysfs_line_at(AT_FDCWD, path, buf, len);
}
