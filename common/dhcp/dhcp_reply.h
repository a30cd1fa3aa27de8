/*
 * DHCP replies waiting to be sent: encode an engine result once, keep it
 * in a queue, send the queue in batches.  Shared by the primary's service
 * loop and the failover's takeover serving, which must answer a primary's
 * clients exactly as the primary does (RFC 2131 4.1 destinations: relay,
 * ciaddr, broadcast, or the client's hardware address on the link).
 *
 * A daemon keeps two queues: one flushed as soon as the loop is idle
 * (offers, NAKs), one flushed only after the group commit that makes its
 * leases durable (ACKs; docs/design.md §5 "durable before acknowledged").
 *
 * Not thread-safe; a queue belongs to one loop.  Sockets may be shared
 * between threads (sendmsg/sendmmsg are).
 */
#ifndef DHCPFO_DHCP_REPLY_H
#define DHCPFO_DHCP_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "dhcp_codec.h"
#include "engine.h"
#include "netio.h"
#include "prom.h"

struct dhcp_reply {
	int		 fd;		/* UDP socket to send through */
	enum engine_dest dest;
	uint32_t	 dst_addr;
	uint16_t	 dst_port;
	unsigned int	 ifindex;	/* receiving interface, 0 if relayed */
	uint32_t	 src_addr;	/* our address on that link, or 0 */
	uint8_t		 hw[DHCP_CHADDR_LEN];
	uint8_t		 htype, hlen;
	double		 rx_time;	/* the request's (netio_pkt), 0:
					 * unknown */
	size_t		 len;
	uint8_t		 buf[DHCP_PKT_MAX];
};

struct dhcp_replyq {
	struct dhcp_reply *v;
	size_t		 n, cap;
};

struct dhcp_reply_stats {
	uint64_t	 sent;
	uint64_t	 send_errors;
	uint64_t	 encode_errors;
	/* From the request's arrival to its reply leaving, for each reply
	 * sent: an ACK's includes the group commit it waited for, an
	 * offer's a ping check (docs/metrics.md). */
	struct prom_hist latency;
};

/* Told about each datagram the kernel refused (for a rate-limited log). */
typedef void	dhcp_reply_err_cb(void *arg, uint32_t dst, uint16_t port,
		    int errnum);

/*
 * Encode res->reply (an ENGINE_REPLY result for request req, received on
 * fd, interface ifindex, our address iface_addr on it, at rx_time) and
 * append it.  Returns 0, or -1 (out of memory or an encoding error,
 * counted in st; *why then names it) and queues nothing.
 */
int	dhcp_reply_queue(struct dhcp_replyq *q, int fd, unsigned int ifindex,
	    uint32_t iface_addr, double rx_time, const struct dhcp_msg *req,
	    const struct engine_result *res, struct dhcp_reply_stats *st,
	    const char **why);

/*
 * Send everything queued and empty the queue.  Relayed replies going out
 * through the same socket leave in one sendmmsg per NETIO_BATCH; the
 * others one by one, a client without an address through l2 (may be
 * NULL or unopened: then by broadcast, which RFC 2131 4.1 allows).
 * server_port is our DHCP port (source port of link-layer replies).
 */
void	dhcp_reply_flush(struct dhcp_replyq *q, struct netio_l2 *l2,
	    uint16_t server_port, struct dhcp_reply_stats *st,
	    dhcp_reply_err_cb *err_cb, void *arg);

void	dhcp_replyq_free(struct dhcp_replyq *q);

#endif
