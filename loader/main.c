// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach: load the peer access policy for device-private memory, keep it
 * in force, and let the admin read and edit it. See p2preach(8).
 *
 * Everything around a command is done here, once, as its entry in the
 * command table asks: root check, libbpf's messages, the lock, JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "commands.h"
#include "json_out.h"
#include "lock.h"
#include "log.h"

/* libbpf's warnings always; its info and debug lines with -v. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	log_msg(level == LIBBPF_WARN ? LOG_PRIO_WARN : LOG_PRIO_DEBUG, fmt, ap);
	return 0;
}

static int run(const struct cli *c)
{
	const struct command *cmd = c->command;
	int lock = -1, ret;

	if (!cmd->handler) {
		log_err("%s: not built into this binary", c->name);
		return -ENOSYS;
	}
	if ((cmd->flags & CMD_ROOT) && geteuid() != 0) {
		log_err("%s changes the policy and needs root (try: sudo p2preach %s ...)",
			c->name, c->name);
		return -EPERM;
	}
	if (cmd->flags & CMD_LOCK) {
		lock = policy_lock();
		if (lock < 0)
			return lock;
	}
	ret = cmd->handler(c);
	policy_unlock(lock);
	/* A command without a document of its own says "done" as bpftool does. */
	if (!ret && c->json && !(cmd->flags & CMD_JSON))
		json_out_print(stdout, NULL, c->pretty);
	return ret;
}

int main(int argc, char **argv)
{
	char err[512];
	struct cli c;
	int ret;

	if (cli_parse(argc, argv, &c, err, sizeof(err))) {
		if (c.json)
			json_out_error(stdout, err, false);
		else
			fprintf(stderr, "p2preach: %s\n", err);
		return 2;
	}
	log_setup(c.verbose, c.json);
	libbpf_set_print(libbpf_print);
	ret = run(&c);
	if (ret && log_json_error())
		json_out_error(stdout, log_json_error(), c.pretty);
	return ret ? 1 : 0;
}
