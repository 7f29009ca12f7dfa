// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "reach_ids.h"
#include "sysfs_line.h"

bool reach_parse_number(const char *s, __u32 *out)
{
	unsigned long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v >= P2PREACH_MAX_IDS)
			return false;
	}
	*out = v;
	return true;
}

static void problem(struct reach_ids *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keep a message; losing one to a failed allocation loses only its text. */
static void problem(struct reach_ids *t, const char *fmt, ...)
{
	char **more = realloc(t->problems, (t->nr_problems + 1) * sizeof(*more));
	char buf[512];
	va_list ap;

	if (!more)
		return;
	t->problems = more;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->problems[t->nr_problems] = strdup(buf);
	if (t->problems[t->nr_problems])
		t->nr_problems++;
}

/* Gone meanwhile: its device left, which is no problem of the entry. */
static bool gone(int dirfd, const char *entry)
{
	struct stat st;

	return fstatat(dirfd, entry, &st, 0) && errno == ENOENT;
}

/*
 * One of an entry's files, read relative to the ids directory (dirfd):
 * false (with a problem unless the entry went).
 */
static bool field(struct reach_ids *t, int dirfd, const char *entry,
		  const char *name, char *buf, size_t len)
{
	char path[64];
	int err = -ENAMETOOLONG;

	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", entry, name) < sizeof(path))
		err = sysfs_line_at(dirfd, path, buf, len);
	if (!err && buf[0])
		return true;
	if (err == -EOVERFLOW)
		problem(t, "ignoring %s/%s: %s is longer than %zu characters",
			REACH_IDS_DIR, entry, name, len - 1);
	else if (!gone(dirfd, entry))
		problem(t, "ignoring %s/%s: %s %s", REACH_IDS_DIR, entry,
			err ? "cannot read" : "empty", name);
	return false;
}

/* Fill e from the directory of id entry; false if it is not an id. */
static bool read_entry(struct reach_ids *t, int dirfd, const char *entry,
		       struct reach_id *e)
{
	char buf[P2PREACH_NAME_LEN];

	memset(e, 0, sizeof(*e));
	if (!reach_parse_number(entry, &e->id)) {
		problem(t, "ignoring %s/%s: not an id (a number below %d)",
			REACH_IDS_DIR, entry, P2PREACH_MAX_IDS);
		return false;
	}
	if (!field(t, dirfd, entry, "dev_name", e->dev_name, sizeof(e->dev_name)) ||
	    !field(t, dirfd, entry, "role", buf, sizeof(buf)))
		return false;
	if (strchr(e->dev_name, '/')) {
		problem(t, "ignoring %s/%s: dev_name '%s' has a '/'", REACH_IDS_DIR,
			entry, e->dev_name);
		return false;
	}
	if (!strcmp(buf, "client"))
		e->role = P2PREACH_ROLE_CLIENT;
	else if (!strcmp(buf, "provider"))
		e->role = P2PREACH_ROLE_PROVIDER;
	else {
		problem(t, "ignoring %s/%s: role '%s' (client or provider)",
			REACH_IDS_DIR, entry, buf);
		return false;
	}
	if (e->role == P2PREACH_ROLE_CLIENT)
		return true;
	if (!field(t, dirfd, entry, "index", buf, sizeof(buf)))
		return false;
	if (!reach_parse_number(buf, &e->index)) {
		problem(t, "ignoring %s/%s: index '%s' (a number below %d)",
			REACH_IDS_DIR, entry, buf, P2PREACH_MAX_IDS);
		return false;
	}
	return true;
}

static int by_id(const void *a, const void *b)
{
	__u32 x = ((const struct reach_id *)a)->id, y = ((const struct reach_id *)b)->id;

	return x < y ? -1 : x > y;
}

/* A name and where it is: what name_order() sorts. */
struct named {
	const char *name;
	unsigned pos;
};

static int by_name_then_pos(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

unsigned *name_order(const char *first, size_t stride, unsigned n)
{
	struct named *v = malloc((n ? n : 1) * sizeof(*v));
	unsigned *order = malloc((n ? n : 1) * sizeof(*order));

	if (!v || !order) {
		free(v);
		free(order);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		v[i].name = first + i * stride;
		v[i].pos = i;
	}
	qsort(v, n, sizeof(*v), by_name_then_pos);
	for (unsigned i = 0; i < n; i++)
		order[i] = v[i].pos;
	free(v);
	return order;
}

/* (Re)build t->by_name; without memory, lookups pass over every id. */
static void index_by_name(struct reach_ids *t)
{
	free(t->by_name);
	t->by_name = t->n ? name_order(t->id[0].dev_name, sizeof(*t->id), t->n) : NULL;
}

/* The ids directory under sysfs_root, open; NULL if there is none. */
static DIR *open_ids_dir(const char *sysfs_root)
{
	char path[4096];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sysfs_root, REACH_IDS_DIR) >=
	    sizeof(path))
		return NULL;
	return opendir(path);
}

int reach_ids_read_ids(const char *sysfs_root, struct reach_ids *t)
{
	struct dirent *de;
	struct reach_id e, *more;
	DIR *d;

	memset(t, 0, sizeof(*t));
	d = open_ids_dir(sysfs_root);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !read_entry(t, dirfd(d), de->d_name, &e))
			continue;
		e.ino = de->d_ino;
		more = realloc(t->id, (t->n + 1) * sizeof(*more));
		if (!more) {
			closedir(d);
			reach_ids_free(t);
			return -ENOMEM;
		}
		t->id = more;
		t->id[t->n++] = e;
	}
	closedir(d);
	qsort(t->id, t->n, sizeof(*t->id), by_id);
	index_by_name(t);
	return 0;
}

int reach_ids_of_owners(const char *sysfs_root, const struct p2preach_owner *owners,
			struct reach_ids *t)
{
	/* 0 for an id not listed: sysfs gives no directory inode number 0. */
	__u64 *listed = calloc(P2PREACH_MAX_DEVICES, sizeof(*listed));
	bool same = listed != NULL;
	struct dirent *de;
	unsigned n = 0;
	DIR *d;
	__u32 id;

	memset(t, 0, sizeof(*t));
	if (!listed)
		return -ENOMEM;
	d = open_ids_dir(sysfs_root);
	/* Names and inode numbers only: no file of any id is read. */
	while (d && same && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (reach_parse_number(de->d_name, &id) && id < P2PREACH_MAX_DEVICES && de->d_ino)
			listed[id] = de->d_ino;
		else
			same = false;
	}
	if (d)
		closedir(d);
	for (id = 0; same && id < P2PREACH_MAX_DEVICES; id++) {
		if (owners[id].role == P2PREACH_ROLE_NONE)
			same = !listed[id];
		else
			same = listed[id] == owners[id].ino;
		n += owners[id].role != P2PREACH_ROLE_NONE;
	}
	free(listed);
	if (!same)
		return -ESTALE;
	t->id = calloc(n ? n : 1, sizeof(*t->id));
	if (!t->id)
		return -ENOMEM;
	for (id = 0; id < P2PREACH_MAX_DEVICES; id++) {
		struct reach_id *e = &t->id[t->n];

		if (owners[id].role == P2PREACH_ROLE_NONE)
			continue;
		e->id = id;
		e->role = owners[id].role;
		e->index = owners[id].index;
		e->ino = owners[id].ino;
		memcpy(e->dev_name, owners[id].dev_name, sizeof(e->dev_name));
		e->dev_name[sizeof(e->dev_name) - 1] = '\0';
		t->n++;
	}
	index_by_name(t);
	return 0;
}

int reach_ids_read(const char *sysfs_root, struct reach_ids *t)
{
	int err = reach_ids_read_ids(sysfs_root, t);

	if (!err && topology_read(sysfs_root, &t->pci)) {
		reach_ids_free(t);
		return -ENOMEM;
	}
	return err;
}

static int load(const char *sysfs_root, struct reach_ids *t, bool pci)
{
	int err = pci ? reach_ids_read(sysfs_root, t) : reach_ids_read_ids(sysfs_root, t);

	if (err)
		log_err("cannot read the device ids: %s", strerror(-err));
	for (unsigned i = 0; i < t->nr_problems; i++)
		log_warn("%s", t->problems[i]);
	for (unsigned i = 0; i < t->n; i++)
		if (t->id[i].id >= P2PREACH_MAX_DEVICES)
			log_warn("id %u (%s) is past the matrix (ids below %d): its pairs get the default verdict",
				 t->id[i].id, t->id[i].dev_name, P2PREACH_MAX_DEVICES);
	return err;
}

int reach_ids_load(const char *sysfs_root, struct reach_ids *t)
{
	return load(sysfs_root, t, true);
}

int reach_ids_load_ids(const char *sysfs_root, struct reach_ids *t)
{
	return load(sysfs_root, t, false);
}

void reach_ids_free(struct reach_ids *t)
{
	for (unsigned i = 0; i < t->nr_problems; i++)
		free(t->problems[i]);
	free(t->problems);
	free(t->id);
	free(t->by_name);
	topology_free(&t->pci);
	memset(t, 0, sizeof(*t));
}

const struct reach_id *reach_ids_find(const struct reach_ids *t, __u32 id)
{
	struct reach_id key = { .id = id };

	return t->n ? bsearch(&key, t->id, t->n, sizeof(key), by_id) : NULL;
}

void reach_ids_drop(struct reach_ids *t, __u32 id)
{
	const struct reach_id *e = reach_ids_find(t, id);
	size_t i;

	if (!e)
		return;
	i = e - t->id;
	memmove(&t->id[i], &t->id[i + 1], (t->n - i - 1) * sizeof(*t->id));
	t->n--;
	if (t->by_name)
		index_by_name(t);
}

int reach_name_parse(const char *name, char dev[P2PREACH_NAME_LEN], int *rank,
		     char *err, size_t errlen)
{
	const char *slash = strchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : strlen(name);
	__u32 n;

	if (!len || len >= P2PREACH_NAME_LEN) {
		snprintf(err, errlen, "bad device '%s' (1 to %d characters before any '/')",
			 name, P2PREACH_NAME_LEN - 1);
		return -EINVAL;
	}
	*rank = -1;
	if (slash) {
		if (!reach_parse_number(slash + 1, &n)) {
			snprintf(err, errlen, "bad provider in '%s': after '/' comes the number of one of the device's providers (0, 1, ...)",
				 name);
			return -EINVAL;
		}
		*rank = n;
	}
	memcpy(dev, name, len);
	dev[len] = '\0';
	return 0;
}

const char *reach_role_name(__u32 role)
{
	return role == P2PREACH_ROLE_CLIENT ? "client" :
	       role == P2PREACH_ROLE_PROVIDER ? "provider" : "id";
}

const struct topo_device *reach_ids_pci(const struct reach_ids *t, const char *name)
{
	char dev[P2PREACH_NAME_LEN];
	int rank;

	return reach_name_parse(name, dev, &rank, NULL, 0) ? NULL : topology_find(&t->pci, dev);
}

enum topo_class reach_ids_class(const struct reach_ids *t, const char *a, const char *b)
{
	return topology_class(reach_ids_pci(t, a), reach_ids_pci(t, b));
}

/* Does e, of device dev (already compared), answer to rank in role? */
static bool rank_matches(const struct reach_id *e, int rank, __u32 role)
{
	if (role != P2PREACH_ROLE_NONE && e->role != role)
		return false;
	return rank < 0 || (e->role == P2PREACH_ROLE_PROVIDER && e->index == (__u32)rank);
}

bool reach_id_matches(const struct reach_id *e, const char *name, __u32 role)
{
	char dev[P2PREACH_NAME_LEN];
	int rank;

	if (reach_name_parse(name, dev, &rank, NULL, 0) || strcmp(dev, e->dev_name))
		return false;
	return rank_matches(e, rank, role);
}

/*
 * The ids of device dev are those at positions [*lo, *hi) of by_name; with
 * no index, every position, and the caller compares the names.
 */
static void device_range(const struct reach_ids *t, const char *dev,
			 unsigned *lo, unsigned *hi)
{
	unsigned a = 0, b = t->n, m;

	*lo = 0;
	*hi = t->n;
	if (!t->by_name)
		return;
	/* The first position whose name is not below dev, then past dev. */
	while (a < b) {
		m = a + (b - a) / 2;
		if (strcmp(t->id[t->by_name[m]].dev_name, dev) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	for (b = t->n; a < b;) {
		m = a + (b - a) / 2;
		if (strcmp(t->id[t->by_name[m]].dev_name, dev) <= 0)
			a = m + 1;
		else
			b = m;
	}
	*hi = a;
}

/* The id at position k of device dev's range, or NULL if not of dev. */
static const struct reach_id *of_device(const struct reach_ids *t, unsigned k,
					const char *dev)
{
	if (t->by_name)
		return &t->id[t->by_name[k]];
	return strcmp(t->id[k].dev_name, dev) ? NULL : &t->id[k];
}

/* Pass over the ids answering to name in role, adding them to out if set. */
static unsigned answering(const struct reach_ids *t, const char *name,
			  __u32 role, struct id_set *out)
{
	char dev[P2PREACH_NAME_LEN];
	const struct reach_id *e;
	unsigned n = 0, lo, hi;
	int rank;

	if (reach_name_parse(name, dev, &rank, NULL, 0))
		return 0;
	device_range(t, dev, &lo, &hi);
	for (unsigned k = lo; k < hi; k++) {
		e = of_device(t, k, dev);
		if (!e || !rank_matches(e, rank, role))
			continue;
		if (out)
			id_set_add(out, e->id);
		n++;
	}
	return n;
}

unsigned reach_ids_select(const struct reach_ids *t, const char *name,
			  __u32 role, struct id_set *out)
{
	memset(out, 0, sizeof(*out));
	return answering(t, name, role, out);
}

unsigned reach_ids_count(const struct reach_ids *t, const char *name, __u32 role)
{
	return answering(t, name, role, NULL);
}

unsigned reach_ids_nr_providers(const struct reach_ids *t, const char *dev_name)
{
	return strchr(dev_name, '/') ? 0 :
	       reach_ids_count(t, dev_name, P2PREACH_ROLE_PROVIDER);
}

void reach_id_name(const struct reach_ids *t, const struct reach_id *e,
		   char *buf, size_t len)
{
	if (e->role == P2PREACH_ROLE_PROVIDER && reach_ids_nr_providers(t, e->dev_name) > 1)
		snprintf(buf, len, "%s/%u", e->dev_name, e->index);
	else
		snprintf(buf, len, "%s", e->dev_name);
}
