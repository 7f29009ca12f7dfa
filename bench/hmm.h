/* SPDX-License-Identifier: GPL-2.0 */
/* test_hmm for the benchmarks: devices, commands, buffers, timing. */
#ifndef BENCH_HMM_H
#define BENCH_HMM_H

#include <stddef.h>
#include <linux/types.h>

#include "dmirror_ioctl.h"

extern long hb_page;

/* A new open of /dev/hmm_dmirrorN (each open is its own mirror); exits on error. */
int hb_open(int dev);
/* Like dmirror_ioctl(), but exits on error; returns the time it took in ns. */
double hb_timed(int fd, unsigned long req, void *addr, void *buf,
		unsigned long npages);

/* x86-64's PMD: what test_hmm walks at a time. */
#define HB_PMD_SIZE	(2UL << 20)

/*
 * npages of anonymous memory in small pages, starting on a PMD boundary,
 * every page written; exits on error.
 */
char *hb_buffer(unsigned long npages);
void hb_free(char *p, unsigned long npages);
/* Migrate the buffer into the device of fd; exits unless every page moved. */
void hb_to_device(int fd, char *p, unsigned long npages);

double hb_now_ns(void);
double hb_median(double *v, int n);

#endif
