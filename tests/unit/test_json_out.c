// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the JSON printing of the commands (loader/json_out.c): the
 * text scripts read is the text the streaming writer before it printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

/* Print doc as json_out_print() does and compare the whole text. */
static void expect(struct json_object *doc, bool pretty, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(json_out_print(f, doc, pretty), 0);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void test_compact(void **state)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *pairs = json_object_new_array();

	(void)state;
	json_add_string(doc, "name", "hmm_dmirror0");
	json_add_uint(doc, "generation", 18446744073709551615ull);
	json_add_uint(doc, "zero", 0);
	json_add_bool(doc, "attached", true);
	json_add_bool(doc, "pinned", false);
	json_object_object_add(doc, "kernel", NULL);
	json_object_array_add(pairs, json_object_new_object());
	json_object_array_add(pairs, json_object_new_uint64(1));
	json_object_array_add(pairs, json_object_new_array());
	json_object_array_add(pairs, json_object_new_string(""));
	json_object_object_add(doc, "pairs", pairs);
	expect(doc, false, "{\"name\":\"hmm_dmirror0\",\"generation\":18446744073709551615,"
	       "\"zero\":0,\"attached\":true,\"pinned\":false,\"kernel\":null,"
	       "\"pairs\":[{},1,[],\"\"]}\n");
}

static void test_pretty(void **state)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *b = json_object_new_array();
	struct json_object *o = json_object_new_object();

	(void)state;
	json_add_uint(doc, "a", 1);
	json_object_array_add(b, json_object_new_boolean(false));
	json_add_string(o, "c", "d");
	json_add_string(o, "e", NULL);
	json_object_array_add(b, o);
	json_object_object_add(doc, "b", b);
	json_add_uint(doc, "f", 18446744073709551615ull);
	expect(doc, true, "{\n"
	       "  \"a\": 1,\n"
	       "  \"b\": [\n"
	       "    false,\n"
	       "    {\n"
	       "      \"c\": \"d\",\n"
	       "      \"e\": null\n"
	       "    }\n"
	       "  ],\n"
	       "  \"f\": 18446744073709551615\n"
	       "}\n");
}

/* Paths keep their "/"; quotes, backslashes and control characters are escaped. */
static void test_escaping(void **state)
{
	struct json_object *doc = json_object_new_object();

	(void)state;
	json_add_string(doc, "pin_dir", "/sys/fs/bpf/p2preach");
	json_add_string(doc, "s", "a\"b\\c\nd\te\001");
	json_add_string(doc, "u", "gpu\xc3\xa9");
	expect(doc, false, "{\"pin_dir\":\"/sys/fs/bpf/p2preach\","
	       "\"s\":\"a\\\"b\\\\c\\nd\\te\\u0001\",\"u\":\"gpu\xc3\xa9\"}\n");
}

/* Top level: an array (topology --json), or null (an edit with --json). */
static void test_top_level(void **state)
{
	struct json_object *a = json_object_new_array();

	(void)state;
	json_object_array_add(a, json_object_new_string("x"));
	expect(a, false, "[\"x\"]\n");
	expect(NULL, false, "null\n");
	expect(NULL, true, "null\n");
}

/* --json errors, as bpftool's: {"error": "..."} */
static void test_error(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(json_out_error(f, "deny: unknown device 'gpu7'", false), 0);
	fclose(f);
	assert_string_equal(buf, "{\"error\":\"deny: unknown device 'gpu7'\"}\n");
	free(buf);
}

/* The helpers take a NULL object (allocation failed) without crashing. */
static void test_null_object(void **state)
{
	(void)state;
	json_add_string(NULL, "a", "b");
	json_add_uint(NULL, "a", 1);
	json_add_bool(NULL, "a", true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_null_object),
	};

	return cmocka_run_group_tests_name("json_out", tests, NULL, NULL) ? 1 : 0;
}
