/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the policy lives between runs: the one table of its pins under
 * the pin directory, and the check that the directory is on bpffs.
 */
#ifndef P2PREACH_PINS_H
#define P2PREACH_PINS_H

#include <stdbool.h>
#include <stddef.h>

#define P2PREACH_PIN_DIR	"/sys/fs/bpf/p2preach"
#define PIN_LINK		"link"
/*
 * The matrix in force, for bpftool users: pinned with the maps, and
 * pinned again after each swap (policy_swap_matrix()).
 */
#define PIN_MATRIX		"matrix"
#define PIN_MATRIX_NEW		"matrix-new"	/* the next one, until renamed */
#define MATRIX_MAP		"p2p_matrix"
/* The program that announces changes to the kernel (announce.c). */
#define PIN_CHANGED		"changed"

/* A map of the policy: its pin, its name in the object, its fd's place. */
struct pinned_map {
	const char *pin;
	const char *map;	/* as the kernel stores it (BPF_OBJ_NAME_LEN - 1) */
	size_t fd_offset;	/* in struct policy_maps */
	bool optional;		/* not used by the program: not found through it */
};

extern const struct pinned_map pinned_maps[];
extern const size_t nr_pinned_maps;

/* dir/name into buf; -ENAMETOOLONG when it does not fit. */
int pin_path(char *buf, size_t len, const char *dir, const char *name);

/*
 * 0 when dir is on a BPF filesystem; otherwise -EINVAL (or -errno of
 * statfs) with a message saying how to mount one, as bpftool checks.
 */
int pins_check_bpffs(const char *dir);

#endif
