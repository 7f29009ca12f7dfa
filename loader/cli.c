// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "p2preach.h"
#include "policy_maps.h"

const char cli_usage[] =
	"usage: p2preach [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"  daemon [--config FILE]           load, attach and pin the policy, apply FILE,\n"
	"                                   follow SIGHUP and device hotplug\n"
	"  load [FILE]                      load, attach and pin the policy once\n"
	"  show                             the verdict matrix as a table\n"
	"  allow A B [read|rw] [--both]     let A access B's memory (default rw)\n"
	"  deny A B [--both]                make A go through RAM for B's memory\n"
	"  apply FILE                       replace the whole policy with FILE, atomically\n"
	"  check FILE                       validate FILE, change nothing\n"
	"  stats                            decisions per pair and verdict\n"
	"  status                           attached or not, policy, generation, devices\n"
	"  detach                           detach the policy and drop its pins\n"
	"  topology [fill]                  PCI devices and their PCIe switch; fill\n"
	"                                   the same_switch example policy's map\n"
	"\n"
	"  A and B are device names (dev_name(), e.g. 0000:3b:00.0) or aliases from\n"
	"  the policy file. \"A -> B\" means A may access memory that lives in B.\n"
	"\n"
	"options:\n"
	"  -j, --json          JSON output (show, stats, status, check, topology)\n"
	"  -p, --pretty        indented JSON (implies --json)\n"
	"  -b, --both          allow/deny: both directions\n"
	"  -c, --config FILE   daemon: policy file (default " P2PREACH_CONFIG ")\n"
	"  -d, --pin-dir DIR   where the policy is pinned (default " P2PREACH_PIN_DIR ")\n"
	"  -h, --help          this text\n"
	"  -V, --version       the version\n";

static const struct {
	const char *name;
	enum cli_command cmd;
	int min_args, max_args;
	const char *args;	/* for "missing ..." messages */
	bool json;
} commands[] = {
	{ "daemon", CMD_DAEMON, 0, 0, "", false },
	{ "load", CMD_LOAD, 0, 1, "FILE", false },
	{ "show", CMD_SHOW, 0, 0, "", true },
	{ "allow", CMD_ALLOW, 2, 3, "CLIENT PROVIDER [read|rw]", false },
	{ "deny", CMD_DENY, 2, 2, "CLIENT PROVIDER", false },
	{ "apply", CMD_APPLY, 1, 1, "FILE", false },
	{ "check", CMD_CHECK, 1, 1, "FILE", true },
	{ "stats", CMD_STATS, 0, 0, "", true },
	{ "status", CMD_STATUS, 0, 0, "", true },
	{ "detach", CMD_DETACH, 0, 0, "", false },
	{ "topology", CMD_TOPOLOGY, 0, 1, "[show|fill]", true },
	{ "help", CMD_HELP, 0, 0, "", false },
	{ "version", CMD_VERSION, 0, 0, "", false },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Exact name, or the one command that starts with word (as bpftool). */
static int find_command(const char *word, char *err, size_t errlen)
{
	char list[256] = "";
	int found = -1, n = 0;

	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(word, commands[i].name))
			return i;
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strncmp(word, commands[i].name, strlen(word)))
			continue;
		found = i;
		n++;
		if (strlen(list) + strlen(commands[i].name) + 3 < sizeof(list)) {
			if (list[0])
				strcat(list, ", ");
			strcat(list, commands[i].name);
		}
	}
	if (n == 1 && word[0])
		return found;
	if (n > 1 && word[0])
		return fail(err, errlen, "ambiguous command '%s' (%s)", word, list);
	return fail(err, errlen, "unknown command '%s' (try p2preach --help)", word);
}

/*
 * getopt_long said '?'. glibc leaves optopt 0 for an unknown or ambiguous
 * long option, and sets it to the option's value for a long option given
 * an argument it does not take, so "--json=1" would read as an unknown
 * '-j'. A short option is named by optopt alone: word (argv[optind - 1])
 * may be the word before it when it is not last in its cluster.
 */
static int bad_option(const struct option *opts, const char *word, int opt,
		      char *err, size_t errlen)
{
	const char *name = word + 2, *eq;
	const struct option *match = NULL;
	char list[128] = "";
	size_t len;
	int n = 0;

	if (strncmp(word, "--", 2) || !*name)
		return fail(err, errlen, "unknown option '-%c'", opt);
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	for (const struct option *o = opts; o->name; o++) {
		if (strncmp(o->name, name, len))
			continue;
		if (strlen(o->name) == len) {	/* exact: the only match */
			match = o;
			n = 1;
			break;
		}
		match = o;
		n++;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s--%s", list[0] ? ", " : "", o->name);
	}
	if (n == 1 && eq && match->has_arg == no_argument &&
	    (!opt || opt == match->val))
		return fail(err, errlen, "option '--%s' takes no argument",
			    match->name);
	if (opt)
		return fail(err, errlen, "unknown option '-%c'", opt);
	if (n > 1)
		return fail(err, errlen, "ambiguous option '--%.*s' (%s)",
			    (int)len, name, list);
	return fail(err, errlen, "unknown option '%s'", word);
}

bool cli_is_edit(const struct cli *c)
{
	return c->cmd == CMD_DAEMON || c->cmd == CMD_LOAD || c->cmd == CMD_ALLOW ||
	       c->cmd == CMD_DENY || c->cmd == CMD_APPLY || c->cmd == CMD_DETACH ||
	       (c->cmd == CMD_TOPOLOGY && c->fill);
}

int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "both", no_argument, NULL, 'b' },
		{ "config", required_argument, NULL, 'c' },
		{ "pin-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct cli c = {
		.cmd = CMD_HELP,
		.pin_dir = P2PREACH_PIN_DIR,
		.config = NULL,
		.verdict = P2PREACH_ALLOW_RW,
	};
	bool help = false, version = false;
	int opt, idx, nargs, i;
	char **args;

	/* Our messages, not getopt's: they go through err like the rest. */
	opterr = 0;
	optind = 0;	/* full reinitialisation, so parsing can run twice */
	while ((opt = getopt_long(argc, argv, ":jpbc:d:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': c.json = true; break;
		case 'p': c.json = c.pretty = true; break;
		case 'b': c.both = true; break;
		case 'c': c.config = optarg; break;
		case 'd': c.pin_dir = optarg; break;
		case 'h': help = true; break;
		case 'V': version = true; break;
		case ':':
			return fail(err, errlen, "option '%s' needs an argument",
				    argv[optind - 1]);
		default:
			return bad_option(opts, argv[optind - 1], optopt, err, errlen);
		}
	}
	if (help || version) {
		c.cmd = help ? CMD_HELP : CMD_VERSION;
		*out = c;
		return 0;
	}
	if (optind >= argc)
		return fail(err, errlen, "missing command (try p2preach --help)");
	idx = find_command(argv[optind], err, errlen);
	if (idx < 0)
		return idx;
	c.cmd = commands[idx].cmd;
	c.name = commands[idx].name;
	args = argv + optind + 1;
	nargs = argc - optind - 1;

	if (nargs < commands[idx].min_args)
		return fail(err, errlen, "%s: missing %s (usage: p2preach %s %s)",
			    c.name, nargs == 0 ? "arguments" : "argument",
			    c.name, commands[idx].args);
	if (nargs > commands[idx].max_args)
		return fail(err, errlen, "%s: unexpected argument '%s'",
			    c.name, args[commands[idx].max_args]);
	if (c.json && !commands[idx].json)
		return fail(err, errlen, "%s: --json is for show, stats, status, check and topology",
			    c.name);
	if (c.both && c.cmd != CMD_ALLOW && c.cmd != CMD_DENY)
		return fail(err, errlen, "%s: --both is for allow and deny", c.name);
	if (c.config && c.cmd != CMD_DAEMON)
		return fail(err, errlen, "%s: --config is for daemon (use %s FILE)",
			    c.name, c.name);
	if (!*c.pin_dir)
		return fail(err, errlen, "--pin-dir: empty directory name");

	switch (c.cmd) {
	case CMD_ALLOW:
	case CMD_DENY:
		c.client = args[0];
		c.provider = args[1];
		for (i = 0; i < 2; i++)
			if (!*args[i] || strlen(args[i]) >= P2PREACH_NAME_LEN)
				return fail(err, errlen, "%s: bad device '%s' (1 to %d characters)",
					    c.name, args[i], P2PREACH_NAME_LEN - 1);
		if (!strcmp(args[0], args[1]))
			return fail(err, errlen, "%s: '%s' twice: a device always reaches its own memory",
				    c.name, args[0]);
		if (c.cmd == CMD_DENY) {
			c.verdict = P2PREACH_DENY;
		} else if (nargs == 3) {
			c.verdict = policy_parse_verdict(args[2]);
			if (c.verdict != P2PREACH_ALLOW_READ && c.verdict != P2PREACH_ALLOW_RW)
				return fail(err, errlen, "allow: bad access '%s' (read or rw)",
					    args[2]);
		}
		break;
	case CMD_LOAD:
	case CMD_APPLY:
	case CMD_CHECK:
		c.file = nargs ? args[0] : NULL;
		if (c.file && !*c.file)
			return fail(err, errlen, "%s: empty file name", c.name);
		break;
	case CMD_TOPOLOGY:
		if (nargs && strcmp(args[0], "show") && strcmp(args[0], "fill"))
			return fail(err, errlen, "topology: unknown action '%s' (show or fill)",
				    args[0]);
		c.fill = nargs && !strcmp(args[0], "fill");
		if (c.fill && c.json)
			return fail(err, errlen, "topology: --json is for topology show");
		break;
	case CMD_DAEMON:
		if (!c.config)
			c.config = P2PREACH_CONFIG;
		break;
	default:
		break;
	}
	*out = c;
	return 0;
}
