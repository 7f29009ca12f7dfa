// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what show and check say of each pair (loader/explain.c,
 * loader/show_out.c, txn_applied_file()): reach, PCI path, verdict,
 * result and reason, over the fake tree tests/unit/sysfs/pci (see
 * test_topology.c) and a policy file written to a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#include "explain.h"
#include "p2preach.h"
#include "policy_file.h"
#include "show_out.h"

#define D P2PREACH_DENY
#define R P2PREACH_ALLOW_READ
#define W P2PREACH_ALLOW_RW

/*
 * The ids of the tree: a (03:00.0) client 0, provider 1; b (04:00.0)
 * client 2, provider 3; d (08:00.0) client 4, no memory for peers;
 * test_hmm's m client 5, provider 6; c (07:00.0) provider 7, no client.
 * e (41:00.0, another host bridge) has no ids.
 */
#define TEXT						\
	"device a = 0000:03:00.0\n"			\
	"device b = 0000:04:00.0\n"			\
	"device c = 0000:07:00.0\n"			\
	"device d = 0000:08:00.0\n"			\
	"device m = hmm_dmirror0\n"			\
	"device e = 0000:41:00.0\n"			\
	"allow * -> * up to PXB\n"			\
	"allow d -> a read\n"				\
	"default deny\n"

struct fixture {
	char dir[64], file[96];
	struct reach_ids ids;
	struct policy pol;
	struct policy_snapshot s;
	struct explain e;
};

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* TEXT applied from f->file, as the daemon records it. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	*state = f;
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/p2preach-explain-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/policy.conf", f->dir);
	write_text(f->file, TEXT);
	if (reach_ids_read("tests/unit/sysfs/pci", &f->ids) ||
	    policy_file_parse(f->file, &f->pol, err, sizeof(err)))
		return -1;
	memset(&f->s, 0, sizeof(f->s));
	if (txn_apply_file(&f->s, &f->pol, &f->ids, &f->s))
		return -1;
	snprintf(f->s.state.file, sizeof(f->s.state.file), "%s", f->file);
	f->s.state.file_hash = f->pol.text_hash;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	explain_free(&f->e);
	reach_ids_free(&f->ids);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	free(f);
	return system(cmd);
}

static int find(const struct explain_end *ends, unsigned n, const char *label)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(ends[i].label, label))
			return i;
	fail_msg("no %s", label);
	return -1;
}

static const struct explain_pair *at(const struct explain *e, const char *client,
				     const char *provider)
{
	return explain_at(e, find(e->rows, e->nr_rows, client),
			  find(e->cols, e->nr_cols, provider));
}

/* The reason show prints for a pair. */
static const char *reason(const struct explain *e, const char *client, const char *provider)
{
	static char buf[128];

	explain_reason(e, at(e, client, provider), buf, sizeof(buf));
	return buf;
}

static void build(struct fixture *f)
{
	struct policy *p = NULL;
	enum txn_file file = txn_applied_file(&f->s.state, &p);

	explain_free(&f->e);
	assert_int_equal(explain_build(&f->s, &f->ids, p, file, &f->e), 0);
	free(p);
}

static void test_rows_and_columns(void **state)
{
	struct fixture *f = *state;
	const struct explain *e = &f->e;

	build(f);
	/* Client ids, then c (no client id) and e (no ids). */
	assert_int_equal(e->nr_rows, 6);
	assert_string_equal(e->rows[0].label, "a");
	assert_int_equal(e->rows[0].id->id, 0);
	assert_string_equal(e->rows[3].label, "m");
	assert_string_equal(e->rows[3].name, "hmm_dmirror0");
	assert_string_equal(e->rows[4].label, "c");
	assert_null(e->rows[4].id);
	assert_true(e->rows[4].present);
	assert_string_equal(e->rows[5].label, "e");
	assert_false(e->rows[5].present);
	/* Provider ids, then d (no provider id) and e. */
	assert_int_equal(e->nr_cols, 6);
	assert_string_equal(e->cols[2].label, "m");
	assert_string_equal(e->cols[3].label, "c");
	assert_int_equal(e->cols[3].id->id, 7);
	assert_string_equal(e->cols[4].label, "d");
	assert_null(e->cols[4].id);
	assert_string_equal(e->cols[5].name, "0000:41:00.0");
}

static void test_capability_and_policy(void **state)
{
	struct fixture *f = *state;
	const struct explain *e = &f->e;
	const struct explain_pair *p;

	build(f);
	assert_int_equal(e->file, TXN_FILE_SAME);
	p = at(e, "a", "b");
	assert_true(p->reach && p->has_cell && !p->self);
	assert_int_equal(p->path, TOPO_PIX);
	assert_int_equal(p->result, W);
	assert_int_equal(p->cause, EXPLAIN_RULE);
	assert_int_equal(p->line, 7);
	assert_string_equal(reason(e, "a", "b"), "");
	assert_int_equal(at(e, "a", "c")->path, TOPO_PXB);
	assert_int_equal(at(e, "a", "c")->result, W);
	assert_true(at(e, "a", "a")->self);
	/* Not rw: why, in a few words. */
	assert_int_equal(at(e, "d", "a")->result, R);
	assert_int_equal(at(e, "d", "a")->path, TOPO_PHB);
	assert_string_equal(reason(e, "d", "a"), "read-only grant by rule at policy.conf:8");
	assert_string_equal(reason(e, "d", "b"), "denied by default at policy.conf:9");
	assert_int_equal(at(e, "a", "m")->path, TOPO_UNKNOWN);
	assert_string_equal(reason(e, "a", "m"), "denied by default at policy.conf:9");
	/* No cell: what hardware and drivers cannot do. */
	p = at(e, "a", "d");
	assert_false(p->reach || p->has_cell);
	assert_int_equal(p->path, TOPO_PHB);
	assert_int_equal(p->result, D);
	assert_string_equal(reason(e, "a", "d"), "no provider reach");
	assert_string_equal(reason(e, "c", "a"), "no client id");
	assert_int_equal(at(e, "c", "a")->path, TOPO_PXB);
	assert_string_equal(reason(e, "a", "e"), "device absent");
	assert_int_equal(at(e, "a", "e")->path, TOPO_NODE);
	assert_string_equal(reason(e, "e", "b"), "device absent");
	assert_string_equal(explain_cause_name(at(e, "e", "b")->cause), "absent");
}

/* Verdicts the file does not give, and files that say nothing any more. */
static void test_edits_and_files(void **state)
{
	struct fixture *f = *state;

	f->s.cells[p2preach_cell(0, 3)] = D;
	f->s.cells[p2preach_cell(4, 3)] = R;
	f->s.cells[p2preach_cell(2, 1)] = 7;
	build(f);
	assert_string_equal(reason(&f->e, "a", "b"), "denied by live edit");
	assert_string_equal(reason(&f->e, "d", "b"), "read-only grant by live edit");
	assert_int_equal(at(&f->e, "b", "a")->result, D);
	assert_string_equal(reason(&f->e, "b", "a"), "invalid verdict 7: denied");
	assert_string_equal(explain_cause_name(at(&f->e, "b", "a")->cause), "invalid");

	/* Edited since: its lines mean nothing for the policy in force. */
	write_text(f->file, TEXT "allow a -> m\n");
	build(f);
	assert_int_equal(f->e.file, TXN_FILE_CHANGED);
	assert_string_equal(reason(&f->e, "a", "m"), "denied; policy.conf changed since applied");
	/* A file that no longer parses has changed too. */
	write_text(f->file, "allow\n");
	build(f);
	assert_int_equal(f->e.file, TXN_FILE_CHANGED);
	unlink(f->file);
	build(f);
	assert_int_equal(f->e.file, TXN_FILE_UNREADABLE);
	assert_string_equal(reason(&f->e, "a", "m"), "denied; policy.conf unreadable");

	/* No file: every verdict but the default is an edit. */
	f->s.state.file[0] = '\0';
	build(f);
	assert_int_equal(f->e.file, TXN_FILE_NONE);
	assert_string_equal(reason(&f->e, "a", "m"), "denied by default");
	assert_string_equal(reason(&f->e, "d", "a"), "read-only grant by live edit");
	/* A name that is no string (bpftool wrote the map): unreadable. */
	memset(f->s.state.file, 'x', sizeof(f->s.state.file));
	build(f);
	assert_int_equal(f->e.file, TXN_FILE_UNREADABLE);
}

/* An id past the matrix takes the default cell. */
static void test_past_matrix(void **state)
{
	struct policy_snapshot *s = calloc(1, sizeof(*s));
	struct reach_ids good;
	struct explain e;
	char buf[128];
	int r;

	(void)state;
	assert_non_null(s);
	assert_int_equal(reach_ids_read("tests/unit/sysfs/good", &good), 0);
	s->cells[P2PREACH_DEFAULT_CELL] = R;
	assert_int_equal(explain_build(s, &good, NULL, TXN_FILE_NONE, &e), 0);
	/* Client 70 (0000:5e:00.0) to provider 1 (hmm_dmirror0). */
	for (r = 0; r < (int)e.nr_rows && (!e.rows[r].id || e.rows[r].id->id != 70); r++)
		;
	assert_true(r < (int)e.nr_rows);
	assert_int_equal(explain_at(&e, r, 0)->result, R);
	explain_reason(&e, explain_at(&e, r, 0), buf, sizeof(buf));
	assert_string_equal(buf, "read-only grant by default: id past the matrix");
	explain_free(&e);
	reach_ids_free(&good);
	free(s);
}

static char *capture_text(const struct explain *e, void (*print)(FILE *, const struct explain *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	print(f, e);
	fclose(f);
	return buf;
}

static void test_text(void **state)
{
	struct fixture *f = *state;
	char *out;

	build(f);
	out = capture_text(&f->e, show_text_pairs);
	assert_non_null(strstr(out, "CLIENT PROVIDER REACH PATH POLICY  RESULT REASON\n"));
	assert_non_null(strstr(out, "\na      b        yes   PIX  rw      rw\n"));
	assert_non_null(strstr(out, "\nd      a        yes   PHB  read    read   read-only grant by rule at policy.conf:8\n"));
	assert_non_null(strstr(out, "\na      m        yes   —    deny    deny   denied by default at policy.conf:9\n"));
	assert_non_null(strstr(out, "\na      d        no    PHB  -       deny   no provider reach\n"));
	assert_null(strstr(out, "\na      a "));
	assert_null(strstr(out, " \n"));	/* no trailing blanks */
	assert_non_null(strstr(out, "\n          PXB   several PCIe switches, not the host bridge\n"));
	free(out);
	out = capture_text(&f->e, show_text_matrix);
	assert_ptr_equal(strstr(out, "          a         b         m         c         d         e\n"
				    "a         X         rw PIX    deny      rw PXB    - PHB     - NODE\n"), out);
	assert_non_null(strstr(out, "\nd         read PHB  deny PHB  deny      deny PHB  X         - NODE\n"));
	assert_non_null(strstr(out, "\nm         deny      deny      X         deny      -         -\n"));
	assert_non_null(strstr(out, "\n  -     no direct access: a device is absent, or has no id for it\n"));
	assert_null(strstr(out, " \n"));
	free(out);
}

static void test_json(void **state)
{
	struct fixture *f = *state;
	struct json_object *pairs, *p;
	int n;

	build(f);
	pairs = show_json_pairs(&f->e);
	n = json_object_array_length(pairs);
	/* 6 x 6, less each device with itself. */
	assert_int_equal(n, 6 * 6 - 6);
	p = json_object_array_get_idx(pairs, 0);
	assert_string_equal(json_object_to_json_string(p),
			    "{ \"client\": \"0000:03:00.0\", \"provider\": \"0000:04:00.0\", "
			    "\"client_id\": 0, \"provider_id\": 3, \"reach\": true, \"path\": \"PIX\", "
			    "\"verdict\": \"rw\", \"result\": \"rw\", \"cause\": \"rule\", \"line\": 7, "
			    "\"reason\": null }");
	json_object_put(pairs);
}

/* check: what the file gives by itself, a row per device. */
static void test_file_view(void **state)
{
	struct fixture *f = *state;
	struct policy *p = malloc(sizeof(*p));
	struct explain e;
	char err[256], *out;

	(void)state;
	assert_non_null(p);
	assert_int_equal(policy_parse_string("device gpu3 = 0000:af:00.0\n"
					     "device a = 0000:03:00.0\n"
					     "device tile1 = 0000:af:00.0/1\n"
					     "device b = 0000:04:00.0\n"
					     "allow * -> * up to PIX\n"
					     "allow a -> tile1 read\n", "t.conf", p, err, sizeof(err)), 0);
	assert_int_equal(explain_file(p, "/etc/t.conf", &f->ids, &e), 0);
	assert_int_equal(e.nr_rows, 3);
	assert_int_equal(e.nr_cols, 4);
	assert_true(explain_at(&e, 0, 2)->self);	/* gpu3 and its tile1 */
	assert_int_equal(explain_at(&e, 1, 3)->path, TOPO_PIX);
	assert_int_equal(explain_at(&e, 1, 3)->result, W);
	assert_int_equal(explain_at(&e, 1, 3)->line, 5);
	assert_int_equal(explain_at(&e, 1, 2)->result, R);
	assert_false(explain_at(&e, 1, 2)->reach);	/* no ids here */
	assert_true(explain_at(&e, 1, 3)->reach);
	out = capture_text(&e, show_text_matrix);
	assert_non_null(strstr(out, "          gpu3      a         tile1     b\n"
				    "gpu3      X         deny      X         deny\n"
				    "a         deny      X         read      rw PIX\n"
				    "b         deny      rw PIX    deny      X\n"));
	free(out);
	explain_free(&e);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows_and_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capability_and_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edits_and_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_past_matrix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_view, setup, teardown),
	};

	return cmocka_run_group_tests_name("explain", tests, NULL, NULL) ? 1 : 0;
}
