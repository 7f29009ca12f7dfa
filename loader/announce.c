// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "announce.h"
#include "p2preach.h"
#include "p2preach_changed.skel.h"

/* 1: the program told every provider (no scoped call in this kernel). */
static int run(int prog, __u32 provider_id)
{
	struct p2preach_changed_ctx ctx = { .provider_id = provider_id };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	if (bpf_prog_test_run_opts(prog, &opts))
		return -errno;
	return (int)opts.retval;
}

static unsigned count(const struct id_set *s)
{
	unsigned n = 0;

	for_each_id(s, id)
		n++;
	return n;
}

int policy_announce(const struct id_set *providers)
{
	struct p2preach_changed_bpf *skel;
	int prog, err = 0;

	/* A separate tiny object: the policy object stays bpftool-only. */
	skel = p2preach_changed_bpf__open_and_load();
	if (!skel)
		return -errno;
	prog = bpf_program__fd(skel->progs.p2p_changed);
	if (!providers || count(providers) > ANNOUNCE_MAX_SCOPED) {
		err = run(prog, P2PREACH_ALL_PROVIDERS);
	} else {
		for_each_id(providers, id) {
			err = run(prog, id);
			if (err == -EINVAL)	/* not a provider any more */
				err = 0;
			if (err)
				break;
		}
	}
	p2preach_changed_bpf__destroy(skel);
	return err < 0 ? err : 0;
}
