/*
 * fo_peer_sim: a stand-in primary for failover tests that the real
 * primary cannot play: it answers every POLL with a POLL_RPL whose clock
 * is off by -c seconds, and it can throw bad input at the failover first:
 *
 *	-x garbage	bytes that are not a failover datagram (sanity)
 *	-x badkey	a POLL_RPL signed with another key (bad-hmac)
 *	-x replay	one valid POLL_RPL sent twice, byte for byte (replayed)
 *	-x reflect	a BIND_ACK without FROM_PRIMARY, as if the failover's
 *			own message came back (reflected)
 *	-x unknown	a valid POLL_RPL from another source port (unknown peer)
 *
 * The bad input leaves when the first POLL arrives, so the failover is
 * there to receive it; start the stand-in before the failover.
 * (-x may be repeated.)  With -C it plays a primary that has just
 * started: it sends CTL_REQ, reports wait-control in its poll replies and
 * never acknowledges anything the failover hands back, as if it died
 * right after asking (the failover's hand-back must fail and its subnets
 * be served again).  It runs for -t seconds, then prints what it did and
 * exits 0.  Only the project's codec and auth modules are used.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fo_auth.h"
#include "fo_codec.h"
#include "fo_proto.h"

static struct fo_msg	in, out;
static uint8_t		buf[FO_DGRAM_MAX];
static uint64_t		tx_seq;
static uint64_t		epoch;
static uint32_t		pid_id;
static uint8_t		store_id[FO_STORE_ID_LEN] = { 0x51, 0x4d };
static double		skew;
static uint8_t		state = FO_STATE_SERVING;
static bool		garbage, badkey, replay, reflect, unknown;

static void
usage(void)
{
	fprintf(stderr, "usage: fo_peer_sim -k KEYFILE -n NAME -b ADDR:PORT "
	    "-f ADDR:PORT [-c SKEW] [-s STATE] [-t SECS] [-C] [-x WHAT]...\n");
	exit(2);
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
addr_port(const char *s, struct sockaddr_in *sa)
{
	char	 a[64], *c;

	snprintf(a, sizeof(a), "%s", s);
	if ((c = strrchr(a, ':')) == NULL)
		usage();
	*c++ = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)atoi(c));
	if (inet_pton(AF_INET, a, &sa->sin_addr) != 1)
		usage();
}

/* Encode m with a fresh header and sign it with key; returns the length. */
static size_t
build(struct fo_msg *m, const struct fo_key *key)
{
	size_t	 len;
	enum fo_err e;

	m->hdr.seq = ++tx_seq;
	m->hdr.epoch = epoch;
	m->hdr.primary_id = pid_id;
	if ((e = fo_encode(m, buf, sizeof(buf), &len)) != FO_OK) {
		fprintf(stderr, "fo_peer_sim: encode: %s\n", fo_err_name(e));
		exit(2);
	}
	fo_auth_sign(key, buf, len);
	return len;
}

static size_t
poll_rpl(const struct fo_key *key)
{
	fo_msg_init(&out, FO_POLL_RPL, true);
	out.present |= FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_STATE) |
	    FO_BIT(FO_TLV_CLOCK) | FO_BIT(FO_TLV_STORE_ID) |
	    FO_BIT(FO_TLV_LAST_SEQ);
	out.ver_min = FO_VERSION_MIN;
	out.ver_max = FO_VERSION_MAX;
	out.state = state;
	out.clock_ms = (uint64_t)((now() + skew) * 1000.0);
	memcpy(out.store_id, store_id, sizeof(store_id));
	/* The Poll being answered (protocol 7.2). */
	fo_msg_echo(&out, &in.hdr);
	return build(&out, key);
}

static void
inject(int fd, const struct sockaddr_in *mep, const struct sockaddr_in *fop,
    const struct fo_key *key, const struct fo_key *other)
{
	struct sockaddr_in me = *mep, fo = *fop, me2;
	size_t	 len;
	int	 fd2;

	if (garbage) {
		static const uint8_t junk[80] = "not a failover datagram";

		sendto(fd, junk, sizeof(junk), 0, (struct sockaddr *)&fo,
		    sizeof(fo));
		sendto(fd, junk, 10, 0, (struct sockaddr *)&fo, sizeof(fo));
	}
	if (badkey) {
		len = poll_rpl(other);
		sendto(fd, buf, len, 0, (struct sockaddr *)&fo, sizeof(fo));
	}
	if (replay) {
		len = poll_rpl(key);
		sendto(fd, buf, len, 0, (struct sockaddr *)&fo, sizeof(fo));
		usleep(50000);
		sendto(fd, buf, len, 0, (struct sockaddr *)&fo, sizeof(fo));
	}
	if (reflect) {
		fo_msg_init(&out, FO_BIND_ACK, false);
		fo_msg_add_ack(&out, 1, 1);
		len = build(&out, key);
		sendto(fd, buf, len, 0, (struct sockaddr *)&fo, sizeof(fo));
	}
	if (unknown) {
		me2 = me;
		me2.sin_port = htons(ntohs(me.sin_port) + 1);
		if ((fd2 = socket(AF_INET, SOCK_DGRAM, 0)) >= 0 &&
		    bind(fd2, (struct sockaddr *)&me2, sizeof(me2)) == 0) {
			len = poll_rpl(key);
			sendto(fd2, buf, len, 0, (struct sockaddr *)&fo,
			    sizeof(fo));
		}
		if (fd2 >= 0)
			close(fd2);
	}
}

int
main(int argc, char **argv)
{
	struct fo_key key, other;
	struct sockaddr_in me, fo;
	const char *keyfile = NULL, *name = NULL;
	char	 err[256];
	double	 secs = 5, end;
	bool	 have_b = false, have_f = false, injected = false;
	bool	 ctl_req = false;
	uint64_t ignored = 0;
	uint64_t polls = 0, replies = 0;
	int	 ch, fd;
	size_t	 len;
	uint8_t	 ob[FO_KEY_MIN];

	while ((ch = getopt(argc, argv, "k:n:b:f:c:s:t:x:C")) != -1) {
		switch (ch) {
		case 'C': ctl_req = true; state = FO_STATE_WAIT_CONTROL; break;
		case 'k': keyfile = optarg; break;
		case 'n': name = optarg; break;
		case 'b': addr_port(optarg, &me); have_b = true; break;
		case 'f': addr_port(optarg, &fo); have_f = true; break;
		case 'c': skew = strtod(optarg, NULL); break;
		case 's': state = (uint8_t)atoi(optarg); break;
		case 't': secs = strtod(optarg, NULL); break;
		case 'x':
			if (strcmp(optarg, "garbage") == 0) garbage = true;
			else if (strcmp(optarg, "badkey") == 0) badkey = true;
			else if (strcmp(optarg, "replay") == 0) replay = true;
			else if (strcmp(optarg, "reflect") == 0) reflect = true;
			else if (strcmp(optarg, "unknown") == 0) unknown = true;
			else usage();
			break;
		default: usage();
		}
	}
	if (keyfile == NULL || name == NULL || !have_b || !have_f)
		usage();
	if (fo_key_load(keyfile, &key, err, sizeof(err)) < 0) {
		fprintf(stderr, "fo_peer_sim: %s\n", err);
		return 2;
	}
	memset(ob, 0x5a, sizeof(ob));
	fo_key_set(&other, ob, sizeof(ob));
	pid_id = fo_primary_id(name);
	epoch = (uint64_t)(now() * 1e6);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("fo_peer_sim: bind");
		return 2;
	}

	if (ctl_req) {
		fo_msg_init(&out, FO_CTL_REQ, true);
		out.present |= FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_NAME) |
		    FO_BIT(FO_TLV_STORE_ID) | FO_BIT(FO_TLV_LAST_SEQ) |
		    FO_BIT(FO_TLV_BUF_SIZE) | FO_BIT(FO_TLV_STATE);
		out.ver_min = FO_VERSION_MIN;
		out.ver_max = FO_VERSION_MAX;
		snprintf(out.name, sizeof(out.name), "%s", name);
		memcpy(out.store_id, store_id, sizeof(store_id));
		out.buf_size = 1024;
		out.state = state;
		len = build(&out, &key);
		sendto(fd, buf, len, 0, (struct sockaddr *)&fo, sizeof(fo));
	}

	/* Answer polls until the time is up. */
	end = now() + secs;
	while (now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t	 n;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf), 0)) <= 0)
			continue;
		if (!fo_auth_verify(&key, buf, (size_t)n) ||
		    fo_decode(buf, (size_t)n, FO_LEASE_MAX, &in) != FO_OK)
			continue;
		if (in.hdr.type != FO_POLL) {
			ignored++;	/* -C: hand-back never acknowledged */
			continue;
		}
		polls++;
		/* The failover is up: now the bad input, then the answer. */
		if (!injected) {
			inject(fd, &me, &fo, &key, &other);
			injected = true;
		}
		len = poll_rpl(&key);
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&fo,
		    sizeof(fo)) > 0)
			replies++;
	}
	printf("fo_peer_sim: %llu polls answered (clock skew %+.1f s), %llu "
	    "other messages left unanswered\n", (unsigned long long)replies,
	    skew, (unsigned long long)ignored);
	(void)polls;
	close(fd);
	return 0;
}
