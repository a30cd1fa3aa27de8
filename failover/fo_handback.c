/*
 * Return of control, subnet by subnet (seed 3 figure 5; DESIGN 3;
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
 * FO_LOCAL_SEQ_BIT above fo_hb_through), or every binding we hold for
 * the primary when its store is not the one our copy came from (its disk
 * was replaced: DESIGN 2, "the failover doubles as the primary's
 * backup").  After a complete hand-back fo_hb_through moves past every
 * local sequence handed out, which is how "stored again with the bit
 * cleared" is kept without rewriting each record.
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

enum begin_res { HB_STARTED, HB_SKIPPED, HB_FAILED };

static void	retry_cb(struct ev_loop *, ev_timer *, int);

int
fo_hb_init(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;
	size_t	 n = p->view.nsubnets;

	hb->cur = SIZE_MAX;
	if ((hb->sub = calloc(n ? n : 1, sizeof(*hb->sub))) == NULL ||
	    (hb->local = calloc(n ? n : 1, sizeof(*hb->local))) == NULL)
		return -1;
	if (fo_tx_init(&hb->tx, FO_HB_WINDOW, p->policy.wait_sync_bind_ack,
	    p->policy.sync_bind_retry_max) < 0)
		return -1;
	ev_timer_init(&hb->retry_w, retry_cb, 1.0, 0.0);
	hb->retry_w.data = p;
	return 0;
}

void
fo_hb_free(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;

	if (p->loop != NULL)
		ev_timer_stop(p->loop, &hb->retry_w);
	if (hb->local != NULL)
		for (size_t i = 0; i < p->view.nsubnets; i++)
			free(hb->local[i].v);
	free(hb->local);
	free(hb->sub);
	free(hb->ents);
	fo_tx_free(&hb->tx);
	memset(hb, 0, sizeof(*hb));
}

void
fo_hb_set_policy(struct fo_peer *p)
{
	fo_tx_set_policy(&p->hb.tx, p->policy.wait_sync_bind_ack,
	    p->policy.sync_bind_retry_max);
}

void
fo_hb_note_local(struct fo_peer *p, size_t subnet, uint32_t addr)
{
	struct fo_addrvec *v;

	if (subnet >= p->view.nsubnets)
		return;
	v = &p->hb.local[subnet];
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 256;
		uint32_t *nv = realloc(v->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			/* Without the note the grant would not be handed
			 * back unless the store is walked: force that. */
			p->p_store_changed = true;
			return;
		}
		v->v = nv;
		v->cap = ncap;
	}
	v->v[v->n++] = addr;
}

static bool
ours(const struct fo_peer *p, const struct lease *l)
{
	return (l->seq & FO_LOCAL_SEQ_BIT) != 0 && l->seq > p->hb_through;
}

static int
ent_add(struct fo_peer *p, const struct lease *l)
{
	struct fo_hb *hb = &p->hb;
	struct fo_hb_ent *e;
	size_t	 len;

	/* Offers are never stored; free addresses tell the primary
	 * nothing it does not know. */
	if (l->state == LEASE_OFFERED || l->state == LEASE_FREE)
		return 0;
	if (hb->n == hb->ents_cap) {
		size_t ncap = hb->ents_cap ? hb->ents_cap * 2 : 1024;
		struct fo_hb_ent *nv = realloc(hb->ents, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		hb->ents = nv;
		hb->ents_cap = ncap;
	}
	e = &hb->ents[hb->n];
	len = lease_encode(l, e->rec, sizeof(e->rec));
	if (len == 0 || len > p->lease_max) {
		/* SyncBindingBufSize below the record: cannot be sent
		 * (protocol 9.4); counted and shown in status. */
		hb->skipped_big++;
		return 0;
	}
	e->len = (uint16_t)len;
	e->addr = l->addr;
	hb->n++;
	return 0;
}

struct walk {
	struct fo_peer	*p;
	uint32_t	 lo, hi;
	int		 err;
};

static int
walk_cb(const struct lease *l, void *arg)
{
	struct walk *w = arg;

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
collect(struct fo_peer *p, size_t i)
{
	const struct cfg_subnet *sn = &p->view.subnets[i];
	struct fo_hb *hb = &p->hb;
	struct fo_addrvec *v = &hb->local[i];
	struct lease l;
	size_t	 k, u = 0;
	int	 rc;

	hb->n = 0;
	if (hb->full) {
		struct walk w = { .p = p, .lo = sn->network,
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
send_marker(struct fo_peer *p, uint8_t type, uint64_t seq)
{
	const struct cfg_subnet *sn = &p->view.subnets[p->hb.cur];
	struct fo_msg *m = p->mt;

	fo_msg_init_to_primary(p, m, type);
	m->present |= FO_BIT(FO_TLV_SUBNET) | FO_BIT(FO_TLV_COUNT) |
	    FO_BIT(FO_TLV_UPD_SEQ);
	m->subnet = sn->network;
	m->subnet_prefix = sn->prefix;
	m->count = (uint32_t)p->hb.n;
	m->upd_seq = seq;
	(void)fo_msg_send(p, m);
}

static void
arm_retry(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;
	double	 d = fo_tx_deadline(&hb->tx), in;

	ev_timer_stop(p->loop, &hb->retry_w);
	if (d == 0)
		return;
	in = d - ev_now(p->loop);
	ev_timer_set(&hb->retry_w, in > 0.001 ? in : 0.001, 0.0);
	ev_timer_start(p->loop, &hb->retry_w);
}

/* Fill the window: as many updates as it takes, packed per datagram. */
static void
pump(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;
	struct fo_msg *m = p->mt;
	double	 now = ev_now(p->loop);

	while (hb->next < hb->n && !fo_tx_full(&hb->tx)) {
		size_t	 room = hb->tx.cap - fo_tx_inflight(&hb->tx);
		size_t	 k0 = hb->next;

		fo_msg_init_to_primary(p, m, FO_BIND_UPD);
		while (hb->next < hb->n && hb->next - k0 < room) {
			struct fo_hb_ent *e = &hb->ents[hb->next];

			if (!fo_msg_add_update(m, e->seq, e->rec, e->len,
			    p->dgram_max))
				break;
			hb->next++;
		}
		if (hb->next == k0)
			break;		/* cannot happen: one always fits */
		(void)fo_msg_send(p, m);
		for (size_t k = k0; k < hb->next; k++)
			(void)fo_tx_sent(&hb->tx, hb->ents[k].seq,
			    hb->ents[k].addr, now);
	}
	if (hb->next == hb->n && !hb->done_sent &&
	    fo_tx_inflight(&hb->tx) == 0) {
		/* Step 4: every update is acknowledged (durable there). */
		send_marker(p, FO_SUBNET_SYNC_DONE, hb->base + hb->n + 1);
		(void)fo_tx_sent(&hb->tx, hb->base + hb->n + 1, 0, now);
		hb->done_sent = true;
	}
	arm_retry(p);
}

static enum begin_res
begin(struct fo_peer *p, size_t i)
{
	struct fo_hb *hb = &p->hb;
	const struct cfg_subnet *sn = &p->view.subnets[i];
	struct pool *pl = pool_set_get(p->pools, i);
	int	 rc;

	hb->cur = i;
	hb->was_serving = pool_is_serving(pl);
	fo_peer_serve(p, i, false);
	hb->sub[i] = FO_SUB_SYNCING;
	/* Grants of this subnet up to now must be in the store we read. */
	if (fo_commit(p) != 0 || (rc = collect(p, i)) != 0) {
		log_err("primary=%s: hand-back of subnet %s: cannot read the "
		    "lease store", p->name, sn->name);
		return HB_FAILED;
	}
	/*
	 * After a monitoring-only return (the primary restarted before we
	 * noticed) a subnet with nothing of ours changes nothing for the
	 * primary: CtlRet covers it.  After a takeover every subnet goes
	 * through the markers, so each one changes hands on its own.
	 */
	if (!hb->from_takeover && hb->n == 0) {
		hb->sub[i] = FO_SUB_BACK;
		hb->cur = SIZE_MAX;
		return HB_SKIPPED;
	}
	hb->base = fo_store_local_seq(p);
	for (size_t k = 0; k < hb->n; k++)
		hb->ents[k].seq = fo_store_local_seq(p);
	(void)fo_store_local_seq(p);		/* the DONE marker */
	/* Numbers handed out are on disk before they are on the wire. */
	if (fo_store_save(p) != 0) {
		log_err("primary=%s: hand-back of subnet %s: cannot save the "
		    "sequence", p->name, sn->name);
		return HB_FAILED;
	}
	fo_tx_reset(&hb->tx);
	hb->next = 0;
	hb->done_sent = false;
	log_info("primary=%s: handing back subnet %s: %zu binding%s", p->name,
	    sn->name, hb->n, hb->n == 1 ? "" : "s");
	send_marker(p, FO_SUBNET_SYNC_START, hb->base);
	(void)fo_tx_sent(&hb->tx, hb->base, 0, ev_now(p->loop));
	pump(p);
	p->snap_dirty = true;
	return HB_STARTED;
}

static void
fail(struct fo_peer *p, const char *detail)
{
	struct fo_hb *hb = &p->hb;

	if (hb->cur != SIZE_MAX) {
		if (hb->was_serving)
			fo_peer_serve(p, hb->cur, true);
		hb->sub[hb->cur] = FO_SUB_HELD;
	}
	ev_timer_stop(p->loop, &hb->retry_w);
	fo_tx_reset(&hb->tx);
	hb->cur = SIZE_MAX;
	hb->active = false;
	fo_peer_event_simple(p, FO_EV_HANDBACK_FAILED, detail);
}

static void
all_done(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;

	hb->active = false;
	hb->cur = SIZE_MAX;
	ev_timer_stop(p->loop, &hb->retry_w);
	/* Every local sequence so far was handed back. */
	p->hb_through = FO_LOCAL_SEQ_BIT | p->local_seq;
	for (size_t i = 0; i < p->view.nsubnets; i++)
		hb->local[i].n = 0;
	if (hb->full && p->ctl_store_known)
		fo_store_adopt_primary(p, p->ctl_store_id);
	(void)fo_store_save(p);
	p->last_hb_leases = hb->sent_total;
	hb->ctl_ret_count = hb->sent_total;
	p->last_hb_secs = ev_now(p->loop) - hb->started;
	log_info("primary=%s: hand-back complete: %zu binding%s in %.3f s%s",
	    p->name, hb->sent_total, hb->sent_total == 1 ? "" : "s",
	    p->last_hb_secs, hb->skipped_big ? "; some records were larger "
	    "than SyncBindingBufSize and not sent" : "");
	fo_peer_event_simple(p, FO_EV_ALL_HANDED_BACK, NULL);
}

/* Hand back the first subnet still held; when none is left, done. */
static void
advance(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;
	char	 detail[FSM_REASON_MAX + 1];

	for (size_t i = 0; i < p->view.nsubnets; i++) {
		if (hb->sub[i] == FO_SUB_BACK)
			continue;
		switch (begin(p, i)) {
		case HB_STARTED:
			return;
		case HB_SKIPPED:
			continue;
		case HB_FAILED:
			snprintf(detail, sizeof(detail), "subnet %s: lease "
			    "store error", p->view.subnets[i].name);
			fail(p, detail);
			return;
		}
	}
	all_done(p);
}

void
fo_hb_start(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;

	if (hb->cur != SIZE_MAX) {
		/* Restart (the primary restarted meanwhile): the subnet in
		 * progress goes through the markers again. */
		ev_timer_stop(p->loop, &hb->retry_w);
		hb->cur = SIZE_MAX;
	}
	hb->active = true;
	hb->from_takeover = p->fsm.returning_from_takeover;
	if (p->ctl_store_known)
		hb->full = !p->p_store_known || memcmp(p->ctl_store_id,
		    p->p_store_id, FO_STORE_ID_LEN) != 0;
	else
		hb->full = !p->p_store_known || p->p_store_changed;
	hb->started = ev_now(p->loop);
	hb->sent_total = 0;
	hb->skipped_big = 0;
	/* A hand-back always starts over from the first subnet: one that
	 * went back before a failure or restart goes through the markers
	 * again, which is harmless and gives the primary its bindings. */
	for (size_t i = 0; i < p->view.nsubnets; i++)
		if (hb->sub[i] != FO_SUB_HELD && !pool_is_serving(
		    pool_set_get(p->pools, i)))
			hb->sub[i] = FO_SUB_HELD;
	fo_tx_reset(&hb->tx);
	log_info("primary=%s: handing back %s, subnet by subnet", p->name,
	    hb->full ? "every binding we hold (its lease store is not the "
	    "one our copy came from)" : "the bindings we changed");
	advance(p);
}

void
fo_hb_next(struct fo_peer *p)
{
	if (p->hb.active)
		advance(p);
}

void
fo_hb_abort(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;

	if (hb->cur != SIZE_MAX) {
		if (hb->was_serving)
			fo_peer_serve(p, hb->cur, true);
		hb->sub[hb->cur] = FO_SUB_HELD;
	}
	ev_timer_stop(p->loop, &hb->retry_w);
	fo_tx_reset(&hb->tx);
	hb->cur = SIZE_MAX;
	hb->active = false;
}

static void
subnet_done(struct fo_peer *p)
{
	struct fo_hb *hb = &p->hb;
	size_t	 i = hb->cur;

	hb->sub[i] = FO_SUB_BACK;
	hb->sent_total += hb->n;
	p->snap_dirty = true;
	ev_timer_stop(p->loop, &hb->retry_w);
	log_info("primary=%s: subnet %s handed back (%zu binding%s)", p->name,
	    p->view.subnets[i].name, hb->n, hb->n == 1 ? "" : "s");
	hb->cur = SIZE_MAX;
	fo_peer_event_simple(p, FO_EV_SUBNET_HANDED_BACK, NULL);
}

void
fo_hb_on_ack(struct fo_peer *p, const struct fo_msg *m)
{
	struct fo_hb *hb = &p->hb;

	/* Acks of an abandoned hand-back are stale: nothing to do. */
	if (!hb->active || hb->cur == SIZE_MAX)
		return;
	for (size_t i = 0; i < m->n_acks; i++)
		fo_tx_ack(&hb->tx, m->acks[i].first, m->acks[i].last);
	if (hb->done_sent && fo_tx_inflight(&hb->tx) == 0)
		subnet_done(p);
	else
		pump(p);
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fo_peer *p = w->data;
	struct fo_hb *hb = &p->hb;
	struct fo_msg *m = p->mt;
	struct fo_tx_entry e;
	enum fo_tx_due d;
	bool	 open = false;
	char	 detail[FSM_REASON_MAX + 1];

	(void)loop;
	(void)revents;
	if (hb->cur == SIZE_MAX)
		return;
	while ((d = fo_tx_due(&hb->tx, ev_now(p->loop), &e)) != FO_TX_NONE) {
		if (d == FO_TX_FAILED) {
			if (open)
				(void)fo_msg_send(p, m);
			snprintf(detail, sizeof(detail), "subnet %s: no ack "
			    "after %u tries", p->view.subnets[hb->cur].name,
			    p->policy.sync_bind_retry_max + 1);
			log_warn("primary=%s: hand-back of %s", p->name,
			    detail);
			fail(p, detail);
			return;
		}
		if (e.seq == hb->base || e.seq == hb->base + hb->n + 1) {
			/* send_marker builds in the same scratch. */
			if (open)
				(void)fo_msg_send(p, m);
			open = false;
			send_marker(p, e.seq == hb->base ?
			    FO_SUBNET_SYNC_START : FO_SUBNET_SYNC_DONE, e.seq);
			continue;
		}
		/* An update: resent with a fresh header (protocol 7),
		 * several per datagram when they are due together. */
		{
			struct fo_hb_ent *x = &hb->ents[e.seq - hb->base - 1];

			if (open && !fo_msg_add_update(m, x->seq, x->rec,
			    x->len, p->dgram_max)) {
				(void)fo_msg_send(p, m);
				open = false;
			}
			if (!open) {
				fo_msg_init_to_primary(p, m, FO_BIND_UPD);
				open = true;
				(void)fo_msg_add_update(m, x->seq, x->rec,
				    x->len, p->dgram_max);
			}
		}
	}
	if (open)
		(void)fo_msg_send(p, m);
	arm_retry(p);
}
