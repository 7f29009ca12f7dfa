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
		t[SNAP_SYS][r] = hb_timed(a, HMM_DMIRROR_SNAPSHOT, p, out, npages);
		t[FAULT_SYS][r] = hb_timed(a, HMM_DMIRROR_READ, p, out, npages);
		t[READ_SYS][r] = hb_timed(a, HMM_DMIRROR_READ, p, out, npages);

		/* In a's device memory; b shares the owner and finds it in place. */
		t[MIGRATE][r] = hb_now_ns();
		hb_to_device(a, p, npages);
		t[MIGRATE][r] = hb_now_ns() - t[MIGRATE][r];
		t[SNAP_DEV][r] = hb_timed(b, HMM_DMIRROR_SNAPSHOT, p, out, npages);
		hb_free(p, npages);
	}
	for (int i = 0; i < NR; i++)
		printf("%s %.0f\n", names[i], hb_median(t[i], reps));
	return 0;
}
