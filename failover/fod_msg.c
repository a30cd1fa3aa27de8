/*
 * The failover protocol on a primary's thread: the receive path in the
 * fixed order of docs/failover-protocol.md §7.1 (the reading thread did
 * the sanity check and the peer lookup), and the messages we send.
 *
 *	authenticate -> replay check -> decode -> direction (the checks of
 *	common/proto/fo_accept.c) -> handler (state checks, state machine)
 *	-> replay commit
 *
 * Nothing from a datagram reaches a handler before its HMAC is checked;
 * the replay window moves only for a message that was accepted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "fo_digest.h"
#include "fod.h"
#include "version.h"

uint8_t
fo_state_code(enum fod_state s)
{
	switch (s) {
	case FOD_STARTUP:	return FO_STATE_STARTUP;
	case FOD_SYNCING:	return FO_STATE_SYNCING;
	case FOD_MONITORING:	return FO_STATE_MONITORING;
	case FOD_TAKEOVER:	return FO_STATE_TAKEOVER;
	case FOD_RETURNING:	return FO_STATE_RETURNING;
	case FOD_STOPPED:	return FO_STATE_SHUTTING_DOWN;
	case FOD_STATE_COUNT:	break;
	}
	return FO_STATE_UNKNOWN;
}

void
fod_reject(struct fod_peer *p, enum fo_reject rej, const char *what)
{
	unsigned i = (unsigned)rej < FO_REJ_COUNT ? (unsigned)rej :
	    FO_REJ_COUNT;
	uint64_t n;

	if (i < FO_REJ_COUNT)
		p->proto.ctr.rejects[i]++;
	fod_peer_changed(p);
	fod_alert_rejected(p, rej);	/* bad HMAC, replay: a trap */
	if (!log_ratelimit_ok(&p->proto.rl_rej[i], ev_now(p->loop), 10, &n))
		return;
	log_warn("primary=%s: dropped a failover datagram: %s%s%s%s",
	    p->name, fo_reject_name(rej), what != NULL ? " (" : "",
	    what != NULL ? what : "", what != NULL ? ")" : "");
	if (n > 0)
		log_warn("primary=%s: %llu more datagrams were dropped "
		    "before this one; see dhcpfoctl status %s", p->name,
		    (unsigned long long)n, p->name);
}

int
fod_msg_init(struct fod_peer *p)
{
	size_t	 n = p->view.nsubnets ? p->view.nsubnets : 1;

	if ((p->proto.m = malloc(sizeof(*p->proto.m))) == NULL ||
	    (p->proto.mt = malloc(sizeof(*p->proto.mt))) == NULL ||
	    (p->proto.txbuf = malloc(FO_DGRAM_MAX)) == NULL ||
	    (p->proto.digest_seen = calloc(n, sizeof(bool))) == NULL ||
	    (p->proto.digest_match = calloc(n, sizeof(bool))) == NULL)
		return -1;
	/* Messages from an older life of the primary, or accepted before
	 * our own restart, stay refused (protocol 7.3). */
	fo_replay_restore(&p->proto.replay, p->meta.p_epoch, p->meta.p_seq);
	p->proto.lease_max = p->policy.sync_binding_buf_size;
	return 0;
}

void
fod_msg_free(struct fod_peer *p)
{
	free(p->proto.m);
	free(p->proto.mt);
	free(p->proto.txbuf);
	free(p->proto.digest_seen);
	free(p->proto.digest_match);
	p->proto.m = NULL;
	p->proto.mt = NULL;
	p->proto.txbuf = NULL;
	p->proto.digest_seen = p->proto.digest_match = NULL;
}

/* ------------------------------------------------------------ send */

void
fod_msg_init_to_primary(struct fod_peer *p, struct fo_msg *m, uint8_t type)
{
	(void)p;
	fo_msg_init(m, type, false);
	m->hdr.flags |= FO_FLAG_LEARNS;
}

static uint64_t
clock_ms(void)
{
	return (uint64_t)(fod_wallclock() * 1000.0);
}

/*
 * Through the primary's connected socket (fod_peer_sock.c), or the main
 * one if that is not open.  A connected socket reports an ICMP
 * unreachable for an earlier datagram on the next call: that one was
 * not sent, so it is sent again once.
 */
static int
send_dgram(struct fod_peer *p, size_t len, const struct sockaddr_in *to)
{
	ssize_t	 n;

	if (p->fd < 0)
		return (int)sendto(p->fod->fod_fd, p->proto.txbuf, len, 0,
		    (const struct sockaddr *)to, sizeof(*to));
	n = send(p->fd, p->proto.txbuf, len, 0);
	if (n < 0 && errno == ECONNREFUSED)
		n = send(p->fd, p->proto.txbuf, len, 0);
	return n < 0 ? -1 : 0;
}

int
fod_msg_send(struct fod_peer *p, struct fo_msg *m)
{
	struct sockaddr_in to;
	size_t	 len;
	enum fo_err e;
	uint64_t n;

	m->hdr.seq = ++p->proto.tx_seq;
	m->hdr.epoch = p->meta.epoch;
	m->hdr.primary_id = p->id;
	m->hdr.key_id = p->keys.sign.id;
	if ((e = fo_encode(m, p->proto.txbuf, FO_DGRAM_MAX, &len)) !=
	    FO_OK) {
		/* We built something our own decoder would refuse: a bug. */
		log_err("primary=%s: cannot encode %s: %s", p->name,
		    fo_type_name(m->hdr.type), fo_err_name(e));
		return -1;
	}
	if (!fo_auth_sign(&p->keys.sign, p->proto.txbuf, len)) {
		log_err("primary=%s: cannot sign %s", p->name,
		    fo_type_name(m->hdr.type));
		return -1;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(p->addr);
	to.sin_port = htons(p->port);
	if (send_dgram(p, len, &to) < 0) {
		p->proto.ctr.send_errors++;
		if (log_ratelimit_ok(&p->proto.rl_send, ev_now(p->loop), 10,
		    &n))
			log_warn("primary=%s: send %s: %s", p->name,
			    fo_type_name(m->hdr.type), strerror(errno));
		return -1;
	}
	p->proto.ctr.msgs_tx++;
	return 0;
}

static void
add_versions(struct fo_msg *m)
{
	m->present |= FO_BIT(FO_TLV_VERSIONS);
	m->ver_min = FO_VERSION_MIN;
	m->ver_max = FO_VERSION_MAX;
}

static void
add_name(struct fod_peer *p, struct fo_msg *m)
{
	if (p->view.server.name[0] == '\0')
		return;
	m->present |= FO_BIT(FO_TLV_NAME);
	snprintf(m->name, sizeof(m->name), "%s", p->view.server.name);
}

static void
add_common(struct fod_peer *p, struct fo_msg *m)
{
	m->present |= FO_BIT(FO_TLV_STATE) | FO_BIT(FO_TLV_CLOCK);
	m->state = fo_state_code(p->act.fsm.state);
	m->clock_ms = clock_ms();
}

int
fod_send_poll(struct fod_peer *p)
{
	struct fo_msg *m = p->proto.mt;

	fod_msg_init_to_primary(p, m, FO_POLL);
	add_versions(m);
	add_name(p, m);
	add_common(p, m);
	m->present |= FO_BIT(FO_TLV_LAST_SEQ);
	m->last_seq = p->meta.p_last_seq;
	p->proto.ctr.last_poll_sent = fod_wallclock();
	if (fod_msg_send(p, m) < 0)
		return -1;
	p->proto.poll_seq = m->hdr.seq;
	return 0;
}

int
fod_send_sync_req(struct fod_peer *p)
{
	struct fo_msg *m = p->proto.mt;

	fod_msg_init_to_primary(p, m, FO_SYNC_REQ);
	add_versions(m);
	add_name(p, m);
	add_common(p, m);
	m->present |= FO_BIT(FO_TLV_STORE_ID) | FO_BIT(FO_TLV_LAST_SEQ) |
	    FO_BIT(FO_TLV_BUF_SIZE);
	/* Protocol 5.4: all zero when we hold no copy; LAST_SEQ counts
	 * only with the store it belongs to and a complete sync behind. */
	if (p->meta.p_store_known)
		memcpy(m->store_id, p->meta.p_store_id, FO_STORE_ID_LEN);
	m->last_seq = p->meta.p_store_known && p->meta.sync_ok ?
	    p->meta.p_last_seq : 0;
	m->buf_size = (uint16_t)p->policy.sync_binding_buf_size;
	for (size_t i = 0; i < p->view.nsubnets; i++)
		fo_msg_add_digest(m, p->view.subnets[i].network,
		    p->view.subnets[i].prefix, p->digests[i]);
	return fod_msg_send(p, m);
}

int
fod_send_ctl_ret(struct fod_peer *p, uint8_t result, const char *reason)
{
	struct fo_msg *m = p->proto.mt;

	fod_msg_init_to_primary(p, m, FO_CTL_RET);
	add_versions(m);
	add_common(p, m);
	m->present |= FO_BIT(FO_TLV_RESULT) | FO_BIT(FO_TLV_LAST_SEQ) |
	    FO_BIT(FO_TLV_BUF_SIZE) | FO_BIT(FO_TLV_COUNT);
	m->result = result;
	m->last_seq = p->meta.p_last_seq;
	m->buf_size = (uint16_t)p->policy.sync_binding_buf_size;
	/* Bindings of the hand-back this CtlRet ends (0: none, e.g. a
	 * CtlReq during our start-up sync). */
	m->count = (uint32_t)fod_handback_take_ctl_count(p);
	fo_msg_echo(m, &p->proto.ctl_req_hdr);
	if (reason != NULL && reason[0] != '\0') {
		m->present |= FO_BIT(FO_TLV_REASON);
		snprintf(m->reason, sizeof(m->reason), "%s", reason);
	}
	return fod_msg_send(p, m);
}

/* --------------------------------------------------------- receive */

static void
check_clock(struct fod_peer *p, const struct fo_msg *m)
{
	double	 skew, a;

	if (!FO_HAS(m, FO_TLV_CLOCK))
		return;
	skew = (double)m->clock_ms / 1000.0 - fod_wallclock();
	a = skew < 0 ? -skew : skew;
	p->proto.heard.have_clock = true;
	p->proto.heard.clock_skew = skew;
	if (a > FOD_SKEW_FAULTY) {
		if (!p->proto.heard.faulty)
			log_err("primary=%s: clock differs from ours by %.1f s "
			    "(over %.0f s): pair reported faulty, and its poll "
			    "replies no longer count as answers; bindings "
			    "carry absolute times, fix the clocks", p->name,
			    skew, FOD_SKEW_FAULTY);
		p->proto.heard.faulty = p->proto.skew_warned = true;
	} else if (a > FOD_SKEW_WARN) {
		if (!p->proto.skew_warned)
			log_warn("primary=%s: clock differs from ours by "
			    "%.1f s (over %.0f s)", p->name, skew,
			    FOD_SKEW_WARN);
		p->proto.skew_warned = true;
		p->proto.heard.faulty = false;
	} else {
		if (p->proto.skew_warned)
			log_info("primary=%s: clocks agree again (%.1f s)",
			    p->name, skew);
		p->proto.skew_warned = p->proto.heard.faulty = false;
	}
}

/* Protocol 9.5: compare the primary's subnet digests with ours. */
static void
check_digests(struct fod_peer *p, const struct fo_msg *m)
{
	unsigned mism = 0, missing = 0;
	char	 a[INET_ADDRSTRLEN];

	/* A primary whose configuration we learn: a new one is on its way
	 * (fod_fetch.c), and until it is applied the digests differ. */
	if (m->n_digests == 0 || fod_fetch_pending(p))
		return;
	for (size_t i = 0; i < p->view.nsubnets; i++) {
		const struct cfg_subnet *sn = &p->view.subnets[i];
		bool	 seen = false, match = false;

		for (size_t k = 0; k < m->n_digests; k++) {
			const struct fo_digest *d = &m->digests[k];
			if (d->network != sn->network ||
			    d->prefix != sn->prefix)
				continue;
			seen = true;
			match = memcmp(d->sha256, p->digests[i],
			    FO_SHA256_LEN) == 0;
			break;
		}
		if (!seen)
			missing++;
		else if (!match)
			mism++;
		if ((seen != p->proto.digest_seen[i] || match !=
		    p->proto.digest_match[i] || !p->proto.digests_logged) &&
		    (!seen || !match)) {
			fod_fmt_addr(sn->network, a, sizeof(a));
			fod_alert(p, FOD_ALERT_CONFIG_MISMATCH, "subnet %s "
			    "(%s/%u) %s", sn->name, a, sn->prefix, !seen ?
			    "is not configured on the primary" : "is defined "
			    "differently on the primary (digest mismatch)");
		}
		p->proto.digest_seen[i] = seen;
		p->proto.digest_match[i] = match;
	}
	/* Subnets the primary has and we do not. */
	for (size_t k = 0; k < m->n_digests; k++) {
		bool	 ours = false;

		for (size_t i = 0; i < p->view.nsubnets && !ours; i++)
			ours = m->digests[k].network ==
			    p->view.subnets[i].network &&
			    m->digests[k].prefix == p->view.subnets[i].prefix;
		if (!ours) {
			missing++;
			if (!p->proto.digests_logged) {
				fod_fmt_addr(m->digests[k].network, a,
				    sizeof(a));
				fod_alert(p, FOD_ALERT_CONFIG_MISMATCH, "the "
				    "primary serves %s/%u, which is not "
				    "configured here for it", a,
				    m->digests[k].prefix);
			}
		}
	}
	if (mism + missing == 0 && p->proto.digests_logged &&
	    p->proto.heard.digest_mismatches + p->proto.heard.digests_missing > 0)
		log_info("primary=%s: subnet definitions agree again",
		    p->name);
	p->proto.heard.digest_mismatches = mism;
	p->proto.heard.digests_missing = missing;
	p->proto.digests_logged = true;
}

void
fod_check_buf_size(struct fod_peer *p, const struct fo_msg *m)
{
	unsigned ours = p->policy.sync_binding_buf_size;

	if (!FO_HAS(m, FO_TLV_BUF_SIZE))
		return;
	p->proto.heard.p_buf_size = m->buf_size;
	if (m->buf_size != ours && !p->proto.heard.buf_mismatch)
		fod_alert(p, FOD_ALERT_CONFIG_MISMATCH, "SyncBindingBufSize "
		    "differs (primary %u, failover %u); it must be the same on "
		    "both servers, working with %u", m->buf_size, ours,
		    m->buf_size < ours ? m->buf_size : ours);
	p->proto.heard.buf_mismatch = m->buf_size != ours;
	/* The pair keeps working with the smaller size. */
	p->proto.lease_max = m->buf_size < ours ? m->buf_size : ours;
}

static void
on_poll_rpl(struct fod_peer *p, const struct fo_msg *m, bool restarted)
{
	struct fod_event ev = { .type = FOD_EV_POLL_RPL };

	if (FO_HAS(m, FO_TLV_ECHO))
		p->proto.poll_floor = m->echo_seq + 1;
	/* Waiting for control says what a CtlReq says (fod_fsm.c); our
	 * CtlRet may answer this one. */
	if (FO_HAS(m, FO_TLV_STATE) && (m->state == FO_STATE_WAIT_CONTROL ||
	    m->state == FO_STATE_RETURNING))
		p->proto.ctl_req_hdr = m->hdr;
	check_clock(p, m);
	fod_store_check_primary(p, m->store_id);
	check_digests(p, m);
	p->proto.heard.p_acked_seq = m->last_seq;
	/*
	 * A clock this far off is no proof of life: a PollRpl recorded
	 * long ago says the same.  The pair is faulty anyway (check_clock
	 * said so); the polls go unanswered and the takeover follows.
	 */
	if (p->proto.heard.faulty) {
		p->proto.ctr.skewed_answers++;
		return;
	}
	p->proto.ctr.last_reply = fod_wallclock();
	/* docs/failover-states.md "What the loops must do". */
	ev.primary_state = FO_HAS(m, FO_TLV_STATE) ? m->state :
	    FO_STATE_UNKNOWN;
	ev.primary_restarted = restarted;
	fod_peer_event(p, &ev);
}

static void
on_ctl_req(struct fod_peer *p, const struct fo_msg *m, bool restarted)
{
	struct fod_event ev = { .type = FOD_EV_CTL_REQ };
	char	 nm[FO_NAME_MAX * 4 + 1];

	memcpy(p->proto.ctl_store_id, m->store_id, FO_STORE_ID_LEN);
	p->proto.ctl_store_known = true;
	p->proto.ctl_req_hdr = m->hdr;
	p->proto.heard.p_acked_seq = m->last_seq;
	check_clock(p, m);
	fod_check_buf_size(p, m);
	check_digests(p, m);
	if (p->meta.p_store_known &&
	    memcmp(m->store_id, p->meta.p_store_id, FO_STORE_ID_LEN) != 0)
		fod_store_check_primary(p, m->store_id);
	if (strcasecmp(m->name, p->name) != 0) {
		log_sanitize(m->name, strlen(m->name), nm, sizeof(nm));
		log_warn("primary=%s: CtlReq names itself \"%s\"", p->name,
		    nm);
	}
	log_info("primary=%s: CtlReq (store %s, last update of ours it "
	    "holds %llu)", p->name, !p->meta.p_store_known ? "not known here" :
	    memcmp(m->store_id, p->meta.p_store_id, FO_STORE_ID_LEN) == 0 ?
	    "known" : "replaced", (unsigned long long)m->last_seq);
	ev.primary_restarted = restarted;
	fod_peer_event(p, &ev);
}

/*
 * Why a datagram the checks refused is dropped, in the log's words; h is
 * NULL when not even its header was sound.
 */
static void
refused(struct fod_peer *p, enum fo_reject r, const struct fo_hdr *h,
    const struct fo_msg *m)
{
	char	 what[96];

	switch (r) {
	case FO_REJ_BAD_HMAC:
		fod_reject(p, r, "wrong SharedKeyFile?");
		return;
	case FO_REJ_VERSION:	/* h is set: step 1 passed */
		if (FO_HAS(m, FO_TLV_VERSIONS))
			snprintf(what, sizeof(what), "version %u, primary "
			    "speaks %u..%u, we speak %u..%u", h->version,
			    m->ver_min, m->ver_max, FO_VERSION_MIN,
			    FO_VERSION_MAX);
		else
			snprintf(what, sizeof(what), "version %u, we speak "
			    "%u..%u", h->version, FO_VERSION_MIN,
			    FO_VERSION_MAX);
		fod_reject(p, r, what);
		return;
	default:
		fod_reject(p, r, h != NULL ? fo_type_name(h->type) : NULL);
		return;
	}
}

/*
 * A new boot epoch of the primary (docs/failover-states.md): flag only
 * its first message.  Unknown (0): our first contact, not a restart.
 */
static bool
note_epoch(struct fod_peer *p, uint64_t epoch)
{
	uint64_t known = p->meta.p_epoch;

	if (epoch != known)
		fod_store_note_p_epoch(p, epoch);
	return known != 0 && epoch != known;
}

/* The handlers; false when the message was refused after all. */
static bool
handle(struct fod_peer *p, const struct fo_msg *m, bool restarted)
{
	/* PollRpl, CtlReq, SyncStart: which configuration it offers. */
	if (m->hdr.type != FO_CFG_RPL)
		fod_fetch_announced(p, m);
	switch (m->hdr.type) {
	case FO_POLL_RPL:
		on_poll_rpl(p, m, restarted);
		return true;
	case FO_CTL_REQ:
		on_ctl_req(p, m, restarted);
		return true;
	case FO_SYNC_START:
		fod_sync_on_start(p, m, restarted);
		return true;
	case FO_SYNC_DONE:
		fod_sync_on_done(p, m, restarted);
		return true;
	case FO_BIND_UPD:
		return fod_sync_on_bind_upd(p, m, restarted);
	case FO_BIND_ACK:
		fod_handback_on_ack(p, m);
		return true;
	case FO_BIND_REQ:
		fod_approve_on_req(p, m, restarted);
		return true;
	case FO_CFG_RPL:
		fod_fetch_on_rpl(p, m);
		return true;
	case FO_SHUTDOWN: {
		struct fod_event ev = { .type = FOD_EV_SHUTDOWN,
		    .primary_restarted = restarted };

		log_info("primary=%s: Shutdown received", p->name);
		fod_peer_event(p, &ev);
		return true;
	}
	default:
		fod_reject(p, FO_REJ_UNEXPECTED, fo_type_name(m->hdr.type));
		return false;
	}
}

/*
 * Steps 3 to 8 of docs/failover-protocol.md §7.1 (common/proto/
 * fo_accept.h); its reader ran 1 and 2 (fod_dispatch.c, fod_peer_sock.c).
 */
void
fod_msg_rx(struct fod_peer *p, const struct fq_item *it)
{
	enum fo_key_used used;
	const struct fo_accept_ctx ctx = { .keys = &p->keys, .used = &used,
	    .replay = &p->proto.replay, .lease_max = p->proto.lease_max,
	    .primary = false };
	struct fo_msg *m = p->proto.m;
	struct fo_hdr h;
	enum fo_reject r;

	/* A queued datagram is its bytes only: read the header again. */
	if ((r = fo_accept_header(it->buf, it->len, &h)) != FO_REJ_NONE) {
		refused(p, r, NULL, m);
		return;
	}
	if ((r = fo_accept_message(&ctx, it->buf, it->len, &h, m)) ==
	    FO_REJ_NONE && h.type == FO_POLL_RPL)
		switch (fo_accept_answer(m, p->meta.epoch,
		    p->proto.poll_floor, p->proto.poll_seq)) {
		case FO_ANSWER_OK:
			break;
		case FO_ANSWER_LATE:
			/* Sound, but its Poll was answered already. */
			p->proto.ctr.late_answers++;
			fo_replay_commit(&p->proto.replay, h.epoch, h.seq);
			return;
		case FO_ANSWER_STALE:
			r = FO_REJ_STALE_ANSWER;
			break;
		}
	if (r != FO_REJ_NONE) {
		refused(p, r, &h, m);
		return;
	}
	fo_keystat_heard(&p->keystat, &h, used);
	p->proto.ctr.msgs_rx++;
	p->proto.ctr.last_rx = fod_wallclock();
	fod_peer_changed(p);
	if (handle(p, m, note_epoch(p, h.epoch)))
		fo_replay_commit(&p->proto.replay, h.epoch, h.seq);
	/* The steady stream and the polls' answers may wait for the
	 * commit grid's tick; anything else is read as it comes
	 * (fod_serve.c). */
	if (h.type != FO_BIND_UPD && h.type != FO_POLL_RPL)
		fod_serve_watch(p);
}
