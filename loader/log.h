/* SPDX-License-Identifier: GPL-2.0 */
/* Messages on stderr; the daemon's carry journal priorities. */
#ifndef P2PREACH_LOG_H
#define P2PREACH_LOG_H

#include <stdbool.h>

/* Prefix lines with <N> when stderr is the journal (as sd-daemon.h). */
void log_init_daemon(void);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
