/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the fuzz harnesses. */
#ifndef P2PREACH_FUZZ_H
#define P2PREACH_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

/* A broken promise of the code under test is a crash the fuzzer keeps. */
#define check(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: broken promise: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#endif
