/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of p2preach's commands. Parsing, usage text, bash
 * completion and main()'s dispatch (root check, lock, JSON) all read it.
 */
#ifndef P2PREACH_COMMANDS_H
#define P2PREACH_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

struct cli;

/* What main() does around a command's handler. */
enum command_flags {
	CMD_JSON = 1 << 0,	/* --json prints a document (others print null) */
	CMD_EDIT = 1 << 1,	/* changes the policy */
	CMD_ROOT = 1 << 2,	/* refused early unless root */
	CMD_LOCK = 1 << 3,	/* runs under the policy lock */
};

/* Options beyond the global ones (--json, --pretty, --pin-dir, -v). */
enum command_options {
	OPT_BOTH = 1 << 0,	/* --both */
	OPT_CONFIG = 1 << 1,	/* --config FILE */
	OPT_DIFF = 1 << 2,	/* --diff FILE */
	OPT_FORMAT = 1 << 3,	/* --format FORMAT */
	OPT_OUTPUT = 1 << 4,	/* --output FILE */
	OPT_METRICS = 1 << 5,	/* --metrics-file FILE */
	OPT_MATRIX = 1 << 6,	/* --matrix */
};

struct command {
	const char *name;
	int (*handler)(const struct cli *c);	/* 0 or -errno */
	/* Turn the arguments into fields of c; 0 or -EINVAL with err set. */
	int (*parse_args)(struct cli *c, char **args, int nargs,
			  char *err, size_t errlen);
	int min_args, max_args;
	const char *args;	/* as in the usage text */
	const char *help;	/* one line; '\n' continues it */
	unsigned flags;		/* enum command_flags */
	unsigned options;	/* enum command_options */
};

extern const struct command commands[];
extern const size_t nr_commands;

/* The handlers, each in the cmd_*.c or daemon.c of its kind. */
int cmd_daemon(const struct cli *c);
int cmd_load(const struct cli *c);
int cmd_show(const struct cli *c);
int cmd_edit(const struct cli *c);	/* allow, deny */
int cmd_apply(const struct cli *c);
int cmd_check(const struct cli *c);
int cmd_stats(const struct cli *c);
int cmd_status(const struct cli *c);
int cmd_detach(const struct cli *c);

#endif
