// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "p2preach.h"
#include "verdict.h"

static const char *const verdict_names[P2PREACH_NR_VERDICTS] = {
	[P2PREACH_DENY] = "deny",
	[P2PREACH_ALLOW_READ] = "read",
	[P2PREACH_ALLOW_RW] = "rw",
};

int policy_parse_verdict(const char *s)
{
	for (int i = 0; i < P2PREACH_NR_VERDICTS; i++)
		if (!strcmp(s, verdict_names[i]))
			return i;
	return -1;
}

const char *policy_verdict_name(__u32 verdict)
{
	return verdict < P2PREACH_NR_VERDICTS ? verdict_names[verdict] : "invalid";
}
