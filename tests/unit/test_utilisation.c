/* Unit tests: common/utilisation.c (subnet utilisation crossings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "utilisation.h"

#define NONE	UTIL_CROSS_NONE
#define HIGH	UTIL_CROSS_HIGH
#define NORMAL	UTIL_CROSS_NORMAL

/*
 * One subnet of 10 addresses, High 90 %, Normal 80 %, looked at with a
 * sequence of "in use" counts: what each look sends.
 */
static void
hysteresis_one_trap_per_crossing(void **state)
{
	static const struct {
		uint32_t	 in_use;
		enum util_cross	 want;
		bool		 high_after;
	} steps[] = {
		{ 0, NONE, false },
		{ 8, NONE, false },	/* between: nothing */
		{ 9, HIGH, true },	/* reaches 90 % */
		{ 10, NONE, true },	/* still high: once per crossing */
		{ 9, NONE, true },
		{ 8, NORMAL, false },	/* down to 80 %: normal */
		{ 9, HIGH, true },	/* and up again */
		{ 9, NONE, true },
		{ 2, NORMAL, false },	/* straight down */
		{ 2, NONE, false },
	};
	bool	 high = false;
	(void)state;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		enum util_cross c = util_cross_step(&high, steps[i].in_use,
		    10, 90, 80);

		if (c != steps[i].want || high != steps[i].high_after)
			fail_msg("step %zu (%u in use): got %d/%d, want %d/%d",
			    i, steps[i].in_use, c, high, steps[i].want,
			    steps[i].high_after);
	}
}

/* Exact comparisons: no rounding lets a subnet cross early. */
static void
boundaries_are_exact(void **state)
{
	bool	 high = false;
	(void)state;

	/* 899 of 1000 is 89.9 %: rounds to 90 but has not reached it. */
	assert_int_equal(util_cross_step(&high, 899, 1000, 90, 80), NONE);
	assert_int_equal(util_cross_step(&high, 900, 1000, 90, 80), HIGH);
	/* 801 of 1000 is above 80 %: still high. */
	assert_int_equal(util_cross_step(&high, 801, 1000, 90, 80), NONE);
	assert_int_equal(util_cross_step(&high, 800, 1000, 90, 80), NORMAL);
	/* High 100: only a full subnet; Normal 0: only an empty one. */
	high = false;
	assert_int_equal(util_cross_step(&high, 9, 10, 100, 0), NONE);
	assert_int_equal(util_cross_step(&high, 10, 10, 100, 0), HIGH);
	assert_int_equal(util_cross_step(&high, 1, 10, 100, 0), NONE);
	assert_int_equal(util_cross_step(&high, 0, 10, 100, 0), NORMAL);
}

/* A subnet with no addresses never crosses, even at High 1. */
static void
empty_subnet_never_crosses(void **state)
{
	bool	 high = false;
	(void)state;

	assert_int_equal(util_cross_step(&high, 0, 0, 1, 0), NONE);
	assert_false(high);
	high = true;
	assert_int_equal(util_cross_step(&high, 0, 0, 1, 0), NONE);
	assert_true(high);
}

/* No overflow with the largest counts. */
static void
large_counts(void **state)
{
	bool	 high = false;
	(void)state;

	assert_int_equal(util_cross_step(&high, UINT32_MAX, UINT32_MAX, 100,
	    99), HIGH);
	assert_int_equal(util_cross_step(&high, UINT32_MAX / 2, UINT32_MAX,
	    100, 99), NORMAL);
	assert_int_equal(util_percent(UINT32_MAX, UINT32_MAX), 100);
}

static void
percent_rounds_to_nearest(void **state)
{
	(void)state;
	assert_int_equal(util_percent(0, 0), 0);
	assert_int_equal(util_percent(0, 10), 0);
	assert_int_equal(util_percent(9, 10), 90);
	assert_int_equal(util_percent(899, 1000), 90);
	assert_int_equal(util_percent(894, 1000), 89);
	assert_int_equal(util_percent(1, 3), 33);
	assert_int_equal(util_percent(2, 3), 67);
	assert_int_equal(util_percent(10, 10), 100);
}

static struct util_sample
S(uint32_t net, uint8_t prefix, uint32_t in_use, uint32_t total,
    bool watched)
{
	struct util_sample s = { net, prefix, in_use, total, watched };

	return s;
}

/* States follow the subnet, not its position in the list. */
static void
watch_keys_states_by_subnet(void **state)
{
	struct util_watch w = { 0 };
	struct util_sample s[3];
	enum util_cross out[3];
	(void)state;

	s[0] = S(0x0a000000, 24, 9, 10, true);		/* high */
	s[1] = S(0x0a000100, 24, 1, 10, true);		/* normal */
	s[2] = S(0x0a000000, 25, 10, 10, true);		/* same net, /25 */
	assert_int_equal(util_watch_step(&w, s, 3, 90, 80, out), 0);
	assert_int_equal(out[0], HIGH);
	assert_int_equal(out[1], NONE);
	assert_int_equal(out[2], HIGH);
	assert_int_equal(w.n, 3);

	/* Reordered (a reload): nothing new to say. */
	s[0] = S(0x0a000100, 24, 1, 10, true);
	s[1] = S(0x0a000000, 25, 10, 10, true);
	s[2] = S(0x0a000000, 24, 9, 10, true);
	assert_int_equal(util_watch_step(&w, s, 3, 90, 80, out), 0);
	assert_int_equal(out[0], NONE);
	assert_int_equal(out[1], NONE);
	assert_int_equal(out[2], NONE);

	/* The /24 drains; the /25 is no longer in the list. */
	s[0] = S(0x0a000000, 24, 3, 10, true);
	assert_int_equal(util_watch_step(&w, s, 1, 90, 80, out), 0);
	assert_int_equal(out[0], NORMAL);
	assert_int_equal(w.n, 1);
	util_watch_free(&w);
	assert_null(w.v);
	assert_int_equal(w.n, 0);
}

/* Not watched (served by the other server): forgotten, then afresh. */
static void
unwatched_subnet_is_forgotten(void **state)
{
	struct util_watch w = { 0 };
	struct util_sample s;
	enum util_cross out;
	(void)state;

	s = S(0xc6336400, 24, 230, 250, true);
	assert_int_equal(util_watch_step(&w, &s, 1, 90, 80, &out), 0);
	assert_int_equal(out, HIGH);
	s.watched = false;
	assert_int_equal(util_watch_step(&w, &s, 1, 90, 80, &out), 0);
	assert_int_equal(out, NONE);	/* no Normal for what we left */
	assert_int_equal(w.n, 0);
	s.watched = true;
	assert_int_equal(util_watch_step(&w, &s, 1, 90, 80, &out), 0);
	assert_int_equal(out, HIGH);	/* reported afresh */
	util_watch_free(&w);
}

/* New thresholds apply to the kept states at the next look. */
static void
thresholds_change_between_looks(void **state)
{
	struct util_watch w = { 0 };
	struct util_sample s = S(0xcb007100, 24, 70, 100, true);
	enum util_cross out;
	(void)state;

	assert_int_equal(util_watch_step(&w, &s, 1, 90, 80, &out), 0);
	assert_int_equal(out, NONE);
	assert_int_equal(util_watch_step(&w, &s, 1, 70, 50, &out), 0);
	assert_int_equal(out, HIGH);
	assert_int_equal(util_watch_step(&w, &s, 1, 95, 75, &out), 0);
	assert_int_equal(out, NORMAL);
	/* An empty list forgets everything. */
	assert_int_equal(util_watch_step(&w, NULL, 0, 90, 80, NULL), 0);
	assert_int_equal(w.n, 0);
	util_watch_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hysteresis_one_trap_per_crossing),
		cmocka_unit_test(boundaries_are_exact),
		cmocka_unit_test(empty_subnet_never_crosses),
		cmocka_unit_test(large_counts),
		cmocka_unit_test(percent_rounds_to_nearest),
		cmocka_unit_test(watch_keys_states_by_subnet),
		cmocka_unit_test(unwatched_subnet_is_forgotten),
		cmocka_unit_test(thresholds_change_between_looks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
