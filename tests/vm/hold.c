// SPDX-License-Identifier: GPL-2.0
/*
 * hold CMD [ARGS...]: does a policy edit reach pages a device has already
 * mapped? A page lives in hmm_dmirror0 and hmm_dmirror1 reads it (mapping
 * it, if allowed); then CMD runs (an edit with p2preach, say); then
 * hmm_dmirror1 reads again. Prints "kept" when the second read used the
 * existing mapping, "revoked" when it had to fault and ask the policy
 * again, and "ram" when the page was never mapped remotely at all.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dmirror.h"
#include "tap.h"

#define NPAGES 4

int main(int argc, char **argv)
{
	__u64 faults;
	char *p;
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: hold CMD [ARGS...]\n");
		return 2;
	}
	if (!dm_open(2) || !(p = dm_on_device(0, NPAGES, 900)) ||
	    !dm_read_is(1, p, NPAGES, 900, NULL)) {
		fprintf(stderr, "hold: cannot set up a page in hmm_dmirror0\n");
		return 1;
	}
	if (!dm_snapshot_is(0, p, NPAGES, HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
			    HMM_DMIRROR_PROT_WRITE)) {
		puts("ram");
		return 0;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* Only the verdict on our output. */
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "hold: %s failed\n", argv[1]);
		return 1;
	}
	if (!dm_read_is(1, p, NPAGES, 900, &faults)) {
		fprintf(stderr, "hold: second read failed\n");
		return 1;
	}
	puts(faults ? "revoked" : "kept");
	return 0;
}
