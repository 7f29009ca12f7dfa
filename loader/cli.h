/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line, parsed against the command table (commands.h): which
 * command, its arguments and options. Pure: nothing here touches the
 * kernel, so every bad argument is caught before the policy is opened.
 */
#ifndef P2PREACH_CLI_H
#define P2PREACH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define P2PREACH_CONFIG	"/etc/p2preach/policy.conf"

struct command;

enum stats_format {
	STATS_TEXT,
	STATS_OPENMETRICS,
	STATS_PROMETHEUS,
};

struct cli {
	const struct command *command;
	const char *name;	/* the command's full name */
	bool json, pretty, both, verbose;
	bool matrix;		/* show -m */
	const char *pin_dir;
	const char *config;	/* daemon's policy file */
	const char *file;	/* load, apply, check */
	const char *diff;	/* show --diff FILE */
	const char *output;	/* stats --output FILE */
	const char *metrics;	/* daemon --metrics-file FILE */
	const char *client, *provider;
	int verdict;		/* allow: read or rw; deny: deny */
	enum stats_format format;
};

/*
 * Parse argv (options may come anywhere, commands may be abbreviated as
 * long as they stay unambiguous). Returns 0, or -EINVAL with a message
 * naming the offending argument in err. out->json is set as soon as
 * --json is seen, so that even a parse error can be reported in JSON.
 */
int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen);

/* Commands that change the policy: they need root and take the lock. */
bool cli_is_edit(const struct cli *c);

/* The usage text and the bash completion script, from the table. */
void cli_print_usage(FILE *f);
void cli_print_completion(FILE *f);

/* Argument parsers of the command table. */
int cli_parse_pair(struct cli *c, char **args, int nargs, char *err, size_t errlen);
int cli_parse_file(struct cli *c, char **args, int nargs, char *err, size_t errlen);
int cli_parse_daemon(struct cli *c, char **args, int nargs, char *err, size_t errlen);
int cli_parse_show(struct cli *c, char **args, int nargs, char *err, size_t errlen);
int cli_parse_stats(struct cli *c, char **args, int nargs, char *err, size_t errlen);

/* help and version, as commands. */
int cmd_help(const struct cli *c);
int cmd_version(const struct cli *c);

#endif
