// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"

long long topology_pci_id(const char *name)
{
	unsigned dom, bus, dev, fn;
	int end = 0;

	if (sscanf(name, "%4x:%2x:%2x.%1u%n", &dom, &bus, &dev, &fn, &end) != 4 ||
	    name[end] || end != 12 || dev > 31 || fn > 7)
		return -1;
	return (long long)dom << 16 | bus << 8 | dev << 3 | fn;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Cut the last component off path, in place; false at the top. */
static int up(char *path)
{
	char *s = strrchr(path, '/');

	if (!s || s == path)
		return 0;
	*s = '\0';
	return 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct topo_device *)a)->name,
		      ((const struct topo_device *)b)->name);
}

int topology_read(const char *sysfs_root, struct topo_device *out, int max)
{
	char dir[PATH_MAX], link[PATH_MAX], real[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/bus/pci/devices", sysfs_root) >=
	    sizeof(dir))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d)) && n < max) {
		struct topo_device *t = &out[n];
		long long id;

		if (topology_pci_id(e->d_name) < 0)
			continue;
		/* The names are PCI addresses (checked above): they fit. */
		if ((size_t)snprintf(link, sizeof(link), "%s/%s", dir, e->d_name) >=
		    sizeof(link) || !realpath(link, real))
			continue;
		memset(t, 0, sizeof(*t));
		memcpy(t->name, e->d_name, strlen(e->d_name));
		/*
		 * device <- downstream port <- upstream port <- a bridge above
		 * (root port or another switch): all PCI functions. A device on
		 * a root port, or a switch's own ports, are behind no switch.
		 */
		if (up(real) && topology_pci_id(base(real)) >= 0 && up(real) &&
		    (id = topology_pci_id(base(real))) >= 0) {
			char *port = strrchr(real, '/') + 1;

			memcpy(t->upstream, port, strlen(port));
			t->switch_id = (__u32)id;
			if (!up(real) || topology_pci_id(base(real)) < 0) {
				memset(t->upstream, 0, sizeof(t->upstream));
				t->switch_id = 0;
			}
		}
		n++;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), by_name);
	return n;
}
