// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the JSON writer behind --json (loader/json_writer.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

static char *buf;
static size_t len;

static json_writer_t *open_writer(bool pretty, FILE **f)
{
	*f = open_memstream(&buf, &len);
	assert_non_null(*f);
	return jsonw_new(*f, pretty);
}

static void close_writer(json_writer_t *jw, FILE *f)
{
	jsonw_destroy(&jw);
	assert_null(jw);
	fclose(f);
}

static void test_compact(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_string_field(jw, "name", "hmm_dmirror0");
	jsonw_uint_field(jw, "generation", 18446744073709551615ull);
	jsonw_bool_field(jw, "attached", true);
	jsonw_name(jw, "kernel");
	jsonw_null(jw);
	jsonw_name(jw, "pairs");
	jsonw_start_array(jw);
	jsonw_start_object(jw);
	jsonw_end_object(jw);
	jsonw_uint(jw, 1);
	jsonw_start_array(jw);
	jsonw_end_array(jw);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	close_writer(jw, f);
	assert_string_equal(buf, "{\"name\":\"hmm_dmirror0\",\"generation\":18446744073709551615,"
			    "\"attached\":true,\"kernel\":null,\"pairs\":[{},1,[]]}\n");
	free(buf);
}

static void test_escaping(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_array(jw);
	jsonw_string(jw, "a\"b\\c\nd\te\x01");
	jsonw_end_array(jw);
	close_writer(jw, f);
	assert_string_equal(buf, "[\"a\\\"b\\\\c\\nd\\te\\u0001\"]\n");
	free(buf);
}

static void test_pretty(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(true, &f);
	jsonw_start_object(jw);
	jsonw_uint_field(jw, "a", 1);
	jsonw_name(jw, "b");
	jsonw_start_array(jw);
	jsonw_bool(jw, false);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	close_writer(jw, f);
	assert_string_equal(buf, "{\n  \"a\": 1,\n  \"b\": [\n    false\n  ]\n}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_pretty),
	};

	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL) ? 1 : 0;
}
