// SPDX-License-Identifier: GPL-2.0
/*
 * Decisions in a loop through the hook, as hmm_range_fault() asks them,
 * with whatever policy is attached (BPF or native): the cost of one
 * decision without the page table walk around it.
 */
#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "native.h"

static void fake_release(struct device *dev)
{
	kfree(dev);
}

/* A struct device with a name and nothing else: all a policy reads. */
static struct device *fake_device(const char *name)
{
	struct device *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return NULL;
	device_initialize(dev);
	dev->release = fake_release;
	if (dev_set_name(dev, "%s", name)) {
		put_device(dev);
		return NULL;
	}
	return dev;
}

int native_loop(const char *client, const char *provider, u64 n,
		u64 *ns, u64 *allowed)
{
	struct dev_pagemap pgmap = { .type = MEMORY_DEVICE_PRIVATE };
	struct device *c = fake_device(client);
	struct device *p = fake_device(provider);
	u64 i, start, yes = 0, spent = 0;
	int ret = -ENOMEM;

	if (!c || !p)
		goto out;
	pgmap.dev = p;
	start = ktime_get_ns();
	for (i = 0; i < n; i++) {
		/* As hmm_vma_handle_pte(): the static key, then the policy. */
		if (pagemap_reach_active() &&
		    pagemap_reach_decide(c, &pgmap, PAGEMAP_REACH_READ,
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
		put_device(c);
	if (p)
		put_device(p);
	return ret;
}
