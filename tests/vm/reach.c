// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-side guarantees of the pagemap_reach_ops hook, through test_hmm
 * and a minimal test policy (tests/bpf/reach_test.bpf.c): revocation on a
 * map edit announced with bpf_pagemap_reach_changed(), on detach and on a
 * link update; invalid verdicts; one policy at a time; unloading test_hmm
 * with a policy attached; walks and migrations with no owner never ask;
 * a read grant never migrates; attaching takes CAP_SYS_ADMIN; one decision
 * per device-private THP and per run of pages; device ids in sysfs and
 * their uevents; memory without a translation is never granted; an
 * announcement scoped to one provider leaves the others' mappings.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlink.h>

#include "dmirror.h"
#include "dmirror_ioctl.h"
#include "reach_test.skel.h"
#include "tap.h"

#define NPAGES	4
#define RW	2	/* PAGEMAP_REACH_ALLOW_RW */
#define READ	1	/* PAGEMAP_REACH_ALLOW_READ */
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

/* The same, scoped to one provider id. */
static int announce_provider(int provider_id)
{
	__u32 ctx = provider_id;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	int err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.provider_changed), &opts);

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

/* Unload test_hmm and load it again with params; reopen n devices. */
static bool reload_test_hmm(const char *params, int n)
{
	const char *k = getenv("P2PREACH_KERNEL");
	char cmd[512];

	CHECK(k, "P2PREACH_KERNEL not set");
	dm_close();
	CHECK(system("rmmod test_hmm") == 0, "rmmod test_hmm failed");
	snprintf(cmd, sizeof(cmd), "insmod %s/test_hmm.ko %s", k, params);
	CHECK(system(cmd) == 0, "%s failed", cmd);
	return dm_open(n);
}

static bool t_unload_attached(void)
{
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(reload_test_hmm("", 2));
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

/* Lines of the trace buffer that mention what, since the last clear. */
static long trace_lines(const char *what)
{
	FILE *f = fopen(TRACING "/trace", "r");
	char line[512];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += line[0] != '#' && strstr(line, what) != NULL;
	fclose(f);
	return n;
}

static long m2r_calls(void)
{
	return trace_lines("dmirror_devmem_fault");
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

/* Decisions the test policy saw: origin (0 fault, 1 migrate), access (0 read, 1 write). */
static __u64 decisions(int origin, int access)
{
	__u32 key = origin * 2 + access;
	__u64 n = 0;

	bpf_map__lookup_elem(skel->maps.calls, &key, sizeof(key), &n, sizeof(n), 0);
	return n;
}

static __u64 all_decisions(void)
{
	return decisions(0, 0) + decisions(0, 1) + decisions(1, 0) + decisions(1, 1);
}

/*
 * A second mirror of dmirror1 that walks and migrates with no owner
 * (HMM_DMIRROR_FLAG_SYSTEM_ONLY). Flags belong to an open file and cannot be
 * cleared, so the test opens one of its own; -1 on failure.
 */
static int system_only_mirror(char *p)
{
	int fd = open("/dev/hmm_dmirror1", O_RDWR);
	int ret;

	if (fd < 0) {
		tap_fail("open /dev/hmm_dmirror1: %s", strerror(errno));
		return -1;
	}
	ret = dmirror_ioctl(fd, HMM_DMIRROR_FLAGS, p, NULL, HMM_DMIRROR_FLAG_SYSTEM_ONLY, NULL);
	if (ret) {
		tap_fail("set HMM_DMIRROR_FLAG_SYSTEM_ONLY: %s", strerror(-ret));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A NULL owner means "system memory only", as in eviction: even with the
 * pair allowed, the walk migrates the peer's pages to RAM and the policy is
 * never asked; a migration with no owner selects none of them.
 */
static bool t_null_owner(void)
{
	struct hmm_dmirror_cmd cmd;
	char *buf = malloc(NPAGES * dm_page_size);
	__u64 before;
	int fd, ret;
	char *p;

	CHECK(buf, "out of memory");
	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(set(1, 0, RW));
	p = dm_on_device(0, NPAGES, 1000);
	REQUIRE(p);
	fd = system_only_mirror(p);
	REQUIRE(fd >= 0);
	before = all_decisions();
	ret = dmirror_ioctl(fd, HMM_DMIRROR_READ, p, buf, NPAGES, &cmd);
	CHECK(!ret, "read with no owner: %s", strerror(-ret));
	CHECK(dm_same(buf, NPAGES, 1000), "read with no owner returned wrong data");
	CHECK(all_decisions() == before, "a walk with no owner asked the policy %llu times",
	      (unsigned long long)(all_decisions() - before));
	REQUIRE(dm_in_ram(0, p, NPAGES));
	dm_unmap(p, NPAGES);

	p = dm_on_device(0, NPAGES, 1010);
	REQUIRE(p);
	before = all_decisions();
	ret = dmirror_ioctl(fd, HMM_DMIRROR_MIGRATE_PEER_TO_DEV, p, buf, NPAGES, &cmd);
	close(fd);
	free(buf);
	CHECK(!ret || ret == -ENOENT, "migration with no owner: %s", strerror(-ret));
	CHECK(cmd.cpages == 0, "a migration with no owner took %llu peer pages",
	      (unsigned long long)cmd.cpages);
	CHECK(all_decisions() == before, "a migration with no owner asked the policy");
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			       HMM_DMIRROR_PROT_WRITE));
	CHECK(dm_same(p, NPAGES, 1010), "the process sees wrong data");
	dm_unmap(p, NPAGES);
	return detach();
}

/* Migrating moves and frees the provider's page: a read grant is not enough. */
static bool t_read_grant_no_migration(void)
{
	__u64 before, cpages;
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(set(1, 0, READ));
	p = dm_on_device(0, NPAGES, 1100);
	REQUIRE(p);
	before = decisions(1, 1);
	REQUIRE(migrate_peer(1, p, &cpages));
	CHECK(decisions(1, 1) > before, "the policy was not asked for write access to migrate");
	CHECK(cpages == 0, "a read grant migrated %llu pages", (unsigned long long)cpages);
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			       HMM_DMIRROR_PROT_WRITE));
	/* The grant itself still works: dmirror1 reads the pages in place. */
	REQUIRE(dm_read_is(1, p, NPAGES, 1100, NULL));
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			       HMM_DMIRROR_PROT_WRITE));
	CHECK(dm_same(p, NPAGES, 1100), "the process sees wrong data");
	dm_unmap(p, NPAGES);
	return detach();
}

/* Run fn in a child that keeps CAP_BPF and CAP_PERFMON but not CAP_SYS_ADMIN. */
static int without_sys_admin(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		cap_value_t admin = CAP_SYS_ADMIN;
		cap_t caps = cap_get_proc();

		if (!caps ||
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &admin, CAP_CLEAR) ||
		    cap_set_flag(caps, CAP_PERMITTED, 1, &admin, CAP_CLEAR) ||
		    cap_set_flag(caps, CAP_INHERITABLE, 1, &admin, CAP_CLEAR) ||
		    cap_set_proc(caps))
			_exit(200);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* In the child: load the test policy (CAP_BPF suffices) and try to attach it. */
static int child_attach(void)
{
	struct reach_test_bpf *s = reach_test_bpf__open_and_load();
	struct bpf_link *l;

	if (!s)
		return 201;
	l = bpf_map__attach_struct_ops(s->maps.reach_deny);
	return l ? 0 : errno;
}

/* In the child: replace the parent's policy through the inherited link. */
static int child_update(void)
{
	struct reach_test_bpf *s = reach_test_bpf__open_and_load();

	if (!s)
		return 201;
	return bpf_link__update_map(policy_link, s->maps.reach_deny) ? errno : 0;
}

static bool t_privilege(void)
{
	char buf[64];
	char *p;
	int ret;

	ret = without_sys_admin(child_attach);
	CHECK(ret != 201, "the child could not load a policy with CAP_BPF and CAP_PERFMON");
	CHECK(ret == EPERM, "attach without CAP_SYS_ADMIN: %d, want EPERM", ret);
	REQUIRE(state("state", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "detached"), "state is '%s'", buf);

	REQUIRE(attach(skel->maps.reach_test));
	ret = without_sys_admin(child_attach);
	CHECK(ret == EPERM, "second attach without CAP_SYS_ADMIN: %d, want EPERM", ret);
	ret = without_sys_admin(child_update);
	CHECK(ret == EPERM, "replacing without CAP_SYS_ADMIN: %d, want EPERM", ret);
	REQUIRE(state("policy", buf, sizeof(buf)));
	CHECK(!strcmp(buf, "reach_test"), "the running policy is now '%s'", buf);
	p = remote_page(1200);
	REQUIRE(p);
	dm_unmap(p, NPAGES);
	return detach();
}

#define THP_SIZE	(2UL << 20)
#define THP_PAGES	(THP_SIZE / 4096)

/* One 2 MiB THP of seeded data, migrated into dev as one device folio. */
static char *thp_on_device(int dev, int seed)
{
	struct hmm_dmirror_cmd cmd;
	char *raw, *p, *copy;
	uintptr_t a;
	int ret;

	raw = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		tap_fail("mmap: %s", strerror(errno));
		return NULL;
	}
	a = ((uintptr_t)raw + THP_SIZE - 1) & ~(THP_SIZE - 1);
	p = (char *)a;
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + THP_SIZE, raw + THP_SIZE - p);
	madvise(p, THP_SIZE, MADV_HUGEPAGE);
	dm_fill(p, THP_PAGES, seed);
	copy = malloc(THP_SIZE);
	ret = copy ? dm_cmd(dev, HMM_DMIRROR_MIGRATE_TO_DEV, p, copy, THP_PAGES, &cmd) : -ENOMEM;
	free(copy);
	if (ret || cmd.cpages != THP_PAGES ||
	    !dm_snapshot_is(dev, p, THP_PAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			    HMM_DMIRROR_PROT_WRITE | HMM_DMIRROR_PROT_PMD)) {
		tap_fail("no device-private THP on dmirror%d: %s", dev, strerror(-ret));
		munmap(p, THP_SIZE);
		return NULL;
	}
	return p;
}

static bool t_thp(void)
{
	const char *ev = TRACING "/events/pagemap_reach/pagemap_reach_decide/enable";
	long n;
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(set(1, 0, RW));
	p = thp_on_device(0, 1300);
	REQUIRE(p);
	REQUIRE(write_file(TRACING "/trace", ""));
	REQUIRE(write_file(ev, "1"));
	REQUIRE(dm_snapshot_is(1, p, THP_PAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			       HMM_DMIRROR_PROT_WRITE | HMM_DMIRROR_PROT_PMD));
	REQUIRE(write_file(ev, "0"));
	n = trace_lines("provider=hmm_dmirror0");
	CHECK(n == 1, "%ld decisions for one device-private THP, want 1", n);
	REQUIRE(dm_read_is(1, p, THP_PAGES, 1300, NULL));
	REQUIRE(dm_snapshot_is(0, p, THP_PAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			       HMM_DMIRROR_PROT_WRITE | HMM_DMIRROR_PROT_PMD));
	CHECK(dm_same(p, THP_PAGES, 1300), "the process sees wrong data");
	munmap(p, THP_SIZE);

	/* Denied: the folio takes today's path, through system memory. */
	REQUIRE(set(1, 0, DENY));
	p = thp_on_device(0, 1310);
	REQUIRE(p);
	REQUIRE(dm_read_is(1, p, THP_PAGES, 1310, NULL));
	REQUIRE(dm_in_ram(0, p, THP_PAGES));
	CHECK(dm_same(p, THP_PAGES, 1310), "the process sees wrong data");
	munmap(p, THP_SIZE);
	return detach();
}

/* Every page of p is in dev's own memory, whatever its permissions. */
static bool on_own_device(int dev, char *p, unsigned long npages)
{
	unsigned char *m = malloc(npages);
	bool ok = m && !dm_cmd(dev, HMM_DMIRROR_SNAPSHOT, p, m, npages, NULL);

	for (unsigned long i = 0; ok && i < npages; i++)
		if ((m[i] & DMIRROR_PROT_LOCATION) != HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL)
			ok = tap_fail("page %lu is 0x%02x, want in dmirror%d", i, m[i], dev);
	free(m);
	return ok || tap_fail("snapshot via dmirror%d failed", dev);
}

/*
 * Upstream test_hmm mirrored its own device-private pages as they are, and
 * oopsed copying from them when a read faulted them in again.
 */
static bool t_read_own_migrated(void)
{
	const unsigned long n = 128;
	size_t len = n * dm_page_size;
	char *p = dm_on_device(0, n, 1400);

	REQUIRE(p);
	/* An invalidation drops dmirror0's mirror; the pages stay on the device. */
	CHECK(!mprotect(p, len, PROT_READ) && !mprotect(p, len, PROT_READ | PROT_WRITE),
	      "mprotect: %s", strerror(errno));
	REQUIRE(on_own_device(0, p, n));
	REQUIRE(dm_read_is(0, p, n, 1400, NULL));
	REQUIRE(on_own_device(0, p, n));
	dm_unmap(p, n);
	return true;
}

#define REACH_DEVICES	"/sys/kernel/mm/pagemap_reach/devices"

/* An attribute of id, without the newline; "" if it cannot be read. */
static void id_attr(const char *id, const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;

	buf[0] = 0;
	snprintf(path, sizeof(path), REACH_DEVICES "/%s/%s", id, name);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

/*
 * Ids of test_hmm's devices: the one of hmm_dmirror<dev> in role, or -1;
 * with dev < 0, a bitmask of all of them (ids below 64).
 */
static long dmirror_id(int dev, const char *role)
{
	char want[32], name[64], got[16];
	long found = dev < 0 ? 0 : -1;
	struct dirent *d;
	DIR *dir = opendir(REACH_DEVICES);

	if (!dir)
		return found;
	snprintf(want, sizeof(want), "hmm_dmirror%d", dev);
	while ((d = readdir(dir))) {
		long id = strtol(d->d_name, NULL, 10);

		if (d->d_name[0] == '.')
			continue;
		id_attr(d->d_name, "dev_name", name, sizeof(name));
		id_attr(d->d_name, "role", got, sizeof(got));
		if (dev < 0 && !strncmp(name, "hmm_dmirror", 11) && id < 64)
			found |= 1L << id;
		else if (dev >= 0 && !strcmp(name, want) && !strcmp(got, role))
			found = id;
	}
	closedir(dir);
	return found;
}

static long id_generation(long id)
{
	char name[16], buf[32];

	snprintf(name, sizeof(name), "%ld", id);
	id_attr(name, "generation", buf, sizeof(buf));
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* A socket on the kernel's uevents, as udev has; -1 on failure. */
static int uevent_socket(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Count the pagemap_reach add and remove events queued on fd. */
static void uevent_count(int fd, int *added, int *removed)
{
	char buf[8192];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		const char *action = "";
		bool ours = false, id = false;

		buf[n] = 0;
		for (char *p = buf; p < buf + n; p += strlen(p) + 1) {
			ours |= !strcmp(p, "SUBSYSTEM=pagemap_reach");
			id |= !strncmp(p, "PAGEMAP_REACH_ID=", 17);
			if (!strncmp(p, "ACTION=", 7))
				action = p + 7;
		}
		if (ours && id && !strcmp(action, "add"))
			(*added)++;
		if (ours && id && !strcmp(action, "remove"))
			(*removed)++;
	}
}

/*
 * Each device has a client id and a provider id, listed in sysfs and
 * announced with uevents as test_hmm comes and goes. While the policy
 * that knew them stays attached, ids of departed devices are not given
 * to new ones; after the next change they may be.
 */
static bool t_ids_uevents(void)
{
	int fd = uevent_socket(), added = 0, removed = 0;
	char path[256], link[256], id[24];
	long a, b, c, client;
	ssize_t len;

	CHECK(fd >= 0, "uevent socket: %s", strerror(errno));
	a = dmirror_id(-1, NULL);
	client = dmirror_id(0, "client");
	/* A client id each, and a provider id per memory chunk. */
	CHECK(__builtin_popcountl(a) >= 4, "%d ids for two devices, want 4 or more",
	      __builtin_popcountl(a));
	CHECK(client >= 0 && dmirror_id(0, "provider") >= 0, "hmm_dmirror0 lacks an id");
	snprintf(path, sizeof(path), REACH_DEVICES "/%ld/device", client);
	len = readlink(path, link, sizeof(link) - 1);
	CHECK(len > 0, "%s: %s", path, strerror(errno));
	link[len] = 0;
	CHECK(strstr(link, "/hmm_dmirror0"), "%s points to %s", path, link);
	snprintf(id, sizeof(id), "%ld", client);
	id_attr(id, "role", path, sizeof(path));
	CHECK(!strcmp(path, "client"), "role of the client id is '%s'", path);

	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(reload_test_hmm("", 2));
	usleep(100000);
	uevent_count(fd, &added, &removed);
	close(fd);
	CHECK(removed == __builtin_popcountl(a) && added == 4,
	      "%d remove and %d add uevents, want %d and 4", removed, added,
	      __builtin_popcountl(a));
	/* A fresh test_hmm has one memory chunk per device. */
	b = dmirror_id(-1, NULL);
	CHECK(__builtin_popcountl(b) == 4, "%d ids after the reload, want 4",
	      __builtin_popcountl(b));
	CHECK(!(a & b), "ids 0x%lx given again while the policy that knew them is attached",
	      a & b);
	CHECK(announce() == 0, "announce failed");
	REQUIRE(reload_test_hmm("", 2));
	c = dmirror_id(-1, NULL);
	CHECK(!(b & c), "ids 0x%lx given again while the policy that knew them is attached",
	      b & c);
	CHECK(a & c, "ids retired before the change were never given again (0x%lx, 0x%lx)",
	      a, c);
	return detach();
}

/* Memory whose pagemap cannot be translated for peers is never granted. */
static bool t_no_translation(void)
{
	__u64 before;
	char *p;

	REQUIRE(reload_test_hmm("no_peer_map=1", 2));
	CHECK(dmirror_id(0, "provider") < 0, "hmm_dmirror0 is a provider without a translation");
	CHECK(dmirror_id(1, "provider") >= 0, "hmm_dmirror1 is no provider");
	REQUIRE(set(1, 0, RW));
	REQUIRE(attach(skel->maps.reach_test));
	before = all_decisions();
	p = dm_on_device(0, NPAGES, 1500);
	REQUIRE(p);
	CHECK(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_NONE),
	      "memory with no translation was granted");
	REQUIRE(dm_read_is(1, p, NPAGES, 1500, NULL));
	REQUIRE(dm_in_ram(0, p, NPAGES));
	CHECK(all_decisions() == before, "the policy was asked %llu times about it",
	      (unsigned long long)(all_decisions() - before));
	dm_unmap(p, NPAGES);
	REQUIRE(detach());
	return reload_test_hmm("", 2);
}

/* A 16 MiB peer read of one provider: one decision per walk, not per page. */
static bool t_one_decision_per_run(void)
{
	const char *ev = TRACING "/events/pagemap_reach/pagemap_reach_decide/enable";
	const unsigned long n = 4096;
	unsigned long first, last, want;
	bool read;
	long got;
	char *p;

	REQUIRE(attach(skel->maps.reach_test));
	REQUIRE(set(1, 0, RW));
	p = dm_on_device(0, n, 1600);
	REQUIRE(p);
	REQUIRE(write_file(TRACING "/trace", ""));
	REQUIRE(write_file(ev, "1"));
	read = dm_read_is(1, p, n, 1600, NULL);
	write_file(ev, "0");
	REQUIRE(read);
	/* test_hmm walks up to a PMD (2 MiB) at a time. */
	first = (uintptr_t)p >> 21;
	last = ((uintptr_t)p + n * dm_page_size - 1) >> 21;
	want = last - first + 1;
	got = trace_lines("provider=hmm_dmirror0");
	CHECK(got == (long)want, "%ld decisions for a 16 MiB read, want %lu (one per walk)",
	      got, want);
	REQUIRE(on_own_device(0, p, n));
	dm_unmap(p, n);
	return detach();
}

/*
 * dmirror2 maps memory of dmirror0 and of dmirror1 in place. An edit
 * announced for dmirror0's provider drops only the mappings of its memory.
 */
static bool t_scoped_revocation(void)
{
	long prov0, prov1, gen1;
	__u64 faults;
	char *p0, *p1;

	REQUIRE(reload_test_hmm("ndevices=3", 3));
	prov0 = dmirror_id(0, "provider");
	prov1 = dmirror_id(1, "provider");
	CHECK(prov0 >= 0 && prov1 >= 0, "no provider ids");
	REQUIRE(set(2, 0, RW));
	REQUIRE(set(2, 1, RW));
	REQUIRE(attach(skel->maps.reach_test));
	p0 = dm_on_device(0, NPAGES, 1700);
	p1 = dm_on_device(1, NPAGES, 1710);
	REQUIRE(p0 && p1);
	REQUIRE(dm_read_is(2, p0, NPAGES, 1700, NULL));
	REQUIRE(dm_read_is(2, p1, NPAGES, 1710, NULL));
	CHECK(dm_read_is(2, p0, NPAGES, 1700, &faults) && !faults, "dmirror2 did not keep its mapping");
	gen1 = id_generation(prov1);
	CHECK(announce_provider(prov0) == 0, "scoped announcement failed");
	CHECK(id_generation(prov0) > 0, "the provider's generation did not grow");
	CHECK(id_generation(prov1) == gen1, "another provider's generation moved");
	CHECK(dm_read_is(2, p1, NPAGES, 1710, &faults) && !faults,
	      "an edit of hmm_dmirror0's pairs dropped the mapping of hmm_dmirror1's memory");
	CHECK(dm_read_is(2, p0, NPAGES, 1700, &faults) && faults,
	      "the mapping of hmm_dmirror0's memory survived an edit of its pairs");
	CHECK(announce_provider(dmirror_id(2, "client")) == -EINVAL,
	      "announcing for a client id did not fail with EINVAL");
	dm_unmap(p0, NPAGES);
	dm_unmap(p1, NPAGES);
	REQUIRE(detach());
	return reload_test_hmm("", 2);
}

/* Attach and detach one policy instance over and over, racing another. */
static void *attach_detach_loop(void *arg)
{
	struct reach_test_bpf *s = arg;

	for (int i = 0; i < 40; i++) {
		struct bpf_link *l = bpf_map__attach_struct_ops(s->maps.reach_deny);

		if (l) {
			usleep(2000);
			bpf_link__destroy(l);
		} else {
			usleep(500);
		}
	}
	return NULL;
}

/*
 * Two threads attach and detach their own policy as fast as they can. The
 * changes drivers see must come in order: generations always grow, and a
 * "detached" never arrives after the next policy's "attached".
 */
static bool t_event_order(void)
{
	const char *ev = TRACING "/events/pagemap_reach/pagemap_reach_change/enable";
	unsigned long gen, last = 0;
	struct reach_test_bpf *other;
	int attached = 0, events = 0;
	char line[512], name[32];
	pthread_t a, b;
	bool ok = true;
	FILE *f;

	other = reach_test_bpf__open_and_load();
	CHECK(other, "load a second policy instance: %s", strerror(errno));
	REQUIRE(write_file(TRACING "/trace", ""));
	REQUIRE(write_file(ev, "1"));
	pthread_create(&a, NULL, attach_detach_loop, skel);
	pthread_create(&b, NULL, attach_detach_loop, other);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	write_file(ev, "0");
	reach_test_bpf__destroy(other);

	f = fopen(TRACING "/trace", "r");
	CHECK(f, "cannot read the trace");
	while (ok && fgets(line, sizeof(line), f)) {
		char *e = strstr(line, "pagemap_reach_change: event=");

		if (!e || sscanf(e, "pagemap_reach_change: event=%31s generation=%lu",
				 name, &gen) != 2)
			continue;
		events++;
		if (gen <= last)
			ok = tap_fail("generation %lu after %lu", gen, last);
		else if (!strcmp(name, "attached") && attached++)
			ok = tap_fail("attached twice in a row (generation %lu)", gen);
		else if (!strcmp(name, "detached") && !attached--)
			ok = tap_fail("detached with nothing attached (generation %lu)", gen);
		last = gen;
	}
	fclose(f);
	REQUIRE(ok);
	CHECK(events >= 4, "only %d change events traced", events);
	CHECK(attached == 0, "%d policies still attached at the end", attached);
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
	run("a NULL owner (system memory only) never asks the policy", t_null_owner);
	run("a read grant never lets a client migrate the provider's page",
	    t_read_grant_no_migration);
	run("attaching or replacing a policy takes CAP_SYS_ADMIN, not CAP_BPF+CAP_PERFMON",
	    t_privilege);
	run("device-private THP: one decision, mapped in place at PMD order", t_thp);
	run("revocation events arrive in order while two threads attach and detach",
	    t_event_order);
	run("test_hmm reads back 128 pages migrated into its own memory", t_read_own_migrated);
	run("test_hmm unloads and reloads with a policy attached", t_unload_attached);
	run("device ids: in sysfs, announced by uevents, not reused while a policy knows them",
	    t_ids_uevents);
	run("memory without a translation for peers is never granted, nor asked about",
	    t_no_translation);
	run("a 16 MiB peer read of one provider costs one decision per walk",
	    t_one_decision_per_run);
	run("an announcement scoped to one provider drops only mappings of its memory",
	    t_scoped_revocation);
	reach_test_bpf__destroy(skel);
	return tap_failures() ? 1 : 0;
}
