// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the command line parser (loader/cli.c).
 *
 * The input is split at NUL bytes into arguments after argv[0], as the
 * kernel hands them to main(). Besides the sanitizers, the harness aborts
 * when a promise of cli.h is broken.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "p2preach.h"
#include "fuzz.h"

/* More than any real command line; keeps each run cheap. */
#define MAX_ARGS	64

/* A string the parser returned points into argv or is a constant. */
static bool from_argv(const char *s, char *const *argv, int argc)
{
	for (int i = 0; i < argc; i++)
		if (s >= argv[i] && s <= argv[i] + strlen(argv[i]))
			return true;
	return false;
}

static bool named(const struct cli *c, const char *name)
{
	return !strcmp(c->command->name, name);
}

static void check_cli(const struct cli *c, char **argv, int argc)
{
	const struct command *cmd = c->command;

	check(cmd >= commands && cmd < commands + nr_commands);
	check(c->name == cmd->name);
	/* --help and --version win over everything else, even bad options. */
	if (named(c, "help") || named(c, "version"))
		return;
	check(c->pin_dir && c->pin_dir[0]);
	check(!c->pretty || c->json);
	check(!c->both || (cmd->options & OPT_BOTH));
	check(!c->diff || (cmd->options & OPT_DIFF));
	check(!c->output || (cmd->options & OPT_OUTPUT));
	check(!c->metrics || (cmd->options & OPT_METRICS));
	check(!c->matrix || ((cmd->options & OPT_MATRIX) && !c->json && !c->diff));
	check((c->config != NULL) == named(c, "daemon"));
	check(cli_is_edit(c) == !!(cmd->flags & CMD_EDIT));
	if (cmd->parse_args == cli_parse_pair) {
		check(from_argv(c->client, argv, argc));
		check(from_argv(c->provider, argv, argc));
		check(strlen(c->client) >= 1 && strlen(c->client) < P2PREACH_NAME_LEN);
		check(strlen(c->provider) >= 1 && strlen(c->provider) < P2PREACH_NAME_LEN);
		check(strcmp(c->client, c->provider));
		check(named(c, "allow") ? c->verdict == P2PREACH_ALLOW_READ ||
					  c->verdict == P2PREACH_ALLOW_RW
					: c->verdict == P2PREACH_DENY);
	}
	if (named(c, "apply") || named(c, "check"))
		check(c->file && c->file[0] && from_argv(c->file, argv, argc));
}

/*
 * "unknown option" must name an option that is not one: a known short
 * option, or a prefix of a long one, means the message points at the
 * wrong thing.
 */
static void check_message(const char *err)
{
	static const char *const longs[] = {
		"json", "pretty", "both", "config", "diff", "format", "output",
		"metrics-file", "pin-dir", "verbose", "help", "version", "matrix",
	};
	const char *opt;
	size_t n;

	if (strncmp(err, "unknown option '", 16))
		return;
	opt = err + 16;
	n = strlen(opt) - 1;	/* without the closing quote */
	if (n == 2 && opt[0] == '-' && opt[1] != '-')
		check(!strchr("jpbcfodmvhV", opt[1]));
	if (n > 2 && !strncmp(opt, "--", 2))
		for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
			check(strncmp(longs[i], opt + 2, n - 2));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char **argv, **copy;
	char prog[] = "p2preach";
	char err[256];
	struct cli c;
	int argc = 1, ret;

	check(buf);
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* Each NUL ends an argument; a trailing one adds no empty argument. */
	for (char *s = buf; s < buf + size && argc <= MAX_ARGS; s += strlen(s) + 1)
		argc++;
	/* Exactly argc + 1 pointers, so a read past argv[argc] is caught. */
	argv = calloc(argc + 1, sizeof(*argv));
	copy = calloc(argc + 1, sizeof(*copy));
	check(argv && copy);
	argv[0] = prog;
	argc = 1;
	for (char *s = buf; s < buf + size && argc <= MAX_ARGS; s += strlen(s) + 1)
		argv[argc++] = s;
	memcpy(copy, argv, (argc + 1) * sizeof(*argv));	/* getopt permutes */

	memset(err, 'x', sizeof(err));
	memset(&c, 0xa5, sizeof(c));
	ret = cli_parse(argc, argv, &c, err, sizeof(err));
	if (ret) {
		check(ret == -EINVAL);
		check(memchr(err, '\0', sizeof(err)) && err[0]);
		check_message(err);
	} else {
		check_cli(&c, copy, argc);
	}
	/* Parsing again gives the same answer: no state left behind. */
	memcpy(argv, copy, (argc + 1) * sizeof(*argv));
	check(cli_parse(argc, argv, &c, NULL, 0) == ret);
	free(argv);
	free(copy);
	free(buf);
	return 0;
}
