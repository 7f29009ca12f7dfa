// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the command line parser and of what the command table
 * generates (loader/cli.c, loader/commands.c, loader/completion.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "p2preach.h"
#include "pins.h"

#define MAX_WORDS 8

static struct cli c;
static char err[512];

/* argv with "p2preach" in front; words end at the first NULL. */
static int parse_words(const char *const words[MAX_WORDS])
{
	char *argv[MAX_WORDS + 2] = { "p2preach" };
	int argc = 1;

	for (int i = 0; i < MAX_WORDS && words[i]; i++)
		argv[argc++] = (char *)words[i];
	memset(&c, 0, sizeof(c));
	err[0] = '\0';
	return cli_parse(argc, argv, &c, err, sizeof(err));
}

/* Command lines that parse, and what they mean. */
static const struct {
	const char *words[MAX_WORDS];
	const char *name;	/* the command's full name */
	int verdict;
	bool both, json, pretty, edit, matrix;
	const char *file;
} good[] = {
	{ { "allow", "0000:3b:00.0", "0000:5e:00.0" }, "allow", P2PREACH_ALLOW_RW, .edit = true },
	{ { "allow", "gpu0", "gpu1", "read", "--both" }, "allow", P2PREACH_ALLOW_READ, .both = true, .edit = true },
	/* Options anywhere, short forms too. */
	{ { "-b", "allow", "gpu0", "gpu1", "rw" }, "allow", P2PREACH_ALLOW_RW, .both = true, .edit = true },
	{ { "deny", "a", "b" }, "deny", P2PREACH_DENY, .edit = true },
	{ { "deny", "a", "b", "--both" }, "deny", P2PREACH_DENY, .both = true, .edit = true },
	{ { "show", "--json" }, "show", P2PREACH_ALLOW_RW, .json = true },
	{ { "-p", "status" }, "status", P2PREACH_ALLOW_RW, .json = true, .pretty = true },
	{ { "stats", "-j" }, "stats", P2PREACH_ALLOW_RW, .json = true },
	{ { "check", "-j", "f.conf" }, "check", P2PREACH_ALLOW_RW, .json = true, .file = "f.conf" },
	{ { "apply", "f.conf" }, "apply", P2PREACH_ALLOW_RW, .edit = true, .file = "f.conf" },
	{ { "load" }, "load", P2PREACH_ALLOW_RW, .edit = true },
	{ { "load", "p.conf" }, "load", P2PREACH_ALLOW_RW, .edit = true, .file = "p.conf" },
	{ { "detach" }, "detach", P2PREACH_ALLOW_RW, .edit = true },
	{ { "daemon" }, "daemon", P2PREACH_ALLOW_RW, .edit = true },
	/* --json is global: edits print null, their errors are JSON. */
	{ { "allow", "a", "b", "-j" }, "allow", P2PREACH_ALLOW_RW, .json = true, .edit = true },
	/* Abbreviations, as long as one command starts so. */
	{ { "sh" }, "show", P2PREACH_ALLOW_RW, .edit = false },
	{ { "det" }, "detach", P2PREACH_ALLOW_RW, .edit = true },
	{ { "show", "-m" }, "show", P2PREACH_ALLOW_RW, .matrix = true },
	{ { "--matrix", "show" }, "show", P2PREACH_ALLOW_RW, .matrix = true },
	{ { "--help" }, "help", P2PREACH_ALLOW_RW, .edit = false },
	{ { "allow", "-h" }, "help", P2PREACH_ALLOW_RW, .edit = false },	/* help wins */
	{ { "-V" }, "version", P2PREACH_ALLOW_RW, .edit = false },
	{ { "version" }, "version", P2PREACH_ALLOW_RW, .edit = false },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (parse_words(good[i].words))
			fail_msg("case %zu (%s): %s", i, good[i].words[0], err);
		assert_non_null(c.command);
		assert_string_equal(c.name, good[i].name);
		assert_string_equal(c.command->name, good[i].name);
		assert_int_equal(c.matrix, good[i].matrix);
		if (!strcmp(good[i].name, "allow") || !strcmp(good[i].name, "deny"))
			assert_int_equal(c.verdict, good[i].verdict);
		assert_int_equal(c.both, good[i].both);
		assert_int_equal(c.json, good[i].json);
		assert_int_equal(c.pretty, good[i].pretty);
		assert_int_equal(cli_is_edit(&c), good[i].edit);
		if (good[i].file)
			assert_string_equal(c.file, good[i].file);
		else
			assert_null(c.file);
		assert_string_equal(c.pin_dir, P2PREACH_PIN_DIR);
	}
}

static void test_options_with_values(void **state)
{
	(void)state;
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "daemon" }), 0);
	assert_string_equal(c.config, P2PREACH_CONFIG);
	assert_int_equal(parse_words((const char *[MAX_WORDS]){
		"daemon", "--config", "/tmp/p.conf", "-d", "/sys/fs/bpf/x" }), 0);
	assert_string_equal(c.config, "/tmp/p.conf");
	assert_string_equal(c.pin_dir, "/sys/fs/bpf/x");
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "show", "--diff", "p.conf" }), 0);
	assert_string_equal(c.diff, "p.conf");
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "stats", "--format", "openmetrics" }), 0);
	assert_int_equal(c.format, STATS_OPENMETRICS);
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "stats", "-f", "text" }), 0);
	assert_int_equal(c.format, STATS_TEXT);
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "stats", "-o", "/var/lib/n/p2preach.prom" }), 0);
	assert_string_equal(c.output, "/var/lib/n/p2preach.prom");
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "daemon", "--metrics-file", "m.prom" }), 0);
	assert_string_equal(c.metrics, "m.prom");
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "-v", "status" }), 0);
	assert_true(c.verbose);
}

/* Command lines refused, with the message the admin sees. */
static const struct {
	const char *words[MAX_WORDS];
	const char *error;
} bad[] = {
	{ { NULL }, "missing command (try p2preach --help)" },
	{ { "frobnicate" }, "unknown command 'frobnicate' (try p2preach --help)" },
	{ { "" }, "unknown command '' (try p2preach --help)" },
	{ { "stat" }, "ambiguous command 'stat' (stats, status)" },
	{ { "s" }, "ambiguous command 's' (show, stats, status)" },
	{ { "de" }, "ambiguous command 'de' (deny, detach)" },
	{ { "allow" }, "allow: missing arguments (usage: p2preach allow CLIENT PROVIDER [read|rw])" },
	{ { "allow", "gpu0" }, "allow: missing argument (usage: p2preach allow CLIENT PROVIDER [read|rw])" },
	{ { "deny", "a", "b", "rw" }, "deny: unexpected argument 'rw'" },
	{ { "allow", "a", "b", "rw", "extra" }, "allow: unexpected argument 'extra'" },
	{ { "show", "gpu0" }, "show: unexpected argument 'gpu0'" },
	{ { "apply" }, "apply: missing arguments (usage: p2preach apply FILE)" },
	{ { "apply", "" }, "apply: empty file name" },
	{ { "allow", "a", "b", "sideways" }, "allow: bad access 'sideways' (read or rw)" },
	/* deny is not an access level of allow. */
	{ { "allow", "a", "b", "deny" }, "allow: bad access 'deny' (read or rw)" },
	{ { "allow", "gpu0", "gpu0" }, "allow: 'gpu0' twice: a device always reaches its own memory" },
	{ { "deny", "", "b" }, "deny: bad device '' (1 to 63 characters)" },
	{ { "-x", "show" }, "unknown option '-x'" },
	{ { "show", "--frob" }, "unknown option '--frob'" },
	{ { "daemon", "--config" }, "option '--config' needs an argument" },
	{ { "show", "--pin-dir" }, "option '--pin-dir' needs an argument" },
	{ { "daemon", "-c" }, "option '-c' needs an argument" },
	/* glibc reports these as '?' with the option's letter or none. */
	{ { "--json=1", "show" }, "option '--json' takes no argument" },
	{ { "allow", "a", "b", "--bo=yes" }, "option '--both' takes no argument" },
	{ { "--p", "show" }, "ambiguous option '--p' (--pretty, --pin-dir)" },
	{ { "--p=x", "show" }, "ambiguous option '--p' (--pretty, --pin-dir)" },
	{ { "--frob=1", "show" }, "unknown option '--frob=1'" },
	/* A bad letter later in a cluster is named, not the word before. */
	{ { "--json", "-xj", "show" }, "unknown option '-x'" },
	{ { "--pin-dir=/a", "-xj", "show" }, "unknown option '-x'" },
	{ { "topology" }, "unknown command 'topology' (try p2preach --help)" },
	{ { "show", "-m", "--diff", "f" }, "show: --matrix and --diff exclude each other" },
	{ { "show", "-m", "-j" }, "show: --matrix and --json exclude each other (the JSON has every pair)" },
	{ { "stats", "-m" }, "stats: --matrix is for show" },
	{ { "show", "--both" }, "show: --both is for allow and deny" },
	{ { "apply", "--config", "x", "f" }, "apply: --config is for daemon (use apply FILE)" },
	{ { "status", "--diff", "f" }, "status: --diff is for show" },
	{ { "show", "--format", "text" }, "show: --format is for stats" },
	{ { "stats", "--format", "xml" }, "--format: unknown format 'xml' (text, openmetrics or prometheus)" },
	{ { "stats", "--format", "openmetrics", "-j" }, "stats: --format and --json exclude each other" },
	{ { "show", "--diff", "" }, "show: empty file name" },
	{ { "stats", "--output", "" }, "stats: empty file name" },
	{ { "stats", "-o", "f", "-j" }, "stats: --output and --json exclude each other" },
	{ { "show", "--output", "f" }, "show: --output is for stats" },
	{ { "stats", "--metrics-file", "f" }, "stats: --metrics-file is for daemon" },
	{ { "daemon", "--metrics-file", "" }, "daemon: empty file name" },
	{ { "--pin-dir", "", "show" }, "--pin-dir: empty directory name" },
	{ { "allow", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "b" },
	  "allow: bad device 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' (1 to 63 characters)" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_words(bad[i].words), -EINVAL);
		if (strcmp(err, bad[i].error))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, bad[i].error);
	}
}

/* A parse error still says whether --json was asked for, to answer in JSON. */
static void test_json_known_on_error(void **state)
{
	(void)state;
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "--json", "frob" }), -EINVAL);
	assert_true(c.json);
	assert_int_equal(parse_words((const char *[MAX_WORDS]){ "frob" }), -EINVAL);
	assert_false(c.json);
}

static char *capture(void (*print)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	print(f);
	fclose(f);
	return buf;
}

/* Every command of the table is in the usage text, with its arguments. */
static void test_usage_lists_every_command(void **state)
{
	char *usage = capture(cli_print_usage), line[128];

	(void)state;
	for (size_t i = 0; i < nr_commands; i++) {
		snprintf(line, sizeof(line), "\n  %s", commands[i].name);
		assert_non_null(strstr(usage, line));
		assert_non_null(strstr(usage, commands[i].args));
	}
	assert_non_null(strstr(usage, "  allow CLIENT PROVIDER [read|rw]"));
	assert_non_null(strstr(usage, "  check FILE"));
	assert_non_null(strstr(usage, "-m, --matrix"));
	assert_non_null(strstr(usage, "--format FMT"));
	free(usage);
}

/* The committed completion script is the one the table generates. */
static void test_completion_is_current(void **state)
{
	char *want = capture(cli_print_completion), *got;
	FILE *f = fopen("packaging/p2preach.bash-completion", "r");
	size_t len;

	(void)state;
	assert_non_null(f);
	got = calloc(1, 1 << 16);
	assert_non_null(got);
	len = fread(got, 1, (1 << 16) - 1, f);
	fclose(f);
	got[len] = '\0';
	if (strcmp(got, want))
		fail_msg("packaging/p2preach.bash-completion is stale: run make completion");
	free(got);
	free(want);
}

/* One entry per name, and edits are refused to non-root. */
static void test_table_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < nr_commands; i++) {
		for (size_t j = i + 1; j < nr_commands; j++)
			assert_string_not_equal(commands[i].name, commands[j].name);
		if (commands[i].flags & CMD_LOCK)
			assert_true(commands[i].flags & CMD_EDIT);
		if (commands[i].flags & CMD_EDIT)
			assert_true(commands[i].flags & CMD_ROOT);
		assert_true(commands[i].min_args <= commands[i].max_args);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_options_with_values),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_json_known_on_error),
		cmocka_unit_test(test_usage_lists_every_command),
		cmocka_unit_test(test_completion_is_current),
		cmocka_unit_test(test_table_shape),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL) ? 1 : 0;
}
