/*
 * Unit tests, both daemons in one process (tests/unit/pair_testutil.h):
 * the start-up sync (docs/design.md §7.1).  A failover starting with an
 * empty store and SyncBindings asks its primary for every binding
 * (SyncReq), stores them and only then monitors; a primary that does
 * not answer costs it (SyncReqRetryMax + 1) x WaitSyncStartSecs, after
 * which it polls with what it has (SyncFailCritical false) or stops
 * protecting that primary, and with it the daemon (true).
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
#include "exitcodes.h"
#include "fod.h"
#include "pair_testutil.h"
#include "server_int.h"

#define NCLIENTS	50	/* two datagrams' worth */
#define TO_BOTH		(PAIR_TO_PRIMARY | PAIR_TO_FAILOVER)

static int
setup_with(void **state, bool critical)
{
	struct pair_opts o;

	pair_opts_default(&o);
	o.sync_fail_critical = critical;
	return (*state = pair_new(&o)) != NULL ? 0 : -1;
}

static int
setup(void **state)
{
	return setup_with(state, false);
}

static int
setup_critical(void **state)
{
	return setup_with(state, true);
}

static int
teardown(void **state)
{
	pair_free(*state);
	return 0;
}

/*
 * The primary holds NCLIENTS bindings, all acknowledged by a first
 * failover; a second one starts on an empty store.  It syncs, and
 * monitors holding every binding.  They came by the sync: the
 * replication stream had nothing left to send.
 */
static void
sync_fills_an_empty_failover(void **state)
{
	struct pair *pr = *state;
	struct pair_client c[NCLIENTS];
	const struct fsm_transition *t;
	const struct repl *rp;
	struct fod_peer *fp;
	uint64_t last, sent;

	pair_up(pr);
	for (unsigned i = 0; i < NCLIENTS; i++)
		pair_client_init(&c[i], 300 + i, 0);
	last = pair_bind_at_primary(pr, c, NCLIENTS);
	assert_true(pair_until_acked(pr, last, 5));
	rp = repl_get(pr->srv);
	sent = rp->stream.sent;

	pair_stop_failover(pr);
	pair_start_failover(pr, true);
	fp = pair_fpeer(pr);
	assert_int_equal(pair_fstate(pr), FOD_SYNCING);
	assert_true(pair_until_fstate(pr, FOD_MONITORING, 10));

	t = pair_transition(&fp->act.fsm.hist, FOD_SYNCING, FOD_MONITORING);
	assert_non_null(t);
	assert_string_equal(t->reason, "start-up sync completed");
	assert_int_equal(fp->act.fsm.ctr.syncs_completed, 1);
	assert_int_equal(fp->act.fsm.ctr.syncs_failed, 0);
	assert_true(fp->meta.sync_ok);
	assert_true(fp->meta.p_last_seq >= last);
	assert_true(fp->sync.ctr.upd_received >= NCLIENTS);
	for (unsigned i = 0; i < NCLIENTS; i++) {
		assert_true(pair_stored(pair_fstore(pr), c[i].addr, c[i].id,
		    NULL));
		assert_non_null(pool_lease_at(pool_set_find(fp->pools,
		    c[i].addr), c[i].addr));
	}
	assert_int_equal(lease_db_staged(pair_fstore(pr)), 0);
	assert_int_equal(rp->stream.sent, sent);
	assert_true(rp->sync.completed >= 1);
	assert_true(rp->sync.bindings_total >= NCLIENTS);
}

/*
 * The failover is away while the primary binds NCLIENTS clients: the
 * replication stream gives up on it and holds every one of them.  A
 * failover starting on an empty store gets them once, by the sync: the
 * stream sends none of what the sync delivered, stands past it
 * afterwards, and goes on with what changes next.
 */
static void
sync_leaves_the_stream_nothing_to_resend(void **state)
{
	struct pair *pr = *state;
	const struct pair_opts *o = &pr->o;
	struct pair_client c[NCLIENTS], extra;
	const struct repl *rp;
	struct fod_peer *fp;
	uint64_t last, sent, syncs;

	pair_up(pr);
	pair_stop_failover(pr);
	for (unsigned i = 0; i < NCLIENTS; i++)
		pair_client_init(&c[i], 400 + i, 0);
	last = pair_bind_at_primary(pr, c, NCLIENTS);
	/* Every try of what is in flight runs out: the stream stops. */
	pair_step(pr, (o->sync_bind_retry_max + 1) * o->wait_sync_bind_ack +
	    1);
	rp = repl_get(pr->srv);
	assert_true(rp->stream.paused);
	sent = rp->stream.sent;
	syncs = rp->sync.completed;

	pair_start_failover(pr, true);
	assert_true(pair_until_fstate(pr, FOD_MONITORING, 10));
	assert_true(pair_until_acked(pr, last, 5));
	fp = pair_fpeer(pr);
	assert_true(fp->meta.sync_ok);
	for (unsigned i = 0; i < NCLIENTS; i++)
		assert_true(pair_stored(pair_fstore(pr), c[i].addr, c[i].id,
		    NULL));
	assert_int_equal(rp->sync.completed, syncs + 1);
	assert_int_equal(rp->sync.sent, NCLIENTS);
	/* Nothing the sync delivered went again by replication. */
	assert_int_equal(rp->stream.sent, sent);
	assert_int_equal(fp->sync.ctr.upd_received, NCLIENTS);
	assert_false(rp->stream.paused);
	assert_int_equal(rp->stream.q.n, 0);

	/* A change after the sync is replicated as usual. */
	pair_client_init(&extra, 400 + NCLIENTS, 0);
	last = pair_bind_at_primary(pr, &extra, 1);
	assert_true(pair_until_acked(pr, last, 5));
	assert_int_equal(rp->stream.sent, sent + 1);
	assert_true(pair_stored(pair_fstore(pr), extra.addr, extra.id, NULL));
}

/*
 * The primary hangs before the failover starts: SyncReq goes
 * unanswered.  After SyncReqRetryMax retries, each waiting
 * WaitSyncStartSecs, the sync has failed; the failover monitors what
 * it has (nothing) and polls.
 */
static void
unanswered_sync_goes_on(void **state)
{
	struct pair *pr = *state;
	const struct pair_opts *o = &pr->o;
	const struct fsm_transition *t0, *t1;
	struct fod_peer *fp;
	double	 wait = (o->sync_req_retry_max + 1) * o->wait_sync_start;

	pair_start_primary(pr);
	pair_freeze_primary(pr);
	pair_start_failover(pr, true);
	assert_true(pair_until_fstate(pr, FOD_MONITORING, 10));
	fp = pair_fpeer(pr);
	t0 = pair_transition(&fp->act.fsm.hist, FOD_STARTUP, FOD_SYNCING);
	t1 = pair_transition(&fp->act.fsm.hist, FOD_SYNCING, FOD_MONITORING);
	assert_non_null(t0);
	assert_non_null(t1);
	assert_true(t1->when - t0->when >= wait - PAIR_EPS);
	assert_true(t1->when - t0->when <=
	    wait + PAIR_LATE(o->sync_req_retry_max + 1));
	assert_non_null(strstr(t1->reason, "polling"));
	assert_int_equal(fp->act.fsm.ctr.sync_req_sent,
	    o->sync_req_retry_max + 1);
	assert_int_equal(fp->act.fsm.ctr.syncs_failed, 1);
	assert_int_equal(fp->act.fsm.ctr.syncs_completed, 0);
	assert_false(fp->meta.sync_ok);
	assert_false(fp->act.st.critical);
	assert_int_equal(pr->fod->exit_code, 0);
	assert_true(fp->act.fsm.ctr.polls_sent >= 1);
	/* It goes on: with no answer to its polls either, it takes over. */
	assert_true(pair_until_fstate(pr, FOD_TAKEOVER, 5));
}

/* The same with SyncFailCritical: that primary's protection stops, and
 * with no other primary the daemon exits with EXIT_SYNCFAIL. */
static void
unanswered_sync_critical_stops(void **state)
{
	struct pair *pr = *state;
	const struct fsm_transition *t;
	struct fod_peer *fp;

	pair_start_primary(pr);
	pair_freeze_primary(pr);
	pair_start_failover(pr, true);
	assert_true(pair_until_fstate(pr, FOD_STOPPED, 10));
	pair_step(pr, 1);
	fp = pair_fpeer(pr);
	t = pair_transition(&fp->act.fsm.hist, FOD_SYNCING, FOD_STOPPED);
	assert_non_null(t);
	assert_int_equal(pair_fstate(pr), FOD_STOPPED);
	assert_true(fp->act.st.critical);
	assert_int_equal(fp->act.fsm.ctr.syncs_failed, 1);
	assert_int_equal(fp->act.fsm.ctr.polls_sent, 0);
	assert_int_equal(pr->fod->exit_code, EXIT_SYNCFAIL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sync_fills_an_empty_failover,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sync_leaves_the_stream_nothing_to_resend, setup, teardown),
		cmocka_unit_test_setup_teardown(unanswered_sync_goes_on,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(unanswered_sync_critical_stops,
		    setup_critical, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
