/*
 * Test helper for tests/e2e/netio_raw.sh: sends one DHCP-port datagram
 * with netio_send_l2() to a hardware address, or waits (bounded) for one
 * on an interface and checks it.
 *
 *   netio_l2 send IFNAME HWADDR SRC DST SPORT DPORT PAYLOAD
 *   netio_l2 recv IFNAME DPORT TIMEOUT_MS PAYLOAD [READYFILE]
 *
 * recv binds a packet socket to IFNAME, creates READYFILE once it
 * listens, and exits 0 at the first IPv4 UDP datagram to DPORT whose IP
 * and UDP checksums are right and whose payload is PAYLOAD, printing
 * "pkttype=host from=MAC SRC:SPORT -> DST:DPORT len=N".  Exit 1 on a
 * timeout or a bad datagram, 2 on a usage or system error.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netio.h"
#include "pkt_build.h"

static int
usage(void)
{
	fprintf(stderr, "usage: netio_l2 send IFNAME HWADDR SRC DST SPORT "
	    "DPORT PAYLOAD\n"
	    "       netio_l2 recv IFNAME DPORT TIMEOUT_MS PAYLOAD "
	    "[READYFILE]\n");
	return 2;
}

static int
parse_addr(const char *s, uint32_t *out)
{
	struct in_addr	 in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*out = ntohl(in.s_addr);
	return 0;
}

static int
parse_port(const char *s, uint16_t *out)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int	 b[6];
	char		 extra;
	int		 i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5], &extra) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

static int
do_send(char **av)
{
	struct netio_l2	 l2 = NETIO_L2_INIT;
	uint8_t		 mac[6];
	uint32_t	 src, dst;
	uint16_t	 sport, dport;
	unsigned int	 ifindex;
	char		 err[256];

	if ((ifindex = if_nametoindex(av[0])) == 0) {
		fprintf(stderr, "netio_l2: %s: %s\n", av[0], strerror(errno));
		return 2;
	}
	if (parse_mac(av[1], mac) || parse_addr(av[2], &src) ||
	    parse_addr(av[3], &dst) || parse_port(av[4], &sport) ||
	    parse_port(av[5], &dport))
		return usage();
	if (netio_l2_open(&l2, err, sizeof(err)) == -1) {
		fprintf(stderr, "netio_l2: %s\n", err);
		return 2;
	}
	if (netio_send_l2(&l2, (int)ifindex, mac, sizeof(mac), src, dst, sport,
	    dport, (const uint8_t *)av[6], strlen(av[6])) == -1) {
		fprintf(stderr, "netio_l2: send on %s to %s: %s\n", av[0],
		    av[1], strerror(errno));
		netio_l2_close(&l2);
		return 1;
	}
	netio_l2_close(&l2);
	return 0;
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
pkttype_name(int t)
{
	switch (t) {
	case PACKET_HOST:	return "host";
	case PACKET_BROADCAST:	return "broadcast";
	case PACKET_MULTICAST:	return "multicast";
	case PACKET_OTHERHOST:	return "otherhost";
	case PACKET_OUTGOING:	return "outgoing";
	}
	return "other";
}

static int
do_recv(int ac, char **av)
{
	struct sockaddr_ll	 sll, from;
	struct pkt_udp_info	 ui;
	struct pollfd		 pfd;
	struct in_addr		 a;
	uint8_t			 buf[2048];
	char			 s1[INET_ADDRSTRLEN], s2[INET_ADDRSTRLEN];
	const char		*want = av[3];
	uint16_t		 dport, tmo;
	unsigned int		 ifindex;
	socklen_t		 fl;
	double			 deadline;
	ssize_t			 n;
	int			 fd, rc, left, ready;

	if ((ifindex = if_nametoindex(av[0])) == 0) {
		fprintf(stderr, "netio_l2: %s: %s\n", av[0], strerror(errno));
		return 2;
	}
	if (parse_port(av[1], &dport) || parse_port(av[2], &tmo))
		return usage();
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETHERTYPE_IP));
	if (fd == -1) {
		fprintf(stderr, "netio_l2: packet socket: %s\n",
		    strerror(errno));
		return 2;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETHERTYPE_IP);
	sll.sll_ifindex = (int)ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		fprintf(stderr, "netio_l2: bind %s: %s\n", av[0],
		    strerror(errno));
		return 2;
	}
	if (ac > 4) {
		if ((ready = open(av[4], O_WRONLY | O_CREAT | O_CLOEXEC,
		    0644)) == -1) {
			fprintf(stderr, "netio_l2: %s: %s\n", av[4],
			    strerror(errno));
			return 2;
		}
		close(ready);
	}
	deadline = now() + tmo / 1000.;
	for (;;) {
		left = (int)((deadline - now()) * 1000);
		if (left <= 0) {
			fprintf(stderr, "netio_l2: timeout on %s\n", av[0]);
			return 1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n == -1)
			continue;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		rc = pkt_ipv4_udp_parse(buf, (size_t)n, &ui);
		if (rc == PKT_ERR_PROTO)
			continue;		/* not UDP */
		if (rc != PKT_OK) {
			fprintf(stderr, "netio_l2: bad datagram: %s\n",
			    pkt_strerror(rc));
			return 1;
		}
		if (ui.dport != dport)
			continue;
		if (ui.len != strlen(want) || memcmp(ui.payload, want,
		    ui.len) != 0) {
			fprintf(stderr, "netio_l2: payload differs\n");
			return 1;
		}
		a.s_addr = htonl(ui.src);
		inet_ntop(AF_INET, &a, s1, sizeof(s1));
		a.s_addr = htonl(ui.dst);
		inet_ntop(AF_INET, &a, s2, sizeof(s2));
		printf("pkttype=%s from=%02x:%02x:%02x:%02x:%02x:%02x "
		    "%s:%u -> %s:%u len=%zu ttl=%u\n",
		    pkttype_name(from.sll_pkttype), from.sll_addr[0],
		    from.sll_addr[1], from.sll_addr[2], from.sll_addr[3],
		    from.sll_addr[4], from.sll_addr[5], s1, ui.sport, s2,
		    ui.dport, ui.len, ui.ttl);
		return 0;
	}
}

int
main(int argc, char **argv)
{
	if (argc == 9 && strcmp(argv[1], "send") == 0)
		return do_send(argv + 2);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "recv") == 0)
		return do_recv(argc - 2, argv + 2);
	return usage();
}
