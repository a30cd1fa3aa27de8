/*
 * Unit tests: common/store/lease_export.c, driven as the control socket
 * drives it (lease_export_fill until it stops saying CTL_MORE) over real
 * stores in a temporary directory.  What is checked is the export's
 * structure -- header, one line per binding in address order per store,
 * the address, subnet and primary columns, the closing line, bounded
 * pieces, one moment of every store -- not every field of a line, which
 * lease_text.c defines.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ev.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "control.h"
#include "json_testutil.h"
#include "lease_db.h"
#include "lease_export.h"
#include "lease_text.h"
#include "store_testutil.h"
#include "tmpdir_testutil.h"

#define NET1	0x0a010000u	/* 10.1.0.0/16 */
#define NET2	0x0a020000u	/* 10.2.0.0/16 */
#define STRAY	0x0a090001u	/* 10.9.0.1: in no configured subnet */
#define N1	6000
#define N2	4000
#define PIECE_MAX_LINES	4100	/* "a few thousand" (EXPORT_PIECE + 4) */

struct fixture {
	char		 dir[64];
	struct lease_env *env;
	struct ev_loop	*loop;
};

static char	 errbuf[256];

static const struct lease_export_net nets[] = {
	{ NET1, 16 }, { NET2, 16 },
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || !tmpdir_make(fx->dir, sizeof(fx->dir),
	    "test_lease_export"))
		return -1;
	if ((fx->env = lease_env_open(fx->dir, errbuf, sizeof(errbuf))) ==
	    NULL) {
		fprintf(stderr, "%s\n", errbuf);
		return -1;
	}
	fx->loop = ev_loop_new(EVFLAG_AUTO);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	lease_env_close(fx->env);
	ev_loop_destroy(fx->loop);
	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

/* Export copies still in the store's directory. */
static int
copies_left(struct fixture *fx)
{
	struct dirent	*de;
	DIR		*d = opendir(fx->dir);
	int		 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, ".export-", 8) == 0;
	closedir(d);
	return n;
}

/* A record at addr: bound to a client, or free and never used. */
static void
mklease(struct lease *l, uint32_t addr, bool bound)
{
	store_lease(l, addr, addr & 0xffffff);
	snprintf(l->hostname, sizeof(l->hostname), "h%u", addr & 0xffff);
	l->granted_by = LEASE_BY_PRIMARY;
	if (!bound) {
		memset(l, 0, sizeof(*l));
		l->addr = addr;
		l->state = LEASE_FREE;
	}
}

static void
put(struct lease_db *db, uint32_t addr, bool bound)
{
	struct lease l;

	mklease(&l, addr, bound);
	assert_int_equal(lease_db_stage(db, &l), 0);
}

/* n records from net + 1 up, every tenth free; staged from the top
 * down, committed in batches. */
static void
fill_store(struct lease_db *db, uint32_t net, unsigned n)
{
	for (unsigned i = n; i-- > 0;) {
		put(db, net + 1 + i, i % 10 != 0);
		if (i % 1000 == 0)
			assert_int_equal(lease_db_commit(db), 0);
	}
}

/* What the export must list of fill_store's records, in order. */
static size_t
expect_store(uint32_t *out, uint32_t net, unsigned n)
{
	size_t	 k = 0;

	for (unsigned i = 0; i < n; i++)
		if (i % 10 != 0)
			out[k++] = net + 1 + i;
	return k;
}

static size_t
count_lines(const char *s, size_t len)
{
	size_t	 n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* An export whose copy is made: its moment is now. */
static struct lease_export *
start(struct fixture *fx, const struct lease_export_src *srcs, size_t n,
    size_t nnets, bool json)
{
	struct lease_export *x;
	int	 i;

	x = lease_export_new(fx->loop, fx->env, NULL, srcs, n, nets, nnets,
	    json, errbuf, sizeof(errbuf));
	if (x == NULL)
		fail_msg("lease_export_new: %s", errbuf);
	for (i = 0; i < 2000 && !lease_export_ready(x); i++)
		ev_run(fx->loop, EVRUN_ONCE);
	assert_true(lease_export_ready(x));
	return x;
}

/* The whole export, piece by piece as the control socket takes it;
 * every piece bounded, none empty but the last may close. */
static char *
drain(struct lease_export *x, unsigned *pieces)
{
	struct strbuf	 all, piece;
	int		 rc;

	sb_init(&all);
	*pieces = 0;
	do {
		sb_init(&piece);
		rc = lease_export_fill(x, &piece);
		assert_true(rc == 0 || rc == CTL_MORE);
		assert_false(piece.failed);
		assert_true(piece.len > 0);
		assert_true(count_lines(piece.buf, piece.len) <=
		    PIECE_MAX_LINES);
		sb_append(&all, piece.buf, piece.len);
		sb_free(&piece);
		assert_true(++*pieces < 1000);
	} while (rc == CTL_MORE);
	assert_false(all.failed);
	return all.buf;
}

static size_t
csv_columns(void)
{
	size_t	 n = 1;

	for (const char *c = LEASE_CSV_HEADER; *c; c++)
		n += *c == ',';
	return n;
}

/* Field k of a CSV line (no newline) into out. */
static void
field(const char *line, size_t k, char *out, size_t outlen)
{
	const char *end;

	for (size_t i = 0; i < k; i++) {
		line = strchr(line, ',');
		assert_non_null(line);
		line++;
	}
	end = line + strcspn(line, ",");
	assert_true((size_t)(end - line) < outlen);
	memcpy(out, line, (size_t)(end - line));
	out[end - line] = '\0';
}

static uint32_t
addr_of(const char *text)
{
	struct in_addr a;

	if (inet_pton(AF_INET, text, &a) != 1)
		fail_msg("not an address: '%s'", text);
	return ntohl(a.s_addr);
}

/* One data line: its address, and the columns of where it sits. */
static void
check_line(const char *line, uint32_t want, const char *subnet,
    const char *primary)
{
	char	 f[64];
	size_t	 commas = 0;

	for (const char *c = line; *c; c++)
		commas += *c == ',';
	assert_int_equal(commas + 1, csv_columns());
	field(line, 0, f, sizeof(f));
	assert_int_equal(addr_of(f), want);
	field(line, commas - 1, f, sizeof(f));
	assert_string_equal(f, subnet);
	field(line, commas, f, sizeof(f));
	assert_string_equal(f, primary);
}

/* Changes committed after the export started: none may show. */
static void
change_after_start(struct lease_env *env, struct lease_db *p1,
    struct lease_db *p2)
{
	struct lease_db *p3;

	assert_int_equal(lease_db_stage_delete(p1, NET1 + 2), 0);
	put(p1, NET1 + 3, false);
	put(p1, NET1 + 0x6401, true);		/* 10.1.100.1 */
	assert_int_equal(lease_db_commit(p1), 0);
	put(p2, NET2 + 0xc801, true);		/* 10.2.200.1 */
	assert_int_equal(lease_db_commit(p2), 0);
	p3 = store_db_open(env, "p3");		/* did not exist */
	put(p3, NET2 + 0xc802, true);
	assert_int_equal(lease_db_commit(p3), 0);
	lease_db_close(p3);
}

static void
csv_of_two_stores(void **state)
{
	static const struct lease_export_src srcs[] = {
		{ "p1", "alpha" }, { "p2", "beta" }, { "p3", "gamma" },
	};
	struct fixture	*fx = *state;
	struct lease_db	*p1 = store_db_open(fx->env, "p1"),
			*p2 = store_db_open(fx->env, "p2");
	struct lease_export *x;
	uint32_t	*want = calloc(N1 + N2, sizeof(*want));
	size_t		 n1, n2, i = 0;
	unsigned	 pieces;
	char		*text, *line, *save = NULL, endline[64];

	assert_non_null(want);
	fill_store(p1, NET1, N1);
	fill_store(p2, NET2, N2);
	put(p2, STRAY, true);
	assert_int_equal(lease_db_commit(p2), 0);
	n1 = expect_store(want, NET1, N1);
	n2 = expect_store(want + n1, NET2, N2);
	want[n1 + n2] = STRAY;

	x = start(fx, srcs, 3, 2, false);
	change_after_start(fx->env, p1, p2);
	text = drain(x, &pieces);
	lease_export_free(x);
	/* ~9,000 lines of at most ~4,000 a piece. */
	assert_true(pieces >= 3);

	line = strtok_r(text, "\n", &save);
	assert_string_equal(line, LEASE_CSV_HEADER);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL &&
	    line[0] != '#') {
		assert_true(i <= n1 + n2);
		check_line(line, want[i], i < n1 ? "10.1.0.0/16" :
		    i < n1 + n2 ? "10.2.0.0/16" : "", i < n1 ? "alpha" :
		    "beta");
		i++;
	}
	assert_int_equal(i, n1 + n2 + 1);
	snprintf(endline, sizeof(endline), "# end: %zu bindings", i);
	assert_non_null(line);
	assert_string_equal(line, endline);
	assert_null(strtok_r(NULL, "\n", &save));
	free(text);
	free(want);
	lease_db_close(p1);
	lease_db_close(p2);
}

static void
json_export(void **state)
{
	static const struct lease_export_src src = { "p1", NULL };
	struct fixture	*fx = *state;
	struct lease_db	*p1 = store_db_open(fx->env, "p1");
	struct lease_export *x;
	unsigned	 pieces;
	size_t		 n = 0;
	char		*text, *p;

	fill_store(p1, NET1, 50);
	x = start(fx, &src, 1, 2, true);
	text = drain(x, &pieces);
	lease_export_free(x);
	assert_int_equal(pieces, 1);
	assert_true(json_valid(text, NULL));
	assert_int_equal(strncmp(text, "{\"leases\":[", 11), 0);
	for (p = text; (p = strstr(p, "\"address\":")) != NULL; p++)
		n++;
	assert_int_equal(n, 45);
	assert_non_null(strstr(text, "\"count\":45"));
	p = strrchr(text, '}');
	assert_non_null(p);
	assert_string_equal(p, "}\n");
	assert_true(p - text >= 16);
	assert_memory_equal(p - 15, "\"complete\":true}", 16);
	free(text);
	lease_db_close(p1);
}

/* No store at all yet: the header and "no bindings", at once. */
static void
empty_export(void **state)
{
	static const struct lease_export_src src = { "p1", NULL };
	struct fixture	*fx = *state;
	struct lease_export *x;
	struct strbuf	 sb;

	x = start(fx, &src, 1, 0, false);
	sb_init(&sb);
	assert_int_equal(lease_export_fill(x, &sb), 0);
	assert_string_equal(sb.buf, LEASE_CSV_HEADER "\n# end: 0 bindings\n");
	sb_free(&sb);
	lease_export_free(x);
	assert_false(lease_db_exists(fx->env, "p1"));
}

/* The client went away after the first piece: freeing the rest (the
 * copy and its readers) is all there is to do, and the copy is gone. */
static void
abandoned_export(void **state)
{
	static const struct lease_export_src src = { "p1", NULL };
	struct fixture	*fx = *state;
	struct lease_db	*p1 = store_db_open(fx->env, "p1");
	struct lease_export *x;
	struct strbuf	 sb;

	fill_store(p1, NET1, N1);
	x = start(fx, &src, 1, 2, false);
	sb_init(&sb);
	assert_int_equal(lease_export_fill(x, &sb), CTL_MORE);
	sb_free(&sb);
	lease_export_free(x);
	lease_export_free(NULL);
	/* The store is not held: a batch commits; no copy is left. */
	put(p1, NET1 + 0xff00, true);
	assert_int_equal(lease_db_commit(p1), 0);
	lease_db_close(p1);
	assert_int_equal(copies_left(fx), 0);
}

/* The client went away before the copy was made: it is removed when the
 * copy thread reports. */
static void
abandoned_while_copying(void **state)
{
	static const struct lease_export_src src = { "p1", NULL };
	struct fixture	*fx = *state;
	struct lease_db	*p1 = store_db_open(fx->env, "p1");
	struct lease_export *x;
	int		 i;

	fill_store(p1, NET1, 2000);
	x = lease_export_new(fx->loop, fx->env, NULL, &src, 1, nets, 2,
	    false, errbuf, sizeof(errbuf));
	assert_non_null(x);
	lease_export_free(x);			/* before ev_run: copying */
	for (i = 0; i < 2000 && copies_left(fx) > 0; i++)
		ev_run(fx->loop, EVRUN_ONCE);
	assert_int_equal(copies_left(fx), 0);
	lease_db_close(p1);
}

static int
fmt(bool *json, int argc, ...)
{
	char	*argv[8];
	va_list	 ap;

	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return lease_export_format(argc, argv, json);
}

static void
format_arguments(void **state)
{
	bool	 json = true;

	(void)state;
	assert_int_equal(fmt(&json, 1, "export"), 0);
	assert_false(json);
	assert_int_equal(fmt(&json, 3, "export", "--format", "json"), 0);
	assert_true(json);
	assert_int_equal(fmt(&json, 3, "export", "--format", "csv"), 0);
	assert_false(json);
	assert_int_equal(fmt(&json, 3, "export", "--format", "xml"), -1);
	assert_int_equal(fmt(&json, 3, "export", "--format", "JSON"), -1);
	assert_int_equal(fmt(&json, 2, "export", "--format"), -1);
	assert_int_equal(fmt(&json, 2, "export", "json"), -1);
	assert_int_equal(fmt(&json, 3, "export", "-f", "json"), -1);
	assert_int_equal(fmt(&json, 4, "export", "--format", "csv", "x"), -1);
}

/* The checker itself, so a pass above means something. */
static void
json_checker(void **state)
{
	size_t	 n = 99;

	(void)state;
	assert_true(json_valid("[{\"a\":1},{\"b\":[true,null,-1.5e3]}]", &n));
	assert_int_equal(n, 2);
	assert_true(json_valid(" [] ", &n));
	assert_int_equal(n, 0);
	assert_true(json_valid("{\"s\":\"x\\\"\\u00ff\"}", NULL));
	assert_false(json_valid("[{\"a\":1},]", NULL));
	assert_false(json_valid("{\"a\":1}{\"b\":2}", NULL));
	assert_false(json_valid("{\"a\":1,\"b\"}", NULL));
	assert_false(json_valid("{a:1}", NULL));
	assert_false(json_valid("[\"tab\there\"]", NULL));
	assert_false(json_valid("[01]", NULL));
	assert_false(json_valid("", NULL));
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(csv_of_two_stores),
		T(json_export),
		T(empty_export),
		T(abandoned_export),
		T(abandoned_while_copying),
		cmocka_unit_test(format_arguments),
		cmocka_unit_test(json_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
