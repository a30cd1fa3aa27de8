/*
 * IPv4+UDP and ICMP echo, built and parsed byte by byte.  Every multi-byte
 * field is read and written through put16/get16 so the code never depends
 * on the alignment of the caller's buffer or on a packed struct layout.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pkt_build.h"

#define IP_FLAG_MF	0x2000
#define IP_OFFMASK	0x1fff

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

const char *
pkt_strerror(int err)
{
	switch (err) {
	case PKT_OK:		return "ok";
	case PKT_ERR_SHORT:	return "truncated";
	case PKT_ERR_VERSION:	return "not IPv4";
	case PKT_ERR_HDRLEN:	return "bad IP header length";
	case PKT_ERR_TOTLEN:	return "bad IP total length";
	case PKT_ERR_FRAGMENT:	return "IP fragment";
	case PKT_ERR_PROTO:	return "wrong IP protocol";
	case PKT_ERR_CKSUM:	return "bad checksum";
	case PKT_ERR_UDPLEN:	return "bad UDP length";
	case PKT_ERR_NOTECHO:	return "ICMP type is not echo";
	}
	return "unknown error";
}

/*
 * A 32-bit accumulator cannot overflow before 2^16 words of 0xffff, i.e.
 * 128 KB; our callers never pass more than 64 KB, but fold periodically
 * anyway so the helper is safe for any length.
 */
uint32_t
pkt_cksum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += get16(data + i);
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	return sum;
}

uint16_t
pkt_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
pkt_cksum(const uint8_t *data, size_t len)
{
	return pkt_cksum_fold(pkt_cksum_add(0, data, len));
}

/* RFC 768: pseudo-header of source, destination, zero, protocol, UDP length. */
static uint32_t
udp_pseudo_sum(uint32_t src, uint32_t dst, uint16_t ulen)
{
	uint8_t	 ph[12];

	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = PKT_PROTO_UDP;
	put16(ph + 10, ulen);
	return pkt_cksum_add(0, ph, sizeof(ph));
}

size_t
pkt_build_ipv4_udp(uint8_t *out, size_t cap, uint32_t src, uint32_t dst,
    uint16_t sport, uint16_t dport, uint8_t ttl, const uint8_t *payload,
    size_t len)
{
	uint8_t		*ip = out, *udp = out + PKT_IP_HDR_LEN;
	size_t		 total;
	uint16_t	 sum;

	if (len > PKT_IP_MAX - PKT_IP_UDP_HDR_LEN)
		return 0;
	total = PKT_IP_UDP_HDR_LEN + len;
	if (out == NULL || cap < total || (len > 0 && payload == NULL))
		return 0;

	/*
	 * Payload first, with memmove: a caller may build in place, its
	 * payload already sitting at out + 28 (or overlapping it).
	 */
	if (len > 0)
		memmove(udp + PKT_UDP_HDR_LEN, payload, len);

	ip[0] = 0x45;			/* version 4, IHL 5 */
	ip[1] = 0;			/* TOS */
	put16(ip + 2, (uint16_t)total);
	put16(ip + 4, 0);		/* id: never fragmented by us */
	put16(ip + 6, 0);		/* DF clear, offset 0 */
	ip[8] = ttl;
	ip[9] = PKT_PROTO_UDP;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, pkt_cksum(ip, PKT_IP_HDR_LEN));

	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(PKT_UDP_HDR_LEN + len));
	put16(udp + 6, 0);
	sum = pkt_cksum_fold(pkt_cksum_add(
	    udp_pseudo_sum(src, dst, (uint16_t)(PKT_UDP_HDR_LEN + len)),
	    udp, PKT_UDP_HDR_LEN + len));
	/* RFC 768: a computed 0 is sent as all ones; 0 means "no checksum". */
	if (sum == 0)
		sum = 0xffff;
	put16(udp + 6, sum);
	return total;
}

/*
 * Common IPv4 header checks.  On success *hl is the header length and
 * *tot the IP total length, both known to lie within len.
 */
static int
ipv4_check(const uint8_t *buf, size_t len, uint8_t proto, size_t *hl,
    size_t *tot)
{
	size_t	 ihl, total;

	if (len < PKT_IP_HDR_LEN)
		return PKT_ERR_SHORT;
	if ((buf[0] >> 4) != 4)
		return PKT_ERR_VERSION;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < PKT_IP_HDR_LEN)
		return PKT_ERR_HDRLEN;
	if (ihl > len)
		return PKT_ERR_SHORT;
	total = get16(buf + 2);
	if (total < ihl)
		return PKT_ERR_TOTLEN;
	if (total > len)
		return PKT_ERR_SHORT;
	if (get16(buf + 6) & (IP_FLAG_MF | IP_OFFMASK))
		return PKT_ERR_FRAGMENT;
	if (buf[9] != proto)
		return PKT_ERR_PROTO;
	if (pkt_cksum(buf, ihl) != 0)
		return PKT_ERR_CKSUM;
	*hl = ihl;
	*tot = total;
	return PKT_OK;
}

int
pkt_ipv4_udp_parse(const uint8_t *buf, size_t len, struct pkt_udp_info *out)
{
	const uint8_t	*udp;
	size_t		 hl, tot, ulen;
	uint32_t	 src, dst;
	int		 rc;

	if (buf == NULL)
		return PKT_ERR_SHORT;
	if ((rc = ipv4_check(buf, len, PKT_PROTO_UDP, &hl, &tot)) != PKT_OK)
		return rc;
	if (tot - hl < PKT_UDP_HDR_LEN)
		return PKT_ERR_SHORT;
	udp = buf + hl;
	ulen = get16(udp + 4);
	/*
	 * RFC 768 allows IP to carry more than the UDP length says, but a
	 * datagram we built never does; accept it and use the UDP length.
	 */
	if (ulen < PKT_UDP_HDR_LEN || ulen > tot - hl)
		return PKT_ERR_UDPLEN;
	src = get32(buf + 12);
	dst = get32(buf + 16);
	if (get16(udp + 6) != 0 && pkt_cksum_fold(pkt_cksum_add(
	    udp_pseudo_sum(src, dst, (uint16_t)ulen), udp, ulen)) != 0)
		return PKT_ERR_CKSUM;
	if (out != NULL) {
		out->src = src;
		out->dst = dst;
		out->sport = get16(udp);
		out->dport = get16(udp + 2);
		out->ttl = buf[8];
		out->payload = udp + PKT_UDP_HDR_LEN;
		out->len = ulen - PKT_UDP_HDR_LEN;
	}
	return PKT_OK;
}

size_t
pkt_icmp_echo_build(uint8_t *out, size_t cap, uint16_t id, uint16_t seq,
    const uint8_t *payload, size_t len)
{
	size_t	 total;

	if (len > PKT_IP_MAX - PKT_IP_HDR_LEN - PKT_ICMP_ECHO_HDR_LEN)
		return 0;
	total = PKT_ICMP_ECHO_HDR_LEN + len;
	if (out == NULL || cap < total || (len > 0 && payload == NULL))
		return 0;
	if (len > 0)	/* first: the payload may overlap out */
		memmove(out + PKT_ICMP_ECHO_HDR_LEN, payload, len);
	out[0] = PKT_ICMP_ECHO_REQUEST;
	out[1] = 0;
	put16(out + 2, 0);
	put16(out + 4, id);
	put16(out + 6, seq);
	put16(out + 2, pkt_cksum(out, total));
	return total;
}

int
pkt_icmp_echo_parse(const uint8_t *buf, size_t len, uint8_t *type,
    uint16_t *id, uint16_t *seq)
{
	const uint8_t	*icmp;
	size_t		 hl, tot;
	int		 rc;

	if (buf == NULL)
		return PKT_ERR_SHORT;
	if ((rc = ipv4_check(buf, len, PKT_PROTO_ICMP, &hl, &tot)) != PKT_OK)
		return rc;
	if (tot - hl < PKT_ICMP_ECHO_HDR_LEN)
		return PKT_ERR_SHORT;
	icmp = buf + hl;
	if (pkt_cksum(icmp, tot - hl) != 0)
		return PKT_ERR_CKSUM;
	if (type != NULL)
		*type = icmp[0];
	if (icmp[0] != PKT_ICMP_ECHO_REPLY && icmp[0] != PKT_ICMP_ECHO_REQUEST)
		return PKT_ERR_NOTECHO;
	if (icmp[1] != 0)
		return PKT_ERR_NOTECHO;
	if (id != NULL)
		*id = get16(icmp + 4);
	if (seq != NULL)
		*seq = get16(icmp + 6);
	return PKT_OK;
}
