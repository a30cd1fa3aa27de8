/* Unit tests: common/util/utilisation.c (subnet utilisation crossings, share
 * episodes). */
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
	struct util_sample s = { .network = net, .prefix = prefix,
	    .in_use = in_use, .total = total, .watched = watched };

	return s;
}

/* Utilisation only, as the agent looks with both its traps on. */
static int
util_step(struct util_watch *w, const struct util_sample *s, size_t n,
    unsigned high_pct, unsigned normal_pct, enum util_cross *out)
{
	struct util_look look = { .util = true, .high_pct = high_pct,
	    .normal_pct = normal_pct, .share = true };
	struct util_event ev[4];
	int	 rc;

	assert_true(n <= 4);
	rc = util_watch_step(w, s, n, &look, ev);
	for (size_t i = 0; i < n; i++) {
		out[i] = ev[i].util;
		/* No share in these samples: never an episode. */
		assert_int_equal(ev[i].share, SHARE_CROSS_NONE);
	}
	return rc;
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
	assert_int_equal(util_step(&w, s, 3, 90, 80, out), 0);
	assert_int_equal(out[0], HIGH);
	assert_int_equal(out[1], NONE);
	assert_int_equal(out[2], HIGH);
	assert_int_equal(w.n, 3);

	/* Reordered (a reload): nothing new to say. */
	s[0] = S(0x0a000100, 24, 1, 10, true);
	s[1] = S(0x0a000000, 25, 10, 10, true);
	s[2] = S(0x0a000000, 24, 9, 10, true);
	assert_int_equal(util_step(&w, s, 3, 90, 80, out), 0);
	assert_int_equal(out[0], NONE);
	assert_int_equal(out[1], NONE);
	assert_int_equal(out[2], NONE);

	/* The /24 drains; the /25 is no longer in the list. */
	s[0] = S(0x0a000000, 24, 3, 10, true);
	assert_int_equal(util_step(&w, s, 1, 90, 80, out), 0);
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
	assert_int_equal(util_step(&w, &s, 1, 90, 80, &out), 0);
	assert_int_equal(out, HIGH);
	s.watched = false;
	assert_int_equal(util_step(&w, &s, 1, 90, 80, &out), 0);
	assert_int_equal(out, NONE);	/* no Normal for what we left */
	assert_int_equal(w.n, 0);
	s.watched = true;
	assert_int_equal(util_step(&w, &s, 1, 90, 80, &out), 0);
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

	assert_int_equal(util_step(&w, &s, 1, 90, 80, &out), 0);
	assert_int_equal(out, NONE);
	assert_int_equal(util_step(&w, &s, 1, 70, 50, &out), 0);
	assert_int_equal(out, HIGH);
	assert_int_equal(util_step(&w, &s, 1, 95, 75, &out), 0);
	assert_int_equal(out, NORMAL);
	/* An empty list forgets everything. */
	assert_int_equal(util_step(&w, NULL, 0, 90, 80, NULL), 0);
	assert_int_equal(w.n, 0);
	util_watch_free(&w);
}

#define SNONE	SHARE_CROSS_NONE
#define OUT	SHARE_CROSS_EXHAUSTED
#define REARM	SHARE_CROSS_REARMED

/*
 * A share of 2 addresses, looked at with a sequence of free counts and
 * whether its running out matters (the failover's safe period): one
 * notification per episode, re-armed only by a free address.
 */
static void
share_one_notification_per_episode(void **state)
{
	static const struct {
		uint32_t	 free;
		bool		 matters;
		enum share_cross want;
		bool		 exhausted_after;
	} steps[] = {
		{ 2, true, SNONE, false },
		{ 1, true, SNONE, false },
		{ 0, true, OUT, true },		/* the last one taken */
		{ 0, true, SNONE, true },	/* still used up: once */
		{ 0, false, SNONE, true },	/* safe period over */
		{ 0, true, SNONE, true },	/* and running again */
		{ 1, true, REARM, false },	/* a release re-arms */
		{ 1, true, SNONE, false },
		{ 0, true, OUT, true },		/* a second episode */
		{ 2, false, REARM, false },	/* re-armed, mattering or not */
		{ 0, false, SNONE, false },	/* used up, does not matter */
	};
	bool	 exhausted = false;
	(void)state;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		enum share_cross c = share_cross_step(&exhausted,
		    steps[i].free, 2, steps[i].matters);

		if (c != steps[i].want || exhausted != steps[i].exhausted_after)
			fail_msg("step %zu (%u free, matters %d): got %d/%d, "
			    "want %d/%d", i, steps[i].free, steps[i].matters, c,
			    exhausted, steps[i].want, steps[i].exhausted_after);
	}
}

/* Used up before it mattered (the primary filled it, then died): the
 * episode starts when it comes to matter. */
static void
share_used_up_before_it_matters(void **state)
{
	bool	 exhausted = false;
	(void)state;

	assert_int_equal(share_cross_step(&exhausted, 0, 5, false), SNONE);
	assert_false(exhausted);
	assert_int_equal(share_cross_step(&exhausted, 0, 5, true), OUT);
	assert_true(exhausted);
}

/* No share (FailoverShare 0): never used up; a reload that removes the
 * share ends an episode. */
static void
no_share_never_exhausted(void **state)
{
	bool	 exhausted = false;
	(void)state;

	assert_int_equal(share_cross_step(&exhausted, 0, 0, true), SNONE);
	assert_false(exhausted);
	exhausted = true;
	assert_int_equal(share_cross_step(&exhausted, 0, 0, true), REARM);
	assert_false(exhausted);
	/* The largest counts: nothing overflows. */
	assert_int_equal(share_cross_step(&exhausted, UINT32_MAX, UINT32_MAX,
	    true), SNONE);
	assert_int_equal(share_cross_step(&exhausted, 0, UINT32_MAX, true),
	    OUT);
}

static struct util_sample
SH(uint32_t net, uint32_t share_free, uint32_t share_total, bool matters)
{
	struct util_sample s = { .network = net, .prefix = 24, .in_use = 1,
	    .total = 100, .watched = true, .share_free = share_free,
	    .share_total = share_total, .share_matters = matters };

	return s;
}

/* Episodes follow the subnet; one that is not watched is forgotten. */
static void
watch_keeps_share_episodes_by_subnet(void **state)
{
	struct util_look look = { .util = true, .high_pct = 90,
	    .normal_pct = 80, .share = true };
	struct util_watch w = { 0 };
	struct util_sample s[2];
	struct util_event ev[2];
	(void)state;

	s[0] = SH(0x0a000000, 0, 2, true);
	s[1] = SH(0x0a000100, 3, 4, true);
	assert_int_equal(util_watch_step(&w, s, 2, &look, ev), 0);
	assert_int_equal(ev[0].share, OUT);
	assert_int_equal(ev[1].share, SNONE);
	assert_int_equal(ev[0].util, NONE);

	/* Reordered: the episode stays with 10.0.0.0/24. */
	s[0] = SH(0x0a000100, 0, 4, true);
	s[1] = SH(0x0a000000, 0, 2, true);
	assert_int_equal(util_watch_step(&w, s, 2, &look, ev), 0);
	assert_int_equal(ev[0].share, OUT);
	assert_int_equal(ev[1].share, SNONE);

	/* 10.0.0.0/24 handed back: forgotten without a re-arm; taken over
	 * again, still used up: a new episode. */
	s[1].watched = false;
	assert_int_equal(util_watch_step(&w, s, 2, &look, ev), 0);
	assert_int_equal(ev[1].share, SNONE);
	s[1].watched = true;
	assert_int_equal(util_watch_step(&w, s, 2, &look, ev), 0);
	assert_int_equal(ev[0].share, SNONE);
	assert_int_equal(ev[1].share, OUT);

	/* A free address re-arms. */
	s[1].share_free = 1;
	assert_int_equal(util_watch_step(&w, s, 2, &look, ev), 0);
	assert_int_equal(ev[1].share, REARM);
	util_watch_free(&w);
}

/* Utilisation and share are switched apart: each forgets only its own. */
static void
watch_switches_util_and_share_apart(void **state)
{
	struct util_look look = { .util = true, .high_pct = 90,
	    .normal_pct = 80, .share = true };
	struct util_watch w = { 0 };
	struct util_sample s = SH(0xc0000200, 0, 10, true);
	struct util_event ev;
	(void)state;

	s.in_use = 95;
	assert_int_equal(util_watch_step(&w, &s, 1, &look, &ev), 0);
	assert_int_equal(ev.util, HIGH);
	assert_int_equal(ev.share, OUT);

	/* Utilisation off: forgotten; the episode goes on. */
	look.util = false;
	assert_int_equal(util_watch_step(&w, &s, 1, &look, &ev), 0);
	assert_int_equal(ev.util, NONE);
	assert_int_equal(ev.share, SNONE);
	look.util = true;
	assert_int_equal(util_watch_step(&w, &s, 1, &look, &ev), 0);
	assert_int_equal(ev.util, HIGH);	/* afresh */
	assert_int_equal(ev.share, SNONE);	/* same episode */

	/* Share off for one look (the agent, when its notification is
	 * switched on): the next reports the share used up afresh, and
	 * utilisation is untouched. */
	look.share = false;
	assert_int_equal(util_watch_step(&w, &s, 1, &look, &ev), 0);
	assert_int_equal(ev.share, SNONE);
	assert_int_equal(ev.util, NONE);
	look.share = true;
	assert_int_equal(util_watch_step(&w, &s, 1, &look, &ev), 0);
	assert_int_equal(ev.share, OUT);
	assert_int_equal(ev.util, NONE);
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
		cmocka_unit_test(share_one_notification_per_episode),
		cmocka_unit_test(share_used_up_before_it_matters),
		cmocka_unit_test(no_share_never_exhausted),
		cmocka_unit_test(watch_keeps_share_episodes_by_subnet),
		cmocka_unit_test(watch_switches_util_and_share_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
