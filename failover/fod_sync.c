/*
 * Bindings from the primary: the start-up sync (SyncBindings;
 * docs/design.md §7.1) and the replication stream of normal operation
 * (§7.2).  Both arrive as BIND_UPD: each update is decoded, checked
 * against what we hold (docs/failover-design.md "Conflicts"), staged in
 * the store and loaded into the pools, so a takeover starts at once with
 * every binding honoured.  Acknowledgements leave only after the group
 * commit (fod_commit): an ack means durable.
 *
 * What "we hold the primary's updates through p_last_seq" may claim is
 * kept conservative: it never advances while a sync runs, and only
 * while the last sync was complete (sync_ok), so a SyncReq after our
 * restart never skips an update we might not hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fod.h"
#include "lease_conflict.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void
fod_sync_init(struct fod_peer *p)
{
	fo_rx_init(&p->sync.rx);
	fo_rx_init(&p->sync.held);
}

void
fod_sync_free(struct fod_peer *p)
{
	free(p->sync.seen);
	p->sync.seen = NULL;
	p->sync.nseen = p->sync.capseen = 0;
	p->sync.counting = false;
}

void
fod_sync_failed(struct fod_peer *p)
{
	fod_store_set_sync_ok(p, false);
	p->sync.counting = false;
	p->sync.started = 0;
}

/* The watermark moves only with a complete sync behind it. */
void
fod_sync_before_commit(struct fod_peer *p)
{
	if (p->meta.sync_ok && p->act.fsm.state != FOD_SYNCING)
		fod_store_advance(p, p->sync.rx_max_seq);
}

static int
send_acks_of(struct fod_peer *p, struct fo_rx *rx)
{
	uint64_t runs[FO_MAX_ACK_RANGES][2];
	struct fo_msg *m = p->proto.mt;
	size_t	 nr;
	int	 rc = 0;

	while (fo_rx_pending(rx) > 0) {
		nr = fo_rx_take(rx, runs, FO_MAX_ACK_RANGES);
		fod_msg_init_to_primary(p, m, FO_BIND_ACK);
		for (size_t i = 0; i < nr; i++) {
			fo_msg_add_ack(m, runs[i][0], runs[i][1]);
			p->sync.ctr.upd_acked += runs[i][1] - runs[i][0] + 1;
		}
		if (fod_msg_send(p, m) < 0)
			rc = -1;
	}
	return rc;
}

/*
 * Deferred commits (fod_serve.c pace_cb): the updates of one wait in
 * `held` until the log is on disk through held_at.  The first thread
 * that finds some of its own still waiting at a tick flushes the log,
 * for every thread's batches at once; the others then find theirs on
 * disk and send their acks without I/O.  With five primaries on the
 * grid that is one fdatasync a tick instead of about four, and none of
 * the waits for another thread's flush.  An ack comes at most one tick
 * later than a commit of its own would have sent it.
 */
int
fod_sync_committed(struct fod_peer *p, int rc, const struct lease_lsn *at)
{
	int	 frc = 0;

	if (fo_rx_pending(&p->sync.held) > 0) {
		if (!lease_env_durable(p->fod->env, &p->sync.held_at))
			frc = lease_env_flush(p->fod->env);
		if (frc == 0)
			(void)send_acks_of(p, &p->sync.held);
	}
	if (rc != 0 || frc != 0) {
		if (fo_rx_pending(&p->sync.rx) > 0)
			fod_alert_update_failed(p, rc != 0 ? rc : frc,
			    fo_rx_pending(&p->sync.rx));
		/* Nothing of the batch is durable: no ack. */
		fo_rx_init(&p->sync.rx);
		return frc;
	}
	if (fo_rx_pending(&p->sync.rx) == 0)
		return 0;
	if (at == NULL || lease_env_durable(p->fod->env, at)) {
		(void)send_acks_of(p, &p->sync.rx);
		return 0;
	}
	/* held is empty: it was flushed above. */
	memcpy(p->sync.held.seq, p->sync.rx.seq,
	    p->sync.rx.n * sizeof(p->sync.rx.seq[0]));
	p->sync.held.n = p->sync.rx.n;
	p->sync.held_at = *at;
	fo_rx_init(&p->sync.rx);
	return 0;
}

/* A SyncReq is about to leave (first or retry). */
void
fod_sync_begin(struct fod_peer *p)
{
	if (p->sync.started == 0)
		p->sync.started = ev_now(p->loop);
}

static void
seen_add(struct fod_peer *p, uint64_t seq)
{
	if (p->sync.nseen == p->sync.capseen) {
		size_t ncap = p->sync.capseen ? p->sync.capseen * 2 : 4096;
		uint64_t *nv = realloc(p->sync.seen, ncap * sizeof(*nv));

		if (nv == NULL)
			return;		/* counts short: sync reported
					 * incomplete, which is safe */
		p->sync.seen = nv;
		p->sync.capseen = ncap;
	}
	p->sync.seen[p->sync.nseen++] = seq;
}

/* Distinct sync updates received (retransmissions count once). */
static size_t
seen_distinct(struct fod_peer *p)
{
	size_t	 i, k = 0;

	if (p->sync.nseen == 0)
		return 0;
	qsort(p->sync.seen, p->sync.nseen, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < p->sync.nseen; i++)
		if (k == 0 || p->sync.seen[i] != p->sync.seen[k - 1])
			p->sync.seen[k++] = p->sync.seen[i];
	p->sync.nseen = k;
	return k;
}

void
fod_sync_on_start(struct fod_peer *p, const struct fo_msg *m, bool restarted)
{
	struct fod_event ev = { .type = FOD_EV_SYNC_START,
	    .primary_restarted = restarted };
	char	 why[FO_REASON_MAX * 4 + 1] = "";

	if (FO_HAS(m, FO_TLV_RESULT) && m->result != FO_RESULT_OK) {
		/* A refusal is no SyncStart: the SyncReq retries go on. */
		if (FO_HAS(m, FO_TLV_REASON))
			log_sanitize(m->reason, strlen(m->reason), why,
			    sizeof(why));
		log_warn("primary=%s: start-up sync refused (result %u%s%s)",
		    p->name, m->result, why[0] ? ": " : "", why);
		return;
	}
	fod_store_check_primary(p, m->store_id);
	fod_check_buf_size(p, m);
	if (p->act.fsm.state != FOD_SYNCING)
		return;
	/*
	 * A SyncStart repeated for our SyncReq retry (it crossed the first
	 * one) continues the same sync: what was counted stays counted.
	 */
	if (!p->sync.counting || p->sync.expected != m->count ||
	    p->sync.has_last != FO_HAS(m, FO_TLV_LAST_SEQ) ||
	    p->sync.last != m->last_seq)
		p->sync.nseen = 0;
	p->sync.counting = true;
	p->sync.expected = m->count;
	p->sync.has_last = FO_HAS(m, FO_TLV_LAST_SEQ);
	p->sync.last = m->last_seq;
	log_info("primary=%s: start-up sync: %u binding%s follow%s", p->name,
	    m->count, m->count == 1 ? "" : "s", m->count == 1 ? "s" : "");
	fod_peer_event(p, &ev);
}

/*
 * Whether a binding update of the primary's leaves what we hold for the
 * address alone.  The primary's word stands, except against a record we
 * made ourselves while we served for it (FOD_LOCAL_SEQ_BIT: the store
 * holds our own sequences, the pool does not): then the conflict rule
 * the primary applies to our hand-back decides
 * (common/store/lease_conflict.c), so both servers keep the same record: one
 * of ours that stays reaches the primary through the hand-back, where the rule
 * keeps it again.  Two live clients are a duplicate, counted, logged and
 * notified whichever side wins.
 */
static bool
keep_ours(struct fod_peer *p, const struct lease *in, int64_t now)
{
	struct pool *pl = pool_set_find(p->pools, in->addr);
	struct lease ours;
	enum lease_apply d;
	bool	 mine;
	char	 a[16], h1[48], h2[48];
	uint64_t n;

	const struct lease *cur;

	/*
	 * Nothing in the pools, or a record the pools do not mark as ours:
	 * nothing of ours, and no store read.  Our own grants enter the
	 * pools with their sequence (fod_serve.c), and once one has, every
	 * sequence the pools stamp carries FOD_LOCAL_SEQ_BIT too, so an
	 * unmarked record is never ours; a marked one may be, and the
	 * store, which holds what was written, says.
	 */
	if (pl == NULL || (cur = pool_lease_at(pl, in->addr)) == NULL ||
	    (cur->seq & FOD_LOCAL_SEQ_BIT) == 0 ||
	    lease_db_get(p->db, in->addr, &ours) != 0)
		return false;
	d = lease_conflict_decide_own(&ours,
	    (ours.seq & FOD_LOCAL_SEQ_BIT) != 0, in, now);
	if (d == LEASE_APPLY_OURS) {
		fod_fmt_addr(in->addr, a, sizeof(a));
		log_debug("primary=%s: update of %s older than our own "
		    "record of it; kept ours", p->name, a);
		return true;
	}
	if (d != LEASE_APPLY_CONFLICT_OURS && d != LEASE_APPLY_CONFLICT_THEIRS)
		return false;
	p->sync.ctr.upd_conflicts++;
	mine = d == LEASE_APPLY_CONFLICT_OURS;
	fod_alert_duplicate(p, &ours, in, mine);
	if (log_ratelimit_ok(&p->sync.rl_conflict, ev_now(p->loop), 5,
	    &n)) {
		fod_fmt_addr(in->addr, a, sizeof(a));
		log_hwaddr(ours.chaddr, ours.hlen, h1, sizeof(h1));
		log_hwaddr(in->chaddr, in->hlen, h2, sizeof(h2));
		log_warn("primary=%s: duplicate binding of %s: ours to %s "
		    "(from %lld), the primary's to %s (from %lld); keeping "
		    "%s%s", p->name, a, h1, (long long)ours.starts, h2,
		    (long long)in->starts, mine ? "ours" : "the primary's",
		    n ? " (more conflicts not logged)" : "");
	}
	return mine;
}

bool
fod_sync_on_bind_upd(struct fod_peer *p, const struct fo_msg *m,
    bool restarted)
{
	struct fod_event ev = { .type = FOD_EV_BIND_UPD,
	    .primary_restarted = restarted };
	int64_t	 now = (int64_t)ev_now(p->loop);
	bool	 in_sync = p->act.fsm.state == FOD_SYNCING &&
	    p->sync.counting;
	bool	 any_sync = false;
	int	 rc;

	for (size_t i = 0; i < m->n_updates; i++) {
		const struct fo_update *u = &m->updates[i];
		struct lease l;

		if (!lease_decode(u->lease, u->lease_len, &l)) {
			/* Never acknowledged: the primary's retries and
			 * failure counter show the problem there too. */
			fod_reject(p, FO_REJ_BAD_LEASE, "in bind-upd");
			continue;
		}
		p->sync.ctr.upd_received++;
		/* Our copy carries the primary's numbering; the top bit is
		 * reserved for our own grants (fod_store.c). */
		l.seq = u->seq & ~FOD_LOCAL_SEQ_BIT;
		if (in_sync && (!p->sync.has_last || u->seq <= p->sync.last)) {
			any_sync = true;
			seen_add(p, u->seq);
		}
		if (!keep_ours(p, &l, now)) {
			rc = lease_db_stage(p->db, &l);
			if (rc == EINVAL) {
				fod_reject(p, FO_REJ_BAD_LEASE, "unstorable");
				continue;
			}
			if (rc != 0) {
				/* The batch is spoiled: nothing of it is
				 * acked; the primary resends. */
				uint64_t n;
				fod_alert_update_failed(p, rc, 1);
				if (log_ratelimit_ok(&p->sync.rl_store,
				    ev_now(p->loop), 5, &n))
					log_err("primary=%s: storing a binding "
					    "update: %s", p->name,
					    lease_db_strerror(rc));
				continue;
			}
			pool_load_lease(p->pools, &l);
			p->sync.ctr.upd_applied++;
		}
		if (l.seq > p->sync.rx_max_seq)
			p->sync.rx_max_seq = l.seq;
		if (!fo_rx_note(&p->sync.rx, u->seq)) {
			/* 1024 waiting for one commit: commit now.  If it
			 * fails this update was lost with the batch: not
			 * acked, the primary resends it. */
			if (fod_commit(p) != 0)
				continue;
			(void)fo_rx_note(&p->sync.rx, u->seq);
		}
	}
	/* Steady replication waits for the paced commit; a sync, a
	 * hand-back's aftermath or anything else is committed now. */
	if (p->act.fsm.state == FOD_MONITORING && !in_sync)
		fod_commit_paced(p);
	else
		fod_commit_soon(p);
	if (any_sync)
		ev.type = FOD_EV_SYNC_BIND_UPD;
	fod_peer_event(p, &ev);
	return true;
}

void
fod_sync_on_done(struct fod_peer *p, const struct fo_msg *m, bool restarted)
{
	struct fod_event ev = { .type = FOD_EV_SYNC_DONE,
	    .primary_restarted = restarted };
	bool	 marker = FO_HAS(m, FO_TLV_UPD_SEQ);
	size_t	 got;
	char	 why[FO_REASON_MAX * 4 + 1] = "";

	if (FO_HAS(m, FO_TLV_RESULT) && m->result != FO_RESULT_OK) {
		if (FO_HAS(m, FO_TLV_REASON))
			log_sanitize(m->reason, strlen(m->reason), why,
			    sizeof(why));
		log_warn("primary=%s: start-up sync ended with result %u%s%s",
		    p->name, m->result, why[0] ? ": " : "", why);
		return;
	}
	if (p->act.fsm.state != FOD_SYNCING) {
		/* A resend after we moved on: acknowledge it so the
		 * primary stops retrying. */
		if (marker) {
			(void)fo_rx_note(&p->sync.rx, m->upd_seq);
			fod_commit_soon(p);
		}
		return;
	}
	got = seen_distinct(p);
	/*
	 * Protocol 5.4 markers: act on it only once every update of the
	 * sync below it is here; the primary resends the marker (and
	 * whatever we miss) until we acknowledge it.
	 */
	if (marker && got < m->count) {
		log_debug("primary=%s: SyncDone with %zu of %u bindings here; "
		    "waiting for the rest", p->name, got, m->count);
		return;
	}
	if (marker) {
		(void)fo_rx_note(&p->sync.rx, m->upd_seq);
		fod_commit_soon(p);
	}
	if (got >= m->count) {
		fod_store_set_sync_ok(p, true);
		if (p->sync.has_last && p->sync.last > p->sync.rx_max_seq)
			p->sync.rx_max_seq = p->sync.last;
		fod_store_advance(p, p->sync.rx_max_seq);
	} else {
		/* Without a marker we cannot wait: what is missing will
		 * come as replication, but our watermark stays put. */
		fod_store_set_sync_ok(p, false);
		log_warn("primary=%s: start-up sync ended with %zu of %u "
		    "bindings; the next sync asks for everything", p->name,
		    got, m->count);
	}
	p->sync.ctr.last_sync_secs = p->sync.started > 0 ?
	    ev_now(p->loop) - p->sync.started : 0;
	log_info("primary=%s: start-up sync: %zu binding%s in %.3f s",
	    p->name, got, got == 1 ? "" : "s", p->sync.ctr.last_sync_secs);
	p->sync.started = 0;
	p->sync.counting = false;
	p->sync.nseen = 0;
	fod_peer_event(p, &ev);
}
