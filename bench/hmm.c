// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hmm.h"

long hb_page;

static void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(err));
	exit(1);
}

int hb_open(int dev)
{
	char path[32];
	int fd;

	hb_page = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "/dev/hmm_dmirror%d", dev);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die(path, errno);
	return fd;
}

double hb_timed(int fd, unsigned long req, void *addr, void *buf,
		unsigned long npages)
{
	double t = hb_now_ns();
	int ret = dmirror_ioctl(fd, req, addr, buf, npages, NULL);

	if (ret)
		die("test_hmm command", -ret);
	return hb_now_ns() - t;
}

char *hb_buffer(unsigned long npages)
{
	size_t len = npages * hb_page;
	char *m = mmap(NULL, len + HB_PMD_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (m == MAP_FAILED)
		die("mmap", errno);
	/* Aligned to a PMD: a 16 MiB buffer spans 8 PMDs, not 9. */
	p = (char *)(((unsigned long)m + HB_PMD_SIZE - 1) & ~(HB_PMD_SIZE - 1));
	if (p > m)
		munmap(m, p - m);
	munmap(p + len, m + HB_PMD_SIZE - p);
	/* Small pages only: THP would change what is measured. */
	madvise(p, npages * hb_page, MADV_NOHUGEPAGE);
	for (unsigned long i = 0; i < npages; i++)
		memset(p + i * hb_page, (int)i, hb_page);
	return p;
}

void hb_free(char *p, unsigned long npages)
{
	munmap(p, npages * hb_page);
}

void hb_to_device(int fd, char *p, unsigned long npages)
{
	struct hmm_dmirror_cmd cmd;
	char *copy = malloc(npages * hb_page);	/* test_hmm copies the data out */
	int ret;

	if (!copy)
		die("malloc", ENOMEM);
	ret = dmirror_ioctl(fd, HMM_DMIRROR_MIGRATE_TO_DEV, p, copy, npages, &cmd);
	free(copy);
	if (ret)
		die("migrate to device", -ret);
	if (cmd.cpages != npages) {
		fprintf(stderr, "bench: migrated %llu of %lu pages\n",
			(unsigned long long)cmd.cpages, npages);
		exit(1);
	}
}

double hb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double hb_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
