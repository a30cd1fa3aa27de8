/*
 * Unit tests: primary/repl_recs.c, the bytes of binding updates in flight
 * (what a retransmission sends).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "repl_recs.h"

static void
add_get_ack(void **state)
{
	struct repl_recs r;
	uint8_t	 rec[LEASE_RECORD_MAX];
	const uint8_t *p;
	size_t	 len;

	(void)state;
	assert_int_equal(repl_recs_init(&r, 4), 0);
	for (uint64_t s = 10; s < 14; s++) {
		memset(rec, (int)s, sizeof(rec));
		assert_int_equal(repl_recs_add(&r, s, rec, (size_t)s), 0);
	}
	/* Full; and order is enforced. */
	assert_int_equal(repl_recs_add(&r, 20, rec, 1), -1);
	assert_int_equal(repl_recs_count(&r), 4);
	p = repl_recs_get(&r, 12, &len);
	assert_non_null(p);
	assert_int_equal(len, 12);
	assert_int_equal(p[0], 12);
	assert_int_equal(p[11], 12);
	assert_null(repl_recs_get(&r, 9, &len));
	assert_null(repl_recs_get(&r, 14, &len));

	/* An ack in the middle frees slots; the rest stay readable. */
	assert_int_equal(repl_recs_del_range(&r, 11, 12), 2);
	assert_null(repl_recs_get(&r, 11, &len));
	p = repl_recs_get(&r, 13, &len);
	assert_non_null(p);
	assert_int_equal(p[0], 13);
	assert_int_equal(len, 13);
	/* Above the highest held: accepted again. */
	memset(rec, 0x77, sizeof(rec));
	assert_int_equal(repl_recs_add(&r, 12, rec, 5), -1);
	assert_int_equal(repl_recs_add(&r, 30, rec, 5), 0);
	assert_int_equal(repl_recs_add(&r, 31, NULL, 0), 0);	/* a marker */
	assert_int_equal(repl_recs_add(&r, 32, rec, 5), -1);	/* full */
	p = repl_recs_get(&r, 30, &len);
	assert_non_null(p);
	assert_int_equal(p[4], 0x77);
	assert_non_null(repl_recs_get(&r, 31, &len));
	assert_int_equal(len, 0);
	/* Slots came back intact: 10 still holds its bytes. */
	p = repl_recs_get(&r, 10, &len);
	assert_non_null(p);
	assert_int_equal(p[9], 10);

	/* Ranges that hold nothing, and reversed ranges. */
	assert_int_equal(repl_recs_del_range(&r, 14, 29), 0);
	assert_int_equal(repl_recs_del_range(&r, 31, 30), 0);
	assert_int_equal(repl_recs_del_range(&r, 0, UINT64_MAX), 4);
	assert_int_equal(repl_recs_count(&r), 0);
	/* Too big a record. */
	assert_int_equal(repl_recs_add(&r, 40, rec, LEASE_RECORD_MAX + 1), -1);
	repl_recs_clear(&r);
	assert_int_equal(repl_recs_add(&r, 1, rec, LEASE_RECORD_MAX), 0);
	repl_recs_free(&r);
}

/* Many cycles of add / ack out of order never lose or mix up bytes. */
static void
churn(void **state)
{
	struct repl_recs r;
	uint8_t	 rec[8];
	uint64_t next = 1, low = 1;
	size_t	 len;

	(void)state;
	assert_int_equal(repl_recs_init(&r, 64), 0);
	for (int round = 0; round < 2000; round++) {
		while (repl_recs_count(&r) < 64) {
			memcpy(rec, &next, sizeof(next));
			assert_int_equal(repl_recs_add(&r, next, rec, 8), 0);
			next++;
		}
		/* Ack every third one, then the oldest run. */
		for (uint64_t s = low; s < next; s += 3)
			repl_recs_del_range(&r, s, s);
		repl_recs_del_range(&r, low, low + 10);
		low += 11;
		for (uint64_t s = low; s < next; s++) {
			const uint8_t *p = repl_recs_get(&r, s, &len);
			uint64_t v;

			if (p == NULL)
				continue;
			memcpy(&v, p, sizeof(v));
			assert_int_equal(v, s);
		}
	}
	repl_recs_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_get_ack),
		cmocka_unit_test(churn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
