/*
 * dhcpload: a DHCPv4 load generator that acts as a relay agent.
 *
 * It binds a local address and port (as a relay would, RFC 1542 4.1),
 * sends DHCPDISCOVER for N distinct clients with giaddr set, answers each
 * DHCPOFFER with a DHCPREQUEST (options 50 and 54, same xid, RFC 2131
 * 4.3.2 SELECTING), and records every DHCPACK it receives -- address and
 * chaddr -- in a file, one write(2) per ACK, as the ACK arrives.  The file
 * is what the crash test compares with the server's lease table: each line
 * in it is a lease the server acknowledged, so it must have been durable
 * before the ACK left ("commit before you acknowledge").
 *
 * It stops by itself: when every client has an ACK or has given up, at
 * the deadline (-t), when nothing has arrived for -i seconds, or on
 * SIGINT/SIGTERM.  New clients start at -r per second with at most -w in
 * progress; a message is retransmitted after -T ms, -R times at most.
 *
 * Like a router with two ip helper addresses, it can send every message
 * to a second server as well (-S): the failover tests relay each request
 * to both the primary and the failover (docs/design.md §1).
 *
 * Renew mode (-e FILE): instead of new clients, the clients of an ACK
 * file ("ADDRESS CHADDR" lines, as -o writes them) each send one relayed
 * DHCPREQUEST with ciaddr set and neither option 50 nor 54 (RFC 2131
 * 4.3.2 RENEWING/REBINDING, as a relay forwards a rebinding broadcast).
 * An ACK must give the client its address back; an ACK for another
 * address counts as "moved", a NAK as "nak".  With -o the ACKs are
 * recorded as usual.
 *
 * Release mode (-x FILE): the clients of an ACK file each send one
 * DHCPRELEASE (ciaddr, option 54 = the -s server; RFC 2131 4.4.6), and
 * dhcpload exits at once: a release is never answered.
 *
 * Discover-only mode (-D): each client sends DHCPDISCOVERs and stops at
 * its OFFER, without a REQUEST: a flood of clients that take offers and
 * never bind (tests/e2e/t_starvation.sh).  It counts as done at its
 * OFFER.
 *
 * INIT-REBOOT mode (-I ADDRESS): client i sends a DHCPREQUEST with
 * option 50 = ADDRESS + i, no option 54 and no ciaddr (RFC 2131 4.3.2
 * INIT-REBOOT): a sweep asking for a range of addresses it was never
 * given.  ACKs are recorded as usual; a NAK ends the client.
 *
 * Latency (-L): the summary gains a line with the p50, p99 and maximum,
 * in microseconds, of DISCOVER->OFFER and REQUEST->ACK, each measured from
 * the first transmission of the message to the arrival of its answer.  An
 * exchange whose message had been retransmitted before the answer came
 * is not measured (which of the copies was answered is unknown): it is
 * counted as "retrans" in that line instead.  The values go into a fixed
 * log-linear histogram (exact below 128 us, then 64 buckets per power of
 * two, i.e. within 1.6 %); a percentile is the upper bound of its bucket.
 * Used as a low-rate probe beside a load generator (bench/sweep.sh).
 *
 * Only the DHCP codec (common/dhcp/dhcp_codec.c) is used from the project.
 * Exit: 0 every client acknowledged (renew mode: with its own address),
 * 1 not all, 2 usage or system error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dhcp_codec.h"
#include "dhcp_proto.h"

enum cstate { C_IDLE, C_DISCOVER, C_REQUEST, C_ACKED, C_FAILED };

struct client {
	uint8_t		state;
	uint8_t		tries;		/* sends of the current message */
	uint32_t	offered;	/* yiaddr of the OFFER (host order) */
	uint32_t	server_id;	/* option 54 of the OFFER */
	int64_t		sent_ms;	/* last send */
	int64_t		first_us;	/* -L: first send of the current message */
};

struct opts {
	struct in_addr	server, server2, bind, giaddr;
	bool		have_server2;
	const char	*renew_file;	/* -e: renew these clients */
	bool		 release;	/* -x: release them instead */
	bool		 discover_only;	/* -D: stop at the OFFER */
	uint32_t	 reboot_first;	/* -I: INIT-REBOOT for this + i (host
					 * order); 0: none */
	uint8_t		(*macs)[6];	/* renew mode: per client */
	uint32_t	*addrs;		/* renew mode: per client */
	uint16_t	port;
	uint32_t	nclients;
	uint32_t	rate;		/* new clients per second */
	uint32_t	window;		/* in progress at once */
	uint32_t	retries;
	uint32_t	rto_ms;
	double		deadline_s;
	double		idle_s;
	uint8_t		macbyte;
	const char	*ackfile;
	bool		quiet;
	bool		latency;	/* -L */
};

struct stats {
	uint64_t	discover, request, offer, ack, nak, retrans, timeout;
	uint64_t	moved;		/* renew: ACK for another address */
	uint64_t	rx, rx_bad, rx_foreign, dup_ack, send_err;
};

/*
 * -L: latency histogram in microseconds.  Values below LAT_EXACT have a
 * bucket each; above, a power of two [2^e, 2^(e+1)) is split into
 * LAT_SUB buckets.  Fixed size: nothing is allocated per packet.
 */
#define LAT_EXACT	128			/* 2^LAT_EXACT_BITS */
#define LAT_EXACT_BITS	7
#define LAT_SUB_BITS	6
#define LAT_SUB		(1 << LAT_SUB_BITS)
#define LAT_MAX_BITS	40			/* ~12 days: never reached */
#define LAT_BUCKETS	(LAT_EXACT + (LAT_MAX_BITS - LAT_EXACT_BITS) * LAT_SUB)

struct lat_hist {
	uint64_t	n, retrans, max;
	uint32_t	b[LAT_BUCKETS];
};

static struct lat_hist lat_do, lat_ra;
static int64_t mono_us(void);

static int
lat_bits(uint64_t v)
{
	int e = 0;

	while (v >>= 1)
		e++;
	return e;
}

static size_t
lat_bucket(uint64_t v)
{
	int e;

	if (v < LAT_EXACT)
		return (size_t)v;
	e = lat_bits(v);
	if (e >= LAT_MAX_BITS)
		return LAT_BUCKETS - 1;
	return LAT_EXACT + (size_t)(e - LAT_EXACT_BITS) * LAT_SUB +
	    (size_t)((v >> (e - LAT_SUB_BITS)) & (LAT_SUB - 1));
}

/* The largest value that falls into bucket k. */
static uint64_t
lat_bucket_top(size_t k)
{
	size_t e, sub;

	if (k < LAT_EXACT)
		return k;
	e = (k - LAT_EXACT) / LAT_SUB + LAT_EXACT_BITS;
	sub = (k - LAT_EXACT) % LAT_SUB;
	return (((uint64_t)(LAT_SUB + sub + 1)) << (e - LAT_SUB_BITS)) - 1;
}

static void
lat_add(struct lat_hist *h, uint64_t us)
{
	h->n++;
	h->b[lat_bucket(us)]++;
	if (us > h->max)
		h->max = us;
}

/* The PCT percentile (0 < PCT <= 100): the top of the bucket holding the
 * ceil(n * PCT / 100)-th smallest value, the maximum if that is lower. */
static uint64_t
lat_pct(const struct lat_hist *h, unsigned pct)
{
	uint64_t rank, seen = 0;

	if (h->n == 0)
		return 0;
	rank = (h->n * pct + 99) / 100;
	for (size_t k = 0; k < LAT_BUCKETS; k++) {
		seen += h->b[k];
		if (seen >= rank)
			return lat_bucket_top(k) < h->max ?
			    lat_bucket_top(k) : h->max;
	}
	return h->max;
}

static void
lat_print(const char *name, const struct lat_hist *h)
{
	fprintf(stderr, " %s n %" PRIu64 " p50 %" PRIu64 " p99 %" PRIu64
	    " max %" PRIu64 " retrans %" PRIu64, name, h->n, lat_pct(h, 50),
	    lat_pct(h, 99), h->max, h->retrans);
}

/* An answer to the message of C: measured if it was sent once. */
static void
lat_answer(struct lat_hist *h, const struct client *c)
{
	int64_t d;

	if (c->tries > 1) {
		h->retrans++;
		return;
	}
	d = mono_us() - c->first_us;
	lat_add(h, d > 0 ? (uint64_t)d : 0);
}

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: dhcpload -s SERVER [-S SERVER2] -b BIND "
	    "(-n N | -e FILE | -x FILE)\n"
	    "                [-p PORT] [-g GIADDR] [-r RATE] [-w WINDOW]\n"
	    "                [-o ACKFILE] [-t SECS] [-i SECS] [-R RETRIES]\n"
	    "                [-T MS] [-m BYTE] [-D | -I ADDRESS] [-L] [-q]\n"
	    "  -s SERVER  server address to send to\n"
	    "  -S SERVER2 also send every message to this server\n"
	    "  -e FILE    renew the clients of an ACK file instead of -n\n"
	    "  -x FILE    release the clients of an ACK file, then exit\n"
	    "  -p PORT    server DHCP port, also our source port (67)\n"
	    "  -b BIND    local (relay) address to bind\n"
	    "  -g GIADDR  giaddr in requests (default BIND); replies go there\n"
	    "  -n N       number of distinct clients\n"
	    "  -r RATE    new clients per second (1000)\n"
	    "  -w WINDOW  clients in progress at once (500)\n"
	    "  -o FILE    append \"ADDRESS CHADDR\" per DHCPACK as it arrives\n"
	    "  -t SECS    stop after SECS (60)\n"
	    "  -i SECS    stop when nothing arrived for SECS (5; 0 = never)\n"
	    "  -R N       retransmissions per message (3)\n"
	    "  -T MS      retransmission timeout (1000)\n"
	    "  -m BYTE    second octet of every chaddr (0x10), to tell runs apart\n"
	    "  -D         DISCOVER only: a client is done at its OFFER\n"
	    "  -I ADDRESS INIT-REBOOT: client i requests ADDRESS + i (no 54)\n"
	    "  -L         latency: p50/p99/max of DISCOVER->OFFER and\n"
	    "             REQUEST->ACK (us, first transmissions) in the summary\n"
	    "  -q         only the summary\n");
	exit(2);
}

static unsigned long
num_arg(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v > max) {
		fprintf(stderr, "dhcpload: bad %s \"%s\" (0..%lu)\n", what, s,
		    max);
		exit(2);
	}
	return v;
}

static double
secs_arg(const char *s, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 86400) {
		fprintf(stderr, "dhcpload: bad %s \"%s\" (0..86400)\n", what, s);
		exit(2);
	}
	return v;
}

static void
addr_arg(const char *s, struct in_addr *a, const char *what)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "dhcpload: bad %s address \"%s\"\n", what, s);
		exit(2);
	}
}

/* chaddr of client i: 02:MM:i3:i2:i1:i0 (locally administered). */
static void
client_mac(const struct opts *o, uint32_t i, uint8_t mac[6])
{
	if (o->macs != NULL) {
		memcpy(mac, o->macs[i], 6);
		return;
	}
	mac[0] = 0x02;
	mac[1] = o->macbyte;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static struct dhcp_msg msg;		/* large; one at a time */
static uint8_t pkt[DHCP_PKT_MAX];

static int
send_msg(int fd, const struct opts *o, uint32_t xid_base, uint32_t i,
    const struct client *c, uint8_t type, struct stats *st)
{
	static const uint8_t prl[] = { DHO_SUBNET_MASK, DHO_ROUTERS,
	    DHO_DNS_SERVERS, DHO_DOMAIN_NAME, DHO_LEASE_TIME };
	struct sockaddr_in to;
	size_t len;
	enum dhcp_err e;

	dhcp_msg_init(&msg);
	msg.op = BOOTREQUEST;
	msg.htype = 1;
	msg.hlen = 6;
	msg.hops = 1;
	msg.xid = xid_base + i;
	msg.giaddr = ntohl(o->giaddr.s_addr);
	msg.has_cookie = true;
	client_mac(o, i, msg.chaddr);
	if (!dhcp_opt_set_u8(&msg, DHO_MESSAGE_TYPE, type) ||
	    !dhcp_opt_set(&msg, DHO_PARAM_REQUEST_LIST, prl, sizeof(prl)))
		return -1;
	if (type == DHCPRELEASE) {
		msg.ciaddr = c->offered;
		if (!dhcp_opt_set_u32(&msg, DHO_SERVER_ID,
		    ntohl(o->server.s_addr)))
			return -1;
	} else if (type == DHCPREQUEST && o->addrs != NULL)
		msg.ciaddr = c->offered;	/* RENEWING/REBINDING */
	else if (type == DHCPREQUEST && o->reboot_first != 0) {
		/* INIT-REBOOT */
		if (!dhcp_opt_set_u32(&msg, DHO_REQUESTED_ADDRESS, c->offered))
			return -1;
	}
	else if (type == DHCPREQUEST &&
	    (!dhcp_opt_set_u32(&msg, DHO_REQUESTED_ADDRESS, c->offered) ||
	    !dhcp_opt_set_u32(&msg, DHO_SERVER_ID, c->server_id)))
		return -1;
	e = dhcp_msg_encode(&msg, NULL, 0, sizeof(pkt), pkt, sizeof(pkt),
	    &len, NULL);
	if (e != DHCP_OK) {
		fprintf(stderr, "dhcpload: encode: %s\n", dhcp_err_name(e));
		return -1;
	}
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(o->port);
	to.sin_addr = o->server;
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		/* A full socket buffer: the retransmission timer retries. */
		st->send_err++;
		return 0;
	}
	if (o->have_server2) {
		to.sin_addr = o->server2;
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to,
		    sizeof(to)) < 0)
			st->send_err++;
	}
	if (type == DHCPDISCOVER)
		st->discover++;
	else
		st->request++;
	return 0;
}

static int
record_ack(int fd, uint32_t addr, const uint8_t mac[6])
{
	char line[64];
	struct in_addr a = { .s_addr = htonl(addr) };
	char as[INET_ADDRSTRLEN];
	int n;

	inet_ntop(AF_INET, &a, as, sizeof(as));
	n = snprintf(line, sizeof(line),
	    "%s %02x:%02x:%02x:%02x:%02x:%02x\n", as,
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	/* O_APPEND and one write per line: a reader never sees half a line. */
	return write(fd, line, (size_t)n) == n ? 0 : -1;
}

/* Handle one received datagram. */
static void
handle_reply(int fd, int ackfd, const struct opts *o, uint32_t xid_base,
    struct client *cl, const uint8_t *buf, size_t len, struct stats *st,
    uint32_t *finished)
{
	uint8_t mac[6];
	uint32_t i, sid;
	struct client *c;

	st->rx++;
	if (dhcp_msg_decode(buf, len, &msg) != DHCP_OK ||
	    msg.op != BOOTREPLY) {
		st->rx_bad++;
		return;
	}
	i = msg.xid - xid_base;
	if (i >= o->nclients) {
		st->rx_foreign++;
		return;
	}
	client_mac(o, i, mac);
	if (msg.hlen != 6 || memcmp(msg.chaddr, mac, 6) != 0) {
		st->rx_foreign++;
		return;
	}
	c = &cl[i];
	switch (msg.msg_type) {
	case DHCPOFFER:
		st->offer++;
		if (c->state != C_DISCOVER)
			return;		/* late or duplicate offer */
		if (o->latency)
			lat_answer(&lat_do, c);
		if (o->discover_only) {
			c->state = C_ACKED;
			(*finished)++;
			return;
		}
		c->offered = msg.yiaddr;
		if (!dhcp_opt_get_u32(&msg, DHO_SERVER_ID, &sid))
			sid = ntohl(o->server.s_addr);
		c->server_id = sid;
		c->state = C_REQUEST;
		c->tries = 1;
		c->sent_ms = mono_ms();
		if (o->latency)
			c->first_us = mono_us();
		send_msg(fd, o, xid_base, i, c, DHCPREQUEST, st);
		break;
	case DHCPACK:
		if (c->state == C_ACKED) {
			st->dup_ack++;
			return;
		}
		st->ack++;
		if (o->latency && c->state == C_REQUEST)
			lat_answer(&lat_ra, c);
		if (o->addrs != NULL && msg.yiaddr != o->addrs[i]) {
			/* Renew mode: the client lost its address. */
			st->moved++;
			if (c->state != C_FAILED)
				(*finished)++;
			c->state = C_FAILED;
			if (ackfd >= 0 && record_ack(ackfd, msg.yiaddr,
			    mac) < 0) {
				perror("dhcpload: write ack file");
				exit(2);
			}
			return;
		}
		/* Record every ACK, even one for a client that gave up: the
		 * server has committed that lease. */
		if (ackfd >= 0 && record_ack(ackfd, msg.yiaddr, mac) < 0) {
			perror("dhcpload: write ack file");
			exit(2);
		}
		if (c->state != C_FAILED)
			(*finished)++;
		c->state = C_ACKED;
		break;
	case DHCPNAK:
		st->nak++;
		if (c->state == C_REQUEST) {
			c->state = C_FAILED;
			(*finished)++;
		}
		break;
	default:
		st->rx_bad++;
		break;
	}
}

/* Renew mode: the clients of an ACK file, "ADDRESS CHADDR" per line. */
static int
load_renew(struct opts *o)
{
	FILE	*f = fopen(o->renew_file, "r");
	char	 line[128], as[64];
	unsigned m[6];
	size_t	 cap = 0, n = 0;
	struct in_addr a;

	if (f == NULL) {
		fprintf(stderr, "dhcpload: %s: %s\n", o->renew_file,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%63s %x:%x:%x:%x:%x:%x", as, &m[0], &m[1],
		    &m[2], &m[3], &m[4], &m[5]) != 7 ||
		    inet_pton(AF_INET, as, &a) != 1) {
			fprintf(stderr, "dhcpload: %s: bad line: %s",
			    o->renew_file, line);
			fclose(f);
			return -1;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			o->macs = realloc(o->macs, cap * sizeof(*o->macs));
			o->addrs = realloc(o->addrs, cap * sizeof(*o->addrs));
			if (o->macs == NULL || o->addrs == NULL) {
				perror("dhcpload");
				fclose(f);
				return -1;
			}
		}
		for (int k = 0; k < 6; k++)
			o->macs[n][k] = (uint8_t)m[k];
		o->addrs[n] = ntohl(a.s_addr);
		n++;
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "dhcpload: %s: no clients\n", o->renew_file);
		return -1;
	}
	o->nclients = (uint32_t)n;
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { .port = 67, .rate = 1000, .window = 500,
	    .retries = 3, .rto_ms = 1000, .deadline_s = 60, .idle_s = 5,
	    .macbyte = 0x10 };
	struct stats st = { 0 };
	struct client *cl;
	struct sockaddr_in sa;
	struct sigaction sact;
	bool have_server = false, have_bind = false, have_gi = false;
	int ch, fd, ackfd = -1, one = 1, rcvbuf = 8 << 20;
	uint32_t started = 0, finished = 0, lo = 0, inflight, xid_base, i;
	int64_t t0, now, last_rx, deadline;
	const char *why = "all clients done";

	while ((ch = getopt(argc, argv, "s:S:e:x:p:b:g:n:r:w:o:t:i:R:T:m:DI:Lq")) != -1) {
		switch (ch) {
		case 's': addr_arg(optarg, &o.server, "server"); have_server = true; break;
		case 'S': addr_arg(optarg, &o.server2, "second server"); o.have_server2 = true; break;
		case 'e': o.renew_file = optarg; break;
		case 'x': o.renew_file = optarg; o.release = true; break;
		case 'p': o.port = (uint16_t)num_arg(optarg, 65535, "port"); break;
		case 'b': addr_arg(optarg, &o.bind, "bind"); have_bind = true; break;
		case 'g': addr_arg(optarg, &o.giaddr, "giaddr"); have_gi = true; break;
		case 'n': o.nclients = (uint32_t)num_arg(optarg, 1u << 24, "client count"); break;
		case 'r': o.rate = (uint32_t)num_arg(optarg, 1000000, "rate"); break;
		case 'w': o.window = (uint32_t)num_arg(optarg, 100000, "window"); break;
		case 'o': o.ackfile = optarg; break;
		case 't': o.deadline_s = secs_arg(optarg, "deadline"); break;
		case 'i': o.idle_s = secs_arg(optarg, "idle time"); break;
		case 'R': o.retries = (uint32_t)num_arg(optarg, 100, "retries"); break;
		case 'T': o.rto_ms = (uint32_t)num_arg(optarg, 60000, "timeout"); break;
		case 'm': o.macbyte = (uint8_t)num_arg(optarg, 255, "mac byte"); break;
		case 'D': o.discover_only = true; break;
		case 'I': {
			struct in_addr a;

			addr_arg(optarg, &a, "INIT-REBOOT");
			o.reboot_first = ntohl(a.s_addr);
			break;
		}
		case 'L': o.latency = true; break;
		case 'q': o.quiet = true; break;
		default: usage();
		}
	}
	if (o.renew_file != NULL && load_renew(&o) < 0)
		return 2;
	if (optind != argc || !have_server || !have_bind || o.nclients == 0 ||
	    o.rate == 0 || o.window == 0 || o.rto_ms == 0)
		usage();
	if (!have_gi)
		o.giaddr = o.bind;
	if ((o.discover_only || o.reboot_first != 0) &&
	    (o.renew_file != NULL || (o.discover_only && o.reboot_first)))
		usage();

	cl = calloc(o.nclients, sizeof(*cl));
	if (cl == NULL) {
		perror("dhcpload: calloc");
		return 2;
	}
	if (o.ackfile != NULL) {
		ackfd = open(o.ackfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0644);
		if (ackfd < 0) {
			fprintf(stderr, "dhcpload: %s: %s\n", o.ackfile,
			    strerror(errno));
			return 2;
		}
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("dhcpload: socket");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Replies come in bursts; a small buffer would drop ACKs we must
	 * record.  (Capped by net.core.rmem_max without privilege.) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(o.port);
	sa.sin_addr = o.bind;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "dhcpload: bind %s:%u: %s\n", inet_ntoa(o.bind),
		    o.port, strerror(errno));
		return 2;
	}

	memset(&sact, 0, sizeof(sact));
	sact.sa_handler = on_signal;
	sigemptyset(&sact.sa_mask);
	sigaction(SIGINT, &sact, NULL);
	sigaction(SIGTERM, &sact, NULL);

	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		xid_base = (uint32_t)(ts.tv_nsec ^ (ts.tv_sec << 12) ^
		    ((uint32_t)getpid() << 16));
	}
	if (o.release) {
		for (i = 0; i < o.nclients; i++) {
			struct client c = { .offered = o.addrs[i] };

			if (send_msg(fd, &o, xid_base, i, &c, DHCPRELEASE,
			    &st) < 0)
				return 2;
		}
		fprintf(stderr, "dhcpload: released %" PRIu32 " clients "
		    "(send-errors %" PRIu64 ")\n", o.nclients, st.send_err);
		close(fd);
		free(cl);
		free(o.macs);
		free(o.addrs);
		return st.send_err == 0 ? 0 : 1;
	}
	t0 = last_rx = mono_ms();
	deadline = t0 + (int64_t)(o.deadline_s * 1000);

	while (finished < o.nclients) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t due;

		if (stop_signal) {
			why = stop_signal == SIGINT ? "SIGINT" : "SIGTERM";
			break;
		}
		now = mono_ms();
		if (now >= deadline) {
			why = "deadline";
			break;
		}
		if (o.idle_s > 0 && now - last_rx >= (int64_t)(o.idle_s * 1000)) {
			why = "idle";
			break;
		}

		/* Retransmit or give up; advance lo past finished clients. */
		inflight = 0;
		while (lo < started && cl[lo].state >= C_ACKED)
			lo++;
		for (i = lo; i < started; i++) {
			struct client *c = &cl[i];

			if (c->state != C_DISCOVER && c->state != C_REQUEST)
				continue;
			if (now - c->sent_ms >= (int64_t)o.rto_ms) {
				if (c->tries > o.retries) {
					st.timeout++;
					c->state = C_FAILED;
					finished++;
					continue;
				}
				c->tries++;
				c->sent_ms = now;
				st.retrans++;
				send_msg(fd, &o, xid_base, i, c,
				    c->state == C_DISCOVER ? DHCPDISCOVER :
				    DHCPREQUEST, &st);
			}
			inflight++;
		}

		/* Start new clients at the configured rate. */
		due = (uint64_t)(now - t0) * o.rate / 1000 + 1;
		while (started < o.nclients && started < due &&
		    inflight < o.window) {
			struct client *c = &cl[started];

			bool	 req = o.addrs != NULL || o.reboot_first != 0;

			c->state = req ? C_REQUEST : C_DISCOVER;
			c->tries = 1;
			c->sent_ms = now;
			if (o.latency)
				c->first_us = mono_us();
			if (o.addrs != NULL)
				c->offered = o.addrs[started];
			else if (o.reboot_first != 0)
				c->offered = o.reboot_first + started;
			if (send_msg(fd, &o, xid_base, started, c,
			    req ? DHCPREQUEST : DHCPDISCOVER, &st) < 0)
				return 2;
			started++;
			inflight++;
		}

		if (poll(&pfd, 1, 2) < 0 && errno != EINTR) {
			perror("dhcpload: poll");
			return 2;
		}
		/* Drain everything queued. */
		for (;;) {
			uint8_t buf[DHCP_PKT_MAX];
			ssize_t n = recv(fd, buf, sizeof(buf), 0);

			if (n < 0)
				break;
			last_rx = mono_ms();
			handle_reply(fd, ackfd, &o, xid_base, cl, buf,
			    (size_t)n, &st, &finished);
		}
	}

	now = mono_ms();
	{
		double el = (double)(now - t0) / 1000.0;
		uint64_t acked = 0;

		for (i = 0; i < o.nclients; i++)
			acked += cl[i].state == C_ACKED;
		fprintf(stderr,
		    "dhcpload: stopped (%s) after %.2f s: clients %" PRIu32
		    " started %" PRIu32 " acked %" PRIu64 " (%.0f/s)"
		    " discover %" PRIu64 " offer %" PRIu64 " request %" PRIu64
		    " ack %" PRIu64 " nak %" PRIu64 " retrans %" PRIu64
		    " timeout %" PRIu64 " dup-ack %" PRIu64 " bad %" PRIu64
		    " foreign %" PRIu64 " send-errors %" PRIu64
		    " moved %" PRIu64 "\n",
		    why, el, o.nclients, started, acked,
		    el > 0 ? (double)acked / el : 0.0, st.discover, st.offer,
		    st.request, st.ack, st.nak, st.retrans, st.timeout,
		    st.dup_ack, st.rx_bad, st.rx_foreign, st.send_err,
		    st.moved);
		if (o.latency) {
			fprintf(stderr, "dhcpload: latency-us");
			lat_print("discover-offer", &lat_do);
			lat_print("request-ack", &lat_ra);
			fputc('\n', stderr);
		}
		if (!o.quiet && acked < o.nclients)
			fprintf(stderr, "dhcpload: %" PRIu64 " of %" PRIu32
			    " clients not acknowledged\n",
			    o.nclients - acked, o.nclients);
		if (ackfd >= 0)
			close(ackfd);
		close(fd);
		free(cl);
		free(o.macs);
		free(o.addrs);
		return acked == o.nclients ? 0 : 1;
	}
}
