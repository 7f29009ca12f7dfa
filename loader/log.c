// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static bool daemon_mode, journal;

void log_init_daemon(void)
{
	daemon_mode = true;
	/* systemd sets this when stderr is connected to the journal. */
	journal = getenv("JOURNAL_STREAM") != NULL;
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	if (journal)
		fprintf(stderr, "<%d>", prio);
	else if (!daemon_mode || prio <= 4)
		fputs("p2preach: ", stderr);
	if (!journal && prio == 4)
		fputs("warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(3, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(4, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(6, fmt, ap);
	va_end(ap);
}
