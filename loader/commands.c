// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "commands.h"

/*
 * The handlers are weak references so that the pure library links
 * without them (unit tests, fuzzers, the completion generator); the
 * loader links every cmd_*.o, and main() refuses a command without one.
 */
#pragma weak cmd_daemon
#pragma weak cmd_load
#pragma weak cmd_show
#pragma weak cmd_edit
#pragma weak cmd_apply
#pragma weak cmd_check
#pragma weak cmd_stats
#pragma weak cmd_status
#pragma weak cmd_detach

const struct command commands[] = {
	{ "daemon", cmd_daemon, cli_parse_daemon, 0, 0, "",
	  "load, attach and pin the policy, apply the config file,\n"
	  "follow SIGHUP and device hotplug",
	  CMD_EDIT | CMD_ROOT, OPT_CONFIG | OPT_METRICS },
	{ "load", cmd_load, cli_parse_file, 0, 1, "[FILE]",
	  "load, attach and pin the policy once",
	  CMD_EDIT | CMD_ROOT | CMD_LOCK, 0 },
	{ "show", cmd_show, cli_parse_show, 0, 0, "",
	  "per pair: reach, PCI path, verdict, result and why;\n"
	  "-m: as a matrix; --diff FILE: live edits not in FILE",
	  CMD_JSON, OPT_DIFF | OPT_MATRIX },
	{ "allow", cmd_edit, cli_parse_pair, 2, 3, "CLIENT PROVIDER [read|rw]",
	  "let CLIENT access PROVIDER's memory (default rw)",
	  CMD_EDIT | CMD_ROOT | CMD_LOCK, OPT_BOTH },
	{ "deny", cmd_edit, cli_parse_pair, 2, 2, "CLIENT PROVIDER",
	  "make CLIENT go through RAM for PROVIDER's memory",
	  CMD_EDIT | CMD_ROOT | CMD_LOCK, OPT_BOTH },
	{ "apply", cmd_apply, cli_parse_file, 1, 1, "FILE",
	  "replace the whole policy with FILE, atomically",
	  CMD_EDIT | CMD_ROOT | CMD_LOCK, 0 },
	{ "check", cmd_check, cli_parse_file, 1, 1, "FILE",
	  "validate FILE, print the matrix it gives here;\n"
	  "change nothing", CMD_JSON, 0 },
	{ "stats", cmd_stats, cli_parse_stats, 0, 0, "",
	  "decisions per pair and verdict; --format openmetrics\n"
	  "or prometheus for monitoring", CMD_JSON, OPT_FORMAT | OPT_OUTPUT },
	{ "status", cmd_status, NULL, 0, 0, "",
	  "attached or not, policy, generation, devices", CMD_JSON, 0 },
	{ "detach", cmd_detach, NULL, 0, 0, "",
	  "detach the policy and drop its pins",
	  CMD_EDIT | CMD_ROOT | CMD_LOCK, 0 },
	{ "help", cmd_help, NULL, 0, 0, "", "this text", 0, 0 },
	{ "version", cmd_version, NULL, 0, 0, "", "the version", 0, 0 },
};

const size_t nr_commands = sizeof(commands) / sizeof(commands[0]);
