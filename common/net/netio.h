/*
 * Sockets for the DHCP service: UDP with IP_PKTINFO, batched receive and
 * send (recvmmsg/sendmmsg), and a link-layer send path for answering a
 * client that has no IP address yet (RFC 2131 4.1).
 *
 * Addresses and ports are in host byte order, like the rest of dhcpfo.
 * Every socket is non-blocking and close-on-exec; the caller owns it and
 * watches it with its own libev loop.
 */
#ifndef DHCPFO_NETIO_H
#define DHCPFO_NETIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_proto.h"

/* Socket buffers we ask for; as root SO_*BUFFORCE lifts the sysctl cap. */
#define NETIO_SOCKBUF		(4 * 1024 * 1024)
/* Datagrams per recvmmsg/sendmmsg system call. */
#define NETIO_BATCH		64
/* TTL of datagrams we build ourselves for the link-layer path. */
#define NETIO_L2_TTL		64

/*
 * Opens a UDP socket bound to bind_addr:port (bind_addr 0 = INADDR_ANY),
 * with SO_REUSEADDR, SO_BROADCAST, IP_PKTINFO and SO_TIMESTAMPNS set, large buffers, and
 * SO_BINDTODEVICE to ifname when it is not NULL.
 *
 * A socket bound to a unicast address (relayed traffic) and sockets bound
 * to INADDR_ANY on one device each (directly attached clients'
 * broadcasts) coexist on the same port because all of them set
 * SO_REUSEADDR.  Linux looks up a socket bound to the exact destination
 * address before wildcard ones, so a unicast datagram to the bound
 * address goes to that socket even when it arrives on a device that has
 * its own INADDR_ANY socket; broadcasts go to the device's socket.
 *
 * Returns the descriptor, or -1 with "udp 127.0.0.2:67 dev eth0: bind:
 * Address already in use" style text in err.
 */
int	netio_open_udp(uint32_t bind_addr, uint16_t port, const char *ifname,
	    char *err, size_t errlen);

/* One received datagram. */
struct netio_pkt {
	uint8_t		buf[DHCP_PKT_MAX];
	size_t		len;		/* bytes in buf */
	bool		truncated;	/* datagram was larger than buf: drop */
	uint32_t	src_addr;
	uint16_t	src_port;
	/* From IP_PKTINFO; 0 if the kernel gave none. */
	unsigned int	ifindex;	/* interface it arrived on */
	uint32_t	dst_addr;	/* IP destination, e.g. 255.255.255.255 */
	/*
	 * ipi_spec_dst: the address the kernel would reply from.  For a
	 * broadcast it comes from a route lookup of the source, so choose a
	 * server identifier with ifaddr_source_for() instead.
	 */
	uint32_t	local_addr;
	/*
	 * When it arrived, on netio_clock(): the kernel's timestamp
	 * (SO_TIMESTAMPNS), so its wait in the socket buffer counts in a
	 * reply's latency; the time it was read when the kernel gave none.
	 */
	double		rx_time;
};

/* Monotonic seconds: the clock of rx_time and of reply latencies. */
double	netio_clock(void);

/*
 * Reads up to max datagrams (in system calls of NETIO_BATCH).  Returns how
 * many were read, 0 if none was waiting, or -1 with errno set when the
 * first read fails for a reason other than EAGAIN/EINTR.
 */
int	netio_recv_batch(int fd, struct netio_pkt *pkts, int max);

/*
 * Sends one datagram.  ifindex (0 = routing decides) and src_addr
 * (0 = routing decides) travel as IP_PKTINFO, which is how a broadcast to
 * 255.255.255.255 leaves by the interface the request came from.
 * Returns 0, or -1 with errno set.
 */
int	netio_send_udp(int fd, uint32_t dst_addr, uint16_t dst_port,
	    unsigned int ifindex, uint32_t src_addr, const uint8_t *buf,
	    size_t len);

/* One datagram for netio_send_batch(); error is an output. */
struct netio_out {
	uint32_t	 dst_addr;
	uint16_t	 dst_port;
	unsigned int	 ifindex;	/* 0 = routing decides */
	uint32_t	 src_addr;	/* 0 = routing decides */
	const uint8_t	*buf;
	size_t		 len;
	int		 error;		/* set: 0 sent, else errno */
};

/*
 * Sends n datagrams with as few sendmmsg calls as the kernel allows
 * (NETIO_BATCH at a time).  A datagram the kernel refuses gets its errno
 * in ->error and the rest are still sent; when the socket buffer is full
 * (EAGAIN) every remaining datagram is marked EAGAIN and the call returns,
 * because waiting would stall the loop (DHCP clients retransmit).
 * Returns how many datagrams were sent.
 */
int	netio_send_batch(int fd, struct netio_out *out, int n);

/*
 * "udp 0.0.0.0:67 dev eth0" for log lines about fd; buf is always
 * terminated.
 */
void	netio_describe(int fd, char *buf, size_t len);

/*
 * Link-layer send: one send-only AF_PACKET socket serves every interface
 * (the interface is chosen per datagram).  It is opened with protocol 0 so
 * the kernel never queues received frames to it.
 */
struct netio_l2 {
	int		fd;
	uint64_t	sent;
	uint64_t	errors;
	int		last_errno;
};

/* The hardware types this path can address: Ethernet (htype 1, hlen 6). */
#define NETIO_L2_HLEN		6

/*
 * Whether a client's (htype, hlen) can be reached by netio_send_l2().
 * When false the caller broadcasts instead (RFC 2131 4.1 allows it).
 */
bool	netio_l2_usable(uint8_t htype, uint8_t hlen);

/* An unopened netio_l2 that netio_l2_close() and netio_send_l2() accept. */
#define NETIO_L2_INIT		{ .fd = -1 }

int	netio_l2_open(struct netio_l2 *l2, char *err, size_t errlen);
void	netio_l2_close(struct netio_l2 *l2);

/*
 * Builds IPv4+UDP around payload (pkt_build_ipv4_udp, TTL NETIO_L2_TTL)
 * and sends it on interface ifindex to hardware address hwaddr (the
 * client's chaddr).  Returns 0, or -1 with errno set (EINVAL when hlen is
 * not NETIO_L2_HLEN, EMSGSIZE when the datagram does not fit, EBADF if
 * not open); the counters in l2 are updated either way.
 */
int	netio_send_l2(struct netio_l2 *l2, int ifindex, const uint8_t *hwaddr,
	    size_t hlen, uint32_t src, uint32_t dst, uint16_t sport,
	    uint16_t dport, const uint8_t *payload, size_t len);

/*
 * "sendmsg on udp 0.0.0.0:67 dev eth0 to 255.255.255.255:68: Network is
 * unreachable" from the pieces a failed send leaves; buf is always
 * terminated.
 */
void	netio_errstr(int fd, const char *op, uint32_t addr, uint16_t port,
	    int errnum, char *buf, size_t len);

#endif
