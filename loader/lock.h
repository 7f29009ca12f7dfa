/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One edit at a time: an exclusive flock on a file that is never removed
 * (as xdp-tools locks its own file), so that every waiter ends up holding
 * the same lock, whatever detach does to the pin directory. One lock for
 * the machine: the kernel takes one policy at a time anyway.
 */
#ifndef P2PREACH_LOCK_H
#define P2PREACH_LOCK_H

#define P2PREACH_LOCK_FILE	"/run/p2preach.lock"

/* Wait for the lock; returns its fd or -errno, with a message. */
int policy_lock(void);
void policy_unlock(int fd);

#endif
