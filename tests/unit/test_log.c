// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the messages (loader/log.c): libbpf's lines go through
 * it, debug ones only with -v, and with --json the first error is kept
 * for {"error": ...} instead of going to stderr.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* What log.c writes to stderr while fn runs. */
static char *stderr_of(void (*fn)(void))
{
	static char buf[4096];
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

/* As main.c's libbpf print hook passes them: a va_list, a newline at the end. */
static void libbpf_line(enum log_prio prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msg(prio, fmt, ap);
	va_end(ap);
}

static void plain(void)
{
	log_setup(false, false);
	libbpf_line(LOG_PRIO_WARN, "libbpf: map '%s': failed\n", "p2p_stats");
	libbpf_line(LOG_PRIO_DEBUG, "libbpf: loading %s\n", "object");
	log_err("cannot read the policy: %s", "No such file or directory");
	log_info("waiting for another edit");
}

static void verbose(void)
{
	log_setup(true, false);
	libbpf_line(LOG_PRIO_DEBUG, "libbpf: loading %s\n", "object");
}

static void json(void)
{
	log_setup(false, true);
	log_err("first: %d", 1);
	log_err("second");
	log_warn("still on stderr");
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(stderr_of(plain),
			    "p2preach: warning: libbpf: map 'p2p_stats': failed\n"
			    "p2preach: cannot read the policy: No such file or directory\n"
			    "p2preach: waiting for another edit\n");
	assert_null(log_json_error());
}

static void test_verbose(void **state)
{
	(void)state;
	assert_string_equal(stderr_of(verbose), "p2preach: libbpf: loading object\n");
}

static void test_json(void **state)
{
	(void)state;
	assert_string_equal(stderr_of(json), "p2preach: warning: still on stderr\n");
	assert_string_equal(log_json_error(), "first: 1");
	log_setup(false, false);
	assert_null(log_json_error());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_verbose),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL) ? 1 : 0;
}
