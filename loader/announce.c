// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "announce.h"
#include "p2preach.h"
#include "pins.h"
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

/* The program pinned under pin_dir, or -1; path: where to pin it, or "". */
static int pinned(const char *pin_dir, char *path, size_t len)
{
	if (!pin_dir || pin_path(path, len, pin_dir, PIN_CHANGED)) {
		path[0] = '\0';
		return -1;
	}
	return bpf_obj_get(path);
}

/* Loaded now, and pinned at path for next time (only a saving: quiet). */
static int load(struct p2preach_changed_bpf **skel, const char *path)
{
	int prog;

	/* A separate tiny object: the policy object stays bpftool-only. */
	*skel = p2preach_changed_bpf__open_and_load();
	if (!*skel)
		return -errno;
	prog = bpf_program__fd((*skel)->progs.p2p_changed);
	if (path[0])
		bpf_obj_pin(prog, path);
	return prog;
}

int policy_announce(const char *pin_dir, const struct id_set *providers)
{
	struct p2preach_changed_bpf *skel = NULL;
	char path[4096] = "";
	int prog, err = 0;

	prog = pinned(pin_dir, path, sizeof(path));
	if (prog < 0)
		prog = load(&skel, path);
	if (prog < 0)
		return prog;
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
	if (skel)
		p2preach_changed_bpf__destroy(skel);
	else
		close(prog);
	return err < 0 ? err : 0;
}
