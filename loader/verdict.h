/* SPDX-License-Identifier: GPL-2.0 */
/* Verdict names as the admin writes them. Pure: no libbpf. */
#ifndef P2PREACH_VERDICT_H
#define P2PREACH_VERDICT_H

#include <linux/types.h>

/* Parse "deny", "read" or "rw"; returns -1 for anything else. */
int policy_parse_verdict(const char *s);
/* "deny", "read", "rw", or "invalid" for a value the kernel denies. */
const char *policy_verdict_name(__u32 verdict);

#endif
