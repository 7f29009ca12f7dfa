// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of stats for monitoring (loader/metrics.c). The texts are
 * also left in build/unit/ for promtool (tests/unit/promtool.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "metrics.h"

static struct stats_pair pairs[] = {
	{ "hmm_dmirror0", "hmm_dmirror1", "gpu0", "gpu1", { { 1, 2, 3 }, 4 }, 0, 3 },
	/* Names are the kernel's dev_name(): escape what the format needs. */
	{ "a\"b", "c\\d\ne", "x", "y", { { 0, 0, 18446744073709551615ull }, 0 }, 4, 5 },
};

static const struct stats_report report = {
	.attached = true,
	.generation = 7,
	.nr_pairs = 2,
	.pairs = pairs,
	.other = { { 5, 0, 0 }, 0 },
};

static char *render(enum metrics_format fmt, const char *keep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_write(f, &report, fmt), 0);
	fclose(f);
	f = fopen(keep, "w");
	if (f) {
		fputs(buf, f);
		fclose(f);
	}
	return buf;
}

static const char decisions[] =
	"p2preach_decisions_total{client=\"hmm_dmirror0\",provider=\"hmm_dmirror1\",verdict=\"deny\"} 1\n"
	"p2preach_decisions_total{client=\"hmm_dmirror0\",provider=\"hmm_dmirror1\",verdict=\"read\"} 2\n"
	"p2preach_decisions_total{client=\"hmm_dmirror0\",provider=\"hmm_dmirror1\",verdict=\"rw\"} 3\n"
	"p2preach_decisions_total{client=\"hmm_dmirror0\",provider=\"hmm_dmirror1\",verdict=\"invalid\"} 4\n"
	"p2preach_decisions_total{client=\"a\\\"b\",provider=\"c\\\\d\\ne\",verdict=\"deny\"} 0\n"
	"p2preach_decisions_total{client=\"a\\\"b\",provider=\"c\\\\d\\ne\",verdict=\"read\"} 0\n"
	"p2preach_decisions_total{client=\"a\\\"b\",provider=\"c\\\\d\\ne\",verdict=\"rw\"} 18446744073709551615\n"
	"p2preach_decisions_total{client=\"a\\\"b\",provider=\"c\\\\d\\ne\",verdict=\"invalid\"} 0\n"
	"p2preach_decisions_total{client=\"\",provider=\"\",verdict=\"deny\"} 5\n"
	"p2preach_decisions_total{client=\"\",provider=\"\",verdict=\"read\"} 0\n"
	"p2preach_decisions_total{client=\"\",provider=\"\",verdict=\"rw\"} 0\n"
	"p2preach_decisions_total{client=\"\",provider=\"\",verdict=\"invalid\"} 0\n";

static const char gauges[] =
	"# HELP p2preach_policy_attached Whether a p2preach policy is attached (1) or not (0).\n"
	"# TYPE p2preach_policy_attached gauge\n"
	"p2preach_policy_attached 1\n"
	"# HELP p2preach_policy_generation Edits committed to the policy since it was loaded.\n"
	"# TYPE p2preach_policy_generation gauge\n"
	"p2preach_policy_generation 7\n";

#define HELP " Peer access decisions by ordered pair (client accessing provider's memory) and verdict; an empty client and provider count pairs with an id past the matrix.\n"

/* The two formats differ in the counter family's name and the last line. */
static void test_formats(void **state)
{
	static const struct {
		enum metrics_format fmt;
		const char *keep, *family, *end;
	} formats[] = {
		{ METRICS_OPENMETRICS, "build/unit/metrics.om", "p2preach_decisions", "# EOF\n" },
		{ METRICS_PROMETHEUS, "build/unit/metrics.prom", "p2preach_decisions_total", "" },
	};
	char want[4096], *got;

	(void)state;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		got = render(formats[i].fmt, formats[i].keep);
		snprintf(want, sizeof(want), "%s# HELP %s" HELP "# TYPE %s counter\n%s%s",
			 gauges, formats[i].family, formats[i].family, decisions,
			 formats[i].end);
		assert_string_equal(got, want);
		free(got);
	}
}

/* The textfile collector's file: replaced whole, nothing left beside it. */
static void test_write_file(void **state)
{
	char dir[] = "/tmp/p2preach-metrics-XXXXXX", path[64], *want, got[4096];
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p2preach.prom", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(metrics_write_file(path, &report, METRICS_PROMETHEUS), 0);
	want = render(METRICS_PROMETHEUS, "/dev/null");
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	fclose(f);
	got[n] = '\0';
	assert_string_equal(got, want);
	free(want);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);	/* no temporary file left */
	/* A directory that is not there: an error, and nothing written. */
	assert_int_equal(metrics_write_file("/nonexistent/p2preach.prom", &report,
					    METRICS_PROMETHEUS), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_write_file),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL) ? 1 : 0;
}
