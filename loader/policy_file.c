// SPDX-License-Identifier: GPL-2.0
/* Parse the policy file format described in policy_file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy_file.h"
#include "reach_ids.h"

/* Far beyond any real policy; only stops a wrong path eating memory. */
#define MAX_FILE_SIZE	(16u << 20)
/* The longest statement has 8 tokens; the 9th is reported as garbage. */
#define MAX_TOKENS	9
#define LEVELS		"PIX, PXB, PHB, NODE or SYS"

/*
 * Where the devices declared so far are, by alias and by name: open
 * addressing on a hash of the word, each slot a device index + 1 (0: free),
 * so that a file of P2PREACH_MAX_DEVICES devices and as many rules parses
 * in linear time.
 */
#define WORD_SLOTS	(4 * P2PREACH_MAX_DEVICES)

struct word_index {
	__u16 slot[WORD_SLOTS];
};

/* What the parser builds: on the heap, not on the stack. */
struct parse_space {
	struct policy p;
	struct word_index aliases, names;
};

struct parser {
	const char *name;
	unsigned line;
	char *err;
	size_t errlen;
	struct policy *p;
	struct parse_space *space;
};

static int fail(const struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write "NAME:LINE: message" to the caller's buffer; always -EINVAL. */
static int fail(const struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->err || !ps->errlen)
		return -EINVAL;
	n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->name, ps->line);
	if (n >= 0 && (size_t)n < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* ASCII only: a device name must not change meaning with the locale. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool valid_alias(const char *s)
{
	if (!is_alpha(*s))
		return false;
	for (s++; *s; s++)
		if (!is_alpha(*s) && !is_digit(*s) && *s != '-')
			return false;
	return true;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

static bool is_arrow(const char *s)
{
	return !strcmp(s, "->") || !strcmp(s, "<->");
}

static int parse_verdict(const char *s)
{
	if (!strcmp(s, "deny"))
		return P2PREACH_DENY;
	if (!strcmp(s, "read"))
		return P2PREACH_ALLOW_READ;
	if (!strcmp(s, "rw"))
		return P2PREACH_ALLOW_RW;
	return -1;
}

/* FNV-1a: short words, no adversary worth more than a slower parse. */
static unsigned word_hash(const char *s)
{
	__u32 h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % WORD_SLOTS;
}

/* The slot of word in ix, or the free slot where it would go. */
static __u16 *word_slot(const struct policy *p, struct word_index *ix,
			bool alias, const char *word)
{
	unsigned h = word_hash(word);

	/* At most P2PREACH_MAX_DEVICES of WORD_SLOTS are taken: one is free. */
	for (;; h = (h + 1) % WORD_SLOTS) {
		const struct policy_device *d;

		if (!ix->slot[h])
			return &ix->slot[h];
		d = &p->devices[ix->slot[h] - 1];
		if (!strcmp(alias ? d->alias : d->name, word))
			return &ix->slot[h];
	}
}

static int find_alias(const struct parser *ps, const char *alias)
{
	return (int)*word_slot(ps->p, &ps->space->aliases, true, alias) - 1;
}

static int find_name(const struct parser *ps, const char *name)
{
	return (int)*word_slot(ps->p, &ps->space->names, false, name) - 1;
}

/*
 * Cut the comment off line, split the rest at whitespace in place. Returns
 * the number of tokens; only the first max are stored.
 */
static unsigned tokenize(char *line, char **tok, unsigned max)
{
	char *hash = strchr(line, '#');
	unsigned n = 0;
	char *s = line;

	if (hash)
		*hash = '\0';
	for (;;) {
		while (is_space(*s))
			s++;
		if (!*s)
			return n;
		if (n < max)
			tok[n] = s;
		n++;
		while (*s && !is_space(*s))
			s++;
		if (*s)
			*s++ = '\0';
	}
}

/* device ALIAS = DEVNAME */
static int parse_device(struct parser *ps, char **tok, unsigned n)
{
	struct policy *p = ps->p;
	struct policy_device *d;
	char dev[P2PREACH_NAME_LEN], msg[256];
	const char *alias, *name;
	size_t alias_len, name_len;
	int i, rank;

	if (n < 2)
		return fail(ps, "missing alias after 'device'");
	alias = tok[1];
	alias_len = strlen(alias);
	if (alias_len >= P2PREACH_ALIAS_LEN)
		return fail(ps, "alias '%s' is longer than %d characters",
			    alias, P2PREACH_ALIAS_LEN - 1);
	if (!valid_alias(alias))
		return fail(ps, "invalid alias '%s': use letters, digits, '_' and '-', starting with a letter or '_'",
			    alias);
	if (n < 3)
		return fail(ps, "missing '=' after alias '%s'", alias);
	if (strcmp(tok[2], "="))
		return fail(ps, "expected '=' after alias '%s', got '%s'",
			    alias, tok[2]);
	if (n < 4)
		return fail(ps, "missing device name after '='");
	name = tok[3];
	name_len = strlen(name);
	if (name_len >= P2PREACH_NAME_LEN)
		return fail(ps, "device name '%s' is longer than %d characters",
			    name, P2PREACH_NAME_LEN - 1);
	if (!printable(name))
		return fail(ps, "device name '%s' has a character that is not printable ASCII",
			    name);
	if (n > 4)
		return fail(ps, "unexpected '%s' after device name '%s'",
			    tok[4], name);
	if (reach_name_parse(name, dev, &rank, msg, sizeof(msg)))
		return fail(ps, "%s", msg);

	i = find_alias(ps, alias);
	if (i >= 0)
		return fail(ps, "duplicate alias '%s' (declared on line %u)",
			    alias, p->devices[i].line);
	i = find_name(ps, name);
	if (i >= 0)
		return fail(ps, "device '%s' already declared as '%s' on line %u",
			    name, p->devices[i].alias, p->devices[i].line);
	/* Rules accept both, so one word must not name two devices. */
	i = find_name(ps, alias);
	if (i >= 0)
		return fail(ps, "alias '%s' is the device name of '%s' (line %u): ambiguous",
			    alias, p->devices[i].alias, p->devices[i].line);
	i = find_alias(ps, name);
	if (i >= 0)
		return fail(ps, "device name '%s' is the alias of another device (line %u): ambiguous",
			    name, p->devices[i].line);
	if (p->nr_devices >= P2PREACH_MAX_DEVICES)
		return fail(ps, "too many devices (at most %d)",
			    P2PREACH_MAX_DEVICES);

	d = &p->devices[p->nr_devices++];
	memcpy(d->alias, alias, alias_len + 1);
	memcpy(d->name, name, name_len + 1);
	d->line = ps->line;
	*word_slot(p, &ps->space->aliases, true, alias) = p->nr_devices;
	*word_slot(p, &ps->space->names, false, name) = p->nr_devices;
	return 0;
}

/* An alias, a declared device name, or '*'. */
static int parse_device_ref(struct parser *ps, const char *s, __u16 *index)
{
	int i;

	if (!strcmp(s, "*")) {
		*index = POLICY_ANY;
		return 0;
	}
	i = find_alias(ps, s);
	if (i < 0)
		i = find_name(ps, s);
	if (i < 0)
		return fail(ps, "unknown device '%s'", s);
	*index = i;
	return 0;
}

/* "up to LEVEL" at tok[*end], if there: the rule covers pairs that close. */
static int parse_level(struct parser *ps, char **tok, unsigned n, unsigned *end,
		       bool allow, struct policy_rule *r)
{
	unsigned i = *end;
	int level;

	if (n <= i || strcmp(tok[i], "up"))
		return 0;
	if (!allow)
		return fail(ps, "deny takes no 'up to': allow up to a level over a default deny instead");
	if (n <= i + 1 || strcmp(tok[i + 1], "to"))
		return fail(ps, "expected 'to' after 'up' (up to " LEVELS ")");
	if (n <= i + 2)
		return fail(ps, "missing level after 'up to' (" LEVELS ")");
	level = topology_class_parse(tok[i + 2]);
	if (level < 0)
		return fail(ps, "unknown level '%s' after 'up to' (" LEVELS ")",
			    tok[i + 2]);
	r->level = level;
	*end = i + 3;
	return 0;
}

/* allow X ->|<-> Y [up to LEVEL] [read|rw]  /  deny X ->|<-> Y */
static int parse_rule(struct parser *ps, char **tok, unsigned n, bool allow)
{
	struct policy *p = ps->p;
	struct policy_rule r = { .line = ps->line };
	unsigned end = 4;	/* tokens in the statement */
	int v, ret;

	if (n < 2)
		return fail(ps, "missing device after '%s'", tok[0]);
	if (is_arrow(tok[1]))
		return fail(ps, "missing device before '%s'", tok[1]);
	if (n < 3)
		return fail(ps, "missing '->' or '<->' after '%s'%s", tok[1],
			    strstr(tok[1], "->") ?
			    " (put spaces around the arrow)" : "");
	if (!is_arrow(tok[2]))
		return fail(ps, "expected '->' or '<->' after '%s', got '%s'",
			    tok[1], tok[2]);
	if (n < 4)
		return fail(ps, "missing device after '%s'", tok[2]);
	ret = parse_device_ref(ps, tok[1], &r.client);
	if (ret)
		return ret;
	ret = parse_device_ref(ps, tok[3], &r.provider);
	if (ret)
		return ret;
	r.both = !strcmp(tok[2], "<->");
	ret = parse_level(ps, tok, n, &end, allow, &r);
	if (ret)
		return ret;

	r.verdict = allow ? P2PREACH_ALLOW_RW : P2PREACH_DENY;
	if (allow && n > end) {
		v = parse_verdict(tok[end]);
		if (v != P2PREACH_ALLOW_READ && v != P2PREACH_ALLOW_RW)
			return fail(ps, "expected %s'read' or 'rw' after '%s', got '%s'",
				    r.level ? "" : "'up to', ", tok[end - 1], tok[end]);
		r.verdict = v;
		end++;
	}
	if (n > end && allow && !strcmp(tok[end], "up"))
		return fail(ps, "unexpected 'up' after '%s' ('up to LEVEL' comes before read or rw)",
			    tok[end - 1]);
	if (n > end)
		return fail(ps, "unexpected '%s' after '%s'",
			    tok[end], tok[end - 1]);
	if (p->nr_rules >= POLICY_MAX_RULES)
		return fail(ps, "too many rules (at most %d)", POLICY_MAX_RULES);
	p->rules[p->nr_rules++] = r;
	return 0;
}

/* default deny|read|rw */
static int parse_default(struct parser *ps, char **tok, unsigned n)
{
	int v;

	if (n < 2)
		return fail(ps, "missing verdict after 'default' (deny, read or rw)");
	v = parse_verdict(tok[1]);
	if (v < 0)
		return fail(ps, "expected deny, read or rw after 'default', got '%s'",
			    tok[1]);
	if (n > 2)
		return fail(ps, "unexpected '%s' after '%s'", tok[2], tok[1]);
	ps->p->default_verdict = v;
	ps->p->default_line = ps->line;
	return 0;
}

static int parse_line(struct parser *ps, char *line)
{
	char *tok[MAX_TOKENS];
	unsigned n = tokenize(line, tok, MAX_TOKENS);

	if (!n)
		return 0;
	if (!strcmp(tok[0], "device"))
		return parse_device(ps, tok, n);
	if (!strcmp(tok[0], "allow"))
		return parse_rule(ps, tok, n, true);
	if (!strcmp(tok[0], "deny"))
		return parse_rule(ps, tok, n, false);
	if (!strcmp(tok[0], "default"))
		return parse_default(ps, tok, n);
	return fail(ps, "unknown statement '%s' (expected device, allow, deny or default)",
		    tok[0]);
}

/* FNV-1a, 64 bits: enough to tell an edited file, not a security check. */
__u64 policy_text_hash(const char *text)
{
	__u64 h = 0xcbf29ce484222325ull;

	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 0x100000001b3ull;
	return h;
}

/* Parse text into p, which starts empty; 0 or -EINVAL with the message. */
static int parse_text(struct parser *ps, const char *text)
{
	char buf[POLICY_MAX_LINE + 1];
	const char *s = text;

	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		int ret;

		ps->line++;
		if (len > POLICY_MAX_LINE)
			return fail(ps, "line too long (more than %d characters)",
				    POLICY_MAX_LINE);
		memcpy(buf, s, len);
		buf[len] = '\0';
		ret = parse_line(ps, buf);
		if (ret)
			return ret;
		if (!eol)
			break;
		s = eol + 1;
	}
	return 0;
}

int policy_parse_string(const char *text, const char *name_for_errors,
			struct policy *out, char *err, size_t errlen)
{
	struct parser ps = {
		.name = name_for_errors ? name_for_errors : "<string>",
		.err = err,
		.errlen = errlen,
	};
	int ret;

	if (!text || !out)
		return fail(&ps, "no policy text or no place to put it");
	/* Built aside (not on the stack), so a bad file never leaves *out half-replaced. */
	ps.space = calloc(1, sizeof(*ps.space));
	if (!ps.space) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", ps.name);
		return -ENOMEM;
	}
	ps.p = &ps.space->p;
	ps.p->default_verdict = P2PREACH_DENY;
	ret = parse_text(&ps, text);
	if (!ret) {
		ps.p->text_hash = policy_text_hash(text);
		*out = *ps.p;
	}
	free(ps.space);
	return ret;
}

/* Read all of path into a NUL-terminated buffer; 0 or -errno. */
static int read_all(const char *path, char **textp, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf, *bigger;
	ssize_t r;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (len + 1 == cap) {
			if (len > MAX_FILE_SIZE) {
				ret = -EFBIG;
				break;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			break;
		}
		if (r == 0)
			break;
		len += r;
	}
	close(fd);
	if (!ret && len > MAX_FILE_SIZE)
		ret = -EFBIG;
	if (ret) {
		free(buf);
		return ret;
	}
	buf[len] = '\0';
	*textp = buf;
	*lenp = len;
	return 0;
}

int policy_file_parse(const char *path, struct policy *out,
		      char *err, size_t errlen)
{
	struct parser ps = { .name = path, .err = err, .errlen = errlen };
	const char *nul;
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (!path)
		return policy_parse_string(NULL, NULL, out, err, errlen);
	ret = read_all(path, &text, &len);
	if (ret == -EFBIG) {
		if (err && errlen)
			snprintf(err, errlen, "%s: file too large (more than %u MiB)",
				 path, MAX_FILE_SIZE >> 20);
		return ret;
	}
	if (ret) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot read: %s",
				 path, strerror(-ret));
		return ret;
	}
	/* The string parser would stop there silently; say where it is. */
	nul = memchr(text, '\0', len);
	if (nul) {
		ps.line = 1;
		for (const char *c = text; c < nul; c++)
			ps.line += *c == '\n';
		ret = fail(&ps, "NUL character in the file");
	} else {
		ret = policy_parse_string(text, path, out, err, errlen);
	}
	free(text);
	return ret;
}
