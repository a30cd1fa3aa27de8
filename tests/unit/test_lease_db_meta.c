/*
 * Unit tests: the owner's u64 meta values of common/store/lease_db.c
 * (lease_db_meta_set_u64 / _get_u64): they ride in the open batch, so
 * they become durable exactly when its leases do -- the primary's
 * replication watermark relies on that -- and the store's own entries
 * cannot be overwritten through them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lease_db.h"
#include "tmpdir_testutil.h"

#define NET1	0xc6336400u	/* 198.51.100.0 */

struct fixture {
	char	 dir[64];
};

static char	 errbuf[256];

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	if (!tmpdir_make(fx->dir, sizeof(fx->dir), "test_lease_db_meta"))
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

static struct lease_db *
open_store(const char *dir, struct lease_env **env)
{
	struct lease_db *db;

	*env = lease_env_open(dir, errbuf, sizeof(errbuf));
	assert_non_null(*env);
	db = lease_db_open(*env, "primary", errbuf, sizeof(errbuf));
	assert_non_null(db);
	return db;
}

static void
mklease(struct lease *l, uint32_t addr, uint64_t seq)
{
	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->state = LEASE_BOUND;
	l->htype = 1;
	l->hlen = 6;
	l->chaddr[5] = (uint8_t)addr;
	l->key.len = 8;
	l->key.bytes[0] = 'H';
	l->key.bytes[1] = 1;
	l->key.bytes[7] = (uint8_t)addr;
	l->starts = 1700000000;
	l->ends = 1700003600;
	l->cltt = 1700000000;
	l->seq = seq;
}

/* Absent, set, committed, reopened. */
static void
set_get_durable(void **state)
{
	struct fixture *fx = *state;
	struct lease_env *env;
	struct lease_db *db;
	uint64_t v = 1;

	db = open_store(fx->dir, &env);
	assert_int_equal(lease_db_meta_get_u64(db, "fo_epoch", &v), ENOENT);
	assert_int_equal(lease_db_meta_set_u64(db, "fo_epoch", 42), 0);
	/* The open batch sees its own value, and it counts as a change. */
	assert_int_equal(lease_db_staged(db), 1);
	assert_int_equal(lease_db_meta_get_u64(db, "fo_epoch", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(lease_db_commit(db), 0);
	assert_int_equal(lease_db_meta_set_u64(db, "fo_epoch",
	    UINT64_MAX - 1), 0);
	assert_int_equal(lease_db_commit(db), 0);
	lease_db_close(db);
	lease_env_close(env);

	db = open_store(fx->dir, &env);
	assert_int_equal(lease_db_meta_get_u64(db, "fo_epoch", &v), 0);
	assert_int_equal(v, UINT64_MAX - 1);
	lease_db_close(db);
	lease_env_close(env);
}

/* A value staged with leases is lost with them when the batch is. */
static void
atomic_with_leases(void **state)
{
	struct fixture *fx = *state;
	struct lease_env *env;
	struct lease_db *db;
	struct lease l;
	struct lease_db_stats st;
	uint64_t v = 0;

	db = open_store(fx->dir, &env);
	mklease(&l, NET1 + 10, 5);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_meta_set_u64(db, "fo_repl_acked", 5), 0);
	assert_int_equal(lease_db_commit(db), 0);
	/* leases_written counts leases only. */
	lease_db_get_stats(db, &st);
	assert_int_equal(st.leases_written, 1);

	mklease(&l, NET1 + 11, 6);
	assert_int_equal(lease_db_stage(db, &l), 0);
	assert_int_equal(lease_db_meta_set_u64(db, "fo_repl_acked", 6), 0);
	lease_db_abort(db);
	assert_int_equal(lease_db_meta_get_u64(db, "fo_repl_acked", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(lease_db_get(db, NET1 + 11, &l), ENOENT);
	lease_db_close(db);
	lease_env_close(env);

	db = open_store(fx->dir, &env);
	assert_int_equal(lease_db_meta_get_u64(db, "fo_repl_acked", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(lease_db_last_seq(db), 5);
	lease_db_close(db);
	lease_env_close(env);
}

/* The store's own entries and odd names are refused. */
static void
names_refused(void **state)
{
	struct fixture *fx = *state;
	struct lease_env *env;
	struct lease_db *db;
	uint64_t v;
	static const char *const bad[] = { "seq", "store_id", "format", "",
	    "Upper", "with space", "a-b",
	    "x23456789012345678901234567890123" };

	db = open_store(fx->dir, &env);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(lease_db_meta_set_u64(db, bad[i], 1), EINVAL);
		assert_int_equal(lease_db_meta_get_u64(db, bad[i], &v), EINVAL);
	}
	assert_int_equal(lease_db_staged(db), 0);
	/* The sequence is still the store's to keep. */
	assert_int_equal(lease_db_last_seq(db), 0);
	lease_db_close(db);
	lease_env_close(env);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(set_get_durable),
		T(atomic_with_leases),
		T(names_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
