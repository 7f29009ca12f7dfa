// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "announce.h"
#include "p2preach_changed.skel.h"

int policy_announce(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct p2preach_changed_bpf *skel;
	int err;

	/* A separate tiny object: the policy object stays bpftool-only. */
	skel = p2preach_changed_bpf__open_and_load();
	if (!skel)
		return -errno;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.p2p_changed), &opts);
	if (!err)
		err = (int)opts.retval;
	else
		err = -errno;
	p2preach_changed_bpf__destroy(skel);
	return err;
}
