// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-side guarantees of the pagemap_reach_ops hook, through test_hmm
 * and a minimal test policy (tests/bpf/reach_test.bpf.c): revocation on a
 * map edit announced with bpf_pagemap_reach_changed(), on detach and on a
 * link update; invalid verdicts; one policy at a time; unloading test_hmm
 * with a policy attached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dmirror.h"
#include "reach_test.skel.h"
#include "tap.h"

#define NPAGES	4
#define RW	2	/* PAGEMAP_REACH_ALLOW_RW */
#define DENY	0	/* PAGEMAP_REACH_DENY */

static struct reach_test_bpf *skel;
static struct bpf_link *policy_link;

static bool attach(struct bpf_map *ops)
{
	policy_link = bpf_map__attach_struct_ops(ops);
	return policy_link ? true : tap_fail("attach %s: %s", bpf_map__name(ops), strerror(errno));
}

static bool detach(void)
{
	int err = policy_link ? bpf_link__detach(policy_link) : 0;

	bpf_link__destroy(policy_link);
	policy_link = NULL;
	return err ? tap_fail("detach: %s", strerror(-err)) : true;
}

static bool set(int client, int provider, __u32 verdict)
{
	__u32 cell = client * 8 + provider;

	if (bpf_map__update_elem(skel->maps.verdicts, &cell, sizeof(cell),
				 &verdict, sizeof(verdict), BPF_ANY))
		return tap_fail("map update: %s", strerror(errno));
	return true;
}

/* What a loader runs after editing maps: the "policy changed" kfunc. */
static int announce(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.changed), &opts);

	return err ? err : (int)opts.retval;
}

/* A page of dmirror0 that dmirror1 has mapped in place (rw). */
static char *remote_page(int seed)
{
	__u64 faults;
	char *p;

	if (!set(1, 0, RW))
		return NULL;
	p = dm_on_device(0, NPAGES, seed);
	if (!p)
		return NULL;
	if (!dm_read_is(1, p, NPAGES, seed, &faults) ||
	    !dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			    HMM_DMIRROR_PROT_WRITE)) {
		dm_unmap(p, NPAGES);
		return NULL;
	}
	return p;
}

/* The next read through dmirror1 asks again: denied, the page goes to RAM. */
static bool asks_again(char *p, int seed)
{
	__u64 faults;

	REQUIRE(dm_read_is(1, p, NPAGES, seed, &faults));
	CHECK(faults > 0, "dmirror1 read through a stale mapping (no fault)");
	REQUIRE(dm_in_ram(0, p, NPAGES));
	return true;
}

static bool t_announce_revokes(void)
{
	__u64 faults;
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	p = remote_page(100);
	REQUIRE(p);
	CHECK(dm_read_is(1, p, NPAGES, 100, &faults) && faults == 0,
	      "a second read faulted: dmirror1 did not keep its mapping");
	/* A map edit alone leaves what was granted in place... */
	REQUIRE(set(1, 0, DENY));
	CHECK(dm_read_is(1, p, NPAGES, 100, &faults) && faults == 0,
	      "mapping dropped without an announcement");
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			     HMM_DMIRROR_PROT_WRITE));
	/* ...until the change is announced. */
	CHECK(announce() == 0, "bpf_pagemap_reach_changed() failed");
	REQUIRE(asks_again(p, 100));
	dm_unmap(p, NPAGES);
	return detach();
}

static bool t_detach_revokes(void)
{
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	p = remote_page(200);
	REQUIRE(p);
	REQUIRE(detach());
	REQUIRE(asks_again(p, 200));
	CHECK(announce() == -ENOENT, "announcing with no policy should fail with ENOENT");
	dm_unmap(p, NPAGES);
	return true;
}

static bool t_update_revokes(void)
{
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	p = remote_page(300);
	REQUIRE(p);
	CHECK(!bpf_link__update_map(policy_link, skel->maps.reach_deny), "link update: %s",
	      strerror(errno));
	REQUIRE(asks_again(p, 300));
	dm_unmap(p, NPAGES);
	return detach();
}

static bool t_one_policy(void)
{
	struct bpf_link *second;

	REQUIRE(attach(skel->maps.reach_test));
	second = bpf_map__attach_struct_ops(skel->maps.reach_deny);
	if (second) {
		bpf_link__destroy(second);
		detach();
		return tap_fail("a second policy was attached");
	}
	CHECK(errno == EEXIST, "second attach failed with %s, want EEXIST", strerror(errno));
	return detach();
}

static bool t_bad_verdict(void)
{
	char *p;
	FILE *f;
	int warned = 0;

	REQUIRE(set(1, 0, RW));
	REQUIRE(attach(skel->maps.reach_bogus));
	p = dm_on_device(0, NPAGES, 400);
	REQUIRE(p);
	CHECK(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_NONE), "verdict 42 was not a deny");
	REQUIRE(dm_read_is(1, p, NPAGES, 400, NULL));
	REQUIRE(dm_in_ram(0, p, NPAGES));
	dm_unmap(p, NPAGES);
	f = popen("dmesg | grep -c 'policy \"reach_bogus\" returned invalid verdict 42'", "r");
	if (f) {
		if (fscanf(f, "%d", &warned) != 1)
			warned = 0;
		pclose(f);
	}
	CHECK(warned > 0, "no warning in the kernel log");
	return detach();
}

static bool t_unload_attached(void)
{
	char *p, cmd[512];
	const char *k = getenv("P2PREACH_KERNEL");

	CHECK(k, "P2PREACH_KERNEL not set");
	REQUIRE(attach(skel->maps.reach_test));
	dm_close();
	CHECK(system("rmmod test_hmm") == 0, "rmmod test_hmm with a policy attached failed");
	snprintf(cmd, sizeof(cmd), "insmod %s/test_hmm.ko", k);
	CHECK(system(cmd) == 0, "insmod test_hmm failed");
	REQUIRE(dm_open(2));
	p = remote_page(500);
	REQUIRE(p);
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			     HMM_DMIRROR_PROT_WRITE));
	dm_unmap(p, NPAGES);
	return detach();
}

/* Each test starts with no policy attached, whatever the last one left. */
static void run(const char *name, bool (*fn)(void))
{
	tap_test(name, fn);
	if (policy_link)
		detach();
}

int main(void)
{
	if (!dm_open(2)) {
		printf("not ok 1 - open test_hmm devices\n");
		return 1;
	}
	skel = reach_test_bpf__open_and_load();
	if (!skel) {
		printf("not ok 1 - load the test policy: %s\n", strerror(errno));
		return 1;
	}
	run("revocation: a map edit takes effect on mapped pages once announced",
		 t_announce_revokes);
	run("revocation: detaching drops peer mappings", t_detach_revokes);
	run("revocation: a link update drops peer mappings", t_update_revokes);
	run("a second policy is refused with EEXIST", t_one_policy);
	run("an invalid verdict is a deny, and warned about", t_bad_verdict);
	run("test_hmm unloads and reloads with a policy attached", t_unload_attached);
	reach_test_bpf__destroy(skel);
	return tap_failures() ? 1 : 0;
}
