/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line, parsed: which command, its arguments and options.
 * Pure: nothing here touches the kernel, so every bad argument is caught
 * before the policy is opened.
 */
#ifndef P2PREACH_CLI_H
#define P2PREACH_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define P2PREACH_CONFIG	"/etc/p2preach/policy.conf"

enum cli_command {
	CMD_HELP,
	CMD_VERSION,
	CMD_DAEMON,
	CMD_LOAD,
	CMD_SHOW,
	CMD_ALLOW,
	CMD_DENY,
	CMD_APPLY,
	CMD_CHECK,
	CMD_STATS,
	CMD_STATUS,
	CMD_DETACH,
	CMD_TOPOLOGY,		/* topology [show]: read; topology fill: edit */
};

struct cli {
	enum cli_command cmd;
	const char *name;	/* the command's full name */
	bool json, pretty, both;
	const char *pin_dir;
	const char *config;	/* daemon's policy file */
	const char *file;	/* load, apply, check */
	const char *client, *provider;
	int verdict;		/* allow: read or rw; deny: deny */
	bool fill;		/* topology fill */
};

/*
 * Parse argv (options may come anywhere, commands may be abbreviated as
 * long as they stay unambiguous). Returns 0, or -EINVAL with a message
 * naming the offending argument in err.
 */
int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen);

/* Commands that change the policy: they need root and take the lock. */
bool cli_is_edit(const struct cli *c);

extern const char cli_usage[];

#endif
