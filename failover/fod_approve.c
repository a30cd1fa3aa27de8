/*
 * A primary asks to make bindings in our share (docs/safety.md;
 * BIND_REQ / BIND_RPL in docs/failover-protocol.md).
 *
 * The primary gives a new client an address of our share only when its
 * own part is used up, and only once we have stored the binding: we may
 * be serving that share right now (the primary cannot tell a cut
 * heartbeat path from a healthy one), and any takeover must know of it.
 * So each proposed binding is checked against our copy: an address that
 * another client holds here (a live offer or binding) is refused; any
 * other is stored -- staged, loaded into the pools so we never grant it
 * ourselves, committed -- and only then approved.  An approval therefore
 * means durable here, like an ack.  A store failure approves nothing and
 * says so; the primary's client asks again.
 *
 * The verdicts wait for the group commit of the loop turn (fod_serve.c),
 * like acks: a primary whose own part has run out asks for many
 * bindings at once, and one fdatasync each would make its slow path
 * slower than it need be.
 */
#include "fod.h"
#include "lease_conflict.h"

/* The verdict on one proposal, before anything is committed. */
static uint8_t
judge(struct fod_peer *p, struct lease *l, uint64_t seq, int64_t now)
{
	struct pool	*pl = pool_set_find(p->pools, l->addr);
	int		 rc;

	/* Only a live binding of a client can be proposed, and only in a
	 * subnet we back up (else the configurations differ: the digests
	 * report it). */
	if (l->state != LEASE_BOUND || l->key.len == 0 || l->ends <= now ||
	    pl == NULL || pool_addr_kind(pl, l->addr) != POOL_ADDR_DYNAMIC)
		return FO_RESULT_REFUSED;
	/* Two live records of different clients: the conflict rule's
	 * definition, which this approval must never create. */
	switch (lease_conflict_decide(pool_lease_at(pl, l->addr), l, now)) {
	case LEASE_APPLY_CONFLICT_OURS:
	case LEASE_APPLY_CONFLICT_THEIRS:
		return FO_RESULT_IN_USE;
	default:
		break;
	}
	/* The primary's record, in its numbering (fod_sync.c). */
	l->seq = seq & ~FOD_LOCAL_SEQ_BIT;
	rc = lease_db_stage(p->db, l);
	if (rc != 0)
		return FO_RESULT_STORE_ERROR;
	pool_load_lease(p->pools, l);
	return FO_RESULT_OK;
}

static void
answer(struct fod_peer *p, uint64_t seq, uint8_t result)
{
	struct fo_msg *m = p->proto.mt;

	fod_msg_init_to_primary(p, m, FO_BIND_RPL);
	m->present |= FO_BIT(FO_TLV_UPD_SEQ) | FO_BIT(FO_TLV_RESULT);
	m->upd_seq = seq;
	m->result = result;
	(void)fod_msg_send(p, m);
}

void
fod_approve_committed(struct fod_peer *p, int rc)
{
	for (size_t i = 0; i < p->approve.nverdicts; i++) {
		struct fod_verdict *v = &p->approve.verdicts[i];

		if (v->result == FO_RESULT_OK && rc != 0)
			v->result = FO_RESULT_STORE_ERROR;
		if (v->result == FO_RESULT_OK)
			p->approve.ctr.granted++;
		else
			p->approve.ctr.refused++;
		answer(p, v->seq, v->result);
	}
	p->approve.nverdicts = 0;
}

void
fod_approve_on_req(struct fod_peer *p, const struct fo_msg *m,
    bool restarted)
{
	struct fod_event ev = { .type = FOD_EV_BIND_UPD,
	    .primary_restarted = restarted };
	int64_t	 now = (int64_t)ev_now(p->loop);

	for (size_t i = 0; i < m->n_updates; i++) {
		const struct fo_update *u = &m->updates[i];
		struct fod_verdict *v;
		struct lease l;

		if (!lease_decode(u->lease, u->lease_len, &l)) {
			/* Not answered: the primary's wait runs out. */
			fod_reject(p, FO_REJ_BAD_LEASE, "in bind-req");
			continue;
		}
		/* Full: answer what waits (this commits). */
		if (p->approve.nverdicts == FOD_VERDICTS_MAX)
			(void)fod_commit(p);
		v = &p->approve.verdicts[p->approve.nverdicts++];
		v->seq = u->seq;
		v->result = judge(p, &l, u->seq, now);
	}
	/* Answered after the loop turn's commit: an approval means
	 * durable here. */
	if (p->approve.nverdicts > 0)
		fod_commit_soon(p);
	fod_peer_changed(p);
	/* Like a binding update, it answers a poll (fod_fsm.c). */
	fod_peer_event(p, &ev);
}
