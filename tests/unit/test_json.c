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
#include <unistd.h>

#include "json_writer.h"

static char *buf;
static size_t len;

static json_writer_t *open_writer(bool pretty, FILE **f)
{
	json_writer_t *jw;

	*f = open_memstream(&buf, &len);
	assert_non_null(*f);
	jw = jsonw_new(*f, pretty);
	assert_non_null(jw);
	return jw;
}

static void close_writer(json_writer_t *jw, FILE *f)
{
	jsonw_destroy(&jw);
	assert_null(jw);
	fclose(f);
}

/* Closes the writer and checks what it printed. */
static void expect(json_writer_t *jw, FILE *f, const char *want)
{
	close_writer(jw, f);
	assert_string_equal(buf, want);
	free(buf);
	buf = NULL;
}

/* The compact output is what the hand-made writer before json-c printed. */
static void test_compact(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_string_field(jw, "name", "hmm_dmirror0");
	jsonw_uint_field(jw, "generation", 18446744073709551615ull);
	jsonw_uint_field(jw, "zero", 0);
	jsonw_bool_field(jw, "attached", true);
	jsonw_bool_field(jw, "pinned", false);
	jsonw_name(jw, "kernel");
	jsonw_null(jw);
	jsonw_name(jw, "pairs");
	jsonw_start_array(jw);
	jsonw_start_object(jw);
	jsonw_end_object(jw);
	jsonw_uint(jw, 1);
	jsonw_start_array(jw);
	jsonw_end_array(jw);
	jsonw_string(jw, "");
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	expect(jw, f, "{\"name\":\"hmm_dmirror0\",\"generation\":18446744073709551615,"
	       "\"zero\":0,\"attached\":true,\"pinned\":false,\"kernel\":null,"
	       "\"pairs\":[{},1,[],\"\"]}\n");
}

/* Members keep the order they were written in, not a hash order. */
static void test_member_order(void **state)
{
	static const char *const names[] = {
		"z", "a", "m", "b", "y", "c", "x", "d", "w", "e", "v", "f",
		"u", "g", "t", "h", "s", "i", "r", "j",
	};
	json_writer_t *jw;
	char want[256] = "{";
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		jsonw_uint_field(jw, names[i], i);
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s\"%s\":%zu", i ? "," : "", names[i], i);
	}
	strcat(want, "}\n");
	jsonw_end_object(jw);
	expect(jw, f, want);
}

static void test_escaping(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_array(jw);
	jsonw_string(jw, "a\"b\\c\nd\te\x01");
	jsonw_string(jw, "\r\b\f\x1f");
	jsonw_end_array(jw);
	expect(jw, f, "[\"a\\\"b\\\\c\\nd\\te\\u0001\",\"\\r\\b\\f\\u001f\"]\n");
}

/* Paths and device names are printed as they are. */
static void test_slash_and_utf8(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_string_field(jw, "pin_dir", "/sys/fs/bpf/p2preach");
	jsonw_string_field(jw, "name", "0000:3b:00.0");
	jsonw_string_field(jw, "caf\xc3\xa9", "gpu \xe2\x86\x92 gpu \xf0\x9f\x9a\x80");
	jsonw_string_field(jw, "a/\"b\"", "x");
	jsonw_end_object(jw);
	expect(jw, f, "{\"pin_dir\":\"/sys/fs/bpf/p2preach\",\"name\":\"0000:3b:00.0\","
	       "\"caf\xc3\xa9\":\"gpu \xe2\x86\x92 gpu \xf0\x9f\x9a\x80\","
	       "\"a/\\\"b\\\"\":\"x\"}\n");

	jw = open_writer(true, &f);
	jsonw_start_array(jw);
	jsonw_string(jw, "/etc/p2preach/policy.conf");
	jsonw_end_array(jw);
	expect(jw, f, "[\n  \"/etc/p2preach/policy.conf\"\n]\n");
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
	jsonw_start_object(jw);
	jsonw_string_field(jw, "c", "d");
	jsonw_name(jw, "e");
	jsonw_null(jw);
	jsonw_end_object(jw);
	jsonw_end_array(jw);
	jsonw_uint_field(jw, "f", 18446744073709551615ull);
	jsonw_end_object(jw);
	expect(jw, f, "{\n"
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

/* The top level may be an array (topology --json) or a scalar. */
static void test_top_level(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_array(jw);
	jsonw_start_object(jw);
	jsonw_string_field(jw, "name", "hmm_dmirror0");
	jsonw_name(jw, "switch");
	jsonw_null(jw);
	jsonw_end_object(jw);
	jsonw_end_array(jw);
	expect(jw, f, "[{\"name\":\"hmm_dmirror0\",\"switch\":null}]\n");

	jw = open_writer(false, &f);
	jsonw_uint(jw, 7);
	expect(jw, f, "7\n");

	jw = open_writer(true, &f);
	jsonw_start_array(jw);
	jsonw_end_array(jw);
	expect(jw, f, "[\n]\n");
}

/* The document is out as soon as it is complete, before jsonw_destroy(). */
static void test_printed_when_complete(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_uint_field(jw, "a", 1);
	fflush(f);
	assert_int_equal(len, 0);
	jsonw_end_object(jw);
	fflush(f);
	assert_string_equal(buf, "{\"a\":1}\n");
	expect(jw, f, "{\"a\":1}\n");
}

/* Misuse still gives valid JSON, and does not crash. */
static void test_misuse(void **state)
{
	json_writer_t *jw;
	FILE *f;

	(void)state;
	/* A value without a name in an object is dropped. */
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_uint(jw, 1);
	jsonw_start_object(jw);
	jsonw_uint_field(jw, "lost", 2);
	jsonw_end_object(jw);
	jsonw_null(jw);
	jsonw_uint_field(jw, "kept", 3);
	jsonw_end_object(jw);
	expect(jw, f, "{\"kept\":3}\n");

	/* A name in an array or at the top is ignored; so is a NULL name. */
	jw = open_writer(false, &f);
	jsonw_name(jw, "top");
	jsonw_start_array(jw);
	jsonw_uint_field(jw, "x", 1);
	jsonw_start_object(jw);
	jsonw_uint_field(jw, NULL, 2);
	jsonw_end_object(jw);
	jsonw_end_array(jw);
	expect(jw, f, "[1,{}]\n");

	/* Two names in a row: the second one counts. */
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_name(jw, "first");
	jsonw_name(jw, "second");
	jsonw_bool(jw, true);
	jsonw_end_object(jw);
	expect(jw, f, "{\"second\":true}\n");

	/* The same name twice: one member, the last value. */
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_uint_field(jw, "a", 1);
	jsonw_uint_field(jw, "b", 2);
	jsonw_uint_field(jw, "a", 3);
	jsonw_end_object(jw);
	expect(jw, f, "{\"a\":3,\"b\":2}\n");

	/* A NULL string is null. */
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_string_field(jw, "policy", NULL);
	jsonw_end_object(jw);
	expect(jw, f, "{\"policy\":null}\n");

	/* Ends with nothing open are ignored; so is a second document. */
	jw = open_writer(false, &f);
	jsonw_end_object(jw);
	jsonw_end_array(jw);
	jsonw_start_array(jw);
	jsonw_uint(jw, 1);
	jsonw_end_array(jw);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_start_object(jw);
	jsonw_uint_field(jw, "a", 2);
	jsonw_end_object(jw);
	jsonw_uint(jw, 3);
	expect(jw, f, "[1]\n");

	/* An end of the wrong kind closes the innermost container. */
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_name(jw, "a");
	jsonw_start_array(jw);
	jsonw_end_object(jw);
	jsonw_uint_field(jw, "b", 1);
	jsonw_end_array(jw);
	expect(jw, f, "{\"a\":[],\"b\":1}\n");

	/* Containers left open are closed by jsonw_destroy(). */
	jw = open_writer(false, &f);
	jsonw_start_object(jw);
	jsonw_name(jw, "pairs");
	jsonw_start_array(jw);
	jsonw_start_object(jw);
	jsonw_string_field(jw, "client", "gpu0");
	jsonw_name(jw, "dangling");
	expect(jw, f, "{\"pairs\":[{\"client\":\"gpu0\"}]}\n");

	/* Nothing written, nothing printed. */
	jw = open_writer(false, &f);
	expect(jw, f, "");
}

/* Deeper than the writer keeps: dropped with their contents, ends balanced. */
static void test_too_deep(void **state)
{
	char want[512] = "";
	json_writer_t *jw;
	FILE *f;
	int i;

	(void)state;
	jw = open_writer(false, &f);
	for (i = 0; i < 40; i++) {
		jsonw_start_array(jw);
		jsonw_uint(jw, i);
	}
	for (i = 0; i < 40; i++)
		jsonw_end_array(jw);
	for (i = 0; i < 32; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "[%d%s", i, i < 31 ? "," : "");
	for (i = 0; i < 32; i++)
		strcat(want, "]");
	strcat(want, "\n");
	expect(jw, f, want);
}

/* A NULL writer (jsonw_new() out of memory) is accepted everywhere. */
static void test_null_writer(void **state)
{
	json_writer_t *jw = NULL;

	(void)state;
	jsonw_start_object(jw);
	jsonw_string_field(jw, "a", "b");
	jsonw_uint_field(jw, "c", 1);
	jsonw_bool_field(jw, "d", true);
	jsonw_name(jw, "e");
	jsonw_null(jw);
	jsonw_start_array(jw);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_destroy(&jw);
	jsonw_destroy(NULL);
	assert_null(jw);
}

/*
 * Allocation failure, injected by replacing malloc and friends: glibc lets a
 * program do so, json-c and strdup() included. Not under ASan, which owns
 * them: make unit-san runs the other tests.
 */
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_FAILING_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_FAILING_MALLOC 0
#endif
#endif
#ifndef HAVE_FAILING_MALLOC
#define HAVE_FAILING_MALLOC 1
#endif

#if HAVE_FAILING_MALLOC
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);

static long fail_countdown = -1;	/* fail the allocation at 0; -1: never */
static long allocations;		/* made while counting */
static long live;			/* blocks not yet freed */

static bool fail_now(void)
{
	allocations++;
	if (fail_countdown < 0)
		return false;
	return fail_countdown-- == 0;
}

void *malloc(size_t size)
{
	void *p = fail_now() ? NULL : __libc_malloc(size);

	live += p != NULL;
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = fail_now() ? NULL : __libc_calloc(n, size);

	live += p != NULL;
	return p;
}

void *realloc(void *old, size_t size)
{
	void *p;

	if (!old)
		return malloc(size);
	p = fail_now() ? NULL : __libc_realloc(old, size);
	return p;
}

void free(void *p)
{
	live -= p != NULL;
	__libc_free(p);
}

/* What test_compact writes, with every call that may allocate. */
static void write_document(json_writer_t *jw)
{
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
}

#define DOCUMENT "{\"name\":\"hmm_dmirror0\",\"generation\":18446744073709551615," \
	"\"attached\":true,\"kernel\":null,\"pairs\":[{},1,[]]}\n"

/* Runs write_document() with allocation n failing (-1: none). */
static long run_failing_at(long n, char *out, size_t size, char *err, size_t err_size)
{
	int saved = dup(STDERR_FILENO);
	FILE *errf = tmpfile();
	FILE *f = fmemopen(out, size, "w");
	json_writer_t *jw;
	long before, made;

	assert_true(saved >= 0);
	assert_non_null(errf);
	assert_non_null(f);
	/* No stdio buffer, allocated on the first write. */
	assert_int_equal(setvbuf(f, NULL, _IONBF, 0), 0);
	memset(out, 0, size);
	fflush(stderr);
	assert_true(dup2(fileno(errf), STDERR_FILENO) >= 0);

	before = live;
	allocations = 0;
	fail_countdown = n;
	jw = jsonw_new(f, false);
	write_document(jw);
	jsonw_destroy(&jw);
	fail_countdown = -1;
	made = allocations;
	assert_int_equal(live, before);

	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	fclose(f);
	memset(err, 0, err_size);
	rewind(errf);
	assert_true(fread(err, 1, err_size - 1, errf) < err_size);
	fclose(errf);
	return made;
}

static void test_out_of_memory(void **state)
{
	char out[512], err[256];
	long total;

	(void)state;
	total = run_failing_at(-1, out, sizeof(out), err, sizeof(err));
	assert_string_equal(out, DOCUMENT);
	assert_string_equal(err, "");
	assert_true(total > 10);
	for (long n = 0; n < total; n++) {
		run_failing_at(n, out, sizeof(out), err, sizeof(err));
		/* All or nothing; nothing comes with a word on stderr. */
		if (strcmp(out, DOCUMENT)) {
			assert_string_equal(out, "");
			assert_string_equal(err, "p2preach: out of memory writing JSON\n");
		}
	}
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_member_order),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_slash_and_utf8),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_printed_when_complete),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_null_writer),
#if HAVE_FAILING_MALLOC
		cmocka_unit_test(test_out_of_memory),
#endif
	};

	return cmocka_run_group_tests_name("json_writer", tests, NULL, NULL) ? 1 : 0;
}
