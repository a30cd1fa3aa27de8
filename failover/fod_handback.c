/*
 * Return of control, subnet by subnet (docs/design.md §3, §7.4;
 * docs/failover-design.md "Hand-back, subnet by subnet"):
 *
 *   1. stop serving the subnet; commit what is staged;
 *   2. SUBNET_SYNC_START(subnet, count) -- the primary stops serving it
 *      too: while a subnet syncs neither server grants from it;
 *   3. its bindings as BIND_UPD, a window of them in flight (fo_stream);
 *   4. once every one is acknowledged, SUBNET_SYNC_DONE(subnet, count);
 *   5. the primary's acknowledgement of SUBNET_SYNC_DONE is its echo: it
 *      serves the subnet from then on; we go on with the next one.
 *
 * The markers carry an UPD_SEQ (protocol 5.4), so they are acknowledged
 * and retried like updates.  A subnet's stream is numbered contiguously
 * (START = base, its updates base+1 .. base+n, DONE = base+n+1) from the
 * persistent local sequence, so a number is never reused, even after a
 * restart, and the primary can tell when it holds all of a subnet.
 *
 * What is handed back: the bindings we changed ourselves (sequence with
 * FOD_LOCAL_SEQ_BIT above fod_handback_through), or every binding we hold for
 * the primary when its store is not the one our copy came from (its disk
 * was replaced: docs/design.md §2, the failover doubles as the
 * primary's backup).  After a complete hand-back fod_handback_through moves
 * past every local sequence handed out, which is how "stored again with the
 * bit cleared" is kept without rewriting each record.
 *
 * Retries: an update or marker unacknowledged after WaitSyncBindAckSecs
 * is resent, SyncBindRetryMax times; then the subnet's hand-back failed:
 * we serve it again (if we served it before) and tell the machine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fod.h"

enum begin_res { HANDBACK_STARTED, HANDBACK_SKIPPED, HANDBACK_FAILED };

static void	retry_cb(struct ev_loop *, ev_timer *, int);

int
fod_handback_init(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;
	size_t	 n = p->view.nsubnets;

	h->st.cur = SIZE_MAX;
	if ((h->sub = calloc(n ? n : 1, sizeof(*h->sub))) == NULL ||
	    (h->local = calloc(n ? n : 1, sizeof(*h->local))) == NULL)
		return -1;
	if (fo_tx_init(&h->tx, FOD_HANDBACK_WINDOW,
	    p->policy.wait_sync_bind_ack, p->policy.sync_bind_retry_max) < 0)
		return -1;
	ev_timer_init(&h->retry_w, retry_cb, 1.0, 0.0);
	h->retry_w.data = p;
	return 0;
}

void
fod_handback_free(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;

	if (p->loop != NULL)
		ev_timer_stop(p->loop, &h->retry_w);
	if (h->local != NULL)
		for (size_t i = 0; i < p->view.nsubnets; i++)
			free(h->local[i].v);
	free(h->local);
	free(h->sub);
	free(h->ents);
	fo_tx_free(&h->tx);
	memset(h, 0, sizeof(*h));
}

void
fod_handback_set_policy(struct fod_peer *p)
{
	fo_tx_set_policy(&p->handback.tx, p->policy.wait_sync_bind_ack,
	    p->policy.sync_bind_retry_max);
}

void
fod_handback_hold_all(struct fod_peer *p)
{
	for (size_t i = 0; i < p->view.nsubnets; i++)
		p->handback.sub[i] = FOD_SUB_HELD;
}

size_t
fod_handback_take_ctl_count(struct fod_peer *p)
{
	size_t	 n = p->handback.ctl_ret_count;

	p->handback.ctl_ret_count = 0;
	return n;
}

void
fod_handback_note_local(struct fod_peer *p, size_t subnet, uint32_t addr)
{
	struct fod_addrvec *v;

	if (subnet >= p->view.nsubnets)
		return;
	v = &p->handback.local[subnet];
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 256;
		uint32_t *nv = realloc(v->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			/* Without the note the grant would not be handed
			 * back unless the store is walked: force that. */
			fod_store_primary_changed(p);
			return;
		}
		v->v = nv;
		v->cap = ncap;
	}
	v->v[v->n++] = addr;
}

static bool
ours(const struct fod_peer *p, const struct lease *l)
{
	return (l->seq & FOD_LOCAL_SEQ_BIT) != 0 &&
	    l->seq > p->meta.handback_through;
}

static int
ent_add(struct fod_peer *p, const struct lease *l)
{
	struct fod_handback *h = &p->handback;
	struct fod_handback_ent *e;
	size_t	 len;

	/* Offers are never stored; free addresses tell the primary
	 * nothing it does not know. */
	if (l->state == LEASE_OFFERED || l->state == LEASE_FREE)
		return 0;
	if (h->n == h->ents_cap) {
		size_t ncap = h->ents_cap ? h->ents_cap * 2 : 1024;
		struct fod_handback_ent *nv = realloc(h->ents,
		    ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		h->ents = nv;
		h->ents_cap = ncap;
	}
	e = &h->ents[h->n];
	len = lease_encode(l, e->rec, sizeof(e->rec));
	if (len == 0 || len > p->proto.lease_max) {
		/* SyncBindingBufSize below the record: cannot be sent
		 * (protocol 9.4); counted and shown in status. */
		h->skipped_big++;
		return 0;
	}
	e->len = (uint16_t)len;
	e->addr = l->addr;
	h->n++;
	return 0;
}

struct handback_walk {
	struct fod_peer	*p;
	uint32_t	 lo, hi;
	int		 err;
};

static int
walk_cb(const struct lease *l, void *arg)
{
	struct handback_walk *w = arg;

	if (l->addr < w->lo || l->addr > w->hi)
		return 0;
	return ent_add(w->p, l) < 0 ? ENOMEM : 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The bindings of subnet i to hand back, in address order. */
static int
collect(struct fod_peer *p, size_t i)
{
	const struct cfg_subnet *sn = &p->view.subnets[i];
	struct fod_handback *h = &p->handback;
	struct fod_addrvec *v = &h->local[i];
	struct lease l;
	size_t	 k, u = 0;
	int	 rc;

	h->n = 0;
	if (h->st.full) {
		struct handback_walk w = { .p = p, .lo = sn->network,
		    .hi = sn->network | ~sn->mask };

		return lease_db_foreach(p->db, walk_cb, &w);
	}
	/* Addresses we granted, once each (the list keeps duplicates). */
	if (v->n > 0)
		qsort(v->v, v->n, sizeof(v->v[0]), cmp_u32);
	for (k = 0; k < v->n; k++)
		if (u == 0 || v->v[k] != v->v[u - 1])
			v->v[u++] = v->v[k];
	v->n = u;
	for (k = 0; k < v->n; k++) {
		rc = lease_db_get(p->db, v->v[k], &l);
		if (rc == ENOENT || rc == EBADMSG)
			continue;
		if (rc != 0)
			return rc;
		if (ours(p, &l) && ent_add(p, &l) < 0)
			return ENOMEM;
	}
	return 0;
}

static void
send_marker(struct fod_peer *p, uint8_t type, uint64_t seq)
{
	const struct cfg_subnet *sn = &p->view.subnets[p->handback.st.cur];
	struct fo_msg *m = p->proto.mt;

	fod_msg_init_to_primary(p, m, type);
	m->present |= FO_BIT(FO_TLV_SUBNET) | FO_BIT(FO_TLV_COUNT) |
	    FO_BIT(FO_TLV_UPD_SEQ);
	m->subnet = sn->network;
	m->subnet_prefix = sn->prefix;
	m->count = (uint32_t)p->handback.n;
	m->upd_seq = seq;
	(void)fod_msg_send(p, m);
}

static void
arm_retry(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;
	double	 d = fo_tx_deadline(&h->tx), in;

	ev_timer_stop(p->loop, &h->retry_w);
	if (d == 0)
		return;
	in = d - ev_now(p->loop);
	ev_timer_set(&h->retry_w, in > 0.001 ? in : 0.001, 0.0);
	ev_timer_start(p->loop, &h->retry_w);
}

/* Fill the window: as many updates as it takes, packed per datagram. */
static void
pump(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;
	struct fo_msg *m = p->proto.mt;
	double	 now = ev_now(p->loop);

	while (h->next < h->n && !fo_tx_full(&h->tx)) {
		size_t	 room = h->tx.cap - fo_tx_inflight(&h->tx);
		size_t	 k0 = h->next;

		fod_msg_init_to_primary(p, m, FO_BIND_UPD);
		while (h->next < h->n && h->next - k0 < room) {
			struct fod_handback_ent *e = &h->ents[h->next];

			if (!fo_msg_add_update(m, e->seq, e->rec, e->len,
			    p->dgram_max))
				break;
			h->next++;
		}
		if (h->next == k0)
			break;	/* cannot happen: one always fits */
		(void)fod_msg_send(p, m);
		for (size_t k = k0; k < h->next; k++)
			(void)fo_tx_sent(&h->tx, h->ents[k].seq,
			    h->ents[k].addr, now);
	}
	if (h->next == h->n && !h->done_sent &&
	    fo_tx_inflight(&h->tx) == 0) {
		/* Step 4: every update is acknowledged (durable there). */
		send_marker(p, FO_SUBNET_SYNC_DONE, h->base + h->n + 1);
		(void)fo_tx_sent(&h->tx, h->base + h->n + 1, 0, now);
		h->done_sent = true;
	}
	arm_retry(p);
}

static enum begin_res
begin(struct fod_peer *p, size_t i)
{
	struct fod_handback *h = &p->handback;
	const struct cfg_subnet *sn = &p->view.subnets[i];
	struct pool *pl = pool_set_get(p->pools, i);
	int	 rc;

	h->st.cur = i;
	h->was_serving = pool_is_serving(pl);
	fod_peer_serve(p, i, false);
	h->sub[i] = FOD_SUB_SYNCING;
	/* Grants of this subnet up to now must be in the store we read. */
	if (fod_commit(p) != 0 || (rc = collect(p, i)) != 0) {
		log_err("primary=%s: hand-back of subnet %s: cannot read the "
		    "lease store", p->name, sn->name);
		return HANDBACK_FAILED;
	}
	/*
	 * After a monitoring-only return (the primary restarted before we
	 * noticed) a subnet with nothing of ours changes nothing for the
	 * primary: CtlRet covers it.  After a takeover every subnet goes
	 * through the markers, so each one changes hands on its own.
	 */
	if (!h->from_takeover && h->n == 0) {
		h->sub[i] = FOD_SUB_BACK;
		h->st.cur = SIZE_MAX;
		return HANDBACK_SKIPPED;
	}
	h->base = fod_store_local_seq(p);
	for (size_t k = 0; k < h->n; k++)
		h->ents[k].seq = fod_store_local_seq(p);
	(void)fod_store_local_seq(p);		/* the DONE marker */
	/* Numbers handed out are on disk before they are on the wire. */
	if (fod_store_save(p) != 0) {
		log_err("primary=%s: hand-back of subnet %s: cannot save the "
		    "sequence", p->name, sn->name);
		return HANDBACK_FAILED;
	}
	fo_tx_reset(&h->tx);
	h->next = 0;
	h->done_sent = false;
	log_info("primary=%s: handing back subnet %s: %zu binding%s", p->name,
	    sn->name, h->n, h->n == 1 ? "" : "s");
	send_marker(p, FO_SUBNET_SYNC_START, h->base);
	(void)fo_tx_sent(&h->tx, h->base, 0, ev_now(p->loop));
	pump(p);
	fod_peer_changed(p);
	return HANDBACK_STARTED;
}

static void
fail(struct fod_peer *p, const char *detail)
{
	fod_handback_abort(p);
	fod_peer_event_simple(p, FOD_EV_HANDBACK_FAILED, detail);
}

static void
all_done(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;

	h->active = false;
	h->st.cur = SIZE_MAX;
	ev_timer_stop(p->loop, &h->retry_w);
	/* Every local sequence so far was handed back. */
	fod_store_handed_back(p);
	for (size_t i = 0; i < p->view.nsubnets; i++)
		h->local[i].n = 0;
	if (h->st.full && p->proto.ctl_store_known)
		fod_store_adopt_primary(p, p->proto.ctl_store_id);
	(void)fod_store_save(p);
	p->handback.st.last_leases = h->st.sent_total;
	h->ctl_ret_count = h->st.sent_total;
	p->handback.st.last_secs = ev_now(p->loop) - h->started;
	log_info("primary=%s: hand-back complete: %zu binding%s in %.3f s%s",
	    p->name, h->st.sent_total,
	    h->st.sent_total == 1 ? "" : "s", h->st.last_secs,
	    h->skipped_big ? "; some records were larger than "
	    "SyncBindingBufSize and not sent" : "");
	fod_peer_event_simple(p, FOD_EV_ALL_HANDED_BACK, NULL);
}

/* Hand back the first subnet still held; when none is left, done. */
static void
advance(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;
	char	 detail[FSM_REASON_MAX + 1];

	for (size_t i = 0; i < p->view.nsubnets; i++) {
		if (h->sub[i] == FOD_SUB_BACK)
			continue;
		switch (begin(p, i)) {
		case HANDBACK_STARTED:
			return;
		case HANDBACK_SKIPPED:
			continue;
		case HANDBACK_FAILED:
			snprintf(detail, sizeof(detail), "subnet %s: lease "
			    "store error", p->view.subnets[i].name);
			fail(p, detail);
			return;
		}
	}
	all_done(p);
}

void
fod_handback_start(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;

	if (h->st.cur != SIZE_MAX) {
		/* Restart (the primary restarted meanwhile): the subnet in
		 * progress goes through the markers again. */
		ev_timer_stop(p->loop, &h->retry_w);
		h->st.cur = SIZE_MAX;
	}
	h->active = true;
	h->from_takeover = p->act.fsm.returning_from_takeover;
	if (p->proto.ctl_store_known)
		h->st.full = !p->meta.p_store_known ||
		    memcmp(p->proto.ctl_store_id, p->meta.p_store_id,
		    FO_STORE_ID_LEN) != 0;
	else
		h->st.full = !p->meta.p_store_known ||
		    p->meta.p_store_changed;
	h->started = ev_now(p->loop);
	h->st.sent_total = 0;
	h->skipped_big = 0;
	/* A hand-back always starts over from the first subnet: one that
	 * went back before a failure or restart goes through the markers
	 * again, which is harmless and gives the primary its bindings. */
	for (size_t i = 0; i < p->view.nsubnets; i++)
		if (h->sub[i] != FOD_SUB_HELD && !pool_is_serving(
		    pool_set_get(p->pools, i)))
			h->sub[i] = FOD_SUB_HELD;
	fo_tx_reset(&h->tx);
	log_info("primary=%s: handing back %s, subnet by subnet", p->name,
	    h->st.full ? "every binding we hold (its lease store is not the "
	    "one our copy came from)" : "the bindings we changed");
	advance(p);
}

void
fod_handback_next(struct fod_peer *p)
{
	if (p->handback.active)
		advance(p);
}

void
fod_handback_abort(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;

	if (h->st.cur != SIZE_MAX) {
		if (h->was_serving)
			fod_peer_serve(p, h->st.cur, true);
		h->sub[h->st.cur] = FOD_SUB_HELD;
	}
	ev_timer_stop(p->loop, &h->retry_w);
	fo_tx_reset(&h->tx);
	h->st.cur = SIZE_MAX;
	h->active = false;
}

static void
subnet_done(struct fod_peer *p)
{
	struct fod_handback *h = &p->handback;
	size_t	 i = h->st.cur;

	h->sub[i] = FOD_SUB_BACK;
	h->st.sent_total += h->n;
	fod_peer_changed(p);
	ev_timer_stop(p->loop, &h->retry_w);
	log_info("primary=%s: subnet %s handed back (%zu binding%s)", p->name,
	    p->view.subnets[i].name, h->n, h->n == 1 ? "" : "s");
	h->st.cur = SIZE_MAX;
	fod_peer_event_simple(p, FOD_EV_SUBNET_HANDED_BACK, NULL);
}

void
fod_handback_on_ack(struct fod_peer *p, const struct fo_msg *m)
{
	struct fod_handback *h = &p->handback;

	/* Acks of an abandoned hand-back are stale: nothing to do. */
	if (!h->active || h->st.cur == SIZE_MAX)
		return;
	for (size_t i = 0; i < m->n_acks; i++)
		fo_tx_ack(&h->tx, m->acks[i].first, m->acks[i].last);
	if (h->done_sent && fo_tx_inflight(&h->tx) == 0)
		subnet_done(p);
	else
		pump(p);
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fod_peer *p = w->data;
	struct fod_handback *h = &p->handback;
	struct fo_msg *m = p->proto.mt;
	struct fo_tx_entry e;
	enum fo_tx_due d;
	bool	 open = false;
	char	 detail[FSM_REASON_MAX + 1];

	(void)loop;
	(void)revents;
	if (h->st.cur == SIZE_MAX)
		return;
	while ((d = fo_tx_due(&h->tx, ev_now(p->loop), &e)) != FO_TX_NONE) {
		if (d == FO_TX_FAILED) {
			if (open)
				(void)fod_msg_send(p, m);
			snprintf(detail, sizeof(detail), "subnet %s: no ack "
			    "after %u tries", p->view.subnets[h->st.cur].name,
			    p->policy.sync_bind_retry_max + 1);
			log_warn("primary=%s: hand-back of %s", p->name,
			    detail);
			fail(p, detail);
			return;
		}
		if (e.seq == h->base || e.seq == h->base + h->n + 1) {
			/* send_marker builds in the same scratch. */
			if (open)
				(void)fod_msg_send(p, m);
			open = false;
			send_marker(p, e.seq == h->base ?
			    FO_SUBNET_SYNC_START : FO_SUBNET_SYNC_DONE, e.seq);
			continue;
		}
		/* An update: resent with a fresh header (protocol 7),
		 * several per datagram when they are due together. */
		{
			struct fod_handback_ent *x =
			    &h->ents[e.seq - h->base - 1];

			if (open && !fo_msg_add_update(m, x->seq, x->rec,
			    x->len, p->dgram_max)) {
				(void)fod_msg_send(p, m);
				open = false;
			}
			if (!open) {
				fod_msg_init_to_primary(p, m, FO_BIND_UPD);
				open = true;
				(void)fo_msg_add_update(m, x->seq, x->rec,
				    x->len, p->dgram_max);
			}
		}
	}
	if (open)
		(void)fod_msg_send(p, m);
	arm_retry(p);
}
