/*
 * Unit tests, both daemons in one process (tests/unit/pair_testutil.h):
 * return of control (docs/design.md §7.4).  The failover served two
 * subnets for a hung primary, granting and renewing leases; the primary
 * comes back (a new server_new on the same store) and asks for control.
 * The failover hands the subnets back one by one -- while one is in
 * transit the other is still served -- and the primary ends up holding
 * every binding the failover made; then the failover monitors again
 * and the primary serves everything.
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

#define NSUB		2
#define PER_SUBNET	2	/* clients per subnet, of each server */
#define NLOCAL		(NSUB * PER_SUBNET + 1)	/* the failover's changes:
					 * new clients, one renewal */
#define TO_BOTH		(PAIR_TO_PRIMARY | PAIR_TO_FAILOVER)

/* What the rounds of the hand-back showed (observe_handback). */
struct seen {
	unsigned	 max_in_transit;	/* failover subnets SYNCING */
	bool		 fo_partial;	/* one in transit or back, another
					 * still served by the failover */
	bool		 pr_partial;	/* the primary serves one, not all */
	int		 back_order[NSUB];	/* round each was back, -1 */
	int		 round;
};

struct fixture {
	struct pair	 pr;
	struct pair_client prim[NSUB * PER_SUBNET];	/* the primary's */
	struct pair_client local[NSUB * PER_SUBNET];	/* the failover's */
	struct seen	 seen;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct pair_opts o;

	if (fx == NULL)
		return -1;
	pair_opts_default(&o);
	o.nsubnets = NSUB;
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

/* Clients of the primary in both subnets, replicated; the primary
 * hangs; the failover takes over, binds new clients in both subnets
 * and renews one of the primary's. */
static void
takeover_with_local_changes(struct fixture *fx)
{
	struct pair *pr = &fx->pr;
	struct pair_reply r;

	pair_up(pr);
	for (unsigned i = 0; i < NSUB * PER_SUBNET; i++)
		pair_client_init(&fx->prim[i], 10 + i, i / PER_SUBNET);
	assert_true(pair_until_acked(pr, pair_bind_at_primary(pr, fx->prim,
	    NSUB * PER_SUBNET), 5));
	pair_freeze_primary(pr);
	assert_true(pair_until_fstate(pr, FOD_TAKEOVER, 5));
	for (unsigned i = 0; i < NSUB * PER_SUBNET; i++) {
		pair_client_init(&fx->local[i], 100 + i, i / PER_SUBNET);
		assert_int_equal(pair_dora(pr, &fx->local[i], TO_BOTH, 2),
		    DHCPACK);
		assert_int_equal(fx->local[i].server, pr->f_addr);
	}
	pair_step(pr, 1);
	assert_int_equal(pair_rebind(pr, &fx->prim[0], TO_BOTH, 2, &r),
	    DHCPACK);
	assert_int_equal(r.from, pr->f_addr);
}

static void
observe_handback(struct pair *pr, void *arg)
{
	struct seen *s = arg;
	struct fod_peer *fp = pair_fpeer(pr);
	unsigned transit = 0, held = 0, mine = 0;

	s->round++;
	for (size_t i = 0; i < NSUB; i++) {
		if (fp->handback.sub[i] == FOD_SUB_SYNCING)
			transit++;
		if (fp->handback.sub[i] == FOD_SUB_HELD &&
		    pool_is_serving(pool_set_get(fp->pools, i)))
			held++;
		if (fp->handback.sub[i] == FOD_SUB_BACK &&
		    s->back_order[i] < 0)
			s->back_order[i] = s->round;
		if (pr->srv != NULL && !pr->p_frozen &&
		    link_served(pr->srv, i) == SERVED_BY_PRIMARY)
			mine++;
	}
	if (transit > s->max_in_transit)
		s->max_in_transit = transit;
	if (held > 0 && held < NSUB)
		s->fo_partial = true;
	if (mine > 0 && mine < NSUB)
		s->pr_partial = true;
}

static bool
both_back(struct pair *pr, void *arg)
{
	(void)arg;
	return pair_fstate(pr) == FOD_MONITORING &&
	    pair_pstate(pr) == PR_SERVING;
}

/* What the failover made, each client's record on both servers. */
static void
check_held_by_primary(struct fixture *fx, const struct pair_client *c)
{
	struct pair *pr = &fx->pr;
	struct lease fl, pl;
	const struct lease *in_pool;

	assert_true(pair_stored(pair_fstore(pr), c->addr, c->id, &fl));
	assert_true((fl.seq & FOD_LOCAL_SEQ_BIT) != 0);
	assert_true(pair_stored(pair_pstore(pr), c->addr, c->id, &pl));
	assert_int_equal(pl.ends, fl.ends);
	in_pool = pool_lease_at(pool_set_find(pr->srv->pools, c->addr),
	    c->addr);
	assert_non_null(in_pool);
	assert_int_equal(in_pool->state, LEASE_BOUND);
	assert_int_equal(in_pool->ends, fl.ends);
}

static void
handback_subnet_by_subnet(void **state)
{
	struct fixture *fx = *state;
	struct pair *pr = &fx->pr;
	const struct fsm_transition *t;
	const struct handback *hb;
	struct fod_peer *fp;
	struct pair_client n;
	uint64_t handbacks, subnets, rx;

	takeover_with_local_changes(fx);
	fp = pair_fpeer(pr);
	handbacks = fp->act.fsm.ctr.handbacks;
	subnets = fp->act.fsm.ctr.subnets_handed_back;

	/* The primary comes back on its store and asks for control. */
	pair_stop_primary(pr);
	pair_start_primary(pr);
	for (unsigned i = 0; i < NSUB; i++)
		fx->seen.back_order[i] = -1;
	pr->observe = observe_handback;
	pr->observe_arg = &fx->seen;
	assert_true(pair_until(pr, both_back, NULL, 20));
	pr->observe = NULL;

	/* The failover: one subnet at a time, the other still served. */
	assert_true(fx->seen.max_in_transit == 1);
	assert_true(fx->seen.fo_partial);
	assert_true(fx->seen.pr_partial);
	assert_true(fx->seen.back_order[0] > 0);
	assert_true(fx->seen.back_order[1] > fx->seen.back_order[0]);
	t = pair_transition(&fp->act.fsm.hist, FOD_TAKEOVER, FOD_RETURNING);
	assert_non_null(t);
	t = pair_transition(&fp->act.fsm.hist, FOD_RETURNING, FOD_MONITORING);
	assert_non_null(t);
	assert_string_equal(t->reason, "hand-back complete; control returned");
	assert_int_equal(fp->act.fsm.ctr.handbacks, handbacks + 1);
	assert_int_equal(fp->act.fsm.ctr.subnets_handed_back, subnets + NSUB);
	assert_int_equal(fp->handback.st.last_leases, NLOCAL);
	assert_false(fp->meta.takeover);
	assert_false(atomic_load(&fp->serving));

	/* The primary: every subnet back, every binding of the failover's
	 * held, the renewal with the failover's times. */
	hb = handback_get(pr->srv);
	assert_int_equal(hb->subnets_received, NSUB);
	assert_true(hb->applied >= NLOCAL);
	for (unsigned i = 0; i < NSUB; i++)
		assert_int_equal(link_served(pr->srv, i), SERVED_BY_PRIMARY);
	for (unsigned i = 0; i < NSUB * PER_SUBNET; i++)
		check_held_by_primary(fx, &fx->local[i]);
	check_held_by_primary(fx, &fx->prim[0]);

	/* And it serves: a new client gets its ACK, the failover is
	 * silent again. */
	rx = fp->serve.ctr.dhcp_rx;
	pair_client_init(&n, 500, 1);
	assert_int_equal(pair_dora(pr, &n, TO_BOTH, 2), DHCPACK);
	assert_int_equal(n.server, pr->p_addr);
	assert_int_equal(fp->serve.ctr.dhcp_rx, rx);
}

/* The primary hangs again as soon as the first subnet is in transit. */
static void
freeze_in_transit(struct pair *pr, void *arg)
{
	double	*frozen_at = arg;

	if (!pr->p_frozen && pair_fpeer(pr)->handback.sub[0] ==
	    FOD_SUB_SYNCING) {
		pair_freeze_primary(pr);
		*frozen_at = pair_wall();
	}
}

static bool
handback_failed(struct pair *pr, void *arg)
{
	(void)arg;
	return pair_fstate(pr) == FOD_TAKEOVER &&
	    pair_fpeer(pr)->act.fsm.ctr.handback_failures > 0;
}

/*
 * The returning primary hangs while the first subnet is handed back:
 * the subnet's updates go unacknowledged, and after SyncBindRetryMax
 * resends, WaitSyncBindAckSecs apart, the hand-back has failed.  The
 * failover serves that subnet again (it never stopped serving the
 * other) and is back in takeover; the primary, which never got the
 * subnet, serves nothing: never two servers for one subnet.
 */
static void
handback_fails_when_primary_hangs_again(void **state)
{
	struct fixture *fx = *state;
	struct pair *pr = &fx->pr;
	const struct pair_opts *o = &pr->o;
	const struct fsm_transition *t;
	struct fod_peer *fp;
	struct pair_client n;
	double	 frozen_at = 0;
	double	 wait = (o->sync_bind_retry_max + 1) * o->wait_sync_bind_ack;

	takeover_with_local_changes(fx);
	fp = pair_fpeer(pr);
	pair_stop_primary(pr);
	pair_start_primary(pr);
	pr->observe = freeze_in_transit;
	pr->observe_arg = &frozen_at;
	assert_true(pair_until(pr, handback_failed, NULL, 2 * wait));
	pr->observe = NULL;

	assert_true(frozen_at > 0);
	t = pair_transition(&fp->act.fsm.hist, FOD_RETURNING, FOD_TAKEOVER);
	assert_non_null(t);
	assert_non_null(strstr(t->reason, "hand-back failed"));
	assert_true(t->when >= frozen_at + wait - PAIR_EPS);
	assert_true(t->when <= frozen_at + wait +
	    PAIR_LATE(o->sync_bind_retry_max + 1));
	assert_int_equal(fp->act.fsm.ctr.handback_failures, 1);
	for (unsigned i = 0; i < NSUB; i++) {
		assert_int_equal(fp->handback.sub[i], FOD_SUB_HELD);
		assert_true(pool_is_serving(pool_set_get(fp->pools, i)));
		assert_true(link_served(pr->srv, i) != SERVED_BY_PRIMARY);
	}
	assert_int_equal(pair_pstate(pr), PR_CTL_WAIT);
	assert_int_equal(handback_get(pr->srv)->subnets_received, 0);

	pair_client_init(&n, 600, 0);
	assert_int_equal(pair_dora(pr, &n, TO_BOTH, 2), DHCPACK);
	assert_int_equal(n.server, pr->f_addr);
}

/*
 * A primary that restarts before it is declared down asks for control
 * all the same: the failover goes through returning with nothing to
 * hand back (docs/failover-states.md "CtlReq in monitoring"), and the
 * primary serves its clients from its store.
 */
static void
quick_restart_returns_nothing(void **state)
{
	struct fixture *fx = *state;
	struct pair *pr = &fx->pr;
	const struct fsm_transition *t;
	struct fod_peer *fp;
	struct pair_reply r;
	uint64_t handbacks;

	pair_up(pr);
	for (unsigned i = 0; i < NSUB; i++)
		pair_client_init(&fx->prim[i], 10 + i, i);
	assert_true(pair_until_acked(pr, pair_bind_at_primary(pr, fx->prim,
	    NSUB), 5));
	fp = pair_fpeer(pr);
	handbacks = fp->act.fsm.ctr.handbacks;

	pair_stop_primary(pr);
	pair_start_primary(pr);
	assert_int_equal(pair_pstate(pr), PR_CTL_WAIT);
	assert_true(pair_until(pr, both_back, NULL, 10));
	t = pair_transition(&fp->act.fsm.hist, FOD_MONITORING, FOD_RETURNING);
	assert_non_null(t);
	assert_string_equal(t->reason, "primary requested control");
	assert_int_equal(fp->act.fsm.ctr.takeovers, 0);
	assert_int_equal(fp->act.fsm.ctr.handbacks, handbacks + 1);
	assert_int_equal(fp->handback.st.last_leases, 0);
	for (unsigned i = 0; i < NSUB; i++) {
		uint32_t addr = fx->prim[i].addr;

		assert_true(pair_stored(pair_pstore(pr), addr, fx->prim[i].id,
		    NULL));
		assert_int_equal(pair_rebind(pr, &fx->prim[i], TO_BOTH, 2, &r),
		    DHCPACK);
		assert_int_equal(r.from, pr->p_addr);
		assert_int_equal(r.yiaddr, addr);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(handback_subnet_by_subnet,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    handback_fails_when_primary_hangs_again, setup, teardown),
		cmocka_unit_test_setup_teardown(quick_restart_returns_nothing,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
