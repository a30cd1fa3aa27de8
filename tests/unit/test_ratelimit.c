/*
 * Unit tests: common/dhcp/ratelimit.c, the new-client token buckets:
 * rate, burst, refill, a clock going back, and the table's bound under a
 * flood of distinct keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ratelimit.h"

#define T0	((int64_t)1700000000000)	/* ms */

static uint64_t
key_of(uint32_t n)
{
	return rl_key(&n, sizeof(n), NULL, 0);
}

/* Takes granted in `n` attempts at one instant. */
static unsigned
takes(struct rl_table *t, uint64_t key, uint32_t rate, uint32_t burst,
    int64_t ms, unsigned n)
{
	unsigned	 ok = 0;

	for (unsigned i = 0; i < n; i++)
		ok += rl_take(t, key, rate, burst, ms);
	return ok;
}

/* A full bucket gives `burst` at once, then nothing until it refills. */
static void
burst_then_empty(void **state)
{
	struct rl_table	 t;

	(void)state;
	rl_table_init(&t, 1024);
	assert_int_equal(takes(&t, key_of(1), 10, 20, T0, 100), 20);
	assert_false(rl_take(&t, key_of(1), 10, 20, T0));
	/* Another key has its own bucket. */
	assert_int_equal(takes(&t, key_of(2), 10, 20, T0, 100), 20);
	rl_table_free(&t);
}

/* Refill at `rate` a second, in thousandths: 10/s is one per 100 ms. */
static void
refill_at_rate(void **state)
{
	struct rl_table	 t;
	uint64_t	 k = key_of(7);
	unsigned	 ok = 0;

	(void)state;
	rl_table_init(&t, 1024);
	assert_int_equal(takes(&t, k, 10, 5, T0, 5), 5);
	assert_false(rl_take(&t, k, 10, 5, T0 + 99));
	assert_true(rl_take(&t, k, 10, 5, T0 + 100));
	assert_false(rl_take(&t, k, 10, 5, T0 + 150));
	/* The failed attempt at +150 kept its half token: +200 has one. */
	assert_true(rl_take(&t, k, 10, 5, T0 + 200));
	/* Over ten seconds of trying every millisecond: rate * 10. */
	for (int64_t ms = T0 + 201; ms <= T0 + 10200; ms++)
		ok += rl_take(&t, k, 10, 5, ms);
	assert_int_equal(ok, 100);
	/* A long pause fills the bucket to its burst, no more. */
	assert_int_equal(takes(&t, k, 10, 5, T0 + 3600000, 100), 5);
	rl_table_free(&t);
}

/* A clock going back refills nothing and does not stall the bucket. */
static void
clock_back(void **state)
{
	struct rl_table	 t;
	uint64_t	 k = key_of(9);

	(void)state;
	rl_table_init(&t, 1024);
	assert_int_equal(takes(&t, k, 1, 2, T0, 5), 2);
	assert_false(rl_take(&t, k, 1, 2, T0 - 60000));
	assert_true(rl_take(&t, k, 1, 2, T0 - 59000));
	rl_table_free(&t);
}

/* Rate 0 is no limit: no table is even taken. */
static void
rate_zero_is_off(void **state)
{
	struct rl_table	 t;

	(void)state;
	rl_table_init(&t, 1024);
	assert_int_equal(takes(&t, key_of(1), 0, 1, T0, 1000), 1000);
	assert_null(t.b);
	assert_int_equal(rl_table_used(&t), 0);
	rl_table_free(&t);
}

/*
 * A million distinct keys (a random-MAC flood): the table never holds
 * more than its bound, evicts the oldest, and a key touched at every
 * step (the flooding relay) keeps its bucket: it stays empty.
 */
static void
bounded_under_flood(void **state)
{
	struct rl_table	 t;
	uint64_t	 hot = key_of(0xffffffffu);
	unsigned	 hot_ok = 0;

	(void)state;
	rl_table_init(&t, RL_MAX_ENTRIES);
	assert_int_equal(t.nsets * RL_WAYS, RL_MAX_ENTRIES);
	for (uint32_t i = 0; i < 1000000; i++) {
		int64_t	 ms = T0 + i;	/* a key a millisecond */

		assert_true(rl_take(&t, rl_key(&i, sizeof(i), "mac", 3), 1, 3,
		    ms));
		hot_ok += rl_take(&t, hot, 10, 20, ms);
	}
	assert_true(rl_table_used(&t) <= RL_MAX_ENTRIES);
	assert_true(rl_table_used(&t) > RL_MAX_ENTRIES * 9 / 10);
	assert_true(t.evictions >= 1000000 - RL_MAX_ENTRIES);
	/* 20 at once, then one every 100 ms of the flood's 999.999 s. */
	assert_int_equal(hot_ok, 20 + 9999);
	rl_table_free(&t);
}

/* Keys of distinct parts differ; the same parts give the same key. */
static void
keys(void **state)
{
	(void)state;
	assert_int_equal(rl_key("ab", 2, "c", 1), rl_key("ab", 2, "c", 1));
	assert_int_not_equal(rl_key("ab", 2, "c", 1), rl_key("a", 1, "bc", 2));
	assert_int_not_equal(rl_key(NULL, 0, NULL, 0), 0);
}

/* The tables of a struct ratelimit: sized, not yet allocated. */
static void
ratelimit_tables(void **state)
{
	struct ratelimit rl;

	(void)state;
	ratelimit_init(&rl);
	for (int i = 0; i < RL_KINDS; i++) {
		assert_null(rl.t[i].b);
		assert_true(rl.t[i].nsets * RL_WAYS <= RL_MAX_ENTRIES);
	}
	assert_true(rl_take(&rl.t[RL_CLIENT], key_of(1), 1, 1, T0));
	assert_false(rl_take(&rl.t[RL_CLIENT], key_of(1), 1, 1, T0));
	ratelimit_free(&rl);
	assert_null(rl.t[RL_CLIENT].b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_empty),
		cmocka_unit_test(refill_at_rate),
		cmocka_unit_test(clock_back),
		cmocka_unit_test(rate_zero_is_off),
		cmocka_unit_test(bounded_under_flood),
		cmocka_unit_test(keys),
		cmocka_unit_test(ratelimit_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
