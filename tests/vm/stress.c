// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: worker threads move pages into one dmirror device and access them
 * through the other, checking every byte, while a policy thread attaches,
 * replaces (link update) and detaches the policy in a loop. One worker uses
 * 2 MiB THP-backed ranges, which become device-private THPs, and also
 * migrates them device to device. Every few seconds the main thread stops
 * the workers, unloads and reloads test_hmm, and starts them again, while
 * the policy thread goes on.
 *
 *   stress [SECONDS]     (default 20)
 *
 * Prints one "ok"/"not ok" line. Kernel splats are caught by the VM runner.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "dmirror.h"
#include "p2preach.h"
#include "p2preach.skel.h"

#define WORKERS	3
#define NPAGES	8
#define THP_SIZE	(2UL << 20)
#define EPOCH_SECONDS	5

static atomic_bool stop, stop_policy;
static atomic_long rounds, thp_rounds, partial, errors, cycles;
static char first_error[256];
static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

static void error(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&error_lock);
	if (!errors) {
		va_start(ap, fmt);
		vsnprintf(first_error, sizeof(first_error), fmt, ap);
		va_end(ap);
	}
	errors++;
	pthread_mutex_unlock(&error_lock);
}

static void fill(unsigned int *p, size_t words, unsigned int seed)
{
	for (size_t i = 0; i < words; i++)
		p[i] = seed * 2654435761u + (unsigned int)i;
}

static size_t first_bad(const unsigned int *p, size_t words, unsigned int seed)
{
	for (size_t i = 0; i < words; i++)
		if (p[i] != seed * 2654435761u + (unsigned int)i)
			return i;
	return words;
}

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(unsigned long)arg * 1000003u;
	size_t size = NPAGES * dm_page_size, words = size / sizeof(unsigned int), bad;
	unsigned int *buf = malloc(size);
	unsigned int *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ret;

	if (!buf || p == MAP_FAILED) {
		error("worker: out of memory");
		return NULL;
	}
	while (!stop) {
		seed++;
		fill(p, words, seed);
		ret = dm_cmd(0, HMM_DMIRROR_MIGRATE_TO_DEV, p, buf, NPAGES, NULL);
		/*
		 * Migration may leave a page behind (a transient reference);
		 * test_hmm then reports -ENOENT. The checks below hold either way.
		 */
		if (ret == -ENOENT)
			partial++;
		else if (ret) {
			error("migrate to dmirror0: %s", strerror(-ret));
			break;
		}
		/* Read through the peer: remote or via RAM, the data must match. */
		ret = dm_cmd(1, HMM_DMIRROR_READ, p, buf, NPAGES, NULL);
		if (ret) {
			error("read via dmirror1: %s", strerror(-ret));
			break;
		}
		if ((bad = first_bad(buf, words, seed)) < words) {
			error("read via dmirror1: word %zu is 0x%x", bad, buf[bad]);
			break;
		}
		/* Write through the peer, then check from the CPU. */
		seed++;
		fill(buf, words, seed);
		ret = dm_cmd(1, HMM_DMIRROR_WRITE, p, buf, NPAGES, NULL);
		if (ret) {
			error("write via dmirror1: %s", strerror(-ret));
			break;
		}
		if ((bad = first_bad(p, words, seed)) < words) {
			error("CPU read after write via dmirror1: word %zu is 0x%x", bad, p[bad]);
			break;
		}
		rounds++;
	}
	munmap(p, size);
	free(buf);
	return NULL;
}

/* A 2 MiB aligned range that the kernel backs with a THP on first touch. */
static unsigned int *thp_range(void)
{
	char *raw = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + THP_SIZE, raw + THP_SIZE - p);
	madvise(p, THP_SIZE, MADV_HUGEPAGE);
	return (unsigned int *)p;
}

/*
 * THPs into dmirror0, read and written through dmirror1, then migrated
 * device to device into dmirror1 where the policy allows it.
 */
static void *thp_worker(void *arg)
{
	unsigned long npages = THP_SIZE / dm_page_size;
	size_t words = THP_SIZE / sizeof(unsigned int), bad;
	unsigned int seed = 7777777u, *buf = malloc(THP_SIZE), *p;
	int ret;

	if (!buf) {
		error("thp worker: out of memory");
		return NULL;
	}
	while (!stop) {
		p = thp_range();
		if (!p) {
			error("thp worker: mmap failed");
			break;
		}
		fill(p, words, ++seed);
		ret = dm_cmd(0, HMM_DMIRROR_MIGRATE_TO_DEV, p, buf, npages, NULL);
		if (ret && ret != -ENOENT) {
			error("thp: migrate to dmirror0: %s", strerror(-ret));
			munmap(p, THP_SIZE);
			break;
		}
		ret = dm_cmd(1, HMM_DMIRROR_READ, p, buf, npages, NULL);
		if (ret || (bad = first_bad(buf, words, seed)) < words) {
			error("thp: read via dmirror1: %s", ret ? strerror(-ret) : "wrong data");
			munmap(p, THP_SIZE);
			break;
		}
		fill(buf, words, ++seed);
		ret = dm_cmd(1, HMM_DMIRROR_WRITE, p, buf, npages, NULL);
		if (ret) {
			error("thp: write via dmirror1: %s", strerror(-ret));
			munmap(p, THP_SIZE);
			break;
		}
		/* Whatever moves, and however far, the data stays. */
		ret = dm_cmd(0, HMM_DMIRROR_MIGRATE_TO_DEV, p, buf, npages, NULL);
		if (!ret || ret == -ENOENT)
			ret = dm_cmd(1, HMM_DMIRROR_MIGRATE_PEER_TO_DEV, p, buf, npages, NULL);
		if (ret && ret != -ENOENT) {
			error("thp: peer migration: %s", strerror(-ret));
			munmap(p, THP_SIZE);
			break;
		}
		if ((bad = first_bad(p, words, seed)) < words) {
			error("thp: CPU read: word %zu is 0x%x", bad, p[bad]);
			munmap(p, THP_SIZE);
			break;
		}
		munmap(p, THP_SIZE);
		thp_rounds++;
	}
	free(buf);
	return NULL;
}

/*
 * Every pair gets the verdict, the default too: test_hmm's ids change
 * with each reload, and the verdict must not.
 */
static int allow_all(struct p2preach_bpf *skel, __u32 verdict)
{
	for (__u32 cell = 0; cell < P2PREACH_POLICY_CELLS; cell++)
		if (bpf_map__update_elem(skel->maps.p2p_matrix, &cell, sizeof(cell),
					 &verdict, sizeof(verdict), BPF_ANY))
			return -errno;
	return 0;
}

static struct p2preach_bpf *rw, *ro;

/* Attach, replace both ways and detach the policy until told to stop. */
static void *policy_cycles(void *arg)
{
	while (!stop_policy && !errors) {
		struct bpf_link *link = bpf_map__attach_struct_ops(rw->maps.p2preach);

		if (!link) {
			error("attach: %s", strerror(errno));
			break;
		}
		usleep(20000);
		if (bpf_link__update_map(link, ro->maps.p2preach)) {
			error("link update: %s", strerror(errno));
			bpf_link__destroy(link);
			break;
		}
		usleep(20000);
		if (bpf_link__update_map(link, rw->maps.p2preach))
			error("link update back: %s", strerror(errno));
		usleep(10000);
		bpf_link__detach(link);
		bpf_link__destroy(link);
		usleep(10000);
		cycles++;
	}
	return NULL;
}

/* With no device open, unload test_hmm and load it again. */
static bool reload_test_hmm(void)
{
	const char *k = getenv("P2PREACH_KERNEL");
	char cmd[512];

	dm_close();
	if (!k || system("rmmod test_hmm") != 0) {
		error("rmmod test_hmm failed");
		return false;
	}
	snprintf(cmd, sizeof(cmd), "insmod %s/test_hmm.ko", k);
	if (system(cmd) != 0 || !dm_open(2)) {
		error("reloading test_hmm failed");
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 20;
	pthread_t threads[WORKERS + 1], policy;
	long reloads = 0;
	time_t end;
	int i;

	if (!dm_open(2)) {
		printf("not ok 1 - stress: cannot open the test_hmm devices\n");
		return 1;
	}
	rw = p2preach_bpf__open_and_load();
	ro = p2preach_bpf__open_and_load();
	if (!rw || !ro || allow_all(rw, P2PREACH_ALLOW_RW) ||
	    allow_all(ro, P2PREACH_ALLOW_READ)) {
		printf("not ok 1 - stress: cannot load two policy instances\n");
		return 1;
	}

	pthread_create(&policy, NULL, policy_cycles, NULL);
	end = time(NULL) + seconds;
	while (time(NULL) < end && !errors) {
		time_t epoch = time(NULL) + EPOCH_SECONDS;

		stop = false;
		for (i = 0; i < WORKERS; i++)
			pthread_create(&threads[i], NULL, worker, (void *)(long)(i + 1));
		pthread_create(&threads[WORKERS], NULL, thp_worker, NULL);
		while (time(NULL) < epoch && time(NULL) < end && !errors)
			usleep(100000);
		stop = true;
		for (i = 0; i <= WORKERS; i++)
			pthread_join(threads[i], NULL);
		if (time(NULL) < end && !errors && reload_test_hmm())
			reloads++;
	}
	stop_policy = true;
	pthread_join(policy, NULL);

	if (errors || !rounds || !thp_rounds || !cycles)
		printf("not ok 1 - stress: %ld errors, %ld rounds, %ld THP rounds, %ld policy cycles: %s\n",
		       (long)errors, (long)rounds, (long)thp_rounds, (long)cycles, first_error);
	else
		printf("ok 1 - stress: %ld checked rounds (%ld partly migrated) by %d threads and %ld THP rounds across %ld attach/replace/detach cycles and %ld test_hmm reloads\n",
		       (long)rounds, (long)partial, WORKERS, (long)thp_rounds, (long)cycles, reloads);
	p2preach_bpf__destroy(rw);
	p2preach_bpf__destroy(ro);
	return errors ? 1 : 0;
}
