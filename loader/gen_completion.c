// SPDX-License-Identifier: GPL-2.0
/* Build tool: print the bash completion script the command table makes. */
#include <stdio.h>

#include "cli.h"

int main(void)
{
	cli_print_completion(stdout);
	return fflush(stdout) ? 1 : 0;
}
