// SPDX-License-Identifier: GPL-2.0
/*
 * Hook overhead with no policy attached: hmm_range_fault() and test_hmm
 * reads over system pages and over device-private pages of the caller's
 * own device. Only upstream test_hmm ioctls, so that the same binary runs
 * on the unpatched kernel.
 *
 * No HMM_DMIRROR_READ of device-private pages: on the unpatched kernel,
 * once 64 pages or more were migrated, it oopses in dmirror_do_read()
 * (upstream test_hmm can keep a device-private page itself in its mirror
 * and kmap it; the series' test_hmm keeps the backing page).
 *
 * Snapshots and reads go 32 pages per command, 32-page aligned: upstream
 * test_hmm walks 32 pages per hmm_range_fault() call, the series' test_hmm
 * up to a PMD. Commands of 32 pages make one call of 32 pages on both
 * kernels, so that the comparison is of the walks, not of how test_hmm
 * cuts a range into walks.
 *
 *   overhead NPAGES REPS
 *
 * Prints "METRIC MEDIAN_NS" lines, one per measurement.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hmm.h"

enum { SNAP_SYS, FAULT_SYS, READ_SYS, MIGRATE, SNAP_DEV, NR };
static const char *const names[NR] = {
	"snapshot_sys", "fault_read_sys", "read_sys",
	"migrate_to_dev", "snapshot_dev",
};

/* Pages per command: upstream test_hmm's walk. */
#define WALK	32

/* req over the buffer, WALK pages per command; the time of all of them. */
static double walks(int fd, unsigned long req, char *p, char *out,
		    unsigned long npages)
{
	double t = hb_now_ns();

	for (unsigned long i = 0; i < npages; i += WALK) {
		unsigned long n = npages - i < WALK ? npages - i : WALK;

		if (dmirror_ioctl(fd, req, p + i * hb_page, out + i * hb_page, n, NULL)) {
			fprintf(stderr, "overhead: test_hmm command failed\n");
			exit(1);
		}
	}
	return hb_now_ns() - t;
}

int main(int argc, char **argv)
{
	unsigned long npages;
	int reps, a, b;
	double *t[NR];
	char *out;

	if (argc != 3) {
		fprintf(stderr, "usage: overhead NPAGES REPS\n");
		return 2;
	}
	npages = strtoul(argv[1], NULL, 0);
	reps = atoi(argv[2]);
	if (!npages || reps < 1) {
		fprintf(stderr, "overhead: NPAGES and REPS must be positive\n");
		return 2;
	}
	/* Two opens of one device: two mirrors with the same owner. */
	a = hb_open(0);
	b = hb_open(0);
	out = malloc(npages * hb_page);
	for (int i = 0; i < NR; i++)
		t[i] = calloc(reps, sizeof(double));
	if (!out || !t[NR - 1])
		return 1;

	for (int r = 0; r < reps; r++) {
		char *p = hb_buffer(npages);

		/* System pages: a walk, a read that faults, a read that does not. */
		t[SNAP_SYS][r] = walks(a, HMM_DMIRROR_SNAPSHOT, p, out, npages);
		t[FAULT_SYS][r] = walks(a, HMM_DMIRROR_READ, p, out, npages);
		t[READ_SYS][r] = walks(a, HMM_DMIRROR_READ, p, out, npages);

		/* In a's device memory; b shares the owner and finds it in place. */
		t[MIGRATE][r] = hb_now_ns();
		hb_to_device(a, p, npages);
		t[MIGRATE][r] = hb_now_ns() - t[MIGRATE][r];
		t[SNAP_DEV][r] = walks(b, HMM_DMIRROR_SNAPSHOT, p, out, npages);
		hb_free(p, npages);
	}
	for (int i = 0; i < NR; i++)
		printf("%s %.0f\n", names[i], hb_median(t[i], reps));
	return 0;
}
