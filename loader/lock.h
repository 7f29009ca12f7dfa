/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One edit at a time: an exclusive flock on the pin directory, as
 * xdp-tools does on its bpffs directory.
 */
#ifndef P2PREACH_LOCK_H
#define P2PREACH_LOCK_H

/* Create pin_dir if needed and lock it; returns the fd or -errno. */
int policy_lock(const char *pin_dir);
void policy_unlock(int fd);

#endif
