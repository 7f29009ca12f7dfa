// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "p2preach.h"
#include "pins.h"
#include "verdict.h"

#ifndef P2PREACH_VERSION
#define P2PREACH_VERSION "0.1"
#endif

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "both", no_argument, NULL, 'b' },
	{ "config", required_argument, NULL, 'c' },
	{ "diff", required_argument, NULL, 'D' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "metrics-file", required_argument, NULL, 'M' },
	{ "matrix", no_argument, NULL, 'm' },
	{ "pin-dir", required_argument, NULL, 'd' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

/* Options only some commands take, and the option_help lines. */
static const struct {
	unsigned bit;
	const char *name;	/* as in long_options */
	const char *usage;
} command_options[] = {
	{ OPT_BOTH, "both", "-b, --both          allow/deny: both directions" },
	{ OPT_CONFIG, "config", "-c, --config FILE   daemon: policy file (default " P2PREACH_CONFIG ")" },
	{ OPT_DIFF, "diff", "    --diff FILE     show: live edits that FILE does not have" },
	{ OPT_FORMAT, "format", "-f, --format FMT    stats: text, openmetrics or prometheus" },
	{ OPT_OUTPUT, "output", "-o, --output FILE   stats: write FILE atomically (default format prometheus)" },
	{ OPT_METRICS, "metrics-file", "    --metrics-file FILE\n"
	  "                      daemon: keep FILE up to date for node_exporter's\n"
	  "                      textfile collector" },
	{ OPT_MATRIX, "matrix", "-m, --matrix        show: the compact matrix, like nvidia-smi topo -m" },
};

#define N_COMMAND_OPTIONS (sizeof(command_options) / sizeof(command_options[0]))

static const char global_options_usage[] =
	"  -j, --json          JSON output; errors too ({\"error\": ...})\n"
	"  -p, --pretty        indented JSON (implies --json)\n"
	"  -d, --pin-dir DIR   where the policy is pinned (default " P2PREACH_PIN_DIR ")\n"
	"  -v, --verbose       libbpf's messages too\n"
	"  -h, --help          this text\n"
	"  -V, --version       the version\n";

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

/* Append word to a ", "-separated list, if it fits. */
static void list_add(char *list, size_t size, const char *word)
{
	size_t len = strlen(list);

	snprintf(list + len, size - len, "%s%s", len ? ", " : "", word);
}

/* Exact name, or the one command that starts with word (as bpftool). */
static int find_command(const char *word, char *err, size_t errlen)
{
	char list[256] = "";
	int found = -1, n = 0;

	for (size_t i = 0; i < nr_commands; i++)
		if (!strcmp(word, commands[i].name))
			return i;
	for (size_t i = 0; i < nr_commands; i++) {
		if (strncmp(word, commands[i].name, strlen(word)))
			continue;
		found = i;
		n++;
		list_add(list, sizeof(list), commands[i].name);
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
static int bad_option(const char *word, int opt, char *err, size_t errlen)
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
	for (const struct option *o = long_options; o->name; o++) {
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

/* "--both is for allow and deny": the commands that take an option. */
static int option_refused(const struct cli *c, size_t opt, char *err, size_t errlen)
{
	const char *names[16];
	char list[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < nr_commands && n < 16; i++)
		if (commands[i].options & command_options[opt].bit)
			names[n++] = commands[i].name;
	for (size_t i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
	return fail(err, errlen, "%s: --%s is for %s%s%s%s", c->name,
		    command_options[opt].name, list,
		    strstr(c->command->args, "FILE") ? " (use " : "",
		    strstr(c->command->args, "FILE") ? c->name : "",
		    strstr(c->command->args, "FILE") ? " FILE)" : "");
}

bool cli_is_edit(const struct cli *c)
{
	return c->command && (c->command->flags & CMD_EDIT);
}

int cli_parse_pair(struct cli *c, char **args, int nargs, char *err, size_t errlen)
{
	for (int i = 0; i < 2; i++)
		if (!*args[i] || strlen(args[i]) >= P2PREACH_NAME_LEN)
			return fail(err, errlen, "%s: bad device '%s' (1 to %d characters)",
				    c->name, args[i], P2PREACH_NAME_LEN - 1);
	if (!strcmp(args[0], args[1]))
		return fail(err, errlen, "%s: '%s' twice: a device always reaches its own memory",
			    c->name, args[0]);
	c->client = args[0];
	c->provider = args[1];
	/* allow's access is read or rw; deny has none. */
	c->verdict = c->command->max_args == 2 ? P2PREACH_DENY : P2PREACH_ALLOW_RW;
	if (nargs == 3) {
		c->verdict = policy_parse_verdict(args[2]);
		if (c->verdict != P2PREACH_ALLOW_READ && c->verdict != P2PREACH_ALLOW_RW)
			return fail(err, errlen, "%s: bad access '%s' (read or rw)",
				    c->name, args[2]);
	}
	return 0;
}

int cli_parse_file(struct cli *c, char **args, int nargs, char *err, size_t errlen)
{
	c->file = nargs ? args[0] : NULL;
	if (c->file && !*c->file)
		return fail(err, errlen, "%s: empty file name", c->name);
	return 0;
}

int cli_parse_daemon(struct cli *c, char **args, int nargs, char *err, size_t errlen)
{
	if (!c->config)
		c->config = P2PREACH_CONFIG;
	if (!*c->config || (c->metrics && !*c->metrics))
		return fail(err, errlen, "%s: empty file name", c->name);
	return 0;
}

int cli_parse_show(struct cli *c, char **args, int nargs, char *err, size_t errlen)
{
	if (c->diff && !*c->diff)
		return fail(err, errlen, "%s: empty file name", c->name);
	if (c->matrix && c->diff)
		return fail(err, errlen, "%s: --matrix and --diff exclude each other", c->name);
	if (c->matrix && c->json)
		return fail(err, errlen, "%s: --matrix and --json exclude each other (the JSON has every pair)",
			    c->name);
	return 0;
}

int cli_parse_stats(struct cli *c, char **args, int nargs, char *err, size_t errlen)
{
	if (c->output && !*c->output)
		return fail(err, errlen, "%s: empty file name", c->name);
	if (c->output && c->json)
		return fail(err, errlen, "%s: --output and --json exclude each other",
			    c->name);
	if (c->format != STATS_TEXT && c->json)
		return fail(err, errlen, "%s: --format and --json exclude each other",
			    c->name);
	return 0;
}

static int parse_format(const char *s, struct cli *c, char *err, size_t errlen)
{
	if (!strcmp(s, "text"))
		c->format = STATS_TEXT;
	else if (!strcmp(s, "openmetrics"))
		c->format = STATS_OPENMETRICS;
	else if (!strcmp(s, "prometheus"))
		c->format = STATS_PROMETHEUS;
	else
		return fail(err, errlen, "--format: unknown format '%s' (text, openmetrics or prometheus)", s);
	return 0;
}

/* Find the table entry of help or version. */
static const struct command *builtin(const char *name)
{
	for (size_t i = 0; i < nr_commands; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
	struct cli c = {
		.pin_dir = P2PREACH_PIN_DIR,
		.verdict = P2PREACH_ALLOW_RW,
	};
	bool help = false, version = false, seen[N_COMMAND_OPTIONS] = { false };
	int opt, idx, nargs, ret;
	char **args;

	out->json = false;
	/* Our messages, not getopt's: they go through err like the rest. */
	opterr = 0;
	optind = 0;	/* full reinitialisation, so parsing can run twice */
	while ((opt = getopt_long(argc, argv, ":jpbc:f:o:d:mvhV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'j': c.json = out->json = true; break;
		case 'p': c.json = c.pretty = out->json = true; break;
		case 'b': c.both = seen[0] = true; break;
		case 'c': c.config = optarg; seen[1] = true; break;
		case 'D': c.diff = optarg; seen[2] = true; break;
		case 'f':
			seen[3] = true;
			if (parse_format(optarg, &c, err, errlen))
				return -EINVAL;
			break;
		case 'o': c.output = optarg; seen[4] = true; break;
		case 'M': c.metrics = optarg; seen[5] = true; break;
		case 'm': c.matrix = seen[6] = true; break;
		case 'd': c.pin_dir = optarg; break;
		case 'v': c.verbose = true; break;
		case 'h': help = true; break;
		case 'V': version = true; break;
		case ':':
			return fail(err, errlen, "option '%s' needs an argument",
				    argv[optind - 1]);
		default:
			return bad_option(argv[optind - 1], optopt, err, errlen);
		}
	}
	if (help || version) {
		c.command = builtin(help ? "help" : "version");
		c.name = c.command->name;
		*out = c;
		return 0;
	}
	if (optind >= argc)
		return fail(err, errlen, "missing command (try p2preach --help)");
	idx = find_command(argv[optind], err, errlen);
	if (idx < 0)
		return idx;
	args = argv + optind + 1;
	nargs = argc - optind - 1;
	c.command = &commands[idx];
	c.name = c.command->name;

	if (nargs < c.command->min_args)
		return fail(err, errlen, "%s: missing %s (usage: p2preach %s %s)",
			    c.name, nargs == 0 ? "arguments" : "argument",
			    c.name, c.command->args);
	if (nargs > c.command->max_args)
		return fail(err, errlen, "%s: unexpected argument '%s'",
			    c.name, args[c.command->max_args]);
	for (size_t i = 0; i < N_COMMAND_OPTIONS; i++)
		if (seen[i] && !(c.command->options & command_options[i].bit))
			return option_refused(&c, i, err, errlen);
	if (!*c.pin_dir)
		return fail(err, errlen, "--pin-dir: empty directory name");
	if (c.command->parse_args) {
		ret = c.command->parse_args(&c, args, nargs, err, errlen);
		if (ret)
			return ret;
	}
	*out = c;
	return 0;
}

void cli_print_usage(FILE *f)
{
	char syn[128];

	fputs("usage: p2preach [OPTIONS] COMMAND [ARGS]\n\n", f);
	for (size_t i = 0; i < nr_commands; i++) {
		const char *h = commands[i].help;

		snprintf(syn, sizeof(syn), "%s%s%s", commands[i].name,
			 commands[i].args[0] ? " " : "", commands[i].args);
		fprintf(f, "  %-32s ", syn);
		for (; *h; h++) {
			fputc(*h, f);
			if (*h == '\n')
				fprintf(f, "  %-32s ", "");
		}
		fputc('\n', f);
	}
	fputs("\n"
	      "  CLIENT and PROVIDER are device names (dev_name(), e.g. 0000:3b:00.0),\n"
	      "  NAME/N for the Nth memory (provider) of a device, or aliases from the\n"
	      "  policy file; the kernel's ids for them are in\n"
	      "  /sys/kernel/mm/pagemap_reach/devices. \"A -> B\" means A may access\n"
	      "  memory that lives in B.\n"
	      "\n"
	      "options:\n", f);
	fputs(global_options_usage, f);
	for (size_t i = 0; i < N_COMMAND_OPTIONS; i++)
		fprintf(f, "  %s\n", command_options[i].usage);
}

int cmd_help(const struct cli *c)
{
	cli_print_usage(stdout);
	return 0;
}

int cmd_version(const struct cli *c)
{
	printf("p2preach %s\n", P2PREACH_VERSION);
	return 0;
}
