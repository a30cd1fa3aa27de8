/*
 * Status snapshots: what a primary's thread publishes for the control
 * socket (and later SNMP).  The thread copies its state into the
 * snapshot under snap_mtx; the main thread copies it out the same way.
 * Under load at most one copy every FOD_SNAP_INTERVAL, never later: a
 * timer publishes what a burst left unpublished.
 */
#include <stdio.h>
#include <string.h>

#include "fod.h"
#include "share.h"

/* -------------------------------------------------------- snapshot */

void
fod_peer_publish(struct fod_peer *p, bool force)
{
	struct fod_snap *s = &p->snap;
	double	 now = ev_now(p->loop);
	uint64_t bound = 0, local = 0;
	struct ping_stats ps;
	struct lease_db_stats ds;

	if (!force && !p->snap_dirty)
		return;
	if (!force && now - p->snap_at < FOD_SNAP_INTERVAL) {
		/* Not more often than this under load, but never later:
		 * what happened last is published when the time is up. */
		if (!ev_is_active(&p->pub_w)) {
			ev_timer_set(&p->pub_w, FOD_SNAP_INTERVAL -
			    (now - p->snap_at), 0.0);
			ev_timer_start(p->loop, &p->pub_w);
		}
		return;
	}
	ev_timer_stop(p->loop, &p->pub_w);
	for (size_t i = 0; i < p->view.nsubnets; i++)
		local += p->handback.local[i].n;
	memset(&ps, 0, sizeof(ps));
	if (p->ping != NULL)
		ping_get_stats(p->ping, &ps);
	lease_db_get_stats(p->db, &ds);

	pthread_mutex_lock(&p->snap_mtx);
	s->valid = true;
	s->state = p->fsm.state;
	s->ctr = p->fsm.ctr;
	if (s->hist.total != p->fsm.hist.total || s->hist.names == NULL)
		s->hist = p->fsm.hist;
	else {
		s->hist.since = p->fsm.hist.since;
		memcpy(s->hist.stats, p->fsm.hist.stats,
		    sizeof(s->hist.stats));
	}
	s->now = fod_wallclock();
	s->last_poll_sent = p->last_poll_sent;
	s->last_reply = p->last_reply;
	s->last_rx = p->last_rx;
	s->msgs_rx = p->msgs_rx;
	s->direct_rx = p->direct_rx;
	s->direct_bad = p->direct_bad;
	s->msgs_tx = p->msgs_tx;
	s->send_errors = p->send_errors;
	memcpy(s->rejects, p->rejects, sizeof(s->rejects));
	s->upd_received = p->upd_received;
	s->upd_applied = p->upd_applied;
	s->upd_acked = p->upd_acked;
	s->upd_conflicts = p->upd_conflicts;
	s->approvals_granted = p->approvals_granted;
	s->approvals_refused = p->approvals_refused;
	s->partner_heard = fod_partner_heard(p);
	s->partner_down = p->fsm.partner_down;
	s->sync_expected = p->sync_counting ? p->sync_expected : 0;
	s->sync_received = p->sync_counting ? p->sync_nseen : 0;
	s->last_sync_secs = p->last_sync_secs;
	s->handback_subnet = p->handback.cur;
	s->handback_sent_total = p->handback.sent_total;
	s->last_handback_leases = p->last_handback_leases;
	s->last_handback_secs = p->last_handback_secs;
	s->handback_full = p->handback.full;
	memcpy(s->p_store_id, p->p_store_id, FO_STORE_ID_LEN);
	s->p_store_known = p->p_store_known;
	s->p_store_changed = p->p_store_changed;
	s->p_last_seq = p->p_last_seq;
	s->p_acked_seq = p->p_acked_seq;
	s->local_seq = p->local_seq;
	s->handback_through = p->handback_through & ~FOD_LOCAL_SEQ_BIT;
	s->p_epoch = p->p_epoch;
	s->p_buf_size = p->p_buf_size;
	s->buf_mismatch = p->buf_mismatch;
	s->have_clock = p->have_clock;
	s->clock_skew = p->clock_skew;
	s->faulty = p->faulty;
	s->digest_mismatches = p->digest_mismatches;
	s->digests_missing = p->digests_missing;
	s->eng = p->eng.ctr;
	s->dhcp_rx = p->dhcp_rx;
	s->dhcp_sent = p->rstats.sent;
	s->dhcp_send_errors = p->rstats.send_errors;
	s->commits = ds.commits;
	s->commit_failures = ds.commit_failures;
	s->acks_withheld = p->gc.stats.withheld;
	s->ping_checks = p->eng.ctr.ping_checks;
	s->ping_in_use = p->eng.ctr.ping_conflicts;
	s->ping_backlog = p->ping_backlog;
	s->critical = p->crit;
	memcpy(s->stop_reason, p->stop_reason, sizeof(s->stop_reason));
	s->nsubnets = p->view.nsubnets;
	for (size_t i = 0; i < p->view.nsubnets; i++) {
		struct fod_snap_subnet *x = &p->snap_subnets[i];
		struct pool *pl = pool_set_get(p->pools, i);
		const struct cfg_subnet *sn = &p->view.subnets[i];

		snprintf(x->name, sizeof(x->name), "%s", sn->name);
		x->network = sn->network;
		x->prefix = sn->prefix;
		x->serving = pool_is_serving(pl);
		x->handback = p->handback.sub[i];
		x->digest_seen = p->digest_seen[i];
		x->digest_match = p->digest_match[i];
		pool_stats(pl, &x->st);
		x->failover_share = sn->failover_share;
		x->safe_period = sn->safe_period;
		x->safe_until = (double)share_safe_until(sn,
		    (int64_t)s->partner_heard);
		bound += x->st.bound + x->st.reserved_bound;
	}
	s->bindings = bound;
	s->local_bindings = local;
	pthread_mutex_unlock(&p->snap_mtx);
	p->snap_dirty = false;
	p->snap_at = now;
}

/* What the primaries' own sockets received: the main thread's counters
 * never see it. */
void
fod_direct_counts(struct fod *fod, uint64_t *rx, uint64_t *bad)
{
	*rx = *bad = 0;
	for (size_t i = 0; i < fod->npeers; i++) {
		struct fod_peer *p = fod->peers[i];

		pthread_mutex_lock(&p->snap_mtx);
		*rx += p->snap.direct_rx;
		*bad += p->snap.direct_bad;
		pthread_mutex_unlock(&p->snap_mtx);
	}
}

void
fod_peer_snapshot(struct fod_peer *p, struct fod_snap *out,
    struct fod_snap_subnet *subs, size_t cap)
{
	pthread_mutex_lock(&p->snap_mtx);
	*out = p->snap;
	if (subs != NULL) {
		size_t n = p->snap.nsubnets < cap ? p->snap.nsubnets : cap;

		memcpy(subs, p->snap_subnets, n * sizeof(*subs));
	}
	pthread_mutex_unlock(&p->snap_mtx);
}

/*
 * Where the engine keeps new clients to the share (engine_scope()):
 * FailoverShare 0 has no share and no safe period.
 */
bool
fod_safe_running(const struct fod_snap *s, const struct fod_snap_subnet *x,
    double now)
{
	return x->serving && x->failover_share > 0 && !s->partner_down &&
	    now < x->safe_until;
}
