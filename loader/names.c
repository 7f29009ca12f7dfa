// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "names.h"

/* dev_name()s are what sysfs shows under a bus or a class. */
bool names_present(const char *sysfs_root, const char *name)
{
	/* Devices with neither bus nor class sit at the top (test_hmm's). */
	static const char *const patterns[] = {
		"%s/bus/*/devices/%s", "%s/class/*/%s", "%s/devices/%s",
		"%s/devices/virtual/*/%s",
	};
	char pat[512];
	glob_t g;
	bool found = false;

	/* A name with glob or path characters is not a dev_name. */
	if (!*name || strpbrk(name, "/*?[\\") || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < 4 && !found; i++) {
		if ((size_t)snprintf(pat, sizeof(pat), patterns[i], sysfs_root, name) >=
		    sizeof(pat))
			return false;
		if (!glob(pat, GLOB_NOSORT, NULL, &g)) {
			found = g.gl_pathc > 0;
			globfree(&g);
		}
	}
	return found;
}

int names_index(const struct name_table *t, const char *name)
{
	for (int i = 0; i < P2PREACH_MAX_DEVICES; i++)
		if (t->name[i][0] && !strcmp(t->name[i], name))
			return i;
	return -1;
}

int names_resolve(const struct name_table *t, const char *word,
		  const char *sysfs_root, char name[P2PREACH_NAME_LEN],
		  char *err, size_t errlen)
{
	size_t len = strlen(word);
	int i;

	if (!len || len >= P2PREACH_NAME_LEN) {
		snprintf(err, errlen, "bad device '%s' (1 to %d characters)",
			 word, P2PREACH_NAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < P2PREACH_MAX_DEVICES; i++) {
		if (t->name[i][0] && !strcmp(t->alias[i], word)) {
			memcpy(name, t->name[i], P2PREACH_NAME_LEN);
			return i;
		}
	}
	i = names_index(t, word);
	if (i >= 0) {
		memcpy(name, t->name[i], P2PREACH_NAME_LEN);
		return i;
	}
	if (names_present(sysfs_root, word)) {
		memset(name, 0, P2PREACH_NAME_LEN);
		memcpy(name, word, len);
		return NAMES_NEW;
	}
	snprintf(err, errlen,
		 "unknown device '%s' (not an alias or device of the policy, and no such device in %s)",
		 word, sysfs_root);
	return -ENOENT;
}

const char *names_label(const struct name_table *t, unsigned i)
{
	if (i >= P2PREACH_MAX_DEVICES)
		return "";
	return t->alias[i][0] ? t->alias[i] : t->name[i];
}

void policy_name_key(struct p2preach_name *key, const char *name)
{
	memset(key, 0, sizeof(*key));
	strncpy(key->name, name, sizeof(key->name) - 1);
}
