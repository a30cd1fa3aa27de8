/*
 * DHCP service sockets.  The receive and send paths batch datagrams with
 * recvmmsg/sendmmsg so a burst costs one system call per NETIO_BATCH
 * datagrams; a server that group-commits leases then sends all the ACKs of
 * the commit in one go (docs/design.md §5).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netio.h"
#include "pkt_build.h"

/* Bounds a retry loop on EINTR, which a non-blocking call hardly sees. */
#define NETIO_EINTR_MAX	8

/* Room for one IP_PKTINFO control message, aligned for struct cmsghdr. */
union pktinfo_ctl {
	char		buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr	align;
};

/* What a datagram arrives with: IP_PKTINFO and its kernel timestamp. */
union rx_ctl {
	char		buf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
			    CMSG_SPACE(sizeof(struct timespec))];
	struct cmsghdr	align;
};

/* A kernel timestamp older than this is a clock step, not a wait. */
#define NETIO_RX_AGE_MAX	60.0

static const char *
ntoa(uint32_t addr, char *buf, size_t len)
{
	struct in_addr	 in;

	in.s_addr = htonl(addr);
	if (inet_ntop(AF_INET, &in, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static void
sin_set(struct sockaddr_in *sin, uint32_t addr, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(addr);
	sin->sin_port = htons(port);
}

/*
 * Ask for a big buffer: as root, the FORCE option ignores
 * net.core.[rw]mem_max; otherwise settle for what the sysctl allows.
 * A smaller buffer only means drops under load, so it is not an error.
 */
static void
set_bufsize(int fd, int force_opt, int opt, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof(size)) == 0)
		return;
	(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

static int
setopt_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val));
}

int
netio_open_udp(uint32_t bind_addr, uint16_t port, const char *ifname,
    char *err, size_t errlen)
{
	struct sockaddr_in	 sin;
	char			 what[80], a[INET_ADDRSTRLEN];
	const char		*step;
	int			 fd, saved;

	snprintf(what, sizeof(what), "udp %s:%u%s%s",
	    ntoa(bind_addr, a, sizeof(a)), port, ifname ? " dev " : "",
	    ifname ? ifname : "");
	if (ifname != NULL && (ifname[0] == '\0' ||
	    strlen(ifname) >= IFNAMSIZ)) {
		snprintf(err, errlen, "%s: bad interface name", what);
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		saved = errno;
		snprintf(err, errlen, "%s: socket: %s", what, strerror(saved));
		errno = saved;
		return -1;
	}
	/*
	 * Several of our sockets share an address and port: the failover's
	 * per-primary sockets beside its main one (connected, so each gets
	 * its primary's datagrams), the DHCP sockets of each interface.
	 * SO_REUSEPORT, not SO_REUSEADDR: the kernel lets only sockets of
	 * the same user join, while with SO_REUSEADDR any local user could
	 * bind ours and read or answer our clients' packets.
	 */
	step = "SO_REUSEPORT";
	if (setopt_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) == -1)
		goto fail;
	/* Replies to clients without an address go to 255.255.255.255. */
	step = "SO_BROADCAST";
	if (setopt_int(fd, SOL_SOCKET, SO_BROADCAST, 1) == -1)
		goto fail;
	/* The receiving interface and destination decide how we answer. */
	step = "IP_PKTINFO";
	if (setopt_int(fd, IPPROTO_IP, IP_PKTINFO, 1) == -1)
		goto fail;
	/* When each datagram arrived (rx_time): without it, the time it
	 * was read, which leaves out its wait in the socket buffer. */
	(void)setopt_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
	set_bufsize(fd, SO_RCVBUFFORCE, SO_RCVBUF, NETIO_SOCKBUF);
	set_bufsize(fd, SO_SNDBUFFORCE, SO_SNDBUF, NETIO_SOCKBUF);
	if (ifname != NULL) {
		step = "SO_BINDTODEVICE";
		if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		    (socklen_t)strlen(ifname) + 1) == -1)
			goto fail;
	}
	sin_set(&sin, bind_addr, port);
	step = "bind";
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto fail;
	return fd;

 fail:
	saved = errno;
	snprintf(err, errlen, "%s: %s: %s", what, step, strerror(saved));
	close(fd);
	errno = saved;
	return -1;
}

double
netio_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The clocks as the batch was read: the kernel stamps datagrams with
 * the wall clock, rx_time is on netio_clock()'s. */
struct rx_clocks {
	double		 mono, wall;
};

static void
rx_clocks_now(struct rx_clocks *c)
{
	struct timespec ts;

	c->mono = netio_clock();
	clock_gettime(CLOCK_REALTIME, &ts);
	c->wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
rx_time_set(struct netio_pkt *p, const struct rx_clocks *clk,
    const struct timespec *stamp)
{
	double	 age = 0;

	if (stamp != NULL)
		age = clk->wall - ((double)stamp->tv_sec +
		    (double)stamp->tv_nsec / 1e9);
	if (age < 0 || age > NETIO_RX_AGE_MAX)
		age = 0;
	p->rx_time = clk->mono - age;
}

static void
ctl_parse(struct msghdr *mh, struct netio_pkt *p, const struct rx_clocks *clk)
{
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;
	struct timespec		 ts;
	bool			 stamped = false;

	p->ifindex = 0;
	p->dst_addr = 0;
	p->local_addr = 0;
	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(ts))) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			stamped = true;
		}
		if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_PKTINFO ||
		    c->cmsg_len < CMSG_LEN(sizeof(pi)))
			continue;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		p->ifindex = (unsigned int)pi.ipi_ifindex;
		p->dst_addr = ntohl(pi.ipi_addr.s_addr);
		p->local_addr = ntohl(pi.ipi_spec_dst.s_addr);
	}
	rx_time_set(p, clk, stamped ? &ts : NULL);
}

int
netio_recv_batch(int fd, struct netio_pkt *pkts, int max)
{
	struct mmsghdr		 mm[NETIO_BATCH];
	struct iovec		 iov[NETIO_BATCH];
	struct sockaddr_in	 from[NETIO_BATCH];
	union rx_ctl		 ctl[NETIO_BATCH];
	struct rx_clocks	 clk;
	struct netio_pkt	*p;
	int			 got = 0, chunk, n, i, intr = 0;

	while (got < max) {
		chunk = max - got < NETIO_BATCH ? max - got : NETIO_BATCH;
		memset(mm, 0, sizeof(mm[0]) * (size_t)chunk);
		for (i = 0; i < chunk; i++) {
			/* Straight into the caller's buffers: no copy. */
			iov[i].iov_base = pkts[got + i].buf;
			iov[i].iov_len = sizeof(pkts[got + i].buf);
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_control = ctl[i].buf;
			mm[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
		}
		n = recvmmsg(fd, mm, (unsigned int)chunk, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EINTR && ++intr < NETIO_EINTR_MAX)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR || got > 0)
				break;
			return -1;
		}
		rx_clocks_now(&clk);
		for (i = 0; i < n; i++) {
			p = &pkts[got + i];
			p->len = mm[i].msg_len;
			p->truncated = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
			if (p->len > sizeof(p->buf))
				p->len = sizeof(p->buf);
			if (mm[i].msg_hdr.msg_namelen >= sizeof(from[i]) &&
			    from[i].sin_family == AF_INET) {
				p->src_addr = ntohl(from[i].sin_addr.s_addr);
				p->src_port = ntohs(from[i].sin_port);
			} else {
				p->src_addr = 0;
				p->src_port = 0;
			}
			ctl_parse(&mm[i].msg_hdr, p, &clk);
		}
		got += n;
		if (n < chunk)		/* the queue is empty */
			break;
	}
	return got;
}

/*
 * Fills msg for one datagram.  The control message is only attached when
 * it says something: without it the kernel routes as usual, which is
 * cheaper for the common relayed-unicast reply.
 */
static void
msg_fill(struct msghdr *mh, struct sockaddr_in *sin, struct iovec *iov,
    union pktinfo_ctl *ctl, uint32_t dst, uint16_t dport,
    unsigned int ifindex, uint32_t src, const uint8_t *buf, size_t len)
{
	struct cmsghdr		*c;
	struct in_pktinfo	 pi;

	memset(mh, 0, sizeof(*mh));
	sin_set(sin, dst, dport);
	iov->iov_base = (void *)(uintptr_t)buf;	/* sendmsg does not write */
	iov->iov_len = len;
	mh->msg_name = sin;
	mh->msg_namelen = sizeof(*sin);
	mh->msg_iov = iov;
	mh->msg_iovlen = 1;
	if (ifindex == 0 && src == 0)
		return;
	memset(ctl, 0, sizeof(*ctl));
	mh->msg_control = ctl->buf;
	mh->msg_controllen = sizeof(ctl->buf);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memset(&pi, 0, sizeof(pi));
	pi.ipi_ifindex = (int)ifindex;
	pi.ipi_spec_dst.s_addr = htonl(src);
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

int
netio_send_udp(int fd, uint32_t dst_addr, uint16_t dst_port,
    unsigned int ifindex, uint32_t src_addr, const uint8_t *buf, size_t len)
{
	struct msghdr		 mh;
	struct sockaddr_in	 sin;
	struct iovec		 iov;
	union pktinfo_ctl	 ctl;
	int			 intr = 0;

	msg_fill(&mh, &sin, &iov, &ctl, dst_addr, dst_port, ifindex,
	    src_addr, buf, len);
	while (sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == -1) {
		if (errno != EINTR || ++intr >= NETIO_EINTR_MAX)
			return -1;
	}
	return 0;
}

int
netio_send_batch(int fd, struct netio_out *out, int n)
{
	struct mmsghdr		 mm[NETIO_BATCH];
	struct sockaddr_in	 sin[NETIO_BATCH];
	struct iovec		 iov[NETIO_BATCH];
	union pktinfo_ctl	 ctl[NETIO_BATCH];
	int			 i = 0, j, chunk, r, sent = 0, intr = 0;

	while (i < n) {
		chunk = n - i < NETIO_BATCH ? n - i : NETIO_BATCH;
		for (j = 0; j < chunk; j++) {
			msg_fill(&mm[j].msg_hdr, &sin[j], &iov[j], &ctl[j],
			    out[i + j].dst_addr, out[i + j].dst_port,
			    out[i + j].ifindex, out[i + j].src_addr,
			    out[i + j].buf, out[i + j].len);
			mm[j].msg_len = 0;
		}
		r = sendmmsg(fd, mm, (unsigned int)chunk,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r == -1 && errno == EINTR && ++intr < NETIO_EINTR_MAX)
			continue;
		if (r <= 0) {
			if (r == -1 && errno != EAGAIN &&
			    errno != EWOULDBLOCK && errno != EINTR) {
				/*
				 * This datagram is refused (no route,
				 * too big...): note why and go on with
				 * the next one.
				 */
				out[i++].error = errno;
				continue;
			}
			/* Buffer full: the rest would fail the same way. */
			for (; i < n; i++)
				out[i].error = EAGAIN;
			break;
		}
		/*
		 * sendmmsg stops at the first failing datagram and reports
		 * only the ones before it; the next turn starts with the
		 * failing one and learns its errno.
		 */
		for (j = 0; j < r; j++)
			out[i + j].error = 0;
		i += r;
		sent += r;
	}
	return sent;
}

void
netio_describe(int fd, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(ss);
	char			 dev[IFNAMSIZ], a[INET_ADDRSTRLEN];
	socklen_t		 dl = sizeof(dev);
	int			 type = 0;
	socklen_t		 tl = sizeof(type);

	if (len == 0)
		return;
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		snprintf(buf, len, "fd %d", fd);
		return;
	}
	if (ss.ss_family == AF_PACKET) {
		snprintf(buf, len, "packet socket fd %d", fd);
		return;
	}
	if (ss.ss_family != AF_INET) {
		snprintf(buf, len, "fd %d (family %d)", fd, ss.ss_family);
		return;
	}
	memcpy(&sin, &ss, sizeof(sin));
	(void)getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl);
	memset(dev, 0, sizeof(dev));
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &dl) == -1)
		dev[0] = '\0';
	dev[sizeof(dev) - 1] = '\0';
	snprintf(buf, len, "%s %s:%u%s%s", type == SOCK_DGRAM ? "udp" : "raw",
	    ntoa(ntohl(sin.sin_addr.s_addr), a, sizeof(a)),
	    ntohs(sin.sin_port), dev[0] ? " dev " : "", dev);
}

void
netio_errstr(int fd, const char *op, uint32_t addr, uint16_t port,
    int errnum, char *buf, size_t len)
{
	char	 desc[80], a[INET_ADDRSTRLEN];

	netio_describe(fd, desc, sizeof(desc));
	snprintf(buf, len, "%s on %s to %s:%u: %s", op, desc,
	    ntoa(addr, a, sizeof(a)), port, strerror(errnum));
}

bool
netio_l2_usable(uint8_t htype, uint8_t hlen)
{
	/*
	 * ARP hardware type 1 is Ethernet (RFC 1700); any other type is
	 * broadcast to rather than guessed at.
	 */
	return htype == 1 && hlen == NETIO_L2_HLEN;
}

int
netio_l2_open(struct netio_l2 *l2, char *err, size_t errlen)
{
	int	 saved;

	memset(l2, 0, sizeof(*l2));
	/*
	 * Protocol 0: the socket is never bound to an ethertype, so the
	 * kernel does not copy every IP frame of the host into it; the
	 * ethertype of each frame sent comes from sll_protocol.
	 */
	l2->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (l2->fd == -1) {
		saved = errno;
		snprintf(err, errlen, "packet socket: %s", strerror(saved));
		errno = saved;
		return -1;
	}
	set_bufsize(l2->fd, SO_SNDBUFFORCE, SO_SNDBUF, NETIO_SOCKBUF);
	return 0;
}

void
netio_l2_close(struct netio_l2 *l2)
{
	if (l2->fd >= 0)
		close(l2->fd);
	l2->fd = -1;
}

int
netio_send_l2(struct netio_l2 *l2, int ifindex, const uint8_t *hwaddr,
    size_t hlen, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
    const uint8_t *payload, size_t len)
{
	uint8_t			 pkt[PKT_IP_UDP_HDR_LEN + DHCP_PKT_MAX];
	struct sockaddr_ll	 sll;
	size_t			 n;
	int			 intr = 0;

	if (l2->fd < 0) {
		errno = EBADF;
		goto fail;
	}
	if (hwaddr == NULL || hlen != NETIO_L2_HLEN || ifindex <= 0) {
		errno = EINVAL;
		goto fail;
	}
	n = pkt_build_ipv4_udp(pkt, sizeof(pkt), src, dst, sport, dport,
	    NETIO_L2_TTL, payload, len);
	if (n == 0) {
		errno = EMSGSIZE;
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETHERTYPE_IP);
	sll.sll_ifindex = ifindex;
	sll.sll_halen = NETIO_L2_HLEN;
	memcpy(sll.sll_addr, hwaddr, NETIO_L2_HLEN);
	while (sendto(l2->fd, pkt, n, MSG_DONTWAIT, (struct sockaddr *)&sll,
	    sizeof(sll)) == -1) {
		if (errno != EINTR || ++intr >= NETIO_EINTR_MAX)
			goto fail;
	}
	l2->sent++;
	return 0;

 fail:
	l2->errors++;
	l2->last_errno = errno;
	return -1;
}
