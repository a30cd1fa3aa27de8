/*
 * Main-thread routing (docs/failover-design.md "Sockets and ports"):
 *
 *  - failover datagrams: steps 1 and 2 of docs/failover-protocol.md §7.1
 *    (common/proto/fo_accept.h): sanity (size, magic, length) and the
 *    peer lookup -- primary_id in the header *and* the source address
 *    and port must both match a configured primary -- then the datagram
 *    goes to that primary's thread, which owns the key and does the rest;
 *  - DHCP requests: to the thread owning the subnet (by giaddr, else the
 *    receiving interface's address; a RENEWING unicast or RELEASE by
 *    ciaddr, as the engine does), and only while that thread serves:
 *    in normal operation every relayed broadcast reaches us too, and a
 *    sleeping thread should not pay for them.  Only a request those
 *    addresses route nowhere is decoded, for the link it names itself
 *    (option 82 sub-option 5, option 118: engine_link_address(), the
 *    engine's own rule); decoding every request here would cost the
 *    main thread a decode per packet for a case that is rare.
 *
 * Each socket read is bounded (FOD_READ_BUDGET) so one flood cannot
 * starve the other sockets, the control socket or the signals.  Threads
 * are woken once per read batch, not once per datagram.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "byteorder.h"
#include "dhcp_codec.h"
#include "engine.h"
#include "fod.h"

static int
route_cmp(const void *a, const void *b)
{
	const struct fod_route *x = a, *y = b;

	return x->network < y->network ? -1 : x->network > y->network;
}

size_t
fod_fill_routes(struct fod_peer *const *peers, size_t n,
    struct fod_route *out)
{
	size_t	 k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct config *v = &peers[i]->view;

		for (size_t j = 0; j < v->nsubnets; j++) {
			out[k].network = v->subnets[j].network;
			out[k].mask = v->subnets[j].mask;
			out[k].peer = i;
			k++;
		}
	}
	qsort(out, k, sizeof(*out), route_cmp);
	return k;
}

int
fod_build_routes(struct fod *fod)
{
	struct fod_route *r;
	size_t	 n = 0;

	for (size_t i = 0; i < fod->npeers; i++)
		n += fod->peers[i]->view.nsubnets;
	if ((r = calloc(n ? n : 1, sizeof(*r))) == NULL)
		return -1;
	free(fod->routes);
	fod->routes = r;
	fod->nroutes = fod_fill_routes(fod->peers, fod->npeers, r);
	return 0;
}

struct fod_peer *
fod_peer_by_uid(const struct fod *fod, uint64_t uid)
{
	for (size_t i = 0; i < fod->npeers; i++)
		if (fod->peers[i]->uid == uid)
			return fod->peers[i];
	return NULL;
}

/* Subnets never overlap (the config refuses it): the last network at
 * or below addr is the only candidate. */
long
fod_route(const struct fod *fod, uint32_t addr)
{
	size_t	 lo = 0, hi = fod->nroutes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fod->routes[mid].network <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	lo--;
	if ((addr & fod->routes[lo].mask) != fod->routes[lo].network)
		return -1;
	return (long)fod->routes[lo].peer;
}

/* --------------------------------------------------- failover socket */

static struct fod_peer *
find_peer(struct fod *fod, const struct fo_hdr *h, uint32_t src,
    uint16_t sport, bool *wrong_source)
{
	*wrong_source = false;
	for (size_t i = 0; i < fod->npeers; i++) {
		struct fod_peer *p = fod->peers[i];
		const struct fo_accept_id id = { .primary_id = p->id,
		    .addr = p->addr, .port = p->port };

		if (fo_accept_peer(h, src, sport, &id) == FO_REJ_NONE)
			return p;
		*wrong_source |= p->id == h->primary_id;
	}
	return NULL;
}

static void
fod_rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fod *fod = w->data;
	bool	 woke[CFG_FO_MAX_PRIMARIES_LIMIT] = { false };
	int	 budget = FOD_READ_BUDGET;

	(void)loop;
	(void)revents;
	while (budget-- > 0) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		struct fo_hdr h;
		struct fod_peer *p;
		struct fq_item *it;
		enum fo_reject r;
		bool	 wrong;
		ssize_t	 n;
		uint32_t src;
		uint16_t sport;
		char	 a[INET_ADDRSTRLEN];
		uint64_t sup;

		n = recvfrom(fod->fod_fd, fod->fod_rxbuf, FO_DGRAM_MAX + 1,
		    MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("failover socket: receive: %s",
				    strerror(errno));
			break;
		}
		fod->ctr.fo_rx++;
		src = ntohl(from.sin_addr.s_addr);
		sport = ntohs(from.sin_port);
		r = fo_accept_header(fod->fod_rxbuf, (size_t)n, &h);
		if (r != FO_REJ_NONE) {
			fod->ctr.fod_bad++;
			fod->ctr.fod_bad_by[r]++;
			if (log_ratelimit_ok(&fod->rl_fo, ev_now(fod->loop),
			    10, &sup)) {
				fod_fmt_addr(src, a, sizeof(a));
				log_warn("failover socket: dropped %zd bytes "
				    "from %s:%u: %s%s", n, a, sport,
				    fo_reject_name(r), sup ? " (and more since "
				    "the last report)" : "");
			}
			continue;
		}
		if ((p = find_peer(fod, &h, src, sport, &wrong)) == NULL) {
			fod->ctr.fod_unknown_peer++;
			if (log_ratelimit_ok(&fod->rl_fo, ev_now(fod->loop),
			    10, &sup)) {
				fod_fmt_addr(src, a, sizeof(a));
				log_warn("failover socket: %s from %s:%u for "
				    "%s primary id %08x%s", fo_type_name(h.type),
				    a, sport, wrong ? "a source other than the "
				    "configured Address:Port of" : "unknown",
				    h.primary_id, sup ? " (and more since the "
				    "last report)" : "");
			}
			continue;
		}
		if ((it = fq_item_new(FQ_FO, (size_t)n)) == NULL)
			break;
		it->src_addr = src;
		it->src_port = sport;
		memcpy(it->buf, fod->fod_rxbuf, (size_t)n);
		p->fod_queued++;
		if (!fq_push(&p->inq, it))
			fod->ctr.fod_queue_full++;
		woke[p->idx] = true;
	}
	for (size_t i = 0; i < fod->npeers; i++)
		if (woke[i])
			fq_wake(&fod->peers[i]->inq);
}

/* The thread for a request that names its link in its options, or -1. */
static long
route_selected(struct fod *fod, const struct netio_pkt *pkt, uint32_t link)
{
	static _Thread_local struct dhcp_msg m;
	uint32_t	 a;

	if (dhcp_msg_decode(pkt->buf, pkt->len, &m) != DHCP_OK)
		return -1;
	a = engine_link_address(&m, link);
	return a != 0 && a != link ? fod_route(fod, a) : -1;
}

/* ------------------------------------------------------ DHCP sockets */


static void
dhcp_rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct dhcp_sock *sock = w->data;
	struct fod *fod = sock->owner;
	bool	 woke[CFG_FO_MAX_PRIMARIES_LIMIT] = { false };
	int	 total = 0, n;

	(void)loop;
	(void)revents;
	while (total < FOD_READ_BUDGET) {
		n = netio_recv_batch(sock->fd, fod->rxbuf, NETIO_BATCH);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_warn("DHCP socket %s: receive: %s",
				    sock->ifname[0] ? sock->ifname :
				    "(server address)", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			const struct netio_pkt *pkt = &fod->rxbuf[i];
			struct fq_item *it;
			uint32_t gi, ci, ifa, link;
			long	 pi = -1;
			struct fod_peer *p;

			fod->ctr.dhcp_rx++;
			if (pkt->truncated) {
				fod->ctr.dhcp_truncated++;
				continue;
			}
			/* BOOTP fixed part; only requests concern us. */
			if (pkt->len < 236 || pkt->buf[0] != 1) {
				fod->ctr.dhcp_short++;
				continue;
			}
			ci = get_be32(pkt->buf + 12);
			gi = get_be32(pkt->buf + 24);
			ifa = gi != 0 ? 0 : dhcp_socks_iface_addr(&fod->socks, pkt->ifindex);
			link = gi != 0 ? gi : ifa;
			if (gi == 0 && ci != 0)
				pi = fod_route(fod, ci);
			if (pi < 0 && link != 0)
				pi = fod_route(fod, link);
			if (pi < 0)
				pi = route_selected(fod, pkt, link);
			if (pi < 0) {
				fod->ctr.dhcp_no_subnet++;
				continue;
			}
			p = fod->peers[pi];
			if (!atomic_load(&p->serving)) {
				p->dhcp_ignored++;
				continue;
			}
			if ((it = fq_item_new(FQ_DHCP, pkt->len)) == NULL)
				continue;
			it->sock = (uint16_t)dhcp_socks_index(&fod->socks, sock);
			it->src_addr = pkt->src_addr;
			it->src_port = pkt->src_port;
			it->ifindex = pkt->ifindex;
			it->link_addr = link;
			it->iface_addr = ifa;
			it->rx_time = pkt->rx_time;
			memcpy(it->buf, pkt->buf, pkt->len);
			p->dhcp_queued++;
			if (!fq_push(&p->inq, it))
				fod->ctr.dhcp_queue_full++;
			woke[pi] = true;
		}
		total += n;
		if (n < NETIO_BATCH)
			break;
	}
	for (size_t i = 0; i < fod->npeers; i++)
		if (woke[i])
			fq_wake(&fod->peers[i]->inq);
}

int
fod_open_sockets(struct fod *fod, char *err, size_t errlen)
{
	const struct cfg_server *sc = &fod->cfg.server;
	char	 e2[256];

	fod->fod_fd = netio_open_udp(sc->server_addr, fod->cfg.failover_port,
	    NULL, e2, sizeof(e2));
	if (fod->fod_fd < 0) {
		snprintf(err, errlen, "failover socket: %s", e2);
		return -1;
	}
	ev_io_init(&fod->fod_w, fod_rx_cb, fod->fod_fd, EV_READ);
	fod->fod_w.data = fod;
	ev_io_start(fod->loop, &fod->fod_w);
	/* The DHCP sockets as the primary opens them. */
	return dhcp_socks_open(&fod->socks, fod->loop, sc->server_addr,
	    sc->dhcp_port, sc->interfaces, sc->ninterfaces, dhcp_rx_cb, fod,
	    err, errlen);
}

void
fod_close_sockets(struct fod *fod)
{
	dhcp_socks_close(&fod->socks, fod->loop);
	if (fod->fod_fd >= 0) {
		ev_io_stop(fod->loop, &fod->fod_w);
		close(fod->fod_fd);
		fod->fod_fd = -1;
	}
}
