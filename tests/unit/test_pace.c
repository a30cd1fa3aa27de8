/* Unit tests: common/util/pace.c (loop turns spaced under load). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pace.h"

#define IV	0.004

/* A quiet server: turns far apart never wait. */
static void
quiet_never_waits(void **state)
{
	struct pace p;
	double	 now = 100.0;
	(void)state;

	pace_init(&p, IV, now);
	for (int i = 0; i < 1000; i++) {
		now += 0.020;		/* 50 turns a second */
		assert_true(pace_turn(&p, now, true) == 0);
	}
	assert_int_equal(p.paced, 0);
}

/* A burst after a quiet spell runs at full speed for PACE_BURST turns,
 * then each turn waits the interval. */
static void
burst_then_paced(void **state)
{
	struct pace p;
	double	 now = 5.0;
	int	 free_turns = 0;
	(void)state;

	pace_init(&p, IV, now);
	for (int i = 0; i < 100; i++) {
		now += 0.0001;		/* a turn every 100 us */
		if (pace_turn(&p, now, true) == 0)
			free_turns++;
		else
			break;
	}
	/* The bucket, plus what 100 us turns earn on the way. */
	assert_in_range(free_turns, (int)PACE_BURST, (int)PACE_BURST + 1);
	assert_int_equal(p.paced, 1);
}

/*
 * Steady load faster than the interval: once paced, the loop waits at
 * every turn (libev then spaces the polls IV apart), and the count of
 * turns in a second is about 1 / IV.
 */
static void
steady_load_one_turn_per_interval(void **state)
{
	struct pace p;
	double	 now = 0.0, wait = 0;
	int	 turns = 0;
	(void)state;

	pace_init(&p, IV, now);
	while (now < 1.0) {
		/* The turn's own work takes 200 us; then the wait asked
		 * for, counted from the poll (as libev does). */
		double poll = now;

		now += 0.0002;
		wait = pace_turn(&p, now, true);
		now = wait > 0 ? poll + wait : now + 0.0001;
		turns++;
	}
	assert_in_range(turns, (int)(1.0 / IV), (int)(1.0 / IV) +
	    (int)PACE_BURST + 1);
	assert_true(p.paced >= (uint64_t)(1.0 / IV) - PACE_BURST - 1);
}

/* Turns without work (a timer, an empty wake-up) take no token and
 * never wait; they let the bucket fill. */
static void
idle_turns_are_free(void **state)
{
	struct pace p;
	double	 now = 0.0;
	(void)state;

	pace_init(&p, IV, now);
	for (int i = 0; i < (int)PACE_BURST; i++)
		assert_true(pace_turn(&p, now += 0.00001, true) == 0);
	assert_true(pace_turn(&p, now += 0.00001, true) > 0);
	for (int i = 0; i < 50; i++)
		assert_true(pace_turn(&p, now += 0.00001, false) == 0);
	/* Time, not idle turns, refills: after 4 intervals, 4 free turns
	 * (the debt of the paced one paid first). */
	now += 5 * IV;
	for (int i = 0; i < 4; i++)
		assert_true(pace_turn(&p, now, true) == 0);
	assert_true(pace_turn(&p, now, true) > 0);
}

/* BatchInterval 0, and a zeroed struct, never pace. */
static void
off_never_paces(void **state)
{
	struct pace p, z = { 0 };
	double	 now = 0.0;
	(void)state;

	pace_init(&p, 0, now);
	for (int i = 0; i < 10000; i++) {
		assert_true(pace_turn(&p, now, true) == 0);
		assert_true(pace_turn(&z, now, true) == 0);
	}
	assert_int_equal(p.paced, 0);
	assert_int_equal(z.paced, 0);
}

/* A reload's new interval keeps the count; 0 stops pacing at once. */
static void
reload_keeps_count(void **state)
{
	struct pace p;
	double	 now = 0.0;
	(void)state;

	pace_init(&p, IV, now);
	for (int i = 0; i < 20; i++)
		(void)pace_turn(&p, now += 0.00001, true);
	assert_true(p.paced > 0);
	uint64_t before = p.paced;
	pace_set_interval(&p, 0);
	for (int i = 0; i < 20; i++)
		assert_true(pace_turn(&p, now += 0.00001, true) == 0);
	assert_int_equal(p.paced, before);
	pace_set_interval(&p, 2 * IV);
	assert_true(pace_turn(&p, now += 0.00001, true) == 2 * IV);
	assert_int_equal(p.paced, before + 1);
}

/* A clock that stands still (or steps back) banks no debt beyond one
 * turn: one interval of quiet ends the pacing. */
static void
clock_still_bounded_debt(void **state)
{
	struct pace p;
	double	 now = 50.0;
	(void)state;

	pace_init(&p, IV, now);
	for (int i = 0; i < 10000; i++)
		(void)pace_turn(&p, now, true);
	assert_true(p.tokens >= -1);
	(void)pace_turn(&p, now - 1.0, false);	/* a step back: no refill */
	now += 2 * IV + 1e-9;
	assert_true(pace_turn(&p, now, true) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet_never_waits),
		cmocka_unit_test(burst_then_paced),
		cmocka_unit_test(steady_load_one_turn_per_interval),
		cmocka_unit_test(idle_turns_are_free),
		cmocka_unit_test(off_never_paces),
		cmocka_unit_test(reload_keeps_count),
		cmocka_unit_test(clock_still_bounded_debt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
