// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix policy in C. The work per decision mirrors the BPF policy:
 * copy each dev_name() into a zero-padded key, look it up in a hash table,
 * read one matrix cell, bump a per-CPU per-pair counter.
 */
#include <linux/debug_locks.h>
#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "native.h"

#define CELLS		(NATIVE_MAX_DEVICES * NATIVE_MAX_DEVICES)
#define DEFAULT_CELL	CELLS
#define UNKNOWN_CELL	CELLS

struct native_dev {
	struct hlist_node node;
	char key[NATIVE_NAME_LEN];
	u32 index;
};

struct native_stats {
	u64 verdicts[3];
	u64 invalid;
};

static DEFINE_HASHTABLE(devices, 10);
static u32 nr_devices;
static u32 *matrix;			/* CELLS + 1, the default last */
static struct native_stats *stats;	/* nr_cpu_ids rows of CELLS + 1 */
static bool attached;

static u32 key_hash(const char *key)
{
	return jhash(key, NATIVE_NAME_LEN, 0);
}

static struct native_dev *find(const char *key)
{
	struct native_dev *d;

	hash_for_each_possible(devices, d, node, key_hash(key))
		if (!memcmp(d->key, key, NATIVE_NAME_LEN))
			return d;
	return NULL;
}

static int device_index(struct device *dev, u32 *index)
{
	char key[NATIVE_NAME_LEN];
	struct native_dev *d;

	if (strscpy_pad(key, dev_name(dev)) < 0)
		return -1;
	d = find(key);
	if (!d)
		return -1;
	*index = d->index;
	return 0;
}

static int native_decide(struct device *client, struct device *provider,
			 struct dev_pagemap *pgmap,
			 enum pagemap_reach_access access,
			 enum pagemap_reach_origin origin)
{
	u32 c, p, cell = UNKNOWN_CELL, vcell = DEFAULT_CELL, verdict;
	struct native_stats *st;

	if (!device_index(client, &c) && !device_index(provider, &p))
		cell = vcell = c * NATIVE_MAX_DEVICES + p;
	verdict = READ_ONCE(matrix[vcell]);
	st = &stats[(size_t)raw_smp_processor_id() * (CELLS + 1) + cell];
	if (verdict < ARRAY_SIZE(st->verdicts))
		st->verdicts[verdict]++;
	else
		st->invalid++;
	return verdict;
}

static int null_decide(struct device *client, struct device *provider,
		       struct dev_pagemap *pgmap,
		       enum pagemap_reach_access access,
		       enum pagemap_reach_origin origin)
{
	return PAGEMAP_REACH_ALLOW_RW;
}

struct pagemap_reach_ops native_matrix_ops = {
	.decide = native_decide,
	.name = "native",
};

struct pagemap_reach_ops native_null_ops = {
	.decide = null_decide,
	.name = "native_null",
};

static int add_device(const char *name, u32 *index)
{
	char key[NATIVE_NAME_LEN];
	struct native_dev *d;

	if (strscpy_pad(key, name) < 0)
		return -ENAMETOOLONG;
	d = find(key);
	if (d) {
		*index = d->index;
		return 0;
	}
	if (nr_devices == NATIVE_MAX_DEVICES)
		return -ENOSPC;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	memcpy(d->key, key, sizeof(key));
	d->index = nr_devices++;
	hash_add(devices, &d->node, key_hash(key));
	*index = d->index;
	return 0;
}

static void clear(void)
{
	struct native_dev *d;
	struct hlist_node *tmp;
	int bkt;

	hash_for_each_safe(devices, bkt, tmp, d, node) {
		hash_del(&d->node);
		kfree(d);
	}
	nr_devices = 0;
	memset(matrix, 0, (CELLS + 1) * sizeof(*matrix));
}

static int parse_verdict(const char *s, u32 *v)
{
	return kstrtou32(s, 10, v) ?: (*v > PAGEMAP_REACH_ALLOW_RW ? -EINVAL : 0);
}

/*
 * One line of policy: "clear", "device NAME", "default VERDICT" or
 * "set CLIENT PROVIDER VERDICT" (names as dev_name(), verdicts as numbers),
 * or "attach matrix|null" and "detach"; "lockdep off" turns lockdep off
 * for good, as its bookkeeping of the trampoline's RCU read lock would
 * otherwise outweigh the decisions being compared.
 */
int native_policy_line(char *line)
{
	char *argv[4];
	u32 c, p, v;
	int argc = 0, ret;

	while (argc < ARRAY_SIZE(argv) && (argv[argc] = strsep(&line, " \t")))
		if (*argv[argc])
			argc++;
	if (!argc)
		return 0;
	if (!strcmp(argv[0], "attach") && argc == 2) {
		struct pagemap_reach_ops *ops = !strcmp(argv[1], "null") ?
			&native_null_ops : &native_matrix_ops;

		if (attached)
			return -EBUSY;
		ret = pagemap_reach_attach_native(ops);
		if (!ret)
			attached = true;
		return ret;
	}
	if (!strcmp(argv[0], "lockdep") && argc == 2 && !strcmp(argv[1], "off")) {
		debug_locks_off();
		return 0;
	}
	if (!strcmp(argv[0], "detach") && argc == 1) {
		if (attached) {
			pagemap_reach_detach_native(&native_matrix_ops);
			pagemap_reach_detach_native(&native_null_ops);
		}
		attached = false;
		return 0;
	}
	/* Decisions read the tables without locks: edit only while detached. */
	if (attached)
		return -EBUSY;
	if (!strcmp(argv[0], "clear") && argc == 1) {
		clear();
		return 0;
	}
	if (!strcmp(argv[0], "device") && argc == 2)
		return add_device(argv[1], &c);
	if (!strcmp(argv[0], "default") && argc == 2)
		return parse_verdict(argv[1], &matrix[DEFAULT_CELL]);
	if (!strcmp(argv[0], "set") && argc == 4) {
		ret = add_device(argv[1], &c) ?: add_device(argv[2], &p) ?:
		      parse_verdict(argv[3], &v);
		if (!ret)
			matrix[c * NATIVE_MAX_DEVICES + p] = v;
		return ret;
	}
	return -EINVAL;
}

int native_policy_init(void)
{
	matrix = vzalloc((CELLS + 1) * sizeof(*matrix));
	stats = vzalloc(array_size(nr_cpu_ids, (CELLS + 1) * sizeof(*stats)));
	if (!matrix || !stats) {
		vfree(matrix);
		vfree(stats);
		return -ENOMEM;
	}
	return 0;
}

void native_policy_exit(void)
{
	native_policy_line((char[]){ "detach" });
	clear();
	vfree(matrix);
	vfree(stats);
}
