// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "log.h"

int policy_lock(const char *pin_dir)
{
	int fd, err;

	if (mkdir(pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		log_err("cannot create %s: %s", pin_dir, strerror(errno));
		return err;
	}
	fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		log_err("cannot open %s: %s", pin_dir, strerror(errno));
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
	log_err("cannot lock %s: %s", pin_dir, strerror(errno));
	close(fd);
	return err;
}

void policy_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
