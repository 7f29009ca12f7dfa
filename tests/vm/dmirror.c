// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmirror.h"
#include "dmirror_ioctl.h"
#include "tap.h"

long dm_page_size;
static int fds[DMIRROR_MAX] = { -1, -1, -1, -1, -1, -1, -1, -1 };

bool dm_open(int n)
{
	char path[32];

	dm_page_size = sysconf(_SC_PAGESIZE);
	for (int i = 0; i < n && i < DMIRROR_MAX; i++) {
		snprintf(path, sizeof(path), "/dev/hmm_dmirror%d", i);
		fds[i] = open(path, O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			return tap_fail("open %s: %s", path, strerror(errno));
	}
	return true;
}

void dm_close(void)
{
	for (int i = 0; i < DMIRROR_MAX; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int dm_cmd(int dev, unsigned long req, void *addr, void *buf,
	   unsigned long npages, struct hmm_dmirror_cmd *out)
{
	return dmirror_ioctl(fds[dev], req, addr, buf, npages, out);
}

char *dm_map(unsigned long npages)
{
	char *p = mmap(NULL, npages * dm_page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void dm_unmap(char *p, unsigned long npages)
{
	if (p)
		munmap(p, npages * dm_page_size);
}

void dm_fill(void *p, unsigned long npages, int seed)
{
	for (size_t i = 0; i < npages * dm_page_size / sizeof(int); i++)
		((int *)p)[i] = seed + (int)i;
}

bool dm_same(const void *p, unsigned long npages, int seed)
{
	for (size_t i = 0; i < npages * dm_page_size / sizeof(int); i++)
		if (((const int *)p)[i] != seed + (int)i)
			return false;
	return true;
}

char *dm_on_device(int dev, unsigned long npages, int seed)
{
	struct hmm_dmirror_cmd cmd;
	char *p = dm_map(npages);
	char *copy = malloc(npages * dm_page_size);	/* test_hmm returns the data */
	int ret;

	if (!p || !copy) {
		tap_fail("out of memory");
		free(copy);
		dm_unmap(p, npages);
		return NULL;
	}
	dm_fill(p, npages, seed);
	ret = dm_cmd(dev, HMM_DMIRROR_MIGRATE_TO_DEV, p, copy, npages, &cmd);
	free(copy);
	if (ret || cmd.cpages != npages) {
		tap_fail("migrate to dmirror%d: %s (%llu of %lu pages)", dev,
			 strerror(-ret), (unsigned long long)cmd.cpages, npages);
		dm_unmap(p, npages);
		return NULL;
	}
	return p;
}

/* The snapshot of npages through dev, malloc'ed; NULL (with a reason) on error. */
static unsigned char *snapshot(int dev, char *p, unsigned long npages)
{
	unsigned char *m = malloc(npages);
	int ret;

	if (!m) {
		tap_fail("out of memory");
		return NULL;
	}
	ret = dm_cmd(dev, HMM_DMIRROR_SNAPSHOT, p, m, npages, NULL);
	if (ret) {
		tap_fail("snapshot via dmirror%d: %s", dev, strerror(-ret));
		free(m);
		return NULL;
	}
	return m;
}

bool dm_snapshot_is(int dev, char *p, unsigned long npages, unsigned char want)
{
	unsigned char *m = snapshot(dev, p, npages);
	bool ok = m != NULL;

	for (unsigned long i = 0; ok && i < npages; i++)
		if (m[i] != want)
			ok = tap_fail("dmirror%d sees page %lu as 0x%02x, want 0x%02x",
				      dev, i, m[i], want);
	free(m);
	return ok;
}

bool dm_in_ram(int dev, char *p, unsigned long npages)
{
	unsigned char *m = snapshot(dev, p, npages);
	bool ok = m != NULL;

	for (unsigned long i = 0; ok && i < npages; i++)
		if ((m[i] & DMIRROR_PROT_LOCATION) || m[i] == HMM_DMIRROR_PROT_ERROR)
			ok = tap_fail("page %lu is 0x%02x via dmirror%d, want system memory",
				      i, m[i], dev);
	free(m);
	return ok;
}

bool dm_read_is(int dev, char *p, unsigned long npages, int seed, __u64 *faults)
{
	struct hmm_dmirror_cmd cmd;
	char *buf = malloc(npages * dm_page_size);
	int ret;
	bool same;

	if (!buf)
		return tap_fail("out of memory");
	ret = dm_cmd(dev, HMM_DMIRROR_READ, p, buf, npages, &cmd);
	same = !ret && dm_same(buf, npages, seed);
	free(buf);
	if (ret)
		return tap_fail("read via dmirror%d: %s", dev, strerror(-ret));
	if (faults)
		*faults = cmd.faults;
	return same ? true : tap_fail("read via dmirror%d returned wrong data", dev);
}

bool dm_write(int dev, char *p, unsigned long npages, int seed)
{
	char *buf = malloc(npages * dm_page_size);
	int ret;

	if (!buf)
		return tap_fail("out of memory");
	dm_fill(buf, npages, seed);
	ret = dm_cmd(dev, HMM_DMIRROR_WRITE, p, buf, npages, NULL);
	free(buf);
	return ret ? tap_fail("write via dmirror%d: %s", dev, strerror(-ret)) : true;
}
