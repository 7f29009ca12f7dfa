// SPDX-License-Identifier: GPL-2.0
/*
 * The counters for Prometheus: one counter family of decisions labelled
 * by ordered pair and verdict, and two gauges for the policy. OpenMetrics
 * 1.0 names a counter family without its "_total" and ends with "# EOF";
 * the older Prometheus text format (what node_exporter's textfile
 * collector and promtool read) names it with the suffix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "verdict.h"

/* A label value with \, " and newline escaped, as the format wants. */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void decisions(FILE *f, const char *client, const char *provider,
		      const struct p2preach_pair_stats *st)
{
	for (int v = 0; v <= P2PREACH_NR_VERDICTS; v++) {
		fputs("p2preach_decisions_total{client=\"", f);
		label_value(f, client);
		fputs("\",provider=\"", f);
		label_value(f, provider);
		fprintf(f, "\",verdict=\"%s\"} %llu\n",
			v < P2PREACH_NR_VERDICTS ? policy_verdict_name(v) : "invalid",
			(unsigned long long)(v < P2PREACH_NR_VERDICTS ?
					     st->verdicts[v] : st->invalid));
	}
}

int metrics_write(FILE *f, const struct stats_report *r, enum metrics_format fmt)
{
	const char *family = fmt == METRICS_OPENMETRICS ? "p2preach_decisions" :
			     "p2preach_decisions_total";

	fputs("# HELP p2preach_policy_attached Whether a p2preach policy is attached (1) or not (0).\n"
	      "# TYPE p2preach_policy_attached gauge\n", f);
	fprintf(f, "p2preach_policy_attached %d\n", r->attached ? 1 : 0);
	fputs("# HELP p2preach_policy_generation Edits committed to the policy since it was loaded.\n"
	      "# TYPE p2preach_policy_generation gauge\n", f);
	fprintf(f, "p2preach_policy_generation %llu\n", (unsigned long long)r->generation);
	fprintf(f, "# HELP %s Peer access decisions by ordered pair (client accessing provider's memory) and verdict; an empty client and provider count pairs with an id past the matrix.\n"
		"# TYPE %s counter\n", family, family);
	for (unsigned i = 0; i < r->nr_pairs; i++)
		decisions(f, r->pairs[i].client, r->pairs[i].provider, &r->pairs[i].st);
	decisions(f, "", "", &r->other);
	if (fmt == METRICS_OPENMETRICS)
		fputs("# EOF\n", f);
	return fflush(f) || ferror(f) ? -EIO : 0;
}

int metrics_write_file(const char *path, const struct stats_report *r,
		       enum metrics_format fmt)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 8);
	FILE *f = NULL;
	int fd, err;

	if (!tmp)
		return -ENOMEM;
	/* Beside it, so that rename() is atomic; no ".prom" until then. */
	snprintf(tmp, len + 8, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		goto unlink;
	}
	err = metrics_write(f, r, fmt);
	if (!err && fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -EIO;
	if (!err && rename(tmp, path))
		err = -errno;
unlink:
	if (err)
		unlink(tmp);
out:
	free(tmp);
	return err;
}
