/*
 * Unit tests: common/store/lease_defer.c.  A deferred commit is seen at
 * once but is durable only once the log is flushed -- by lease_env_flush
 * or by any other thread's synchronous commit in the same environment;
 * a process that ends before that loses the batch whole, and one that
 * flushed keeps it.
 */
#include <sys/wait.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lease_db.h"
#include "lease_defer.h"
#include "store_testutil.h"
#include "tmpdir_testutil.h"

#define NET1	0xc6336400u	/* 198.51.100.0 */

struct fixture {
	char	 dir[64];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || !tmpdir_make(fx->dir, sizeof(fx->dir),
	    "test_lease_defer"))
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

static void
stage(struct lease_db *db, uint32_t addr, unsigned client)
{
	struct lease l;

	store_lease(&l, addr, client);
	assert_int_equal(lease_db_stage(db, &l), 0);
}

static void
flushed_by_anyone(void **state)
{
	struct fixture *fx = *state;
	struct lease_env *env = store_env_open(fx->dir);
	struct lease_db *a = store_db_open(env, "a"), *b = store_db_open(env,
	    "b");
	struct lease_lsn at, none;
	struct lease l;

	/* Nothing staged: nothing to wait for. */
	assert_int_equal(lease_db_commit_deferred(a, &none), 0);
	assert_true(none.file == 0 && none.offset == 0);
	assert_true(lease_env_durable(env, &none));

	/* Committed (seen, the batch ended) but not on disk. */
	stage(a, NET1 + 1, 1);
	assert_int_equal(lease_db_commit_deferred(a, &at), 0);
	assert_int_equal(lease_db_staged(a), 0);
	assert_int_equal(lease_db_get(a, NET1 + 1, &l), 0);
	assert_false(lease_env_durable(env, &at));
	assert_int_equal(lease_env_flush(env), 0);
	assert_true(lease_env_durable(env, &at));
	/* Again with nothing new: no I/O, still fine. */
	assert_int_equal(lease_env_flush(env), 0);

	/* Another store's synchronous commit flushes it too. */
	stage(a, NET1 + 2, 2);
	assert_int_equal(lease_db_commit_deferred(a, &at), 0);
	assert_false(lease_env_durable(env, &at));
	stage(b, NET1 + 3, 3);
	assert_int_equal(lease_db_commit(b), 0);
	assert_true(lease_env_durable(env, &at));

	lease_db_close(a);
	lease_db_close(b);
	lease_env_close(env);
}

/* A child commits one lease synchronously and one deferred, flushes or
 * not, and ends without closing anything. */
static void
child(const char *dir, bool flush)
{
	char	 err[256];
	struct lease_env *env = lease_env_open(dir, err, sizeof(err));
	struct lease_db *db;
	struct lease_lsn at;
	struct lease l;

	if (env == NULL || (db = lease_db_open(env, "a", err,
	    sizeof(err))) == NULL)
		_exit(2);
	store_lease(&l, NET1 + 10, 10);
	if (lease_db_stage(db, &l) != 0 || lease_db_commit(db) != 0)
		_exit(3);
	store_lease(&l, NET1 + 11, 11);
	if (lease_db_stage(db, &l) != 0 ||
	    lease_db_commit_deferred(db, &at) != 0)
		_exit(4);
	if (flush && (lease_env_flush(env) != 0 ||
	    !lease_env_durable(env, &at)))
		_exit(5);
	_exit(0);
}

static void
run_child(const char *dir, bool flush)
{
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == 0)
		child(dir, flush);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
lost_unless_flushed(void **state)
{
	struct fixture *fx = *state;
	struct lease_env *env;
	struct lease_db *db;
	struct lease l;

	run_child(fx->dir, false);
	env = store_env_open(fx->dir);
	db = store_db_open(env, "a");
	assert_int_equal(lease_db_get(db, NET1 + 10, &l), 0);
	assert_int_equal(lease_db_get(db, NET1 + 11, &l), ENOENT);
	lease_db_close(db);
	lease_env_close(env);

	run_child(fx->dir, true);
	env = store_env_open(fx->dir);
	db = store_db_open(env, "a");
	assert_int_equal(lease_db_get(db, NET1 + 10, &l), 0);
	assert_int_equal(lease_db_get(db, NET1 + 11, &l), 0);
	assert_int_equal(l.addr, NET1 + 11);
	lease_db_close(db);
	lease_env_close(env);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(flushed_by_anyone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(lost_unless_flushed, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
