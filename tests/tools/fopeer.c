/*
 * fopeer: a small fake failover server for tests of dhcpfo-primary's
 * failover link.  It speaks the failover protocol (common/proto/fo_codec.c,
 * common/proto/fo_auth.c) with a shared key, prints every message it receives
 * as one JSON object per line, and sends what it is told to, one command
 * per line from a command file (a FIFO the test writes to).
 *
 *	fopeer -k KEYFILE -n PRIMARY -l ADDR:PORT -p ADDR:PORT
 *	       [-i CMDFILE] [-o OUT] [-N NAME] [-q] [-A] [-t SECS]
 *
 *	-k	hex key file shared with the primary (fo_key_load rules)
 *	-n	the primary's Name (gives primary_id)
 *	-l	where to listen: the primary's FailoverServer:FailoverPort
 *	-p	the primary's ServerAddress:FailoverPort
 *	-i	commands, one per line; a FIFO is opened read-write so it
 *		never reports end of file while the test holds it
 *	-o	JSON lines go here (default stdout; line-buffered)
 *	-N	our Name in SyncReq/Poll (default "fopeer")
 *	-q	BIND_UPD lines carry counts and first/last only
 *	-A	start with automatic acks off
 *	-t	exit after SECS (default 600): tests never hang on us
 *
 * Commands:
 *	poll [LASTSEQ]			POLL
 *	syncreq [STOREID|zero] [LASTSEQ] SYNC_REQ
 *	ctlret [RESULT [REASON]]	CTL_RET
 *	sss CIDR COUNT [UPDSEQ]		SUBNET_SYNC_START
 *	ssd CIDR COUNT [UPDSEQ]		SUBNET_SYNC_DONE
 *	upd SEQ ADDR MAC STATE STARTS ENDS [HOST]
 *					BIND_UPD of one lease; STARTS and
 *					ENDS are Unix seconds, or +N / -N
 *					seconds from now
 *	ack on|off			acknowledge BIND_UPD at once, or not
 *	ackall				acknowledge everything held back
 *	replay				resend the last datagram byte for byte
 *	keep				remember the last datagram ...
 *	resend-kept			... and resend it (after `restart`:
 *					a message from an old boot epoch)
 *	forge [poll|ctlret]		a POLL or CTL_RET signed with another
 *					key
 *	badlease SEQ			BIND_UPD whose LEASE does not decode
 *	reflect				send the primary its own last datagram
 *	trunc				the first 48 bytes of a POLL
 *	wrongid				a POLL for another primary id
 *	restart				new boot epoch, header seq from 1
 *	note TEXT			print {"type":"note","text":TEXT}
 *	quit
 *
 * Every datagram it receives goes through the receive order of
 * docs/failover-protocol.md 7.1; what fails is printed as
 * {"type":"drop","why":NAME}.  So a test sees, for instance, a
 * retransmission that reused its header seq as "replayed".
 *
 * At SYNC_DONE it prints {"type":"sync-summary"} with the bindings seen
 * since SYNC_START, the seconds between the two and the rate.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fo_auth.h"
#include "fo_codec.h"
#include "fo_stream.h"
#include "lease.h"

#define MAX_HELD	(1u << 20)

struct peer {
	int		 fd;
	struct sockaddr_in prim;
	struct fo_key	 key;
	uint32_t	 pid;
	uint64_t	 epoch, seq;
	struct fo_replay win;
	const char	*name;
	bool		 quiet, autoack;
	FILE		*out;
	struct fo_msg	 in, m;
	struct fo_hdr	 ctl_req;	/* the last CtlReq: ctlret echoes it */
	uint8_t		 rx[FO_DGRAM_MAX + 1], tx[FO_DGRAM_MAX];
	uint8_t		 last[FO_DGRAM_MAX];	/* last datagram sent */
	size_t		 lastlen;
	uint8_t		 kept[FO_DGRAM_MAX];	/* `keep` */
	size_t		 keptlen;
	uint8_t		 got[FO_DGRAM_MAX];	/* last one from the primary */
	size_t		 gotlen;
	uint64_t	*held;			/* seqs not acked yet */
	size_t		 nheld;
	/* start-up sync measurement */
	bool		 syncing;
	double		 sync_t0;
	uint64_t	 sync_updates;
	uint64_t	 sync_first_upd;
};

static double
now_f(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
die(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fprintf(stderr, "fopeer: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static int
parse_hostport(const char *s, struct sockaddr_in *sin)
{
	char	 host[64];
	const char *c = strrchr(s, ':');

	if (c == NULL || (size_t)(c - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(c - s));
	host[c - s] = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(c + 1));
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

static void
fmt_ip(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

static void
hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* ---- sending ---- */

static void
send_raw(struct peer *p, const uint8_t *buf, size_t len)
{
	if (sendto(p->fd, buf, len, 0, (struct sockaddr *)&p->prim,
	    sizeof(p->prim)) < 0)
		fprintf(stderr, "fopeer: sendto: %s\n", strerror(errno));
	memcpy(p->last, buf, len);
	p->lastlen = len;
}

/* Encode p->m with a fresh header; key NULL: our own.  Returns length. */
static size_t
build(struct peer *p, const struct fo_key *key, uint32_t pid)
{
	size_t	 len;
	enum fo_err e;

	p->m.hdr.seq = ++p->seq;
	p->m.hdr.epoch = p->epoch;
	p->m.hdr.primary_id = pid;
	if ((e = fo_encode(&p->m, p->tx, sizeof(p->tx), &len)) != FO_OK) {
		fprintf(stderr, "fopeer: encode %s: %s\n",
		    fo_type_name(p->m.hdr.type), fo_err_name(e));
		return 0;
	}
	fo_auth_sign(key != NULL ? key : &p->key, p->tx, len);
	return len;
}

static void
send_msg(struct peer *p)
{
	size_t	 len = build(p, NULL, p->pid);

	if (len > 0)
		send_raw(p, p->tx, len);
}

static void
init_msg(struct peer *p, uint8_t type)
{
	fo_msg_init(&p->m, type, false);
}

static void
send_acks(struct peer *p, const uint64_t *seqs, size_t n)
{
	struct fo_rx rx;
	uint64_t runs[FO_MAX_ACK_RANGES][2];
	size_t	 k, i = 0;

	while (i < n) {
		fo_rx_init(&rx);
		while (i < n && fo_rx_note(&rx, seqs[i]))
			i++;
		while ((k = fo_rx_take(&rx, runs, FO_MAX_ACK_RANGES)) > 0) {
			init_msg(p, FO_BIND_ACK);
			for (size_t j = 0; j < k; j++)
				fo_msg_add_ack(&p->m, runs[j][0], runs[j][1]);
			send_msg(p);
		}
	}
}

static void
hold(struct peer *p, uint64_t seq)
{
	if (p->nheld < MAX_HELD)
		p->held[p->nheld++] = seq;
}

static void
ack_or_hold(struct peer *p, const uint64_t *seqs, size_t n)
{
	if (p->autoack) {
		send_acks(p, seqs, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		hold(p, seqs[i]);
}

/* ---- printing what arrives ---- */

static void
print_common(struct peer *p, const struct fo_msg *m)
{
	fprintf(p->out, "{\"t\":%.6f,\"type\":\"%s\",\"seq\":%llu,"
	    "\"epoch\":%llu", now_f(), fo_type_name(m->hdr.type),
	    (unsigned long long)m->hdr.seq, (unsigned long long)m->hdr.epoch);
	if (FO_HAS(m, FO_TLV_VERSIONS))
		fprintf(p->out, ",\"versions\":[%u,%u]", m->ver_min,
		    m->ver_max);
	if (FO_HAS(m, FO_TLV_NAME))
		fprintf(p->out, ",\"name\":\"%s\"", m->name);
	if (FO_HAS(m, FO_TLV_STATE))
		fprintf(p->out, ",\"state\":%u", m->state);
	if (FO_HAS(m, FO_TLV_CLOCK))
		fprintf(p->out, ",\"clock\":%llu",
		    (unsigned long long)m->clock_ms);
	if (FO_HAS(m, FO_TLV_STORE_ID)) {
		fprintf(p->out, ",\"store_id\":\"");
		hex(p->out, m->store_id, sizeof(m->store_id));
		fprintf(p->out, "\"");
	}
	if (FO_HAS(m, FO_TLV_LAST_SEQ))
		fprintf(p->out, ",\"last_seq\":%llu",
		    (unsigned long long)m->last_seq);
	if (FO_HAS(m, FO_TLV_BUF_SIZE))
		fprintf(p->out, ",\"buf_size\":%u", m->buf_size);
	if (FO_HAS(m, FO_TLV_COUNT))
		fprintf(p->out, ",\"count\":%u", m->count);
	if (FO_HAS(m, FO_TLV_UPD_SEQ) && m->hdr.type != FO_BIND_UPD)
		fprintf(p->out, ",\"upd_seq\":%llu",
		    (unsigned long long)m->upd_seq);
	if (FO_HAS(m, FO_TLV_RESULT))
		fprintf(p->out, ",\"result\":%u", m->result);
	if (FO_HAS(m, FO_TLV_REASON))
		fprintf(p->out, ",\"reason\":\"%s\"", m->reason);
	if (m->n_digests > 0) {
		fprintf(p->out, ",\"digests\":[");
		for (size_t i = 0; i < m->n_digests; i++) {
			char a[16];

			fmt_ip(m->digests[i].network, a, sizeof(a));
			fprintf(p->out, "%s{\"subnet\":\"%s/%u\",\"sha256\":\"",
			    i ? "," : "", a, m->digests[i].prefix);
			hex(p->out, m->digests[i].sha256, FO_SHA256_LEN);
			fprintf(p->out, "\"}");
		}
		fprintf(p->out, "]");
	}
}

static void
on_bind_upd(struct peer *p, const struct fo_msg *m)
{
	uint64_t seqs[FO_MAX_UPDATES];

	print_common(p, m);
	fprintf(p->out, ",\"n\":%zu", m->n_updates);
	if (p->quiet) {
		fprintf(p->out, ",\"first\":%llu,\"last\":%llu}\n",
		    (unsigned long long)m->updates[0].seq,
		    (unsigned long long)m->updates[m->n_updates - 1].seq);
	} else {
		fprintf(p->out, ",\"updates\":[");
		for (size_t i = 0; i < m->n_updates; i++) {
			struct lease l;
			char	 a[16];

			fprintf(p->out, "%s{\"upd_seq\":%llu", i ? "," : "",
			    (unsigned long long)m->updates[i].seq);
			if (lease_decode(m->updates[i].lease,
			    m->updates[i].lease_len, &l)) {
				fmt_ip(l.addr, a, sizeof(a));
				fprintf(p->out, ",\"address\":\"%s\","
				    "\"state\":\"%s\",\"hwaddr\":\"", a,
				    lease_state_name(l.state));
				for (size_t k = 0; k < l.hlen; k++)
					fprintf(p->out, "%s%02x", k ? ":" : "",
					    l.chaddr[k]);
				fprintf(p->out, "\",\"starts\":%lld,"
				    "\"ends\":%lld,\"lease_seq\":%llu}",
				    (long long)l.starts, (long long)l.ends,
				    (unsigned long long)l.seq);
			} else
				fprintf(p->out, ",\"bad_lease\":true}");
		}
		fprintf(p->out, "]}\n");
	}
	for (size_t i = 0; i < m->n_updates; i++)
		seqs[i] = m->updates[i].seq;
	if (p->syncing)
		p->sync_updates += m->n_updates;
	ack_or_hold(p, seqs, m->n_updates);
}

static void
on_msg(struct peer *p, const struct fo_msg *m)
{
	switch (m->hdr.type) {
	case FO_BIND_UPD:
		on_bind_upd(p, m);
		return;
	case FO_BIND_ACK:
		print_common(p, m);
		fprintf(p->out, ",\"ranges\":[");
		for (size_t i = 0; i < m->n_acks; i++)
			fprintf(p->out, "%s[%llu,%llu]", i ? "," : "",
			    (unsigned long long)m->acks[i].first,
			    (unsigned long long)m->acks[i].last);
		fprintf(p->out, "]}\n");
		return;
	case FO_CTL_REQ:
		p->ctl_req = m->hdr;
		break;
	case FO_SYNC_START:
		p->syncing = true;
		p->sync_t0 = now_f();
		p->sync_updates = 0;
		break;
	default:
		break;
	}
	print_common(p, m);
	fprintf(p->out, "}\n");
	if (m->hdr.type == FO_SYNC_DONE) {
		double secs = now_f() - p->sync_t0;

		if (p->syncing)
			fprintf(p->out, "{\"t\":%.6f,\"type\":\"sync-summary\","
			    "\"count\":%u,\"updates\":%llu,\"secs\":%.6f,"
			    "\"rate\":%.0f}\n", now_f(), m->count,
			    (unsigned long long)p->sync_updates, secs,
			    secs > 0 ? (double)p->sync_updates / secs : 0);
		p->syncing = false;
		if (FO_HAS(m, FO_TLV_UPD_SEQ))
			ack_or_hold(p, &m->upd_seq, 1);
	}
}

static void
drop(struct peer *p, const char *why)
{
	fprintf(p->out, "{\"t\":%.6f,\"type\":\"drop\",\"why\":\"%s\"}\n",
	    now_f(), why);
}

static void
receive(struct peer *p)
{
	struct sockaddr_in sin;
	socklen_t slen;
	struct fo_hdr h;
	enum fo_err e;
	enum fo_replay_res rr;
	ssize_t	 n;

	for (;;) {
		slen = sizeof(sin);
		n = recvfrom(p->fd, p->rx, sizeof(p->rx), MSG_DONTWAIT,
		    (struct sockaddr *)&sin, &slen);
		if (n < 0)
			return;
		if ((e = fo_peek_header(p->rx, (size_t)n, &h)) != FO_OK) {
			drop(p, fo_err_name(e));
			continue;
		}
		if (sin.sin_addr.s_addr != p->prim.sin_addr.s_addr ||
		    sin.sin_port != p->prim.sin_port ||
		    h.primary_id != p->pid) {
			drop(p, "unknown-peer");
			continue;
		}
		if (!fo_auth_verify(&p->key, p->rx, (size_t)n)) {
			drop(p, "bad-hmac");
			continue;
		}
		if ((e = fo_decode(p->rx, (size_t)n, FO_LEASE_MAX, &p->in)) !=
		    FO_OK) {
			drop(p, fo_err_name(e));
			continue;
		}
		if (!fo_hdr_from_primary(&p->in.hdr)) {
			drop(p, "reflected");
			continue;
		}
		if ((rr = fo_replay_check(&p->win, h.epoch, h.seq)) !=
		    FO_REPLAY_OK) {
			drop(p, fo_replay_name(rr));
			continue;
		}
		fo_replay_commit(&p->win, h.epoch, h.seq);
		memcpy(p->got, p->rx, (size_t)n);
		p->gotlen = (size_t)n;
		on_msg(p, &p->in);
	}
}

/* ---- commands ---- */

static bool
parse_cidr(const char *s, uint32_t *net, uint8_t *prefix)
{
	char	 a[32];
	const char *sl = strchr(s, '/');
	struct in_addr ia;

	if (sl == NULL || (size_t)(sl - s) >= sizeof(a))
		return false;
	memcpy(a, s, (size_t)(sl - s));
	a[sl - s] = '\0';
	if (inet_pton(AF_INET, a, &ia) != 1)
		return false;
	*net = ntohl(ia.s_addr);
	*prefix = (uint8_t)atoi(sl + 1);
	return true;
}

static int64_t
parse_time(const char *s)
{
	if (s[0] == '+' || s[0] == '-')
		return (int64_t)time(NULL) + strtoll(s, NULL, 10);
	return strtoll(s, NULL, 10);
}

static void
cmd_upd(struct peer *p, char **av, int ac)
{
	struct lease l;
	struct in_addr ia;
	uint8_t	 rec[LEASE_RECORD_MAX];
	unsigned mac[6];
	size_t	 len;
	int	 st;

	if (ac < 7 || inet_pton(AF_INET, av[2], &ia) != 1 ||
	    sscanf(av[3], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2],
	    &mac[3], &mac[4], &mac[5]) != 6 ||
	    (st = lease_state_from_name(av[4])) < 0) {
		fprintf(stderr, "fopeer: usage: upd SEQ ADDR MAC STATE STARTS "
		    "ENDS [HOST]\n");
		return;
	}
	memset(&l, 0, sizeof(l));
	l.addr = ntohl(ia.s_addr);
	l.state = (uint8_t)st;
	l.htype = 1;
	l.hlen = 6;
	for (int i = 0; i < 6; i++)
		l.chaddr[i] = (uint8_t)mac[i];
	/* The identity the primary derives from a request without
	 * option 61: 'H', htype, chaddr. */
	l.key.len = 8;
	l.key.bytes[0] = 'H';
	l.key.bytes[1] = 1;
	memcpy(l.key.bytes + 2, l.chaddr, 6);
	l.starts = parse_time(av[5]);
	l.ends = parse_time(av[6]);
	l.cltt = l.starts;
	l.seq = strtoull(av[1], NULL, 0);
	if (ac > 7)
		snprintf(l.hostname, sizeof(l.hostname), "%s", av[7]);
	if ((len = lease_encode(&l, rec, sizeof(rec))) == 0) {
		fprintf(stderr, "fopeer: lease refused by lease_encode\n");
		return;
	}
	init_msg(p, FO_BIND_UPD);
	fo_msg_add_update(&p->m, l.seq, rec, len, FO_DGRAM_MAX);
	send_msg(p);
}

static void
cmd_poll_variant(struct peer *p, const char *what, const char *type)
{
	struct fo_key other;
	uint8_t	 kb[32];
	size_t	 len;

	init_msg(p, FO_POLL);
	p->m.ver_min = p->m.ver_max = 1;
	p->m.clock_ms = (uint64_t)(now_f() * 1000);
	p->m.present |= FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_CLOCK);
	if (type != NULL && strcmp(type, "ctlret") == 0) {
		init_msg(p, FO_CTL_RET);
		p->m.result = FO_RESULT_OK;
		p->m.present |= FO_BIT(FO_TLV_RESULT);
		fo_msg_echo(&p->m, &p->ctl_req);
	}
	if (strcmp(what, "forge") == 0) {
		memset(kb, 0x5a, sizeof(kb));
		fo_key_set(&other, kb, sizeof(kb));
		if ((len = build(p, &other, p->pid)) > 0)
			send_raw(p, p->tx, len);
	} else if (strcmp(what, "wrongid") == 0) {
		if ((len = build(p, NULL, p->pid ^ 0x5a5a5a5au)) > 0)
			send_raw(p, p->tx, len);
	} else if (strcmp(what, "trunc") == 0) {
		if ((len = build(p, NULL, p->pid)) > 0)
			send_raw(p, p->tx, 48);
	}
}

/* 32 hex digits; a short string leaves the rest zero. */
static void
parse_store_id(const char *hexs, uint8_t *id)
{
	for (size_t i = 0; i < FO_STORE_ID_LEN && hexs[2 * i] &&
	    hexs[2 * i + 1]; i++) {
		char b[3] = { hexs[2 * i], hexs[2 * i + 1], 0 };

		id[i] = (uint8_t)strtoul(b, NULL, 16);
	}
}

static void
command(struct peer *p, char *line, bool *quit)
{
	char	*av[16], *save = NULL, *t;
	int	 ac = 0;
	uint32_t net;
	uint8_t	 prefix;

	for (t = strtok_r(line, " \t\r\n", &save); t != NULL && ac < 16;
	    t = strtok_r(NULL, " \t\r\n", &save))
		av[ac++] = t;
	if (ac == 0)
		return;
	if (strcmp(av[0], "poll") == 0) {
		init_msg(p, FO_POLL);
		p->m.ver_min = p->m.ver_max = 1;
		p->m.clock_ms = (uint64_t)(now_f() * 1000);
		snprintf(p->m.name, sizeof(p->m.name), "%s", p->name);
		p->m.state = FO_STATE_MONITORING;
		p->m.present |= FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_CLOCK) |
		    FO_BIT(FO_TLV_NAME) | FO_BIT(FO_TLV_STATE);
		if (ac > 1) {
			p->m.last_seq = strtoull(av[1], NULL, 0);
			p->m.present |= FO_BIT(FO_TLV_LAST_SEQ);
		}
		send_msg(p);
	} else if (strcmp(av[0], "syncreq") == 0) {
		init_msg(p, FO_SYNC_REQ);
		p->m.ver_min = p->m.ver_max = 1;
		snprintf(p->m.name, sizeof(p->m.name), "%s", p->name);
		if (ac > 1 && strcmp(av[1], "zero") != 0)
			parse_store_id(av[1], p->m.store_id);
		p->m.last_seq = ac > 2 ? strtoull(av[2], NULL, 0) : 0;
		p->m.buf_size = 1024;
		p->m.state = FO_STATE_SYNCING;
		p->m.present |= FO_BIT(FO_TLV_VERSIONS) | FO_BIT(FO_TLV_NAME) |
		    FO_BIT(FO_TLV_STORE_ID) | FO_BIT(FO_TLV_LAST_SEQ) |
		    FO_BIT(FO_TLV_BUF_SIZE) | FO_BIT(FO_TLV_STATE);
		send_msg(p);
	} else if (strcmp(av[0], "ctlret") == 0) {
		init_msg(p, FO_CTL_RET);
		p->m.result = ac > 1 ? (uint8_t)atoi(av[1]) : 0;
		p->m.present |= FO_BIT(FO_TLV_RESULT);
		fo_msg_echo(&p->m, &p->ctl_req);
		if (ac > 2) {
			snprintf(p->m.reason, sizeof(p->m.reason), "%s", av[2]);
			p->m.present |= FO_BIT(FO_TLV_REASON);
		}
		send_msg(p);
	} else if ((strcmp(av[0], "sss") == 0 || strcmp(av[0], "ssd") == 0) &&
	    ac >= 3 && parse_cidr(av[1], &net, &prefix)) {
		init_msg(p, av[0][2] == 's' ? FO_SUBNET_SYNC_START :
		    FO_SUBNET_SYNC_DONE);
		p->m.subnet = net;
		p->m.subnet_prefix = prefix;
		p->m.count = (uint32_t)strtoul(av[2], NULL, 0);
		p->m.present |= FO_BIT(FO_TLV_SUBNET) | FO_BIT(FO_TLV_COUNT);
		if (ac > 3) {
			p->m.upd_seq = strtoull(av[3], NULL, 0);
			p->m.present |= FO_BIT(FO_TLV_UPD_SEQ);
		}
		send_msg(p);
	} else if (strcmp(av[0], "upd") == 0) {
		cmd_upd(p, av, ac);
	} else if (strcmp(av[0], "ack") == 0 && ac > 1) {
		p->autoack = strcmp(av[1], "on") == 0;
	} else if (strcmp(av[0], "ackall") == 0) {
		send_acks(p, p->held, p->nheld);
		p->nheld = 0;
	} else if (strcmp(av[0], "replay") == 0) {
		if (p->lastlen > 0)
			send_raw(p, p->last, p->lastlen);
	} else if (strcmp(av[0], "keep") == 0) {
		memcpy(p->kept, p->last, p->lastlen);
		p->keptlen = p->lastlen;
	} else if (strcmp(av[0], "reflect") == 0) {
		if (p->gotlen > 0)
			send_raw(p, p->got, p->gotlen);
	} else if (strcmp(av[0], "resend-kept") == 0) {
		if (p->keptlen > 0)
			send_raw(p, p->kept, p->keptlen);
	} else if (strcmp(av[0], "badlease") == 0 && ac > 1) {
		/* A record of a version no one knows: TLV fine, record not. */
		uint8_t junk[64];

		memset(junk, 0xee, sizeof(junk));
		init_msg(p, FO_BIND_UPD);
		fo_msg_add_update(&p->m, strtoull(av[1], NULL, 0), junk,
		    sizeof(junk), FO_DGRAM_MAX);
		send_msg(p);
	} else if (strcmp(av[0], "forge") == 0 ||
	    strcmp(av[0], "wrongid") == 0 || strcmp(av[0], "trunc") == 0) {
		cmd_poll_variant(p, av[0], ac > 1 ? av[1] : NULL);
	} else if (strcmp(av[0], "restart") == 0) {
		p->epoch = now_us();
		p->seq = 0;
	} else if (strcmp(av[0], "note") == 0) {
		fprintf(p->out, "{\"t\":%.6f,\"type\":\"note\",\"text\":\"%s\"}"
		    "\n", now_f(), ac > 1 ? av[1] : "");
	} else if (strcmp(av[0], "quit") == 0) {
		*quit = true;
	} else
		fprintf(stderr, "fopeer: unknown command: %s\n", av[0]);
	fflush(p->out);
}

static void
usage(void)
{
	fprintf(stderr, "usage: fopeer -k KEYFILE -n PRIMARY -l ADDR:PORT "
	    "-p ADDR:PORT [-i CMDFILE] [-o OUT] [-N NAME] [-q] [-A] "
	    "[-t SECS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct peer p;
	struct sockaddr_in local;
	const char *keyfile = NULL, *prim = NULL, *lst = NULL, *pname = NULL;
	const char *cmdfile = NULL, *outfile = NULL;
	char	 err[512], buf[8192];
	size_t	 blen = 0;
	double	 limit = 600, t0;
	int	 ch, cfd = -1, one = 1;
	bool	 quit = false;

	p.name = "fopeer";
	p.autoack = true;
	while ((ch = getopt(argc, argv, "k:n:l:p:i:o:N:qAt:")) != -1) {
		switch (ch) {
		case 'k': keyfile = optarg; break;
		case 'n': pname = optarg; break;
		case 'l': lst = optarg; break;
		case 'p': prim = optarg; break;
		case 'i': cmdfile = optarg; break;
		case 'o': outfile = optarg; break;
		case 'N': p.name = optarg; break;
		case 'q': p.quiet = true; break;
		case 'A': p.autoack = false; break;
		case 't': limit = atof(optarg); break;
		default: usage();
		}
	}
	if (keyfile == NULL || pname == NULL || lst == NULL || prim == NULL)
		usage();
	if (fo_key_load(keyfile, &p.key, err, sizeof(err)) < 0)
		die("%s", err);
	p.pid = fo_primary_id(pname);
	if (parse_hostport(prim, &p.prim) < 0 ||
	    parse_hostport(lst, &local) < 0)
		die("bad ADDR:PORT");
	if ((p.held = calloc(MAX_HELD, sizeof(*p.held))) == NULL)
		die("out of memory");
	p.out = stdout;
	if (outfile != NULL && (p.out = fopen(outfile, "a")) == NULL)
		die("%s: %s", outfile, strerror(errno));
	setvbuf(p.out, NULL, _IOLBF, 0);
	if ((p.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		die("socket: %s", strerror(errno));
	setsockopt(p.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	{
		int sz = 8 << 20;

		setsockopt(p.fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
		setsockopt(p.fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	}
	if (bind(p.fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		die("bind %s: %s", lst, strerror(errno));
	if (cmdfile != NULL && (cfd = open(cmdfile, O_RDWR | O_CLOEXEC)) < 0)
		die("%s: %s", cmdfile, strerror(errno));
	p.epoch = now_us();
	fprintf(p.out, "{\"t\":%.6f,\"type\":\"ready\",\"epoch\":%llu}\n",
	    now_f(), (unsigned long long)p.epoch);

	t0 = now_f();
	while (!quit && now_f() - t0 < limit) {
		struct pollfd pfd[2] = {
			{ .fd = p.fd, .events = POLLIN },
			{ .fd = cfd, .events = POLLIN },
		};

		if (poll(pfd, cfd >= 0 ? 2 : 1, 200) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd[0].revents & POLLIN)
			receive(&p);
		if (cfd >= 0 && (pfd[1].revents & POLLIN)) {
			ssize_t n;
			char	*nl;

			n = read(cfd, buf + blen, sizeof(buf) - 1 - blen);
			if (n > 0)
				blen += (size_t)n;
			buf[blen] = '\0';
			while ((nl = strchr(buf, '\n')) != NULL) {
				size_t used = (size_t)(nl + 1 - buf);

				*nl = '\0';
				command(&p, buf, &quit);
				memmove(buf, nl + 1, blen - used);
				blen -= used;
				buf[blen] = '\0';
			}
			if (blen == sizeof(buf) - 1)
				blen = 0;	/* an absurd line: drop it */
		}
	}
	fflush(p.out);
	return 0;
}
