// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "reach_ids.h"
#include "uevent.h"

int uevent_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,	/* the kernel's own events, not udev's */
	};
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);
	int size = 1 << 20;

	if (fd < 0)
		return -errno;
	/* Room for a burst (a module load); lost events are read again anyway. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The value of KEY in a "KEY=value" string, or NULL. */
static const char *value_of(const char *s, size_t len, const char *key)
{
	size_t k = strlen(key);

	return len > k && !strncmp(s, key, k) && s[k] == '=' ? s + k + 1 : NULL;
}

int uevent_parse(const char *buf, size_t len, struct uevent *ev)
{
	static const char dir[] = "/kernel/mm/pagemap_reach/devices/";
	const char *p = buf, *end = buf + len, *action = NULL, *subsystem = NULL;
	const char *id = NULL, *role = NULL, *dev_name = NULL, *v;

	if (!len || buf[len - 1] != '\0')
		return 0;
	while (p < end) {
		size_t l = strnlen(p, end - p);

		if ((v = value_of(p, l, "ACTION")))
			action = v;
		else if ((v = value_of(p, l, "SUBSYSTEM")))
			subsystem = v;
		else if ((v = value_of(p, l, "PAGEMAP_REACH_ID")))
			id = v;
		else if ((v = value_of(p, l, "PAGEMAP_REACH_ROLE")))
			role = v;
		else if ((v = value_of(p, l, "PAGEMAP_REACH_DEV_NAME")))
			dev_name = v;
		/* The id is also the last part of the path; the variable wins. */
		else if ((v = value_of(p, l, "DEVPATH")) && !id &&
			 !strncmp(v, dir, sizeof(dir) - 1))
			id = v + sizeof(dir) - 1;
		p += l + 1;
	}
	if (!action || !subsystem || !id || strcmp(subsystem, UEVENT_SUBSYSTEM))
		return 0;
	memset(ev, 0, sizeof(*ev));
	if (!strcmp(action, "add"))
		ev->add = true;
	else if (strcmp(action, "remove"))
		return 0;
	if (!reach_parse_number(id, &ev->id))
		return 0;
	if (role && !strcmp(role, "client"))
		ev->role = P2PREACH_ROLE_CLIENT;
	else if (role && !strcmp(role, "provider"))
		ev->role = P2PREACH_ROLE_PROVIDER;
	snprintf(ev->dev_name, sizeof(ev->dev_name), "%s", dev_name ? dev_name : "");
	return 1;
}

int uevent_read(int fd, struct uevent *ev)
{
	char buf[8192];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	buf[n] = '\0';
	return uevent_parse(buf, n + 1, ev);
}
