// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "json_writer.h"

#define MAX_DEPTH 32

struct json_writer {
	FILE *f;
	bool pretty;
	int depth;
	bool first[MAX_DEPTH];	/* nothing written yet at this depth */
	bool after_name;	/* a value completes "name": */
};

json_writer_t *jsonw_new(FILE *f, bool pretty)
{
	json_writer_t *jw = calloc(1, sizeof(*jw));

	if (!jw)
		return NULL;
	jw->f = f;
	jw->pretty = pretty;
	jw->first[0] = true;
	return jw;
}

void jsonw_destroy(json_writer_t **jw)
{
	if (!*jw)
		return;
	fputc('\n', (*jw)->f);
	fflush((*jw)->f);
	free(*jw);
	*jw = NULL;
}

static void indent(json_writer_t *jw)
{
	if (!jw->pretty)
		return;
	fputc('\n', jw->f);
	for (int i = 0; i < jw->depth; i++)
		fputs("  ", jw->f);
}

/* Separator and indentation before a value or a name. */
static void before(json_writer_t *jw)
{
	if (jw->after_name) {
		jw->after_name = false;
		return;
	}
	if (!jw->first[jw->depth])
		fputc(',', jw->f);
	if (jw->depth)
		indent(jw);
	jw->first[jw->depth] = false;
}

static void open_(json_writer_t *jw, char c)
{
	before(jw);
	fputc(c, jw->f);
	if (jw->depth < MAX_DEPTH - 1)
		jw->depth++;
	jw->first[jw->depth] = true;
}

static void close_(json_writer_t *jw, char c)
{
	bool empty = jw->first[jw->depth];

	if (jw->depth)
		jw->depth--;
	if (!empty)
		indent(jw);
	fputc(c, jw->f);
}

void jsonw_start_object(json_writer_t *jw) { open_(jw, '{'); }
void jsonw_end_object(json_writer_t *jw) { close_(jw, '}'); }
void jsonw_start_array(json_writer_t *jw) { open_(jw, '['); }
void jsonw_end_array(json_writer_t *jw) { close_(jw, ']'); }

static void quoted(json_writer_t *jw, const char *s)
{
	fputc('"', jw->f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(jw->f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", jw->f);
		else if (c == '\t')
			fputs("\\t", jw->f);
		else if (c < 0x20)
			fprintf(jw->f, "\\u%04x", c);
		else
			fputc(c, jw->f);
	}
	fputc('"', jw->f);
}

void jsonw_name(json_writer_t *jw, const char *name)
{
	before(jw);
	quoted(jw, name);
	fputs(jw->pretty ? ": " : ":", jw->f);
	jw->after_name = true;
}

void jsonw_string(json_writer_t *jw, const char *s)
{
	before(jw);
	quoted(jw, s);
}

void jsonw_uint(json_writer_t *jw, unsigned long long v)
{
	before(jw);
	fprintf(jw->f, "%llu", v);
}

void jsonw_bool(json_writer_t *jw, bool v)
{
	before(jw);
	fputs(v ? "true" : "false", jw->f);
}

void jsonw_null(json_writer_t *jw)
{
	before(jw);
	fputs("null", jw->f);
}

void jsonw_string_field(json_writer_t *jw, const char *name, const char *s)
{
	jsonw_name(jw, name);
	jsonw_string(jw, s);
}

void jsonw_uint_field(json_writer_t *jw, const char *name, unsigned long long v)
{
	jsonw_name(jw, name);
	jsonw_uint(jw, v);
}

void jsonw_bool_field(json_writer_t *jw, const char *name, bool v)
{
	jsonw_name(jw, name);
	jsonw_bool(jw, v);
}
