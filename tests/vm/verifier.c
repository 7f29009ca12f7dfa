// SPDX-License-Identifier: GPL-2.0
/*
 * Policies that break the rules are rejected at load, and the verifier log
 * (or, for a sleepable decision, the kernel log) names the problem.
 *
 *   verifier DIR     (DIR holds the bad_*.bpf.o objects)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "tap.h"

static const char *dir;
static char log_buf[1 << 20];

static const struct {
	const char *object;
	const char *what;
	const char *message;	/* expected in the verifier log */
	const char *kmsg;	/* expected in the kernel log, if any */
} cases[] = {
	{ "bad_write", "writes to a struct device",
	  "a policy may not write to kernel objects", NULL },
	{ "bad_helper", "calls a tracing-only helper",
	  "cannot use helper bpf_probe_write_user", NULL },
	{ "bad_kfunc", "calls a syscall-only kfunc",
	  "calling kernel function bpf_pagemap_reach_changed is not allowed", NULL },
	{ "bad_sleepable", "is sleepable",
	  "attach to unsupported member decide of struct pagemap_reach_ops",
	  "a decision must not be sleepable" },
};

static int current_case;

static bool in_kernel_log(const char *text)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "dmesg | grep -q '%s'", text);
	return system(cmd) == 0;
}

static bool t_rejected(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .kernel_log_buf = log_buf,
		    .kernel_log_size = sizeof(log_buf), .kernel_log_level = 1);
	char path[512];
	struct bpf_object *obj;
	int err;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, cases[current_case].object);
	log_buf[0] = 0;
	obj = bpf_object__open_file(path, &opts);
	CHECK(obj, "cannot open %s: %s", path, strerror(errno));
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	CHECK(err, "the policy was loaded");
	CHECK(strstr(log_buf, cases[current_case].message),
	      "verifier log does not say \"%s\"", cases[current_case].message);
	if (cases[current_case].kmsg)
		CHECK(in_kernel_log(cases[current_case].kmsg),
		      "kernel log does not say \"%s\"", cases[current_case].kmsg);
	return true;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;	/* the expected failures are checked, not printed */
}

int main(int argc, char **argv)
{
	char name[128];

	if (argc != 2) {
		fprintf(stderr, "usage: verifier DIR\n");
		return 2;
	}
	dir = argv[1];
	libbpf_set_print(quiet);
	for (current_case = 0; current_case < (int)(sizeof(cases) / sizeof(cases[0]));
	     current_case++) {
		snprintf(name, sizeof(name), "verifier rejects a policy that %s",
			 cases[current_case].what);
		tap_test(name, t_rejected);
	}
	return tap_failures() ? 1 : 0;
}
