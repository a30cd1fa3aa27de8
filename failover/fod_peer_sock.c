/*
 * Each primary's own failover socket (docs/failover-design.md "Sockets
 * and ports").
 *
 * Every primary thread opens a UDP socket bound to the same
 * ServerAddress:FailoverPort as the main thread's and connect()s it to
 * its primary's Address:Port.  Linux prefers the connected socket whose
 * remote end matches, so the kernel delivers that primary's datagrams
 * straight to its thread: the steady stream of BindUpd and PollRpl
 * costs no hand-off between threads (a mutex, an ev_async, a futex
 * wake-up and a malloc per datagram were most of the failover's CPU
 * with five busy primaries).  Replies leave through the same socket.
 *
 * The main thread's socket still receives everything else: datagrams
 * from unknown addresses (counted and dropped there) and, around a
 * reload that restarts a primary, the few that arrive while no
 * connected socket exists (routed through the queue as before).  Both
 * run steps 1 and 2 of docs/failover-protocol.md §7.1 with the same
 * checks (common/proto/fo_accept.h) and end in the same fod_msg_rx,
 * which runs the rest.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fod.h"

/* One datagram read from the primary's socket. */
static void
take(struct fod_peer *p, struct fq_item *it, size_t len,
    const struct sockaddr_in *from)
{
	/* Connected, so the source is the primary's; the header must name
	 * it too (as the main thread's routing requires). */
	const struct fo_accept_id id = { .primary_id = p->id,
	    .connected = true };
	struct fo_hdr h;
	enum fo_reject r;

	p->sock_ctr.direct_rx++;
	it->len = len;
	it->src_addr = ntohl(from->sin_addr.s_addr);
	it->src_port = ntohs(from->sin_port);
	r = fo_accept_header(it->buf, it->len, &h);
	if (r != FO_REJ_NONE) {
		p->sock_ctr.direct_bad++;
		fod_reject(p, r, NULL);
		return;
	}
	if ((r = fo_accept_peer(&h, it->src_addr, it->src_port, &id)) !=
	    FO_REJ_NONE) {
		fod_reject(p, r, NULL);
		return;
	}
	fod_msg_rx(p, it);
}

/*
 * Everything waiting, FOD_RX_BATCH datagrams per recvmmsg: a busy
 * primary's tick brings about ten, and on the development VM a system
 * call costs a few microseconds.  A batch that comes back short found
 * the socket empty, so no call is spent on the EAGAIN either.
 */
void
fod_peer_sock_drain(struct fod_peer *p)
{
	struct mmsghdr	 mm[FOD_RX_BATCH];
	struct iovec	 iov[FOD_RX_BATCH];
	struct sockaddr_in from[FOD_RX_BATCH];
	int		 budget = FOD_READ_BUDGET, n;

	if (p->fd < 0)
		return;
	while (budget > 0 && !p->stopping) {
		memset(mm, 0, sizeof(mm));
		for (int i = 0; i < FOD_RX_BATCH; i++) {
			iov[i].iov_base = p->rxit[i]->buf;
			iov[i].iov_len = FO_DGRAM_MAX + 1;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(p->fd, mm, FOD_RX_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			budget--;
			if (errno == ECONNREFUSED) {
				/* An ICMP port unreachable for one of our
				 * sends: the primary is down, which the
				 * polls find out on their own. */
				continue;
			}
			if (errno != EAGAIN && errno != EINTR)
				fod_reject(p, FO_REJ_SOCKET, strerror(errno));
			break;
		}
		for (int i = 0; i < n && !p->stopping; i++)
			take(p, p->rxit[i], mm[i].msg_len, &from[i]);
		budget -= n;
		if (n < FOD_RX_BATCH)
			break;
	}
}

static void
sock_rx_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	fod_peer_sock_drain(w->data);
}

int
fod_peer_sock_open(struct fod_peer *p, char *err, size_t errlen)
{
	const struct fod *fod = p->fod;
	struct sockaddr_in to;
	char	 e2[256], a[INET_ADDRSTRLEN];

	p->fd = -1;
	for (int i = 0; i < FOD_RX_BATCH; i++)
		if ((p->rxit[i] = fq_item_new(FQ_FO, FO_DGRAM_MAX + 1)) ==
		    NULL) {
			snprintf(err, errlen, "primary=%s: out of memory",
			    p->name);
			return -1;
		}
	p->fd = netio_open_udp(fod->cfg.server.server_addr,
	    fod->cfg.failover_port, NULL, e2, sizeof(e2));
	if (p->fd < 0) {
		snprintf(err, errlen, "primary=%s: failover socket: %s",
		    p->name, e2);
		return -1;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(p->addr);
	to.sin_port = htons(p->port);
	if (connect(p->fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		fod_fmt_addr(p->addr, a, sizeof(a));
		snprintf(err, errlen, "primary=%s: failover socket: connect "
		    "to %s:%u: %s", p->name, a, p->port, strerror(errno));
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	ev_io_init(&p->sock_w, sock_rx_cb, p->fd, EV_READ);
	p->sock_w.data = p;
	ev_io_start(p->loop, &p->sock_w);
	return 0;
}

void
fod_peer_sock_pause(struct fod_peer *p)
{
	if (p->fd >= 0 && ev_is_active(&p->sock_w))
		ev_io_stop(p->loop, &p->sock_w);
}

void
fod_peer_sock_resume(struct fod_peer *p)
{
	if (p->fd >= 0 && !ev_is_active(&p->sock_w))
		ev_io_start(p->loop, &p->sock_w);
}

/* Also after a set-up that failed before fod_peer_sock_open (fd and
 * rxit are valid only once rxit[0] is allocated). */
void
fod_peer_sock_close(struct fod_peer *p)
{
	if (p->rxit[0] != NULL && p->fd >= 0) {
		ev_io_stop(p->loop, &p->sock_w);
		close(p->fd);
		p->fd = -1;
	}
	for (int i = 0; i < FOD_RX_BATCH; i++) {
		free(p->rxit[i]);
		p->rxit[i] = NULL;
	}
}
