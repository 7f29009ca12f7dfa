// SPDX-License-Identifier: GPL-2.0
/*
 * Peer reads through test_hmm with whatever policy is attached.
 *
 *   peer read CLIENT PROVIDER NPAGES REPS [own]
 *	Read NPAGES that live in PROVIDER's memory through CLIENT. Allowed,
 *	the pages stay where they are; denied, they are migrated to RAM,
 *	and "back" is the migration that returns them to PROVIDER.
 *	Prints "read NS", "back NS" (medians), "moved PAGES" (last rep) and
 *	"decisions N", the most policy decisions one read took (the
 *	kernel's counters in /sys/kernel/mm/pagemap_reach/). With "own",
 *	also "own NS": the same read of the same pages through a new open of
 *	PROVIDER, whose own memory they are, taking turns with CLIENT's
 *	(allowed pairs only: a denied read moves the pages), and
 *	"own_decisions N", the most decisions one of those took.
 *   peer edit P2PREACH CLIENT PROVIDER REPS
 *	From the start of "p2preach allow|deny CLIENT PROVIDER" to the first
 *	hmm_range_fault() through CLIENT that sees the new verdict.
 *	Prints "edit_allow NS" and "edit_deny NS" (medians).
 *
 *   peer time REPS COMMAND [ARGS...]
 *	Run COMMAND REPS times, one after the other, and print "ns NS",
 *	the median from before its fork to the end of its wait: what running
 *	it costs, start-up included, with no other process timed along.
 *
 * CLIENT and PROVIDER are test_hmm device numbers.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hmm.h"

/* Pages of the buffer that are no longer in PROVIDER's memory. */
static unsigned long moved(int provider, char *p, unsigned long npages)
{
	unsigned char *m = malloc(npages);
	unsigned long n = 0;

	if (!m || dmirror_ioctl(provider, HMM_DMIRROR_SNAPSHOT, p, m, npages, NULL))
		exit(1);
	for (unsigned long i = 0; i < npages; i++)
		n += (m[i] & 0xf0) != HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL;
	free(m);
	return n;
}

/* Decisions the kernel counted so far, every verdict. */
static unsigned long long decisions(void)
{
	static const char *const files[] = {
		"allowed_read", "allowed_rw", "denied", "invalid",
	};
	unsigned long long sum = 0, v;
	char path[96];

	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/kernel/mm/pagemap_reach/%s", files[i]);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%llu", &v) != 1) {
			fprintf(stderr, "bench: cannot read %s\n", path);
			exit(1);
		}
		fclose(f);
		sum += v;
	}
	return sum;
}

/* A read through the owner; *most: the most decisions one such read took. */
static double own_read(int fd, char *p, char *out, unsigned long npages,
		       unsigned long long *most)
{
	unsigned long long d = decisions();
	double t = hb_timed(fd, HMM_DMIRROR_READ, p, out, npages);

	d = decisions() - d;
	*most = d > *most ? d : *most;
	return t;
}

static int do_read(int c, int pr, unsigned long npages, int reps, int own)
{
	int client = hb_open(c), provider = hb_open(pr);
	/* Another mirror of the provider, which has not mapped the pages yet. */
	int self = own ? hb_open(pr) : -1;
	double *rd = calloc(reps, sizeof(double)), *back = calloc(reps, sizeof(double));
	double *rs = calloc(reps, sizeof(double));
	char *out = malloc(npages * hb_page);
	unsigned long long most = 0, own_most = 0;
	unsigned long m = 0;

	if (!rd || !back || !rs || !out)
		return 1;
	for (int r = 0; r < reps; r++) {
		char *p = hb_buffer(npages);
		unsigned long long d;

		hb_to_device(provider, p, npages);
		/* Taking turns at going first: neither finds the caches warmer. */
		if (own && r % 2)
			rs[r] = own_read(self, p, out, npages, &own_most);
		d = decisions();
		rd[r] = hb_timed(client, HMM_DMIRROR_READ, p, out, npages);
		d = decisions() - d;
		most = d > most ? d : most;
		if (own && !(r % 2))
			rs[r] = own_read(self, p, out, npages, &own_most);
		m = moved(provider, p, npages);
		if (own && m) {
			fprintf(stderr, "bench: %lu pages moved: the pair is not allowed\n", m);
			exit(1);
		}
		back[r] = 0;
		if (m) {
			double t = hb_now_ns();

			hb_to_device(provider, p, npages);
			back[r] = hb_now_ns() - t;
		}
		hb_free(p, npages);
	}
	printf("read %.0f\nback %.0f\nmoved %lu\ndecisions %llu\n", hb_median(rd, reps),
	       hb_median(back, reps), m, most);
	if (own)
		printf("own %.0f\nown_decisions %llu\n", hb_median(rs, reps), own_most);
	return 0;
}

static void run(char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		/* The CLI's confirmation line is not part of the result. */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st)) {
		fprintf(stderr, "bench: %s %s failed\n", argv[0], argv[1] ? argv[1] : "");
		exit(1);
	}
}

/* Time from the edit to a walk through client that sees want. */
static double edit(char *const argv[], int client, char *p, unsigned char want)
{
	double t = hb_now_ns();
	unsigned char m;

	run(argv);
	for (int tries = 0; tries < 100000; tries++) {
		if (dmirror_ioctl(client, HMM_DMIRROR_SNAPSHOT, p, &m, 1, NULL))
			exit(1);
		if (m == want)
			return hb_now_ns() - t;
	}
	fprintf(stderr, "bench: %s %s never took effect (0x%02x, want 0x%02x)\n",
		argv[0], argv[1], m, want);
	exit(1);
}

static int do_time(int reps, char *const argv[])
{
	double *t = calloc(reps, sizeof(double));

	if (!t || reps < 1)
		return 1;
	for (int r = 0; r < reps; r++) {
		t[r] = hb_now_ns();
		run(argv);
		t[r] = hb_now_ns() - t[r];
	}
	printf("ns %.0f\n", hb_median(t, reps));
	return 0;
}

static int do_edit(char *cli, int c, int pr, int reps)
{
	int client = hb_open(c), provider = hb_open(pr);
	double *on = calloc(reps, sizeof(double)), *off = calloc(reps, sizeof(double));
	char cname[32], pname[32];
	char *allow[] = { cli, "allow", cname, pname, "rw", NULL };
	char *deny[] = { cli, "deny", cname, pname, NULL };
	char *p = hb_buffer(1);

	if (!on || !off)
		return 1;
	snprintf(cname, sizeof(cname), "hmm_dmirror%d", c);
	snprintf(pname, sizeof(pname), "hmm_dmirror%d", pr);
	/* Not in the CLI's fork, which would make the page copy-on-write. */
	madvise(p, hb_page, MADV_DONTFORK);
	/* A snapshot never faults: the page stays in provider throughout. */
	hb_to_device(provider, p, 1);
	for (int r = 0; r < reps; r++) {
		on[r] = edit(allow, client, p, HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE |
			     HMM_DMIRROR_PROT_WRITE);
		off[r] = edit(deny, client, p, HMM_DMIRROR_PROT_NONE);
	}
	printf("edit_allow %.0f\nedit_deny %.0f\n", hb_median(on, reps),
	       hb_median(off, reps));
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 6 || (argc == 7 && !strcmp(argv[6], "own"))) &&
	    !strcmp(argv[1], "read"))
		return do_read(atoi(argv[2]), atoi(argv[3]),
			       strtoul(argv[4], NULL, 0), atoi(argv[5]), argc == 7);
	if (argc >= 4 && !strcmp(argv[1], "time"))
		return do_time(atoi(argv[2]), argv + 3);
	if (argc == 6 && !strcmp(argv[1], "edit"))
		return do_edit(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "usage: peer read CLIENT PROVIDER NPAGES REPS [own]\n"
		"       peer edit P2PREACH CLIENT PROVIDER REPS\n"
		"       peer time REPS COMMAND [ARGS...]\n");
	return 2;
}
