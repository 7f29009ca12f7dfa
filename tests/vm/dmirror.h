/* SPDX-License-Identifier: GPL-2.0 */
/* test_hmm's /dev/hmm_dmirrorN devices, as the VM tests use them. */
#ifndef P2PREACH_DMIRROR_H
#define P2PREACH_DMIRROR_H

#include <stdbool.h>
#include <linux/types.h>

#include "lib/test_hmm_uapi.h"

#define DMIRROR_MAX	8
/* Device location bits of HMM_DMIRROR_PROT_* in a snapshot. */
#define DMIRROR_PROT_LOCATION	0xf0

extern long dm_page_size;

/* Open /dev/hmm_dmirror0 .. n-1; false (with a TAP reason) on error. */
bool dm_open(int n);
void dm_close(void);
/* Issue a test_hmm command through device dev; 0 or -errno. */
int dm_cmd(int dev, unsigned long req, void *addr, void *buf,
	   unsigned long npages, struct hmm_dmirror_cmd *out);

char *dm_map(unsigned long npages);
void dm_unmap(char *p, unsigned long npages);
void dm_fill(void *p, unsigned long npages, int seed);
bool dm_same(const void *p, unsigned long npages, int seed);

/* npages of seeded data, migrated into device dev; NULL on failure. */
char *dm_on_device(int dev, unsigned long npages, int seed);
/* Every page seen through dev reads as want. */
bool dm_snapshot_is(int dev, char *p, unsigned long npages, unsigned char want);
/* Every page is in system memory, as seen through dev. */
bool dm_in_ram(int dev, char *p, unsigned long npages);
/* Read through dev and compare with the seed; *faults as test_hmm counts. */
bool dm_read_is(int dev, char *p, unsigned long npages, int seed, __u64 *faults);
bool dm_write(int dev, char *p, unsigned long npages, int seed);

#endif
