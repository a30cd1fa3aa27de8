/*
 * Unit tests: primary/fo_conflict.c, the rule for a binding the
 * failover hands back (docs/failover-design.md "Conflicts"), as a table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../primary/fo_conflict.h"

#define NOW	1700000000
#define ADDR	0xc6336464u	/* 198.51.100.100 */

static struct lease
mk(uint8_t client, enum lease_state st, int64_t starts, int64_t ends,
    int64_t cltt, uint64_t seq)
{
	struct lease l;

	memset(&l, 0, sizeof(l));
	l.addr = ADDR;
	l.state = (uint8_t)st;
	l.htype = 1;
	l.hlen = 6;
	l.chaddr[0] = 2;
	l.chaddr[5] = client;
	l.key.len = 8;
	l.key.bytes[0] = 'H';
	l.key.bytes[1] = 1;
	l.key.bytes[2] = 2;
	l.key.bytes[7] = client;
	l.starts = starts;
	l.ends = ends;
	l.cltt = cltt;
	l.seq = seq;
	return l;
}

static void
newer_order(void **state)
{
	struct lease a = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 5);
	struct lease b = a;

	(void)state;
	assert_int_equal(fo_lease_cmp_newer(&a, &b), 0);
	b.seq = 6;		/* seq decides last */
	assert_true(fo_lease_cmp_newer(&b, &a) > 0);
	a.cltt = NOW - 5;	/* cltt before seq */
	assert_true(fo_lease_cmp_newer(&a, &b) > 0);
	b.starts = NOW - 9;	/* starts before cltt */
	assert_true(fo_lease_cmp_newer(&b, &a) > 0);
	assert_true(fo_lease_cmp_newer(&a, &b) < 0);
}

static void
table(void **state)
{
	struct lease ours, theirs;

	(void)state;
	theirs = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 1ull << 63);
	assert_int_equal(fo_conflict_decide(NULL, &theirs, NOW),
	    FO_APPLY_NEW);

	/* The same record under another sequence: a resend. */
	ours = theirs;
	ours.seq = 7;
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_SAME);

	/* Same client, renewed at the failover: theirs. */
	ours = mk(1, LEASE_BOUND, NOW - 10, NOW + 50, NOW - 10, 7);
	theirs = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 2, 9);
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_THEIRS);
	/* ... and the other way round: ours. */
	assert_int_equal(fo_conflict_decide(&theirs, &ours, NOW),
	    FO_APPLY_OURS);

	/* Two live clients: the later grant wins, counted as conflict. */
	ours = mk(2, LEASE_BOUND, NOW - 20, NOW + 100, NOW - 20, 7);
	theirs = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 9);
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_CONFLICT_THEIRS);
	ours.starts = NOW - 5;
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_CONFLICT_OURS);
	/* An offer counts as live: the client may be about to use it. */
	ours.state = LEASE_OFFERED;
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_CONFLICT_OURS);
	/* A tie keeps ours. */
	ours = mk(2, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 9);
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_CONFLICT_OURS);

	/* Ours ran out: no conflict, the newer record stands. */
	ours = mk(2, LEASE_BOUND, NOW - 200, NOW - 1, NOW - 200, 7);
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_THEIRS);
	/* Theirs released, ours a later grant to another client. */
	ours = mk(2, LEASE_BOUND, NOW - 5, NOW + 100, NOW - 5, 7);
	theirs = mk(1, LEASE_RELEASED, NOW - 10, NOW - 3, NOW - 3, 9);
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_OURS);
	/* A free record of ours (no client) loses to any grant. */
	ours = mk(0, LEASE_FREE, 0, 0, 0, 3);
	ours.key.len = 0;
	theirs = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 9);
	assert_int_equal(fo_conflict_decide(&ours, &theirs, NOW),
	    FO_APPLY_THEIRS);
	assert_string_equal(fo_apply_name(FO_APPLY_CONFLICT_OURS),
	    "conflict-ours");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(newer_order),
		cmocka_unit_test(table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
