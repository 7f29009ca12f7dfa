/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What show and check print of an explanation (explain.h): a line per
 * ordered pair, the compact matrix (-m), or the pairs in JSON. Pure.
 */
#ifndef P2PREACH_SHOW_OUT_H
#define P2PREACH_SHOW_OUT_H

#include <stdio.h>
#include <json-c/json.h>
#include "explain.h"

/* CLIENT PROVIDER REACH PATH POLICY RESULT REASON, then the legend. */
void show_text_pairs(FILE *f, const struct explain *e);
/* Rows access columns' memory, like `nvidia-smi topo -m`; then the legend. */
void show_text_matrix(FILE *f, const struct explain *e);

/* The pairs (not a device with itself) as a JSON array. */
struct json_object *show_json_pairs(const struct explain *e);

#endif
