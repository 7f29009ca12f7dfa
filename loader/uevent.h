/* SPDX-License-Identifier: GPL-2.0 */
/* Device add/remove events from the kernel (as udev receives them). */
#ifndef P2PREACH_UEVENT_H
#define P2PREACH_UEVENT_H

#include <stdbool.h>
#include <stddef.h>

/* A netlink socket on the kernel's uevents; fd or -errno. */
int uevent_open(void);

/*
 * Read one event. Returns 1 and fills action ("add", "remove", ...) and
 * name (the last DEVPATH component, i.e. dev_name()) for a device event,
 * 0 for anything else, -errno on error.
 */
int uevent_read(int fd, char *action, size_t alen, char *name, size_t nlen);

/* Parse a raw event buffer; what uevent_read does after recv(). */
int uevent_parse(const char *buf, size_t len, char *action, size_t alen,
		 char *name, size_t nlen);

#endif
