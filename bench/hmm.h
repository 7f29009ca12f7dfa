/* SPDX-License-Identifier: GPL-2.0 */
/* test_hmm for the benchmarks: devices, commands, buffers, timing. */
#ifndef BENCH_HMM_H
#define BENCH_HMM_H

#include <stddef.h>
#include <linux/types.h>

#include "lib/test_hmm_uapi.h"

extern long hb_page;

/* A new open of /dev/hmm_dmirrorN (each open is its own mirror); exits on error. */
int hb_open(int dev);
/* One test_hmm command; 0 or -errno. */
int hb_cmd(int fd, unsigned long req, void *addr, void *buf,
	   unsigned long npages, struct hmm_dmirror_cmd *out);
/* Like hb_cmd, but exits on error; returns the time it took in ns. */
double hb_timed(int fd, unsigned long req, void *addr, void *buf,
		unsigned long npages);

/* npages of anonymous memory, every page written; exits on error. */
char *hb_buffer(unsigned long npages);
void hb_free(char *p, unsigned long npages);
/* Migrate the buffer into the device of fd; exits unless every page moved. */
void hb_to_device(int fd, char *p, unsigned long npages);

double hb_now_ns(void);
double hb_median(double *v, int n);

#endif
