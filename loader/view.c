// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "policy_commit.h"
#include "view.h"

int view_take(const char *pin_dir, struct view *v)
{
	/* The ids first: only their cells are read. */
	if (reach_ids_load(REACH_SYSFS, &v->t))
		return -ENOMEM;
	v->s = policy_snapshot_take(pin_dir, &v->t);
	if (!v->s) {
		reach_ids_free(&v->t);
		return -EIO;
	}
	return 0;
}

void view_free(struct view *v)
{
	reach_ids_free(&v->t);
	free(v->s);
	v->s = NULL;
}

struct names_device *view_devices(const struct view *v, unsigned *n)
{
	unsigned max = P2PREACH_MAX_DEVICES + v->t.n;
	struct names_device *d = calloc(max, sizeof(*d));

	*n = d ? names_devices(&v->s->state, &v->t, d, max) : 0;
	return d;
}
