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

#include "lib/test_hmm_uapi.h"
#include "p2preach.h"
#include "policy_maps.h"

#define NPAGES	4
#define DEV0	"hmm_dmirror0"
#define DEV1	"hmm_dmirror1"
#define PIN	"/sys/fs/bpf/p2preach-test"
#define DEVICE_BITS	0xf0	/* HMM_DMIRROR_PROT_* device location bits */

static int fd[2];
static long page_size;
static int failures, test_no;
static char why[512];
static struct policy_maps maps = { .devices = -1, .policy = -1, .stats = -1, .state = -1 };

/* Record the first reason a test failed. */
static bool fail(const char *fmt, ...)
{
	va_list ap;

	if (!why[0]) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	return false;
}

#define CHECK(cond, ...) do { if (!(cond)) return fail(__VA_ARGS__); } while (0)

static int dmirror(int dev, unsigned long req, void *addr, void *buf,
		   unsigned long npages, struct hmm_dmirror_cmd *out)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (__u64)(unsigned long)addr,
		.ptr = (__u64)(unsigned long)buf,
		.npages = npages,
	};
	int ret;

	do
		ret = ioctl(fd[dev], req, &cmd);
	while (ret && errno == EINTR);
	if (out)
		*out = cmd;
	return ret ? -errno : 0;
}

static char *map_pages(unsigned long npages)
{
	char *p = mmap(NULL, npages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void fill(char *p, unsigned long npages, int seed)
{
	for (size_t i = 0; i < npages * page_size / sizeof(int); i++)
		((int *)p)[i] = seed + (int)i;
}

static bool same(const char *p, unsigned long npages, int seed)
{
	for (size_t i = 0; i < npages * page_size / sizeof(int); i++)
		if (((const int *)p)[i] != seed + (int)i)
			return false;
	return true;
}

/* Snapshot through device dev; every page must read as want. */
static bool snapshot_is(int dev, char *p, unsigned long npages,
			unsigned char want, const char *what)
{
	unsigned char m[64];
	int ret = dmirror(dev, HMM_DMIRROR_SNAPSHOT, p, m, npages, NULL);

	CHECK(!ret, "%s: snapshot via dmirror%d: %s", what, dev, strerror(-ret));
	for (unsigned long i = 0; i < npages; i++)
		CHECK(m[i] == want, "%s: dmirror%d sees page %lu as 0x%02x, want 0x%02x",
		      what, dev, i, m[i], want);
	return true;
}

/* Every page in system memory, as seen from dev (any protection). */
static bool in_ram(int dev, char *p, unsigned long npages, const char *what)
{
	unsigned char m[64];
	int ret = dmirror(dev, HMM_DMIRROR_SNAPSHOT, p, m, npages, NULL);

	CHECK(!ret, "%s: snapshot: %s", what, strerror(-ret));
	for (unsigned long i = 0; i < npages; i++)
		CHECK(!(m[i] & DEVICE_BITS) && m[i] != HMM_DMIRROR_PROT_ERROR,
		      "%s: page %lu is 0x%02x via dmirror%d, want system memory",
		      what, i, m[i], dev);
	return true;
}

/* npages of seeded data, migrated into device dev's private memory. */
static char *on_device(int dev, unsigned long npages, int seed)
{
	struct hmm_dmirror_cmd cmd;
	char *p = map_pages(npages);
	char *copy = malloc(npages * page_size);	/* test_hmm returns the data */
	int ret;

	if (!p || !copy) {
		fail("out of memory");
		free(copy);
		return NULL;
	}
	fill(p, npages, seed);
	ret = dmirror(dev, HMM_DMIRROR_MIGRATE_TO_DEV, p, copy, npages, &cmd);
	free(copy);
	if (ret || cmd.cpages != npages) {
		fail("migrate to dmirror%d: %s (%llu of %lu pages)", dev, strerror(-ret),
		     (unsigned long long)cmd.cpages, npages);
		munmap(p, npages * page_size);
		return NULL;
	}
	return p;
}

static bool read_via(int dev, char *p, unsigned long npages, int seed)
{
	char *buf = malloc(npages * page_size);
	int ret;
	bool ok;

	if (!buf)
		return fail("out of memory");
	ret = dmirror(dev, HMM_DMIRROR_READ, p, buf, npages, NULL);
	ok = !ret && same(buf, npages, seed);
	free(buf);
	if (ret)
		return fail("read via dmirror%d: %s", dev, strerror(-ret));
	return ok ? true : fail("read via dmirror%d returned wrong data", dev);
}

static bool write_via(int dev, char *p, unsigned long npages, int seed)
{
	char *buf = malloc(npages * page_size);
	int ret;

	if (!buf)
		return fail("out of memory");
	fill(buf, npages, seed);
	ret = dmirror(dev, HMM_DMIRROR_WRITE, p, buf, npages, NULL);
	free(buf);
	return ret ? fail("write via dmirror%d: %s", dev, strerror(-ret)) : true;
}

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
		return fail("bpftool struct_ops register failed");
	if (policy_maps_open(&maps, PIN))
		return fail("cannot find the policy's maps");
	return true;
}

/* Detach through the pinned link (synchronous), then drop the pin. */
static bool policy_detach(void)
{
	int link = bpf_obj_get(PIN "/p2preach");

	policy_maps_close(&maps);
	if (link < 0)
		return fail("no link pinned at %s", PIN "/p2preach");
	if (bpf_link_detach(link)) {
		close(link);
		return fail("link detach: %s", strerror(errno));
	}
	close(link);
	unlink(PIN "/p2preach");
	rmdir(PIN);
	return true;
}

static bool set_pair(const char *client, const char *provider, __u32 verdict)
{
	__u32 c, p;

	if (policy_device_index(&maps, client, true, &c) ||
	    policy_device_index(&maps, provider, true, &p) ||
	    policy_set_verdict(&maps, c, p, verdict))
		return fail("cannot set %s -> %s", client, provider);
	return true;
}

static bool set_pair_bpftool(const char *client, const char *provider, __u32 verdict)
{
	__u32 c, p, cell;

	if (policy_device_index(&maps, client, true, &c) ||
	    policy_device_index(&maps, provider, true, &p))
		return fail("unknown devices");
	cell = p2preach_cell(c, p);
	/* The matrix is the map in slot 0 of p2p_policy: edit it by id. */
	if (run("bt=%s/build/tools/bpftool; "
		"id=$($bt -j map lookup name p2p_policy key 0 0 0 0 | "
		"python3 -c 'import json,sys; print(json.load(sys.stdin)[\"inner_map_id\"])') && "
		"$bt map update id $id key %u %u %u %u value %u 0 0 0",
		root(), cell & 0xff, (cell >> 8) & 0xff, (cell >> 16) & 0xff,
		cell >> 24, verdict))
		return fail("bpftool map update failed");
	return true;
}

/* --- the tests ----------------------------------------------------------- */

static bool t_no_policy_migrates_to_ram(void)
{
	char *p = on_device(0, NPAGES, 100);

	CHECK(p, "setup");
	CHECK(snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE, "after migration"), "");
	CHECK(read_via(1, p, NPAGES, 100), "");
	CHECK(in_ram(0, p, NPAGES, "after the read through dmirror1"), "");
	CHECK(same(p, NPAGES, 100), "process sees wrong data");
	return true;
}

static bool t_rw_read_stays_remote(void)
{
	char *p;

	CHECK(set_pair(DEV1, DEV0, P2PREACH_ALLOW_RW), "");
	p = on_device(0, NPAGES, 200);
	CHECK(p, "setup");
	CHECK(read_via(1, p, NPAGES, 200), "");
	CHECK(snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE, "page left dmirror0"), "");
	CHECK(snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_WRITE, "dmirror1's view"), "");
	return true;
}

static bool t_rw_write_lands_in_peer(void)
{
	char *p = on_device(0, NPAGES, 300);

	CHECK(p, "setup");
	CHECK(write_via(1, p, NPAGES, 333), "");
	CHECK(snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE, "page left dmirror0 on write"), "");
	/* The CPU access brings it home, with what dmirror1 wrote. */
	CHECK(same(p, NPAGES, 333), "process does not see dmirror1's write");
	CHECK(in_ram(0, p, NPAGES, "after the CPU read"), "");
	return true;
}

static bool t_read_only(void)
{
	char *p;

	CHECK(set_pair(DEV1, DEV0, P2PREACH_ALLOW_READ), "");
	p = on_device(0, NPAGES, 400);
	CHECK(p, "setup");
	CHECK(read_via(1, p, NPAGES, 400), "");
	CHECK(snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_READ, "read-only view"), "");
	CHECK(snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE, "page left dmirror0 on read"), "");
	/* A write needs more than was granted: the old way, through RAM. */
	CHECK(write_via(1, p, NPAGES, 444), "");
	CHECK(in_ram(0, p, NPAGES, "after the write through dmirror1"), "");
	CHECK(same(p, NPAGES, 444), "process does not see dmirror1's write");
	return true;
}

static bool t_reverse_denied(void)
{
	char *p;

	CHECK(set_pair(DEV1, DEV0, P2PREACH_ALLOW_RW), "");
	CHECK(set_pair(DEV0, DEV1, P2PREACH_DENY), "");
	p = on_device(1, NPAGES, 500);
	CHECK(p, "setup");
	CHECK(snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_NONE, "dmirror0's view"), "");
	CHECK(read_via(0, p, NPAGES, 500), "");
	CHECK(in_ram(1, p, NPAGES, "after the read through dmirror0"), "");
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

	CHECK(set_pair(DEV0, DEV1, P2PREACH_ALLOW_RW), "");
	p = mmap(NULL, 7 * page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	CHECK(!munmap(p + page_size, page_size), "munmap");
	CHECK(!mprotect(p + 2 * page_size, page_size, PROT_READ), "mprotect");
	val = *(int *)(p + 2 * page_size) + 3;
	CHECK(!mprotect(p + 3 * page_size, page_size, PROT_READ | PROT_WRITE), "mprotect");
	*(int *)(p + 3 * page_size) = val;
	CHECK(!mprotect(p + 3 * page_size, page_size, PROT_READ), "mprotect");
	CHECK(!mprotect(p + 4 * page_size, 3 * page_size, PROT_READ | PROT_WRITE), "mprotect");
	ip = (int *)(p + 4 * page_size);
	*ip = val;
	CHECK(!dmirror(0, HMM_DMIRROR_MIGRATE_TO_DEV, p + 5 * page_size, page, 1, &cmd) &&
	      cmd.cpages == 1, "migrate page 5");
	CHECK(!dmirror(1, HMM_DMIRROR_MIGRATE_TO_DEV, p + 6 * page_size, page, 1, &cmd) &&
	      cmd.cpages == 1, "migrate page 6");
	CHECK(!dmirror(0, HMM_DMIRROR_SNAPSHOT, p, m, 7, &cmd) && cmd.cpages == 7,
	      "snapshot");
	for (int i = 0; i < 7; i++)
		CHECK(m[i] == want[i], "page %d reads 0x%02x, want 0x%02x", i, m[i], want[i]);
	/* Denied again: page 6 reads as upstream expects. */
	CHECK(set_pair(DEV0, DEV1, P2PREACH_DENY), "");
	CHECK(!dmirror(0, HMM_DMIRROR_SNAPSHOT, p, m, 7, &cmd), "snapshot");
	CHECK(m[6] == HMM_DMIRROR_PROT_NONE, "denied: page 6 reads 0x%02x", m[6]);
	return true;
}

static bool t_edit_with(bool (*set)(const char *, const char *, __u32))
{
	char *p;

	CHECK(set(DEV1, DEV0, P2PREACH_ALLOW_RW), "");
	p = on_device(0, NPAGES, 600);
	CHECK(p, "setup");
	CHECK(snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_WRITE, "allowed rw"), "");
	CHECK(set(DEV1, DEV0, P2PREACH_DENY), "");
	CHECK(snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_NONE, "denied"), "");
	CHECK(set(DEV1, DEV0, P2PREACH_ALLOW_READ), "");
	CHECK(snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_READ, "allowed read"), "");
	CHECK(snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			  HMM_DMIRROR_PROT_WRITE, "page stays on dmirror0"), "");
	return true;
}

static bool t_edit_bpftool(void) { return t_edit_with(set_pair_bpftool); }
static bool t_edit_project(void) { return t_edit_with(set_pair); }

static bool t_detach_restores(void)
{
	char *p;

	CHECK(set_pair(DEV1, DEV0, P2PREACH_ALLOW_RW), "");
	p = on_device(0, NPAGES, 700);
	CHECK(p, "setup");
	CHECK(snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			  HMM_DMIRROR_PROT_WRITE, "attached"), "");
	CHECK(policy_detach(), "");
	CHECK(snapshot_is(1, p, NPAGES, HMM_DMIRROR_PROT_NONE, "detached"), "");
	CHECK(read_via(1, p, NPAGES, 700), "");
	CHECK(in_ram(0, p, NPAGES, "read after detach"), "");
	return true;
}

static void test(const char *name, bool (*fn)(void))
{
	bool ok;

	why[0] = 0;
	ok = fn();
	test_no++;
	if (ok) {
		printf("ok %d - %s\n", test_no, name);
	} else {
		failures++;
		printf("not ok %d - %s: %s\n", test_no, name, why);
	}
	fflush(stdout);
}

static bool attach(void) { return policy_attach(); }

/* For scripts: how does client see a page that lives in provider? */
static int probe(const char *client, const char *provider)
{
	int c = !strcmp(client, DEV1), pr = !strcmp(provider, DEV1);
	unsigned char m[NPAGES];
	char *p = on_device(pr, NPAGES, 800);

	if (!p || dmirror(c, HMM_DMIRROR_SNAPSHOT, p, m, NPAGES, NULL)) {
		fprintf(stderr, "peer_access: probe failed: %s\n", why);
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
	page_size = sysconf(_SC_PAGESIZE);
	for (int i = 0; i < 2; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/dev/hmm_dmirror%d", i);
		fd[i] = open(path, O_RDWR | O_CLOEXEC);
		if (fd[i] < 0) {
			printf("not ok 1 - open %s: %s\n", path, strerror(errno));
			return 1;
		}
	}

	if (argc == 4 && !strcmp(argv[1], "probe"))
		return probe(argv[2], argv[3]);
	if (argc != 1) {
		fprintf(stderr, "usage: peer_access [probe CLIENT PROVIDER]\n");
		return 2;
	}

	test("no policy: a read through dmirror1 migrates the page to RAM",
	     t_no_policy_migrates_to_ram);
	test("bpftool struct_ops register accepts the policy object", attach);
	if (maps.policy < 0)
		return 1;
	test("dmirror1 -> dmirror0 rw: a read leaves the page in dmirror0, seen REMOTE|WRITE",
	     t_rw_read_stays_remote);
	test("dmirror1 -> dmirror0 rw: a write lands in the peer's memory",
	     t_rw_write_lands_in_peer);
	test("dmirror1 -> dmirror0 read: reads REMOTE without WRITE, a write goes through RAM",
	     t_read_only);
	test("dmirror0 -> dmirror1 stays denied when only dmirror1 -> dmirror0 is allowed",
	     t_reverse_denied);
	test("upstream hmm2 snapshot: page 6 reads DEV_PRIVATE_REMOTE|WRITE when allowed",
	     t_hmm2_snapshot);
	test("a verdict changed with bpftool map update takes effect at once",
	     t_edit_bpftool);
	test("a verdict changed with p2preach's map code takes effect at once",
	     t_edit_project);
	test("detaching the policy restores the default behaviour", t_detach_restores);
	return failures ? 1 : 0;
}
