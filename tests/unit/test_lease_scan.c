/*
 * Unit tests: common/store/lease_scan.c on a real Berkeley DB environment
 * in a temporary directory: every committed lease, in address order, and
 * one by address; a missing store is an error that says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lease_db.h"
#include "lease_scan.h"
#include "store_testutil.h"
#include "tmpdir_testutil.h"

#define NET1	0xc6336400u	/* 198.51.100.0 */

struct fixture {
	char		 dir[64];
	struct lease_env *env;
	struct lease_db	*db;
};

static char	 errbuf[256];

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || !tmpdir_make(fx->dir, sizeof(fx->dir),
	    "test_lease_scan"))
		return -1;
	if ((fx->env = lease_env_open(fx->dir, errbuf, sizeof(errbuf))) ==
	    NULL || (fx->db = lease_db_open(fx->env, "p1", errbuf,
	    sizeof(errbuf))) == NULL) {
		fprintf(stderr, "%s\n", errbuf);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	lease_db_close(fx->db);
	lease_env_close(fx->env);
	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

/* A bound lease of client number `client` at addr; gen marks a batch. */
static void
mklease(struct lease *l, uint32_t addr, unsigned client, int64_t gen)
{
	store_lease(l, addr, client);
	l->cltt += gen;
}

/* n leases at NET1 + 1 + i, staged from the top down (the store, not the
 * order of staging, must give address order), in one batch. */
static void
put_leases(struct lease_db *db, unsigned n, int64_t gen)
{
	struct lease l;

	for (unsigned i = n; i-- > 0;) {
		mklease(&l, NET1 + 1 + i, i, gen);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
}

static struct lease_scan *
scan_open(struct lease_env *env, const char *name)
{
	struct lease_scan *s = lease_scan_open(env, name, errbuf,
	    sizeof(errbuf));

	if (s == NULL)
		fail_msg("lease_scan_open: %s", errbuf);
	return s;
}

/* Every lease of the snapshot, in the order it gives them. */
static size_t
scan_all(struct lease_scan *s, struct lease *out, size_t max)
{
	size_t	 n = 0;
	int	 ret;

	while ((ret = lease_scan_next(s, &out[n])) == 0)
		if (++n == max)
			fail_msg("more than %zu leases", max);
	assert_int_equal(ret, ENOENT);
	assert_int_equal(lease_scan_corrupt(s), 0);
	return n;
}

static void
assert_ascending(const struct lease *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		assert_true(v[i - 1].addr < v[i].addr);
}

/* Committed leases in address order; an uncommitted batch is not there
 * once it is rolled back. */
static void
all_in_address_order(void **state)
{
	struct fixture	*fx = *state;
	struct lease	*v = calloc(3000, sizeof(*v)), one;
	struct lease_scan *s;

	assert_non_null(v);
	put_leases(fx->db, 2000, 0);
	assert_int_equal(lease_db_commit(fx->db), 0);
	s = scan_open(fx->env, "p1");
	assert_int_equal(scan_all(s, v, 3000), 2000);
	assert_ascending(v, 2000);
	assert_string_equal(v[7].hostname, "host-7");
	assert_int_equal(lease_scan_get(s, NET1 + 8, &one), 0);
	assert_memory_equal(&one, &v[7], sizeof(one));
	assert_int_equal(lease_scan_get(s, NET1 + 5000, &one), ENOENT);
	lease_scan_close(s);
	free(v);
}

static void
missing_store(void **state)
{
	struct fixture	*fx = *state;

	errno = 0;
	assert_null(lease_scan_open(fx->env, "nope", errbuf, sizeof(errbuf)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(errbuf, "no such"));
	lease_scan_close(NULL);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(all_in_address_order),
		T(missing_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
