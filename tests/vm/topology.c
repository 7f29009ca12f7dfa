// SPDX-License-Identifier: GPL-2.0
/*
 * Three test_hmm devices (ndevices=3), a non-transitive policy:
 * 0 <-> 1 and 1 <-> 2 allowed read-write, 0 <-> 2 denied. Every ordered
 * pair is checked through a snapshot, and a read-only one-way pair on top.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dmirror.h"
#include "reach_test.skel.h"
#include "tap.h"

#define NDEV	3
#define NPAGES	2

static struct reach_test_bpf *skel;
static int client, provider;
static unsigned char expect;

static bool set(int c, int p, __u32 verdict)
{
	__u32 cell = c * 8 + p;

	if (bpf_map__update_elem(skel->maps.verdicts, &cell, sizeof(cell),
				 &verdict, sizeof(verdict), BPF_ANY))
		return tap_fail("map update: %s", strerror(errno));
	return true;
}

static bool t_pair(void)
{
	char *p = dm_on_device(provider, NPAGES, 10 * provider + client);
	bool ok;

	REQUIRE(p);
	ok = dm_snapshot_is(client, p, NPAGES, expect);
	dm_unmap(p, NPAGES);
	return ok;
}

int main(void)
{
	static const unsigned char allowed = HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
					     HMM_DMIRROR_PROT_WRITE;
	static const unsigned char read_only = HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
					       HMM_DMIRROR_PROT_READ;
	struct bpf_link *link;
	char name[96];

	if (!dm_open(NDEV)) {
		printf("not ok 1 - open three test_hmm devices (ndevices=3)\n");
		return 1;
	}
	skel = reach_test_bpf__open_and_load();
	link = skel ? bpf_map__attach_struct_ops(skel->maps.reach_test) : NULL;
	if (!link || !set(0, 1, 2) || !set(1, 0, 2) || !set(1, 2, 2) ||
	    !set(2, 1, 2) || !set(0, 2, 0) || !set(2, 0, 0)) {
		printf("not ok 1 - attach the test policy\n");
		return 1;
	}
	for (client = 0; client < NDEV; client++) {
		for (provider = 0; provider < NDEV; provider++) {
			if (client == provider)
				continue;
			expect = (client + provider == 2 && client != 1) ?
				 HMM_DMIRROR_PROT_NONE : allowed;
			snprintf(name, sizeof(name), "3 devices: dmirror%d -> dmirror%d is %s",
				 client, provider, expect ? "allowed" : "denied");
			tap_test(name, t_pair);
		}
	}
	/* Asymmetric: 2 -> 0 read-only, 0 -> 2 still denied. */
	set(2, 0, 1);
	client = 2, provider = 0, expect = read_only;
	tap_test("3 devices: dmirror2 -> dmirror0 read-only once allowed one way", t_pair);
	client = 0, provider = 2, expect = HMM_DMIRROR_PROT_NONE;
	tap_test("3 devices: dmirror0 -> dmirror2 still denied", t_pair);

	bpf_link__destroy(link);
	reach_test_bpf__destroy(skel);
	return tap_failures() ? 1 : 0;
}
