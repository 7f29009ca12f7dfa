/* SPDX-License-Identifier: GPL-2.0 */
/* Sets of the ids that have a row and a column in the matrix. */
#ifndef P2PREACH_ID_SET_H
#define P2PREACH_ID_SET_H

#include <stdbool.h>
#include <linux/types.h>
#include "p2preach.h"

#define ID_SET_WORDS	((P2PREACH_MAX_DEVICES + 63) / 64)

struct id_set {
	__u64 w[ID_SET_WORDS];
};

/* Ids past the matrix are never in a set: they use the default cell. */
static inline void id_set_add(struct id_set *s, __u32 id)
{
	if (id < P2PREACH_MAX_DEVICES)
		s->w[id / 64] |= 1ull << (id % 64);
}

static inline void id_set_del(struct id_set *s, __u32 id)
{
	if (id < P2PREACH_MAX_DEVICES)
		s->w[id / 64] &= ~(1ull << (id % 64));
}

static inline bool id_set_has(const struct id_set *s, __u32 id)
{
	return id < P2PREACH_MAX_DEVICES && (s->w[id / 64] >> (id % 64)) & 1;
}

static inline bool id_set_empty(const struct id_set *s)
{
	for (unsigned i = 0; i < ID_SET_WORDS; i++)
		if (s->w[i])
			return false;
	return true;
}

/* The first id of s from from on, or P2PREACH_MAX_DEVICES: a word at a time. */
static inline __u32 id_set_next(const struct id_set *s, __u32 from)
{
	for (__u32 w = from / 64; w < ID_SET_WORDS; w++) {
		__u64 bits = s->w[w];

		if (w == from / 64)
			bits &= ~0ull << (from % 64);
		if (bits)
			return w * 64 + __builtin_ctzll(bits);
	}
	return P2PREACH_MAX_DEVICES;
}

/* Each id of set s, in order, as id. */
#define for_each_id(s, id)						\
	for (__u32 id = id_set_next(s, 0); id < P2PREACH_MAX_DEVICES;	\
	     id = id_set_next(s, id + 1))

#endif
