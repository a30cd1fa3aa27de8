/* Unit tests: common/util/trap_limit.c (how often a notification may go). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "trap_limit.h"

/* One a minute: the first at once, the rest counted into the next. */
static void
one_per_window_carries_the_count(void **state)
{
	struct trap_limit tl = { 0 };
	uint64_t held = 99;
	(void)state;

	assert_true(trap_limit_ok(&tl, 1000.0, 60.0, 1, &held));
	assert_int_equal(held, 0);
	for (int i = 0; i < 5; i++)
		assert_false(trap_limit_ok(&tl, 1001.0 + i, 60.0, 1, &held));
	assert_false(trap_limit_ok(&tl, 1059.9, 60.0, 1, &held));
	assert_true(trap_limit_ok(&tl, 1060.0, 60.0, 1, &held));
	assert_int_equal(held, 6);
	/* A new window opened at 1060: quiet until 1120. */
	assert_false(trap_limit_ok(&tl, 1100.0, 60.0, 1, &held));
	assert_true(trap_limit_ok(&tl, 2000.0, 60.0, 1, &held));
	assert_int_equal(held, 1);
}

/* A burst allowance: max per window, then held. */
static void
burst_of_max_then_held(void **state)
{
	struct trap_limit tl = { 0 };
	uint64_t held = 99;
	(void)state;

	for (int i = 0; i < 3; i++) {
		assert_true(trap_limit_ok(&tl, 10.0 + i, 60.0, 3, &held));
		assert_int_equal(held, 0);
	}
	assert_false(trap_limit_ok(&tl, 14.0, 60.0, 3, &held));
	assert_false(trap_limit_ok(&tl, 15.0, 60.0, 3, &held));
	assert_true(trap_limit_ok(&tl, 70.0, 60.0, 3, &held));
	assert_int_equal(held, 2);
	assert_true(trap_limit_ok(&tl, 71.0, 60.0, 3, &held));
	assert_int_equal(held, 0);
}

/* A clock stepped back opens a window instead of holding for hours. */
static void
clock_going_back_opens_a_window(void **state)
{
	struct trap_limit tl = { 0 };
	uint64_t held;
	(void)state;

	assert_true(trap_limit_ok(&tl, 5000.0, 60.0, 1, &held));
	assert_false(trap_limit_ok(&tl, 5001.0, 60.0, 1, &held));
	assert_true(trap_limit_ok(&tl, 100.0, 60.0, 1, &held));
	assert_int_equal(held, 1);
}

/* Time 0 is a time like any other (a zeroed struct is "no window"). */
static void
time_zero_is_valid(void **state)
{
	struct trap_limit tl = { 0 };
	uint64_t held;
	(void)state;

	assert_true(trap_limit_ok(&tl, 0.0, 60.0, 1, &held));
	assert_false(trap_limit_ok(&tl, 0.0, 60.0, 1, &held));
	assert_false(trap_limit_ok(&tl, 59.0, 60.0, 1, &held));
	assert_true(trap_limit_ok(&tl, 60.0, 60.0, 1, &held));
	assert_int_equal(held, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_per_window_carries_the_count),
		cmocka_unit_test(burst_of_max_then_held),
		cmocka_unit_test(clock_going_back_opens_a_window),
		cmocka_unit_test(time_zero_is_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
