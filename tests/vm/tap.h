/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the VM test programs: one line per test. */
#ifndef P2PREACH_TAP_H
#define P2PREACH_TAP_H

#include <stdbool.h>

/* Record why the running test fails (the first reason wins); returns false. */
bool tap_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run fn and print "ok N - name" or "not ok N - name: reason". */
void tap_test(const char *name, bool (*fn)(void));
/* Print a skipped test with its reason. */
void tap_skip(const char *name, const char *reason);
int tap_failures(void);

#define CHECK(cond, ...) do { if (!(cond)) return tap_fail(__VA_ARGS__); } while (0)
/* For steps that record their own reason; else the expression is the reason. */
#define REQUIRE(cond) do { if (!(cond)) return tap_fail("%s", #cond); } while (0)

#endif
