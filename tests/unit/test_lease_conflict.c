/*
 * Unit tests: common/store/lease_conflict.c, the rule both daemons apply to
 * two records of one address (docs/failover-design.md "Conflicts").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lease_conflict.h"

#define NOW	1700000000
#define ADDR	0xc6336464u	/* 198.51.100.100 */
#define BIT63	(UINT64_C(1) << 63)

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

/* Which record a decision leaves in place: ours or theirs. */
static const struct lease *
kept(enum lease_apply d, const struct lease *ours, const struct lease *theirs)
{
	switch (d) {
	case LEASE_APPLY_SAME:
	case LEASE_APPLY_OURS:
	case LEASE_APPLY_CONFLICT_OURS:
		return ours;
	default:
		return theirs;
	}
}

static bool
is_conflict(enum lease_apply d)
{
	return d == LEASE_APPLY_CONFLICT_OURS ||
	    d == LEASE_APPLY_CONFLICT_THEIRS;
}

static void
order(void **state)
{
	struct lease a = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 5);
	struct lease b = a;

	(void)state;
	assert_int_equal(lease_newer(&a, &b), 0);
	assert_true(lease_same(&a, &b));
	/* seq is each side's own numbering: never compared. */
	b.seq = 6 | BIT63;
	assert_int_equal(lease_newer(&a, &b), 0);
	assert_true(lease_same(&a, &b));

	/* Each field decides only when all before it are equal. */
	b.addr = ADDR + 1;
	assert_true(lease_newer(&b, &a) > 0);
	strcpy(a.hostname, "a");
	assert_true(lease_newer(&a, &b) > 0);	/* name before address */
	b.chaddr[4] = 1;
	assert_true(lease_newer(&b, &a) > 0);	/* hardware before name */
	a.hlen = 7;
	assert_true(lease_newer(&a, &b) > 0);	/* hlen before its bytes */
	b.key.bytes[6] = 1;
	assert_true(lease_newer(&b, &a) > 0);	/* client key before hw */
	a.key.len = 9;
	assert_true(lease_newer(&a, &b) > 0);	/* key length first */
	b.state = LEASE_EXPIRED;
	assert_true(lease_newer(&b, &a) > 0);	/* state before client */
	a.ends = NOW + 101;
	assert_true(lease_newer(&a, &b) > 0);	/* ends before state */
	b.cltt = NOW - 9;
	assert_true(lease_newer(&b, &a) > 0);	/* cltt before ends */
	a.starts = NOW - 9;
	assert_true(lease_newer(&a, &b) > 0);	/* starts first */
	assert_true(lease_newer(&b, &a) < 0);
	assert_false(lease_same(&a, &b));

	/* A host name filling its field unterminated is still bounded. */
	a = mk(1, LEASE_BOUND, NOW, NOW + 100, NOW, 1);
	b = a;
	memset(a.hostname, 'x', sizeof(a.hostname));
	memset(b.hostname, 'x', sizeof(b.hostname));
	assert_true(lease_same(&a, &b));
	b.hostname[sizeof(b.hostname) - 1] = 'y';
	assert_true(lease_newer(&b, &a) > 0);
}

/* With equal times the state further along a binding's life wins. */
static void
state_order(void **state)
{
	struct lease off = mk(1, LEASE_OFFERED, NOW, NOW + 100, NOW, 1);
	struct lease bound = off, expired = off, freed = off;

	(void)state;
	bound.state = LEASE_BOUND;
	expired.state = LEASE_EXPIRED;
	freed.state = LEASE_FREE;
	assert_true(lease_newer(&bound, &off) > 0);
	assert_true(lease_newer(&expired, &bound) > 0);
	assert_true(lease_newer(&freed, &off) > 0);
	assert_true(lease_newer(&freed, &bound) > 0);
}

/* Short names for the table's states. */
#define OFF	LEASE_OFFERED
#define BND	LEASE_BOUND
#define REL	LEASE_RELEASED

static void
table(void **state)
{
	/* Each side: client, state, starts, ends, cltt (from NOW). */
	static const struct {
		uint8_t	 oc, os;	/* ours */
		int64_t	 ost, oen, ocl;
		uint8_t	 tc, ts;	/* theirs */
		int64_t	 tst, ten, tcl;
		enum lease_apply want;
	} t[] = {
		/* Same client, renewed at the other side: theirs. */
		{ 1, BND, -10, 50, -10,  1, BND, -10, 100, -2,
		    LEASE_APPLY_THEIRS },
		/* ... and the other way round: ours. */
		{ 1, BND, -10, 100, -2,  1, BND, -10, 50, -10,
		    LEASE_APPLY_OURS },
		/* Two live clients: the later grant wins, a conflict. */
		{ 2, BND, -20, 100, -20,  1, BND, -10, 100, -10,
		    LEASE_APPLY_CONFLICT_THEIRS },
		{ 2, BND, -5, 100, -5,  1, BND, -10, 100, -10,
		    LEASE_APPLY_CONFLICT_OURS },
		/* An offer counts as live: the client may be about to use
		 * it. */
		{ 2, OFF, -5, 100, -5,  1, BND, -10, 100, -10,
		    LEASE_APPLY_CONFLICT_OURS },
		/* Same grant second: the later client transaction. */
		{ 2, BND, -10, 100, -3,  1, BND, -10, 100, -10,
		    LEASE_APPLY_CONFLICT_OURS },
		/* Same grant and transaction: the later end. */
		{ 2, BND, -10, 100, -10,  1, BND, -10, 200, -10,
		    LEASE_APPLY_CONFLICT_THEIRS },
		/* All times equal: a binding beats an offer. */
		{ 2, OFF, -10, 100, -10,  1, BND, -10, 100, -10,
		    LEASE_APPLY_CONFLICT_THEIRS },
		/* Everything equal but the client: the greater key (client 2
		 * over client 1), whichever side holds it. */
		{ 2, BND, -10, 100, -10,  1, BND, -10, 100, -10,
		    LEASE_APPLY_CONFLICT_OURS },
		{ 1, BND, -10, 100, -10,  2, BND, -10, 100, -10,
		    LEASE_APPLY_CONFLICT_THEIRS },
		/* Ours ran out: no conflict, the newer record stands. */
		{ 2, BND, -200, -1, -200,  1, BND, -10, 100, -10,
		    LEASE_APPLY_THEIRS },
		/* Theirs released, ours a later grant to another client. */
		{ 2, BND, -5, 100, -5,  1, REL, -10, -3, -3,
		    LEASE_APPLY_OURS },
		/* Theirs a later grant, ours released: no conflict. */
		{ 2, REL, -30, -3, -3,  1, BND, -10, 100, -10,
		    LEASE_APPLY_THEIRS },
	};
	struct lease ours, theirs;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ours = mk(t[i].oc, t[i].os, NOW + t[i].ost, NOW + t[i].oen,
		    NOW + t[i].ocl, 7);
		/* Their sequence is higher: it must not matter. */
		theirs = mk(t[i].tc, t[i].ts, NOW + t[i].tst, NOW + t[i].ten,
		    NOW + t[i].tcl, BIT63 | 9);
		if (lease_conflict_decide(&ours, &theirs, NOW) != t[i].want)
			fail_msg("case %zu: %s, want %s", i,
			    lease_apply_name(lease_conflict_decide(&ours,
			    &theirs, NOW)), lease_apply_name(t[i].want));
	}

	theirs = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, BIT63);
	assert_int_equal(lease_conflict_decide(NULL, &theirs, NOW),
	    LEASE_APPLY_NEW);
	/* The same record under another sequence: a resend. */
	ours = theirs;
	ours.seq = 7;
	assert_int_equal(lease_conflict_decide(&ours, &theirs, NOW),
	    LEASE_APPLY_SAME);
	/* A free record of ours (no client) loses to any grant. */
	ours = mk(0, LEASE_FREE, 0, 0, 0, 3);
	ours.key.len = 0;
	assert_int_equal(lease_conflict_decide(&ours, &theirs, NOW),
	    LEASE_APPLY_THEIRS);
	/* Live, but no client identity: no conflict. */
	ours = mk(2, LEASE_BOUND, NOW - 5, NOW + 100, NOW - 5, 3);
	ours.key.len = 0;
	assert_int_equal(lease_conflict_decide(&ours, &theirs, NOW),
	    LEASE_APPLY_OURS);
	/* Same key, another hardware address: the same client. */
	ours = mk(1, LEASE_BOUND, NOW - 5, NOW + 100, NOW - 5, 3);
	ours.chaddr[1] = 9;
	assert_int_equal(lease_conflict_decide(&ours, &theirs, NOW),
	    LEASE_APPLY_OURS);

	assert_string_equal(lease_apply_name(LEASE_APPLY_CONFLICT_OURS),
	    "conflict-ours");
	assert_string_equal(lease_apply_name(LEASE_APPLY_COUNT), "unknown");
}

#undef OFF
#undef BND
#undef REL

/*
 * Records for the pairwise checks: three clients, live and not, with
 * every kind of tie on starts, cltt and ends.  Client 3 has client 1's
 * key but another hardware address and a host name.
 */
static const uint8_t c_states[] = { LEASE_OFFERED, LEASE_BOUND,
    LEASE_RELEASED, LEASE_EXPIRED, LEASE_FREE };
static const int64_t c_starts[] = { -20, -10 };
static const int64_t c_cltts[] = { 0, 5 };	/* after starts */
static const int64_t c_ends[] = { -1, 100, 200 };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NCORPUS		(3 * NELEM(c_states) * NELEM(c_starts) * \
			    NELEM(c_cltts) * NELEM(c_ends))

static void
corpus(struct lease *v)
{
	for (size_t k = 0; k < NCORPUS; k++) {
		size_t	 x = k;
		uint8_t	 st = c_states[x % NELEM(c_states)];
		int64_t	 starts, cltt, ends;
		uint8_t	 client;

		x /= NELEM(c_states);
		starts = NOW + c_starts[x % NELEM(c_starts)];
		x /= NELEM(c_starts);
		cltt = starts + c_cltts[x % NELEM(c_cltts)];
		x /= NELEM(c_cltts);
		ends = NOW + c_ends[x % NELEM(c_ends)];
		x /= NELEM(c_ends);
		client = (uint8_t)(1 + x);
		v[k] = mk(client, st, starts, ends, cltt, k);
		if (client == 3) {
			v[k].key.bytes[7] = 1;
			strcpy(v[k].hostname, "three");
		}
	}
}

/*
 * The primary holding A facing B handed back, and the failover holding B
 * facing A from the primary (or the other way round: either side may
 * hold either), keep the same record and agree on whether it was a
 * conflict.
 */
static void
both_sides_agree(void **state)
{
	struct lease v[NCORPUS];
	size_t	 n = NCORPUS;

	(void)state;
	corpus(v);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			struct lease a = v[i], b = v[j];
			enum lease_apply ab, ba;

			a.seq = i;		/* the primary's numbering */
			b.seq = BIT63 | j;	/* the failover's */
			ab = lease_conflict_decide(&a, &b, NOW);
			ba = lease_conflict_decide(&b, &a, NOW);
			if (lease_newer(kept(ab, &a, &b),
			    kept(ba, &b, &a)) != 0)
				fail_msg("%zu/%zu: %s but %s", i, j,
				    lease_apply_name(ab), lease_apply_name(ba));
			assert_int_equal(is_conflict(ab), is_conflict(ba));
			assert_int_equal(ab == LEASE_APPLY_SAME, i == j);
			/* Antisymmetric. */
			assert_int_equal(lease_newer(&a, &b),
			    -lease_newer(&b, &a));
			/* The failover's decision with its own grant B. */
			ba = lease_conflict_decide_own(&b, true, &a, NOW);
			assert_int_equal(lease_newer(kept(ab, &a, &b),
			    kept(ba, &b, &a)), 0);
			assert_int_equal(is_conflict(ab), is_conflict(ba));
		}
}

/* A total order: transitive over the corpus. */
static void
transitive(void **state)
{
	struct lease v[NCORPUS];
	size_t	 n = NCORPUS;

	(void)state;
	corpus(v);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			if (lease_newer(&v[i], &v[j]) <= 0)
				continue;
			for (size_t k = 0; k < n; k++)
				if (lease_newer(&v[j], &v[k]) > 0)
					assert_true(lease_newer(&v[i],
					    &v[k]) > 0);
		}
}

/*
 * The failover: only a record of its own making can beat the primary's
 * word; one of the primary's earlier records is replaced, newer or not,
 * and is no duplicate to report.
 */
static void
failover_own(void **state)
{
	struct lease ours, theirs;

	(void)state;
	theirs = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 40);
	assert_int_equal(lease_conflict_decide_own(NULL, true, &theirs, NOW),
	    LEASE_APPLY_NEW);
	assert_int_equal(lease_conflict_decide_own(NULL, false, &theirs,
	    NOW), LEASE_APPLY_NEW);

	/* Our later takeover grant to another client. */
	ours = mk(2, LEASE_BOUND, NOW - 5, NOW + 100, NOW - 5, BIT63 | 3);
	assert_int_equal(lease_conflict_decide_own(&ours, true, &theirs, NOW),
	    LEASE_APPLY_CONFLICT_OURS);
	assert_int_equal(lease_conflict_decide_own(&ours, false, &theirs,
	    NOW), LEASE_APPLY_THEIRS);
	/* Our earlier one: the primary's. */
	ours.starts = ours.cltt = NOW - 20;
	assert_int_equal(lease_conflict_decide_own(&ours, true, &theirs, NOW),
	    LEASE_APPLY_CONFLICT_THEIRS);
	/* A tie down to the client: the order decides, not who asks. */
	ours = mk(2, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, BIT63 | 3);
	assert_int_equal(lease_conflict_decide_own(&ours, true, &theirs, NOW),
	    LEASE_APPLY_CONFLICT_OURS);
	assert_int_equal(lease_conflict_decide(&theirs, &ours, NOW),
	    LEASE_APPLY_CONFLICT_THEIRS);
	ours = mk(0, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, BIT63 | 3);
	assert_int_equal(lease_conflict_decide_own(&ours, true, &theirs, NOW),
	    LEASE_APPLY_CONFLICT_THEIRS);
	assert_int_equal(lease_conflict_decide(&theirs, &ours, NOW),
	    LEASE_APPLY_CONFLICT_OURS);

	/* Our renewal of the same client beats the primary's older
	 * record of it: kept, no duplicate. */
	ours = mk(1, LEASE_BOUND, NOW - 2, NOW + 200, NOW - 2, BIT63 | 4);
	assert_int_equal(lease_conflict_decide_own(&ours, true, &theirs, NOW),
	    LEASE_APPLY_OURS);
	assert_int_equal(lease_conflict_decide_own(&ours, false, &theirs,
	    NOW), LEASE_APPLY_THEIRS);
	/* The primary's release, older than our grant to another
	 * client: our grant stays. */
	theirs = mk(3, LEASE_RELEASED, NOW - 50, NOW - 3, NOW - 3, 41);
	assert_int_equal(lease_conflict_decide_own(&ours, true, &theirs, NOW),
	    LEASE_APPLY_OURS);
	/* The primary's resend of what we hold. */
	theirs = ours;
	theirs.seq = 42;
	assert_int_equal(lease_conflict_decide_own(&ours, true, &theirs, NOW),
	    LEASE_APPLY_SAME);
	assert_int_equal(lease_conflict_decide_own(&ours, false, &theirs,
	    NOW), LEASE_APPLY_SAME);
	/* A record of the primary's own is replaced even by an older one:
	 * its latest word. */
	ours = mk(2, LEASE_BOUND, NOW - 1, NOW + 100, NOW - 1, 30);
	theirs = mk(1, LEASE_BOUND, NOW - 10, NOW + 100, NOW - 10, 40);
	assert_int_equal(lease_conflict_decide_own(&ours, false, &theirs,
	    NOW), LEASE_APPLY_THEIRS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(order),
		cmocka_unit_test(state_order),
		cmocka_unit_test(table),
		cmocka_unit_test(both_sides_agree),
		cmocka_unit_test(transitive),
		cmocka_unit_test(failover_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
