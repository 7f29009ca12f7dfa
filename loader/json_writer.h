/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writer behind --json: bpftool's streaming calls, with json-c building,
 * escaping and formatting the document (see json_writer.c).
 */
#ifndef P2PREACH_JSON_WRITER_H
#define P2PREACH_JSON_WRITER_H

#include <stdbool.h>
#include <stdio.h>

typedef struct json_writer json_writer_t;

/* NULL when out of memory; every call below accepts NULL and does nothing. */
json_writer_t *jsonw_new(FILE *f, bool pretty);
/*
 * Prints the document, if the top-level value has not already printed it on
 * completion, followed by a newline, and frees the writer.
 */
void jsonw_destroy(json_writer_t **jw);

void jsonw_start_object(json_writer_t *jw);
void jsonw_end_object(json_writer_t *jw);
void jsonw_start_array(json_writer_t *jw);
void jsonw_end_array(json_writer_t *jw);
void jsonw_name(json_writer_t *jw, const char *name);
void jsonw_string(json_writer_t *jw, const char *s);
void jsonw_uint(json_writer_t *jw, unsigned long long v);
void jsonw_bool(json_writer_t *jw, bool v);
void jsonw_null(json_writer_t *jw);

/* name: value pairs */
void jsonw_string_field(json_writer_t *jw, const char *name, const char *s);
void jsonw_uint_field(json_writer_t *jw, const char *name, unsigned long long v);
void jsonw_bool_field(json_writer_t *jw, const char *name, bool v);

#endif
