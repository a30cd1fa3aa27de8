/*
 * DHCP reply queues (see dhcp_reply.h): the send half of a DHCP service
 * loop, independent of which daemon drives it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_reply.h"

static struct dhcp_reply *
push(struct dhcp_replyq *q)
{
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 64;
		struct dhcp_reply *nv = realloc(q->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		q->v = nv;
		q->cap = ncap;
	}
	return &q->v[q->n++];
}

int
dhcp_reply_queue(struct dhcp_replyq *q, int fd, unsigned int ifindex,
    uint32_t iface_addr, double rx_time, const struct dhcp_msg *req,
    const struct engine_result *res, struct dhcp_reply_stats *st,
    const char **why)
{
	struct dhcp_reply *r;
	unsigned dropped = 0;
	enum dhcp_err e;

	if ((r = push(q)) == NULL) {
		st->encode_errors++;
		*why = "out of memory";
		return -1;
	}
	e = dhcp_msg_encode(&res->reply, res->prl, res->prl_len,
	    res->max_len, r->buf, sizeof(r->buf), &r->len, &dropped);
	if (e != DHCP_OK) {
		q->n--;
		st->encode_errors++;
		*why = dhcp_err_name(e);
		return -1;
	}
	r->fd = fd;
	r->dest = res->dest;
	r->dst_addr = res->dst_addr;
	r->dst_port = res->dst_port;
	r->ifindex = res->dest == ENGINE_DEST_RELAY ? 0 : ifindex;
	/* From the address the reply names as ours (engine.c server_id):
	 * the receiving interface's for a directly attached client,
	 * ServerAddress for one whose renewal was routed to us. */
	if (!dhcp_opt_get_u32(&res->reply, DHO_SERVER_ID, &r->src_addr))
		r->src_addr = iface_addr;
	r->htype = req->htype;
	r->hlen = req->hlen;
	r->rx_time = rx_time;
	memcpy(r->hw, req->chaddr, sizeof(r->hw));
	return 0;
}

/* One reply left: counted, and its latency observed (now: the flush's
 * netio_clock(), read once for the whole queue). */
static void
sent_one(const struct dhcp_reply *r, double now, struct dhcp_reply_stats *st)
{
	st->sent++;
	if (r->rx_time > 0)
		prom_hist_observe(&st->latency, now - r->rx_time);
}

static void
send_one(struct dhcp_reply *r, struct netio_l2 *l2, uint16_t server_port,
    double now, struct dhcp_reply_stats *st, dhcp_reply_err_cb *err_cb,
    void *arg)
{
	uint32_t dst = r->dst_addr;
	int	 rc;

	if (r->dest == ENGINE_DEST_CHADDR) {
		if (l2 != NULL && l2->fd >= 0 && r->ifindex != 0 &&
		    netio_l2_usable(r->htype, r->hlen)) {
			rc = netio_send_l2(l2, (int)r->ifindex, r->hw, r->hlen,
			    r->src_addr, r->dst_addr, server_port,
			    r->dst_port, r->buf, r->len);
			goto done;
		}
		/* No usable link-layer path: broadcast (RFC 2131 4.1). */
		dst = INADDR_BROADCAST;
	}
	rc = netio_send_udp(r->fd, dst, r->dst_port,
	    r->dest == ENGINE_DEST_RELAY ? 0 : r->ifindex,
	    r->dest == ENGINE_DEST_RELAY ? 0 : r->src_addr, r->buf, r->len);
done:
	if (rc == 0) {
		sent_one(r, now, st);
		return;
	}
	st->send_errors++;
	if (err_cb != NULL)
		err_cb(arg, dst, r->dst_port, errno);
}

void
dhcp_reply_flush(struct dhcp_replyq *q, struct netio_l2 *l2,
    uint16_t server_port, struct dhcp_reply_stats *st,
    dhcp_reply_err_cb *err_cb, void *arg)
{
	struct netio_out out[NETIO_BATCH];
	struct dhcp_reply *rv[NETIO_BATCH];
	size_t	 i = 0;
	double	 now = netio_clock();

	while (i < q->n) {
		int	 fd = q->v[i].fd, n = 0;

		if (q->v[i].dest != ENGINE_DEST_RELAY) {
			send_one(&q->v[i++], l2, server_port, now, st, err_cb,
			    arg);
			continue;
		}
		while (i < q->n && n < NETIO_BATCH &&
		    q->v[i].dest == ENGINE_DEST_RELAY && q->v[i].fd == fd) {
			struct dhcp_reply *r = &q->v[i++];

			rv[n] = r;
			out[n].dst_addr = r->dst_addr;
			out[n].dst_port = r->dst_port;
			out[n].ifindex = 0;
			out[n].src_addr = 0;
			out[n].buf = r->buf;
			out[n].len = r->len;
			out[n].error = 0;
			n++;
		}
		netio_send_batch(fd, out, n);
		for (int k = 0; k < n; k++) {
			if (out[k].error == 0) {
				sent_one(rv[k], now, st);
				continue;
			}
			st->send_errors++;
			if (err_cb != NULL)
				err_cb(arg, out[k].dst_addr, out[k].dst_port,
				    out[k].error);
		}
	}
	q->n = 0;
}

void
dhcp_replyq_free(struct dhcp_replyq *q)
{
	free(q->v);
	q->v = NULL;
	q->n = q->cap = 0;
}
