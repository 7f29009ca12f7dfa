// SPDX-License-Identifier: GPL-2.0
/*
 * The bash completion script, written from the command table so that a
 * new command or option completes without another list to update.
 */
#include <string.h>

#include "cli.h"
#include "commands.h"

static const char head[] =
	"# bash completion for p2preach(8)                           -*- shell-script -*-\n"
	"# Generated from the command table (loader/commands.c): make completion\n"
	"\n"
	"# Aliases and dev_names of the running policy (needs root to read it).\n"
	"_p2preach_devices()\n"
	"{\n"
	"\tp2preach show --json 2>/dev/null |\n"
	"\t\tgrep -o '\"\\(alias\\|name\\)\":\"[^\"]*\"' | sed 's/.*:\"\\(.*\\)\"/\\1/' | sort -u\n"
	"}\n"
	"\n";

static const char body[] =
	"_p2preach()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\tlocal cmd=\"\" nargs=0 i w kind\n"
	"\n"
	"\tcase $prev in\n"
	"\t-c|--config|--diff|-o|--output|--metrics-file) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	"\t-d|--pin-dir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n"
	"\t-f|--format) COMPREPLY=($(compgen -W \"text openmetrics prometheus\" -- \"$cur\")); return ;;\n"
	"\tesac\n"
	"\t# The command and how many arguments it has so far.\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase $w in\n"
	"\t\t-c|--config|-d|--pin-dir|--diff|-f|--format|-o|--output|--metrics-file) ((i++)); continue ;;\n"
	"\t\t-*) continue ;;\n"
	"\t\tesac\n"
	"\t\tif [[ -z $cmd ]]; then cmd=$w; else ((nargs++)); fi\n"
	"\tdone\n"
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$(_p2preach_options \"$cmd\")\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif [[ -z $cmd ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$_p2preach_commands\" -- \"$cur\"))\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tkind=$(_p2preach_arg \"$cmd\" \"$nargs\")\n"
	"\tcase $kind in\n"
	"\t\"\") ;;\n"
	"\t@device) COMPREPLY=($(compgen -W \"$(_p2preach_devices)\" -- \"$cur\")) ;;\n"
	"\t@file) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"\t*) COMPREPLY=($(compgen -W \"$kind\" -- \"$cur\")) ;;\n"
	"\tesac\n"
	"}\n"
	"complete -F _p2preach p2preach\n";

/* What an argument word of the usage text completes to. */
static void arg_kind(FILE *f, const char *word, size_t len)
{
	char w[64];

	if (len >= sizeof(w))
		len = sizeof(w) - 1;
	memcpy(w, word, len);
	w[len] = '\0';
	if (strstr(w, "FILE"))
		fputs("@file", f);
	else if (strstr(w, "CLIENT") || strstr(w, "PROVIDER"))
		fputs("@device", f);
	else	/* [a|b]: the words */
		for (const char *c = w; *c; c++)
			if (*c != '[' && *c != ']')
				fputc(*c == '|' ? ' ' : *c, f);
}

static void command_args(FILE *f, size_t i)
{
	const struct command *cmd = &commands[i];
	const char *a = cmd->args;
	int n = 0;

	while (*a) {
		size_t len = strcspn(a, " ");

		fprintf(f, "\t%s:%d) echo ", cmd->name, n++);
		arg_kind(f, a, len);
		fputs(" ;;\n", f);
		a += len + (a[len] == ' ');
	}
}

void cli_print_completion(FILE *f)
{
	fputs(head, f);
	fputs("_p2preach_commands=\"", f);
	for (size_t i = 0; i < nr_commands; i++)
		fprintf(f, "%s%s", i ? " " : "", commands[i].name);
	fputs("\"\n\n# _p2preach_arg COMMAND N: what argument N completes to.\n"
	      "_p2preach_arg()\n{\n\tcase $1:$2 in\n", f);
	for (size_t i = 0; i < nr_commands; i++)
		command_args(f, i);
	fputs("\tesac\n}\n\n# _p2preach_options COMMAND: the options it takes.\n"
	      "_p2preach_options()\n{\n\tlocal common=\"--json --pretty --pin-dir --verbose --help --version\"\n"
	      "\tcase $1 in\n", f);
	for (size_t i = 0; i < nr_commands; i++) {
		unsigned o = commands[i].options;

		if (!o)
			continue;
		fprintf(f, "\t%s) echo $common%s%s%s%s%s%s%s ;;\n", commands[i].name,
			o & OPT_BOTH ? " --both" : "", o & OPT_CONFIG ? " --config" : "",
			o & OPT_DIFF ? " --diff" : "", o & OPT_FORMAT ? " --format" : "",
			o & OPT_OUTPUT ? " --output" : "",
			o & OPT_METRICS ? " --metrics-file" : "",
			o & OPT_MATRIX ? " --matrix" : "");
	}
	fputs("\t*) echo $common ;;\n\tesac\n}\n\n", f);
	fputs(body, f);
}
