/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readiness for systemd (Type=notify). The datagram protocol is stable and
 * documented in sd_notify(3); speaking it directly keeps libsystemd off
 * minimal systems that run p2preach without systemd.
 */
#ifndef P2PREACH_NOTIFY_H
#define P2PREACH_NOTIFY_H

/* Send state (e.g. "READY=1") to $NOTIFY_SOCKET; a no-op without it. */
int notify_systemd(const char *state);

#endif
