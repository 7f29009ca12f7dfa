// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "uevent.h"

int uevent_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,	/* the kernel's own events, not udev's */
	};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* "KEY=value" strings separated by NULs, after an "action@devpath" header. */
int uevent_parse(const char *buf, size_t len, char *action, size_t alen,
		 char *name, size_t nlen)
{
	const char *p = buf, *end = buf + len, *devpath = NULL, *act = NULL, *slash;

	while (p < end) {
		size_t l = strnlen(p, end - p);

		if (l > 7 && !strncmp(p, "ACTION=", 7))
			act = p + 7;
		else if (l > 8 && !strncmp(p, "DEVPATH=", 8))
			devpath = p + 8;
		p += l + 1;
	}
	if (!act || !devpath || buf[len - 1] != '\0')
		return 0;
	slash = strrchr(devpath, '/');
	snprintf(action, alen, "%s", act);
	snprintf(name, nlen, "%s", slash ? slash + 1 : devpath);
	return name[0] ? 1 : 0;
}

int uevent_read(int fd, char *action, size_t alen, char *name, size_t nlen)
{
	char buf[8192];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	buf[n] = '\0';
	return uevent_parse(buf, n + 1, action, alen, name, nlen);
}
