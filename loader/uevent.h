/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's uevents (as udev receives them), for the ids of pagemap_reach. */
#ifndef P2PREACH_UEVENT_H
#define P2PREACH_UEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "p2preach.h"

#define UEVENT_SUBSYSTEM	"pagemap_reach"

/* An id added or removed. */
struct uevent {
	bool add;		/* else removed */
	__u32 id;
	__u32 role;		/* P2PREACH_ROLE_*; NONE when not said */
	char dev_name[P2PREACH_NAME_LEN];
};

/* A netlink socket on the kernel's uevents; fd or -errno. */
int uevent_open(void);

/*
 * Read one event. Returns 1 and fills ev for an id added or removed, 0
 * for any other event, -errno on error (-EAGAIN: none pending; -ENOBUFS:
 * events were lost).
 */
int uevent_read(int fd, struct uevent *ev);

/*
 * Parse a raw event buffer ("KEY=value" strings separated by NULs, after
 * an "action@devpath" header); what uevent_read() does after recv().
 */
int uevent_parse(const char *buf, size_t len, struct uevent *ev);

#endif
