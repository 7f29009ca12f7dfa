/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The admin's policy file, parsed. Pure userspace: no libbpf, no kernel.
 *
 *   device ALIAS = DEVNAME       declare a device: its dev_name() (a PCI
 *                                device's is its address), or DEVNAME/N
 *                                for the Nth of its providers (0, 1, ...)
 *   allow X -> Y [up to LEVEL] [read|rw]
 *                                X may access Y's memory (default rw); with
 *                                a level, only where the PCI path between
 *                                them is that close (topology.h): PIX, PXB,
 *                                PHB, NODE or SYS, as NCCL_P2P_LEVEL
 *   allow X <-> Y [up to LEVEL] [read|rw]   both directions
 *   deny X -> Y | deny X <-> Y
 *   default deny|read|rw         verdict no rule sets (default: deny)
 *
 * X and Y are an alias, a declared DEVNAME, or '*' (every declared device).
 * Names must be declared before a rule uses them; '*' means every device
 * of the file, declared before or after. Later rules win over earlier ones.
 * '#' starts a comment anywhere, so a DEVNAME cannot contain it. Rules are
 * kept by device; the kernel's ids they stand for are looked up when the
 * policy is applied (policy_rules.h), so a device may be absent.
 */
#ifndef P2PREACH_POLICY_FILE_H
#define P2PREACH_POLICY_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "p2preach.h"
#include "topology.h"

#define POLICY_MAX_RULES	4096
#define POLICY_MAX_LINE		1023	/* characters, without the newline */
#define POLICY_ANY		0xffff	/* '*' in a rule */

struct policy_device {
	char alias[P2PREACH_ALIAS_LEN];
	char name[P2PREACH_NAME_LEN];	/* dev_name() or dev_name/N */
	__u32 line;			/* where it was declared */
};

/* One allow/deny statement, kept as written; policy_resolve() expands it. */
struct policy_rule {
	__u16 client;	/* device index, or POLICY_ANY */
	__u16 provider;	/* device index, or POLICY_ANY */
	__u8 verdict;	/* P2PREACH_DENY, _ALLOW_READ or _ALLOW_RW */
	bool both;	/* '<->': also provider -> client */
	__u8 level;	/* up to this enum topo_class; TOPO_UNKNOWN: any pair */
	__u32 line;
};

/*
 * A plain value: copy it with '=', no cleanup. Device i is the i-th
 * `device` line; the ids it has are another matter (policy_rules.h).
 * About 55 KB: keep it off the stack.
 */
struct policy {
	__u64 text_hash;	/* of the text parsed: has the file changed since? */
	__u32 default_verdict;
	__u32 default_line;	/* of the default statement; 0 without one */
	__u32 nr_devices;
	__u32 nr_rules;
	struct policy_device devices[P2PREACH_MAX_DEVICES];
	struct policy_rule rules[POLICY_MAX_RULES];
};

/*
 * Parse text (a NUL-terminated file's contents). On success return 0 and
 * fill *out. On error return -EINVAL (-ENOMEM), leave *out untouched, and write
 * "NAME:LINE: what is wrong" to err (if errlen > 0; truncated to fit).
 * Parsing stops at the first error. name_for_errors may be NULL.
 */
int policy_parse_string(const char *text, const char *name_for_errors,
			struct policy *out, char *err, size_t errlen);

/*
 * Read the file at path and parse it as above; errors are named by path.
 * A file that cannot be read gives -errno and "PATH: cannot read: reason";
 * one over 16 MiB gives -EFBIG.
 */
int policy_file_parse(const char *path, struct policy *out,
		      char *err, size_t errlen);

/* The hash policy_parse_string() records in text_hash. */
__u64 policy_text_hash(const char *text);

#endif
