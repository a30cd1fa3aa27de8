/* Unit tests: common/util/pace.c (loop turns spaced under load). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pace.h"

#define IV	0.004

/*
 * A loop as libev runs it: the poll returns at *clock, the turn works
 * for `work` seconds, pace_turn answers, and the next poll returns no
 * sooner than the answer allows (counted from this poll) and no sooner
 * than `gap` after the turn ended (when the next datagram comes).
 * Returns the answer.
 */
static double
turn(struct pace *p, double *clock, double work, double gap, bool worked)
{
	double	 polled = *clock, end = polled + work, w, next;

	w = pace_turn(p, polled, end, worked);
	next = end + gap;
	if (w > 0 && polled + w > next)
		next = polled + w;
	*clock = next;
	return w;
}

/* A quiet server: turns far apart never wait. */
static void
quiet_never_waits(void **state)
{
	struct pace p;
	double	 clock = 100.0;
	(void)state;

	pace_init(&p, IV, clock);
	for (int i = 0; i < 1000; i++)	/* 50 turns a second */
		assert_true(turn(&p, &clock, 0.0002, 0.020, true) == 0);
	assert_int_equal(p.paced, 0);
}

/* A burst after a quiet spell runs at full speed for PACE_BURST turns,
 * then the turns wait. */
static void
burst_then_paced(void **state)
{
	struct pace p;
	double	 clock = 5.0;
	int	 free_turns = 0;
	(void)state;

	pace_init(&p, IV, clock);
	for (int i = 0; i < 100; i++) {
		if (turn(&p, &clock, 0.0001, 0.0001, true) > 0)
			break;
		free_turns++;
	}
	/* The bucket, plus what the 100 us waits earn on the way. */
	assert_in_range(free_turns, (int)PACE_BURST, (int)PACE_BURST + 1);
	assert_int_equal(p.paced, 1);
}

/*
 * Steady load, a datagram every 100 us: once paced, every turn waits,
 * and a second holds about 1 / IV turns.
 */
static void
steady_load_one_turn_per_interval(void **state)
{
	struct pace p;
	double	 clock = 0.0;
	int	 turns = 0;
	(void)state;

	pace_init(&p, IV, clock);
	while (clock < 1.0) {
		(void)turn(&p, &clock, 0.0005, 0.0001, true);
		turns++;
	}
	assert_in_range(turns, (int)(1.0 / IV) - 1,
	    (int)(1.0 / IV) + (int)PACE_BURST + 1);
	assert_true(p.paced >= (uint64_t)(1.0 / IV) - PACE_BURST - 1);
}

/*
 * Turns longer than the interval (a slow disk flush): the time spent in
 * them earns no tokens, so no turn after them runs unpaced (each would
 * cost a commit of its own); the wait asked for is then already over
 * when the turn ends, and costs nothing.
 */
static void
slow_turns_earn_nothing(void **state)
{
	struct pace p;
	double	 clock = 0.0;
	(void)state;

	pace_init(&p, IV, clock);
	for (int i = 0; i < 20; i++)
		(void)turn(&p, &clock, 0.0005, 0.0001, true);
	uint64_t before = p.paced;
	for (int i = 0; i < 50; i++)
		assert_true(turn(&p, &clock, 3 * IV, 0.0001, true) > 0);
	assert_int_equal(p.paced, before + 50);
}

/* Turns without work (a timer, an empty wake-up) take no token and
 * never wait; only waiting time refills. */
static void
idle_turns_are_free(void **state)
{
	struct pace p;
	double	 clock = 0.0;
	(void)state;

	pace_init(&p, IV, clock);
	for (int i = 0; i < (int)PACE_BURST; i++)
		assert_true(turn(&p, &clock, 0, 0.00001, true) == 0);
	assert_true(turn(&p, &clock, 0, 0.00001, true) > 0);
	for (int i = 0; i < 50; i++)
		assert_true(turn(&p, &clock, 0, 0.00001, false) == 0);
	/* The paced turn's own wait paid its debt; four and a half
	 * intervals of waiting then buy four free turns. */
	clock += 4.5 * IV;
	for (int i = 0; i < 4; i++)
		assert_true(turn(&p, &clock, 0, 0, true) == 0);
	assert_true(turn(&p, &clock, 0, 0, true) > 0);
}

/* BatchInterval 0, and a zeroed struct, never pace. */
static void
off_never_paces(void **state)
{
	struct pace p, z = { 0 };
	double	 clock = 0.0, c2 = 0.0;
	(void)state;

	pace_init(&p, 0, clock);
	for (int i = 0; i < 10000; i++) {
		assert_true(turn(&p, &clock, 0, 0, true) == 0);
		assert_true(turn(&z, &c2, 0, 0, true) == 0);
	}
	assert_int_equal(p.paced, 0);
	assert_int_equal(z.paced, 0);
}

/* A reload's new interval keeps the count; 0 stops pacing at once. */
static void
reload_keeps_count(void **state)
{
	struct pace p;
	double	 clock = 0.0;
	(void)state;

	pace_init(&p, IV, clock);
	for (int i = 0; i < 20; i++)
		(void)turn(&p, &clock, 0, 0.00001, true);
	assert_true(p.paced > 0);
	uint64_t before = p.paced;
	pace_set_interval(&p, 0);
	for (int i = 0; i < 20; i++)
		assert_true(turn(&p, &clock, 0, 0.00001, true) == 0);
	assert_int_equal(p.paced, before);
	pace_set_interval(&p, 2 * IV);
	assert_true(turn(&p, &clock, 0, 0.00001, true) == 2 * IV);
	assert_int_equal(p.paced, before + 1);
}

/* A clock that stands still or steps back banks no debt beyond one
 * turn: two intervals of waiting end the pacing. */
static void
clock_still_bounded_debt(void **state)
{
	struct pace p;
	double	 now = 50.0;
	(void)state;

	pace_init(&p, IV, now);
	for (int i = 0; i < 10000; i++)
		(void)pace_turn(&p, now, now, true);
	assert_true(p.tokens >= -1);
	(void)pace_turn(&p, now - 1.0, now - 1.0, false);
	assert_true(pace_turn(&p, now + 2 * IV + 1e-9, now + 2 * IV + 1e-9,
	    true) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet_never_waits),
		cmocka_unit_test(burst_then_paced),
		cmocka_unit_test(steady_load_one_turn_per_interval),
		cmocka_unit_test(slow_turns_earn_nothing),
		cmocka_unit_test(idle_turns_are_free),
		cmocka_unit_test(off_never_paces),
		cmocka_unit_test(reload_keeps_count),
		cmocka_unit_test(clock_still_bounded_debt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
