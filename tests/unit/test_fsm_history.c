/*
 * Unit tests: common/util/fsm_history.c -- the bounded transition ring and the
 * per-state counters both state machines keep (docs/design.md §3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fsm_history.h"

enum { S_A, S_B, S_C, S_COUNT };
static const char *const names[S_COUNT] = { "a", "b", "c" };

static void
init_errors(void **state)
{
	struct fsm_history h;

	(void)state;
	assert_int_equal(fsm_history_init(NULL, names, S_COUNT, S_A, 0),
	    FSM_ERR_INVAL);
	assert_int_equal(fsm_history_init(&h, NULL, S_COUNT, S_A, 0),
	    FSM_ERR_INVAL);
	assert_int_equal(fsm_history_init(&h, names, 0, 0, 0), FSM_ERR_INVAL);
	assert_int_equal(fsm_history_init(&h, names, FSM_MAX_STATES + 1, 0, 0),
	    FSM_ERR_INVAL);
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_COUNT, 0),
	    FSM_ERR_INVAL);
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_B, 10),
	    FSM_OK);
	assert_int_equal(fsm_history_count(&h), 0);
	assert_null(fsm_history_get(&h, 0));
	assert_int_equal(fsm_history_entered(&h, S_B), 1);
	assert_int_equal(fsm_history_entered(&h, S_A), 0);
	assert_string_equal(fsm_history_state_name(&h, S_C), "c");
	assert_string_equal(fsm_history_state_name(&h, S_COUNT), "unknown");
	assert_int_equal(fsm_history_count(NULL), 0);
	assert_int_equal(fsm_history_entered(NULL, 0), 0);
}

static void
record_checks_from(void **state)
{
	struct fsm_history h;

	(void)state;
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_A, 0), FSM_OK);
	/* from must be the current state; nothing changes otherwise. */
	assert_int_equal(fsm_history_record(&h, S_B, S_C, 1, "x"),
	    FSM_ERR_INVAL);
	assert_int_equal(fsm_history_record(&h, S_A, S_COUNT, 1, "x"),
	    FSM_ERR_INVAL);
	assert_int_equal(fsm_history_record(NULL, S_A, S_B, 1, "x"),
	    FSM_ERR_INVAL);
	assert_int_equal(fsm_history_count(&h), 0);
	assert_int_equal(h.cur, S_A);
	assert_int_equal(fsm_history_record(&h, S_A, S_B, 1, "go"), FSM_OK);
	assert_int_equal(h.cur, S_B);
	assert_int_equal(fsm_history_count(&h), 1);
	assert_int_equal(fsm_history_get(&h, 0)->seq, 1);
	assert_string_equal(fsm_history_get(&h, 0)->reason, "go");
}

/* More transitions than the ring holds: the newest FSM_HISTORY_LEN stay,
 * oldest first, numbered; the counters keep everything. */
static void
ring_bounded_and_ordered(void **state)
{
	struct fsm_history h;
	const struct fsm_transition *t;
	unsigned	 i, cur = S_A, n = 3 * FSM_HISTORY_LEN + 5;
	char		 why[32];

	(void)state;
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_A, 0), FSM_OK);
	for (i = 1; i <= n; i++) {
		unsigned next = (cur + 1) % S_COUNT;

		snprintf(why, sizeof(why), "step %u", i);
		assert_int_equal(fsm_history_record(&h, cur, next, i, why),
		    FSM_OK);
		cur = next;
		assert_true(fsm_history_count(&h) <= FSM_HISTORY_LEN);
	}
	assert_int_equal(fsm_history_count(&h), FSM_HISTORY_LEN);
	assert_int_equal(h.total, n);
	for (i = 0; i < FSM_HISTORY_LEN; i++) {
		uint64_t seq = n - FSM_HISTORY_LEN + 1 + i;

		t = fsm_history_get(&h, i);
		assert_non_null(t);
		assert_int_equal(t->seq, seq);
		assert_true(t->when == (double)seq);
		snprintf(why, sizeof(why), "step %u", (unsigned)seq);
		assert_string_equal(t->reason, why);
		/* The chain is unbroken: each from is the previous to. */
		if (i > 0)
			assert_int_equal(t->from, fsm_history_get(&h, i - 1)->to);
	}
	assert_null(fsm_history_get(&h, FSM_HISTORY_LEN));
	/* a was entered at init and every third step; n = 197. */
	assert_int_equal(fsm_history_entered(&h, S_A), 1 + n / 3);
	assert_int_equal(fsm_history_entered(&h, S_B), (n + 2) / 3);
	assert_int_equal(fsm_history_entered(&h, S_C), (n + 1) / 3);
	assert_int_equal(fsm_history_entered(&h, S_A) +
	    fsm_history_entered(&h, S_B) + fsm_history_entered(&h, S_C),
	    n + 1);
}

static void
seconds_per_state(void **state)
{
	struct fsm_history h;

	(void)state;
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_A, 100),
	    FSM_OK);
	assert_true(fsm_history_seconds(&h, S_A, 102.5) == 2.5);
	assert_int_equal(fsm_history_record(&h, S_A, S_B, 110, NULL), FSM_OK);
	assert_int_equal(fsm_history_record(&h, S_B, S_A, 130, NULL), FSM_OK);
	assert_int_equal(fsm_history_record(&h, S_A, S_B, 135, NULL), FSM_OK);
	/* a: 10 + 5; b: 20 finished + the current stay. */
	assert_true(fsm_history_seconds(&h, S_A, 200) == 15.0);
	assert_true(fsm_history_seconds(&h, S_B, 135) == 20.0);
	assert_true(fsm_history_seconds(&h, S_B, 140) == 25.0);
	assert_true(fsm_history_seconds(&h, S_C, 140) == 0.0);
	/* A clock stepped back adds nothing, and takes nothing away. */
	assert_true(fsm_history_seconds(&h, S_B, 50) == 20.0);
	assert_int_equal(fsm_history_record(&h, S_B, S_C, 120, NULL), FSM_OK);
	assert_true(fsm_history_seconds(&h, S_B, 500) == 20.0);
	assert_true(fsm_history_seconds(&h, S_C, 121) == 1.0);
	assert_true(fsm_history_seconds(&h, S_COUNT, 121) == 0.0);
	assert_string_equal(fsm_history_get(&h, 0)->reason, "");
}

static void
reason_copied_truncated_sanitised(void **state)
{
	struct fsm_history h;
	char		 long_reason[300], buf[8];
	const struct fsm_transition *t;

	(void)state;
	memset(long_reason, 'r', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_A, 0), FSM_OK);
	assert_int_equal(fsm_history_record(&h, S_A, S_B, 1, long_reason),
	    FSM_OK);
	t = fsm_history_get(&h, 0);
	assert_int_equal(strlen(t->reason), FSM_REASON_MAX);
	assert_int_equal(t->reason[FSM_REASON_MAX - 1], 'r');

	/* A copy: the caller's buffer may change afterwards. */
	snprintf(buf, sizeof(buf), "x\ny\x1b\x80z");
	assert_int_equal(fsm_history_record(&h, S_B, S_C, 2, buf), FSM_OK);
	buf[0] = 'Q';
	assert_string_equal(fsm_history_get(&h, 1)->reason, "x?y??z");
}

/* Plain data: a struct copy is a usable snapshot. */
static void
snapshot_by_copy(void **state)
{
	struct fsm_history h, snap;

	(void)state;
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_A, 0), FSM_OK);
	assert_int_equal(fsm_history_record(&h, S_A, S_C, 4, "one"), FSM_OK);
	snap = h;
	assert_int_equal(fsm_history_record(&h, S_C, S_B, 5, "two"), FSM_OK);
	assert_int_equal(fsm_history_count(&snap), 1);
	assert_string_equal(fsm_history_get(&snap, 0)->reason, "one");
	assert_string_equal(fsm_history_state_name(&snap,
	    fsm_history_get(&snap, 0)->to), "c");
	assert_int_equal(fsm_history_count(&h), 2);
}


/* A note sits among the transitions without moving time or counts. */
static void
note_keeps_state(void **state)
{
	struct fsm_history h;
	const struct fsm_transition *t;

	(void)state;
	assert_int_equal(fsm_history_init(&h, names, S_COUNT, S_A, 0), FSM_OK);
	assert_int_equal(fsm_history_record(&h, S_A, S_B, 10, "go"), FSM_OK);
	assert_int_equal(fsm_history_note(&h, 15, "declared\x01"), FSM_OK);
	assert_int_equal(fsm_history_count(&h), 2);
	t = fsm_history_get(&h, 1);
	assert_int_equal(t->from, S_B);
	assert_int_equal(t->to, S_B);
	assert_true(t->seq == 2);
	assert_string_equal(t->reason, "declared?");
	assert_true(h.since == 10);
	assert_int_equal(fsm_history_entered(&h, S_B), 1);
	assert_true(fsm_history_seconds(&h, S_B, 20) == 10);
	assert_int_equal(fsm_history_record(&h, S_B, S_C, 20, "on"), FSM_OK);
	assert_int_equal(fsm_history_note(NULL, 1, "x"), FSM_ERR_INVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_errors),
		cmocka_unit_test(record_checks_from),
		cmocka_unit_test(ring_bounded_and_ordered),
		cmocka_unit_test(seconds_per_state),
		cmocka_unit_test(reason_copied_truncated_sanitised),
		cmocka_unit_test(snapshot_by_copy),
		cmocka_unit_test(note_keeps_state),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
