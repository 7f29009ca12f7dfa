// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static int test_no, failures;
static char why[512];

bool tap_fail(const char *fmt, ...)
{
	va_list ap;

	if (!why[0]) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	return false;
}

void tap_test(const char *name, bool (*fn)(void))
{
	bool ok;

	why[0] = 0;
	ok = fn();
	test_no++;
	if (ok) {
		printf("ok %d - %s\n", test_no, name);
	} else {
		failures++;
		printf("not ok %d - %s: %s\n", test_no, name, why[0] ? why : "failed");
	}
	fflush(stdout);
}

void tap_skip(const char *name, const char *reason)
{
	printf("ok %d - %s # SKIP %s\n", ++test_no, name, reason);
	fflush(stdout);
}

int tap_failures(void)
{
	return failures;
}
