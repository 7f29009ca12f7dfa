/* SPDX-License-Identifier: GPL-2.0 */
/* One test_hmm command on an open /dev/hmm_dmirrorN; shared with bench/. */
#ifndef DMIRROR_IOCTL_H
#define DMIRROR_IOCTL_H

#include <errno.h>
#include <sys/ioctl.h>
#include <linux/types.h>

#include "lib/test_hmm_uapi.h"

/* 0 or -errno; the command as test_hmm left it in *out if out is set. */
static inline int dmirror_ioctl(int fd, unsigned long req, void *addr,
				void *buf, unsigned long npages,
				struct hmm_dmirror_cmd *out)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (__u64)(unsigned long)addr,
		.ptr = (__u64)(unsigned long)buf,
		.npages = npages,
	};
	int ret;

	do
		ret = ioctl(fd, req, &cmd);
	while (ret && errno == EINTR);
	if (out)
		*out = cmd;
	return ret ? -errno : 0;
}

#endif
