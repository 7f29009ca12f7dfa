/* SPDX-License-Identifier: GPL-2.0 */
/* The decision counters of the pinned policy, read in one go. */
#ifndef P2PREACH_STATS_H
#define P2PREACH_STATS_H

#include "metrics.h"

/* Fill r (pairs on the heap: stats_free()); 0 or -errno with a message. */
int stats_read(const char *pin_dir, struct stats_report *r);
void stats_free(struct stats_report *r);

#endif
