// SPDX-License-Identifier: GPL-2.0
/*
 * p2preach: load the peer access policy for device-private memory, keep it
 * in force, and let the admin read and edit it. See p2preach(8).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "commands.h"

#ifndef P2PREACH_VERSION
#define P2PREACH_VERSION "0.1"
#endif

/* libbpf's own chatter only when it explains a failure. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	char err[512];
	struct cli c;
	int ret;

	if (cli_parse(argc, argv, &c, err, sizeof(err))) {
		fprintf(stderr, "p2preach: %s\n", err);
		return 2;
	}
	if (c.cmd == CMD_HELP) {
		fputs(cli_usage, stdout);
		return 0;
	}
	if (c.cmd == CMD_VERSION) {
		printf("p2preach %s\n", P2PREACH_VERSION);
		return 0;
	}
	if (cli_is_edit(&c) && geteuid() != 0) {
		fprintf(stderr, "p2preach: %s changes the policy and needs root (try: sudo p2preach %s ...)\n",
			c.name, c.name);
		return 1;
	}
	libbpf_set_print(libbpf_print);

	switch (c.cmd) {
	case CMD_DAEMON: ret = cmd_daemon(&c); break;
	case CMD_LOAD: ret = cmd_load(&c); break;
	case CMD_SHOW: ret = cmd_show(&c); break;
	case CMD_ALLOW:
	case CMD_DENY: ret = cmd_edit(&c); break;
	case CMD_APPLY: ret = cmd_apply(&c); break;
	case CMD_CHECK: ret = cmd_check(&c); break;
	case CMD_STATS: ret = cmd_stats(&c); break;
	case CMD_STATUS: ret = cmd_status(&c); break;
	case CMD_DETACH: ret = cmd_detach(&c); break;
	case CMD_TOPOLOGY: ret = cmd_topology(&c); break;
	default: ret = -EINVAL; break;
	}
	return ret ? 1 : 0;
}
