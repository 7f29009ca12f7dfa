/* SPDX-License-Identifier: GPL-2.0 */
/* The commands of p2preach: 0 on success, a negative errno on failure. */
#ifndef P2PREACH_COMMANDS_H
#define P2PREACH_COMMANDS_H

#include "cli.h"

int cmd_load(const struct cli *c);
int cmd_edit(const struct cli *c);	/* allow, deny */
int cmd_apply(const struct cli *c);
int cmd_check(const struct cli *c);
int cmd_detach(const struct cli *c);
int cmd_show(const struct cli *c);
int cmd_stats(const struct cli *c);
int cmd_status(const struct cli *c);
int cmd_daemon(const struct cli *c);
int cmd_topology(const struct cli *c);

/* Parse and apply file under the lock; the daemon's reload too. */
int apply_file(const char *pin_dir, const char *file);

#endif
