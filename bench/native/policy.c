// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix policy in C. The work per decision mirrors the BPF policy
 * (bpf/p2preach.bpf.c): read the matrix in force once, load the cell of
 * [client id][provider id] (the default cell for ids past the matrix),
 * and bump the cell's per-CPU counter, found in a hash table with an entry
 * per cell that saw a decision (the BPF policy's p2p_stats, a per-CPU
 * hash map without preallocation). The "dense" variant keeps its counters
 * in a per-CPU array of every cell instead: what a hash lookup costs.
 */
#include <linux/debug_locks.h>
#include <linux/jhash.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "native.h"

#define CELLS		(NATIVE_MAX_DEVICES * NATIVE_MAX_DEVICES)
#define DEFAULT_CELL	CELLS
#define POLICY_CELLS	(CELLS + 1)
/* As the BPF map: up to 65,536 entries, and as many buckets. */
#define COUNTER_BUCKETS	65536

struct native_stats {
	u64 verdicts[3];
	u64 invalid;
};

struct native_counter {
	struct hlist_node node;
	u32 hash;
	u32 cell;
	struct native_stats __percpu *stats;
};

static u32 __rcu *matrix;		/* POLICY_CELLS, the default last */
static struct hlist_head *buckets;	/* COUNTER_BUCKETS */
static DEFINE_SPINLOCK(counters_lock);
static unsigned int nr_counters;
static u32 counter_seed;
static struct native_stats *dense;	/* nr_cpu_ids rows of POLICY_CELLS */
static struct pagemap_reach_ops *attached;

static u32 cell_of(u32 client_id, u32 provider_id)
{
	if (client_id < NATIVE_MAX_DEVICES && provider_id < NATIVE_MAX_DEVICES)
		return client_id * NATIVE_MAX_DEVICES + provider_id;
	return DEFAULT_CELL;
}

static u32 verdict_of(u32 cell)
{
	/* One read of the matrix in force, as the BPF map-in-map lookup. */
	u32 *m = rcu_dereference(matrix);

	return m ? READ_ONCE(m[cell]) : PAGEMAP_REACH_DENY;
}

static void bump(struct native_stats *st, u32 verdict)
{
	if (verdict < ARRAY_SIZE(st->verdicts))
		st->verdicts[verdict]++;
	else
		st->invalid++;
}

static struct native_stats __percpu *counter_find(u32 cell, u32 hash)
{
	struct native_counter *c;

	hlist_for_each_entry_rcu(c, &buckets[hash & (COUNTER_BUCKETS - 1)], node)
		if (c->hash == hash && c->cell == cell)
			return c->stats;
	return NULL;
}

/* The first decision of a cell: its entry, allocated now; NULL when full. */
static struct native_stats __percpu *counter_add(u32 cell, u32 hash)
{
	struct native_stats __percpu *st;
	struct native_counter *c;
	unsigned long flags;

	c = kzalloc_obj(*c, GFP_ATOMIC);
	if (!c)
		return NULL;
	c->stats = alloc_percpu_gfp(struct native_stats, GFP_ATOMIC);
	if (!c->stats) {
		kfree(c);
		return NULL;
	}
	c->hash = hash;
	c->cell = cell;
	spin_lock_irqsave(&counters_lock, flags);
	st = counter_find(cell, hash);
	if (!st && nr_counters < COUNTER_BUCKETS) {
		hlist_add_head_rcu(&c->node, &buckets[hash & (COUNTER_BUCKETS - 1)]);
		nr_counters++;
		st = c->stats;
		c = NULL;
	}
	spin_unlock_irqrestore(&counters_lock, flags);
	if (c) {
		free_percpu(c->stats);
		kfree(c);
	}
	return st;
}

static int native_decide(u32 client_id, u32 provider_id, struct device *client,
			 struct device *provider,
			 enum pagemap_reach_access access,
			 enum pagemap_reach_origin origin)
{
	u32 cell = cell_of(client_id, provider_id);
	u32 verdict = verdict_of(cell);
	u32 hash = jhash2(&cell, 1, counter_seed);
	struct native_stats __percpu *st;

	st = counter_find(cell, hash) ?: counter_add(cell, hash);
	if (st)
		bump(raw_cpu_ptr(st), verdict);
	return verdict;
}

static int dense_decide(u32 client_id, u32 provider_id, struct device *client,
			struct device *provider,
			enum pagemap_reach_access access,
			enum pagemap_reach_origin origin)
{
	u32 cell = cell_of(client_id, provider_id);
	u32 verdict = verdict_of(cell);

	bump(&dense[(size_t)raw_smp_processor_id() * POLICY_CELLS + cell],
	     verdict);
	return verdict;
}

static int null_decide(u32 client_id, u32 provider_id, struct device *client,
		       struct device *provider,
		       enum pagemap_reach_access access,
		       enum pagemap_reach_origin origin)
{
	return PAGEMAP_REACH_ALLOW_RW;
}

struct pagemap_reach_ops native_matrix_ops = {
	.decide = native_decide,
	.name = "native",
};

struct pagemap_reach_ops native_dense_ops = {
	.decide = dense_decide,
	.name = "native_dense",
};

struct pagemap_reach_ops native_null_ops = {
	.decide = null_decide,
	.name = "native_null",
};

/* Only while detached: no decision reads the counters. */
static void counters_clear(void)
{
	struct native_counter *c;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < COUNTER_BUCKETS; i++) {
		hlist_for_each_entry_safe(c, tmp, &buckets[i], node) {
			hlist_del(&c->node);
			free_percpu(c->stats);
			kfree(c);
		}
	}
	nr_counters = 0;
	memset(dense, 0, array_size(nr_cpu_ids, POLICY_CELLS * sizeof(*dense)));
}

static int parse_verdict(const char *s, u32 *v)
{
	return kstrtou32(s, 10, v) ?: (*v > PAGEMAP_REACH_ALLOW_RW ? -EINVAL : 0);
}

static int parse_id(const char *s, u32 *id)
{
	return kstrtou32(s, 10, id) ?: (*id >= NATIVE_MAX_DEVICES ? -ERANGE : 0);
}

/*
 * One line of policy: "clear", "default VERDICT" or "set CLIENT_ID
 * PROVIDER_ID VERDICT" (kernel ids and verdicts as numbers), "attach
 * matrix|dense|null" and "detach", "fakes N" (see native_fake_ids()), or
 * "lockdep off", which turns lockdep off for good, as its bookkeeping of
 * the trampoline's RCU read lock would otherwise outweigh the decisions
 * being compared.
 */
int native_policy_line(char *line)
{
	u32 *m = rcu_dereference_protected(matrix, true);
	char *argv[4];
	u32 c, p, v;
	int argc = 0, ret;

	while (argc < ARRAY_SIZE(argv) && (argv[argc] = strsep(&line, " \t")))
		if (*argv[argc])
			argc++;
	if (!argc)
		return 0;
	if (!strcmp(argv[0], "attach") && argc == 2) {
		struct pagemap_reach_ops *ops;

		if (!strcmp(argv[1], "matrix"))
			ops = &native_matrix_ops;
		else if (!strcmp(argv[1], "dense"))
			ops = &native_dense_ops;
		else if (!strcmp(argv[1], "null"))
			ops = &native_null_ops;
		else
			return -EINVAL;
		if (attached)
			return -EBUSY;
		ret = pagemap_reach_attach_native(ops);
		if (!ret)
			attached = ops;
		return ret;
	}
	if (!strcmp(argv[0], "detach") && argc == 1) {
		if (attached)
			pagemap_reach_detach_native(attached);
		attached = NULL;
		return 0;
	}
	if (!strcmp(argv[0], "lockdep") && argc == 2 && !strcmp(argv[1], "off")) {
		debug_locks_off();
		return 0;
	}
	if (!strcmp(argv[0], "fakes") && argc == 2)
		return kstrtou32(argv[1], 10, &v) ?: native_fake_ids(v);
	/* Decisions read the tables without locks: edit only while detached. */
	if (attached)
		return -EBUSY;
	if (!strcmp(argv[0], "clear") && argc == 1) {
		memset(m, 0, POLICY_CELLS * sizeof(*m));
		counters_clear();
		return 0;
	}
	if (!strcmp(argv[0], "default") && argc == 2)
		return parse_verdict(argv[1], &m[DEFAULT_CELL]);
	if (!strcmp(argv[0], "set") && argc == 4) {
		ret = parse_id(argv[1], &c) ?: parse_id(argv[2], &p) ?:
		      parse_verdict(argv[3], &v);
		if (!ret)
			m[cell_of(c, p)] = v;
		return ret;
	}
	return -EINVAL;
}

int native_policy_init(void)
{
	u32 *m = vzalloc(POLICY_CELLS * sizeof(*m));

	buckets = kvcalloc(COUNTER_BUCKETS, sizeof(*buckets), GFP_KERNEL);
	dense = vzalloc(array_size(nr_cpu_ids, POLICY_CELLS * sizeof(*dense)));
	if (!m || !buckets || !dense) {
		vfree(m);
		kvfree(buckets);
		vfree(dense);
		return -ENOMEM;
	}
	counter_seed = get_random_u32();
	rcu_assign_pointer(matrix, m);
	return 0;
}

void native_policy_exit(void)
{
	native_policy_line((char[]){ "detach" });
	counters_clear();
	vfree(rcu_dereference_protected(matrix, true));
	kvfree(buckets);
	vfree(dense);
}
