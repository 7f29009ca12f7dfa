// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions in a loop through the hook, with whatever policy is attached
 * (BPF or native): the cost of one decision without the page table walk
 * around it. Each iteration asks as hmm_range_fault() does when its walk
 * meets a new provider: the static key, then the uncached ask (RCU, the
 * policy, the verdict counters, the tracepoint).
 */
#include <linux/ktime.h>
#include <linux/sched.h>

#include "native.h"

int native_loop(u32 client, u32 provider, u64 n, u64 *ns, u64 *allowed)
{
	struct pagemap_reach_dev *c = pagemap_reach_dev_get(client);
	struct pagemap_reach_dev *p = pagemap_reach_dev_get(provider);
	u64 i, start, yes = 0, spent = 0;
	int ret = -ENOENT;

	if (!c || !p)
		goto out;
	ret = -EINVAL;
	if (c->role != PAGEMAP_REACH_CLIENT || p->role != PAGEMAP_REACH_PROVIDER)
		goto out;
	start = ktime_get_ns();
	for (i = 0; i < n; i++) {
		if (pagemap_reach_active() &&
		    pagemap_reach_ask(c, p, PAGEMAP_REACH_READ,
				      PAGEMAP_REACH_FAULT) != PAGEMAP_REACH_DENY)
			yes++;
		if (!(i & 4095) && need_resched()) {
			spent += ktime_get_ns() - start;
			cond_resched();
			start = ktime_get_ns();
		}
	}
	*ns = spent + ktime_get_ns() - start;
	*allowed = yes;
	ret = 0;
out:
	if (c)
		pagemap_reach_dev_put(c);
	if (p)
		pagemap_reach_dev_put(p);
	return ret;
}
