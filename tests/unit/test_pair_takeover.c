/*
 * Unit tests, both daemons in one process (tests/unit/pair_testutil.h):
 * takeover (docs/design.md §7.3).  A primary that stops answering --
 * here a hung one: its loop no longer runs, its sockets stay -- is
 * declared down after PollRetryMax + 1 unanswered polls, at most
 * PollDelay + (PollRetryMax + 1) x WaitPollRplSecs after its last
 * answer (docs/failover-states.md "Timing").  The failover then serves
 * its subnets: a new client gets an address of the failover's share
 * (docs/safety.md), a client of the primary keeps its address, and
 * every binding it makes carries a local sequence, to be handed back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dhcp_proto.h"
#include "fod.h"
#include "pair_testutil.h"
#include "server_int.h"

#define NBOUND		3	/* clients of the primary before it hangs */
#define TO_BOTH		(PAIR_TO_PRIMARY | PAIR_TO_FAILOVER)

struct fixture {
	struct pair	 pr;
	struct pair_client c[NBOUND];
	double		 frozen_at;	/* wall clock */
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct pair_opts o;

	if (fx == NULL)
		return -1;
	pair_opts_default(&o);
	pair_setup(&fx->pr, &o);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	pair_teardown(&fx->pr);
	free(fx);
	return 0;
}

/*
 * A pair with NBOUND clients of the primary, replicated; then the
 * primary hangs and the failover takes over.
 */
static void
hang_primary(struct fixture *fx)
{
	struct pair *pr = &fx->pr;

	pair_up(pr);
	for (unsigned i = 0; i < NBOUND; i++)
		pair_client_init(&fx->c[i], 10 + i, 0);
	assert_true(pair_until_acked(pr, pair_bind_at_primary(pr, fx->c,
	    NBOUND), 5));
	pair_freeze_primary(pr);
	fx->frozen_at = pair_wall();
	assert_true(pair_until_fstate(pr, FOD_TAKEOVER, 5));
}

/*
 * Declared down within the detection bound counted from the last
 * answer (which came at most a step before the hang), and not before
 * PollRetryMax + 1 polls went unanswered.  Then it serves every
 * subnet.
 */
static void
takeover_within_detection_bound(void **state)
{
	struct fixture *fx = *state;
	struct pair *pr = &fx->pr;
	const struct pair_opts *o = &pr->o;
	const struct fsm_transition *t;
	struct fod_peer *fp;
	double	 wait = (o->poll_retry_max + 1) * o->wait_poll_rpl;
	/* PollDelay's timer and one per poll may each fire a step late. */
	double	 late = PAIR_LATE(o->poll_retry_max + 2);

	hang_primary(fx);
	fp = pair_fpeer(pr);
	t = pair_transition(&fp->act.fsm.hist, FOD_MONITORING, FOD_TAKEOVER);
	assert_non_null(t);
	assert_true(t->when >= fx->frozen_at + wait - PAIR_EPS);
	assert_true(t->when <= fx->frozen_at + o->poll_delay + wait + late);
	assert_non_null(strstr(t->reason, "unanswered"));
	assert_int_equal(fp->act.fsm.ctr.takeovers, 1);
	assert_true(fp->act.fsm.ctr.polls_timed_out >= o->poll_retry_max + 1);
	assert_true(atomic_load(&fp->serving));
	for (size_t i = 0; i < pool_set_count(fp->pools); i++)
		assert_true(pool_is_serving(pool_set_get(fp->pools, i)));
	/* Persisted: a restart of the failover resumes it. */
	assert_true(fp->meta.takeover);
}

/*
 * New clients (DISCOVER/REQUEST relayed to both servers) are answered
 * by the failover alone, with addresses of its share, each stored with
 * a local sequence before its ACK left.  Inside the safe period the
 * share is all it gives: with the share used up the next new client is
 * refused (OnShareExhausted = refuse), although the primary's part of
 * the range is nearly all free.
 */
static void
new_clients_get_the_share(void **state)
{
	struct fixture *fx = *state;
	struct pair *pr = &fx->pr;
	struct fod_peer *fp;
	struct pool *pl;
	struct pool_stats st;
	struct pair_client c;
	struct lease l;

	hang_primary(fx);
	fp = pair_fpeer(pr);
	pl = pool_set_get(fp->pools, 0);
	pool_stats(pl, &st);
	assert_int_equal(st.share_total, PAIR_RANGE_SIZE / 10);
	for (unsigned i = 0; i < st.share_total; i++) {
		pair_client_init(&c, 200 + i, 0);
		assert_int_equal(pair_dora(pr, &c, TO_BOTH, 2), DHCPACK);
		assert_int_equal(c.server, pr->f_addr);
		assert_true(pool_in_share(pl, c.addr));
		/* Committed: stored, and no batch open. */
		assert_true(pair_stored(pair_fstore(pr), c.addr, c.id, &l));
		assert_int_equal(lease_db_staged(pair_fstore(pr)), 0);
		assert_true((l.seq & FOD_LOCAL_SEQ_BIT) != 0);
	}
	pool_stats(pl, &st);
	assert_int_equal(st.share_free, 0);
	assert_true(st.free > PAIR_RANGE_SIZE / 2);

	pair_client_init(&c, 300, 0);
	assert_int_equal(pair_dora(pr, &c, TO_BOTH, 2), 0);
	assert_true(fp->serve.eng.ctr.drops[ENGINE_DROP_SHARE_EXHAUSTED] > 0);
}

/*
 * A client of the primary rebinding through the relay keeps its
 * address; the failover's renewal is a change of its own (local
 * sequence), to be handed back.
 */
static void
primary_client_keeps_its_address(void **state)
{
	struct fixture *fx = *state;
	struct pair *pr = &fx->pr;
	struct pair_reply r;
	struct lease before, after;

	hang_primary(fx);
	for (unsigned i = 0; i < NBOUND; i++) {
		uint32_t addr = fx->c[i].addr;

		assert_true(pair_stored(pair_fstore(pr), addr, fx->c[i].id,
		    &before));
		assert_int_equal(before.seq & FOD_LOCAL_SEQ_BIT, 0);
		pair_step(pr, 1);
		assert_int_equal(pair_rebind(pr, &fx->c[i], TO_BOTH, 2, &r),
		    DHCPACK);
		assert_int_equal(r.from, pr->f_addr);
		assert_int_equal(r.yiaddr, addr);
		assert_true(pair_stored(pair_fstore(pr), addr, fx->c[i].id,
		    &after));
		assert_true((after.seq & FOD_LOCAL_SEQ_BIT) != 0);
		assert_true(after.ends > before.ends);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    takeover_within_detection_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(new_clients_get_the_share,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    primary_client_keeps_its_address, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
