/*
 * The failover link of the primary: its UDP socket, the receive path, how
 * messages leave, and the control machine (primary/pr_fsm.c) whose actions
 * decide which subnets we serve.  Replication and the start-up sync live
 * in replicate.c, the hand-back in handback.c.
 *
 * Receive path: common/proto/fo_accept.c runs the checks in the order of
 * docs/failover-protocol.md §7.1 (docs/architecture.md convention 3):
 * sanity, the peer (source address:port is FailoverServer:FailoverPort
 * and primary_id is ours), HMAC, replay window (checked), decode,
 * direction (FROM_PRIMARY clear: a message of ours reflected back would
 * pass the HMAC, one key signs both ways).  Then the state checks and
 * the machine (dispatch), and the window records the message
 * (accept_hdr).  Each drop bumps a named counter (dhcpfoctl status) and
 * logs at most a line per burst.
 *
 * Boot epoch (protocol 7): max(now in microseconds, the last one + 1),
 * persisted in the store's meta before the first message leaves, so the
 * failover's replay window accepts us after any restart, even one with
 * the clock stepped back.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "approve.h"
#include "offer.h"
#include "exitcodes.h"
#include "fo_accept.h"
#include "fo_digest.h"
#include "handback.h"
#include "pr_snmp.h"
#include "replicate.h"
#include "server_int.h"

static void	rx_cb(struct ev_loop *, ev_io *, int);
static void	ctl_ret_cb(struct ev_loop *, ev_timer *, int);

const char *
served_by_name(enum served_by w)
{
	switch (w) {
	case SERVED_BY_PRIMARY:
		return "primary";
	case SERVED_BY_NOBODY:
		return "syncing";
	case SERVED_BY_FAILOVER:
		return "failover";
	}
	return "unknown";
}

double
link_now(const struct server *srv)
{
	return ev_now(srv->loop);
}

int64_t
link_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
clock_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
fmt_addr(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

/* ---- subnets: who serves them, digests ---- */

static void
subnets_build(struct server *srv, enum served_by fresh)
{
	struct link	 *fo = srv->link;
	struct link_subnet *nv;
	size_t		  n = srv->cfg.nsubnets;

	nv = calloc(n ? n : 1, sizeof(*nv));
	if (nv == NULL) {
		/* Keep the old table: reload continues with stale digests
		 * rather than losing who serves what. */
		log_err("failover: out of memory rebuilding the subnet table");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct cfg_subnet *sn = &srv->cfg.subnets[i];
		int	 old;

		old = link_subnet_find(srv, sn->network, sn->prefix);

		if (old >= 0)
			nv[i] = fo->subnets[old];
		else
			nv[i].who = fresh;
		nv[i].network = sn->network;
		nv[i].prefix = sn->prefix;
		/* All zero on failure: then it just never matches. */
		(void)fo_subnet_digest(&srv->cfg, sn, nv[i].digest);
	}
	free(fo->subnets);
	fo->subnets = nv;
	fo->nsubnets = n;
}

int
link_subnet_find(const struct server *srv, uint32_t network,
    uint8_t prefix)
{
	const struct link *fo = srv->link;

	for (size_t i = 0; i < fo->nsubnets; i++)
		if (fo->subnets[i].network == network &&
		    fo->subnets[i].prefix == prefix)
			return (int)i;
	return -1;
}

/* Make the pools follow fo->subnets[].who. */
static void
apply_serving(struct server *srv)
{
	for (size_t i = 0; i < pool_set_count(srv->pools); i++) {
		struct pool *p = pool_set_get(srv->pools, i);
		const struct cfg_subnet *sn = pool_subnet(p);
		int	 k;

		k = link_subnet_find(srv, sn->network, sn->prefix);
		pool_set_serving(p, k < 0 ||
		    srv->link->subnets[k].who == SERVED_BY_PRIMARY);
	}
}

enum served_by
link_served(const struct server *srv, size_t i)
{
	const struct cfg_subnet *sn;
	int	 k;

	if (srv->link == NULL || i >= pool_set_count(srv->pools))
		return SERVED_BY_PRIMARY;
	sn = pool_subnet(pool_set_get(srv->pools, i));
	k = link_subnet_find(srv, sn->network, sn->prefix);
	return k < 0 ? SERVED_BY_PRIMARY : srv->link->subnets[k].who;
}

/*
 * Compare the failover's digests with ours (docs/failover-design.md
 * "Safety"): a mismatch is logged once per change and shown in status;
 * it does not stop the protocol.
 */
static void
check_digests(struct server *srv, const struct fo_msg *m)
{
	struct link *fo = srv->link;
	bool	 any = false;
	uint64_t missing = 0;
	char	 a[16];

	if (m->n_digests == 0)
		return;
	for (size_t i = 0; i < fo->nsubnets; i++)
		fo->subnets[i].peer_digest = false;
	for (size_t d = 0; d < m->n_digests; d++) {
		const struct fo_digest *dg = &m->digests[d];
		int	 k;
		bool	 bad;

		k = link_subnet_find(srv, dg->network, dg->prefix);
		fmt_addr(dg->network, a, sizeof(a));
		if (k < 0) {
			missing++;
			continue;
		}
		bad = memcmp(dg->sha256, fo->subnets[k].digest,
		    FO_SHA256_LEN) != 0;
		fo->subnets[k].peer_digest = true;
		if (bad && !fo->subnets[k].digest_mismatch)
			log_warn("failover: subnet %s/%u is defined "
			    "differently on the failover (digest mismatch)",
			    a, dg->prefix);
		fo->subnets[k].digest_mismatch = bad;
		any |= bad;
	}
	for (size_t i = 0; i < fo->nsubnets; i++) {
		if (fo->subnets[i].peer_digest)
			continue;
		if (!fo->subnets[i].digest_mismatch) {
			fmt_addr(fo->subnets[i].network, a, sizeof(a));
			log_warn("failover: subnet %s/%u is not configured "
			    "on the failover", a, fo->subnets[i].prefix);
		}
		fo->subnets[i].digest_mismatch = true;
		any = true;
	}
	if (missing > 0 && missing != fo->subnets_missing)
		log_warn("failover: the failover has %llu subnet%s for us "
		    "that we do not serve", (unsigned long long)missing,
		    missing == 1 ? "" : "s");
	fo->subnets_missing = missing;
	fo->digest_mismatch = any || missing > 0;
}

static void
check_buf_size(struct server *srv, uint16_t theirs)
{
	struct link *fo = srv->link;
	unsigned ours = srv->cfg.failover.sync_binding_buf_size;
	bool	 bad = theirs != ours;

	if (bad && (!fo->buf_mismatch || fo->peer_buf_size != theirs))
		log_warn("failover: SyncBindingBufSize differs (ours %u, "
		    "the failover's %u); using the smaller", ours, theirs);
	fo->peer_buf_size = theirs;
	fo->buf_mismatch = bad;
}

/* ---- the control machine ---- */

enum pr_state
link_state(const struct server *srv)
{
	return srv->link != NULL ? srv->link->fsm.state : PR_STANDALONE;
}

/* The STATE code of PollRpl (pr_fsm.h, fo_proto.h). */
uint8_t
link_state_code(const struct server *srv)
{
	return pr_state_code(&srv->link->fsm);
}

static void send_ctl_req(struct server *);

static void
notify(struct server *srv, enum pr_notify n, int from, int to,
    const char *reason)
{
	struct link *fo = srv->link;
	char	 a[16];

	fmt_addr(fo->peer_addr, a, sizeof(a));
	switch (n) {
	case PR_NOTIFY_STATE_CHANGE:
		break;		/* logged with its reason by the caller */
	case PR_NOTIFY_HANDBACK_STARTED:
		log_info("failover: %s is handing subnets back", a);
		break;
	case PR_NOTIFY_CONTROL_RETURNED:
		log_info("failover: %s returned control; serving every "
		    "subnet", a);
		break;
	case PR_NOTIFY_FAILOVER_INOPERABLE:
		log_warn("failover: %s inoperable (no CtlRet after %llu "
		    "CtlReq); serving every subnet, still sending it binding "
		    "updates", a, (unsigned long long)fo->fsm.ctr.ctl_req_sent);
		break;
	case PR_NOTIFY_COUNT:
		break;
	}
	pr_snmp_notify(srv, n, from, to, reason);	/* [snmp] traps */
}

void
link_event(struct server *srv, enum pr_event_type type, int subnet)
{
	struct link	*fo = srv->link;
	struct pr_event	 ev = { .type = type,
	    .subnet = subnet < 0 ? 0 : (uint32_t)subnet };
	struct pr_output out;
	int		 rc;

	rc = pr_fsm_handle(&fo->fsm, &ev, link_now(srv), &out);
	if (rc != FSM_OK) {
		log_err("failover: control machine refused %s in %s (%d)",
		    pr_event_name(type), pr_state_name(fo->fsm.state), rc);
		return;
	}
	if (out.transitioned)
		log_info("failover: %s -> %s (%s)", pr_state_name(out.from),
		    pr_state_name(out.to), out.reason);
	for (size_t i = 0; i < out.nactions; i++) {
		const struct pr_action *a = &out.actions[i];

		switch (a->type) {
		case PR_ACT_SEND_CTL_REQ:
			send_ctl_req(srv);
			break;
		case PR_ACT_ARM_TIMER:
			ev_timer_stop(srv->loop, &fo->ctl_ret_w);
			ev_timer_set(&fo->ctl_ret_w, a->secs, 0.);
			ev_timer_start(srv->loop, &fo->ctl_ret_w);
			break;
		case PR_ACT_CANCEL_TIMER:
			ev_timer_stop(srv->loop, &fo->ctl_ret_w);
			break;
		case PR_ACT_SERVE_ALL:
		case PR_ACT_SERVE_NONE:
			for (size_t k = 0; k < fo->nsubnets; k++)
				fo->subnets[k].who = a->type ==
				    PR_ACT_SERVE_ALL ? SERVED_BY_PRIMARY :
				    SERVED_BY_FAILOVER;
			apply_serving(srv);
			break;
		case PR_ACT_SUBNET_SYNCING:
		case PR_ACT_SUBNET_SERVE:
			if (a->subnet < fo->nsubnets)
				fo->subnets[a->subnet].who = a->type ==
				    PR_ACT_SUBNET_SERVE ? SERVED_BY_PRIMARY :
				    SERVED_BY_NOBODY;
			apply_serving(srv);
			break;
		case PR_ACT_NOTIFY:
			notify(srv, a->notify, (int)out.from, (int)out.to,
			    out.reason);
			break;
		case PR_ACT_COUNT:
			break;
		}
	}
}

static void
ctl_ret_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;

	(void)loop;
	(void)revents;
	link_event(srv, PR_EV_TIMER_CTL_RET, -1);
}

/* ---- sending ---- */

bool
link_up(const struct server *srv)
{
	return srv->link != NULL && srv->link->configured &&
	    srv->link->fd >= 0;
}

struct fo_msg *
link_msg(struct server *srv, uint8_t type)
{
	fo_msg_init(srv->link->out, type, true);
	return srv->link->out;
}

size_t
link_dgram_max(const struct server *srv)
{
	return srv->link->dgram_max;
}

uint16_t
link_peer_buf_size(const struct server *srv)
{
	return srv->link->peer_buf_size;
}

int
link_send(struct server *srv, struct fo_msg *m)
{
	struct link	*fo = srv->link;
	struct sockaddr_in sin;
	size_t		 len;
	enum fo_err	 e;
	uint64_t	 n;
	char		 a[16];

	if (fo->fd < 0 || !link_keys_ok(fo))
		return -1;
	m->hdr.version = fo->version;
	m->hdr.key_id = fo->keys.sign.id;
	m->hdr.seq = ++fo->tx_seq;
	m->hdr.epoch = fo->epoch;
	m->hdr.primary_id = fo->primary_id;
	if ((e = fo_encode(m, fo->txbuf, FO_DGRAM_MAX, &len)) != FO_OK) {
		/* Our own bug: the encoder refuses what a peer would. */
		log_err("failover: cannot encode %s: %s",
		    fo_type_name(m->hdr.type), fo_err_name(e));
		fo->send_errors++;
		return -1;
	}
	if (!fo_auth_sign(&fo->keys.sign, fo->txbuf, len)) {
		log_err("failover: cannot sign %s", fo_type_name(m->hdr.type));
		fo->send_errors++;
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(fo->peer_addr);
	sin.sin_port = htons(fo->peer_port);
	if (sendto(fo->fd, fo->txbuf, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) < 0) {
		fo->send_errors++;
		if (log_ratelimit_ok(&fo->rl_send, link_now(srv), 10, &n)) {
			fmt_addr(fo->peer_addr, a, sizeof(a));
			log_warn("failover: send %s to %s:%u: %s%s",
			    fo_type_name(m->hdr.type), a, fo->peer_port,
			    strerror(errno), n ? " (more failures not logged)"
			    : "");
		}
		return -1;
	}
	if (m->hdr.type <= FO_TYPE_MAX)
		fo->tx_by_type[m->hdr.type]++;
	return 0;
}

static void
add_digests(struct server *srv, struct fo_msg *m)
{
	struct link *fo = srv->link;

	for (size_t i = 0; i < fo->nsubnets && i < FO_MAX_DIGESTS; i++)
		fo_msg_add_digest(m, fo->subnets[i].network,
		    fo->subnets[i].prefix, fo->subnets[i].digest);
}

/* LAST_SEQ of CtlReq and PollRpl: the failover's stream as far as a
 * completed hand-back covered it (handback.c). */
static uint64_t
reported_peer_seq(const struct server *srv)
{
	const struct handback *handback = handback_get(srv);

	return handback != NULL ? handback->peer_seq : 0;
}

static void
set_versions(struct fo_msg *m)
{
	m->ver_min = FO_VERSION_MIN;
	m->ver_max = FO_VERSION_MAX;
	m->present |= FO_BIT(FO_TLV_VERSIONS);
}

/*
 * CtlReq (protocol 5.4): our store's identity, and LAST_SEQ = the
 * highest update of the failover's stream we hold (what it handed back
 * before), so it knows what to hand back now.
 */
static void
send_ctl_req(struct server *srv)
{
	struct fo_msg	*m = link_msg(srv, FO_CTL_REQ);

	set_versions(m);
	snprintf(m->name, sizeof(m->name), "%s", srv->cfg.server.name);
	lease_db_store_id(srv->db, m->store_id);
	m->last_seq = reported_peer_seq(srv);
	m->buf_size = (uint16_t)srv->cfg.failover.sync_binding_buf_size;
	m->state = link_state_code(srv);
	m->clock_ms = (uint64_t)link_clock_ms();
	m->present |= FO_BIT(FO_TLV_NAME) | FO_BIT(FO_TLV_STORE_ID) |
	    FO_BIT(FO_TLV_LAST_SEQ) | FO_BIT(FO_TLV_BUF_SIZE) |
	    FO_BIT(FO_TLV_STATE) | FO_BIT(FO_TLV_CLOCK);
	add_digests(srv, m);
	offer_announce(srv, m);
	link_send(srv, m);
}

/* PollRpl to the Poll whose header is req, in `version` (the highest
 * both speak). */
static void
answer_poll(struct server *srv, const struct fo_hdr *req, uint8_t version)
{
	struct link	*fo = srv->link;
	struct fo_msg	*m = link_msg(srv, FO_POLL_RPL);
	uint8_t		 keep = fo->version;

	set_versions(m);
	snprintf(m->name, sizeof(m->name), "%s", srv->cfg.server.name);
	m->state = link_state_code(srv);
	m->clock_ms = (uint64_t)link_clock_ms();
	lease_db_store_id(srv->db, m->store_id);
	m->last_seq = reported_peer_seq(srv);
	m->present |= FO_BIT(FO_TLV_NAME) | FO_BIT(FO_TLV_STATE) |
	    FO_BIT(FO_TLV_CLOCK) | FO_BIT(FO_TLV_STORE_ID) |
	    FO_BIT(FO_TLV_LAST_SEQ);
	add_digests(srv, m);
	offer_announce(srv, m);
	fo_msg_echo(m, req);
	fo->version = version;
	if (link_send(srv, m) == 0)
		fo->polls_answered++;
	fo->version = keep;
}

void
link_shutdown(struct server *srv)
{
	struct link	*fo = srv->link;
	struct fo_msg	*m;
	char		 a[16];

	if (fo == NULL || !fo->configured || fo->fd < 0)
		return;
	/* What BindUpdDelay holds back leaves first: the failover takes
	 * over with it. */
	repl_flush(srv);
	/*
	 * Three copies, each re-encoded (a byte-identical copy would be a
	 * replay); no ack is awaited: the failover takes over at once
	 * (docs/design.md §2, docs/failover-design.md "Safety").
	 */
	for (int i = 0; i < LINK_SHUTDOWN_COPIES; i++) {
		m = link_msg(srv, FO_SHUTDOWN);
		m->state = FO_STATE_SHUTTING_DOWN;
		m->clock_ms = (uint64_t)link_clock_ms();
		m->last_seq = repl_get(srv)->stream.tx.highest_sent;
		snprintf(m->reason, sizeof(m->reason), "operator stop");
		m->present |= FO_BIT(FO_TLV_STATE) | FO_BIT(FO_TLV_CLOCK) |
		    FO_BIT(FO_TLV_LAST_SEQ) | FO_BIT(FO_TLV_REASON);
		link_send(srv, m);
	}
	fmt_addr(fo->peer_addr, a, sizeof(a));
	log_info("failover: told %s we are stopping (Shutdown x%d)", a,
	    LINK_SHUTDOWN_COPIES);
}

/* ---- receiving ---- */

/*
 * Count a dropped datagram under its reason, raise the trap for a bad
 * HMAC or a replay, and log the first of a burst.
 */
static void
reject(struct server *srv, enum fo_reject r, uint32_t src, uint16_t sport,
    const char *detail)
{
	struct link *fo = srv->link;
	uint64_t n;
	char	 a[16];

	fo->rej[r]++;
	pr_snmp_rejected(srv, r, src, sport);	/* bad HMAC, replay */
	if (!log_ratelimit_ok(&fo->rl_rej, link_now(srv), 10, &n))
		return;
	fmt_addr(src, a, sizeof(a));
	log_warn("failover: dropped %sdatagram from %s:%u: %s%s%s%s",
	    fo_reject_is_codec(r) ? "malformed " : "", a, sport,
	    fo_reject_name(r), detail ? " (" : "", detail ? detail : "",
	    detail ? ")" : "");
	if (n > 0)
		log_warn("failover: %llu more datagrams dropped since the "
		    "last such line; see dhcpfoctl status",
		    (unsigned long long)n);
}

/* Record an accepted message's header; returns true if the failover
 * restarted (a new boot epoch after one we knew). */
static bool
accept_hdr(struct server *srv, const struct fo_hdr *h)
{
	struct link *fo = srv->link;
	bool	 restarted = fo->peer_seen && h->epoch > fo->replay.epoch;

	fo_replay_commit(&fo->replay, h->epoch, h->seq);
	fo->accepted++;
	if (h->type <= FO_TYPE_MAX)
		fo->rx_by_type[h->type]++;
	fo->last_heard = link_now(srv);
	if (restarted) {
		fo->peer_restarts++;
		log_info("failover: the failover restarted (new boot epoch)");
	}
	fo->peer_seen = true;
	return restarted;
}

/*
 * A message in a protocol version we do not speak (protocol 10), past
 * the HMAC and the replay window: if it is a Poll whose VERSIONS meet
 * ours, answer in the highest common one, so one side can be upgraded
 * while the other runs.
 */
static void
other_version(struct server *srv, const struct fo_hdr *h,
    const struct fo_msg *m, uint32_t src, uint16_t sport)
{
	struct link *fo = srv->link;
	int	 v = -1;
	uint64_t n;
	char	 why[96], a[16];

	if (FO_HAS(m, FO_TLV_VERSIONS))
		v = fo_version_pick(FO_VERSION_MIN, FO_VERSION_MAX,
		    m->ver_min, m->ver_max);
	if (v > 0 && h->type == FO_POLL && !fo_hdr_from_primary(h)) {
		fo->peer_ver_min = m->ver_min;
		fo->peer_ver_max = m->ver_max;
		repl_heard(srv, accept_hdr(srv, h));
		fo->version_answered++;
		answer_poll(srv, h, (uint8_t)v);
		return;
	}
	fo->rej[FO_REJ_VERSION]++;
	if (FO_HAS(m, FO_TLV_VERSIONS))
		snprintf(why, sizeof(why), "version %u, it speaks %u..%u, we "
		    "speak %u..%u", h->version, m->ver_min, m->ver_max,
		    FO_VERSION_MIN, FO_VERSION_MAX);
	else
		snprintf(why, sizeof(why), "version %u, we speak %u..%u",
		    h->version, FO_VERSION_MIN, FO_VERSION_MAX);
	if (log_ratelimit_ok(&fo->rl_rej, link_now(srv), 10, &n)) {
		fmt_addr(src, a, sizeof(a));
		log_warn("failover: dropped %s from %s:%u: bad-version (%s)",
		    fo_type_name(h->type), a, sport, why);
	}
}

static void
on_poll(struct server *srv, const struct fo_msg *m)
{
	struct link *fo = srv->link;

	fo->last_poll = link_now(srv);
	fo->peer_ver_min = m->ver_min;
	fo->peer_ver_max = m->ver_max;
	if (FO_HAS(m, FO_TLV_STATE))
		fo->peer_state = m->state;
	if (FO_HAS(m, FO_TLV_LAST_SEQ))
		fo->peer_last_seq = m->last_seq;
	if (FO_HAS(m, FO_TLV_NAME))
		snprintf(fo->peer_name, sizeof(fo->peer_name), "%s", m->name);
	answer_poll(srv, &m->hdr, fo->version);
	link_event(srv, PR_EV_POLL, -1);
}

static void
on_ctl_ret(struct server *srv, const struct fo_msg *m)
{
	struct link *fo = srv->link;
	char	 a[16];

	if (FO_HAS(m, FO_TLV_BUF_SIZE))
		check_buf_size(srv, m->buf_size);
	if (m->result != FO_RESULT_OK) {
		/* A refusal is no answer: the CtlReq retries go on
		 * (docs/failover-states.md, "What the loops must do"). */
		fo->ctl_ret_refused++;
		fmt_addr(fo->peer_addr, a, sizeof(a));
		log_warn("failover: %s refused control (result %u%s%s)", a,
		    m->result, FO_HAS(m, FO_TLV_REASON) ? ": " : "",
		    FO_HAS(m, FO_TLV_REASON) ? m->reason : "");
		return;
	}
	handback_control_returned(srv);
	link_event(srv, PR_EV_CTL_RET, -1);
}

static void
dispatch(struct server *srv, const struct fo_msg *m)
{
	struct link *fo = srv->link;
	size_t	 bad = 0;

	fo->peer_learns = (m->hdr.flags & FO_FLAG_LEARNS) != 0;
	switch (m->hdr.type) {
	case FO_POLL:
		on_poll(srv, m);
		break;
	case FO_CTL_RET:
		on_ctl_ret(srv, m);
		break;
	case FO_SYNC_REQ:
		snprintf(fo->peer_name, sizeof(fo->peer_name), "%s", m->name);
		check_buf_size(srv, m->buf_size);
		check_digests(srv, m);
		repl_sync_request(srv, m);
		break;
	case FO_BIND_UPD:
		/* Hand-back progress restarts the CtlRet wait; a batch of
		 * nothing but broken records is no progress.  A broken one
		 * is not acknowledged: the failover's hand-back of it fails
		 * visibly. */
		if (handback_bind_upd(srv, m, &bad) > 0)
			link_event(srv, PR_EV_BIND_UPD, -1);
		fo->rej[FO_REJ_BAD_LEASE] += bad;
		break;
	case FO_BIND_ACK:
		repl_ack(srv, m);
		break;
	case FO_SUBNET_SYNC_START:
		handback_subnet_start(srv, m);
		break;
	case FO_SUBNET_SYNC_DONE:
		handback_subnet_done(srv, m);
		break;
	case FO_SYNC_DONE:
		handback_sync_done(srv, m);
		break;
	case FO_BIND_RPL:
		approve_answer(srv, m);
		break;
	case FO_CFG_REQ:
		offer_request(srv, m);
		break;
	default:
		/* P->F types never get here: fo_decode checks direction. */
		break;
	}
}

/* LEASE values: accept up to the larger of the two buffer sizes; the
 * smaller one only limits what we send (docs/failover-design.md
 * "Safety"). */
static size_t
lease_max_rx(const struct server *srv)
{
	size_t	 ours = srv->cfg.failover.sync_binding_buf_size;

	return srv->link->peer_buf_size > ours ? srv->link->peer_buf_size :
	    ours;
}

static void
handle_dgram(struct server *srv, size_t len, uint32_t src, uint16_t sport)
{
	struct link	*fo = srv->link;
	const struct fo_accept_id id = { .primary_id = fo->primary_id,
	    .addr = fo->peer_addr, .port = fo->peer_port };
	enum fo_key_used used;
	const struct fo_accept_ctx ctx = { .keys = &fo->keys, .used = &used,
	    .replay = &fo->replay, .lease_max = lease_max_rx(srv),
	    .primary = true };
	struct fo_hdr	 h;
	enum fo_reject	 r;
	char		 why[64];

	fo->rx++;
	r = fo_accept(&id, &ctx, fo->rxbuf, len, src, sport, &h, fo->in);
	/*
	 * A CtlRet answers a CtlReq of ours, or a PollRpl saying we wait
	 * for control (the failover takes it for one): any message of this
	 * boot.  One recorded before our restart names another boot.
	 */
	if (r == FO_REJ_NONE && h.type == FO_CTL_RET &&
	    fo_accept_answer(fo->in, fo->epoch, 0, fo->tx_seq) !=
	    FO_ANSWER_OK)
		r = FO_REJ_STALE_ANSWER;
	if (r == FO_REJ_NONE) {
		fo_keystat_heard(&fo->keystat, &h, used);
		repl_heard(srv, accept_hdr(srv, &h));
		dispatch(srv, fo->in);
		return;
	}
	if (r == FO_REJ_VERSION) {
		other_version(srv, &h, fo->in, src, sport);
		return;
	}
	why[0] = '\0';
	if (r == FO_REJ_UNKNOWN_PEER && h.primary_id != fo->primary_id)
		snprintf(why, sizeof(why), "primary id %08x, ours %08x",
		    h.primary_id, fo->primary_id);
	reject(srv, r, src, sport, why[0] != '\0' ? why : NULL);
}

static void
rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct server	*srv = w->data;
	struct link	*fo = srv->link;
	struct sockaddr_in sin;
	socklen_t	 slen;
	ssize_t		 n;

	(void)loop;
	(void)revents;
	for (int i = 0; i < LINK_READ_BUDGET; i++) {
		slen = sizeof(sin);
		/* MSG_TRUNC: n is the datagram's real size, so one larger
		 * than anything we accept is recognised (oversize), not cut
		 * short. */
		n = recvfrom(fo->fd, fo->rxbuf, FO_DGRAM_MAX + 1, MSG_TRUNC,
		    (struct sockaddr *)&sin, &slen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("failover: receive: %s",
				    strerror(errno));
			break;
		}
		handle_dgram(srv, (size_t)n, ntohl(sin.sin_addr.s_addr),
		    ntohs(sin.sin_port));
	}
	/* Acks may have opened the window; hand-back acks wait for the
	 * commit the loop runs before it sleeps (ev_prepare). */
	repl_pump(srv);
}

/* ---- timers ---- */

void
link_tick(struct server *srv)
{
	if (srv->link == NULL || !srv->link->configured)
		return;
	repl_tick(srv);
	repl_pump(srv);
	/* The server's tick commits it if nothing else does. */
	link_stage_replay(srv);
}

/*
 * Protocol 7.3.  A message accepted since the last commit could still be
 * replayed after a crash; that is at most a tick's worth of Polls and
 * acks (each answer echoes a request of this boot, so none of those
 * counts again), and nothing whose effect a batch made durable: the
 * position rides along with that very batch.
 */
void
link_stage_replay(struct server *srv)
{
	struct link *fo = srv->link;

	if (fo == NULL || !fo->configured || fo->replay.epoch == 0 ||
	    (fo->replay.epoch == fo->saved_epoch &&
	    fo->replay.top == fo->saved_top))
		return;
	if (fo->replay_staged && fo->staged_epoch == fo->replay.epoch &&
	    fo->staged_top == fo->replay.top)
		return;
	if (lease_db_meta_set_u64(srv->db, LINK_META_PEER_EPOCH,
	    fo->replay.epoch) != 0 || lease_db_meta_set_u64(srv->db,
	    LINK_META_PEER_SEQ, fo->replay.top) != 0)
		return;		/* the batch is spoiled; its commit says so */
	fo->staged_epoch = fo->replay.epoch;
	fo->staged_top = fo->replay.top;
	fo->replay_staged = true;
}

void
link_replay_committed(struct server *srv, bool ok)
{
	struct link *fo = srv->link;

	if (fo == NULL || !fo->replay_staged)
		return;
	if (ok) {
		fo->saved_epoch = fo->staged_epoch;
		fo->saved_top = fo->staged_top;
	}
	fo->replay_staged = false;
}

/* The failover's position as the last run left it. */
static int
restore_replay(struct server *srv, char *err, size_t errlen)
{
	struct link *fo = srv->link;
	uint64_t epoch = 0, top = 0;
	int	 rc;

	if (((rc = lease_db_meta_get_u64(srv->db, LINK_META_PEER_EPOCH,
	    &epoch)) != 0 && rc != ENOENT) || ((rc = lease_db_meta_get_u64(
	    srv->db, LINK_META_PEER_SEQ, &top)) != 0 && rc != ENOENT)) {
		snprintf(err, errlen, "lease store: the failover's replay "
		    "position: %s", lease_db_strerror(rc));
		return EXIT_STORE;
	}
	fo_replay_restore(&fo->replay, epoch, top);
	fo->saved_epoch = epoch;
	fo->saved_top = top;
	return 0;
}

/* ---- life cycle ---- */

static void
params_from_cfg(const struct config *cfg, struct pr_params *p)
{
	p->use_failover = cfg->failover.use_failover;
	p->ctl_req_retry_max = cfg->failover.ctl_req_retry_max;
	p->wait_ctl_ret = cfg->failover.wait_ctl_ret_secs;
}

/* Boot epoch: persisted before use, always above the previous one. */
static int
boot_epoch(struct server *srv, char *err, size_t errlen)
{
	struct link *fo = srv->link;
	uint64_t prev = 0, now = clock_usec();
	int	 rc;

	rc = lease_db_meta_get_u64(srv->db, LINK_META_EPOCH, &prev);
	if (rc != 0 && rc != ENOENT) {
		snprintf(err, errlen, "lease store: boot epoch: %s",
		    lease_db_strerror(rc));
		return EXIT_STORE;
	}
	fo->epoch = now > prev ? now : prev + 1;
	if ((rc = lease_db_meta_set_u64(srv->db, LINK_META_EPOCH,
	    fo->epoch)) != 0 || (rc = lease_db_commit(srv->db)) != 0) {
		snprintf(err, errlen, "lease store: boot epoch: %s",
		    lease_db_strerror(rc));
		return EXIT_STORE;
	}
	if (now <= prev)
		log_warn("failover: clock is behind the last boot epoch; "
		    "using %llu", (unsigned long long)fo->epoch);
	return 0;
}

/* The link and its machine; with no failover that is all there is. */
static int
link_new(struct server *srv, char *err, size_t errlen)
{
	struct link	*fo;
	struct pr_params params;

	if ((fo = calloc(1, sizeof(*fo))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	srv->link = fo;
	fo->srv = srv;
	/* Loading the store took a while: the history and the timers
	 * start from now, not from when the loop was made. */
	ev_now_update(srv->loop);
	fo->fd = -1;
	fo->version = FO_VERSION_MAX;
	fo->configured = srv->cfg.failover.use_failover;
	ev_timer_init(&fo->ctl_ret_w, ctl_ret_cb, 1., 0.);
	fo->ctl_ret_w.data = srv;
	subnets_build(srv, fo->configured ? SERVED_BY_FAILOVER :
	    SERVED_BY_PRIMARY);
	params_from_cfg(&srv->cfg, &params);
	if (pr_fsm_init(&fo->fsm, &params, link_now(srv)) != FSM_OK) {
		snprintf(err, errlen, "[failover]: parameters refused by the "
		    "control machine");
		return EXIT_CONFIG;
	}
	return 0;
}

/* With a failover: key, buffers, boot epoch, socket, the modules. */
static int
link_connect(struct server *srv, char *err, size_t errlen)
{
	const struct cfg_primary_failover *fc = &srv->cfg.failover;
	struct link	*fo = srv->link;
	char		 e2[512];
	int		 rc;

	link_keys_open(srv);
	if ((fo->in = malloc(sizeof(*fo->in))) == NULL ||
	    (fo->out = malloc(sizeof(*fo->out))) == NULL ||
	    (fo->rxbuf = malloc(FO_DGRAM_MAX + 1)) == NULL ||
	    (fo->txbuf = malloc(FO_DGRAM_MAX)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	fo->primary_id = fo_primary_id(srv->cfg.server.name);
	fo->peer_addr = fc->server;
	fo->peer_port = fc->port;
	/* Loopback's MTU is 64 KB: bigger batches, no fragmentation
	 * (protocol 9.2). */
	fo->dgram_max = (fc->server >> 24) == 127 ? FO_DGRAM_LOOPBACK :
	    FO_DGRAM_DEFAULT;
	if ((rc = boot_epoch(srv, err, errlen)) != 0 ||
	    (rc = restore_replay(srv, err, errlen)) != 0)
		return rc;
	fo->fd = netio_open_udp(srv->cfg.server.server_addr, fc->port, NULL,
	    e2, sizeof(e2));
	if (fo->fd < 0) {
		snprintf(err, errlen, "failover socket: %s", e2);
		return EXIT_SYSTEM;
	}
	if ((rc = repl_init(srv, err, errlen)) != 0 ||
	    (rc = handback_init(srv, err, errlen)) != 0)
		return rc;
	if (approve_init(srv) < 0 || offer_init(srv) < 0) {
		snprintf(err, errlen, "out of memory");
		return EXIT_SYSTEM;
	}
	ev_io_init(&fo->rx_w, rx_cb, fo->fd, EV_READ);
	fo->rx_w.data = srv;
	ev_io_start(srv->loop, &fo->rx_w);
	return 0;
}

int
link_open(struct server *srv, char *err, size_t errlen)
{
	struct link	*fo;
	char		 a[16];
	int		 rc;

	if ((rc = link_new(srv, err, errlen)) != 0)
		return rc;
	fo = srv->link;
	if (!fo->configured) {
		link_event(srv, PR_EV_START, -1);
		return 0;
	}
	if ((rc = link_connect(srv, err, errlen)) != 0)
		return rc;
	fmt_addr(fo->peer_addr, a, sizeof(a));
	log_info("failover: %s:%u, boot epoch %llu, %s; replication "
	    "watermark %llu", a, fo->peer_port,
	    (unsigned long long)fo->epoch, srv->cfg.server.name,
	    (unsigned long long)repl_watermark(srv));
	link_event(srv, PR_EV_START, -1);
	repl_pump(srv);
	/* With a failover, its share is its own (docs/safety.md). */
	engine_set_role(&srv->eng, ENGINE_PRIMARY, false);
	return 0;
}

void
link_close(struct server *srv)
{
	struct link *fo = srv->link;

	if (fo == NULL)
		return;
	if (srv->loop != NULL) {
		ev_timer_stop(srv->loop, &fo->ctl_ret_w);
		if (fo->fd >= 0)
			ev_io_stop(srv->loop, &fo->rx_w);
	}
	if (fo->configured && srv->db != NULL) {
		/* The watermark joins whatever server_free commits last. */
		repl_before_commit(srv);
	}
	repl_free(srv);
	handback_free(srv);
	approve_free(srv);
	offer_free(srv);
	if (fo->fd >= 0)
		close(fo->fd);
	fo_keyset_clear(&fo->keys);
	free(fo->subnets);
	free(fo->in);
	free(fo->out);
	free(fo->rxbuf);
	free(fo->txbuf);
	free(fo);
	srv->link = NULL;
}

void
link_reloaded(struct server *srv)
{
	struct link	*fo = srv->link;
	struct pr_params params;
	enum served_by	 fresh = SERVED_BY_PRIMARY;

	if (fo == NULL)
		return;
	/* A subnet new to us is the failover's while it holds control. */
	if (fo->fsm.state == PR_CTL_WAIT || fo->fsm.state == PR_RECEIVING)
		fresh = SERVED_BY_FAILOVER;
	subnets_build(srv, fresh);
	params_from_cfg(&srv->cfg, &params);
	params.use_failover = fo->fsm.params.use_failover;
	if (pr_fsm_set_params(&fo->fsm, &params) != FSM_OK)
		log_warn("reload: [failover] CtlReq parameters refused; "
		    "keeping the old ones");
	if (fo->configured) {
		repl_reloaded(srv);
		offer_reloaded(srv);
		/* The engine was made anew with the pools. */
		engine_set_role(&srv->eng, ENGINE_PRIMARY, false);
	}
	apply_serving(srv);
}
