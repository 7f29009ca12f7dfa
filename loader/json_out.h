/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output of the commands: a json-c document printed as --json or
 * --pretty ask, and the text lines that --json leaves out.
 */
#ifndef P2PREACH_JSON_OUT_H
#define P2PREACH_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

/*
 * Print doc (NULL prints null) and a newline to f, and drop it. Nothing
 * is printed when it cannot be formatted in full; returns 0 or -ENOMEM.
 */
int json_out_print(FILE *f, struct json_object *doc, bool pretty);

/* {"error": msg} */
int json_out_error(FILE *f, const char *msg, bool pretty);

/* Members of an object; a NULL string is JSON null. */
void json_add_string(struct json_object *o, const char *key, const char *s);
void json_add_uint(struct json_object *o, const char *key, unsigned long long v);
void json_add_bool(struct json_object *o, const char *key, bool v);

#endif
