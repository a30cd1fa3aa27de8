/*
 * Status snapshots: what a primary's thread publishes for the control
 * socket and SNMP.  The thread copies the counter structs of its parts
 * (struct fod_peer) into the snapshot under pub.mtx, each whole; the
 * main thread copies the snapshot out the same way.
 * Under load at most one copy every FOD_SNAP_INTERVAL, never later: a
 * timer publishes what a burst left unpublished.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fod.h"
#include "share.h"

/* -------------------------------------------------------- snapshot */

static void
pub_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	fod_peer_publish(w->data, false);
}

int
fod_status_init(struct fod_peer *p)
{
	size_t	 n = p->view.nsubnets;

	pthread_mutex_init(&p->pub.mtx, NULL);
	ev_timer_init(&p->pub.w, pub_cb, FOD_SNAP_INTERVAL, 0.0);
	p->pub.w.data = p;
	p->pub.subnets = calloc(n ? n : 1, sizeof(*p->pub.subnets));
	if (p->pub.subnets == NULL) {
		pthread_mutex_destroy(&p->pub.mtx);
		return -1;
	}
	return 0;
}

/* After fod_status_init, or with nothing set up (pub.subnets NULL). */
void
fod_status_free(struct fod_peer *p)
{
	if (p->pub.subnets == NULL)
		return;
	if (p->loop != NULL)
		ev_timer_stop(p->loop, &p->pub.w);
	pthread_mutex_destroy(&p->pub.mtx);
	free(p->pub.subnets);
	p->pub.subnets = NULL;
}

void
fod_peer_changed(struct fod_peer *p)
{
	p->pub.dirty = true;
}

/* Not more often than FOD_SNAP_INTERVAL under load, but never later:
 * what happened last is published when the time is up. */
static bool
publish_due(struct fod_peer *p, bool force, double now)
{
	if (!force && !p->pub.dirty)
		return false;
	if (!force && now - p->pub.at < FOD_SNAP_INTERVAL) {
		if (!ev_is_active(&p->pub.w)) {
			ev_timer_set(&p->pub.w, FOD_SNAP_INTERVAL -
			    (now - p->pub.at), 0.0);
			ev_timer_start(p->loop, &p->pub.w);
		}
		return false;
	}
	ev_timer_stop(p->loop, &p->pub.w);
	return true;
}

/* The subnets' rows (under the mutex); the bindings they hold. */
static uint64_t
publish_subnets(struct fod_peer *p, double partner_heard)
{
	uint64_t bound = 0;

	for (size_t i = 0; i < p->view.nsubnets; i++) {
		struct fod_snap_subnet *x = &p->pub.subnets[i];
		struct pool *pl = pool_set_get(p->pools, i);
		const struct cfg_subnet *sn = &p->view.subnets[i];

		snprintf(x->name, sizeof(x->name), "%s", sn->name);
		x->network = sn->network;
		x->prefix = sn->prefix;
		x->serving = pool_is_serving(pl);
		x->handback = p->handback.sub[i];
		x->digest_seen = p->proto.digest_seen[i];
		x->digest_match = p->proto.digest_match[i];
		pool_stats(pl, &x->st);
		x->failover_share = sn->failover_share;
		x->safe_period = sn->safe_period;
		x->safe_until = (double)share_safe_until(sn,
		    (int64_t)partner_heard);
		bound += x->st.bound + x->st.reserved_bound;
	}
	return bound;
}

/*
 * The parts' structs are copied whole.  The history's ring is copied
 * only when a transition was added: the state's statistics change with
 * every snapshot, the ring (the larger part) only with a transition.
 */
static void
publish_copy(struct fod_peer *p, struct fod_snap *s,
    const struct lease_db_stats *ds)
{
	const struct fsm_history *h = &p->act.fsm.hist;

	s->valid = true;
	s->now = fod_wallclock();
	s->state = p->act.fsm.state;
	s->ctr = p->act.fsm.ctr;
	if (s->hist.total != h->total || s->hist.names == NULL)
		s->hist = *h;
	else {
		s->hist.since = h->since;
		memcpy(s->hist.stats, h->stats, sizeof(s->hist.stats));
	}
	s->act = p->act.st;
	s->sock = p->sock_ctr;
	s->msg = p->proto.ctr;
	s->heard = p->proto.heard;
	s->meta = p->meta;
	s->sync = p->sync.ctr;
	s->handback = p->handback.st;
	s->keys = p->keystat;
	s->approve = p->approve.ctr;
	s->fetch = p->fetch.st;
	s->serve = p->serve.ctr;
	s->eng = p->serve.eng.ctr;
	s->replies = p->serve.rstats;
	s->gc = p->serve.gc.stats;
	s->lease_log = p->serve.llog.stats;
	s->pings = p->serve.pings.ctr;
	/* Computed. */
	s->partner_heard = fod_partner_heard(p);
	s->partner_down = p->act.fsm.partner_down;
	s->sync_expected = p->sync.counting ? p->sync.expected : 0;
	s->sync_received = p->sync.counting ? p->sync.nseen : 0;
	s->commits = ds->commits;
	s->commit_failures = ds->commit_failures;
	s->commit_secs = ds->commit_secs;
	s->nsubnets = p->view.nsubnets;
}

void
fod_peer_publish(struct fod_peer *p, bool force)
{
	struct fod_snap *s = &p->pub.snap;
	double	 now = ev_now(p->loop);
	uint64_t local = 0;
	struct lease_db_stats ds;

	if (!publish_due(p, force, now))
		return;
	for (size_t i = 0; i < p->view.nsubnets; i++)
		local += p->handback.local[i].n;
	lease_db_get_stats(p->db, &ds);

	pthread_mutex_lock(&p->pub.mtx);
	publish_copy(p, s, &ds);
	s->bindings = publish_subnets(p, s->partner_heard);
	s->local_bindings = local;
	pthread_mutex_unlock(&p->pub.mtx);
	p->pub.dirty = false;
	p->pub.at = now;
}

/* What the primaries' own sockets received: the main thread's counters
 * never see it. */
void
fod_direct_counts(struct fod *fod, uint64_t *rx, uint64_t *bad)
{
	*rx = *bad = 0;
	for (size_t i = 0; i < fod->npeers; i++) {
		struct fod_peer *p = fod->peers[i];

		pthread_mutex_lock(&p->pub.mtx);
		*rx += p->pub.snap.sock.direct_rx;
		*bad += p->pub.snap.sock.direct_bad;
		pthread_mutex_unlock(&p->pub.mtx);
	}
}

void
fod_peer_snapshot(struct fod_peer *p, struct fod_snap *out,
    struct fod_snap_subnet *subs, size_t cap)
{
	pthread_mutex_lock(&p->pub.mtx);
	*out = p->pub.snap;
	if (subs != NULL) {
		size_t n = p->pub.snap.nsubnets < cap ? p->pub.snap.nsubnets :
		    cap;

		memcpy(subs, p->pub.subnets, n * sizeof(*subs));
	}
	pthread_mutex_unlock(&p->pub.mtx);
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
