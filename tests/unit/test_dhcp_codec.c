/*
 * Unit tests: common/dhcp/dhcp_codec.c.  Vectors are written in hex; "zN"
 * (decimal, ended by a space) stands for N zero bytes so the 192 bytes of
 * sname/file and the padding stay readable.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dhcp_codec.h"

/* BOOTREQUEST, htype 1, hlen 6, xid 3903f326, secs 3, no addresses. */
#define HDR_REQ								\
	"01 01 06 00" "3903f326" "0003" "0000"				\
	"00000000" "00000000" "00000000" "00000000"			\
	"525400123456 z10 " "z64 " "z128 "
#define COOKIE	"63825363"

/* DHCPDISCOVER as dhclient sends it, padded to 300 bytes. */
static const char discover_hex[] =
	HDR_REQ COOKIE
	"3501 01"				/* 53: DHCPDISCOVER */
	"3d07 01 525400123456"			/* 61: htype 1 + MAC */
	"3204 c000020a"				/* 50: 192.0.2.10 */
	"0c08 74657374686f7374"			/* 12: "testhost" */
	"370d 011c02030f06770c2c2f1a792a"	/* 55: 13 codes */
	"ff" "z16 ";				/* END, pad to 300 */

/* DHCPREQUEST (SELECTING): server id and requested address. */
static const char request_hex[] =
	HDR_REQ COOKIE
	"3501 03"				/* 53: DHCPREQUEST */
	"3d07 01 525400123456"			/* 61 */
	"3204 c000020a"				/* 50: 192.0.2.10 */
	"3604 c0000201"				/* 54: 192.0.2.1 */
	"0c08 74657374686f7374"			/* 12: "testhost" */
	"370d 011c02030f06770c2c2f1a792a"	/* 55 */
	"ff" "z10 ";

/* DHCPDISCOVER relayed: hops 1, broadcast flag, giaddr, option 82. */
static const char relayed_hex[] =
	"01 01 06 01" "a1b2c3d4" "0000" "8000"
	"00000000" "00000000" "00000000" "c6336401"	/* giaddr */
	"020000000007 z10 " "z64 " "z128 " COOKIE
	"3501 01"				/* 53: DHCPDISCOVER */
	"3d07 01 020000000007"			/* 61 */
	"3704 01030f06"				/* 55 */
	"5210 0106 657468302f31"		/* 82: circuit-id "eth0/1" */
	"0206 001122334455"			/*     remote-id */
	"ff" "z23 ";

/* Plain BOOTP request (RFC 951): a boot file name, 64 zero vend bytes. */
static const char bootp_hex[] =
	"01 01 06 00" "00000102" "0004" "0000"
	"c0000214" "00000000" "00000000" "00000000"	/* ciaddr */
	"525400abcdef z10 " "z64 "
	"7078656c696e75782e30 z118 "		/* file "pxelinux.0" */
	"z64 ";

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Decode the mini hex format; fails the test on a malformed vector. */
static size_t
hex2bin(const char *hex, uint8_t *out, size_t cap)
{
	size_t	 n = 0;

	while (*hex != '\0') {
		if (isspace((unsigned char)*hex)) {
			hex++;
			continue;
		}
		if (*hex == 'z') {
			char	*end;
			unsigned long z = strtoul(hex + 1, &end, 10);

			assert_true(end != hex + 1);
			assert_true(*end == '\0' ||
			    isspace((unsigned char)*end));
			assert_true(z <= cap - n);
			memset(out + n, 0, z);
			n += z;
			hex = end;
			continue;
		}
		assert_true(isxdigit((unsigned char)hex[0]) &&
		    isxdigit((unsigned char)hex[1]));
		assert_true(n < cap);
		char pair[3] = { hex[0], hex[1], '\0' };
		out[n++] = (uint8_t)strtoul(pair, NULL, 16);
		hex += 2;
	}
	return n;
}

static struct dhcp_msg *
new_msg(void)
{
	struct dhcp_msg *m = malloc(sizeof(*m));

	assert_non_null(m);
	return m;
}

static void
assert_opt(const struct dhcp_msg *m, uint8_t code, const void *want,
    size_t wantlen)
{
	size_t		 len = 9999;
	const uint8_t	*v = dhcp_opt_get(m, code, &len);

	assert_non_null(v);
	assert_int_equal(len, wantlen);
	assert_memory_equal(v, want, wantlen);
}

/* Decode a mini-hex vector from an exact-size heap copy (ASan sees it). */
static enum dhcp_err
decode_hex(const char *hex, struct dhcp_msg *m, size_t *lenp)
{
	uint8_t		 tmp[5000];
	uint8_t		*buf;
	size_t		 len = hex2bin(hex, tmp, sizeof(tmp));
	enum dhcp_err	 e;

	buf = malloc(len > 0 ? len : 1);
	assert_non_null(buf);
	memcpy(buf, tmp, len);
	e = dhcp_msg_decode(buf, len, m);
	free(buf);
	if (lenp != NULL)
		*lenp = len;
	return e;
}

/* Options present in m, in code order, as a count. */
static unsigned
count_opts(const struct dhcp_msg *m)
{
	unsigned	 n = 0;

	for (unsigned c = 0; c < 256; c++)
		n += dhcp_opt_has(m, (uint8_t)c);
	return n;
}

static void
decode_discover_reads_every_field(void **state)
{
	struct dhcp_msg	*m = new_msg();
	static const uint8_t prl[] = { 1, 28, 2, 3, 15, 6, 119, 12, 44, 47,
	    26, 121, 42 };
	static const uint8_t cid[] = { 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint8_t		 zero[DHCP_FILE_LEN] = { 0 };
	size_t		 len;
	uint32_t	 reqaddr;
	(void)state;

	assert_int_equal(decode_hex(discover_hex, m, &len), DHCP_OK);
	assert_int_equal(len, 300);
	assert_int_equal(m->op, BOOTREQUEST);
	assert_int_equal(m->htype, 1);
	assert_int_equal(m->hlen, 6);
	assert_int_equal(m->hops, 0);
	assert_int_equal(m->xid, 0x3903f326);
	assert_int_equal(m->secs, 3);
	assert_int_equal(m->flags, 0);
	assert_int_equal(m->ciaddr, 0);
	assert_int_equal(m->yiaddr, 0);
	assert_int_equal(m->siaddr, 0);
	assert_int_equal(m->giaddr, 0);
	assert_memory_equal(m->chaddr, mac1, 6);
	assert_memory_equal(m->chaddr + 6, zero, 10);
	assert_memory_equal(m->sname, zero, DHCP_SNAME_LEN);
	assert_memory_equal(m->file, zero, DHCP_FILE_LEN);
	assert_true(m->has_cookie);
	assert_int_equal(m->msg_type, DHCPDISCOVER);
	assert_int_equal(count_opts(m), 5);
	assert_opt(m, DHO_MESSAGE_TYPE, "\x01", 1);
	assert_opt(m, DHO_CLIENT_ID, cid, sizeof(cid));
	assert_opt(m, DHO_HOST_NAME, "testhost", 8);
	assert_opt(m, DHO_PARAM_REQUEST_LIST, prl, sizeof(prl));
	assert_true(dhcp_opt_get_u32(m, DHO_REQUESTED_ADDRESS, &reqaddr));
	assert_int_equal(reqaddr, 0xc000020a);
	assert_false(dhcp_opt_has(m, DHO_PAD));
	assert_false(dhcp_opt_has(m, DHO_END));
	free(m);
}

static void
decode_request_reads_server_id(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint32_t	 a;
	(void)state;

	assert_int_equal(decode_hex(request_hex, m, NULL), DHCP_OK);
	assert_int_equal(m->op, BOOTREQUEST);
	assert_int_equal(m->xid, 0x3903f326);
	assert_int_equal(m->msg_type, DHCPREQUEST);
	assert_int_equal(count_opts(m), 6);
	assert_true(dhcp_opt_get_u32(m, DHO_SERVER_ID, &a));
	assert_int_equal(a, 0xc0000201);
	assert_true(dhcp_opt_get_u32(m, DHO_REQUESTED_ADDRESS, &a));
	assert_int_equal(a, 0xc000020a);
	assert_opt(m, DHO_HOST_NAME, "testhost", 8);
	free(m);
}

static void
decode_relayed_reads_giaddr_and_option_82(void **state)
{
	struct dhcp_msg	*m = new_msg();
	static const uint8_t ri[] = { 1, 6, 'e', 't', 'h', '0', '/', '1',
	    2, 6, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t hw[] = { 2, 0, 0, 0, 0, 7 };
	size_t		 len;
	(void)state;

	assert_int_equal(decode_hex(relayed_hex, m, &len), DHCP_OK);
	assert_int_equal(len, 300);
	assert_int_equal(m->hops, 1);
	assert_int_equal(m->xid, 0xa1b2c3d4);
	assert_int_equal(m->flags, DHCP_BROADCAST_FLAG);
	assert_int_equal(m->giaddr, 0xc6336401);
	assert_int_equal(m->ciaddr, 0);
	assert_memory_equal(m->chaddr, hw, sizeof(hw));
	assert_int_equal(m->msg_type, DHCPDISCOVER);
	assert_int_equal(count_opts(m), 4);
	assert_opt(m, DHO_RELAY_AGENT_INFO, ri, sizeof(ri));
	assert_opt(m, DHO_PARAM_REQUEST_LIST, "\x01\x03\x0f\x06", 4);
	free(m);
}

static void
decode_plain_bootp_has_no_options(void **state)
{
	struct dhcp_msg	*m = new_msg();
	size_t		 len;
	(void)state;

	assert_int_equal(decode_hex(bootp_hex, m, &len), DHCP_OK);
	assert_int_equal(len, 300);
	assert_int_equal(m->op, BOOTREQUEST);
	assert_int_equal(m->xid, 0x102);
	assert_int_equal(m->secs, 4);
	assert_int_equal(m->ciaddr, 0xc0000214);
	assert_string_equal((const char *)m->file, "pxelinux.0");
	assert_int_equal(m->sname[0], 0);
	assert_false(m->has_cookie);
	assert_int_equal(m->msg_type, 0);
	assert_int_equal(count_opts(m), 0);
	assert_int_equal(m->optbuf_len, 0);
	free(m);
}

static void
decode_bootp_without_vend_area_is_accepted(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	assert_int_equal(decode_hex(HDR_REQ, m, NULL), DHCP_OK);
	assert_false(m->has_cookie);
	assert_int_equal(decode_hex(HDR_REQ "638253", m, NULL), DHCP_OK);
	assert_false(m->has_cookie);
	/* RFC 1497 vend area with an unknown leading word: plain BOOTP. */
	assert_int_equal(decode_hex(HDR_REQ "63825364 3501 01 ff", m, NULL),
	    DHCP_OK);
	assert_false(m->has_cookie);
	assert_int_equal(count_opts(m), 0);
	/* Cookie alone: DHCP-style vend area, no options. */
	assert_int_equal(decode_hex(HDR_REQ COOKIE, m, NULL), DHCP_OK);
	assert_true(m->has_cookie);
	assert_int_equal(m->msg_type, 0);
	assert_int_equal(count_opts(m), 0);
	free(m);
}

static void
decode_rfc1048_bootp_keeps_options_without_type(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	assert_int_equal(decode_hex(HDR_REQ COOKIE "0104 ffffff00 ff z55 ", m,
	    NULL), DHCP_OK);
	assert_true(m->has_cookie);
	assert_int_equal(m->msg_type, 0);
	assert_opt(m, DHO_SUBNET_MASK, "\xff\xff\xff\x00", 4);
	free(m);
}

/*
 * Every prefix of a valid packet, copied into an exact-size heap buffer
 * so ASan catches a read past the end: shorter than the fixed header is
 * "short"; 236..239 bytes are plain BOOTP; past the cookie the result is
 * either "option-truncated" or a message whose options are a subset of
 * the full one's, byte for byte.
 */
static void
truncate_vector_at_every_offset(const char *hex)
{
	uint8_t		 full[DHCP_PKT_MAX];
	struct dhcp_msg	*ref = new_msg(), *m = new_msg();
	size_t		 len = hex2bin(hex, full, sizeof(full));

	assert_int_equal(dhcp_msg_decode(full, len, ref), DHCP_OK);
	for (size_t k = 0; k <= len; k++) {
		uint8_t		*buf = malloc(k > 0 ? k : 1);
		enum dhcp_err	 e;

		assert_non_null(buf);
		memcpy(buf, full, k);
		e = dhcp_msg_decode(buf, k, m);
		free(buf);
		if (k < DHCP_FIXED_LEN) {
			assert_int_equal(e, DHCP_ERR_SHORT);
			continue;
		}
		if (e == DHCP_ERR_OPT_TRUNC) {
			assert_true(k > DHCP_FIXED_LEN + DHCP_COOKIE_LEN);
			continue;
		}
		assert_int_equal(e, DHCP_OK);
		assert_int_equal(m->xid, ref->xid);
		assert_int_equal(m->giaddr, ref->giaddr);
		assert_memory_equal(m->chaddr, ref->chaddr, DHCP_CHADDR_LEN);
		assert_int_equal(m->has_cookie, ref->has_cookie &&
		    k >= DHCP_FIXED_LEN + DHCP_COOKIE_LEN);
		assert_true(m->msg_type == 0 || m->msg_type == ref->msg_type);
		for (unsigned c = 0; c < 256; c++) {
			size_t		 l, rl;
			const uint8_t	*v = dhcp_opt_get(m, (uint8_t)c, &l);
			const uint8_t	*rv = dhcp_opt_get(ref, (uint8_t)c,
			    &rl);

			if (v == NULL)
				continue;
			assert_non_null(rv);
			assert_int_equal(l, rl);
			assert_memory_equal(v, rv, l);
		}
		if (k == len)
			assert_int_equal(count_opts(m), count_opts(ref));
	}
	free(ref);
	free(m);
}

static void
truncation_at_every_offset_never_overreads(void **state)
{
	(void)state;
	truncate_vector_at_every_offset(discover_hex);
	truncate_vector_at_every_offset(request_hex);
	truncate_vector_at_every_offset(relayed_hex);
	truncate_vector_at_every_offset(bootp_hex);
	truncate_vector_at_every_offset(HDR_REQ COOKIE
	    "3401 03 3501 01 ff");	/* overloaded, empty sname/file */
}

static void
decode_rejects_short_and_too_long(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		*big = calloc(1, DHCP_PKT_MAX + 1);
	size_t		 len;
	(void)state;

	assert_non_null(big);
	assert_int_equal(dhcp_msg_decode(NULL, 0, m), DHCP_ERR_SHORT);
	assert_int_equal(dhcp_msg_decode(big, DHCP_FIXED_LEN - 1, m),
	    DHCP_ERR_SHORT);
	/* A valid DISCOVER zero-padded to 4096 is fine; 4097 is not. */
	len = hex2bin(discover_hex, big, DHCP_PKT_MAX + 1);
	assert_int_equal(dhcp_msg_decode(big, DHCP_PKT_MAX, m), DHCP_OK);
	assert_int_equal(m->msg_type, DHCPDISCOVER);
	assert_int_equal(dhcp_msg_decode(big, DHCP_PKT_MAX + 1, m),
	    DHCP_ERR_TOO_LONG);
	(void)len;
	free(big);
	free(m);
}

static void
decode_rejects_bad_op_and_hlen(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		 buf[300];
	size_t		 len = hex2bin(discover_hex, buf, sizeof(buf));
	(void)state;

	buf[0] = 7;
	assert_int_equal(dhcp_msg_decode(buf, len, m), DHCP_ERR_OP);
	buf[0] = 0;
	assert_int_equal(dhcp_msg_decode(buf, len, m), DHCP_ERR_OP);
	buf[0] = BOOTREPLY;
	assert_int_equal(dhcp_msg_decode(buf, len, m), DHCP_OK);
	buf[2] = 200;
	assert_int_equal(dhcp_msg_decode(buf, len, m), DHCP_ERR_HLEN);
	buf[2] = 17;
	assert_int_equal(dhcp_msg_decode(buf, len, m), DHCP_ERR_HLEN);
	buf[2] = 16;
	assert_int_equal(dhcp_msg_decode(buf, len, m), DHCP_OK);
	free(m);
}

static void
decode_rejects_option_running_past_area(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	/* Length 16, two bytes left. */
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 01 0c10 6162", m,
	    NULL), DHCP_ERR_OPT_TRUNC);
	/* Code as the last byte, no length. */
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 01 0c", m, NULL),
	    DHCP_ERR_OPT_TRUNC);
	/* Length byte runs exactly to the end: fine (no END needed). */
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 01 0c02 6162", m,
	    NULL), DHCP_OK);
	assert_opt(m, DHO_HOST_NAME, "ab", 2);
	free(m);
}

static void
decode_rejects_bad_overload(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	assert_int_equal(decode_hex(HDR_REQ COOKIE "3401 00 ff", m, NULL),
	    DHCP_ERR_OVERLOAD);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3401 04 ff", m, NULL),
	    DHCP_ERR_OVERLOAD);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3402 0101 ff", m, NULL),
	    DHCP_ERR_OVERLOAD);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3400 ff", m, NULL),
	    DHCP_ERR_OVERLOAD);
	/* Two instances concatenate to two bytes (RFC 3396). */
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3401 01 3401 02 ff", m,
	    NULL), DHCP_ERR_OVERLOAD);
	free(m);
}

/*
 * Option 52 = 3: options field, then file, then sname, concatenated in
 * that order (RFC 2131 4.1, RFC 3396 section 7); 52 inside file is
 * ignored.
 */
static void
decode_overload_concatenates_options_file_sname(void **state)
{
	struct dhcp_msg	*m = new_msg();
	static const char hex[] =
	    "01 01 06 00" "00000001" "0000" "0000"
	    "00000000" "00000000" "00000000" "00000000"
	    "525400123456 z10 "
	    /* sname: 12 "ef", END */
	    "0c02 6566 ff z59 "
	    /* file: 12 "cd", 52 (ignored), 15 "ex", END */
	    "0c02 6364 3401 01 0f02 6578 ff z116 "
	    COOKIE "3501 01 3401 03 0c02 6162 ff";
	uint8_t		 ov;
	(void)state;

	assert_int_equal(decode_hex(hex, m, NULL), DHCP_OK);
	assert_int_equal(m->msg_type, DHCPDISCOVER);
	assert_opt(m, DHO_HOST_NAME, "abcdef", 6);
	assert_opt(m, DHO_DOMAIN_NAME, "ex", 2);
	ov = OVERLOAD_BOTH;
	assert_opt(m, DHO_OVERLOAD, &ov, 1);
	/* sname/file stay as they arrived. */
	assert_int_equal(m->sname[0], 0x0c);
	assert_int_equal(m->file[0], 0x0c);
	free(m);
}

static void
decode_overload_file_only_ignores_sname(void **state)
{
	struct dhcp_msg	*m = new_msg();
	static const char hex[] =
	    "01 01 06 00" "00000001" "0000" "0000"
	    "00000000" "00000000" "00000000" "00000000"
	    "525400123456 z10 "
	    "0f02 6566 ff z59 "			/* sname: not options */
	    "0c02 6364 z124 "			/* file: no END */
	    COOKIE "3501 01 3401 01 ff";
	static const char trunc[] =
	    "01 01 06 00" "00000001" "0000" "0000"
	    "00000000" "00000000" "00000000" "00000000"
	    "525400123456 z10 " "z64 "
	    "z126 0c05 "			/* file: runs past its end */
	    COOKIE "3501 01 3401 01 ff";
	static const char sname_trunc[] =
	    "01 01 06 00" "00000001" "0000" "0000"
	    "00000000" "00000000" "00000000" "00000000"
	    "525400123456 z10 " "z62 0c05 " "z128 "
	    COOKIE "3501 01 3401 02 ff";
	(void)state;

	assert_int_equal(decode_hex(hex, m, NULL), DHCP_OK);
	assert_opt(m, DHO_HOST_NAME, "cd", 2);
	assert_false(dhcp_opt_has(m, DHO_DOMAIN_NAME));
	assert_int_equal(decode_hex(trunc, m, NULL), DHCP_ERR_OPT_TRUNC);
	assert_int_equal(decode_hex(sname_trunc, m, NULL),
	    DHCP_ERR_OPT_TRUNC);
	free(m);
}

static void
decode_rejects_bad_message_type(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	assert_int_equal(decode_hex(HDR_REQ COOKIE "3502 0101 ff", m, NULL),
	    DHCP_ERR_MSGTYPE);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3500 ff", m, NULL),
	    DHCP_ERR_MSGTYPE);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 00 ff", m, NULL),
	    DHCP_ERR_MSGTYPE);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 09 ff", m, NULL),
	    DHCP_ERR_MSGTYPE);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 01 3501 01 ff", m,
	    NULL), DHCP_ERR_MSGTYPE);
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 08 ff", m, NULL),
	    DHCP_OK);
	assert_int_equal(m->msg_type, DHCPINFORM);
	free(m);
}

/* RFC 3396: three instances of one code, interleaved with others. */
static void
decode_concatenates_split_option(void **state)
{
	char		*hex = malloc(8192);
	uint8_t		 want[600];
	struct dhcp_msg	*m = new_msg();
	size_t		 n;
	(void)state;

	assert_non_null(hex);
	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7);
	n = (size_t)snprintf(hex, 8192, "%s%s3501 01 2bff", HDR_REQ,
	    COOKIE);
	for (size_t i = 0; i < 255; i++)
		n += (size_t)snprintf(hex + n, 8192 - n, "%02x", want[i]);
	n += (size_t)snprintf(hex + n, 8192 - n, " 0c01 61 2bff");
	for (size_t i = 255; i < 510; i++)
		n += (size_t)snprintf(hex + n, 8192 - n, "%02x", want[i]);
	n += (size_t)snprintf(hex + n, 8192 - n, " 0c01 62 00 2b5a");
	for (size_t i = 510; i < 600; i++)
		n += (size_t)snprintf(hex + n, 8192 - n, "%02x", want[i]);
	snprintf(hex + n, 8192 - n, " ff");

	assert_int_equal(decode_hex(hex, m, NULL), DHCP_OK);
	assert_opt(m, 43, want, sizeof(want));
	assert_opt(m, DHO_HOST_NAME, "ab", 2);
	free(hex);
	free(m);
}

static void
decode_all_pad_area_has_no_options(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	assert_int_equal(decode_hex(HDR_REQ COOKIE "z60 ", m, NULL), DHCP_OK);
	assert_true(m->has_cookie);
	assert_int_equal(m->msg_type, 0);
	assert_int_equal(count_opts(m), 0);
	free(m);
}

static void
decode_accepts_missing_end(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	assert_int_equal(decode_hex(HDR_REQ COOKIE
	    "3501 03 3204 c000020a 3d07 01525400123456", m, NULL), DHCP_OK);
	assert_int_equal(m->msg_type, DHCPREQUEST);
	assert_int_equal(count_opts(m), 3);
	free(m);
}

static void
decode_ignores_bytes_after_end(void **state)
{
	struct dhcp_msg	*m = new_msg();
	(void)state;

	/* After END: another 53 and an option that would run past. */
	assert_int_equal(decode_hex(HDR_REQ COOKIE "3501 01 ff 3501 05 0cff",
	    m, NULL), DHCP_OK);
	assert_int_equal(m->msg_type, DHCPDISCOVER);
	assert_int_equal(count_opts(m), 1);
	free(m);
}

static void
err_names_are_stable(void **state)
{
	static const char *const want[] = { "ok", "short", "too-long",
	    "bad-op", "bad-hlen", "bad-cookie", "option-truncated",
	    "bad-overload", "bad-message-type", "no-space" };
	(void)state;

	assert_int_equal(DHCP_ERR_COUNT, 10);
	for (int i = 0; i < DHCP_ERR_COUNT; i++)
		assert_string_equal(dhcp_err_name((enum dhcp_err)i), want[i]);
	assert_string_equal(dhcp_err_name(DHCP_ERR_COUNT), "unknown");
	assert_string_equal(dhcp_err_name((enum dhcp_err)-1), "unknown");
}

static void
opt_get_fixed_width_requires_exact_length(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint32_t	 u32 = 0;
	uint16_t	 u16 = 0;
	size_t		 len = 99;
	(void)state;

	dhcp_msg_init(m);
	assert_false(dhcp_opt_get_u32(m, DHO_LEASE_TIME, &u32));
	assert_null(dhcp_opt_get(m, DHO_LEASE_TIME, &len));
	assert_true(dhcp_opt_set_u32(m, DHO_LEASE_TIME, 3600));
	assert_true(dhcp_opt_get_u32(m, DHO_LEASE_TIME, &u32));
	assert_int_equal(u32, 3600);
	assert_opt(m, DHO_LEASE_TIME, "\x00\x00\x0e\x10", 4);
	assert_false(dhcp_opt_get_u16(m, DHO_LEASE_TIME, &u16));
	assert_true(dhcp_opt_set(m, DHO_LEASE_TIME, "\1\2\3", 3));
	assert_false(dhcp_opt_get_u32(m, DHO_LEASE_TIME, &u32));
	assert_true(dhcp_opt_set(m, DHO_LEASE_TIME, "\1\2\3\4\5", 5));
	assert_false(dhcp_opt_get_u32(m, DHO_LEASE_TIME, &u32));

	assert_true(dhcp_opt_set_u16(m, DHO_MAX_MESSAGE_SIZE, 1500));
	assert_true(dhcp_opt_get_u16(m, DHO_MAX_MESSAGE_SIZE, &u16));
	assert_int_equal(u16, 1500);
	assert_opt(m, DHO_MAX_MESSAGE_SIZE, "\x05\xdc", 2);
	assert_true(dhcp_opt_set_u8(m, DHO_MAX_MESSAGE_SIZE, 1));
	assert_false(dhcp_opt_get_u16(m, DHO_MAX_MESSAGE_SIZE, &u16));

	/* Present but empty differs from absent. */
	assert_true(dhcp_opt_set(m, 80, NULL, 0));
	assert_non_null(dhcp_opt_get(m, 80, &len));
	assert_int_equal(len, 0);
	assert_true(dhcp_opt_has(m, 80));
	dhcp_opt_unset(m, 80);
	assert_false(dhcp_opt_has(m, 80));
	free(m);
}

static void
opt_set_replaces_and_tracks_message_type(void **state)
{
	struct dhcp_msg	*m = new_msg();
	const uint8_t	*v;
	size_t		 len;
	(void)state;

	dhcp_msg_init(m);
	assert_false(dhcp_opt_set_u8(m, DHO_PAD, 1));
	assert_false(dhcp_opt_set_u8(m, DHO_END, 1));
	assert_false(dhcp_opt_set(m, DHO_MESSAGE_TYPE, "\x02\x02", 2));
	assert_false(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, 0));
	assert_false(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, 9));
	assert_int_equal(m->msg_type, 0);
	assert_true(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, DHCPOFFER));
	assert_int_equal(m->msg_type, DHCPOFFER);
	assert_true(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, DHCPACK));
	assert_int_equal(m->msg_type, DHCPACK);
	dhcp_opt_unset(m, DHO_MESSAGE_TYPE);
	assert_int_equal(m->msg_type, 0);

	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, "longername", 10));
	assert_true(dhcp_opt_set(m, DHO_DOMAIN_NAME, "example.org", 11));
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, "short", 5));
	assert_opt(m, DHO_HOST_NAME, "short", 5);
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, "a-much-longer-name", 18));
	assert_opt(m, DHO_HOST_NAME, "a-much-longer-name", 18);
	assert_opt(m, DHO_DOMAIN_NAME, "example.org", 11);

	/* The value may come from the message itself. */
	v = dhcp_opt_get(m, DHO_DOMAIN_NAME, &len);
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, v, len));
	assert_opt(m, DHO_HOST_NAME, "example.org", 11);
	free(m);
}

/*
 * Dead bytes from replaced values are reclaimed by compaction when optbuf
 * runs out; a value that cannot fit even then leaves the message as it
 * was.
 */
static void
opt_set_compacts_then_fails_without_change(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		*a = malloc(DHCP_PKT_MAX + 1);
	uint8_t		*b = malloc(1000);
	(void)state;

	assert_non_null(a);
	assert_non_null(b);
	memset(a, 'a', DHCP_PKT_MAX + 1);
	memset(b, 'b', 1000);
	dhcp_msg_init(m);
	assert_true(dhcp_opt_set(m, 43, a, 100));
	assert_true(dhcp_opt_set(m, 43, a, 2000));	/* 100 dead */
	assert_true(dhcp_opt_set(m, 44, b, 1000));
	assert_int_equal(m->optbuf_len, 3100);
	assert_true(dhcp_opt_set(m, 43, a, 2500));	/* needs compaction */
	assert_int_equal(m->optbuf_len, 3500);
	assert_opt(m, 43, a, 2500);
	assert_opt(m, 44, b, 1000);

	assert_false(dhcp_opt_set(m, 45, b, 1000));
	assert_false(dhcp_opt_has(m, 45));
	assert_opt(m, 43, a, 2500);
	assert_opt(m, 44, b, 1000);
	assert_false(dhcp_opt_set(m, 46, a, DHCP_PKT_MAX + 1));

	/* Shrinking the last value gives its tail back. */
	assert_true(dhcp_opt_set(m, 43, a, 10));
	assert_int_equal(m->optbuf_len, 1010);
	assert_opt(m, 43, a, 10);
	assert_true(dhcp_opt_set(m, 45, b, 1000));
	assert_opt(m, 44, b, 1000);
	assert_opt(m, 45, b, 1000);
	dhcp_opt_unset(m, 45);
	assert_int_equal(m->optbuf_len, 1010);
	free(a);
	free(b);
	free(m);
}

/* Codes of the options in an encoded message, in wire order. */
static size_t
wire_codes(const uint8_t *out, size_t len, uint8_t *codes, size_t cap)
{
	size_t	 i = DHCP_FIXED_LEN + DHCP_COOKIE_LEN, n = 0;

	while (i < len) {
		assert_true(n < cap);
		codes[n++] = out[i];
		if (out[i] == DHO_END)
			break;
		assert_true(out[i] != DHO_PAD);
		assert_true(i + 1 < len);
		i += 2 + out[i + 1];
	}
	return n;
}

static void
build_offer(struct dhcp_msg *m)
{
	dhcp_msg_init(m);
	m->op = BOOTREPLY;
	m->htype = 1;
	m->hlen = 6;
	m->xid = 0x3903f326;
	m->flags = DHCP_BROADCAST_FLAG;
	m->yiaddr = 0xc000020a;
	m->siaddr = 0xc0000201;
	memcpy(m->chaddr, mac1, sizeof(mac1));
	assert_true(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, DHCPOFFER));
	assert_true(dhcp_opt_set_u32(m, DHO_SERVER_ID, 0xc0000201));
}

static void
encode_orders_by_prl_and_writes_header(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], codes[32];
	static const uint8_t order[] = { 6, 3, 53, 6, 0, 255, 54, 1 };
	static const uint8_t want[] = { 53, 54, 6, 3, 1, 15, 51, 255 };
	size_t		 len, n;
	unsigned	 dropped = 99;
	(void)state;

	build_offer(m);
	assert_true(dhcp_opt_set_u32(m, DHO_LEASE_TIME, 3600));
	assert_true(dhcp_opt_set(m, DHO_DOMAIN_NAME, "example.org", 11));
	assert_true(dhcp_opt_set_u32(m, DHO_SUBNET_MASK, 0xffffff00));
	assert_true(dhcp_opt_set_u32(m, DHO_ROUTERS, 0xc0000201));
	assert_true(dhcp_opt_set(m, DHO_DNS_SERVERS,
	    "\xc0\x00\x02\x35\xc0\x00\x02\x36", 8));
	assert_int_equal(dhcp_msg_encode(m, order, sizeof(order), 548, out,
	    sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(len, DHCP_MIN_REPLY);
	n = wire_codes(out, len, codes, sizeof(codes));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));

	/* Fixed header, byte for byte. */
	assert_memory_equal(out, "\x02\x01\x06\x00\x39\x03\xf3\x26"
	    "\x00\x00\x80\x00" "\0\0\0\0" "\xc0\x00\x02\x0a"
	    "\xc0\x00\x02\x01" "\0\0\0\0", 28);
	assert_memory_equal(out + 28, mac1, sizeof(mac1));
	assert_memory_equal(out + 236, "\x63\x82\x53\x63", 4);
	assert_memory_equal(out + 240, "\x35\x01\x02\x36\x04\xc0\x00\x02\x01",
	    9);
	free(m);
}

static void
encode_puts_option_82_last(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], codes[32];
	static const uint8_t order[] = { 82, 1 };
	static const uint8_t want[] = { 53, 54, 1, 200, 82, 255 };
	size_t		 len, n;
	(void)state;

	build_offer(m);
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO,
	    "\x01\x06" "eth0/1", 8));
	assert_true(dhcp_opt_set_u8(m, 200, 1));
	assert_true(dhcp_opt_set_u32(m, DHO_SUBNET_MASK, 0xffffff00));
	assert_int_equal(dhcp_msg_encode(m, order, sizeof(order), 548, out,
	    sizeof(out), &len, NULL), DHCP_OK);
	n = wire_codes(out, len, codes, sizeof(codes));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
	free(m);
}

static void
encode_ends_and_pads_to_300(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], zero[DHCP_MIN_REPLY] = { 0 };
	size_t		 len;
	(void)state;

	dhcp_msg_init(m);
	m->op = BOOTREPLY;
	assert_true(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, DHCPNAK));
	memset(out, 0xee, sizeof(out));
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, sizeof(out),
	    &len, NULL), DHCP_OK);
	assert_int_equal(len, DHCP_MIN_REPLY);
	assert_memory_equal(out + 240, "\x35\x01\x06\xff", 4);
	assert_memory_equal(out + 244, zero, DHCP_MIN_REPLY - 244);
	assert_int_equal(out[DHCP_MIN_REPLY], 0xee);

	/* No padding beyond the cap, even below 300. */
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 260, out, sizeof(out),
	    &len, NULL), DHCP_OK);
	assert_int_equal(len, 260);
	free(m);
}

static void
encode_splits_long_option(void **state)
{
	struct dhcp_msg	*m = new_msg(), *d = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], val[600];
	size_t		 len, p = 240 + 3 + 6;
	(void)state;

	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (uint8_t)(i ^ 0x5a);
	build_offer(m);
	assert_true(dhcp_opt_set(m, 43, val, sizeof(val)));
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 1500, out, sizeof(out),
	    &len, NULL), DHCP_OK);
	assert_int_equal(len, p + 2 + 255 + 2 + 255 + 2 + 90 + 1);
	assert_int_equal(out[p], 43);
	assert_int_equal(out[p + 1], 255);
	assert_memory_equal(out + p + 2, val, 255);
	p += 257;
	assert_int_equal(out[p], 43);
	assert_int_equal(out[p + 1], 255);
	assert_memory_equal(out + p + 2, val + 255, 255);
	p += 257;
	assert_int_equal(out[p], 43);
	assert_int_equal(out[p + 1], 90);
	assert_memory_equal(out + p + 2, val + 510, 90);
	assert_int_equal(out[p + 92], DHO_END);

	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_opt(d, 43, val, sizeof(val));
	free(m);
	free(d);
}

/*
 * With a 300-byte cap: 240 header+cookie, 53 (3), 54 (6), and 82 (22)
 * plus END (1) reserved leave 28 bytes; 1, 3 and 6 fit, 15 does not.
 */
static void
encode_drops_what_exceeds_max_len_keeping_53_54_82(void **state)
{
	struct dhcp_msg	*m = new_msg(), *d = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], dom[200], ri[20], codes[32];
	static const uint8_t order[] = { 1, 3, 15, 6 };
	static const uint8_t want[] = { 53, 54, 1, 3, 6, 82, 255 };
	size_t		 len, n;
	unsigned	 dropped = 0;
	(void)state;

	memset(dom, 'x', sizeof(dom));
	memset(ri, 'r', sizeof(ri));
	build_offer(m);
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO, ri, sizeof(ri)));
	assert_true(dhcp_opt_set_u32(m, DHO_SUBNET_MASK, 0xffffff00));
	assert_true(dhcp_opt_set_u32(m, DHO_ROUTERS, 0xc0000201));
	assert_true(dhcp_opt_set(m, DHO_DOMAIN_NAME, dom, sizeof(dom)));
	assert_true(dhcp_opt_set_u32(m, DHO_DNS_SERVERS, 0xc0000235));
	assert_int_equal(dhcp_msg_encode(m, order, sizeof(order), 300, out,
	    sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 1);
	assert_true(len <= 300);
	n = wire_codes(out, len, codes, sizeof(codes));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(codes, want, sizeof(want));
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_opt(d, DHO_RELAY_AGENT_INFO, ri, sizeof(ri));
	assert_false(dhcp_opt_has(d, DHO_DOMAIN_NAME));

	/*
	 * END is reserved too: 240 + 53 (3) + 12 (52) leaves none for it.
	 * sname and file are in use, so 12 cannot be overloaded there.
	 */
	dhcp_msg_init(d);
	d->op = BOOTREPLY;
	memcpy(d->sname, "srv", 3);
	memcpy(d->file, "boot/x", 6);
	assert_true(dhcp_opt_set_u8(d, DHO_MESSAGE_TYPE, DHCPACK));
	assert_true(dhcp_opt_set(d, DHO_HOST_NAME, dom, 50));
	assert_int_equal(dhcp_msg_encode(d, NULL, 0, 295, out, sizeof(out),
	    &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 1);
	assert_int_equal(len, 295);
	assert_int_equal(out[243], DHO_END);
	assert_memory_equal(out + 44, "srv", 4);
	assert_memory_equal(out + 108, "boot/x", 7);
	assert_int_equal(dhcp_msg_encode(d, NULL, 0, 296, out, sizeof(out),
	    &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(out[295], DHO_END);

	/* With file unused, 12 goes there instead (option 52 = 1). */
	memset(d->file, 0, sizeof(d->file));
	assert_int_equal(dhcp_msg_encode(d, NULL, 0, 295, out, sizeof(out),
	    &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(len, 295);
	assert_memory_equal(out + 243, "\x34\x01\x01\xff", 4);
	assert_int_equal(out[108], DHO_HOST_NAME);
	assert_int_equal(out[109], 50);
	assert_int_equal(out[108 + 52], DHO_END);

	/* outcap, not max_len, is the tighter bound here. */
	assert_int_equal(dhcp_msg_encode(m, order, sizeof(order), 1500, out,
	    300, &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 1);
	assert_true(len <= 300);
	free(m);
	free(d);
}

static void
encode_fails_nospace_when_53_54_82_do_not_fit(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], ri[20];
	size_t		 len;
	unsigned	 dropped;
	(void)state;

	memset(ri, 'r', sizeof(ri));
	build_offer(m);
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO, ri, sizeof(ri)));
	/* 240 + 3 + 6 + 22 + 1 = 272 needed. */
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, 271, &len,
	    &dropped), DHCP_ERR_NOSPACE);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 271, out, sizeof(out),
	    &len, &dropped), DHCP_ERR_NOSPACE);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, 272, &len,
	    &dropped), DHCP_OK);
	assert_int_equal(len, 272);
	/* Not even 53 fits once 82 and END are reserved. */
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, 265, &len,
	    &dropped), DHCP_ERR_NOSPACE);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, 100, &len,
	    &dropped), DHCP_ERR_NOSPACE);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, NULL, 0, &len,
	    &dropped), DHCP_ERR_NOSPACE);
	/* Without 82: 53 and END fit in 249 bytes, 54 does not. */
	dhcp_opt_unset(m, DHO_RELAY_AGENT_INFO);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, 249, &len,
	    &dropped), DHCP_ERR_NOSPACE);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, 250, &len,
	    &dropped), DHCP_OK);
	free(m);
}

/*
 * A 52 set in the message is not sent: the encoder decides overloading
 * itself.  Everything fits here, so file (in use) goes out as it is.
 */
static void
encode_ignores_callers_option_52(void **state)
{
	struct dhcp_msg	*m = new_msg(), *d = new_msg();
	uint8_t		 out[DHCP_PKT_MAX];
	size_t		 len;
	(void)state;

	build_offer(m);
	m->file[0] = 0x0c;		/* would be an option if overloaded */
	assert_true(dhcp_opt_set_u8(m, DHO_OVERLOAD, OVERLOAD_FILE));
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, sizeof(out),
	    &len, NULL), DHCP_OK);
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_false(dhcp_opt_has(d, DHO_OVERLOAD));
	assert_int_equal(d->file[0], 0x0c);
	free(m);
	free(d);
}

/*
 * Overloaded sname or file: the codes up to END (included), in wire
 * order; everything after END must be PAD (RFC 2132 9.3).
 */
static size_t
field_codes(const uint8_t *p, size_t n, uint8_t *codes, size_t cap)
{
	size_t	 i = 0, k = 0;

	while (i < n) {
		assert_true(k < cap);
		codes[k++] = p[i];
		if (p[i++] == DHO_END)
			break;
		assert_true(p[i - 1] != DHO_PAD);
		assert_true(i < n);
		i += 1 + (size_t)p[i];
		assert_true(i <= n);
	}
	assert_true(k > 0);
	assert_int_equal(codes[k - 1], DHO_END);
	for (; i < n; i++)
		assert_int_equal(p[i], DHO_PAD);
	return k;
}

/*
 * d holds m's options, value for value, except 52 and `missing`; returns
 * how many of m's options d lacks.
 */
static unsigned
assert_same_opts(const struct dhcp_msg *m, const struct dhcp_msg *d,
    uint8_t missing)
{
	unsigned	 lost = 0;

	for (unsigned c = 0; c < 256; c++) {
		size_t		 ml, dl;
		const uint8_t	*mv = dhcp_opt_get(m, (uint8_t)c, &ml);
		const uint8_t	*dv = dhcp_opt_get(d, (uint8_t)c, &dl);

		if (c == DHO_OVERLOAD)
			continue;
		if (mv == NULL) {
			assert_null(dv);
			continue;
		}
		if (dv == NULL) {
			assert_int_equal(c, missing);
			lost++;
			continue;
		}
		assert_int_equal(dl, ml);
		assert_memory_equal(dv, mv, ml);
	}
	return lost;
}

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* The client's parameter request list of the overload tests. */
static const uint8_t big_prl[] = { 1, 3, 6, 15, 51, 58, 59, 66, 67, 119,
    121, 43 };

/*
 * An ACK with a boot file, search list, classless routes and vendor
 * options: 387 bytes of optional options plus 82 (12), so without
 * overloading it needs 240 + 3 + 6 + 387 + 12 + 1 = 649 bytes.  Under
 * max_len 548 the options field has 548 - 240 - 3 - 6 - 12 - 1 = 286
 * bytes for them, 283 once 52 is reserved: 1 .. 119 take 233, 121 (102)
 * goes to file, 43 (52) to sname.
 */
static void
build_big_ack(struct dhcp_msg *m)
{
	uint8_t		 v[120];

	build_offer(m);
	assert_true(dhcp_opt_set_u8(m, DHO_MESSAGE_TYPE, DHCPACK));
	assert_true(dhcp_opt_set_u32(m, DHO_SUBNET_MASK, 0xffffff00));
	assert_true(dhcp_opt_set(m, DHO_ROUTERS,
	    "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8));
	assert_true(dhcp_opt_set(m, DHO_DNS_SERVERS,
	    "\xc0\x00\x02\x35\xc0\x00\x02\x36\xc0\x00\x02\x37", 12));
	assert_true(dhcp_opt_set(m, DHO_DOMAIN_NAME, "example.org", 11));
	assert_true(dhcp_opt_set_u32(m, DHO_LEASE_TIME, 3600));
	assert_true(dhcp_opt_set_u32(m, DHO_RENEWAL_TIME, 1800));
	assert_true(dhcp_opt_set_u32(m, DHO_REBINDING_TIME, 3150));
	assert_true(dhcp_opt_set(m, 66, "tftp.example.org", 16));
	assert_true(dhcp_opt_set(m, 67, "efi/x86_64/grub/shimx64.efi-"
	    "signed-by-the-build-farm-v000001", 60));
	/* 119: lab1 .. lab5.example.org, 18 bytes each (NUL: root). */
	for (size_t k = 0; k < 5; k++) {
		memcpy(v + 18 * k, "\x04lab1\x07" "example\x03org", 18);
		v[18 * k + 4] = (uint8_t)('1' + k);
	}
	assert_true(dhcp_opt_set(m, 119, v, 90));
	/* 121: 198.51.k.0/24 (k < 11), 172.16/16, default; 100 bytes. */
	for (size_t k = 0; k < 11; k++) {
		memcpy(v + 8 * k, "\x18\xc6\x33\x00\xc0\x00\x02\x01", 8);
		v[8 * k + 3] = (uint8_t)k;
	}
	memcpy(v + 88, "\x10\xac\x10\xc0\x00\x02\x02" "\x00\xc0\x00\x02\x01",
	    12);
	assert_true(dhcp_opt_set(m, 121, v, 100));
	fill(v, 50, 0x33);
	assert_true(dhcp_opt_set(m, 43, v, 50));
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO,
	    "\x01\x08" "eth0/1/2", 10));
}

/*
 * The encoding of build_big_ack under max_len 548, byte for byte: 52 = 3
 * after 53 and 54, 121 in file, 43 in sname, each field ended by END and
 * padded, 82 last in the options field.  Checked by decoders nobody here
 * wrote: tcpdump 4.99.3 -vvv (the options field, and file and sname
 * re-framed as options areas), and BusyBox 1.35 udhcpc, which took this
 * reply (xid, chaddr and 53 patched) as OFFER and ACK and gave its script
 * every value, staticroutes from file and opt43 from sname included.
 */
static const char big_ack_hex[] =
	"02 01 06 00" "3903f326" "0000" "8000"
	"00000000" "c000020a" "c0000201" "00000000"
	"525400123456 z10 "
	/* sname: 43 (50 bytes), END, PAD */
	"2b32 333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4"
	"dbe2e9f0f7fe050c131a21282f363d444b525960676e757c" "838a"
	"ff z11 "
	/* file: 121 (100 bytes), END, PAD */
	"7964"
	"18c63300 c0000201 18c63301 c0000201"
	"18c63302 c0000201 18c63303 c0000201"
	"18c63304 c0000201 18c63305 c0000201"
	"18c63306 c0000201 18c63307 c0000201"
	"18c63308 c0000201 18c63309 c0000201"
	"18c6330a c0000201"
	"10ac10 c0000202" "00 c0000201"
	"ff z25 "
	COOKIE
	"3501 05"				/* 53: DHCPACK */
	"3604 c0000201"				/* 54 */
	"3401 03"				/* 52: file and sname */
	"0104 ffffff00"				/* 1 */
	"0308 c0000201 c0000202"		/* 3 */
	"060c c0000235 c0000236 c0000237"	/* 6 */
	"0f0b 6578616d706c652e6f7267"		/* 15: "example.org" */
	"3304 00000e10"				/* 51: 3600 */
	"3a04 00000708"				/* 58: 1800 */
	"3b04 00000c4e"				/* 59: 3150 */
	"4210 746674702e6578616d706c652e6f7267"	/* 66 */
	"433c 6566692f7838365f36342f677275622f7368696d7836342e"	/* 67 */
	"6566692d7369676e65642d62792d7468652d6275696c642d"
	"6661726d2d76303030303031"
	"775a"					/* 119 */
	"04 6c616231 07 6578616d706c65 03 6f7267 00"	/* lab1 */
	"04 6c616232 07 6578616d706c65 03 6f7267 00"	/* lab2 */
	"04 6c616233 07 6578616d706c65 03 6f7267 00"	/* lab3 */
	"04 6c616234 07 6578616d706c65 03 6f7267 00"	/* lab4 */
	"04 6c616235 07 6578616d706c65 03 6f7267 00"	/* lab5 */
	"520a 0108 657468302f312f32"		/* 82: circuit-id */
	"ff";					/* END; 498 bytes */

static void
encode_overloads_file_then_sname(void **state)
{
	struct dhcp_msg	*m = new_msg(), *d = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], want[DHCP_PKT_MAX];
	uint8_t		 codes[32];
	static const uint8_t main_want[] = { 53, 54, 52, 1, 3, 6, 15, 51,
	    58, 59, 66, 67, 119, 82, 255 };
	static const uint8_t file_want[] = { 121, 255 };
	static const uint8_t sname_want[] = { 43, 255 };
	size_t		 len, n;
	unsigned	 dropped = 99;
	(void)state;

	build_big_ack(m);
	assert_int_equal(dhcp_msg_encode(m, big_prl, sizeof(big_prl), 548,
	    out, sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(len, 498);
	assert_memory_equal(out + 240, "\x35\x01\x05" "\x36\x04\xc0\x00\x02\x01"
	    "\x34\x01\x03", 12);
	n = wire_codes(out, len, codes, sizeof(codes));
	assert_int_equal(n, sizeof(main_want));
	assert_memory_equal(codes, main_want, sizeof(main_want));
	n = field_codes(out + 108, DHCP_FILE_LEN, codes, sizeof(codes));
	assert_int_equal(n, sizeof(file_want));
	assert_memory_equal(codes, file_want, sizeof(file_want));
	n = field_codes(out + 44, DHCP_SNAME_LEN, codes, sizeof(codes));
	assert_int_equal(n, sizeof(sname_want));
	assert_memory_equal(codes, sname_want, sizeof(sname_want));

	n = hex2bin(big_ack_hex, want, sizeof(want));
	assert_int_equal(n, len);
	assert_memory_equal(out, want, len);

	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_opt(d, DHO_OVERLOAD, "\x03", 1);
	assert_int_equal(d->msg_type, DHCPACK);
	assert_int_equal(assert_same_opts(m, d, 0), 0);

	/* Without 43 the overflow fits in file alone: 52 = 1. */
	dhcp_opt_unset(m, 43);
	assert_int_equal(dhcp_msg_encode(m, big_prl, sizeof(big_prl), 548,
	    out, sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_memory_equal(out + 249, "\x34\x01\x01", 3);
	n = field_codes(out + 108, DHCP_FILE_LEN, codes, sizeof(codes));
	assert_int_equal(n, sizeof(file_want));
	assert_memory_equal(codes, file_want, sizeof(file_want));
	assert_memory_equal(out + 44, m->sname, DHCP_SNAME_LEN);
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_opt(d, DHO_OVERLOAD, "\x01", 1);
	assert_int_equal(assert_same_opts(m, d, 0), 0);
	free(m);
	free(d);
}

/*
 * file in use (a boot file name): the overflow goes to sname alone
 * (52 = 2) and file is sent as it is; with sname in use too, nothing is
 * overloaded and what does not fit is dropped and counted.
 */
static void
encode_overloads_sname_only_when_file_in_use(void **state)
{
	struct dhcp_msg	*m = new_msg(), *d = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], v[40], codes[32];
	static const uint8_t sname_want[] = { 43, 255 };
	size_t		 len, n;
	unsigned	 dropped = 99;
	(void)state;

	/*
	 * Without 121 but with 252 (42 bytes): unoverloaded, 43 (52) takes
	 * all but one of the 53 bytes 1 .. 119 leave and 252 is dropped.
	 * Overloaded (50 left), 43 goes to sname and 252 stays in the
	 * options field.
	 */
	build_big_ack(m);
	dhcp_opt_unset(m, 121);
	fill(v, sizeof(v), 0x44);
	assert_true(dhcp_opt_set(m, 252, v, sizeof(v)));
	memcpy(m->file, "boot/pxelinux.0", 15);
	assert_int_equal(dhcp_msg_encode(m, big_prl, sizeof(big_prl), 548,
	    out, sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_true(len <= 548);
	assert_memory_equal(out + 249, "\x34\x01\x02", 3);
	assert_memory_equal(out + 108, m->file, DHCP_FILE_LEN);
	n = field_codes(out + 44, DHCP_SNAME_LEN, codes, sizeof(codes));
	assert_int_equal(n, sizeof(sname_want));
	assert_memory_equal(codes, sname_want, sizeof(sname_want));
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_opt(d, DHO_OVERLOAD, "\x02", 1);
	assert_memory_equal(d->file, m->file, DHCP_FILE_LEN);
	assert_int_equal(assert_same_opts(m, d, 0), 0);

	/* sname in use too: no 52, 252 dropped, both fields verbatim. */
	memcpy(m->sname, "boot.example.org", 16);
	assert_int_equal(dhcp_msg_encode(m, big_prl, sizeof(big_prl), 548,
	    out, sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 1);
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_false(dhcp_opt_has(d, DHO_OVERLOAD));
	assert_memory_equal(d->sname, m->sname, DHCP_SNAME_LEN);
	assert_memory_equal(d->file, m->file, DHCP_FILE_LEN);
	assert_int_equal(assert_same_opts(m, d, 252), 1);

	/*
	 * file in use: build_big_ack's 121 (102) fits in neither the
	 * options field nor sname, so overloading would leave out as much
	 * as not overloading: it is not used and 121 is dropped.
	 */
	build_big_ack(m);
	memcpy(m->file, "boot/pxelinux.0", 15);
	assert_int_equal(dhcp_msg_encode(m, big_prl, sizeof(big_prl), 548,
	    out, sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 1);
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_false(dhcp_opt_has(d, DHO_OVERLOAD));
	assert_int_equal(assert_same_opts(m, d, 121), 1);
	free(m);
	free(d);
}

/*
 * Everything fits: no 52, byte for byte what the encoder gave before
 * overloading existed, even with sname and file unused; and exactly at
 * the edge of the options field.
 */
static void
encode_without_overflow_is_unchanged(void **state)
{
	struct dhcp_msg	*m = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], want[DHCP_PKT_MAX], v[200];
	uint8_t		 codes[32];
	static const uint8_t order[] = { 1, 3 };
	static const uint8_t edge[] = { 53, 54, 43, 60, 255 };
	static const char golden[] =
	    "02 01 06 00" "3903f326" "0000" "8000"
	    "00000000" "c000020a" "c0000201" "00000000"
	    "525400123456 z10 " "z64 " "z128 " COOKIE
	    "3501 02" "3604 c0000201" "0104 ffffff00" "0304 c0000201"
	    "3304 00000e10" "ff" "z32 ";
	size_t		 len, n;
	unsigned	 dropped = 99;
	(void)state;

	build_offer(m);
	assert_true(dhcp_opt_set_u32(m, DHO_LEASE_TIME, 3600));
	assert_true(dhcp_opt_set_u32(m, DHO_ROUTERS, 0xc0000201));
	assert_true(dhcp_opt_set_u32(m, DHO_SUBNET_MASK, 0xffffff00));
	assert_int_equal(dhcp_msg_encode(m, order, sizeof(order), 548, out,
	    sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	n = hex2bin(golden, want, sizeof(want));
	assert_int_equal(len, n);
	assert_memory_equal(out, want, n);

	/*
	 * 298 bytes of room at 548: 43 (202) + 60 (96) fill it exactly.
	 * One byte less and 60 moves to file, announced by 52 = 1.
	 */
	build_offer(m);
	fill(v, sizeof(v), 0x55);
	assert_true(dhcp_opt_set(m, 43, v, 200));
	assert_true(dhcp_opt_set(m, 60, v, 94));
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 548, out, sizeof(out),
	    &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(len, 548);
	n = wire_codes(out, len, codes, sizeof(codes));
	assert_int_equal(n, sizeof(edge));
	assert_memory_equal(codes, edge, sizeof(edge));
	assert_int_equal(out[547], DHO_END);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 547, out, sizeof(out),
	    &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_memory_equal(out + 249, "\x34\x01\x01\x2b\xc8", 5);
	assert_int_equal(out[108], 60);
	free(m);
}

/*
 * 53, 54 and 82 never leave the options field: when they do not fit
 * there the call fails even though file and sname are free.  Below 300
 * bytes an overloaded message is still padded to the cap.
 */
static void
encode_never_overloads_53_54_82(void **state)
{
	struct dhcp_msg	*m = new_msg(), *d = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], ri[40];
	size_t		 len;
	unsigned	 dropped = 99;
	(void)state;

	memset(ri, 'r', sizeof(ri));
	build_offer(m);
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO, ri, sizeof(ri)));
	/* 240 + 3 + 6 + 42 + 1 = 292. */
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 291, out, sizeof(out),
	    &len, &dropped), DHCP_ERR_NOSPACE);
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 292, out, sizeof(out),
	    &len, &dropped), DHCP_OK);
	assert_true(dhcp_opt_set(m, DHO_SERVER_ID, ri, 30));
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 300, out, sizeof(out),
	    &len, &dropped), DHCP_ERR_NOSPACE);

	/* 260: room 10, 7 once 52 is reserved; 1 stays, 12 goes to file. */
	build_offer(m);
	assert_true(dhcp_opt_set_u32(m, DHO_SUBNET_MASK, 0xffffff00));
	assert_true(dhcp_opt_set(m, DHO_HOST_NAME, ri, 20));
	assert_int_equal(dhcp_msg_encode(m, NULL, 0, 260, out, sizeof(out),
	    &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(len, 260);
	assert_memory_equal(out + 249, "\x34\x01\x01" "\x01\x04\xff\xff\xff\x00"
	    "\xff\x00", 11);
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);
	assert_int_equal(assert_same_opts(m, d, 0), 0);
	free(m);
	free(d);
}

static void
encode_decode_round_trips_options(void **state)
{
	struct dhcp_msg	*m = new_msg(), *d = new_msg();
	uint8_t		 out[DHCP_PKT_MAX], big[600];
	static const uint8_t order[] = { 1, 3, 6, 15, 43 };
	size_t		 len;
	unsigned	 dropped = 99;
	(void)state;

	memset(big, 0xa5, sizeof(big));
	build_offer(m);
	m->hops = 2;
	m->secs = 9;
	m->giaddr = 0xc6336401;
	memcpy(m->sname, "srv", 3);
	memcpy(m->file, "boot/x", 6);
	assert_true(dhcp_opt_set_u32(m, DHO_SUBNET_MASK, 0xffffff00));
	assert_true(dhcp_opt_set_u32(m, DHO_LEASE_TIME, 86400));
	assert_true(dhcp_opt_set(m, DHO_DOMAIN_NAME, "example.org", 11));
	assert_true(dhcp_opt_set(m, 43, big, sizeof(big)));
	assert_true(dhcp_opt_set(m, 80, NULL, 0));
	assert_true(dhcp_opt_set(m, 254, "z", 1));
	assert_true(dhcp_opt_set(m, DHO_RELAY_AGENT_INFO, "\x02\x01q", 3));
	assert_int_equal(dhcp_msg_encode(m, order, sizeof(order), 1500, out,
	    sizeof(out), &len, &dropped), DHCP_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(dhcp_msg_decode(out, len, d), DHCP_OK);

	assert_int_equal(d->op, m->op);
	assert_int_equal(d->htype, m->htype);
	assert_int_equal(d->hlen, m->hlen);
	assert_int_equal(d->hops, m->hops);
	assert_int_equal(d->xid, m->xid);
	assert_int_equal(d->secs, m->secs);
	assert_int_equal(d->flags, m->flags);
	assert_int_equal(d->ciaddr, m->ciaddr);
	assert_int_equal(d->yiaddr, m->yiaddr);
	assert_int_equal(d->siaddr, m->siaddr);
	assert_int_equal(d->giaddr, m->giaddr);
	assert_memory_equal(d->chaddr, m->chaddr, DHCP_CHADDR_LEN);
	assert_memory_equal(d->sname, m->sname, DHCP_SNAME_LEN);
	assert_memory_equal(d->file, m->file, DHCP_FILE_LEN);
	assert_true(d->has_cookie);
	assert_int_equal(d->msg_type, m->msg_type);
	for (unsigned c = 0; c < 256; c++) {
		size_t		 ml, dl;
		const uint8_t	*mv = dhcp_opt_get(m, (uint8_t)c, &ml);
		const uint8_t	*dv = dhcp_opt_get(d, (uint8_t)c, &dl);

		if (mv == NULL) {
			assert_null(dv);
			continue;
		}
		assert_non_null(dv);
		assert_int_equal(dl, ml);
		assert_memory_equal(dv, mv, ml);
	}
	free(m);
	free(d);
}

static void
client_key_prefers_option_61(void **state)
{
	struct dhcp_msg	*m = new_msg();
	struct dhcp_client_key key;
	static const uint8_t want[] = { 'C', 1, 0x52, 0x54, 0x00, 0x12, 0x34,
	    0x56 };
	(void)state;

	assert_int_equal(decode_hex(discover_hex, m, NULL), DHCP_OK);
	assert_true(dhcp_client_key(m, &key));
	assert_int_equal(key.len, sizeof(want));
	assert_memory_equal(key.bytes, want, sizeof(want));

	/* One byte is accepted; hlen 0 does not matter then. */
	m->hlen = 0;
	assert_true(dhcp_opt_set(m, DHO_CLIENT_ID, "x", 1));
	assert_true(dhcp_client_key(m, &key));
	assert_int_equal(key.len, 2);
	assert_memory_equal(key.bytes, "Cx", 2);
	free(m);
}

static void
client_key_falls_back_to_hardware_address(void **state)
{
	struct dhcp_msg	*m = new_msg();
	struct dhcp_client_key key;
	static const uint8_t want[] = { 'H', 1, 0x52, 0x54, 0x00, 0xab, 0xcd,
	    0xef };
	uint8_t		 big[300];
	(void)state;

	assert_int_equal(decode_hex(bootp_hex, m, NULL), DHCP_OK);
	assert_true(dhcp_client_key(m, &key));
	assert_int_equal(key.len, sizeof(want));
	assert_memory_equal(key.bytes, want, sizeof(want));

	/* An empty option 61 falls back too. */
	assert_true(dhcp_opt_set(m, DHO_CLIENT_ID, NULL, 0));
	assert_true(dhcp_client_key(m, &key));
	assert_memory_equal(key.bytes, want, sizeof(want));

	/* Neither: empty 61 and hlen 0. */
	m->hlen = 0;
	assert_false(dhcp_client_key(m, &key));
	dhcp_opt_unset(m, DHO_CLIENT_ID);
	assert_false(dhcp_client_key(m, &key));

	/* 255 bytes fit the key; 256 (only by concatenation) do not. */
	memset(big, 'i', sizeof(big));
	assert_true(dhcp_opt_set(m, DHO_CLIENT_ID, big, 255));
	assert_true(dhcp_client_key(m, &key));
	assert_int_equal(key.len, 256);
	assert_true(dhcp_opt_set(m, DHO_CLIENT_ID, big, 256));
	assert_false(dhcp_client_key(m, &key));
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_discover_reads_every_field),
		cmocka_unit_test(decode_request_reads_server_id),
		cmocka_unit_test(decode_relayed_reads_giaddr_and_option_82),
		cmocka_unit_test(decode_plain_bootp_has_no_options),
		cmocka_unit_test(decode_bootp_without_vend_area_is_accepted),
		cmocka_unit_test(decode_rfc1048_bootp_keeps_options_without_type),
		cmocka_unit_test(truncation_at_every_offset_never_overreads),
		cmocka_unit_test(decode_rejects_short_and_too_long),
		cmocka_unit_test(decode_rejects_bad_op_and_hlen),
		cmocka_unit_test(decode_rejects_option_running_past_area),
		cmocka_unit_test(decode_rejects_bad_overload),
		cmocka_unit_test(decode_overload_concatenates_options_file_sname),
		cmocka_unit_test(decode_overload_file_only_ignores_sname),
		cmocka_unit_test(decode_rejects_bad_message_type),
		cmocka_unit_test(decode_concatenates_split_option),
		cmocka_unit_test(decode_all_pad_area_has_no_options),
		cmocka_unit_test(decode_accepts_missing_end),
		cmocka_unit_test(decode_ignores_bytes_after_end),
		cmocka_unit_test(err_names_are_stable),
		cmocka_unit_test(opt_get_fixed_width_requires_exact_length),
		cmocka_unit_test(opt_set_replaces_and_tracks_message_type),
		cmocka_unit_test(opt_set_compacts_then_fails_without_change),
		cmocka_unit_test(encode_orders_by_prl_and_writes_header),
		cmocka_unit_test(encode_puts_option_82_last),
		cmocka_unit_test(encode_ends_and_pads_to_300),
		cmocka_unit_test(encode_splits_long_option),
		cmocka_unit_test(encode_drops_what_exceeds_max_len_keeping_53_54_82),
		cmocka_unit_test(encode_fails_nospace_when_53_54_82_do_not_fit),
		cmocka_unit_test(encode_ignores_callers_option_52),
		cmocka_unit_test(encode_overloads_file_then_sname),
		cmocka_unit_test(encode_overloads_sname_only_when_file_in_use),
		cmocka_unit_test(encode_without_overflow_is_unchanged),
		cmocka_unit_test(encode_never_overloads_53_54_82),
		cmocka_unit_test(encode_decode_round_trips_options),
		cmocka_unit_test(client_key_prefers_option_61),
		cmocka_unit_test(client_key_falls_back_to_hardware_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
