// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs_line.h"
#include "topology.h"

#define MAX_DEPTH	32

static const char *const class_names[TOPO_NR_CLASSES] = {
	[TOPO_UNKNOWN] = "—",
	[TOPO_PIX] = "PIX",
	[TOPO_PXB] = "PXB",
	[TOPO_PHB] = "PHB",
	[TOPO_NODE] = "NODE",
	[TOPO_SYS] = "SYS",
};

long long topology_pci_id(const char *name)
{
	unsigned dom, bus, dev, fn;
	int end = 0;

	if (sscanf(name, "%4x:%2x:%2x.%1u%n", &dom, &bus, &dev, &fn, &end) != 4 ||
	    name[end] || end != 12 || dev > 31 || fn > 7)
		return -1;
	return (long long)dom << 16 | bus << 8 | dev << 3 | fn;
}

/* "pci0000:00": a host bridge's directory. */
static bool host_bridge(const char *s, size_t len)
{
	unsigned dom, bus;
	int end = 0;

	return len == 10 && !strncmp(s, "pci", 3) &&
	       sscanf(s, "pci%4x:%2x%n", &dom, &bus, &end) == 2 && end == 10;
}

/*
 * From the realpath of a device, its place: the path from its host bridge
 * (the last one: a bridge may host a domain of its own) down to the
 * device, every step a PCI function. false if it is not one.
 */
static bool place_of(const char *real, const char *name, char *path, size_t len)
{
	const char *from = NULL, *s = real;
	char comp[16];

	for (const char *c = real; *c; c = s) {
		const char *slash;

		c += *c == '/';
		slash = strchr(c, '/');
		s = slash ? slash : c + strlen(c);
		if (host_bridge(c, s - c))
			from = c;
	}
	if (!from || strlen(from) >= len)
		return false;
	/* Every component after the host bridge is a PCI address. */
	for (s = strchr(from, '/'); s; s = strchr(s + 1, '/')) {
		size_t n = strcspn(s + 1, "/");

		if (n >= sizeof(comp))
			return false;
		memcpy(comp, s + 1, n);
		comp[n] = '\0';
		if (topology_pci_id(comp) < 0)
			return false;
	}
	s = strrchr(from, '/');
	if (!s || strcmp(s + 1, name))
		return false;
	memcpy(path, from, strlen(from) + 1);
	return true;
}

static int numa_node_of(const char *dir)
{
	char buf[32], *end;
	long v;
	int err = sysfs_line(dir, "numa_node", buf, sizeof(buf));

	if (err || !buf[0])
		return -1;
	v = strtol(buf, &end, 10);
	return *end || v < -1 || v > INT_MAX ? -1 : (int)v;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct topo_device *)a)->name,
		      ((const struct topo_device *)b)->name);
}

int topology_read(const char *sysfs_root, struct topology *t)
{
	char dir[PATH_MAX], link[PATH_MAX], real[PATH_MAX];
	struct topo_device *more;
	struct dirent *e;
	DIR *d;

	memset(t, 0, sizeof(*t));
	if ((size_t)snprintf(dir, sizeof(dir), "%s/bus/pci/devices", sysfs_root) >=
	    sizeof(dir))
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct topo_device dev = { .numa_node = -1 };

		/* The names are PCI addresses (checked first): they fit. */
		if (topology_pci_id(e->d_name) < 0 ||
		    (size_t)snprintf(link, sizeof(link), "%s/%s", dir, e->d_name) >=
		    sizeof(link) || !realpath(link, real) ||
		    !place_of(real, e->d_name, dev.path, sizeof(dev.path)))
			continue;
		memcpy(dev.name, e->d_name, strlen(e->d_name) + 1);
		dev.numa_node = numa_node_of(real);
		more = realloc(t->dev, (t->n + 1) * sizeof(*more));
		if (!more) {
			closedir(d);
			topology_free(t);
			return -ENOMEM;
		}
		t->dev = more;
		t->dev[t->n++] = dev;
	}
	closedir(d);
	if (t->n)
		qsort(t->dev, t->n, sizeof(*t->dev), by_name);
	return 0;
}

void topology_free(struct topology *t)
{
	free(t->dev);
	memset(t, 0, sizeof(*t));
}

const struct topo_device *topology_find(const struct topology *t, const char *dev_name)
{
	struct topo_device key;

	if (!t->n || strlen(dev_name) >= sizeof(key.name))
		return NULL;
	strcpy(key.name, dev_name);
	return bsearch(&key, t->dev, t->n, sizeof(key), by_name);
}

/* Split a place at '/' into its components; how many. */
static unsigned split(const char *path, char comp[MAX_DEPTH][16])
{
	unsigned n = 0;

	for (const char *s = path; *s && n < MAX_DEPTH; n++) {
		size_t len = strcspn(s, "/");

		snprintf(comp[n], sizeof(comp[n]), "%.*s", (int)len, s);
		s += len + (s[len] == '/');
	}
	return n;
}

enum topo_class topology_class(const struct topo_device *a, const struct topo_device *b)
{
	char ca[MAX_DEPTH][16], cb[MAX_DEPTH][16];
	unsigned na, nb, k = 0, da, db;

	if (!a || !b)
		return TOPO_UNKNOWN;
	na = split(a->path, ca);
	nb = split(b->path, cb);
	if (na < 2 || nb < 2)
		return TOPO_UNKNOWN;
	if (strcmp(ca[0], cb[0]))
		return a->numa_node == b->numa_node ? TOPO_NODE : TOPO_SYS;
	/* The bridges above each: components 1 .. n-2; the shared ones. */
	while (k + 1 < na - 1 && k + 1 < nb - 1 && !strcmp(ca[k + 1], cb[k + 1]))
		k++;
	if (!k)
		return TOPO_PHB;
	/* Bridges between D and each device. */
	da = na - 2 - k;
	db = nb - 2 - k;
	return da == db && da <= 1 ? TOPO_PIX : TOPO_PXB;
}

const char *topology_class_name(enum topo_class c)
{
	return (unsigned)c < TOPO_NR_CLASSES ? class_names[c] : class_names[TOPO_UNKNOWN];
}

int topology_class_parse(const char *s)
{
	for (int c = TOPO_PIX; c < TOPO_NR_CLASSES; c++)
		if (!strcmp(s, class_names[c]))
			return c;
	return -1;
}
