/* SPDX-License-Identifier: GPL-2.0 */
/* Tell the kernel the policy changed (revocation of peer mappings). */
#ifndef P2PREACH_ANNOUNCE_H
#define P2PREACH_ANNOUNCE_H

#include "id_set.h"

/* More providers than this changed: one announcement for all is cheaper. */
#define ANNOUNCE_MAX_SCOPED	8

/*
 * After a map edit: the kernel bumps the generation of each provider in
 * providers (of every provider with providers NULL, or when there are
 * more than ANNOUNCE_MAX_SCOPED) and drivers drop peer mappings of that
 * memory granted under the old verdicts. A provider gone meanwhile needs
 * nothing: its removal was a change of its own. 0, -EOPNOTSUPP when the
 * kernel has no announcement call, or another -errno. With pin_dir (the
 * policy's pins), the announcing program is pinned there the first time
 * and reused after: loading it costs more than the rest of an edit.
 */
int policy_announce(const char *pin_dir, const struct id_set *providers);

#endif
