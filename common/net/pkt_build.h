/*
 * Building and parsing IPv4 datagrams by hand: IPv4+UDP around a DHCP
 * payload for the link-layer send path (RFC 2131 4.1, a client without an
 * address), and ICMP echo for the ping check before an address is offered.
 *
 * Pure: no I/O, no globals, no logging.  Addresses and ports are in host
 * byte order like the rest of dhcpfo; the bytes in buffers are wire order.
 */
#ifndef DHCPFO_PKT_BUILD_H
#define DHCPFO_PKT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define PKT_IP_HDR_LEN		20	/* we never emit IP options */
#define PKT_IP_HDR_MAX		60	/* IHL 15 */
#define PKT_UDP_HDR_LEN		8
#define PKT_IP_UDP_HDR_LEN	(PKT_IP_HDR_LEN + PKT_UDP_HDR_LEN)
#define PKT_ICMP_ECHO_HDR_LEN	8
#define PKT_IP_MAX		65535

#define PKT_PROTO_ICMP		1
#define PKT_PROTO_UDP		17

#define PKT_ICMP_ECHO_REPLY	0
#define PKT_ICMP_ECHO_REQUEST	8

/* Parser results; PKT_OK is 0, everything else is a reason to drop. */
enum pkt_err {
	PKT_OK = 0,
	PKT_ERR_SHORT,		/* fewer bytes than a header needs */
	PKT_ERR_VERSION,	/* IP version is not 4 */
	PKT_ERR_HDRLEN,		/* IHL < 5 or beyond the data */
	PKT_ERR_TOTLEN,		/* IP total length < IHL*4 or > what arrived */
	PKT_ERR_FRAGMENT,	/* MF set or offset != 0: not a whole datagram */
	PKT_ERR_PROTO,		/* not the protocol asked for */
	PKT_ERR_CKSUM,		/* IP, ICMP or UDP checksum wrong */
	PKT_ERR_UDPLEN,		/* UDP length disagrees with the IP length */
	PKT_ERR_NOTECHO,	/* ICMP, but neither echo request nor reply */
};

const char	*pkt_strerror(int err);

/*
 * Internet checksum (RFC 1071).  pkt_cksum_add() accumulates 16-bit
 * big-endian words into a 32-bit partial sum; every chunk but the last must
 * have an even length, an odd last byte is padded with zero.
 * pkt_cksum_fold() folds the carries and complements: the result is the
 * value to store big-endian in a checksum field.  Over data that already
 * holds a correct checksum the result is 0.
 */
uint32_t	pkt_cksum_add(uint32_t sum, const uint8_t *data, size_t len);
uint16_t	pkt_cksum_fold(uint32_t sum);
uint16_t	pkt_cksum(const uint8_t *data, size_t len);

/*
 * Writes a 20-byte IPv4 header (id 0, DF clear, no options, TOS 0,
 * protocol UDP) and a UDP header with its RFC 768 checksum over the
 * pseudo-header, then the payload, into out.  Returns the datagram length,
 * or 0 if it does not fit in cap or would exceed 65535 bytes.
 */
size_t		pkt_build_ipv4_udp(uint8_t *out, size_t cap, uint32_t src,
		    uint32_t dst, uint16_t sport, uint16_t dport, uint8_t ttl,
		    const uint8_t *payload, size_t len);

/* What pkt_ipv4_udp_parse() found; payload points into the caller's buffer. */
struct pkt_udp_info {
	uint32_t	 src, dst;
	uint16_t	 sport, dport;
	uint8_t		 ttl;
	const uint8_t	*payload;
	size_t		 len;
};

/*
 * The mirror of pkt_build_ipv4_udp(): checks the IP header (version, IHL,
 * total length against what arrived, not a fragment, header checksum), the
 * UDP length against the IP length and the UDP checksum (0 = none sent).
 * Bytes after the IP total length (Ethernet padding) are ignored.
 */
int		pkt_ipv4_udp_parse(const uint8_t *buf, size_t len,
		    struct pkt_udp_info *out);

/*
 * ICMP echo request (type 8, code 0) without IP header, as written to a
 * SOCK_RAW IPPROTO_ICMP socket.  Returns its length or 0 if cap is short.
 */
size_t		pkt_icmp_echo_build(uint8_t *out, size_t cap, uint16_t id,
		    uint16_t seq, const uint8_t *payload, size_t len);

/*
 * Parses an IPv4 packet as a SOCK_RAW IPPROTO_ICMP socket delivers it: IP
 * header (IHL honoured), then ICMP.  Checks both checksums.  For an echo
 * request or reply sets *type, *id and *seq and returns PKT_OK; any other
 * ICMP type sets only *type and returns PKT_ERR_NOTECHO.  Any output
 * pointer may be NULL.
 */
int		pkt_icmp_echo_parse(const uint8_t *buf, size_t len,
		    uint8_t *type, uint16_t *id, uint16_t *seq);

#endif
