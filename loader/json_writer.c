// SPDX-License-Identifier: GPL-2.0
/*
 * The jsonw_* calls build a json-c tree, and json-c formats and escapes it.
 *
 * The writer keeps the containers still open (innermost last) and the member
 * name waiting for its value. The document is printed, followed by a
 * newline, as soon as the top-level value is complete, or by jsonw_destroy()
 * if it never was (json-c closes what the caller left open).
 *
 * Misuse leaves valid JSON: a value inside an object without a name, a name
 * outside an object, a second top-level value and an end with nothing open
 * are dropped; an end closes the innermost container whatever its kind.
 * After an allocation failure nothing is printed, as a partial document
 * could be read as a complete one; the failure is reported on stderr.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_writer.h"

/* Deeper containers are dropped with their contents. */
#define MAX_DEPTH 32

struct json_writer {
	FILE *f;
	int flags;		/* json_object_to_json_string_ext() */
	struct json_object *root;
	bool have_root;		/* root is set; NULL is JSON null */
	bool done;		/* the top-level value was printed */
	bool failed;		/* out of memory: print nothing */
	/* Open containers, each holding a reference of its own. */
	struct json_object *open[MAX_DEPTH];
	int depth;
	int dropped;		/* containers opened beyond MAX_DEPTH */
	char *name;		/* pending member name */
};

json_writer_t *jsonw_new(FILE *f, bool pretty)
{
	json_writer_t *jw = calloc(1, sizeof(*jw));

	if (!jw) {
		fputs("p2preach: out of memory writing JSON\n", stderr);
		return NULL;
	}
	jw->f = f;
	/* Paths and device names keep their "/". */
	jw->flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		(pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			  JSON_C_TO_STRING_PLAIN);
	return jw;
}

static void drop_name(json_writer_t *jw)
{
	free(jw->name);
	jw->name = NULL;
}

/*
 * json-c 0.16's formatter goes on after some failures to grow its buffer,
 * leaving out a key or a comma, so the tree is formatted twice. A first run
 * that grew the buffer to the full length leaves the second nothing to
 * allocate, and the same text; a run that failed differs from one that did
 * not. Only a failure repeated at the same point in both runs would pass.
 */
static const char *format(json_writer_t *jw, size_t *len)
{
	const char *s = json_object_to_json_string_length(jw->root, jw->flags, len);
	size_t len2;
	char *first;
	bool same;

	if (!s)
		return NULL;
	first = malloc(*len);
	if (!first)
		return NULL;
	memcpy(first, s, *len);
	s = json_object_to_json_string_length(jw->root, jw->flags, &len2);
	same = s && len2 == *len && !memcmp(s, first, len2);
	free(first);
	return same ? s : NULL;
}

static void print_root(json_writer_t *jw)
{
	const char *s;
	size_t len;

	if (jw->done || !jw->have_root || jw->failed)
		return;
	s = format(jw, &len);
	if (!s) {
		jw->failed = true;
		return;
	}
	fwrite(s, 1, len, jw->f);
	fputc('\n', jw->f);
	fflush(jw->f);
	jw->done = true;
}

void jsonw_destroy(json_writer_t **pjw)
{
	json_writer_t *jw = pjw ? *pjw : NULL;

	if (!jw)
		return;
	print_root(jw);
	if (jw->failed)
		fputs("p2preach: out of memory writing JSON\n", stderr);
	while (jw->depth > 0)
		json_object_put(jw->open[--jw->depth]);
	json_object_put(jw->root);
	drop_name(jw);
	free(jw);
	*pjw = NULL;
}

static struct json_object *innermost(const json_writer_t *jw)
{
	return jw->depth ? jw->open[jw->depth - 1] : NULL;
}

/*
 * Attaches v (NULL for JSON null) where the next value goes, taking over its
 * reference: v is freed if it has no place.
 */
static void add(json_writer_t *jw, struct json_object *v)
{
	struct json_object *parent = innermost(jw);
	int err;

	if (jw->failed || jw->dropped || jw->done)
		goto drop;
	if (!parent) {
		if (jw->have_root)
			goto drop;
		jw->root = v;
		jw->have_root = true;
		return;
	}
	if (json_object_is_type(parent, json_type_array)) {
		err = json_object_array_add(parent, v);
	} else {
		if (!jw->name)
			goto drop;
		err = json_object_object_add(parent, jw->name, v);
	}
	drop_name(jw);
	if (err) {
		jw->failed = true;
		goto drop;
	}
	return;
drop:
	drop_name(jw);
	json_object_put(v);
}

/* v is what json-c returned for a scalar: NULL means out of memory. */
static void add_scalar(json_writer_t *jw, struct json_object *v)
{
	if (!jw) {
		json_object_put(v);
		return;
	}
	if (!v) {
		jw->failed = true;
		return;
	}
	add(jw, v);
	if (!jw->depth)
		print_root(jw);
}

static void start(json_writer_t *jw, struct json_object *c)
{
	if (!jw) {
		json_object_put(c);
		return;
	}
	if (jw->dropped || jw->depth == MAX_DEPTH) {
		json_object_put(c);
		jw->dropped++;
		return;
	}
	if (!c) {
		jw->failed = true;
		/* Keep the ends balanced. */
		jw->dropped++;
		return;
	}
	/* Open even if not attached, so that its contents go with it. */
	json_object_get(c);
	add(jw, c);
	jw->open[jw->depth++] = c;
}

static void end(json_writer_t *jw)
{
	if (!jw)
		return;
	if (jw->dropped) {
		jw->dropped--;
		return;
	}
	if (!jw->depth)
		return;
	drop_name(jw);
	json_object_put(jw->open[--jw->depth]);
	if (!jw->depth)
		print_root(jw);
}

void jsonw_start_object(json_writer_t *jw)
{
	start(jw, json_object_new_object());
}

void jsonw_end_object(json_writer_t *jw)
{
	end(jw);
}

void jsonw_start_array(json_writer_t *jw)
{
	start(jw, json_object_new_array());
}

void jsonw_end_array(json_writer_t *jw)
{
	end(jw);
}

void jsonw_name(json_writer_t *jw, const char *name)
{
	struct json_object *parent;

	if (!jw)
		return;
	drop_name(jw);
	parent = innermost(jw);
	if (!name || !parent || !json_object_is_type(parent, json_type_object))
		return;
	jw->name = strdup(name);
	if (!jw->name)
		jw->failed = true;
}

void jsonw_string(json_writer_t *jw, const char *s)
{
	if (!s)
		jsonw_null(jw);
	else
		add_scalar(jw, json_object_new_string(s));
}

void jsonw_uint(json_writer_t *jw, unsigned long long v)
{
	add_scalar(jw, json_object_new_uint64(v));
}

void jsonw_bool(json_writer_t *jw, bool v)
{
	add_scalar(jw, json_object_new_boolean(v));
}

void jsonw_null(json_writer_t *jw)
{
	if (!jw)
		return;
	/* json-c's null is the NULL object. */
	add(jw, NULL);
	if (!jw->depth)
		print_root(jw);
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
