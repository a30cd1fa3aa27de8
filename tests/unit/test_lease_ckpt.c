/*
 * Unit tests: the checkpoint thread of common/store/lease_ckpt.c -- it
 * checkpoints on its own while the caller commits, reports an error once
 * to the caller's loop, and a stop does not wait out the period.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lease_ckpt.h"
#include "lease_db.h"
#include "tmpdir_testutil.h"

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

	if (fx == NULL)
		return -1;
	if (!tmpdir_make(fx->dir, sizeof(fx->dir), "test_lease_ckpt"))
		return -1;
	if ((fx->env = lease_env_open(fx->dir, errbuf, sizeof(errbuf))) == NULL ||
	    (fx->db = lease_db_open(fx->env, "p", errbuf, sizeof(errbuf))) == NULL)
		return -1;
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

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits (5 s at most) until the thread has run `want` checkpoints. */
static bool
wait_count(struct lease_ckpt *c, uint64_t want)
{
	struct timespec ms = { 0, 1000000 };
	double	 end = mono() + 5;

	while (lease_ckpt_count(c) < want && mono() < end)
		nanosleep(&ms, NULL);
	return lease_ckpt_count(c) >= want;
}

static void
commit_some(struct lease_db *db, uint32_t first, int n)
{
	for (int i = 0; i < n; i++) {
		struct lease l;

		memset(&l, 0, sizeof(l));
		l.addr = first + (uint32_t)i;
		l.state = LEASE_BOUND;
		l.htype = 1;
		l.hlen = 6;
		l.chaddr[5] = (uint8_t)i;
		l.key.len = 7;
		l.key.bytes[0] = 1;
		l.key.bytes[6] = (uint8_t)i;
		l.starts = 1700000000;
		l.ends = 1700003600;
		l.seq = lease_db_next_seq(db);
		assert_int_equal(lease_db_stage(db, &l), 0);
	}
	assert_int_equal(lease_db_commit(db), 0);
}

/* It checkpoints by itself while the owner keeps committing. */
static void
runs_beside_commits(void **state)
{
	struct fixture *fx = *state;
	struct lease_ckpt *c;

	c = lease_ckpt_start(fx->env, 0.01, errbuf, sizeof(errbuf));
	assert_non_null(c);
	for (int k = 0; k < 20; k++)
		commit_some(fx->db, 0xc6336400u + (uint32_t)k * 10, 10);
	assert_true(wait_count(c, 3));
	assert_int_equal(lease_ckpt_result(c), 0);
	lease_ckpt_stop(c);
}

/* A failing checkpoint (here: below the free-space reserve) is reported
 * to the caller, once per report. */
static void
error_reported(void **state)
{
	struct fixture *fx = *state;
	struct lease_ckpt *c;
	uint64_t n;

	commit_some(fx->db, 0xc6336400u, 5);
	lease_env_set_min_free(fx->env, UINT64_MAX / 2);
	c = lease_ckpt_start(fx->env, 0.01, errbuf, sizeof(errbuf));
	assert_non_null(c);
	assert_true(wait_count(c, 1));
	assert_int_equal(lease_ckpt_result(c), ENOSPC);
	/* Room again: once a checkpoint ran after the error was taken, no
	 * error is pending. */
	lease_env_set_min_free(fx->env, 0);
	n = lease_ckpt_count(c);
	assert_true(wait_count(c, n + 2));
	(void)lease_ckpt_result(c);
	n = lease_ckpt_count(c);
	assert_true(wait_count(c, n + 1));
	assert_int_equal(lease_ckpt_result(c), 0);
	lease_ckpt_stop(c);
}

/* A stop wakes the thread: it does not wait out a 60 s period. */
static void
stop_is_prompt(void **state)
{
	struct fixture *fx = *state;
	struct lease_ckpt *c;
	double	 t0;

	c = lease_ckpt_start(fx->env, 60, errbuf, sizeof(errbuf));
	assert_non_null(c);
	t0 = mono();
	lease_ckpt_stop(c);
	assert_true(mono() - t0 < 5);
	assert_int_equal(lease_ckpt_count(NULL), 0);
	lease_ckpt_stop(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(runs_beside_commits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(error_reported, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(stop_is_prompt, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
