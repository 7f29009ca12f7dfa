/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages on stderr; the daemon's carry journal priorities. With --json
 * the first error is kept instead, for main() to print as {"error": ...}.
 */
#ifndef P2PREACH_LOG_H
#define P2PREACH_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* syslog priorities, as the journal reads them. */
enum log_prio {
	LOG_PRIO_ERR = 3,
	LOG_PRIO_WARN = 4,
	LOG_PRIO_INFO = 6,
	LOG_PRIO_DEBUG = 7,
};

/* Prefix lines with <N> when stderr is the journal (as sd-daemon.h). */
void log_init_daemon(void);
/* verbose: debug messages too; json: keep errors for log_json_error(). */
void log_setup(bool verbose, bool json);

void log_msg(enum log_prio prio, const char *fmt, va_list ap);
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* With json: the first error since log_setup(), or NULL. */
const char *log_json_error(void);

#endif
