/*
 * Unit tests, both daemons in one process (tests/unit/pair_testutil.h):
 * replication (docs/design.md §7.2).  Every binding the primary commits
 * reaches the failover's store as a binding update; the failover
 * acknowledges it only once its own commit made it durable
 * (docs/architecture.md convention 6), so an update whose commit fails
 * stays in the primary's window and is sent again until one succeeds;
 * the primary's watermark (primary/replicate.c) follows the acks.
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
#include "../tools/dbfault.h"

#define NCLIENTS	40	/* more than one BIND_UPD holds (32) */

static int
setup(void **state)
{
	return (*state = pair_new(NULL)) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	dbfault_set(NULL);
	pair_free(*state);
	return 0;
}

static bool
persisted_through(struct pair *pr, void *arg)
{
	return repl_get(pr->srv)->stream.persisted >= *(const uint64_t *)arg;
}

/*
 * Clients bound at the primary are in the failover's store and pools,
 * with the primary's sequence numbers, acknowledged at the first
 * transmission: the watermark reaches the last sequence without a
 * retry (well inside WaitSyncBindAckSecs), and the stored watermark
 * follows within REPL_PERSIST_SECS.
 */
static void
bindings_reach_the_failover(void **state)
{
	struct pair *pr = *state;
	struct pair_client c[NCLIENTS];
	const struct repl *rp;
	struct fod_peer *fp;
	uint64_t last;
	double	 t0;
	struct lease l;

	pair_up(pr);
	for (unsigned i = 0; i < NCLIENTS; i++)
		pair_client_init(&c[i], 100 + i, 0);
	last = pair_bind_at_primary(pr, c, NCLIENTS);
	t0 = pair_elapsed();
	assert_true(pair_until_acked(pr, last, 5));
	assert_true(pair_elapsed() - t0 < pr->o.wait_sync_bind_ack);
	rp = repl_get(pr->srv);
	assert_int_equal(fo_tx_inflight(&rp->stream.tx), 0);
	assert_int_equal(rp->stream.retries, 0);
	assert_int_equal(rp->stream.failures, 0);
	assert_true(rp->stream.sent >= NCLIENTS);
	assert_true(rp->stream.datagrams >= 2);

	fp = pair_fpeer(pr);
	for (unsigned i = 0; i < NCLIENTS; i++) {
		const struct lease *pl;

		assert_true(pair_stored(pair_fstore(pr), c[i].addr, c[i].id,
		    &l));
		assert_true(pair_stored(pair_pstore(pr), c[i].addr, c[i].id,
		    NULL));
		pl = pool_lease_at(pool_set_find(fp->pools, c[i].addr),
		    c[i].addr);
		assert_non_null(pl);
		assert_int_equal(pl->state, LEASE_BOUND);
		/* The failover's copy carries the primary's numbering. */
		assert_int_equal(l.seq & FOD_LOCAL_SEQ_BIT, 0);
	}
	assert_true(fp->sync.ctr.upd_acked >= NCLIENTS);
	assert_true(fp->meta.p_last_seq >= last);
	/* The failover answered none of the clients: it only listens. */
	assert_int_equal(fp->serve.ctr.dhcp_rx, 0);

	assert_true(pair_until(pr, persisted_through, &last, 2));
}

/*
 * A steady stream (failover/fod_serve.c): while the updates keep coming
 * the failover's thread reads its socket at the commit grid's ticks
 * only -- between them it is not watched, so a datagram wakes nobody --
 * and every update is still acknowledged, once the log is on disk (the
 * ticks' commits are deferred, lease_defer.h).  A tick that finds no
 * update ends the stream and the socket is watched again; so does a
 * message that may want a prompt answer; a poll out has its answer read
 * as it comes.
 */
static void
steady_stream_read_at_ticks(void **state)
{
	/* One client every 30 ms, for six ticks of the grid. */
	enum { N = (int)(6 * FOD_PACE_SECS / 0.03) + 1 };
	struct pair *pr = *state;
	struct pair_client c[N];
	struct fod_peer *fp;
	uint64_t last = 0;
	unsigned streaming = 0, watched = 0, held = 0;

	pair_up(pr);
	fp = pair_fpeer(pr);
	for (unsigned i = 0; i < N; i++) {
		pair_client_init(&c[i], 300 + i, 0);
		last = pair_bind_at_primary(pr, &c[i], 1);
		pair_step(pr, 0.03);
		/* (A poll out is answered as it comes: fod_serve_listen.) */
		if (fp->serve.streaming && !fp->act.fsm.awaiting_reply) {
			streaming++;
			if (ev_is_active(&fp->sock_w))
				watched++;
		}
		/* Acks of a deferred commit wait for the log on disk. */
		if (fo_rx_pending(&fp->sync.held) > 0)
			held++;
	}
	assert_true(streaming >= N / 2);
	assert_int_equal(watched, 0);
	assert_true(held > 0);
	assert_true(pair_until_acked(pr, last, 1));
	for (unsigned i = 0; i < N; i++)
		assert_true(pair_stored(pair_fstore(pr), c[i].addr, c[i].id,
		    NULL));

	/* Quiet for a few ticks: back to watching the socket. */
	pair_step(pr, 3 * FOD_PACE_SECS);
	assert_false(fp->serve.streaming);
	assert_true(ev_is_active(&fp->sock_w));

	/* Streaming again; a message other than an update or a poll
	 * answer ends it at the next tick. */
	for (unsigned i = 0; i < N / 2; i++) {
		(void)pair_bind_at_primary(pr, &c[i], 1);
		pair_step(pr, 0.03);
	}
	assert_true(fp->serve.streaming);
	/* A poll out: the socket is watched at once, the next update
	 * pauses it again and the stream goes on. */
	fod_serve_listen(fp);
	assert_true(ev_is_active(&fp->sock_w));
	(void)pair_bind_at_primary(pr, &c[0], 1);
	pair_step(pr, 0.03);
	assert_false(ev_is_active(&fp->sock_w) && fp->serve.commit_paced);
	for (unsigned i = 1; i < N / 2; i++) {
		(void)pair_bind_at_primary(pr, &c[i], 1);
		pair_step(pr, 0.03);
	}
	assert_true(fp->serve.streaming);
	fod_serve_watch(fp);
	pair_step(pr, FOD_PACE_SECS);
	assert_true(ev_is_active(&fp->sock_w));
}

/* While the failover runs, every commit of its store fails. */
static void
failover_commits_fail(bool before)
{
	dbfault_set(before ? "commit_fail_count=-1 errno=EIO" : NULL);
}

/* The primary resent the update, and the failover holds no batch open
 * (so its store shows only what it committed). */
static bool
resent_and_quiet(struct pair *pr, void *arg)
{
	(void)arg;
	return repl_get(pr->srv)->stream.retries >= 1 &&
	    lease_db_staged(pair_fstore(pr)) == 0;
}

/*
 * The failover's commits fail: it stores nothing durable and acks
 * nothing; the primary keeps the update in its window and resends it
 * after WaitSyncBindAckSecs.  Once commits succeed again the resend is
 * stored and acknowledged, out of the window -- the stream never gave
 * up on it.
 */
static void
ack_only_after_commit(void **state)
{
	struct pair *pr = *state;
	struct pair_client c;
	const struct repl *rp;
	struct fod_peer *fp;
	struct lease_db_stats ds;
	uint64_t seq, acked0;
	double	 t0;

	pair_up(pr);
	rp = repl_get(pr->srv);
	fp = pair_fpeer(pr);
	acked0 = fp->sync.ctr.upd_acked;
	pr->around_failover = failover_commits_fail;
	pair_client_init(&c, 7, 0);
	seq = pair_bind_at_primary(pr, &c, 1);
	t0 = pair_elapsed();
	assert_true(pair_until(pr, resent_and_quiet, NULL, 5));
	/* The first resend comes after WaitSyncBindAckSecs, not before. */
	assert_true(pair_elapsed() - t0 >=
	    pr->o.wait_sync_bind_ack - PAIR_EPS);
	assert_true(repl_watermark(pr->srv) < seq);
	assert_true(fo_tx_inflight(&rp->stream.tx) >= 1);
	assert_int_equal(rp->stream.failures, 0);
	assert_false(pair_stored(pair_fstore(pr), c.addr, c.id, NULL));
	assert_int_equal(fp->sync.ctr.upd_acked, acked0);
	assert_true(fp->sync.ctr.upd_received >= 2);
	lease_db_get_stats(pair_fstore(pr), &ds);
	assert_true(ds.commit_failures >= 2);

	pr->around_failover = NULL;
	assert_true(pair_until_acked(pr, seq,
	    2 * pr->o.wait_sync_bind_ack + 0.5));
	assert_true(pair_stored(pair_fstore(pr), c.addr, c.id, NULL));
	assert_int_equal(lease_db_staged(pair_fstore(pr)), 0);
	assert_int_equal(rp->stream.failures, 0);
	assert_int_equal(fo_tx_inflight(&rp->stream.tx), 0);
	assert_true(fp->sync.ctr.upd_acked > acked0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bindings_reach_the_failover,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(ack_only_after_commit,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(steady_stream_read_at_ticks,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
