// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"

int policy_lock(void)
{
	int fd, err;

	fd = open(P2PREACH_LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		log_err("cannot open %s: %s", P2PREACH_LOCK_FILE, strerror(errno));
		return err;
	}
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	if (errno == EWOULDBLOCK) {
		log_info("waiting for another edit of the policy to finish");
		if (!flock(fd, LOCK_EX))
			return fd;
	}
	err = -errno;
	log_err("cannot lock %s: %s", P2PREACH_LOCK_FILE, strerror(errno));
	close(fd);
	return err;
}

void policy_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
