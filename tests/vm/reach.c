// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-side guarantees of the pagemap_reach_ops hook, through test_hmm
 * and a minimal test policy (tests/bpf/reach_test.bpf.c): revocation on a
 * map edit announced with bpf_pagemap_reach_changed(), on detach and on a
 * link update; invalid verdicts; one policy at a time; unloading test_hmm
 * with a policy attached; walks and migrations with no owner never ask;
 * a read grant never migrates; attaching takes CAP_SYS_ADMIN; one decision
 * per device-private THP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

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
	reach_test_bpf__destroy(skel);
	return tap_failures() ? 1 : 0;
}
