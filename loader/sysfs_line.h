/* SPDX-License-Identifier: GPL-2.0 */
/* The one line of a sysfs attribute. Pure userspace. */
#ifndef P2PREACH_SYSFS_LINE_H
#define P2PREACH_SYSFS_LINE_H

#include <stddef.h>

/*
 * dir/name's first line, without its newline, into buf; "" on error. 0,
 * -errno, or -EOVERFLOW when the line does not fit.
 */
int sysfs_line(const char *dir, const char *name, char *buf, size_t len);

/*
 * The same for path relative to the directory open as dirfd: a walk of a
 * few components, not of the whole path from the root, for callers that
 * read many attributes of one directory.
 */
int sysfs_line_at(int dirfd, const char *path, char *buf, size_t len);

#endif
