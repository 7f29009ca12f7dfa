// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the command line parser (loader/cli.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "cli.h"
#include "p2preach.h"
#include "policy_maps.h"

static struct cli c;
static char err[512];

/* parse("allow", "a", "b", NULL): argv with "p2preach" in front. */
static int parse_v(const char *first, va_list ap)
{
	char *argv[32] = { "p2preach" };
	int argc = 1;

	for (const char *s = first; s && argc < 31; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	memset(&c, 0, sizeof(c));
	err[0] = '\0';
	return cli_parse(argc, argv, &c, err, sizeof(err));
}

static int parse(const char *first, ...)
{
	va_list ap;
	int ret;

	va_start(ap, first);
	ret = parse_v(first, ap);
	va_end(ap);
	return ret;
}

#define assert_error(msg, ...) do {					\
	assert_int_equal(parse(__VA_ARGS__, NULL), -EINVAL);		\
	assert_string_equal(err, msg);					\
} while (0)

static void test_allow(void **state)
{
	(void)state;
	assert_int_equal(parse("allow", "gpu0", "gpu1", NULL), 0);
	assert_int_equal(c.cmd, CMD_ALLOW);
	assert_string_equal(c.client, "gpu0");
	assert_string_equal(c.provider, "gpu1");
	assert_int_equal(c.verdict, P2PREACH_ALLOW_RW);
	assert_false(c.both);
	assert_string_equal(c.pin_dir, P2PREACH_PIN_DIR);

	assert_int_equal(parse("allow", "gpu0", "gpu1", "read", "--both", NULL), 0);
	assert_int_equal(c.verdict, P2PREACH_ALLOW_READ);
	assert_true(c.both);
	/* Options anywhere, short forms too. */
	assert_int_equal(parse("-b", "allow", "gpu0", "gpu1", "rw", NULL), 0);
	assert_int_equal(c.verdict, P2PREACH_ALLOW_RW);
	assert_true(c.both);
}

static void test_deny(void **state)
{
	(void)state;
	assert_int_equal(parse("deny", "0000:3b:00.0", "0000:5e:00.0", NULL), 0);
	assert_int_equal(c.cmd, CMD_DENY);
	assert_int_equal(c.verdict, P2PREACH_DENY);
}

static void test_read_commands_and_json(void **state)
{
	(void)state;
	assert_int_equal(parse("show", "--json", NULL), 0);
	assert_int_equal(c.cmd, CMD_SHOW);
	assert_true(c.json);
	assert_false(c.pretty);
	assert_int_equal(parse("-p", "status", NULL), 0);
	assert_int_equal(c.cmd, CMD_STATUS);
	assert_true(c.json && c.pretty);
	assert_int_equal(parse("stats", "-j", NULL), 0);
	assert_int_equal(c.cmd, CMD_STATS);
	assert_int_equal(parse("check", "-j", "f.conf", NULL), 0);
	assert_int_equal(c.cmd, CMD_CHECK);
	assert_string_equal(c.file, "f.conf");
}

static void test_abbreviations(void **state)
{
	(void)state;
	assert_int_equal(parse("sh", NULL), 0);
	assert_int_equal(c.cmd, CMD_SHOW);
	assert_string_equal(c.name, "show");
	assert_int_equal(parse("det", NULL), 0);
	assert_int_equal(c.cmd, CMD_DETACH);
	assert_error("ambiguous command 'stat' (stats, status)", "stat");
	assert_error("ambiguous command 's' (show, stats, status)", "s");
	assert_error("ambiguous command 'de' (deny, detach)", "de");
}

static void test_daemon_config(void **state)
{
	(void)state;
	assert_int_equal(parse("daemon", NULL), 0);
	assert_int_equal(c.cmd, CMD_DAEMON);
	assert_string_equal(c.config, P2PREACH_CONFIG);
	assert_int_equal(parse("daemon", "--config", "/tmp/p.conf", "-d", "/sys/fs/bpf/x", NULL), 0);
	assert_string_equal(c.config, "/tmp/p.conf");
	assert_string_equal(c.pin_dir, "/sys/fs/bpf/x");
}

static void test_help_and_version(void **state)
{
	(void)state;
	assert_int_equal(parse("--help", NULL), 0);
	assert_int_equal(c.cmd, CMD_HELP);
	assert_int_equal(parse("allow", "-h", NULL), 0);	/* help wins */
	assert_int_equal(c.cmd, CMD_HELP);
	assert_int_equal(parse("-V", NULL), 0);
	assert_int_equal(c.cmd, CMD_VERSION);
}

static void test_err_command(void **state)
{
	(void)state;
	assert_int_equal(parse(NULL), -EINVAL);
	assert_string_equal(err, "missing command (try p2preach --help)");
	assert_error("unknown command 'frobnicate' (try p2preach --help)", "frobnicate");
	assert_error("unknown command '' (try p2preach --help)", "");
}

static void test_err_arguments(void **state)
{
	(void)state;
	assert_error("allow: missing arguments (usage: p2preach allow CLIENT PROVIDER [read|rw])",
		     "allow");
	assert_error("allow: missing argument (usage: p2preach allow CLIENT PROVIDER [read|rw])",
		     "allow", "gpu0");
	assert_error("deny: unexpected argument 'rw'", "deny", "a", "b", "rw");
	assert_error("allow: unexpected argument 'extra'", "allow", "a", "b", "rw", "extra");
	assert_error("show: unexpected argument 'gpu0'", "show", "gpu0");
	assert_error("apply: missing arguments (usage: p2preach apply FILE)", "apply");
	assert_error("apply: empty file name", "apply", "");
	assert_error("allow: bad access 'sideways' (read or rw)", "allow", "a", "b", "sideways");
	/* deny is not an access level of allow. */
	assert_error("allow: bad access 'deny' (read or rw)", "allow", "a", "b", "deny");
	assert_error("allow: 'gpu0' twice: a device always reaches its own memory",
		     "allow", "gpu0", "gpu0");
	assert_error("deny: bad device '' (1 to 63 characters)", "deny", "", "b");
}

static void test_err_options(void **state)
{
	char long_name[80];

	(void)state;
	assert_error("unknown option '-x'", "-x", "show");
	assert_error("unknown option '--frob'", "show", "--frob");
	assert_error("option '--config' needs an argument", "daemon", "--config");
	assert_error("option '--pin-dir' needs an argument", "show", "--pin-dir");
	assert_error("option '-c' needs an argument", "daemon", "-c");
	/* glibc reports these as '?' with the option's letter or none. */
	assert_error("option '--json' takes no argument", "--json=1", "show");
	assert_error("option '--both' takes no argument", "allow", "a", "b", "--bo=yes");
	assert_error("ambiguous option '--p' (--pretty, --pin-dir)", "--p", "show");
	assert_error("ambiguous option '--p' (--pretty, --pin-dir)", "--p=x", "show");
	assert_error("unknown option '--frob=1'", "--frob=1", "show");
	/* A bad letter later in a cluster is named, not the word before. */
	assert_error("unknown option '-x'", "--json", "-xj", "show");
	assert_error("unknown option '-x'", "--pin-dir=/a", "-xj", "show");
	assert_error("allow: --json is for show, stats, status, check and topology",
		     "allow", "a", "b", "-j");
	assert_error("topology: unknown action 'flil' (show or fill)", "topology", "flil");
	assert_error("topology: --json is for topology show", "topology", "fill", "-j");
	assert_error("show: --both is for allow and deny", "show", "--both");
	assert_error("apply: --config is for daemon (use apply FILE)",
		     "apply", "--config", "x", "f");
	assert_error("--pin-dir: empty directory name", "--pin-dir", "", "show");
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_error("allow: bad device 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' (1 to 63 characters)",
		     "allow", long_name, "b");
}

static void test_edits_need_root(void **state)
{
	(void)state;
	static const char *const edits[][4] = {
		{ "allow", "a", "b" }, { "deny", "a", "b" }, { "apply", "f" },
		{ "detach" }, { "daemon" }, { "load" }, { "topology", "fill" },
	};
	static const char *const reads[][4] = {
		{ "show" }, { "check", "f" }, { "stats" }, { "status" },
		{ "topology" }, { "topology", "show" },
	};

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		assert_int_equal(parse(edits[i][0], edits[i][1], edits[i][2], NULL), 0);
		assert_true(cli_is_edit(&c));
	}
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		assert_int_equal(parse(reads[i][0], reads[i][1], NULL), 0);
		assert_false(cli_is_edit(&c));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_deny),
		cmocka_unit_test(test_read_commands_and_json),
		cmocka_unit_test(test_abbreviations),
		cmocka_unit_test(test_daemon_config),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_err_command),
		cmocka_unit_test(test_err_arguments),
		cmocka_unit_test(test_err_options),
		cmocka_unit_test(test_edits_need_root),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL) ? 1 : 0;
}
