// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end checks of peer access through test_hmm, run inside the VM on
 * the patched kernel: pages migrated into one dmirror device and accessed
 * through the other, with the p2preach policy absent, allowing, read-only,
 * edited (by bpftool and by p2preach's own code) and detached.
 *
 * "A -> B" means device A may access memory that lives in device B.
 * Output is TAP-like: one "ok"/"not ok" line per test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "dmirror.h"
#include "p2preach.h"
#include "policy_maps.h"
#include "reach_ids.h"
#include "tap.h"

#define NPAGES	4
#define DEV0	"hmm_dmirror0"
#define DEV1	"hmm_dmirror1"
#define PIN	"/sys/fs/bpf/p2preach-test"
#define DEVICE_BITS	0xf0	/* HMM_DMIRROR_PROT_* device location bits */

static struct policy_maps maps = { .policy = -1, .stats = -1, .state = -1 };

/* --- the policy ---------------------------------------------------------- */

static int run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static const char *root(void)
{
	const char *r = getenv("P2PREACH_ROOT");

	return r ? r : ".";
}

/* Register the object as is with bpftool, which pins the link. */
static bool policy_attach(void)
{
	if (run("%s/build/tools/bpftool struct_ops register %s/build/bpf/p2preach.bpf.o %s >/dev/null",
		root(), root(), PIN))
		return tap_fail("bpftool struct_ops register failed");
	if (policy_maps_open(&maps, PIN))
		return tap_fail("cannot find the policy's maps");
	return true;
}

/* Detach through the pinned link (synchronous), then drop the pin. */
static bool policy_detach(void)
{
	int link = bpf_obj_get(PIN "/p2preach");

	policy_maps_close(&maps);
	if (link < 0)
		return tap_fail("no link pinned at %s", PIN "/p2preach");
	if (bpf_link_detach(link)) {
		close(link);
		return tap_fail("link detach: %s", strerror(errno));
	}
	close(link);
	unlink(PIN "/p2preach");
	rmdir(PIN);
	return true;
}

/* The one id of dev_name in role, as sysfs lists it, inside the matrix. */
static bool id_of(const char *dev_name, __u32 role, __u32 *id)
{
	struct reach_ids t;
	unsigned n = 0;

	if (reach_ids_read(REACH_SYSFS, &t))
		return false;
	for (unsigned i = 0; i < t.n; i++) {
		if (!reach_id_matches(&t.id[i], dev_name, role))
			continue;
		*id = t.id[i].id;
		n++;
	}
	reach_ids_free(&t);
	return n == 1 && *id < P2PREACH_MAX_DEVICES;
}

static bool pair_ids(const char *client, const char *provider, __u32 *c, __u32 *p)
{
	if (!id_of(client, P2PREACH_ROLE_CLIENT, c) ||
	    !id_of(provider, P2PREACH_ROLE_PROVIDER, p))
		return tap_fail("no ids for %s -> %s in /sys/%s", client, provider,
				REACH_IDS_DIR);
	return true;
}

static bool set_pair(const char *client, const char *provider, __u32 verdict)
{
	__u32 c, p;

	REQUIRE(pair_ids(client, provider, &c, &p));
	if (policy_set_verdict(&maps, c, p, verdict))
		return tap_fail("cannot set %s -> %s", client, provider);
	return true;
}

static bool set_pair_bpftool(const char *client, const char *provider, __u32 verdict)
{
	__u32 c, p, cell;

	REQUIRE(pair_ids(client, provider, &c, &p));
	cell = p2preach_cell(c, p);
	/* The matrix is the map in slot 0 of p2p_policy: edit it by id. */
	if (run("bt=%s/build/tools/bpftool; "
		"id=$($bt -j map lookup name p2p_policy key 0 0 0 0 | "
		"python3 -c 'import json,sys; print(json.load(sys.stdin)[\"inner_map_id\"])') && "
		"$bt map update id $id key %u %u %u %u value %u 0 0 0",
		root(), cell & 0xff, (cell >> 8) & 0xff, (cell >> 16) & 0xff,
		cell >> 24, verdict))
		return tap_fail("bpftool map update failed");
	return true;
}

/* --- the tests ----------------------------------------------------------- */

/* What the loader relies on: one client and one provider id per dmirror. */
static bool t_ids_in_sysfs(void)
{
	static const char *const names[2] = { DEV0, DEV1 };
	struct reach_ids t;
	char link[4096];

	CHECK(!reach_ids_read(REACH_SYSFS, &t), "read the ids");
	for (unsigned i = 0; i < t.nr_problems; i++)
		tap_fail("%s", t.problems[i]);
	for (int d = 0; d < 2; d++) {
		unsigned clients = 0, providers = 0;

		for (unsigned i = 0; i < t.n; i++) {
			const struct reach_id *e = &t.id[i];

			if (strcmp(e->dev_name, names[d]))
				continue;
			clients += e->role == P2PREACH_ROLE_CLIENT;
			providers += e->role == P2PREACH_ROLE_PROVIDER && e->index == 0;
			snprintf(link, sizeof(link), "/sys/%s/%u/device", REACH_IDS_DIR, e->id);
			CHECK(!access(link, F_OK), "%s has no device link", link);
		}
		CHECK(clients == 1 && providers == 1,
		      "%s: %u client and %u provider ids, want one each", names[d],
		      clients, providers);
	}
	CHECK(!t.nr_problems, "sysfs has entries the loader cannot read");
	reach_ids_free(&t);
	return true;
}

static bool t_no_policy_migrates_to_ram(void)
{
	char *p = dm_on_device(0, NPAGES, 100);

	CHECK(p, "setup");
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE));
	REQUIRE(dm_read_is(1, p, NPAGES, 100, NULL));
	REQUIRE(dm_in_ram(0, p, NPAGES));
	CHECK(dm_same(p, NPAGES, 100), "process sees wrong data");
	return true;
}

static bool t_rw_read_stays_remote(void)
{
	char *p;

	REQUIRE(set_pair(DEV1, DEV0, P2PREACH_ALLOW_RW));
	p = dm_on_device(0, NPAGES, 200);
	CHECK(p, "setup");
	REQUIRE(dm_read_is(1, p, NPAGES, 200, NULL));
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE));
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_WRITE));
	return true;
}

static bool t_rw_write_lands_in_peer(void)
{
	char *p = dm_on_device(0, NPAGES, 300);

	CHECK(p, "setup");
	REQUIRE(dm_write(1, p, NPAGES, 333));
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE));
	/* The CPU access brings it home, with what dmirror1 wrote. */
	CHECK(dm_same(p, NPAGES, 333), "process does not see dmirror1's write");
	REQUIRE(dm_in_ram(0, p, NPAGES));
	return true;
}

static bool t_read_only(void)
{
	char *p;

	REQUIRE(set_pair(DEV1, DEV0, P2PREACH_ALLOW_READ));
	p = dm_on_device(0, NPAGES, 400);
	CHECK(p, "setup");
	REQUIRE(dm_read_is(1, p, NPAGES, 400, NULL));
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_READ));
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE));
	/* A write needs more than was granted: the old way, through RAM. */
	REQUIRE(dm_write(1, p, NPAGES, 444));
	REQUIRE(dm_in_ram(0, p, NPAGES));
	CHECK(dm_same(p, NPAGES, 444), "process does not see dmirror1's write");
	return true;
}

static bool t_reverse_denied(void)
{
	char *p;

	REQUIRE(set_pair(DEV1, DEV0, P2PREACH_ALLOW_RW));
	REQUIRE(set_pair(DEV0, DEV1, P2PREACH_DENY));
	p = dm_on_device(1, NPAGES, 500);
	CHECK(p, "setup");
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_NONE));
	REQUIRE(dm_read_is(0, p, NPAGES, 500, NULL));
	REQUIRE(dm_in_ram(1, p, NPAGES));
	return true;
}

/* Upstream hmm2.snapshot, with dmirror0 -> dmirror1 allowed. */
static bool t_hmm2_snapshot(void)
{
	static const unsigned char want[7] = {
		HMM_DMIRROR_PROT_ERROR, HMM_DMIRROR_PROT_ERROR,
		HMM_DMIRROR_PROT_ZERO | HMM_DMIRROR_PROT_READ,
		HMM_DMIRROR_PROT_READ, HMM_DMIRROR_PROT_WRITE,
		HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL | HMM_DMIRROR_PROT_WRITE,
		HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE | HMM_DMIRROR_PROT_WRITE,
	};
	static char page[1 << 16];	/* test_hmm copies the migrated page here */
	struct hmm_dmirror_cmd cmd;
	unsigned char m[7];
	char *p;
	int *ip, val;

	REQUIRE(set_pair(DEV0, DEV1, P2PREACH_ALLOW_RW));
	p = mmap(NULL, 7 * dm_page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	CHECK(!munmap(p + dm_page_size, dm_page_size), "munmap");
	CHECK(!mprotect(p + 2 * dm_page_size, dm_page_size, PROT_READ), "mprotect");
	val = *(int *)(p + 2 * dm_page_size) + 3;
	CHECK(!mprotect(p + 3 * dm_page_size, dm_page_size, PROT_READ | PROT_WRITE), "mprotect");
	*(int *)(p + 3 * dm_page_size) = val;
	CHECK(!mprotect(p + 3 * dm_page_size, dm_page_size, PROT_READ), "mprotect");
	CHECK(!mprotect(p + 4 * dm_page_size, 3 * dm_page_size, PROT_READ | PROT_WRITE), "mprotect");
	ip = (int *)(p + 4 * dm_page_size);
	*ip = val;
	CHECK(!dm_cmd(0, HMM_DMIRROR_MIGRATE_TO_DEV, p + 5 * dm_page_size, page, 1, &cmd) &&
	      cmd.cpages == 1, "migrate page 5");
	CHECK(!dm_cmd(1, HMM_DMIRROR_MIGRATE_TO_DEV, p + 6 * dm_page_size, page, 1, &cmd) &&
	      cmd.cpages == 1, "migrate page 6");
	CHECK(!dm_cmd(0, HMM_DMIRROR_SNAPSHOT, p, m, 7, &cmd) && cmd.cpages == 7,
	      "snapshot");
	for (int i = 0; i < 7; i++)
		CHECK(m[i] == want[i], "page %d reads 0x%02x, want 0x%02x", i, m[i], want[i]);
	/* Denied again: page 6 reads as upstream expects. */
	REQUIRE(set_pair(DEV0, DEV1, P2PREACH_DENY));
	CHECK(!dm_cmd(0, HMM_DMIRROR_SNAPSHOT, p, m, 7, &cmd), "snapshot");
	CHECK(m[6] == HMM_DMIRROR_PROT_NONE, "denied: page 6 reads 0x%02x", m[6]);
	return true;
}

static bool t_edit_with(bool (*set)(const char *, const char *, __u32))
{
	char *p;

	REQUIRE(set(DEV1, DEV0, P2PREACH_ALLOW_RW));
	p = dm_on_device(0, NPAGES, 600);
	CHECK(p, "setup");
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_WRITE));
	REQUIRE(set(DEV1, DEV0, P2PREACH_DENY));
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_NONE));
	REQUIRE(set(DEV1, DEV0, P2PREACH_ALLOW_READ));
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_READ));
	REQUIRE(dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE));
	return true;
}

static bool t_edit_bpftool(void) { return t_edit_with(set_pair_bpftool); }
static bool t_edit_project(void) { return t_edit_with(set_pair); }

static bool t_detach_restores(void)
{
	char *p;

	REQUIRE(set_pair(DEV1, DEV0, P2PREACH_ALLOW_RW));
	p = dm_on_device(0, NPAGES, 700);
	CHECK(p, "setup");
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_WRITE));
	REQUIRE(policy_detach());
	REQUIRE(dm_snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_NONE));
	REQUIRE(dm_read_is(1, p, NPAGES, 700, NULL));
	REQUIRE(dm_in_ram(0, p, NPAGES));
	return true;
}

static bool attach(void) { return policy_attach(); }

/* "hmm_dmirrorN" -> N, or -1. */
static int dmirror_number(const char *name)
{
	int n, end = 0;

	if (sscanf(name, "hmm_dmirror%d%n", &n, &end) != 1 || name[end] || n < 0 ||
	    n >= DMIRROR_MAX)
		return -1;
	return n;
}

/* For scripts: how does client see a page that lives in provider? */
static int probe(const char *client, const char *provider)
{
	int c = dmirror_number(client), pr = dmirror_number(provider);
	unsigned char m[NPAGES];
	char *p;

	if (c < 0 || pr < 0 || !dm_open((c > pr ? c : pr) + 1)) {
		fprintf(stderr, "peer_access: cannot open %s and %s\n", client, provider);
		return 1;
	}
	p = dm_on_device(pr, NPAGES, 800);
	if (!p || dm_cmd(c, HMM_DMIRROR_SNAPSHOT, p, m, NPAGES, NULL)) {
		fprintf(stderr, "peer_access: probe failed\n");
		return 1;
	}
	if (m[0] == (HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE | HMM_DMIRROR_PROT_WRITE))
		puts("remote-rw");
	else if (m[0] == (HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE | HMM_DMIRROR_PROT_READ))
		puts("remote-read");
	else if (m[0] == HMM_DMIRROR_PROT_NONE)
		puts("none");
	else
		printf("0x%02x\n", m[0]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "probe"))
		return probe(argv[2], argv[3]);
	if (argc != 1) {
		fprintf(stderr, "usage: peer_access [probe hmm_dmirrorN hmm_dmirrorM]\n");
		return 2;
	}
	if (!dm_open(2)) {
		printf("not ok 1 - open the test_hmm devices\n");
		return 1;
	}

	tap_test("sysfs lists one client and one provider id per test_hmm device",
	     t_ids_in_sysfs);
	tap_test("no policy: a read through dmirror1 migrates the page to RAM",
	     t_no_policy_migrates_to_ram);
	tap_test("bpftool struct_ops register accepts the policy object", attach);
	if (maps.policy < 0)
		return 1;
	tap_test("dmirror1 -> dmirror0 rw: a read leaves the page in dmirror0, seen REMOTE|WRITE",
	     t_rw_read_stays_remote);
	tap_test("dmirror1 -> dmirror0 rw: a write lands in the peer's memory",
	     t_rw_write_lands_in_peer);
	tap_test("dmirror1 -> dmirror0 read: reads REMOTE without WRITE, a write goes through RAM",
	     t_read_only);
	tap_test("dmirror0 -> dmirror1 stays denied when only dmirror1 -> dmirror0 is allowed",
	     t_reverse_denied);
	tap_test("upstream hmm2 snapshot: page 6 reads DEV_PRIVATE_REMOTE|WRITE when allowed",
	     t_hmm2_snapshot);
	tap_test("a verdict changed with bpftool map update takes effect at once",
	     t_edit_bpftool);
	tap_test("a verdict changed with p2preach's map code takes effect at once",
	     t_edit_project);
	tap_test("detaching the policy restores the default behaviour", t_detach_restores);
	return tap_failures() ? 1 : 0;
}
