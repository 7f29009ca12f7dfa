// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the policy file parser (loader/policy_file.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>
#include "p2preach.h"
#include "policy_file.h"

/* Too big for cmocka's test stacks to hold many copies: keep them static. */
static struct policy pol, saved;
static char err[512];

static int parse(const char *text)
{
	memset(err, 0, sizeof(err));
	return policy_parse_string(text, "t.conf", &pol, err, sizeof(err));
}

/* Macros, so a failure points at the test's line, not a helper's. */
#define assert_parses(text) assert_int_equal(parse(text), 0)

#define assert_error(text, message) do {			\
	assert_int_equal(parse(text), -EINVAL);			\
	assert_string_equal(err, message);			\
} while (0)

#define assert_rule(i, c, p, v, b) do {				\
	assert_int_equal(pol.rules[i].client, c);		\
	assert_int_equal(pol.rules[i].provider, p);		\
	assert_int_equal(pol.rules[i].verdict, v);		\
	assert_int_equal(pol.rules[i].both, b);			\
} while (0)

#define TWO_DEVICES "device gpu0 = 0000:3b:00.0\ndevice gpu1 = hmm_dmirror1\n"

/* A growing string for generated policies; aborts the test on ENOMEM. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL,
			      t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (t->s && t->len + n < t->cap)
			break;
		t->cap = (t->cap + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	t->len += n;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_empty_text(void **state)
{
	(void)state;
	assert_parses("");
	assert_int_equal(pol.nr_devices, 0);
	assert_int_equal(pol.nr_rules, 0);
	assert_int_equal(pol.default_verdict, P2PREACH_DENY);
}

static void test_comments_and_blank_lines(void **state)
{
	(void)state;
	assert_parses("# a policy\n\n   \n\t# indented comment\n#\n\n");
	assert_int_equal(pol.nr_devices, 0);
	assert_int_equal(pol.nr_rules, 0);
}

static void test_device(void **state)
{
	(void)state;
	assert_parses("# gpus\n" TWO_DEVICES);
	assert_int_equal(pol.nr_devices, 2);
	assert_string_equal(pol.devices[0].alias, "gpu0");
	assert_string_equal(pol.devices[0].name, "0000:3b:00.0");
	assert_int_equal(pol.devices[0].line, 2);
	assert_string_equal(pol.devices[1].alias, "gpu1");
	assert_string_equal(pol.devices[1].name, "hmm_dmirror1");
	assert_int_equal(pol.devices[1].line, 3);
}

static void test_device_name_limits(void **state)
{
	char *alias = repeat('a', P2PREACH_ALIAS_LEN - 1);
	char *name = repeat('n', P2PREACH_NAME_LEN - 1);
	struct text t = { 0 };

	(void)state;
	text_add(&t, "device %s = %s\n", alias, name);
	text_add(&t, "device _x-1_Y = a!\"$%%&'()*+,-.:;<=>?@[\\]^_`{|}~\n");
	text_add(&t, "device same = same\n");
	/* A provider of a device: the device, '/', its rank. */
	text_add(&t, "device tile = 0000:3b:00.0/1\n");
	text_add(&t, "device whole = 0000:3b:00.0\n");
	assert_parses(t.s);
	assert_int_equal(pol.nr_devices, 5);
	assert_string_equal(pol.devices[0].alias, alias);
	assert_string_equal(pol.devices[0].name, name);
	assert_string_equal(pol.devices[1].alias, "_x-1_Y");
	assert_string_equal(pol.devices[1].name,
			    "a!\"$%&'()*+,-.:;<=>?@[\\]^_`{|}~");
	assert_string_equal(pol.devices[2].name, "same");
	assert_string_equal(pol.devices[3].name, "0000:3b:00.0/1");
	free(t.s);
	free(alias);
	free(name);
}

static void test_allow_defaults_to_rw(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES "allow gpu0 -> gpu1\n");
	assert_int_equal(pol.nr_rules, 1);
	assert_rule(0, 0, 1, P2PREACH_ALLOW_RW, false);
	assert_int_equal(pol.rules[0].line, 3);
}

static void test_allow_read_and_rw(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES
		      "allow gpu0 -> gpu1 read\n"
		      "allow gpu1 -> gpu0 rw\n");
	assert_int_equal(pol.nr_rules, 2);
	assert_rule(0, 0, 1, P2PREACH_ALLOW_READ, false);
	assert_rule(1, 1, 0, P2PREACH_ALLOW_RW, false);
}

static void test_allow_both_directions(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES
		      "allow gpu0 <-> gpu1\n"
		      "allow gpu1 <-> gpu0 read\n");
	assert_rule(0, 0, 1, P2PREACH_ALLOW_RW, true);
	assert_rule(1, 1, 0, P2PREACH_ALLOW_READ, true);
}

static void test_deny(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES
		      "deny gpu0 -> gpu1\n"
		      "deny gpu1 <-> gpu0\n");
	assert_int_equal(pol.nr_rules, 2);
	assert_rule(0, 0, 1, P2PREACH_DENY, false);
	assert_rule(1, 1, 0, P2PREACH_DENY, true);
}

static void test_default(void **state)
{
	(void)state;
	assert_parses("default read\n");
	assert_int_equal(pol.default_verdict, P2PREACH_ALLOW_READ);
	assert_parses("default rw\n");
	assert_int_equal(pol.default_verdict, P2PREACH_ALLOW_RW);
	assert_parses("default rw\ndefault deny\n");
	assert_int_equal(pol.default_verdict, P2PREACH_DENY);
	/* Twice: the last one wins, wherever it is. */
	assert_parses("default deny\n" TWO_DEVICES "default read\n");
	assert_int_equal(pol.default_verdict, P2PREACH_ALLOW_READ);
}

static void test_raw_device_names(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES
		      "allow 0000:3b:00.0 -> hmm_dmirror1 read\n"
		      "deny hmm_dmirror1 -> gpu0\n");
	assert_rule(0, 0, 1, P2PREACH_ALLOW_READ, false);
	assert_rule(1, 1, 0, P2PREACH_DENY, false);
}

static void test_wildcards(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES
		      "allow * -> gpu1\n"
		      "deny gpu0 -> *\n"
		      "allow * <-> * read\n");
	assert_rule(0, POLICY_ANY, 1, P2PREACH_ALLOW_RW, false);
	assert_rule(1, 0, POLICY_ANY, P2PREACH_DENY, false);
	assert_rule(2, POLICY_ANY, POLICY_ANY, P2PREACH_ALLOW_READ, true);
	/* '*' needs no device yet: it means all the file declares. */
	assert_parses("deny * -> *\n");
	assert_rule(0, POLICY_ANY, POLICY_ANY, P2PREACH_DENY, false);
}

static void test_comment_anywhere(void **state)
{
	(void)state;
	assert_parses("device gpu0 = 0000:3b:00.0 # the first\n"
		      "device gpu1 = hmm_dmirror1#glued to the name\n"
		      "allow gpu0 -> gpu1 read# glued to the verdict\n"
		      "allow gpu1 -> gpu0 # allow gpu1 -> gpu0 read\n"
		      "default rw#\n");
	assert_string_equal(pol.devices[0].name, "0000:3b:00.0");
	assert_string_equal(pol.devices[1].name, "hmm_dmirror1");
	assert_int_equal(pol.nr_rules, 2);
	assert_rule(0, 0, 1, P2PREACH_ALLOW_READ, false);
	assert_rule(1, 1, 0, P2PREACH_ALLOW_RW, false);
	assert_int_equal(pol.default_verdict, P2PREACH_ALLOW_RW);
}

static void test_whitespace(void **state)
{
	(void)state;
	assert_parses("  \tdevice\tgpu0   =\t0000:3b:00.0  \r\n"
		      "device gpu1 = hmm_dmirror1\r\n"
		      "\v\f\r\n"
		      "   allow  gpu0\t<->   gpu1    read\t\r\n"
		      "default\trw");	/* no final newline */
	assert_int_equal(pol.nr_devices, 2);
	assert_string_equal(pol.devices[0].name, "0000:3b:00.0");
	assert_string_equal(pol.devices[1].name, "hmm_dmirror1");
	assert_int_equal(pol.nr_rules, 1);
	assert_rule(0, 0, 1, P2PREACH_ALLOW_READ, true);
	assert_int_equal(pol.rules[0].line, 4);
	assert_int_equal(pol.default_verdict, P2PREACH_ALLOW_RW);
}

/* Rules stay in file order, so policy_resolve() can let the last win. */
static void test_rules_keep_order_and_lines(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES
		      "\n# comment\n"
		      "allow * -> gpu1\n"
		      "deny gpu0 -> gpu1\n"
		      "\n"
		      "allow gpu0 -> gpu1 read\n");
	assert_int_equal(pol.nr_rules, 3);
	assert_rule(0, POLICY_ANY, 1, P2PREACH_ALLOW_RW, false);
	assert_rule(1, 0, 1, P2PREACH_DENY, false);
	assert_rule(2, 0, 1, P2PREACH_ALLOW_READ, false);
	assert_int_equal(pol.rules[0].line, 5);
	assert_int_equal(pol.rules[1].line, 6);
	assert_int_equal(pol.rules[2].line, 8);
}

static void test_design_example(void **state)
{
	(void)state;
	assert_parses("# /etc/p2preach/policy.conf\n"
		      "device gpu0 = 0000:3b:00.0\n"
		      "device gpu1 = 0000:5e:00.0\n"
		      "device gpu2 = 0000:86:00.0\n"
		      "device gpu3 = 0000:af:00.0\n"
		      "allow gpu0 -> gpu1          # read-write\n"
		      "allow gpu0 <-> gpu2 read    # both directions\n"
		      "deny  * -> gpu3\n"
		      "default deny\n");
	assert_int_equal(pol.nr_devices, 4);
	assert_int_equal(pol.nr_rules, 3);
	assert_rule(0, 0, 1, P2PREACH_ALLOW_RW, false);
	assert_rule(1, 0, 2, P2PREACH_ALLOW_READ, true);
	assert_rule(2, POLICY_ANY, 3, P2PREACH_DENY, false);
	assert_int_equal(pol.default_verdict, P2PREACH_DENY);
}

static void test_err_unknown_device(void **state)
{
	(void)state;
	assert_error(TWO_DEVICES "allow gpu9 -> gpu1\n",
		     "t.conf:3: unknown device 'gpu9'");
	assert_error(TWO_DEVICES "\n\n\n\ndeny gpu0 <-> gpu9\n",
		     "t.conf:7: unknown device 'gpu9'");
	/* Names are case sensitive, and must be declared before use. */
	assert_error(TWO_DEVICES "allow GPU0 -> gpu1\n",
		     "t.conf:3: unknown device 'GPU0'");
	assert_error("allow gpu0 -> gpu1\n" TWO_DEVICES,
		     "t.conf:1: unknown device 'gpu0'");
	assert_error(TWO_DEVICES "allow ** -> gpu1\n",
		     "t.conf:3: unknown device '**'");
}

static void test_err_duplicate_alias(void **state)
{
	(void)state;
	assert_error(TWO_DEVICES "device gpu0 = 0000:af:00.0\n",
		     "t.conf:3: duplicate alias 'gpu0' (declared on line 1)");
}

static void test_err_duplicate_device(void **state)
{
	(void)state;
	assert_error(TWO_DEVICES "device gpu2 = hmm_dmirror1\n",
		     "t.conf:3: device 'hmm_dmirror1' already declared as 'gpu1' on line 2");
}

/* One word naming two devices would make rules ambiguous. */
static void test_err_alias_name_clash(void **state)
{
	(void)state;
	assert_error("device a = b\ndevice b = c\n",
		     "t.conf:2: alias 'b' is the device name of 'a' (line 1): ambiguous");
	assert_error("device a = b\ndevice c = a\n",
		     "t.conf:2: device name 'a' is the alias of another device (line 1): ambiguous");
}

static void test_err_unknown_statement(void **state)
{
	(void)state;
	assert_error("permit gpu0 -> gpu1\n",
		     "t.conf:1: unknown statement 'permit' (expected device, allow, deny or default)");
	assert_error("Device gpu0 = x\n",
		     "t.conf:1: unknown statement 'Device' (expected device, allow, deny or default)");
	assert_error("\n  -> x\n",
		     "t.conf:2: unknown statement '->' (expected device, allow, deny or default)");
}

static void test_err_bad_alias(void **state)
{
	char *alias = repeat('a', P2PREACH_ALIAS_LEN);
	struct text t = { 0 };

	(void)state;
	assert_error("device 0gpu = x\n",
		     "t.conf:1: invalid alias '0gpu': use letters, digits, '_' and '-', starting with a letter or '_'");
	assert_error("device gp.u = x\n",
		     "t.conf:1: invalid alias 'gp.u': use letters, digits, '_' and '-', starting with a letter or '_'");
	assert_error("device * = x\n",
		     "t.conf:1: invalid alias '*': use letters, digits, '_' and '-', starting with a letter or '_'");
	assert_error("device -> = x\n",
		     "t.conf:1: invalid alias '->': use letters, digits, '_' and '-', starting with a letter or '_'");
	text_add(&t, "device %s = x\n", alias);
	assert_int_equal(parse(t.s), -EINVAL);
	assert_true(strncmp(err, "t.conf:1: alias 'aaaa", 21) == 0);
	assert_non_null(strstr(err, "' is longer than 31 characters"));
	free(t.s);
	free(alias);
}

static void test_err_device_syntax(void **state)
{
	(void)state;
	assert_error("device\n", "t.conf:1: missing alias after 'device'");
	assert_error("device gpu0\n", "t.conf:1: missing '=' after alias 'gpu0'");
	assert_error("device gpu0 0000:3b:00.0\n",
		     "t.conf:1: expected '=' after alias 'gpu0', got '0000:3b:00.0'");
	assert_error("device gpu0 =0000:3b:00.0\n",
		     "t.conf:1: expected '=' after alias 'gpu0', got '=0000:3b:00.0'");
	assert_error("device gpu0=x\n",
		     "t.conf:1: invalid alias 'gpu0=x': use letters, digits, '_' and '-', starting with a letter or '_'");
	assert_error("device gpu0 =\n", "t.conf:1: missing device name after '='");
	assert_error("device gpu0 = # comment\n",
		     "t.conf:1: missing device name after '='");
}

static void test_err_device_name(void **state)
{
	char *name = repeat('n', P2PREACH_NAME_LEN);
	struct text t = { 0 };

	(void)state;
	text_add(&t, "device gpu0 = %s\n", name);
	assert_int_equal(parse(t.s), -EINVAL);
	assert_true(strncmp(err, "t.conf:1: device name 'nnnn", 26) == 0);
	assert_non_null(strstr(err, "' is longer than 63 characters"));
	assert_error("device gpu0 = gpu\x01\n",
		     "t.conf:1: device name 'gpu\x01' has a character that is not printable ASCII");
	assert_error("device gpu0 = gp\xc3\xbc\n",
		     "t.conf:1: device name 'gp\xc3\xbc' has a character that is not printable ASCII");
	/* After '/' comes a provider's rank, and nothing else. */
	assert_error("device t = 0000:3b:00.0/x\n",
		     "t.conf:1: bad provider in '0000:3b:00.0/x': after '/' comes the number of one of the device's providers (0, 1, ...)");
	assert_error("device t = a/b/1\n",
		     "t.conf:1: bad provider in 'a/b/1': after '/' comes the number of one of the device's providers (0, 1, ...)");
	assert_error("device t = x/4096\n",
		     "t.conf:1: bad provider in 'x/4096': after '/' comes the number of one of the device's providers (0, 1, ...)");
	assert_error("device t = /1\n",
		     "t.conf:1: bad device '/1' (1 to 63 characters before any '/')");
	free(t.s);
	free(name);
}

static void test_err_missing_arrow(void **state)
{
	(void)state;
	assert_error(TWO_DEVICES "allow\n", "t.conf:3: missing device after 'allow'");
	assert_error(TWO_DEVICES "deny gpu0\n",
		     "t.conf:3: missing '->' or '<->' after 'gpu0'");
	assert_error(TWO_DEVICES "allow gpu0 gpu1\n",
		     "t.conf:3: expected '->' or '<->' after 'gpu0', got 'gpu1'");
	assert_error(TWO_DEVICES "allow gpu0 => gpu1\n",
		     "t.conf:3: expected '->' or '<->' after 'gpu0', got '=>'");
	assert_error(TWO_DEVICES "allow gpu0 <- gpu1\n",
		     "t.conf:3: expected '->' or '<->' after 'gpu0', got '<-'");
	assert_error(TWO_DEVICES "allow gpu0->gpu1\n",
		     "t.conf:3: missing '->' or '<->' after 'gpu0->gpu1' (put spaces around the arrow)");
	assert_error(TWO_DEVICES "allow -> gpu1\n",
		     "t.conf:3: missing device before '->'");
	assert_error(TWO_DEVICES "deny gpu0 <->\n",
		     "t.conf:3: missing device after '<->'");
}

static void test_err_bad_verdict(void **state)
{
	(void)state;
	assert_error(TWO_DEVICES "allow gpu0 -> gpu1 write\n",
		     "t.conf:3: expected 'up to', 'read' or 'rw' after 'gpu1', got 'write'");
	assert_error(TWO_DEVICES "allow gpu0 -> gpu1 deny\n",
		     "t.conf:3: expected 'up to', 'read' or 'rw' after 'gpu1', got 'deny'");
	assert_error(TWO_DEVICES "allow gpu0 -> gpu1 RW\n",
		     "t.conf:3: expected 'up to', 'read' or 'rw' after 'gpu1', got 'RW'");
	assert_error("default allow\n",
		     "t.conf:1: expected deny, read or rw after 'default', got 'allow'");
	assert_error("default\n",
		     "t.conf:1: missing verdict after 'default' (deny, read or rw)");
}

static void test_err_trailing_garbage(void **state)
{
	(void)state;
	assert_error("device gpu0 = 0000:3b:00.0 extra\n",
		     "t.conf:1: unexpected 'extra' after device name '0000:3b:00.0'");
	assert_error(TWO_DEVICES "allow gpu0 -> gpu1 read now\n",
		     "t.conf:3: unexpected 'now' after 'read'");
	assert_error(TWO_DEVICES "allow gpu0 -> gpu1 rw -> gpu0\n",
		     "t.conf:3: unexpected '->' after 'rw'");
	assert_error(TWO_DEVICES "deny gpu0 -> gpu1 read\n",
		     "t.conf:3: unexpected 'read' after 'gpu1'");
	assert_error("default deny please\n",
		     "t.conf:1: unexpected 'please' after 'deny'");
}

/* NCCL_P2P_LEVEL's distances: "up to LEVEL" before the access. */
static void test_levels(void **state)
{
	static const char *const levels[] = { "PIX", "PXB", "PHB", "NODE", "SYS" };
	char text[256];

	(void)state;
	assert_parses(TWO_DEVICES
		      "allow * -> * up to PXB\n"
		      "allow gpu0 -> * up to PHB read\n"
		      "allow gpu0 <-> gpu1 up to SYS rw\n"
		      "allow gpu1 -> gpu0\n"
		      "default deny\n");
	assert_int_equal(pol.nr_rules, 4);
	assert_rule(0, POLICY_ANY, POLICY_ANY, P2PREACH_ALLOW_RW, false);
	assert_int_equal(pol.rules[0].level, TOPO_PXB);
	assert_rule(1, 0, POLICY_ANY, P2PREACH_ALLOW_READ, false);
	assert_int_equal(pol.rules[1].level, TOPO_PHB);
	assert_rule(2, 0, 1, P2PREACH_ALLOW_RW, true);
	assert_int_equal(pol.rules[2].level, TOPO_SYS);
	/* Without one, every pair: whatever the path, PCI or not. */
	assert_int_equal(pol.rules[3].level, TOPO_UNKNOWN);
	assert_int_equal(pol.default_line, 7);
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof(text), TWO_DEVICES "allow * -> * up to %s\n", levels[i]);
		assert_parses(text);
		assert_int_equal(pol.rules[0].level, TOPO_PIX + i);
	}
}

static void test_err_levels(void **state)
{
	(void)state;
	assert_error(TWO_DEVICES "allow * -> * up PXB\n",
		     "t.conf:3: expected 'to' after 'up' (up to PIX, PXB, PHB, NODE or SYS)");
	assert_error(TWO_DEVICES "allow * -> * up\n",
		     "t.conf:3: expected 'to' after 'up' (up to PIX, PXB, PHB, NODE or SYS)");
	assert_error(TWO_DEVICES "allow * -> * up to\n",
		     "t.conf:3: missing level after 'up to' (PIX, PXB, PHB, NODE or SYS)");
	assert_error(TWO_DEVICES "allow * -> * up to pxb\n",
		     "t.conf:3: unknown level 'pxb' after 'up to' (PIX, PXB, PHB, NODE or SYS)");
	assert_error(TWO_DEVICES "allow * -> * up to NV2\n",
		     "t.conf:3: unknown level 'NV2' after 'up to' (PIX, PXB, PHB, NODE or SYS)");
	assert_error(TWO_DEVICES "allow * -> * up to PXB write\n",
		     "t.conf:3: expected 'read' or 'rw' after 'PXB', got 'write'");
	assert_error(TWO_DEVICES "allow * -> * read up to PXB\n",
		     "t.conf:3: unexpected 'up' after 'read' ('up to LEVEL' comes before read or rw)");
	assert_error(TWO_DEVICES "allow * -> * up to PXB up to PIX\n",
		     "t.conf:3: expected 'read' or 'rw' after 'PXB', got 'up'");
	assert_error(TWO_DEVICES "allow * -> * up to PXB read now\n",
		     "t.conf:3: unexpected 'now' after 'read'");
	assert_error(TWO_DEVICES "deny * -> * up to PXB\n",
		     "t.conf:3: deny takes no 'up to': allow up to a level over a default deny instead");
}

static void test_err_too_many_devices(void **state)
{
	struct text t = { 0 };

	(void)state;
	for (int i = 0; i < P2PREACH_MAX_DEVICES; i++)
		text_add(&t, "device d%d = dev%d\n", i, i);
	assert_parses(t.s);
	assert_int_equal(pol.nr_devices, P2PREACH_MAX_DEVICES);
	assert_string_equal(pol.devices[63].alias, "d63");
	text_add(&t, "device d64 = dev64\n");
	assert_error(t.s, "t.conf:65: too many devices (at most 64)");
	free(t.s);
}

static void test_err_too_many_rules(void **state)
{
	struct text t = { 0 };

	(void)state;
	text_add(&t, TWO_DEVICES);
	for (int i = 0; i < POLICY_MAX_RULES; i++)
		text_add(&t, "allow gpu0 -> gpu1\n");
	assert_parses(t.s);
	assert_int_equal(pol.nr_rules, POLICY_MAX_RULES);
	text_add(&t, "deny gpu0 <-> gpu1\n");
	assert_error(t.s, "t.conf:4099: too many rules (at most 4096)");
	free(t.s);
}

static void test_err_line_too_long(void **state)
{
	char *pad = repeat(' ', POLICY_MAX_LINE - strlen("default rw"));
	char *comment = repeat('#', POLICY_MAX_LINE + 1);
	struct text t = { 0 };

	(void)state;
	/* Exactly 1023 characters is fine... */
	text_add(&t, "#\ndefault rw%s\n", pad);
	assert_int_equal(strlen(t.s), 2 + POLICY_MAX_LINE + 1);
	assert_parses(t.s);
	assert_int_equal(pol.default_verdict, P2PREACH_ALLOW_RW);
	/* ...one more is not, even in a comment, even on the last line. */
	text_add(&t, "%s", comment);
	assert_error(t.s, "t.conf:3: line too long (more than 1023 characters)");
	free(t.s);
	free(comment);
	free(pad);
}

static void test_err_first_error_wins(void **state)
{
	(void)state;
	assert_error("default deny\n"
		     "# fine so far\n"
		     "allow a -> b\n"
		     "bogus\n",
		     "t.conf:3: unknown device 'a'");
}

/* The running policy must survive an admin's bad edit. */
static void test_failed_parse_leaves_out_untouched(void **state)
{
	(void)state;
	assert_parses(TWO_DEVICES "allow gpu0 <-> gpu1 read\ndefault rw\n");
	memcpy(&saved, &pol, sizeof(pol));
	assert_error("device x = y\nallow x -> x\ndefault deny\nallow x -> z\n",
		     "t.conf:4: unknown device 'z'");
	assert_memory_equal(&pol, &saved, sizeof(pol));

	/* Not even a byte of it. */
	memset(&pol, 0xa5, sizeof(pol));
	memcpy(&saved, &pol, sizeof(pol));
	assert_error(TWO_DEVICES "device gpu2 = gpu2 extra\n",
		     "t.conf:3: unexpected 'extra' after device name 'gpu2'");
	assert_memory_equal(&pol, &saved, sizeof(pol));
}

static void test_err_buffer_small_or_absent(void **state)
{
	char small[8];

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(policy_parse_string("bogus\n", "t.conf", &pol,
					     small, sizeof(small)), -EINVAL);
	assert_string_equal(small, "t.conf:");
	memset(small, 'x', sizeof(small));
	assert_int_equal(policy_parse_string("bogus\n", "t.conf", &pol,
					     small, 0), -EINVAL);
	assert_int_equal(small[0], 'x');
	assert_int_equal(policy_parse_string("bogus\n", "t.conf", &pol,
					     NULL, 0), -EINVAL);
	assert_int_equal(policy_parse_string("default rw\n", NULL, &pol,
					     NULL, 0), 0);
}

static void test_err_default_name(void **state)
{
	(void)state;
	assert_int_equal(policy_parse_string("\nbogus", NULL, &pol, err,
					     sizeof(err)), -EINVAL);
	assert_string_equal(err, "<string>:2: unknown statement 'bogus' (expected device, allow, deny or default)");
}

/* A temporary file holding len bytes of data; its path is in path. */
static void write_temp(char *path, const char *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/p2preach-unit-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void test_file(void **state)
{
	static const char text[] = TWO_DEVICES "allow gpu0 <-> gpu1 read\n";
	char path[64];

	(void)state;
	write_temp(path, text, strlen(text));
	assert_int_equal(policy_file_parse(path, &pol, err, sizeof(err)), 0);
	assert_int_equal(pol.nr_devices, 2);
	assert_rule(0, 0, 1, P2PREACH_ALLOW_READ, true);
	assert_int_equal(unlink(path), 0);
}

static void test_file_error_names_the_file(void **state)
{
	static const char text[] = TWO_DEVICES "\n\n\n\nallow gpu9 -> gpu1\n";
	char path[64], expect[128];

	(void)state;
	write_temp(path, text, strlen(text));
	memcpy(&saved, &pol, sizeof(pol));
	assert_int_equal(policy_file_parse(path, &pol, err, sizeof(err)),
			 -EINVAL);
	snprintf(expect, sizeof(expect), "%s:7: unknown device 'gpu9'", path);
	assert_string_equal(err, expect);
	assert_memory_equal(&pol, &saved, sizeof(pol));
	assert_int_equal(unlink(path), 0);
}

static void test_file_unreadable(void **state)
{
	char dir[] = "/tmp/p2preach-unit-XXXXXX", path[64], expect[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	memcpy(&saved, &pol, sizeof(pol));
	assert_int_equal(policy_file_parse(path, &pol, err, sizeof(err)),
			 -ENOENT);
	snprintf(expect, sizeof(expect),
		 "%s: cannot read: No such file or directory", path);
	assert_string_equal(err, expect);

	assert_int_equal(policy_file_parse(dir, &pol, err, sizeof(err)),
			 -EISDIR);
	snprintf(expect, sizeof(expect), "%s: cannot read: Is a directory", dir);
	assert_string_equal(err, expect);
	assert_memory_equal(&pol, &saved, sizeof(pol));
	assert_int_equal(rmdir(dir), 0);
}

/* Opens fine, fails on read: page 0 of our own memory is never mapped. */
static void test_file_read_error(void **state)
{
	char expect[128];

	(void)state;
	memcpy(&saved, &pol, sizeof(pol));
	assert_int_equal(policy_file_parse("/proc/self/mem", &pol, err,
					   sizeof(err)), -EIO);
	snprintf(expect, sizeof(expect),
		 "/proc/self/mem: cannot read: %s", strerror(EIO));
	assert_string_equal(err, expect);
	assert_memory_equal(&pol, &saved, sizeof(pol));
}

/* Not a policy at all: the first word is named, escapes and all. */
static void test_err_binary_junk(void **state)
{
	static const char text[] = "\xff\xfe\x7f" "ELF\x02\x01 junk\n";
	char path[64], expect[192];

	(void)state;
	write_temp(path, text, sizeof(text) - 1);
	memcpy(&saved, &pol, sizeof(pol));
	assert_int_equal(policy_file_parse(path, &pol, err, sizeof(err)),
			 -EINVAL);
	snprintf(expect, sizeof(expect),
		 "%s:1: unknown statement '\xff\xfe\x7f" "ELF\x02\x01' (expected device, allow, deny or default)",
		 path);
	assert_string_equal(err, expect);
	assert_memory_equal(&pol, &saved, sizeof(pol));
	assert_int_equal(unlink(path), 0);
}

/* A NUL would end the text early; the file version says where it is. */
static void test_file_nul_byte(void **state)
{
	static const char text[] = "default rw\ndefault\0deny\n";
	char path[64], expect[128];

	(void)state;
	write_temp(path, text, sizeof(text) - 1);
	assert_int_equal(policy_file_parse(path, &pol, err, sizeof(err)),
			 -EINVAL);
	snprintf(expect, sizeof(expect), "%s:2: NUL character in the file",
		 path);
	assert_string_equal(err, expect);
	assert_int_equal(unlink(path), 0);
}

static void test_file_too_large(void **state)
{
	char path[64], expect[128];
	int fd;

	(void)state;
	write_temp(path, "", 0);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (16 << 20) + 1), 0);	/* sparse */
	assert_int_equal(close(fd), 0);
	assert_int_equal(policy_file_parse(path, &pol, err, sizeof(err)),
			 -EFBIG);
	snprintf(expect, sizeof(expect),
		 "%s: file too large (more than 16 MiB)", path);
	assert_string_equal(err, expect);
	assert_int_equal(unlink(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_device_name_limits),
		cmocka_unit_test(test_allow_defaults_to_rw),
		cmocka_unit_test(test_allow_read_and_rw),
		cmocka_unit_test(test_allow_both_directions),
		cmocka_unit_test(test_deny),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_raw_device_names),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_comment_anywhere),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_rules_keep_order_and_lines),
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_err_unknown_device),
		cmocka_unit_test(test_err_duplicate_alias),
		cmocka_unit_test(test_err_duplicate_device),
		cmocka_unit_test(test_err_alias_name_clash),
		cmocka_unit_test(test_err_unknown_statement),
		cmocka_unit_test(test_err_bad_alias),
		cmocka_unit_test(test_err_device_syntax),
		cmocka_unit_test(test_err_device_name),
		cmocka_unit_test(test_err_missing_arrow),
		cmocka_unit_test(test_err_bad_verdict),
		cmocka_unit_test(test_err_trailing_garbage),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_err_levels),
		cmocka_unit_test(test_err_too_many_devices),
		cmocka_unit_test(test_err_too_many_rules),
		cmocka_unit_test(test_err_line_too_long),
		cmocka_unit_test(test_err_first_error_wins),
		cmocka_unit_test(test_failed_parse_leaves_out_untouched),
		cmocka_unit_test(test_err_buffer_small_or_absent),
		cmocka_unit_test(test_err_default_name),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_error_names_the_file),
		cmocka_unit_test(test_file_unreadable),
		cmocka_unit_test(test_file_read_error),
		cmocka_unit_test(test_err_binary_junk),
		cmocka_unit_test(test_file_nul_byte),
		cmocka_unit_test(test_file_too_large),
	};

	/* The count of failures could wrap to 0 as an exit status. */
	return cmocka_run_group_tests_name("policy_file", tests, NULL, NULL)
		? 1 : 0;
}
