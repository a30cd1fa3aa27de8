/*
 * Receiving the hand-back (docs/design.md §3; docs/failover-design.md
 * "Hand-back, subnet by subnet", "Conflicts"): the failover returns the
 * bindings it made while it served for us, subnet by subnet, then CtlRet.
 * The state is this file's own (handback.h).
 *
 *	SubnetSyncStart(s)	stop serving s: neither server grants from
 *				it while it syncs (also while we serve: a
 *				healed partition)
 *	BindUpd			apply each binding (conflict rule),
 *				stage it, and acknowledge it only after the
 *				group commit that made it durable
 *	SubnetSyncDone(s)	once what came before it is committed, ack
 *				its UPD_SEQ (the "echo": SubnetSyncDone is
 *				F->P only on the wire) and serve s again
 *	CtlRet			(link.c) serve everything
 *
 * Conflict rule (common/store/lease_conflict.c, the failover's too): the newer
 * record stays -- later `starts`, then later `cltt`, then later `ends`,
 * then a tie-break on fields both servers hold alike, so the failover
 * facing the same two records keeps the same one.  Two live bindings of
 * different clients on one address are a conflict: logged with both
 * clients, counted; the loser is NAKed at its next renewal.  When ours
 * stays it is re-stamped and replicated, so the failover's copy is
 * corrected too.
 *
 * Echo suppression: a binding we take from the failover is written with
 * a new sequence of ours (sequences stay unique and increasing, see
 * pool_set_next_seq) but is NOT queued for replication back to the
 * failover.  It already holds exactly that record, and our ack tells it
 * the binding landed (it clears its takeover mark on the ack,
 * docs/failover-design.md "Stores and sequences"); echoing would double
 * the traffic of a hand-back, which after a store loss is the whole
 * store.  The one visible effect: the watermark passes such a sequence
 * only once a later change is acknowledged, so a restart before that
 * resends it once, harmlessly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "handback.h"
#include "lease_conflict.h"
#include "pr_snmp.h"
#include "server_int.h"

/* Ours: NULL without a failover (handback_init never ran). */
static struct handback *
handback_of(struct server *srv)
{
	return srv->link != NULL ? srv->link->handback : NULL;
}

const struct handback *
handback_get(const struct server *srv)
{
	return srv->link != NULL ? srv->link->handback : NULL;
}

int
handback_init(struct server *srv, char *err, size_t errlen)
{
	struct handback	*handback;
	int		 rc;

	if ((handback = calloc(1, sizeof(*handback))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	srv->link->handback = handback;
	fo_rx_init(&handback->rx);
	rc = lease_db_meta_get_u64(srv->db, HANDBACK_META_PEER_SEQ,
	    &handback->peer_seq);
	if (rc == ENOENT)
		handback->peer_seq = 0;
	else if (rc != 0) {
		snprintf(err, errlen, "lease store: %s: %s",
		    HANDBACK_META_PEER_SEQ, lease_db_strerror(rc));
		return EXIT_STORE;
	}
	return 0;
}

void
handback_free(struct server *srv)
{
	if (srv->link == NULL)
		return;
	free(srv->link->handback);
	srv->link->handback = NULL;
}

bool
handback_wants_commit(const struct server *srv)
{
	const struct handback *handback = handback_get(srv);

	if (handback == NULL)
		return false;
	return fo_rx_pending(&handback->rx) > 0 || handback->ndone > 0;
}

/*
 * Remember an UPD_SEQ to acknowledge after the next commit.  A full list
 * is flushed by committing now (the acks go out on success).
 */
static void
note_ack(struct server *srv, uint64_t seq)
{
	struct handback *handback = handback_of(srv);

	/* Markers count too: they are numbered in the failover's stream. */
	if (seq > handback->max_seq)
		handback->max_seq = seq;
	if (!fo_rx_note(&handback->rx, seq)) {
		/* Commit failed: the binding staged for seq was lost with
		 * the batch; unacknowledged, the failover resends it. */
		if (srv_commit(srv) != 0 || !fo_rx_note(&handback->rx, seq))
			return;
	}
	srv->commit_urgent = true;
}

static void
send_acks(struct server *srv)
{
	struct handback	*handback = handback_of(srv);
	struct fo_msg	*m;
	uint64_t	 runs[FO_MAX_ACK_RANGES][2];
	size_t		 n;

	while ((n = fo_rx_take(&handback->rx, runs, FO_MAX_ACK_RANGES)) > 0) {
		m = link_msg(srv, FO_BIND_ACK);
		for (size_t i = 0; i < n; i++)
			fo_msg_add_ack(m, runs[i][0], runs[i][1]);
		if (link_send(srv, m) == 0)
			handback->acks_sent++;
	}
}

static void
fmt_client(const struct lease *l, char *buf, size_t len)
{
	char	 hw[64], host[LEASE_HOSTNAME_MAX * 4];

	log_hwaddr(l->chaddr, l->hlen, hw, sizeof(hw));
	log_sanitize(l->hostname, strnlen(l->hostname, sizeof(l->hostname)),
	    host, sizeof(host));
	/* A long host name is cut: the line names the client anyway. */
	snprintf(buf, len, "%s%s%.63s%s %s since %lld until %lld", hw,
	    host[0] ? " (" : "", host, host[0] ? ")" : "",
	    lease_state_name(l->state), (long long)l->starts,
	    (long long)l->ends);
}

static void
log_conflict(struct server *srv, const struct lease *ours,
    const struct lease *theirs, bool ours_won)
{
	struct handback *handback = handback_of(srv);
	char	 a[16], co[200], ct[200];
	uint64_t n;

	snprintf(a, sizeof(a), "%u.%u.%u.%u", ours->addr >> 24,
	    (ours->addr >> 16) & 0xff, (ours->addr >> 8) & 0xff,
	    ours->addr & 0xff);
	fmt_client(ours, co, sizeof(co));
	fmt_client(theirs, ct, sizeof(ct));
	snprintf(handback->last_conflict, sizeof(handback->last_conflict),
	    "%s: ours %s; failover's %s; kept %s", a, co, ct,
	    ours_won ? "ours" : "the failover's");
	handback->last_conflict_time = link_now(srv);
	pr_snmp_duplicate(srv, ours->addr, handback->last_conflict);
	/*
	 * Every conflict is worth a line (docs/failover-design.md
	 * "Conflicts": log both clients), but a hand-back of a badly
	 * diverged store must not flood the log: HANDBACK_CONFLICT_LOGS
	 * per hand-back, then a count.
	 */
	if (handback->conflicts_logged < HANDBACK_CONFLICT_LOGS) {
		handback->conflicts_logged++;
		log_warn("failover: duplicate binding of %s",
		    handback->last_conflict);
	} else if (log_ratelimit_ok(&handback->rl, link_now(srv), 10, &n))
		log_warn("failover: more duplicate bindings (%llu in all); "
		    "see dhcpfoctl status",
		    (unsigned long long)handback->conflicts);
}

/* Two clients on one address: counted, logged with both. */
static void
note_conflict(struct server *srv, enum lease_apply d,
    const struct lease *ours, const struct lease *theirs)
{
	struct handback *handback = handback_of(srv);

	handback->conflicts++;
	if (d == LEASE_APPLY_CONFLICT_OURS)
		handback->conflicts_ours++;
	else
		handback->conflicts_theirs++;
	log_conflict(srv, ours, theirs, d == LEASE_APPLY_CONFLICT_OURS);
}

/*
 * Act on the conflict rule's decision d between ours (what we hold, if
 * anything) and theirs.
 */
static void
apply_decision(struct server *srv, enum lease_apply d,
    const struct lease *ours, const struct lease *theirs)
{
	struct handback	*handback = handback_of(srv);
	struct lease	 l;
	enum pool_load	 r;

	switch (d) {
	case LEASE_APPLY_NEW:
	case LEASE_APPLY_THEIRS:
	case LEASE_APPLY_CONFLICT_THEIRS:
		l = *theirs;
		l.seq = pool_set_next_seq(srv->pools);
		r = pool_load_lease(srv->pools, &l);
		if (r != POOL_LOAD_OK && r != POOL_LOAD_EXCLUDED) {
			handback->outside++;
			break;
		}
		srv_stage_from_failover(srv, &l);
		handback->applied++;
		break;
	case LEASE_APPLY_SAME:
		handback->unchanged++;
		/* After a lost batch ours may be in memory only: the resend
		 * is acked below, so it must be stored again first. */
		if (handback->lost)
			(void)srv_stage_from_failover(srv, ours);
		break;
	case LEASE_APPLY_OURS:
	case LEASE_APPLY_CONFLICT_OURS:
		/* Ours stands; tell the failover (replicated). */
		handback->kept_ours++;
		l = *ours;
		l.seq = pool_set_next_seq(srv->pools);
		r = pool_load_lease(srv->pools, &l);
		if (r == POOL_LOAD_OK || r == POOL_LOAD_EXCLUDED)
			srv_stage(srv, &l, true);
		break;
	case LEASE_APPLY_COUNT:
		break;
	}
}

/* One (UPD_SEQ, LEASE) pair of a BindUpd; 1 if it was taken (and will
 * be acknowledged), 0 if refused: a record that does not decode. */
static int
apply_one(struct server *srv, uint64_t upd_seq, const uint8_t *rec,
    size_t len)
{
	struct link	*fo = srv->link;
	struct handback	*handback = handback_of(srv);
	struct lease	 theirs, ours;
	const struct lease *cur;
	struct pool	*p;
	enum lease_apply d;
	int		 k;

	handback->updates++;
	if (!lease_decode(rec, len, &theirs))
		return 0;
	if ((p = pool_set_find(srv->pools, theirs.addr)) == NULL ||
	    pool_addr_kind(p, theirs.addr) == POOL_ADDR_OUTSIDE) {
		/* Not one of our addresses (the two configurations
		 * differ; the digests say so): nothing to keep.  Acked, so
		 * one stray binding does not fail the whole hand-back. */
		handback->outside++;
		note_ack(srv, upd_seq);
		return 1;
	}
	k = link_subnet_find(srv, pool_subnet(p)->network,
	    pool_subnet(p)->prefix);
	if (k >= 0)
		fo->subnets[k].handback_applied++;
	if ((cur = pool_lease_at(p, theirs.addr)) != NULL)
		ours = *cur;
	d = lease_conflict_decide(cur != NULL ? &ours : NULL, &theirs,
	    srv_now(srv));
	if (d == LEASE_APPLY_CONFLICT_THEIRS || d == LEASE_APPLY_CONFLICT_OURS)
		note_conflict(srv, d, &ours, &theirs);
	apply_decision(srv, d, &ours, &theirs);
	note_ack(srv, upd_seq);
	return 1;
}

size_t
handback_bind_upd(struct server *srv, const struct fo_msg *m, size_t *bad)
{
	size_t	 ok = 0;

	for (size_t i = 0; i < m->n_updates; i++)
		ok += apply_one(srv, m->updates[i].seq, m->updates[i].lease,
		    m->updates[i].lease_len);
	*bad = m->n_updates - ok;
	return ok;
}

static void
subnet_text(uint32_t net, uint8_t prefix, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u/%u", net >> 24, (net >> 16) & 0xff,
	    (net >> 8) & 0xff, net & 0xff, prefix);
}

void
handback_subnet_start(struct server *srv, const struct fo_msg *m)
{
	struct link	*fo = srv->link;
	struct handback	*handback = handback_of(srv);
	int		 k = link_subnet_find(srv, m->subnet,
			    m->subnet_prefix);
	char		 s[24];

	subnet_text(m->subnet, m->subnet_prefix, s, sizeof(s));
	if (k < 0) {
		handback->markers_unknown++;
		log_warn("failover: hand-back of subnet %s, which we do not "
		    "serve; ignored", s);
		link_event(srv, PR_EV_BIND_UPD, -1);	/* progress */
	} else {
		handback->subnets_started++;
		handback->conflicts_logged = 0;
		fo->subnets[k].handback_expected = m->count;
		fo->subnets[k].handback_applied = 0;
		log_info("failover: subnet %s: hand-back started (%u "
		    "binding%s); not serving it until it is done", s, m->count,
		    m->count == 1 ? "" : "s");
		link_event(srv, PR_EV_SUBNET_SYNC_START, k);
	}
	if (FO_HAS(m, FO_TLV_UPD_SEQ))
		note_ack(srv, m->upd_seq);
}

void
handback_subnet_done(struct server *srv, const struct fo_msg *m)
{
	struct handback	 *handback = handback_of(srv);
	struct handback_marker *d;

	/* A failed commit: the failover resends the marker. */
	if (handback->ndone == HANDBACK_MARKERS_MAX && srv_commit(srv) != 0)
		return;
	d = &handback->done[handback->ndone++];
	d->subnet = link_subnet_find(srv, m->subnet, m->subnet_prefix);
	d->network = m->subnet;
	d->prefix = m->subnet_prefix;
	d->has_seq = FO_HAS(m, FO_TLV_UPD_SEQ);
	d->upd_seq = m->upd_seq;
	d->count = m->count;
	/* Acted on after the commit of everything staged before it. */
	if (d->has_seq)
		note_ack(srv, d->upd_seq);
	srv->commit_urgent = true;
}

void
handback_sync_done(struct server *srv, const struct fo_msg *m)
{
	log_info("failover: the failover finished sending our store back "
	    "(%u binding%s)", m->count, m->count == 1 ? "" : "s");
	if (FO_HAS(m, FO_TLV_UPD_SEQ))
		note_ack(srv, m->upd_seq);
}

void
handback_control_returned(struct server *srv)
{
	struct handback *handback = handback_of(srv);

	/* Every binding of this return was acknowledged, so stored. */
	handback->lost = false;
	/*
	 * LAST_SEQ of our CtlReq/PollRpl: the highest update of the
	 * failover's stream we hold.  Moved only when a whole hand-back
	 * ended, never mid-way: a failover that numbers its subnets'
	 * bindings out of order would otherwise skip some next time.
	 */
	if (handback->max_seq > handback->peer_seq &&
	    lease_db_meta_set_u64(srv->db, HANDBACK_META_PEER_SEQ,
	    handback->max_seq) == 0) {
		handback->peer_seq = handback->max_seq;
		srv->commit_urgent = true;
	}
}

void
handback_committed(struct server *srv)
{
	struct link	*fo = srv->link;
	struct handback	*handback = handback_of(srv);
	size_t		 ndone;
	char		 s[24];

	if (handback == NULL)
		return;
	ndone = handback->ndone;
	handback->ndone = 0;
	/* Acks first (the markers' ones included), then serve. */
	send_acks(srv);
	for (size_t i = 0; i < ndone; i++) {
		const struct handback_marker *d = &handback->done[i];

		subnet_text(d->network, d->prefix, s, sizeof(s));
		if (d->subnet < 0) {
			handback->markers_unknown++;
			continue;
		}
		handback->subnets_received++;
		fo->subnets[d->subnet].handbacks++;
		if (fo->subnets[d->subnet].handback_applied < d->count)
			log_warn("failover: subnet %s handed back with %u "
			    "binding%s announced, %llu received", s, d->count,
			    d->count == 1 ? "" : "s", (unsigned long long)
			    fo->subnets[d->subnet].handback_applied);
		log_info("failover: subnet %s handed back; serving it", s);
		link_event(srv, PR_EV_SUBNET_SYNC_DONE, d->subnet);
	}
}

void
handback_commit_failed(struct server *srv)
{
	struct handback *handback = handback_of(srv);

	if (handback == NULL)
		return;
	/* Nothing became durable: no acks, no subnet served; the failover
	 * resends what it does not see acknowledged. */
	fo_rx_init(&handback->rx);
	handback->ndone = 0;
	handback->lost = true;
}
