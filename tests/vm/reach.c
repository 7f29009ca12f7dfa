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

/* One line of /sys/kernel/mm/pagemap_reach/NAME, without the newline. */
static bool state(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/mm/pagemap_reach/%s", name);
	f = fopen(path, "r");
	if (!f)
		return tap_fail("%s: %s", path, strerror(errno));
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

static unsigned long state_num(const char *name)
{
	char buf[64];

	return state(name, buf, sizeof(buf)) ? strtoul(buf, NULL, 10) : 0;
}

static bool t_sysfs_state(void)
{
	unsigned long gen, rw, denied;
	char buf[64];
	char *p;

	REQUIRE(state("state", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "detached"), "state is '%s' with no policy", buf);
	gen = state_num("generation");
	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(state("state", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "attached"), "state is '%s' after attach", buf);
	REQUIRE(state("policy", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "reach_test"), "policy is '%s'", buf);
	CHECK(state_num("generation") > gen, "attach did not bump the generation");
	gen = state_num("generation");
	rw = state_num("allowed_rw");
	denied = state_num("denied");
	p = remote_page(600);
	REQUIRE(p);
	CHECK(state_num("allowed_rw") > rw, "allowed_rw did not grow");
	REQUIRE(set(1, 0, DENY));
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_NONE));
	CHECK(state_num("denied") > denied, "denied did not grow");
	CHECK(announce() == 0, "announce failed");
	CHECK(state_num("generation") > gen, "announcing did not bump the generation");
	gen = state_num("generation");
	dm_unmap(p, NPAGES);
	REQUIRE(detach());
	CHECK(state_num("generation") > gen, "detach did not bump the generation");
	REQUIRE(state("policy", buf, sizeof(buf)));
	CHECK(!buf[0], "policy is '%s' after detach", buf);
	return true;
}

static bool write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return tap_fail("%s: %s", path, strerror(errno));
	ok = fputs(s, f) >= 0;
	return (fclose(f) == 0 && ok) ? true : tap_fail("write %s failed", path);
}

static bool t_tracepoint(void)
{
	const char *ev = "/sys/kernel/tracing/events/pagemap_reach/pagemap_reach_decide/enable";
	char line[512];
	bool seen_rw = false, seen_write = false;
	FILE *f;
	char *p;

	REQUIRE(write_file("/sys/kernel/tracing/trace", ""));
	REQUIRE(write_file(ev, "1"));
	REQUIRE(attach(skel->maps.reach_test));
	p = remote_page(700);
	REQUIRE(p);
	dm_unmap(p, NPAGES);
	/* A fresh page written first: the write itself asks. */
	p = dm_on_device(0, NPAGES, 710);
	REQUIRE(p);
	REQUIRE(dm_write(1, p, NPAGES, 711));
	dm_unmap(p, NPAGES);
	REQUIRE(write_file(ev, "0"));
	f = fopen("/sys/kernel/tracing/trace", "r");
	CHECK(f, "cannot read the trace");
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "client=hmm_dmirror1 provider=hmm_dmirror0 access=read origin=fault verdict=rw"))
			seen_rw = true;
		if (strstr(line, "client=hmm_dmirror1 provider=hmm_dmirror0 access=write origin=fault verdict=rw"))
			seen_write = true;
	}
	fclose(f);
	CHECK(seen_rw, "no read decision in the trace");
	CHECK(seen_write, "no write decision in the trace");
	return detach();
}

/* Count calls of test_hmm's migrate_to_ram() with the function tracer. */
#define TRACING "/sys/kernel/tracing"

static bool m2r_probe(bool on)
{
	if (!on) {
		write_file(TRACING "/current_tracer", "nop");
		return write_file(TRACING "/set_ftrace_filter", "");
	}
	return write_file(TRACING "/set_ftrace_filter", "dmirror_devmem_fault") &&
	       write_file(TRACING "/current_tracer", "function") &&
	       write_file(TRACING "/trace", "");
}

static long m2r_calls(void)
{
	FILE *f = fopen(TRACING "/trace", "r");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += line[0] != '#' && strstr(line, "dmirror_devmem_fault") != NULL;
	fclose(f);
	return n;
}

static bool migrate_peer(int dev, char *p, __u64 *cpages)
{
	struct hmm_dmirror_cmd cmd;
	char *copy = malloc(NPAGES * dm_page_size);
	int ret;

	if (!copy)
		return tap_fail("out of memory");
	ret = dm_cmd(dev, HMM_DMIRROR_MIGRATE_PEER_TO_DEV, p, copy, NPAGES, &cmd);
	free(copy);
	*cpages = cmd.cpages;
	/* test_hmm reads back what it migrated: -ENOENT when a page stayed. */
	return (ret == 0 || ret == -ENOENT) ? true :
	       tap_fail("peer migration: %s", strerror(-ret));
}

static bool t_peer_migration(void)
{
	__u64 cpages;
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(set(1, 0, RW));
	p = dm_on_device(0, NPAGES, 800);
	REQUIRE(p);
	REQUIRE(m2r_probe(true));
	REQUIRE(migrate_peer(1, p, &cpages));
	CHECK(cpages == NPAGES, "%llu of %d pages migrated", (unsigned long long)cpages, NPAGES);
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			       HMM_DMIRROR_PROT_WRITE));
	CHECK(m2r_calls() == 0, "the pages went through system memory (%ld migrate_to_ram)",
	      m2r_calls());
	REQUIRE(dm_read_is(1, p, NPAGES, 800, NULL));
	CHECK(dm_same(p, NPAGES, 800), "the process sees wrong data");
	dm_unmap(p, NPAGES);

	/* Denied: the peer's pages stay; the usual way goes through RAM. */
	REQUIRE(set(1, 0, DENY));
	p = dm_on_device(0, NPAGES, 900);
	REQUIRE(p);
	REQUIRE(write_file(TRACING "/trace", ""));
	REQUIRE(migrate_peer(1, p, &cpages));
	CHECK(cpages == 0, "%llu pages migrated although denied", (unsigned long long)cpages);
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			       HMM_DMIRROR_PROT_WRITE));
	CHECK(dm_same(p, NPAGES, 900), "the process sees wrong data");
	CHECK(m2r_calls() >= NPAGES, "denied, yet no migrate_to_ram (%ld)", m2r_calls());
	REQUIRE(migrate_peer(1, p, &cpages));
	CHECK(cpages == NPAGES, "from RAM: %llu of %d pages migrated",
	      (unsigned long long)cpages, NPAGES);
	REQUIRE(dm_read_is(1, p, NPAGES, 900, NULL));
	dm_unmap(p, NPAGES);
	m2r_probe(false);
	return detach();
}

static int pci_distance(const char *client, const char *provider)
{
	struct { char client[64]; char provider[64]; int distance; } q = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &q, .ctx_size_in = sizeof(q));

	snprintf(q.client, sizeof(q.client), "%s", client);
	snprintf(q.provider, sizeof(q.provider), "%s", provider);
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.pci_distance), &opts))
		return -1000;
	return q.distance;
}

/* The two endpoints QEMU puts behind one PCIe switch (tests/vm/run --pci-switch). */
static bool switch_endpoints(char *a, char *b, size_t len)
{
	FILE *f = popen("for d in /sys/bus/pci/devices/*; do "
			"[ \"$(cat $d/vendor):$(cat $d/device)\" = 0x1b36:0x0005 ] && basename $d; "
			"done", "r");
	int n = 0;

	if (!f)
		return false;
	n += fgets(a, len, f) != NULL;
	n += fgets(b, len, f) != NULL;
	pclose(f);
	a[strcspn(a, "\n")] = 0;
	b[strcspn(b, "\n")] = 0;
	return n == 2;
}

static bool t_pci_distance(void)
{
	char a[64], b[64];
	int d;

	d = pci_distance("hmm_dmirror1", "hmm_dmirror0");
	CHECK(d == -ENODEV, "test_hmm devices: %d, want -ENODEV (not PCI)", d);
	d = pci_distance("0000:00:00.0", "no-such-device");
	CHECK(d == -ENODEV, "unknown device: %d, want -ENODEV", d);
	CHECK(switch_endpoints(a, b, sizeof(a)), "no two test devices behind the PCIe switch");
	d = pci_distance(a, b);
	CHECK(d == 4, "%s and %s behind one switch: %d, want 4", a, b, d);
	d = pci_distance(b, a);
	CHECK(d == 4, "%s and %s, reversed: %d, want 4", b, a, d);
	d = pci_distance(a, "0000:00:00.0");
	CHECK(d == -EOPNOTSUPP, "%s and the host bridge: %d, want -EOPNOTSUPP", a, d);
	return true;
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
	run("sysfs state: attached, policy name, generation and counters", t_sysfs_state);
	run("tracepoint: each decision with devices, access, origin and verdict", t_tracepoint);
	run("migration: an allowed peer page moves device to device, a denied one through RAM",
	    t_peer_migration);
	run("PCI topology kfunc: not-PCI, unknown, behind one switch, through the host bridge",
	    t_pci_distance);
	run("test_hmm unloads and reloads with a policy attached", t_unload_attached);
	reach_test_bpf__destroy(skel);
	return tap_failures() ? 1 : 0;
}
