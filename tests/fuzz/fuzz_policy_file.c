// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the policy file parser (loader/policy_file.c) and
 * the rule resolver that takes its output (loader/policy_rules.c).
 *
 * The input is the file's bytes. It goes through both entry points: the
 * file reader (via a memfd, so NUL bytes and the reader are covered) and
 * the string parser. Besides the sanitizers, the harness aborts when a
 * promise of policy_file.h or policy_rules.h is broken.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy_file.h"
#include "policy_rules.h"
#include "fuzz.h"

/* Static: struct policy is too big to keep several on the stack. */
static struct policy pol, untouched;
static __u32 cells[P2PREACH_POLICY_CELLS], lines[P2PREACH_POLICY_CELLS];
static char err[512];
static int memfd = -1;
static char memfd_path[64];

/* Every parsed device is NUL terminated, valid and found at its index. */
static void check_policy(const struct policy *p)
{
	check(p->nr_devices <= P2PREACH_MAX_DEVICES);
	check(p->nr_rules <= POLICY_MAX_RULES);
	check(p->default_verdict < P2PREACH_NR_VERDICTS);
	for (unsigned i = 0; i < p->nr_devices; i++) {
		const struct policy_device *d = &p->devices[i];

		check(memchr(d->alias, '\0', sizeof(d->alias)));
		check(memchr(d->name, '\0', sizeof(d->name)));
		check(d->alias[0] && d->name[0]);
		check(policy_device_lookup(p, d->alias) == (int)i);
		check(policy_device_lookup(p, d->name) == (int)i);
	}
	for (unsigned i = 0; i < p->nr_rules; i++) {
		check(p->rules[i].level < TOPO_NR_CLASSES);
		check(p->rules[i].level == TOPO_UNKNOWN || p->rules[i].verdict != P2PREACH_DENY);
		check(!i || p->rules[i].line > p->rules[i - 1].line);
	}
	check(policy_resolve(p, NULL, cells, lines) == 0);
	/* Each cell was set by the default or by a rule of the file. */
	for (unsigned i = 0; i < P2PREACH_POLICY_CELLS; i++)
		check(!lines[i] || (p->nr_rules && lines[i] >= p->rules[0].line &&
				    lines[i] <= p->rules[p->nr_rules - 1].line));
	for (unsigned c = 0; c < P2PREACH_MAX_DEVICES; c++)
		for (unsigned pr = 0; pr < P2PREACH_MAX_DEVICES; pr++)
			check(cells[p2preach_cell(c, pr)] < P2PREACH_NR_VERDICTS);
	for (unsigned c = 0; c < P2PREACH_MAX_DEVICES; c++)
		check(cells[p2preach_cell(c, c)] == p->default_verdict);
	check(cells[P2PREACH_DEFAULT_CELL] == p->default_verdict);
}

/* An error names the input and a line, and leaves *out as it was. */
static void check_error(int ret, const char *name)
{
	size_t n = strlen(name);

	check(ret == -EINVAL);
	check(memchr(err, '\0', sizeof(err)));
	check(!strncmp(err, name, n) && err[n] == ':');
	check(!memcmp(&pol, &untouched, sizeof(pol)));
}

static int parse_string(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	int ret;

	check(text);
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&pol, 0xa5, sizeof(pol));
	untouched = pol;
	ret = policy_parse_string(text, "fuzz.conf", &pol, err, sizeof(err));
	if (ret)
		check_error(ret, "fuzz.conf");
	else
		check_policy(&pol);

	/* A short error buffer is truncated, never overrun. */
	if (ret) {
		char small[8];
		size_t len = 1 + size % sizeof(small);

		memset(small, 'x', sizeof(small));
		check(policy_parse_string(text, "fuzz.conf", &pol, small, len) == ret);
		check(memchr(small, '\0', len));
		check(policy_parse_string(text, NULL, &pol, NULL, 0) == ret);
	}
	free(text);
	return ret;
}

/* The same bytes as a file: covers the reader and its NUL check. */
static int parse_file(const uint8_t *data, size_t size)
{
	int ret;

	check(ftruncate(memfd, 0) == 0);
	check(pwrite(memfd, data, size, 0) == (ssize_t)size);
	memset(&pol, 0xa5, sizeof(pol));
	untouched = pol;
	ret = policy_file_parse(memfd_path, &pol, err, sizeof(err));
	if (ret)
		check_error(ret, memfd_path);
	else
		check_policy(&pol);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int file_ret, string_ret;

	if (memfd < 0) {
		memfd = memfd_create("fuzz.conf", MFD_CLOEXEC);
		check(memfd >= 0);
		snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	}
	file_ret = parse_file(data, size);
	string_ret = parse_string(data, size);
	/* Without a NUL byte, both ways of reading agree. */
	if (!memchr(data, '\0', size))
		check(file_ret == string_ret);
	return 0;
}
