// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

/*
 * json-c 0.16's formatter goes on after some failures to grow its buffer,
 * leaving out a key or a comma, so the tree is formatted twice. A first run
 * that grew the buffer to the full length leaves the second nothing to
 * allocate, and the same text; a run that failed differs from one that did
 * not. Only a failure repeated at the same point in both runs would pass.
 */
static const char *format(struct json_object *doc, int flags, size_t *len)
{
	const char *s = json_object_to_json_string_length(doc, flags, len);
	size_t len2;
	char *first;
	bool same;

	if (!s)
		return NULL;
	first = malloc(*len);
	if (!first)
		return NULL;
	memcpy(first, s, *len);
	s = json_object_to_json_string_length(doc, flags, &len2);
	same = s && len2 == *len && !memcmp(s, first, len2);
	free(first);
	return same ? s : NULL;
}

int json_out_print(FILE *f, struct json_object *doc, bool pretty)
{
	/* Paths and device names keep their "/". */
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		(pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			  JSON_C_TO_STRING_PLAIN);
	const char *s;
	size_t len;
	int err = 0;

	s = format(doc, flags, &len);
	if (s) {
		fwrite(s, 1, len, f);
		fputc('\n', f);
		fflush(f);
	} else {
		fputs("p2preach: out of memory writing JSON\n", stderr);
		err = -ENOMEM;
	}
	json_object_put(doc);
	return err;
}

int json_out_error(FILE *f, const char *msg, bool pretty)
{
	struct json_object *doc = json_object_new_object();

	json_add_string(doc, "error", msg);
	return json_out_print(f, doc, pretty);
}

void json_add_string(struct json_object *o, const char *key, const char *s)
{
	if (o)
		json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

void json_add_uint(struct json_object *o, const char *key, unsigned long long v)
{
	if (o)
		json_object_object_add(o, key, json_object_new_uint64(v));
}

void json_add_bool(struct json_object *o, const char *key, bool v)
{
	if (o)
		json_object_object_add(o, key, json_object_new_boolean(v));
}
