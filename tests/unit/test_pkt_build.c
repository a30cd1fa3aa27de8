/*
 * Unit tests: common/net/pkt_build.c.  The expected checksums were worked out
 * by hand (16-bit one's complement sums written in the comments) and the
 * tests also check the invariant that re-summing a finished header gives 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pkt_build.h"

/*
 * The textbook header 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7:
 * 4500+0073+4000+4011+c0a8+0001+c0a8+00c7 = 0x2479c, folded 0x479e,
 * complemented 0xb861.
 */
static void
cksum_known_header(void **state)
{
	uint8_t	 h[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	(void)state;
	assert_int_equal(pkt_cksum(h, sizeof(h)), 0xb861);
	h[10] = 0xb8;
	h[11] = 0x61;
	assert_int_equal(pkt_cksum(h, sizeof(h)), 0);
}

static void
cksum_odd_and_chained(void **state)
{
	const uint8_t d[5] = { 0x01, 0x02, 0x03, 0x04, 0x05 };
	(void)state;
	/* 0102 + 0304 + 0500 = 0x0906 -> ~ = 0xf6f9 */
	assert_int_equal(pkt_cksum(d, 5), 0xf6f9);
	/* even chunk then odd chunk gives the same as one pass */
	assert_int_equal(pkt_cksum_fold(pkt_cksum_add(pkt_cksum_add(0, d, 2),
	    d + 2, 3)), 0xf6f9);
	assert_int_equal(pkt_cksum(d, 0), 0xffff);
	/* carries fold: ffff + ffff = 0x1fffe -> 0xffff -> ~ = 0 */
	{
		const uint8_t ff[4] = { 0xff, 0xff, 0xff, 0xff };
		assert_int_equal(pkt_cksum(ff, 4), 0);
	}
}

/*
 * 192.0.2.1:67 -> 192.0.2.50:68, TTL 64, payload "dhcp".
 * IP: 4500+0020+0000+0000+4011+c000+0201+c000+0232 = 0x20964 -> 0x0966
 *     -> checksum 0xf699.
 * UDP: pseudo c000+0201+c000+0232+0011+000c, header 0043+0044+000c+0000,
 *     data 6468+6370 = 0x24cbb -> 0x4cbd -> checksum 0xb342.
 */
static const uint8_t vec1[32] = {
	0x45, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11,
	0xf6, 0x99, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x32,
	0x00, 0x43, 0x00, 0x44, 0x00, 0x0c, 0xb3, 0x42,
	'd', 'h', 'c', 'p',
};

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void
build_udp_vector(void **state)
{
	uint8_t	 out[64];
	size_t	 n;
	(void)state;
	memset(out, 0xee, sizeof(out));
	n = pkt_build_ipv4_udp(out, sizeof(out), A(192, 0, 2, 1),
	    A(192, 0, 2, 50), 67, 68, 64, (const uint8_t *)"dhcp", 4);
	assert_int_equal(n, 32);
	assert_memory_equal(out, vec1, sizeof(vec1));
	assert_int_equal(out[32], 0xee);	/* nothing written past the end */
	assert_int_equal(pkt_cksum(out, 20), 0);
}

/*
 * Odd payload "abc", 127.0.0.2:1000 -> 127.0.0.3:2000, TTL 1.
 * IP: 4500+001f+0111+7f00+0002+7f00+0003 = 0x14435 -> 0x4436 -> 0xbbc9.
 * UDP: 7f00+0002+7f00+0003+0011+000b+03e8+07d0+000b+6162+6300 = 0x2ce45
 *     -> 0xce47 -> 0x31b8.
 */
static void
build_udp_odd_payload(void **state)
{
	static const uint8_t exp[31] = {
		0x45, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x01, 0x11,
		0xbb, 0xc9, 0x7f, 0x00, 0x00, 0x02, 0x7f, 0x00, 0x00, 0x03,
		0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0b, 0x31, 0xb8, 'a', 'b', 'c',
	};
	uint8_t	 out[31];
	(void)state;
	assert_int_equal(pkt_build_ipv4_udp(out, sizeof(out), A(127, 0, 0, 2),
	    A(127, 0, 0, 3), 1000, 2000, 1, (const uint8_t *)"abc", 3), 31);
	assert_memory_equal(out, exp, sizeof(exp));
}

/*
 * RFC 768: a checksum that computes to zero is sent as 0xffff.
 * 192.0.2.1:67 -> 192.0.2.50:68 with 2-byte payload 7b1f: the sum is
 * 0x84e0 (pseudo+header) + 0x7b1f = 0xffff, so the checksum would be 0.
 */
static void
build_udp_zero_cksum(void **state)
{
	const uint8_t	 pl[2] = { 0x7b, 0x1f };
	uint8_t		 out[30];
	struct pkt_udp_info ui;
	(void)state;
	assert_int_equal(pkt_build_ipv4_udp(out, sizeof(out), A(192, 0, 2, 1),
	    A(192, 0, 2, 50), 67, 68, 64, pl, 2), 30);
	assert_int_equal(out[26], 0xff);
	assert_int_equal(out[27], 0xff);
	assert_int_equal(pkt_ipv4_udp_parse(out, 30, &ui), PKT_OK);
}

static void
build_udp_limits(void **state)
{
	static uint8_t big[70000];
	uint8_t	 out[40];
	(void)state;
	assert_int_equal(pkt_build_ipv4_udp(out, 31, 1, 2, 3, 4, 5,
	    (const uint8_t *)"dhcp", 4), 0);
	assert_int_equal(pkt_build_ipv4_udp(out, 32, 1, 2, 3, 4, 5,
	    (const uint8_t *)"dhcp", 4), 32);
	assert_int_equal(pkt_build_ipv4_udp(out, 28, 1, 2, 3, 4, 5, NULL, 0),
	    28);
	assert_int_equal(pkt_build_ipv4_udp(big, sizeof(big), 1, 2, 3, 4, 5,
	    big, 65535 - 27), 0);
	assert_int_equal(pkt_build_ipv4_udp(big, sizeof(big), 1, 2, 3, 4, 5,
	    big + 28, 65535 - 28), 65535);
	assert_int_equal(pkt_cksum(big, 20), 0);
}

/* Building in place, the payload already at out + 28, gives the vector. */
static void
build_udp_in_place(void **state)
{
	uint8_t	 out[32];
	(void)state;
	memcpy(out + 28, "dhcp", 4);
	assert_int_equal(pkt_build_ipv4_udp(out, sizeof(out), A(192, 0, 2, 1),
	    A(192, 0, 2, 50), 67, 68, 64, out + 28, 4), 32);
	assert_memory_equal(out, vec1, sizeof(vec1));
	/* and with the payload overlapping the header area */
	memcpy(out, "dhcp", 4);
	assert_int_equal(pkt_build_ipv4_udp(out, sizeof(out), A(192, 0, 2, 1),
	    A(192, 0, 2, 50), 67, 68, 64, out, 4), 32);
	assert_memory_equal(out, vec1, sizeof(vec1));
}

static void
parse_udp_roundtrip(void **state)
{
	struct pkt_udp_info ui;
	uint8_t	 buf[40];
	(void)state;
	assert_int_equal(pkt_ipv4_udp_parse(vec1, sizeof(vec1), &ui), PKT_OK);
	assert_int_equal(ui.src, A(192, 0, 2, 1));
	assert_int_equal(ui.dst, A(192, 0, 2, 50));
	assert_int_equal(ui.sport, 67);
	assert_int_equal(ui.dport, 68);
	assert_int_equal(ui.ttl, 64);
	assert_int_equal(ui.len, 4);
	assert_memory_equal(ui.payload, "dhcp", 4);
	/* Ethernet padding after the IP total length is ignored */
	memcpy(buf, vec1, sizeof(vec1));
	memset(buf + sizeof(vec1), 0, sizeof(buf) - sizeof(vec1));
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), &ui), PKT_OK);
	assert_int_equal(ui.len, 4);
	/* checksum 0 means none was computed: accepted */
	buf[26] = buf[27] = 0;
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(vec1), &ui), PKT_OK);
}

static void
parse_udp_truncated_everywhere(void **state)
{
	size_t	 i;
	(void)state;
	for (i = 0; i < sizeof(vec1); i++)
		assert_int_not_equal(pkt_ipv4_udp_parse(vec1, i, NULL), PKT_OK);
	assert_int_equal(pkt_ipv4_udp_parse(NULL, 0, NULL), PKT_ERR_SHORT);
}

/* Every single-bit error anywhere in the datagram must be rejected. */
static void
parse_udp_every_bitflip(void **state)
{
	uint8_t	 buf[sizeof(vec1)];
	size_t	 i;
	int	 b;
	(void)state;
	for (i = 0; i < sizeof(vec1); i++)
		for (b = 0; b < 8; b++) {
			memcpy(buf, vec1, sizeof(buf));
			buf[i] ^= (uint8_t)(1u << b);
			assert_int_not_equal(pkt_ipv4_udp_parse(buf,
			    sizeof(buf), NULL), PKT_OK);
		}
}

static void
parse_udp_bad_headers(void **state)
{
	uint8_t	 buf[sizeof(vec1)];
	(void)state;
	memcpy(buf, vec1, sizeof(buf));
	buf[0] = 0x65;
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_VERSION);
	buf[0] = 0x44;
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_HDRLEN);
	buf[0] = 0x4f;		/* 60-byte header in a 32-byte packet */
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_SHORT);
	memcpy(buf, vec1, sizeof(buf));
	buf[3] = 19;		/* total length below the header length */
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_TOTLEN);
	memcpy(buf, vec1, sizeof(buf));
	buf[6] = 0x20;		/* MF */
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_FRAGMENT);
	memcpy(buf, vec1, sizeof(buf));
	buf[9] = PKT_PROTO_ICMP;
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_PROTO);
	memcpy(buf, vec1, sizeof(buf));
	buf[25] = 7;		/* UDP length below its header */
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_UDPLEN);
	buf[25] = 13;		/* UDP length beyond the IP datagram */
	assert_int_equal(pkt_ipv4_udp_parse(buf, sizeof(buf), NULL),
	    PKT_ERR_UDPLEN);
	assert_string_equal(pkt_strerror(PKT_ERR_UDPLEN), "bad UDP length");
}

/*
 * Echo request id 0x1234 seq 1, payload 01..08:
 * 0800+0000+1234+0001+0102+0304+0506+0708 = 0x2a49 -> 0xd5b6.
 */
static const uint8_t icmp1[16] = {
	0x08, 0x00, 0xd5, 0xb6, 0x12, 0x34, 0x00, 0x01,
	1, 2, 3, 4, 5, 6, 7, 8,
};

static void
icmp_build_vector(void **state)
{
	const uint8_t pl[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t	 out[16];
	(void)state;
	assert_int_equal(pkt_icmp_echo_build(out, sizeof(out), 0x1234, 1, pl,
	    8), 16);
	assert_memory_equal(out, icmp1, sizeof(icmp1));
	assert_int_equal(pkt_cksum(out, sizeof(out)), 0);
	assert_int_equal(pkt_icmp_echo_build(out, 15, 0x1234, 1, pl, 8), 0);
	assert_int_equal(pkt_icmp_echo_build(out, 8, 7, 9, NULL, 0), 8);
	assert_int_equal(pkt_cksum(out, 8), 0);
}

/*
 * Echo reply 127.0.0.1 -> 127.0.0.1 as a raw socket delivers it: IP header
 * (total 36), ICMP type 0 id 0x1234 seq 1 and the payload above.
 * IP: 4500+0024+4000+4001+7f00+0001+7f00+0001 = 0x1c327 -> 0xc328 -> 0x3cd7.
 * ICMP: the request's sum minus 0800 = 0x2249 -> 0xddb6.
 */
static const uint8_t reply1[36] = {
	0x45, 0x00, 0x00, 0x24, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01,
	0x3c, 0xd7, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0xdd, 0xb6, 0x12, 0x34, 0x00, 0x01,
	1, 2, 3, 4, 5, 6, 7, 8,
};

static void
icmp_parse_reply(void **state)
{
	uint8_t		 type = 99;
	uint16_t	 id = 0, seq = 0;
	(void)state;
	assert_int_equal(pkt_cksum(reply1, 20), 0);
	assert_int_equal(pkt_icmp_echo_parse(reply1, sizeof(reply1), &type,
	    &id, &seq), PKT_OK);
	assert_int_equal(type, PKT_ICMP_ECHO_REPLY);
	assert_int_equal(id, 0x1234);
	assert_int_equal(seq, 1);
	assert_int_equal(pkt_icmp_echo_parse(reply1, sizeof(reply1), NULL,
	    NULL, NULL), PKT_OK);
}

/* A 24-byte IP header (IHL 6, one 4-byte option) is skipped correctly. */
static void
icmp_parse_ip_options(void **state)
{
	uint8_t		 buf[40];
	uint8_t		 type;
	uint16_t	 id, seq, ck;
	(void)state;
	memcpy(buf, reply1, 20);
	buf[0] = 0x46;
	buf[3] = 40;
	buf[20] = 1; buf[21] = 1; buf[22] = 1; buf[23] = 0;	/* NOP NOP NOP EOL */
	buf[10] = buf[11] = 0;
	ck = pkt_cksum(buf, 24);
	buf[10] = ck >> 8;
	buf[11] = ck & 0xff;
	memcpy(buf + 24, reply1 + 20, 16);
	assert_int_equal(pkt_icmp_echo_parse(buf, sizeof(buf), &type, &id,
	    &seq), PKT_OK);
	assert_int_equal(id, 0x1234);
	assert_int_equal(seq, 1);
}

static void
icmp_parse_truncated_everywhere(void **state)
{
	size_t	 i;
	(void)state;
	for (i = 0; i < sizeof(reply1); i++)
		assert_int_not_equal(pkt_icmp_echo_parse(reply1, i, NULL, NULL,
		    NULL), PKT_OK);
	assert_int_equal(pkt_icmp_echo_parse(NULL, 0, NULL, NULL, NULL),
	    PKT_ERR_SHORT);
}

static void
icmp_parse_every_bitflip(void **state)
{
	uint8_t	 buf[sizeof(reply1)];
	size_t	 i;
	int	 b;
	(void)state;
	for (i = 0; i < sizeof(reply1); i++)
		for (b = 0; b < 8; b++) {
			memcpy(buf, reply1, sizeof(buf));
			buf[i] ^= (uint8_t)(1u << b);
			assert_int_not_equal(pkt_icmp_echo_parse(buf,
			    sizeof(buf), NULL, NULL, NULL), PKT_OK);
		}
}

static void
icmp_parse_rejects(void **state)
{
	uint8_t		 buf[sizeof(reply1)];
	uint8_t		 type = 0;
	uint16_t	 ck;
	(void)state;
	/* destination unreachable: type reported, id/seq not */
	memcpy(buf, reply1, sizeof(buf));
	buf[20] = 3;
	buf[22] = buf[23] = 0;
	ck = pkt_cksum(buf + 20, 16);
	buf[22] = ck >> 8;
	buf[23] = ck & 0xff;
	assert_int_equal(pkt_icmp_echo_parse(buf, sizeof(buf), &type, NULL,
	    NULL), PKT_ERR_NOTECHO);
	assert_int_equal(type, 3);
	/* UDP is not ICMP */
	assert_int_equal(pkt_icmp_echo_parse(vec1, sizeof(vec1), NULL, NULL,
	    NULL), PKT_ERR_PROTO);
	/* a bad ICMP checksum */
	memcpy(buf, reply1, sizeof(buf));
	buf[35] ^= 0xff;
	assert_int_equal(pkt_icmp_echo_parse(buf, sizeof(buf), NULL, NULL,
	    NULL), PKT_ERR_CKSUM);
	/* only 4 bytes of ICMP inside a correct IP header */
	memcpy(buf, reply1, 24);
	buf[3] = 24;
	buf[10] = buf[11] = 0;
	ck = pkt_cksum(buf, 20);
	buf[10] = ck >> 8;
	buf[11] = ck & 0xff;
	assert_int_equal(pkt_icmp_echo_parse(buf, sizeof(buf), NULL, NULL,
	    NULL), PKT_ERR_SHORT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cksum_known_header),
		cmocka_unit_test(cksum_odd_and_chained),
		cmocka_unit_test(build_udp_vector),
		cmocka_unit_test(build_udp_odd_payload),
		cmocka_unit_test(build_udp_zero_cksum),
		cmocka_unit_test(build_udp_limits),
		cmocka_unit_test(build_udp_in_place),
		cmocka_unit_test(parse_udp_roundtrip),
		cmocka_unit_test(parse_udp_truncated_everywhere),
		cmocka_unit_test(parse_udp_every_bitflip),
		cmocka_unit_test(parse_udp_bad_headers),
		cmocka_unit_test(icmp_build_vector),
		cmocka_unit_test(icmp_parse_reply),
		cmocka_unit_test(icmp_parse_ip_options),
		cmocka_unit_test(icmp_parse_truncated_everywhere),
		cmocka_unit_test(icmp_parse_every_bitflip),
		cmocka_unit_test(icmp_parse_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
