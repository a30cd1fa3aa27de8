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

static void	handle_packet(struct server *, struct srv_sock *,
		    const struct netio_pkt *);

/*
 * A request parked until a verdict lets the engine finish it: a
 * DISCOVER while its candidate address is pinged, or a REQUEST while
 * the failover is asked to approve its binding.  Nothing is held
 * meanwhile; the engine decides again with the verdict.
 */
struct parked {
	struct parked	*next, **prevp;
	struct server	*srv;
	struct srv_sock	*sock;
	struct netio_pkt meta;		/* where it came from (no payload use) */
	uint32_t	 link_addr, iface_addr;
	unsigned	 round;		/* ping: the engine's ping_round */
	uint64_t	 seq;		/* approval: the BIND_REQ's UPD_SEQ */
	uint32_t	 addr;		/* approval: the address asked for */
	double		 deadline;	/* approval: given up after this */
	struct dhcp_msg	 msg;
};

static void
fmt_addr(uint32_t a, char *buf, size_t len)
{
	struct in_addr ia = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &ia, buf, (socklen_t)len);
}

static void
rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct srv_sock *sock = w->data;
	struct server *srv = sock->srv;
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
	const struct ifaddr_entry *ife;

	*link = 0;
	*iface_addr = 0;
	if (m->giaddr != 0) {
		*link = m->giaddr;
		return;
	}
	ife = ifaddr_by_index(&srv->ifs, pkt->ifindex);
	if (ife == NULL) {
		/* Interfaces may have been (re)configured since start. */
		char err[256];
		ifaddr_free(&srv->ifs);
		if (ifaddr_load(&srv->ifs, err, sizeof(err)) < 0)
			log_warn("interface list: %s", err);
		ife = ifaddr_by_index(&srv->ifs, pkt->ifindex);
	}
	if (ife != NULL) {
		*link = ife->addr;
		*iface_addr = ife->addr;
	}
}

static void
queue_reply(struct server *srv, struct srv_sock *sock,
    const struct netio_pkt *pkt, uint32_t iface_addr,
    const struct dhcp_msg *req, struct engine_result *res)
{
	const char *why;
	int	 rc;

	if (res->needs_commit)
		rc = gcommit_queue(&srv->gc, sock->fd, pkt->ifindex,
		    iface_addr, req, res, &srv->tx, &why);
	else
		rc = dhcp_reply_queue(&srv->outbox, sock->fd, pkt->ifindex,
		    iface_addr, req, res, &srv->tx, &why);
	if (rc < 0)
		log_warn("cannot queue reply: %s", why);
}

static void
apply_result(struct server *srv, struct srv_sock *sock,
    const struct netio_pkt *pkt, uint32_t link, uint32_t iface_addr,
    const struct dhcp_msg *m, struct engine_result *res);

static struct parked *
park(struct server *srv, struct srv_sock *sock, const struct netio_pkt *pkt,
    uint32_t link, uint32_t iface_addr, const struct dhcp_msg *m)
{
	struct parked *pw;

	if ((pw = malloc(sizeof(*pw))) == NULL)
		return NULL;
	pw->srv = srv;
	pw->sock = sock;
	pw->meta.ifindex = pkt->ifindex;
	pw->meta.src_addr = pkt->src_addr;
	pw->meta.src_port = pkt->src_port;
	pw->link_addr = link;
	pw->iface_addr = iface_addr;
	pw->round = 0;
	pw->seq = 0;
	pw->addr = 0;
	pw->deadline = 0;
	memcpy(&pw->msg, m, sizeof(*m));
	return pw;
}

/* At the head of a list: the oldest is last. */
static void
park_link(struct parked **head, struct parked *pw)
{
	pw->next = *head;
	if (pw->next != NULL)
		pw->next->prevp = &pw->next;
	pw->prevp = head;
	*head = pw;
}

static void
park_unlink(struct parked *pw)
{
	if (pw->next != NULL)
		pw->next->prevp = pw->prevp;
	*pw->prevp = pw->next;
}

/* The engine decides again with the verdict in `in`; pw is freed. */
static void
unpark(struct parked *pw, struct engine_input *in)
{
	struct server *srv = pw->srv;

	in->msg = &pw->msg;
	in->link_addr = pw->link_addr;
	in->iface_server_addr = pw->iface_addr;
	in->now = srv_now(srv);
	engine_handle(&srv->eng, in, srv->res);
	apply_result(srv, pw->sock, &pw->meta, pw->link_addr, pw->iface_addr,
	    &pw->msg, srv->res);
	free(pw);
	srv_flush_outbox(srv);
}

static void
park_free_all(struct parked **head)
{
	while (*head != NULL) {
		struct parked *pw = *head;

		park_unlink(pw);
		free(pw);
	}
}

/* Forget every parked request (reload, shutdown); clients retry. */
void
srv_cancel_parked(struct server *srv)
{
	if (srv->ping != NULL)
		ping_cancel_all(srv->ping);
	park_free_all(&srv->pings);
	srv->pings_inflight = 0;
	park_free_all(&srv->approvals);
	srv->approvals_waiting = 0;
	ev_timer_stop(srv->loop, &srv->approval_w);
}

static void
ping_done(void *arg, uint32_t addr, bool in_use)
{
	struct parked *pw = arg;
	struct server *srv = pw->srv;
	struct engine_input in = {
		.pinged_addr = addr, .ping_in_use = in_use,
		.ping_round = pw->round,
	};

	srv->pings_inflight--;
	park_unlink(pw);
	if (in_use) {
		char a[INET_ADDRSTRLEN];
		uint64_t n;
		fmt_addr(addr, a, sizeof(a));
		if (log_ratelimit_ok(&srv->rl_ping, ev_now(srv->loop), 10, &n))
			log_warn("ping check: %s answered; marked in conflict "
			    "and not offered", a);
	}
	unpark(pw, &in);
}

static void
start_ping(struct server *srv, struct srv_sock *sock,
    const struct netio_pkt *pkt, uint32_t link, uint32_t iface_addr,
    const struct dhcp_msg *m, const struct engine_result *res)
{
	const struct cfg_server *sc = &srv->cfg.server;
	struct parked *pw;

	if (srv->ping == NULL || srv->pings_inflight >= SRV_MAX_PINGS ||
	    (pw = park(srv, sock, pkt, link, iface_addr, m)) == NULL) {
		srv->ctr.ping_backlog++;
		return;
	}
	pw->round = res->ping_round;
	if (ping_check(srv->ping, res->ping_addr, sc->ping_attempts,
	    sc->ping_send_delay_ms, ping_done, pw) < 0) {
		free(pw);
		srv->ctr.ping_backlog++;
		return;
	}
	srv->pings_inflight++;
	park_link(&srv->pings, pw);
}

/* ---- the failover's approval of a binding in its share ---- */

/*
 * Approvals are given up after WaitSyncBindAckSecs: the client, which
 * retransmits its REQUEST every few seconds, is then asked about again.
 * They are kept in the order they were asked, so the oldest deadline is
 * the list's last entry; the timer runs for the next one to expire.
 */
static void
approval_rearm(struct server *srv)
{
	struct parked *pw, *last = NULL;

	ev_timer_stop(srv->loop, &srv->approval_w);
	for (pw = srv->approvals; pw != NULL; pw = pw->next)
		last = pw;
	if (last == NULL)
		return;
	ev_timer_set(&srv->approval_w, last->deadline > ev_now(srv->loop) ?
	    last->deadline - ev_now(srv->loop) : 0., 0.);
	ev_timer_start(srv->loop, &srv->approval_w);
}

static void
approval_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct server *srv = w->data;
	struct parked *pw, *next;

	(void)loop;
	(void)revents;
	for (pw = srv->approvals; pw != NULL; pw = next) {
		next = pw->next;
		if (pw->deadline > ev_now(srv->loop))
			continue;
		park_unlink(pw);
		free(pw);
		srv->approvals_waiting--;
		srv->ctr.approvals_timed_out++;
	}
	approval_rearm(srv);
}

static void
start_approval(struct server *srv, struct srv_sock *sock,
    const struct netio_pkt *pkt, uint32_t link, uint32_t iface_addr,
    const struct dhcp_msg *m, struct engine_result *res)
{
	struct parked *pw;
	uint64_t seq;

	if (srv->approvals_waiting >= SRV_MAX_APPROVALS ||
	    (pw = park(srv, sock, pkt, link, iface_addr, m)) == NULL) {
		srv->ctr.approvals_backlog++;
		return;
	}
	if (approve_ask(srv, &res->approve, &seq) < 0) {
		/* No failover to ask (not configured, not reachable by
		 * socket): no binding in its share. */
		free(pw);
		srv->ctr.approvals_unasked++;
		return;
	}
	pw->seq = seq;
	pw->addr = res->approve.addr;
	pw->deadline = ev_now(srv->loop) +
	    srv->cfg.failover.wait_sync_bind_ack_secs;
	park_link(&srv->approvals, pw);
	srv->approvals_waiting++;
	if (!ev_is_active(&srv->approval_w))
		approval_rearm(srv);
}

bool
srv_approval_verdict(struct server *srv, uint64_t seq, bool approved,
    bool refused)
{
	struct engine_input in = { 0 };
	struct parked *pw;

	for (pw = srv->approvals; pw != NULL && pw->seq != seq; pw = pw->next)
		;
	if (pw == NULL)
		return false;
	park_unlink(pw);
	srv->approvals_waiting--;
	approval_rearm(srv);
	if (!approved && !refused) {
		/* The failover could not decide (its store failed): as if
		 * it never answered; the client asks again. */
		free(pw);
		return true;
	}
	in.approved_addr = pw->addr;
	in.approval_refused = refused;
	unpark(pw, &in);
	return true;
}

void
srv_approvals_init(struct server *srv)
{
	ev_timer_init(&srv->approval_w, approval_timeout_cb, 1., 0.);
	srv->approval_w.data = srv;
}

static void
apply_result(struct server *srv, struct srv_sock *sock,
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
handle_packet(struct server *srv, struct srv_sock *sock,
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

static int
add_sock(struct server *srv, uint32_t addr, const char *ifname, bool relay,
    char *err, size_t errlen)
{
	struct srv_sock *s = &srv->socks[srv->nsocks];

	s->fd = netio_open_udp(addr, srv->cfg.server.dhcp_port, ifname, err,
	    errlen);
	if (s->fd < 0)
		return -1;
	s->srv = srv;
	s->relay = relay;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname ? ifname : "");
	ev_io_init(&s->w, rx_cb, s->fd, EV_READ);
	s->w.data = s;
	ev_io_start(srv->loop, &s->w);
	srv->nsocks++;
	return 0;
}

int
srv_open_sockets(struct server *srv, char *err, size_t errlen)
{
	const struct cfg_server *sc = &srv->cfg.server;
	char	 e2[256];

	if (ifaddr_load(&srv->ifs, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "interface list: %s", e2);
		return -1;
	}
	/* Relayed traffic arrives unicast at our own address. */
	if (add_sock(srv, sc->server_addr, NULL, true, err, errlen) < 0)
		return -1;
	/* Directly attached clients broadcast: one wildcard socket tied to
	 * each served interface, so we never answer on a link we were not
	 * told to serve. */
	for (size_t i = 0; i < sc->ninterfaces; i++) {
		if (ifaddr_by_name(&srv->ifs, sc->interfaces[i]) == NULL) {
			snprintf(err, errlen, "interface %s (Interfaces in "
			    "[server]) does not exist or has no IPv4 address",
			    sc->interfaces[i]);
			return -1;
		}
		if (add_sock(srv, INADDR_ANY, sc->interfaces[i], false, err,
		    errlen) < 0)
			return -1;
	}
	if (sc->ninterfaces > 0 && netio_l2_open(&srv->l2, err, errlen) < 0)
		return -1;
	return 0;
}

void
srv_close_sockets(struct server *srv)
{
	for (size_t i = 0; i < srv->nsocks; i++) {
		ev_io_stop(srv->loop, &srv->socks[i].w);
		close(srv->socks[i].fd);
	}
	srv->nsocks = 0;
	netio_l2_close(&srv->l2);
	ifaddr_free(&srv->ifs);
}
