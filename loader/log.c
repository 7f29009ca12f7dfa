// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static bool daemon_mode, journal, verbose, json;
static char json_error[1024];

void log_init_daemon(void)
{
	daemon_mode = true;
	/* systemd sets this when stderr is connected to the journal. */
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_setup(bool want_verbose, bool want_json)
{
	verbose = want_verbose;
	json = want_json;
	json_error[0] = '\0';
}

void log_msg(enum log_prio prio, const char *fmt, va_list ap)
{
	char line[1024];
	size_t len;

	if (prio == LOG_PRIO_DEBUG && !verbose)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* libbpf ends its lines; ours do not. */
	len = strlen(line);
	while (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (json && prio == LOG_PRIO_ERR) {
		if (!json_error[0])
			snprintf(json_error, sizeof(json_error), "%s", line);
		return;
	}
	if (journal)
		fprintf(stderr, "<%d>", prio);
	else if (!daemon_mode || prio <= LOG_PRIO_WARN)
		fputs("p2preach: ", stderr);
	if (!journal && prio == LOG_PRIO_WARN)
		fputs("warning: ", stderr);
	fprintf(stderr, "%s\n", line);
}

#define LOG_AT(fn, prio)					\
	void fn(const char *fmt, ...)				\
	{							\
		va_list ap;					\
								\
		va_start(ap, fmt);				\
		log_msg(prio, fmt, ap);				\
		va_end(ap);					\
	}

LOG_AT(log_err, LOG_PRIO_ERR)
LOG_AT(log_warn, LOG_PRIO_WARN)
LOG_AT(log_info, LOG_PRIO_INFO)
LOG_AT(log_debug, LOG_PRIO_DEBUG)

const char *log_json_error(void)
{
	return json_error[0] ? json_error : NULL;
}
