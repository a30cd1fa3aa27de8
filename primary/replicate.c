/*
 * Binding updates to the failover (docs/design.md §2, §5;
 * docs/failover-design.md "Stores and sequences", "Streams"): the
 * replication stream of every committed lease change, and the start-up
 * sync the failover asks for with SyncReq.  The state and the timers are
 * this file's own (replicate.h).
 *
 * Replication.  srv_stage() notes each change (offers excepted: they are
 * held in memory only and a client that takes one is bound, which is
 * replicated); once its batch is committed the change joins the queue,
 * in sequence order.  The queue holds only (seq, address): the record is
 * read from the store when it leaves, and when the store holds a newer
 * record for the address by then the entry is skipped -- that newer one
 * follows with its own, higher sequence.  So the failover gets the newest
 * state of each address, and only committed data: the store is read only
 * when no batch is open.  Sending happens after the commit whose ACKs it
 * follows, never before or instead of them, and never blocks: a full
 * window just waits for acks.
 *
 * The durable queue is the store itself: the watermark
 * fo_tx_acked_through() (every update up to it acknowledged) is staged
 * into the store's meta with the next batch, or at least once a second
 * when it moved.  After a restart every lease above it is resent.
 *
 * When an update exhausts SyncBindRetryMax the failover is taken to be
 * gone: the stream stops, the watermark stays where the failover last
 * confirmed, and the next authenticated message from it resumes the
 * stream from the watermark, rebuilt from the store (which by then holds
 * the newest state of everything that changed meanwhile).
 *
 * A retransmission sends the bytes of the first transmission (repl_recs)
 * under the same UPD_SEQ in a freshly encoded datagram: a new header
 * seq, or the failover's replay window would drop it.
 *
 * Start-up sync.  SyncReq -> SyncStart(COUNT, STORE_ID, LAST_SEQ = the
 * highest sequence committed) -> every lease as BIND_UPD through a
 * window of its own -> once all are acknowledged SyncDone(COUNT sent,
 * UPD_SEQ), retried until acknowledged (protocol 5.4, "Markers").  A
 * lease that changes while the sync runs is skipped by the sync (COUNT
 * of SyncStart is an upper bound) and arrives through replication.  If
 * SyncReq names our store and a LAST_SEQ, only leases above it are sent
 * (protocol 5.4 allows it).  Both streams use UPD_SEQ = lease.seq, which
 * names one record version exactly, so an ack applies to whichever
 * stream carried that sequence.
 *
 * While a sync runs, replication sends nothing new (retransmissions of
 * what it has in flight go on): what it holds queued is either a lease
 * the sync sends too, or a change committed after SyncReq, which follows
 * once the sync is over.  A failover that starts while we hold many
 * changes for it -- every one since it went away -- would otherwise get
 * them all twice, once per stream, racing in two windows over the same
 * sequences: twice the decoding, staging and pool loading on its side,
 * and a sync rate that swung from 28,000 to 112,000 bindings/s with the
 * phase of the two streams (bench/README.md).  A sync that completes
 * moves the stream past what it delivered (stream_skip_synced); one that
 * fails leaves the stream where it was, to send everything it holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "pr_snmp.h"
#include "replicate.h"
#include "server_int.h"

static void	sync_pump(struct server *);
static void	sync_stop(struct server *, bool ok, const char *why);
static void	rearm(struct server *);

/* Ours: NULL without a failover (repl_init never ran). */
static struct repl *
repl_of(struct server *srv)
{
	return srv->link != NULL ? srv->link->repl : NULL;
}

const struct repl *
repl_get(const struct server *srv)
{
	return srv->link != NULL ? srv->link->repl : NULL;
}

/* ---- the queue ---- */

static int
q_push(struct repl_queue *q, uint64_t seq, uint32_t addr)
{
	if (q->n == q->cap) {
		size_t	 ncap = q->cap ? q->cap * 2 : 1024;
		struct repl_ent *nv;

		if (q->cap >= REPL_QUEUE_MAX)
			return -1;
		if (ncap > REPL_QUEUE_MAX)
			ncap = REPL_QUEUE_MAX;
		if ((nv = malloc(ncap * sizeof(*nv))) == NULL)
			return -1;
		/* Unroll the ring into the new array. */
		for (size_t i = 0; i < q->n; i++)
			nv[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = nv;
		q->cap = ncap;
		q->head = 0;
	}
	q->v[(q->head + q->n) % q->cap] = (struct repl_ent){ seq, addr };
	q->n++;
	return 0;
}

static const struct repl_ent *
q_front(const struct repl_queue *q)
{
	return q->n > 0 ? &q->v[q->head] : NULL;
}

static void
q_pop(struct repl_queue *q)
{
	if (q->n == 0)
		return;
	q->head = (q->head + 1) % q->cap;
	q->n--;
}

static void
q_clear(struct repl_queue *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* ---- walking the store ---- */

struct repl_walk {
	struct repl_ent	*v;
	size_t		 n, cap;
	uint64_t	 above, upto;
};

static int
walk_cb(const struct lease *l, void *arg)
{
	struct repl_walk *w = arg;

	if (l->state == LEASE_OFFERED || l->seq <= w->above ||
	    l->seq > w->upto)
		return 0;
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 4096;
		struct repl_ent *nv = realloc(w->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return ENOMEM;
		w->v = nv;
		w->cap = ncap;
	}
	w->v[w->n++] = (struct repl_ent){ l->seq, l->addr };
	return 0;
}

static int
qent_cmp(const void *a, const void *b)
{
	const struct repl_ent *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Every stored lease but offers with above < seq <= upto, in sequence
 * order.  Runs on the loop (a store of 100 000 leases takes a few tens
 * of milliseconds); callers make sure no batch is open, so the walk sees
 * committed data only.
 */
static int
store_walk(struct server *srv, uint64_t above, uint64_t upto,
    struct repl_walk *w)
{
	int	 rc;

	memset(w, 0, sizeof(*w));
	w->above = above;
	w->upto = upto;
	if ((rc = lease_db_foreach(srv->db, walk_cb, w)) != 0) {
		free(w->v);
		memset(w, 0, sizeof(*w));
		return rc;
	}
	if (w->n > 1)
		qsort(w->v, w->n, sizeof(w->v[0]), qent_cmp);
	return 0;
}

/* ---- shared sending ---- */

_Static_assert(LEASE_RECORD_MAX <= FO_BUF_SIZE_CFG_MIN,
    "the least SyncBindingBufSize must hold every lease record");

/* The LEASE size both sides accept: the smaller buffer
 * (docs/failover-design.md "Safety"). */
static size_t
lease_max_tx(const struct server *srv)
{
	size_t	 own = srv->cfg.failover.sync_binding_buf_size;
	uint16_t peer = link_peer_buf_size(srv);

	return peer != 0 && peer < own ? peer : own;
}

enum fetch_res {
	FETCH_OK = 0,
	FETCH_SUPERSEDED,	/* the store holds a newer record */
	FETCH_TOO_BIG,		/* above the buffer size: cannot be sent */
};

/*
 * Read the record e names into recbuf[k].  No batch is open (callers
 * check), so this is committed data.
 */
static enum fetch_res
fetch(struct server *srv, const struct repl_ent *e, size_t k, size_t *len)
{
	struct repl	*rp = repl_of(srv);
	struct lease	 l;
	uint64_t	 n;
	char		 a[16];

	if (lease_db_get(srv->db, e->addr, &l) != 0 || l.seq != e->seq)
		return FETCH_SUPERSEDED;
	*len = lease_encode(&l, rp->recbuf[k], LEASE_RECORD_MAX);
	if (*len == 0 || *len > lease_max_tx(srv)) {
		if (log_ratelimit_ok(&rp->rl, link_now(srv), 10, &n)) {
			snprintf(a, sizeof(a), "%u.%u.%u.%u", e->addr >> 24,
			    (e->addr >> 16) & 0xff, (e->addr >> 8) & 0xff,
			    e->addr & 0xff);
			log_warn("failover: lease %s (%zu bytes) does not fit "
			    "SyncBindingBufSize %zu; not sent", a, *len,
			    lease_max_tx(srv));
		}
		return FETCH_TOO_BIG;
	}
	return FETCH_OK;
}

/* Send rp->out (a BIND_UPD of k updates) and put them in flight. */
static void
send_updates(struct server *srv, struct fo_tx *tx, struct repl_recs *recs,
    const struct repl_ent *ents, const size_t *lens, size_t k)
{
	struct repl *rp = repl_of(srv);
	double	 now = link_now(srv);

	/* Sent or not (a full socket buffer), the entries go in flight:
	 * the retransmission timer covers a datagram the kernel refused. */
	link_send(srv, rp->out);
	rp->stream.datagrams++;
	for (size_t i = 0; i < k; i++) {
		if (fo_tx_sent(tx, ents[i].seq, ents[i].addr, now) < 0 ||
		    repl_recs_add(recs, ents[i].seq, rp->recbuf[i],
		    lens[i]) < 0)
			log_err("failover: update %llu out of order; dropped",
			    (unsigned long long)ents[i].seq);
	}
}

/*
 * The store can be read for sending only with no batch open: reads see
 * the open batch's changes, which are not durable yet, and a spoiled
 * batch may not be readable at all (a record it cannot read would be
 * skipped as superseded).
 */
static bool
store_quiet(struct server *srv)
{
	if (lease_db_staged(srv->db) == 0 && !gcommit_spoiled(&srv->gc))
		return true;
	/* Ask the loop to commit before it sleeps; the commit pumps. */
	srv->commit_urgent = true;
	return false;
}

/* ---- replication ---- */

static void	resend_cb(struct ev_loop *, ev_timer *, int);
static void	hold_cb(struct ev_loop *, ev_timer *, int);

static int
streams_init(struct repl *rp, const struct cfg_primary_failover *fc)
{
	if ((rp->out = malloc(sizeof(*rp->out))) == NULL ||
	    (rp->recbuf = calloc(FO_MAX_UPDATES, LEASE_RECORD_MAX)) == NULL ||
	    fo_tx_init(&rp->stream.tx, REPL_WINDOW,
	    fc->wait_sync_bind_ack_secs, fc->sync_bind_retry_max) < 0 ||
	    repl_recs_init(&rp->stream.recs, REPL_WINDOW) < 0 ||
	    fo_tx_init(&rp->sync.tx, REPL_SYNC_WINDOW,
	    fc->wait_sync_bind_ack_secs, fc->sync_bind_retry_max) < 0 ||
	    repl_recs_init(&rp->sync.recs, REPL_SYNC_WINDOW) < 0)
		return -1;
	return 0;
}

/* What the store says: the watermark, and the floor of the markers'
 * numbers (SyncDone), which no stored lease shows: never reuse them. */
static int
from_store(struct server *srv, struct repl_stream *r, char *err,
    size_t errlen)
{
	uint64_t floor = 0;
	int	 rc;

	rc = lease_db_meta_get_u64(srv->db, REPL_META_ACKED, &r->persisted);
	if (rc == ENOENT)
		r->persisted = 0;
	else if (rc != 0) {
		snprintf(err, errlen, "lease store: replication watermark: %s",
		    lease_db_strerror(rc));
		return EXIT_STORE;
	}
	rc = lease_db_meta_get_u64(srv->db, REPL_META_SEQ_FLOOR, &floor);
	if (rc != 0 && rc != ENOENT) {
		snprintf(err, errlen, "lease store: %s: %s",
		    REPL_META_SEQ_FLOOR, lease_db_strerror(rc));
		return EXIT_STORE;
	}
	pool_set_raise_seq(srv->pools, rc == 0 ? floor : 0);
	return 0;
}

int
repl_init(struct server *srv, char *err, size_t errlen)
{
	struct repl	*rp;
	struct repl_stream *r;
	int		 rc;

	if ((rp = calloc(1, sizeof(*rp))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	srv->link->repl = rp;
	ev_timer_init(&rp->resend_w, resend_cb, 1., 0.);
	ev_timer_init(&rp->hold_w, hold_cb, 1., 0.);
	rp->resend_w.data = rp->hold_w.data = srv;
	if (streams_init(rp, &srv->cfg.failover) < 0) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	r = &rp->stream;
	if ((rc = from_store(srv, r, err, errlen)) != 0)
		return rc;
	/* Nothing in flight: acked_through() is highest_sent. */
	r->tx.highest_sent = r->persisted;
	r->last_sent = r->persisted;
	r->persisted_at = link_now(srv);
	/* Everything above the watermark is resent (the queue is the
	 * store); the first pump builds the queue. */
	r->rewalk = true;
	return 0;
}

void
repl_free(struct server *srv)
{
	struct repl *rp = repl_of(srv);

	if (rp == NULL)
		return;
	if (srv->loop != NULL) {
		ev_timer_stop(srv->loop, &rp->resend_w);
		ev_timer_stop(srv->loop, &rp->hold_w);
	}
	fo_tx_free(&rp->stream.tx);
	repl_recs_free(&rp->stream.recs);
	q_clear(&rp->stream.q);
	free(rp->stream.pending);
	fo_tx_free(&rp->sync.tx);
	repl_recs_free(&rp->sync.recs);
	free(rp->sync.list);
	free(rp->out);
	free(rp->recbuf);
	free(rp);
	srv->link->repl = NULL;
}

void
repl_reloaded(struct server *srv)
{
	struct repl	*rp = repl_of(srv);
	const struct cfg_primary_failover *fc = &srv->cfg.failover;
	uint64_t	 floor = 0;

	if (rp == NULL)
		return;
	fo_tx_set_policy(&rp->stream.tx, fc->wait_sync_bind_ack_secs,
	    fc->sync_bind_retry_max);
	fo_tx_set_policy(&rp->sync.tx, fc->wait_sync_bind_ack_secs,
	    fc->sync_bind_retry_max);
	/* Pools were rebuilt from the store: keep marker numbers and
	 * everything stamped before out of reach. */
	if (lease_db_meta_get_u64(srv->db, REPL_META_SEQ_FLOOR, &floor) == 0)
		pool_set_raise_seq(srv->pools, floor);
	pool_set_raise_seq(srv->pools, rp->stream.last_sent);
}

uint64_t
repl_watermark(const struct server *srv)
{
	const struct repl *rp = repl_get(srv);

	return rp != NULL ? fo_tx_acked_through(&rp->stream.tx) : 0;
}

void
repl_note_staged(struct server *srv, const struct lease *l)
{
	struct repl_stream *r;

	if (repl_of(srv) == NULL || l->state == LEASE_OFFERED)
		return;
	r = &repl_of(srv)->stream;
	if (r->npending == r->cappending) {
		size_t ncap = r->cappending ? r->cappending * 2 : 256;
		struct repl_ent *nv = realloc(r->pending, ncap * sizeof(*nv));

		if (nv == NULL) {
			/* The store still has it: walk for it later. */
			r->rewalk = true;
			return;
		}
		r->pending = nv;
		r->cappending = ncap;
	}
	r->pending[r->npending++] = (struct repl_ent){ l->seq, l->addr };
}

void
repl_before_commit(struct server *srv)
{
	struct repl_stream *r;
	uint64_t w;

	if (repl_of(srv) == NULL)
		return;
	r = &repl_of(srv)->stream;
	w = fo_tx_acked_through(&r->tx);
	if (w == r->persisted || (r->wm_staged && r->staged_wm == w))
		return;
	if (lease_db_meta_set_u64(srv->db, REPL_META_ACKED, w) == 0) {
		r->staged_wm = w;
		r->wm_staged = true;
	}
}

void
repl_commit_failed(struct server *srv)
{
	struct repl *rp = repl_of(srv);

	if (rp == NULL)
		return;
	rp->stream.npending = 0;
	rp->stream.wm_staged = false;
}

void
repl_committed(struct server *srv)
{
	struct repl_stream *r;

	if (repl_of(srv) == NULL)
		return;
	r = &repl_of(srv)->stream;
	if (r->wm_staged) {
		r->persisted = r->staged_wm;
		r->persisted_at = link_now(srv);
		r->wm_staged = false;
	}
	if (r->paused || r->rewalk) {
		/* Covered by the walk that resumes the stream. */
		r->npending = 0;
	}
	if (r->q.n == 0)
		r->q_since = link_now(srv);
	for (size_t i = 0; i < r->npending; i++) {
		/*
		 * A record staged again unchanged (the engine does that for
		 * a binding a client asks for once more) carries a sequence
		 * already sent: nothing new for the failover.
		 */
		if (r->pending[i].seq <= r->last_sent)
			continue;
		if (q_push(&r->q, r->pending[i].seq, r->pending[i].addr) < 0) {
			/* Too much unsent: the store is the queue. */
			q_clear(&r->q);
			r->rewalk = true;
			log_warn("failover: replication queue over %u entries; "
			    "it will be rebuilt from the store",
			    REPL_QUEUE_MAX);
			break;
		}
		r->queued++;
	}
	r->npending = 0;
	repl_pump(srv);
}

void
repl_tick(struct server *srv)
{
	struct repl_stream *r;

	if (repl_of(srv) == NULL)
		return;
	r = &repl_of(srv)->stream;
	if (fo_tx_acked_through(&r->tx) != r->persisted &&
	    link_now(srv) - r->persisted_at >= REPL_PERSIST_SECS)
		repl_before_commit(srv);
	/* The server's tick commits what is staged. */
}

/* Rebuild the queue from the store: everything above last_sent. */
static void
rewalk(struct server *srv)
{
	struct repl_stream *r = &repl_of(srv)->stream;
	struct repl_walk	 w;
	int		 rc;

	if ((rc = store_walk(srv, r->last_sent, UINT64_MAX, &w)) != 0) {
		log_err("failover: reading the store for replication: %s",
		    lease_db_strerror(rc));
		return;
	}
	q_clear(&r->q);
	r->q.v = w.v;
	r->q.cap = w.cap ? w.cap : 0;
	r->q.n = w.n;
	r->q.head = 0;
	if (r->q.cap == 0) {
		free(r->q.v);
		r->q.v = NULL;
	}
	r->queued += w.n;
	r->walks++;
	r->rewalk = false;
	if (w.n > 0)
		log_info("failover: %zu lease change%s above update %llu to "
		    "send", w.n, w.n == 1 ? "" : "s",
		    (unsigned long long)r->last_sent);
}

/*
 * BindUpdDelay: a change may wait that long so that the ones committed
 * after it share its datagram.  At 1,000 changes a second a primary
 * otherwise sends one or two per datagram, and every datagram costs the
 * failover a wake-up, an HMAC check, a commit and an ack (bench/many.sh).
 * A full datagram's worth, a rebuilt queue, a shutdown or a delay of 0
 * goes at once.  True: hold, hold_w is armed.
 */
static bool
repl_hold(struct server *srv)
{
	struct repl	*rp = repl_of(srv);
	struct repl_stream *r = &rp->stream;
	double		 delay = srv->cfg.failover.bind_upd_delay_ms / 1000.0;
	double		 age;

	if (delay <= 0 || r->flush || r->rewalk || r->q.n == 0 ||
	    r->q.n >= FO_MAX_UPDATES)
		return false;
	age = link_now(srv) - r->q_since;
	if (age >= delay)
		return false;
	if (!ev_is_active(&rp->hold_w)) {
		ev_timer_set(&rp->hold_w, delay - age, 0.);
		ev_timer_start(srv->loop, &rp->hold_w);
	}
	return true;
}

static void
repl_send(struct server *srv)
{
	struct repl	*rp = repl_of(srv);
	struct repl_stream *r = &rp->stream;
	struct repl_ent	 ents[FO_MAX_UPDATES];
	size_t		 lens[FO_MAX_UPDATES], k, len;

	while (!fo_tx_full(&r->tx) && r->q.n > 0) {
		fo_msg_init(rp->out, FO_BIND_UPD, true);
		k = 0;
		while (r->q.n > 0 && k < FO_MAX_UPDATES &&
		    fo_tx_inflight(&r->tx) + k < r->tx.cap) {
			const struct repl_ent *e = q_front(&r->q);

			if (e->seq <= r->last_sent) {
				/* Already sent (a walk overlapping the
				 * queue) or delivered by a sync: nothing
				 * new. */
				q_pop(&r->q);
				continue;
			}
			switch (fetch(srv, e, k, &len)) {
			case FETCH_SUPERSEDED:
				r->superseded++;
				q_pop(&r->q);
				continue;
			case FETCH_TOO_BIG:
				r->too_big++;
				q_pop(&r->q);
				continue;
			case FETCH_OK:
				break;
			}
			if (!fo_msg_add_update(rp->out, e->seq, rp->recbuf[k],
			    len, link_dgram_max(srv)))
				break;	/* datagram full */
			ents[k] = *e;
			lens[k] = len;
			r->last_sent = e->seq;
			k++;
			q_pop(&r->q);
		}
		if (k == 0)
			continue;
		send_updates(srv, &r->tx, &r->recs, ents, lens, k);
		r->sent += k;
	}
}

void
repl_flush(struct server *srv)
{
	struct repl *rp = repl_of(srv);

	if (rp == NULL)
		return;
	rp->stream.flush = true;
	repl_pump(srv);
}

void
repl_pump(struct server *srv)
{
	struct repl *rp = repl_of(srv);
	const struct repl_stream *r;

	if (rp == NULL || !link_up(srv))
		return;
	r = &rp->stream;
	if (((!r->paused && (r->rewalk || r->q.n > 0)) ||
	    (rp->sync.active && rp->sync.done_seq == 0 &&
	    !rp->sync.marking)) && !store_quiet(srv))
		return;
	/* A running sync sends what the stream holds (see the top). */
	if (!r->paused && !rp->sync.active && !repl_hold(srv)) {
		if (r->rewalk)
			rewalk(srv);
		repl_send(srv);
		/* What stays queued (a full window) is as old as now. */
		rp->stream.q_since = link_now(srv);
	}
	sync_pump(srv);
	rearm(srv);
}

/* Give up on the stream: the failover is gone (see the top). */
static void
repl_stop(struct server *srv, const struct fo_tx_entry *e)
{
	struct repl	*rp = repl_of(srv);
	struct repl_stream *r = &rp->stream;
	uint64_t	 w = fo_tx_acked_through(&r->tx), n;
	char		 a[16];

	snprintf(a, sizeof(a), "%u.%u.%u.%u", e->addr >> 24,
	    (e->addr >> 16) & 0xff, (e->addr >> 8) & 0xff, e->addr & 0xff);
	snprintf(r->last_failure, sizeof(r->last_failure), "update %llu "
	    "(%s) not acknowledged after %u tries; waiting for the failover "
	    "to be heard from", (unsigned long long)e->seq, a, e->tries + 1);
	r->last_failure_time = link_now(srv);
	r->failures++;
	if (log_ratelimit_ok(&rp->rl, link_now(srv), 10, &n))
		log_warn("failover: replication stopped at update %llu: %s",
		    (unsigned long long)w, r->last_failure);
	fo_tx_reset(&r->tx);
	/* acked_through() of an empty window is highest_sent: pin it at
	 * what the failover confirmed. */
	r->tx.highest_sent = w;
	r->last_sent = w;
	repl_recs_clear(&r->recs);
	q_clear(&r->q);
	r->npending = 0;
	r->paused = true;
	r->rewalk = true;
	pr_snmp_repl_stopped(srv);	/* dhcpfoBindingUpdateFailed */
}

void
repl_heard(struct server *srv, bool peer_restarted)
{
	struct repl *rp = repl_of(srv);

	if (peer_restarted && rp->sync.active)
		sync_stop(srv, false, "the failover restarted");
	if (!rp->stream.paused)
		return;
	rp->stream.paused = false;
	rp->stream.resumes++;
	log_info("failover: heard from the failover; replication resumes "
	    "after update %llu", (unsigned long long)rp->stream.last_sent);
	/* The pump runs after the message (rx_cb) and walks the store. */
}

static void
ack_stream(struct fo_tx *tx, struct repl_recs *recs, uint64_t first,
    uint64_t last)
{
	if (fo_tx_ack(tx, first, last) > 0)
		repl_recs_del_range(recs, first, last);
}

void
repl_ack(struct server *srv, const struct fo_msg *m)
{
	struct repl *rp = repl_of(srv);
	uint64_t before = rp->stream.tx.acked;

	for (size_t i = 0; i < m->n_acks; i++) {
		ack_stream(&rp->stream.tx, &rp->stream.recs, m->acks[i].first,
		    m->acks[i].last);
		ack_stream(&rp->sync.tx, &rp->sync.recs, m->acks[i].first,
		    m->acks[i].last);
	}
	rp->stream.acked += rp->stream.tx.acked - before;
	if (rp->sync.active && rp->sync.done_seq != 0 &&
	    fo_tx_inflight(&rp->sync.tx) == 0)
		sync_stop(srv, true, NULL);
	/* rx_cb pumps once the datagrams in hand are read. */
}

/* Earliest ack deadline of both streams (0: none). */
static double
deadline(const struct repl *rp)
{
	double	 a = fo_tx_deadline(&rp->stream.tx);
	double	 b = rp->sync.active ? fo_tx_deadline(&rp->sync.tx) : 0;

	if (a == 0)
		return b;
	return b != 0 && b < a ? b : a;
}

static void send_sync_done(struct server *);

/*
 * Retransmit what is overdue, packed like first transmissions.  fo_tx_due
 * returns entries in sequence order, as one BIND_UPD requires.
 */
static void
resend_stream(struct server *srv, bool sync)
{
	struct repl	*rp = repl_of(srv);
	struct fo_tx	*tx = sync ? &rp->sync.tx : &rp->stream.tx;
	struct repl_recs *recs = sync ? &rp->sync.recs : &rp->stream.recs;
	struct fo_tx_entry e;
	enum fo_tx_due	 d;
	const uint8_t	*rec;
	size_t		 len, k = 0;
	double		 now = link_now(srv);

	fo_msg_init(rp->out, FO_BIND_UPD, true);
	while ((d = fo_tx_due(tx, now, &e)) != FO_TX_NONE) {
		if (d == FO_TX_FAILED) {
			repl_recs_del_range(recs, e.seq, e.seq);
			if (sync) {
				char why[96];

				snprintf(why, sizeof(why), "update %llu not "
				    "acknowledged after %u tries",
				    (unsigned long long)e.seq, e.tries + 1);
				sync_stop(srv, false, why);
			} else
				repl_stop(srv, &e);
			return;		/* the stream was reset */
		}
		if ((rec = repl_recs_get(recs, e.seq, &len)) == NULL)
			continue;
		if (sync && e.seq == rp->sync.done_seq) {
			/* The marker is a message of its own: send what is
			 * packed first (rp->out is reused). */
			if (k > 0) {
				link_send(srv, rp->out);
				rp->stream.datagrams++;
				k = 0;
			}
			send_sync_done(srv);
			fo_msg_init(rp->out, FO_BIND_UPD, true);
			continue;
		}
		/* Copy: rp->out points at recbuf until it is sent.  A
		 * datagram full by count or by size leaves first. */
		if (k < FO_MAX_UPDATES) {
			memcpy(rp->recbuf[k], rec, len);
			if (fo_msg_add_update(rp->out, e.seq, rp->recbuf[k],
			    len, link_dgram_max(srv))) {
				k++;
				continue;
			}
		}
		link_send(srv, rp->out);
		rp->stream.datagrams++;
		fo_msg_init(rp->out, FO_BIND_UPD, true);
		memcpy(rp->recbuf[0], rec, len);
		fo_msg_add_update(rp->out, e.seq, rp->recbuf[0], len,
		    link_dgram_max(srv));
		k = 1;
	}
	if (k > 0) {
		link_send(srv, rp->out);
		rp->stream.datagrams++;
	}
}

/* Retransmit what is overdue; give up what ran out of tries. */
static void
resend(struct server *srv)
{
	struct repl *rp = repl_of(srv);
	uint64_t before = rp->stream.tx.retries;

	resend_stream(srv, false);
	rp->stream.retries += rp->stream.tx.retries - before;
	if (rp->sync.active)
		resend_stream(srv, true);
}

/* ---- timers ---- */

/* The retransmission timer follows the streams' earliest deadline. */
static void
rearm(struct server *srv)
{
	struct repl *rp = repl_of(srv);
	double	 d, now;

	ev_timer_stop(srv->loop, &rp->resend_w);
	if ((d = deadline(rp)) == 0)
		return;
	now = link_now(srv);
	ev_timer_set(&rp->resend_w, d > now ? d - now : 0.001, 0.);
	ev_timer_start(srv->loop, &rp->resend_w);
}

static void
resend_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;

	(void)loop;
	(void)revents;
	resend(srv);
	repl_pump(srv);
	rearm(srv);
}

/* BindUpdDelay is over: what waited goes out. */
static void
hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;

	(void)loop;
	(void)revents;
	repl_pump(srv);
	rearm(srv);
}

/* ---- start-up sync ---- */

static void
sync_start_msg(struct server *srv, uint8_t result, const char *reason)
{
	struct repl	*rp = repl_of(srv);
	struct fo_msg	*m = rp->out;

	fo_msg_init(m, FO_SYNC_START, true);
	m->ver_min = FO_VERSION_MIN;
	m->ver_max = FO_VERSION_MAX;
	m->count = result == FO_RESULT_OK ? rp->sync.announced : 0;
	lease_db_store_id(srv->db, m->store_id);
	m->last_seq = rp->sync.covered;
	m->buf_size = (uint16_t)srv->cfg.failover.sync_binding_buf_size;
	m->clock_ms = (uint64_t)link_clock_ms();
	m->result = result;
	m->present |= FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_COUNT) |
	    FO_BIT(FO_TLV_STORE_ID) | FO_BIT(FO_TLV_LAST_SEQ) |
	    FO_BIT(FO_TLV_BUF_SIZE) | FO_BIT(FO_TLV_CLOCK) |
	    FO_BIT(FO_TLV_RESULT);
	if (reason != NULL) {
		snprintf(m->reason, sizeof(m->reason), "%s", reason);
		m->present |= FO_BIT(FO_TLV_REASON);
	}
	offer_announce(srv, m);
	link_send(srv, m);
}

void
repl_sync_request(struct server *srv, const struct fo_msg *m)
{
	struct repl	*rp = repl_of(srv);
	struct repl_sync	*s = &rp->sync;
	uint8_t		 id[LEASE_DB_STORE_ID_LEN];
	uint64_t	 above = 0;
	struct repl_walk	 w;
	int		 rc;

	s->requests++;
	if (s->active && s->peer_epoch == m->hdr.epoch && s->done_seq == 0) {
		/* Its SyncReq retry crossed our SyncStart: say it again,
		 * the stream goes on (docs/failover-states.md, syncing). */
		sync_start_msg(srv, FO_RESULT_OK, NULL);
		return;
	}
	if (s->active)
		sync_stop(srv, false, "a new SyncReq replaced it");
	/* A snapshot of committed data: commit what is staged first. */
	if (gcommit_pending(&srv->gc) && srv_commit(srv) != 0) {
		s->failed++;
		snprintf(s->last_failure, sizeof(s->last_failure),
		    "lease store commit failed before the sync");
		sync_start_msg(srv, FO_RESULT_STORE_ERROR, "lease store error");
		return;
	}
	s->covered = lease_db_last_seq(srv->db);
	lease_db_store_id(srv->db, id);
	if (memcmp(id, m->store_id, sizeof(id)) == 0 &&
	    m->last_seq <= s->covered)
		above = m->last_seq;
	if ((rc = store_walk(srv, above, s->covered, &w)) != 0) {
		s->failed++;
		snprintf(s->last_failure, sizeof(s->last_failure),
		    "reading the store: %s", lease_db_strerror(rc));
		sync_start_msg(srv, FO_RESULT_STORE_ERROR, "lease store error");
		return;
	}
	free(s->list);
	s->list = w.v;
	s->nlist = w.n;
	s->next = 0;
	s->above = above;
	s->announced = w.n > UINT32_MAX ? UINT32_MAX : (uint32_t)w.n;
	s->sent = 0;
	s->done_seq = 0;
	s->peer_epoch = m->hdr.epoch;
	s->started = ev_time();
	s->finished = 0;
	s->active = true;
	fo_tx_reset(&s->tx);
	s->tx.highest_sent = 0;
	repl_recs_clear(&s->recs);
	log_info("failover: start-up sync requested; sending %zu binding%s%s",
	    w.n, w.n == 1 ? "" : "s", above ? " (changes since its copy)" :
	    "");
	sync_start_msg(srv, FO_RESULT_OK, NULL);
	sync_pump(srv);
	rearm(srv);
}

/*
 * SyncDone's UPD_SEQ is a number of our update stream that no lease will
 * ever carry (an ack of it must not be mistaken for one of a lease, nor
 * the reverse): taken from the pools' sequence, persisted as a floor
 * before it is used, so a restart never hands it out again.
 */
static int
marker_seq(struct server *srv, uint64_t *out)
{
	uint64_t seq = pool_set_next_seq(srv->pools);
	int	 rc;

	/* A failed stage spoiled the batch: the commit ends it and fails
	 * with the same error. */
	rc = lease_db_meta_set_u64(srv->db, REPL_META_SEQ_FLOOR, seq);
	if (rc == EINVAL || (rc = srv_commit(srv)) != 0)
		return rc;
	*out = seq;
	return 0;
}

static void
send_sync_done(struct server *srv)
{
	struct repl	*rp = repl_of(srv);
	struct fo_msg	*m = rp->out;

	fo_msg_init(m, FO_SYNC_DONE, true);
	m->count = rp->sync.sent;
	m->upd_seq = rp->sync.done_seq;
	m->present |= FO_BIT(FO_TLV_COUNT) | FO_BIT(FO_TLV_UPD_SEQ);
	link_send(srv, m);
}

static void
sync_pump(struct server *srv)
{
	struct repl	*rp = repl_of(srv);
	struct repl_sync	*s = &rp->sync;
	struct repl_ent	 ents[FO_MAX_UPDATES];
	size_t		 lens[FO_MAX_UPDATES], k, len;
	uint64_t	 seq;
	int		 rc;

	if (!s->active || s->done_seq != 0 || s->marking)
		return;
	while (!fo_tx_full(&s->tx) && s->next < s->nlist) {
		fo_msg_init(rp->out, FO_BIND_UPD, true);
		k = 0;
		while (s->next < s->nlist && k < FO_MAX_UPDATES &&
		    fo_tx_inflight(&s->tx) + k < s->tx.cap) {
			const struct repl_ent *e = &s->list[s->next];

			if (fetch(srv, e, k, &len) != FETCH_OK) {
				/* Changed since SyncReq: replication brings
				 * it; or too big to send at all. */
				s->next++;
				continue;
			}
			if (!fo_msg_add_update(rp->out, e->seq, rp->recbuf[k],
			    len, link_dgram_max(srv)))
				break;
			ents[k] = *e;
			lens[k] = len;
			k++;
			s->next++;
		}
		if (k == 0)
			continue;
		send_updates(srv, &s->tx, &s->recs, ents, lens, k);
		s->sent += (uint32_t)k;
		s->bindings_total += k;
	}
	if (s->next < s->nlist || fo_tx_inflight(&s->tx) > 0)
		return;
	/* Every binding acknowledged: end it with a marker the failover
	 * acknowledges too. */
	/* marker_seq commits, and a commit pumps: not again from here. */
	s->marking = true;
	rc = marker_seq(srv, &seq);
	s->marking = false;
	if (rc != 0) {
		sync_stop(srv, false, "lease store error (SyncDone number)");
		return;
	}
	s->done_seq = seq;
	if (fo_tx_sent(&s->tx, seq, 0, link_now(srv)) < 0 ||
	    repl_recs_add(&s->recs, seq, NULL, 0) < 0) {
		sync_stop(srv, false, "SyncDone out of order");
		return;
	}
	send_sync_done(srv);
}

/*
 * A complete sync delivered every lease with above < seq <= covered, each
 * acknowledged as durable.  When the stream holds nothing unconfirmed at
 * or below above (it sent and the failover confirmed, or will, all of
 * it), everything up to covered is the failover's: the stream goes on
 * from there, and what it queued up to covered is skipped (repl_send) --
 * a lease changed since is queued again under its newer sequence.  The
 * watermark then passes covered once what is in flight is acknowledged.
 * Otherwise (a SyncReq that named updates we never sent: our store was
 * restored, say) the stream sends everything it holds, as before.
 */
static void
stream_skip_synced(struct server *srv)
{
	struct repl	*rp = repl_of(srv);
	struct repl_stream *r = &rp->stream;
	const struct repl_sync *s = &rp->sync;

	if (r->paused || s->above > r->last_sent || s->covered <= r->last_sent)
		return;
	r->last_sent = s->covered;
	if (r->tx.highest_sent < s->covered)
		r->tx.highest_sent = s->covered;
}

static void
sync_stop(struct server *srv, bool ok, const char *why)
{
	struct repl_sync *s = &repl_of(srv)->sync;
	double	 secs;

	s->finished = ev_time();
	secs = s->finished - s->started;
	if (ok) {
		s->completed++;
		s->last_rate = secs > 0 ? s->sent / secs : 0;
		stream_skip_synced(srv);
		log_info("failover: start-up sync complete: %u binding%s in "
		    "%.3f s (%.0f/s)", s->sent, s->sent == 1 ? "" : "s", secs,
		    s->last_rate);
	} else {
		s->failed++;
		snprintf(s->last_failure, sizeof(s->last_failure), "%s", why);
		log_warn("failover: start-up sync abandoned after %u "
		    "binding%s: %s", s->sent, s->sent == 1 ? "" : "s", why);
	}
	s->active = false;
	fo_tx_reset(&s->tx);
	repl_recs_clear(&s->recs);
	free(s->list);
	s->list = NULL;
	s->nlist = s->next = 0;
}
