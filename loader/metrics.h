/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision counters, collected before they are printed: as text, as
 * JSON, or in the OpenMetrics text format for Prometheus. Pure.
 */
#ifndef P2PREACH_METRICS_H
#define P2PREACH_METRICS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "p2preach.h"

/* Names: dev_name or dev_name/N, "id N" for an id gone from sysfs. */
struct stats_pair {
	char client[P2PREACH_NAME_LEN], provider[P2PREACH_NAME_LEN];
	char client_label[P2PREACH_NAME_LEN], provider_label[P2PREACH_NAME_LEN];
	struct p2preach_pair_stats st;
	__u32 client_id, provider_id;
};

struct stats_report {
	bool attached;
	__u64 generation;
	unsigned nr_pairs;
	struct stats_pair *pairs;
	struct p2preach_pair_stats other;	/* ids past the matrix */
};

enum metrics_format {
	METRICS_OPENMETRICS,	/* OpenMetrics 1.0 text */
	METRICS_PROMETHEUS,	/* Prometheus text 0.0.4 (node_exporter, promtool) */
};

/* The report in that format; 0 or -EIO. */
int metrics_write(FILE *f, const struct stats_report *r, enum metrics_format fmt);

/*
 * The same into path, atomically (a file beside it, then rename), as
 * node_exporter's textfile collector wants: a reader sees the old text or
 * the new, never half of it. 0 or -errno; path is untouched on error.
 */
int metrics_write_file(const char *path, const struct stats_report *r,
		       enum metrics_format fmt);

#endif
