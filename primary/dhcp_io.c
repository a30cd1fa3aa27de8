/*
 * DHCP packets in and out: the receive path in a fixed order (read a
 * batch, decode, engine, queue), requests parked while a verdict is
 * awaited (a ping check before an offer, the failover's approval of a
 * binding in its share), and replies sent in batches — at once for
 * offers and NAKs, after the group commit for ACKs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_int.h"

static void	handle_packet(struct server *, struct dhcp_sock *,
		    const struct netio_pkt *);

static void
fmt_addr(uint32_t a, char *buf, size_t len)
{
	struct in_addr ia = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &ia, buf, (socklen_t)len);
}

static void
rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dhcp_sock *sock = w->data;
	struct server *srv = sock->owner;
	int	 n, total = 0;

	(void)loop;
	(void)revents;
	/*
	 * Drain up to a budget so a flood on one socket cannot starve the
	 * others, the timers or the control socket; what is left is read on
	 * the next loop iteration.
	 */
	while (total < SRV_READ_BUDGET) {
		n = netio_recv_batch(sock->fd, srv->rxbuf, NETIO_BATCH);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_warn("receive on %s: %s", sock->ifname[0] ?
				    sock->ifname : "server address",
				    strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++)
			handle_packet(srv, sock, &srv->rxbuf[i]);
		total += n;
		/* A full batch is committed now rather than growing
		 * without bound until the loop goes idle; a spoiled one
		 * is ended, so the rest of the burst gets a clean one. */
		if (lease_db_staged(srv->db) >=
		    srv->cfg.server.commit_batch_max ||
		    gcommit_spoiled(&srv->gc))
			(void)srv_commit(srv);
		if (n < NETIO_BATCH)
			break;
	}
	srv_flush_outbox(srv);
}

/*
 * Link of a request (RFC 2131 4.3.1): the relay's giaddr; for a directly
 * attached client the address of the interface it arrived on.
 */
static void
link_of(struct server *srv, const struct netio_pkt *pkt,
    const struct dhcp_msg *m, uint32_t *link, uint32_t *iface_addr)
{
	*link = 0;
	*iface_addr = 0;
	if (m->giaddr != 0) {
		*link = m->giaddr;
		return;
	}
	*link = *iface_addr = dhcp_socks_iface_addr(&srv->socks,
	    pkt->ifindex);
}

static void
queue_reply(struct server *srv, struct dhcp_sock *sock,
    const struct netio_pkt *pkt, uint32_t iface_addr,
    const struct dhcp_msg *req, struct engine_result *res)
{
	const char *why;
	int	 rc;

	if (res->needs_commit)
		rc = gcommit_queue(&srv->gc, sock->fd, pkt->ifindex,
		    iface_addr, pkt->rx_time, req, res, ev_now(srv->loop),
		    &srv->tx, &why);
	else
		rc = dhcp_reply_queue(&srv->outbox, sock->fd, pkt->ifindex,
		    iface_addr, pkt->rx_time, req, res, &srv->tx, &why);
	if (rc < 0)
		log_warn("cannot queue reply: %s", why);
}

static void
apply_result(struct server *srv, struct dhcp_sock *sock,
    const struct netio_pkt *pkt, uint32_t link, uint32_t iface_addr,
    const struct dhcp_msg *m, struct engine_result *res);

/*
 * Requests parked until a verdict lets the engine finish them
 * (common/dhcp/park.c): a DISCOVER while its candidate address is
 * pinged, a REQUEST while the failover is asked to approve its binding.
 */
static void
park_origin_of(struct dhcp_sock *sock, const struct netio_pkt *pkt,
    uint32_t link, uint32_t iface_addr, struct park_origin *o)
{
	memset(o, 0, sizeof(*o));
	o->sock = sock;
	o->fd = sock->fd;
	o->ifindex = pkt->ifindex;
	o->src_addr = pkt->src_addr;
	o->src_port = pkt->src_port;
	o->link_addr = link;
	o->iface_addr = iface_addr;
	o->rx_time = pkt->rx_time;
}

/* The engine decides again with the verdict in `in`. */
static void
unpark(void *arg, const struct park_origin *from, struct engine_input *in)
{
	struct server *srv = arg;
	struct netio_pkt meta;

	if (in->ping_in_use) {
		char a[INET_ADDRSTRLEN];
		uint64_t n;
		fmt_addr(in->pinged_addr, a, sizeof(a));
		if (log_ratelimit_ok(&srv->rl_ping, ev_now(srv->loop), 10, &n))
			log_warn("ping check: %s answered; marked in conflict "
			    "and not offered", a);
	}
	memset(&meta, 0, sizeof(meta));
	meta.ifindex = from->ifindex;
	meta.src_addr = from->src_addr;
	meta.src_port = from->src_port;
	meta.rx_time = from->rx_time;
	in->now = srv_now(srv);
	in->now_ms = (int64_t)(ev_now(srv->loop) * 1000);
	engine_handle(&srv->eng, in, srv->res);
	apply_result(srv, from->sock, &meta, from->link_addr, from->iface_addr,
	    in->msg, srv->res);
	srv_flush_outbox(srv);
}

/* Forget every parked request (reload, shutdown); clients retry. */
void
srv_cancel_parked(struct server *srv)
{
	park_cancel_all(&srv->pings);
	park_cancel_all(&srv->approvals);
}

static void
start_ping(struct server *srv, struct dhcp_sock *sock,
    const struct netio_pkt *pkt, uint32_t link, uint32_t iface_addr,
    const struct dhcp_msg *m, const struct engine_result *res)
{
	const struct cfg_server *sc = &srv->cfg.server;
	struct park_ping pc = { .ctx = srv->ping,
	    .attempts = sc->ping_attempts,
	    .send_delay_ms = sc->ping_send_delay_ms };
	struct park_origin o;

	park_origin_of(sock, pkt, link, iface_addr, &o);
	(void)park_ping(&srv->pings, &pc, &o, m, res->ping_addr,
	    res->ping_round);
}

/* ---- the failover's approval of a binding in its share ---- */

/*
 * Approvals are given up after WaitSyncBindAckSecs: the client, which
 * retransmits its REQUEST every few seconds, is then asked about again.
 */
static void
start_approval(struct server *srv, struct dhcp_sock *sock,
    const struct netio_pkt *pkt, uint32_t link, uint32_t iface_addr,
    const struct dhcp_msg *m, struct engine_result *res)
{
	struct park_origin o;
	uint64_t seq;

	if (!park_room(&srv->approvals))
		return;
	if (approve_ask(srv, &res->approve, &seq) < 0) {
		/* No failover to ask (not configured, not reachable by
		 * socket): no binding in its share. */
		srv->ctr.approvals_unasked++;
		return;
	}
	park_origin_of(sock, pkt, link, iface_addr, &o);
	(void)park_hold(&srv->approvals, &o, m, seq, res->approve.addr,
	    ev_now(srv->loop) + srv->cfg.failover.wait_sync_bind_ack_secs);
}

bool
srv_approval_verdict(struct server *srv, uint64_t seq, bool approved,
    bool refused)
{
	/* Neither: the failover could not decide (its store failed); as
	 * if it never answered, the client asks again. */
	return park_resume(&srv->approvals, seq, approved, refused);
}

void
srv_park_init(struct server *srv)
{
	park_init(&srv->pings, srv->loop, SRV_MAX_PINGS, unpark, srv);
	park_init(&srv->approvals, srv->loop, SRV_MAX_APPROVALS, unpark, srv);
}

static void
apply_result(struct server *srv, struct dhcp_sock *sock,
    const struct netio_pkt *pkt, uint32_t link, uint32_t iface_addr,
    const struct dhcp_msg *m, struct engine_result *res)
{
	bool	 staged = true;

	/*
	 * Offers are held in memory only: a restart forgets them, which
	 * costs a client one more DISCOVER, never a duplicate.  Everything
	 * else is written: at once when it gates a reply or the client
	 * asked for it (ACK, RELEASE, DECLINE), lazily otherwise.  A reply
	 * whose lease was not staged is not sent at all (gcommit.h).
	 */
	for (size_t i = 0; i < res->nchanges; i++) {
		if (!res->needs_commit &&
		    res->changes[i].state == LEASE_OFFERED)
			continue;
		if (srv_stage(srv, &res->changes[i], res->needs_commit) != 0)
			staged = false;
	}
	/* NAK, RELEASE, DECLINE; an ACK's line waits for its commit. */
	lease_log_result(&srv->llog, ev_now(srv->loop), m, res);
	switch (res->action) {
	case ENGINE_REPLY:
		if (res->needs_commit && !staged)
			gcommit_withhold(&srv->gc);
		else
			queue_reply(srv, sock, pkt, iface_addr, m, res);
		break;
	case ENGINE_PING_FIRST:
		start_ping(srv, sock, pkt, link, iface_addr, m, res);
		break;
	case ENGINE_APPROVE_FIRST:
		start_approval(srv, sock, pkt, link, iface_addr, m, res);
		break;
	case ENGINE_DROP:
		if (engine_drop_is_rate_limit(res->drop))
			ratelimit_log_drop(&srv->rlim, ev_now(srv->loop), "",
			    res->drop_name, m->giaddr);
		if (srv->debug) {
			char a[INET_ADDRSTRLEN], hw[48];
			fmt_addr(pkt->src_addr, a, sizeof(a));
			log_hwaddr(m->chaddr, m->hlen, hw, sizeof(hw));
			log_debug("dropped request from %s (%s): %s", a, hw,
			    res->drop_name);
		}
		break;
	case ENGINE_NONE:
		break;
	}
}

static void
handle_packet(struct server *srv, struct dhcp_sock *sock,
    const struct netio_pkt *pkt)
{
	struct dhcp_msg *m = srv->msg;
	struct engine_input in;
	enum dhcp_err e;
	uint32_t link, iface_addr;

	srv->ctr.received++;
	if (pkt->truncated) {
		srv->ctr.truncated++;
		e = DHCP_ERR_TOO_LONG;
	} else
		e = dhcp_msg_decode(pkt->buf, pkt->len, m);
	if (e == DHCP_OK && m->op != BOOTREQUEST) {
		/* Other servers' replies reach us through broadcast; the
		 * engine counts them, nothing is malformed about them. */
	} else if (e != DHCP_OK) {
		char a[INET_ADDRSTRLEN];
		uint64_t n;

		srv->ctr.malformed++;
		srv->ctr.malformed_by[e]++;
		if (log_ratelimit_ok(&srv->rl_malformed, ev_now(srv->loop),
		    10, &n)) {
			fmt_addr(pkt->src_addr, a, sizeof(a));
			log_warn("dropped malformed DHCP packet from %s:%u "
			    "(%zu bytes): %s%s", a, pkt->src_port, pkt->len,
			    dhcp_err_name(e), n ? "; more were dropped "
			    "silently, see dhcpfoctl status" : "");
		}
		return;
	}
	link_of(srv, pkt, m, &link, &iface_addr);
	memset(&in, 0, sizeof(in));
	in.msg = m;
	in.link_addr = link;
	in.iface_server_addr = iface_addr;
	in.now = srv_now(srv);
	in.now_ms = (int64_t)(ev_now(srv->loop) * 1000);
	engine_handle(&srv->eng, &in, srv->res);
	apply_result(srv, sock, pkt, link, iface_addr, m, srv->res);
}

/* ---- sending ---- */

static void
send_failed(void *arg, uint32_t dst, uint16_t port, int errnum)
{
	struct server *srv = arg;
	char	 a[INET_ADDRSTRLEN];
	uint64_t n;

	if (log_ratelimit_ok(&srv->rl_send, ev_now(srv->loop), 10, &n)) {
		fmt_addr(dst, a, sizeof(a));
		log_warn("send reply to %s:%u: %s%s", a, port, strerror(errnum),
		    n ? " (more failures not logged)" : "");
	}
}

void
srv_flush_replies(struct server *srv, struct dhcp_replyq *q)
{
	dhcp_reply_flush(q, &srv->l2, srv->cfg.server.dhcp_port, &srv->tx,
	    send_failed, srv);
}

void
srv_flush_outbox(struct server *srv)
{
	if (srv->outbox.n > 0)
		srv_flush_replies(srv, &srv->outbox);
}

/* ---- sockets ---- */

int
srv_open_sockets(struct server *srv, char *err, size_t errlen)
{
	const struct cfg_server *sc = &srv->cfg.server;

	_Static_assert(CFG_MAX_IFACES <= DHCP_SOCKS_IFACES,
	    "a socket for every interface");
	if (dhcp_socks_open(&srv->socks, srv->loop, sc->server_addr,
	    sc->dhcp_port, sc->interfaces, sc->ninterfaces, rx_cb, srv, err,
	    errlen) < 0)
		return -1;
	if (sc->ninterfaces > 0 && netio_l2_open(&srv->l2, err, errlen) < 0)
		return -1;
	return 0;
}

void
srv_close_sockets(struct server *srv)
{
	dhcp_socks_close(&srv->socks, srv->loop);
	netio_l2_close(&srv->l2);
}
