/* SPDX-License-Identifier: GPL-2.0 */
/* Access to the maps of an attached p2preach policy. */
#ifndef P2PREACH_POLICY_MAPS_H
#define P2PREACH_POLICY_MAPS_H

#include <stdbool.h>
#include <linux/types.h>
#include "p2preach.h"
#include "pins.h"
#include "verdict.h"

/* File descriptors of the policy's maps; -1 when not open. */
struct policy_maps {
	int policy;	/* p2p_policy: slot 0 holds the matrix */
	int stats;	/* p2p_stats: counters by cell */
	int state;	/* p2p_state; -1 when found through the program */
	/* Opened from pins, not through the loaded program: where, else NULL. */
	const char *pin_dir;
};

/*
 * Open the maps pinned under pin_dir by p2preach, or, when nothing is
 * pinned there, the maps of the loaded p2preach policy program (as
 * registered by plain `bpftool struct_ops register`). Returns 0 or a
 * negative errno, with a message on stderr.
 */
int policy_maps_open(struct policy_maps *m, const char *pin_dir);
/*
 * The same, but -EPROTO without a message when the maps come from another
 * build of p2preach (another version, or room for another number of ids).
 */
int policy_maps_open_build(struct policy_maps *m, const char *pin_dir);
void policy_maps_close(struct policy_maps *m);

/*
 * A map, by name, of the one loaded struct_ops program of that name (an
 * example policy registered with bpftool). fd, -ENOENT, or -EEXIST when
 * several are loaded.
 */
int policy_program_map(const char *prog_name, const char *map_name);

/* An fd of map id (close it) with its info, or -errno. */
struct bpf_map_info;
int policy_map_info(__u32 id, struct bpf_map_info *mi);

/* The matrix now in slot 0, every cell and the default. */
int policy_read_matrix(const struct policy_maps *m,
		       __u32 cells[P2PREACH_POLICY_CELLS]);
/*
 * Put a new matrix holding cells into slot 0: decisions see the old
 * matrix or the new one, never a mix. With pins, the matrix pin follows.
 * Only the cells that are not deny are written: a new map is zeroed.
 */
int policy_swap_matrix(const struct policy_maps *m,
		       const __u32 cells[P2PREACH_POLICY_CELLS]);
/* n cells of the matrix now in slot 0, one system call each. */
int policy_get_cells(const struct policy_maps *m, const __u32 *cell,
		     __u32 *verdict, unsigned n);
/* One cell changed in place (what `bpftool map update` does). */
int policy_set_cell(const struct policy_maps *m, __u32 cell, __u32 verdict);
int policy_set_verdict(const struct policy_maps *m, __u32 client,
		       __u32 provider, __u32 verdict);

/* p2p_state; a zeroed state when the map is absent. */
int policy_read_state(const struct policy_maps *m, struct p2preach_state *st);
int policy_write_state(const struct policy_maps *m,
		       const struct p2preach_state *st);

/* Drop the counters of every pair with an id in ids (a device left it). */
struct id_set;
int policy_reset_stats(const struct policy_maps *m, const struct id_set *ids);

/* Counters of cell summed over every CPU; zeros for a cell not counted yet. */
int policy_read_stats(const struct policy_maps *m, __u32 cell,
		      struct p2preach_pair_stats *sum);

/* The cells that have counters, up to max (sorted); how many, or -errno. */
int policy_stats_cells(const struct policy_maps *m, __u32 *cells, unsigned max);

#endif
