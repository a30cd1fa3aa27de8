/*
 * Unit tests: common/proto/fo_codec.c.
 *
 * The hex vectors were produced by a separate model of the wire format
 * written from docs/failover-protocol.md, not by this encoder.  In the
 * mini hex format "zN " stands for N zero bytes.  Every decode reads an
 * exact-size heap copy, so ASan catches a read one byte past the end.
 *
 * msg_table below restates the per-message TLV table of the document
 * independently of the codec's own table; the table-driven tests check
 * one against the other in both directions (decode and encode).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fo_auth.h"
#include "fo_codec.h"
#include "lease.h"

/* fo_primary_id("branch1") and an epoch of 2023-11-14T22:13:20Z. */
#define PID	"cadf719c"
#define EPOCH	"00060a24181e4000"
#define PID_VAL		0xcadf719cu
#define EPOCH_VAL	UINT64_C(1700000000000000)
#define CLOCK_VAL	UINT64_C(1700000000123)
#define HDR(type, flags, seq, len) \
	"44484650 01" type flags seq EPOCH PID len "0000"
#define HMAC0	"z32 "
#define STORE	"00112233445566778899aabbccddeeff"
#define SHA_A5	"a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5" \
		"a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5"
#define SHA_SEQ	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"

/* POLL: 107 bytes */
static const char poll_hex[] =
	HDR("01", "0000", "0000000000000001", "006b")
	"0001 0002 0101"			/* VERSIONS 1..1 */
	"0004 0008 0000018bcfe5687b"		/* CLOCK */
	"0002 0004 68756231"			/* NAME "hub1" */
	"0003 0001 03"				/* STATE monitoring */
	"0006 0008 000000000000002a"		/* LAST_SEQ 42 */
	HMAC0;

/* POLL_RPL: 212 bytes */
static const char poll_rpl_hex[] =
	HDR("02", "0001", "0000000000000001", "00d4")
	"0001 0002 0101"			/* VERSIONS */
	"0003 0001 06"				/* STATE serving */
	"0004 0008 0000018bcfe5687b"		/* CLOCK */
	"0005 0010" STORE			/* STORE_ID */
	"0006 0008 0000000000000007"		/* LAST_SEQ 7 */
	"0002 0007 6272616e636831"		/* NAME "branch1" */
	"000a 0025 c6336400 18" SHA_A5		/* DIGEST 198.51.100.0/24 */
	"000a 0025 cb007100 19" SHA_SEQ		/* DIGEST 203.0.113.0/25 */
	HMAC0;

/* CTL_REQ: 177 bytes */
static const char ctl_req_hex[] =
	HDR("03", "0001", "0000000000000002", "00b1")
	"0001 0002 0101"			/* VERSIONS */
	"0002 0007 6272616e636831"		/* NAME "branch1" */
	"0005 0010" STORE			/* STORE_ID */
	"0006 0008 0000000000000000"		/* LAST_SEQ 0 */
	"0007 0002 0400"			/* BUF_SIZE 1024 */
	"0003 0001 07"				/* STATE wait-control */
	"0004 0008 0000018bcfe5687b"		/* CLOCK */
	"000a 0025 c6336400 18" SHA_A5		/* DIGEST */
	HMAC0;

/* CTL_RET: 101 bytes */
static const char ctl_ret_hex[] =
	HDR("04", "0000", "0000000000000002", "0065")
	"000f 0001 00"				/* RESULT ok */
	"000e 0002 6f6b"			/* REASON "ok" */
	"0006 0008 0000000000000009"		/* LAST_SEQ 9 */
	"0008 0004 00000003"			/* COUNT 3 */
	"0001 0002 0101"			/* VERSIONS */
	HMAC0;

/* SYNC_REQ: 116 bytes */
static const char sync_req_hex[] =
	HDR("05", "0000", "0000000000000003", "0074")
	"0001 0002 0101"			/* VERSIONS */
	"0002 0004 68756231"			/* NAME "hub1" */
	"0005 0010" STORE			/* STORE_ID */
	"0006 0008 0000000000000000"		/* LAST_SEQ */
	"0007 0002 0400"			/* BUF_SIZE 1024 */
	HMAC0;

/* SYNC_START: 104 bytes */
static const char sync_start_hex[] =
	HDR("06", "0001", "0000000000000003", "0068")
	"0008 0004 00000002"			/* COUNT 2 */
	"0005 0010" STORE			/* STORE_ID */
	"0006 0008 0000000000000078"		/* LAST_SEQ 120 */
	HMAC0;

/* SYNC_DONE: 84 bytes */
static const char sync_done_hex[] =
	HDR("07", "0001", "0000000000000004", "0054")
	"0008 0004 00000002"			/* COUNT 2 */
	"000b 0008 000000000000007a"		/* UPD_SEQ 122 */
	HMAC0;

/* BIND_UPD: 106 bytes, two (UPD_SEQ, LEASE) pairs */
static const char bind_upd_hex[] =
	HDR("08", "0001", "0000000000000005", "006a")
	"000b 0008 0000000000000079"		/* UPD_SEQ 121 */
	"000c 0006 01000302aabb"		/* LEASE (opaque here) */
	"000b 0008 000000000000007a"		/* UPD_SEQ 122 */
	"000c 0004 deadbeef"			/* LEASE */
	HMAC0;

/* BIND_ACK: 104 bytes */
static const char bind_ack_hex[] =
	HDR("09", "0000", "0000000000000004", "0068")
	"000d 0010 0000000000000079 000000000000007a"	/* 121..122 */
	"000d 0010 000000000000007d 000000000000007d"	/* 125..125 */
	HMAC0;

/* SUBNET_SYNC_START: 93 bytes */
static const char subnet_sync_start_hex[] =
	HDR("0a", "0000", "0000000000000005", "005d")
	"0009 0005 c6336400 18"			/* SUBNET 198.51.100.0/24 */
	"0008 0004 00000005"			/* COUNT 5 */
	"000b 0008 00000000000000c8"		/* UPD_SEQ 200 */
	HMAC0;

/* SUBNET_SYNC_DONE: 81 bytes */
static const char subnet_sync_done_hex[] =
	HDR("0b", "0000", "0000000000000006", "0051")
	"0009 0005 c6336400 18"			/* SUBNET */
	"0008 0004 00000005"			/* COUNT 5 */
	HMAC0;

/* SHUTDOWN: 86 bytes */
static const char shutdown_hex[] =
	HDR("0c", "0001", "0000000000000006", "0056")
	"000e 000d 6f70657261746f722073746f70"	/* REASON "operator stop" */
	"0003 0001 09"				/* STATE shutting-down */
	HMAC0;

/* BIND_REQ: 86 bytes, one proposal */
static const char bind_req_hex[] =
	HDR("0d", "0001", "0000000000000007", "0056")
	"000b 0008 0000000000000079"		/* UPD_SEQ 121 */
	"000c 0006 01000302aabb"		/* LEASE (opaque here) */
	HMAC0;

/* BIND_RPL: 91 bytes, a refusal */
static const char bind_rpl_hex[] =
	HDR("0e", "0000", "0000000000000008", "005b")
	"000b 0008 0000000000000079"		/* UPD_SEQ 121 */
	"000e 0006 696e20757365"		/* REASON "in use" */
	"000f 0001 08"				/* RESULT in-use */
	HMAC0;

static const char *const all_vectors[] = {
	poll_hex, poll_rpl_hex, ctl_req_hex, ctl_ret_hex, sync_req_hex,
	sync_start_hex, sync_done_hex, bind_upd_hex, bind_ack_hex,
	subnet_sync_start_hex, subnet_sync_done_hex, shutdown_hex,
	bind_req_hex, bind_rpl_hex,
};
#define NVEC	(sizeof(all_vectors) / sizeof(all_vectors[0]))

static const uint8_t store_id[FO_STORE_ID_LEN] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

#define B(t)	FO_BIT(FO_TLV_##t)

/*
 * docs/failover-protocol.md section 5, restated: direction, required,
 * optional.  from_primary is the flag for a sender of that type.
 */
static const struct {
	uint8_t		 type;
	bool		 from_primary;
	uint32_t	 req, opt;
} msg_table[] = {
	{ FO_POLL, false, B(VERSIONS) | B(CLOCK),
	    B(NAME) | B(STATE) | B(LAST_SEQ) },
	{ FO_POLL_RPL, true,
	    B(VERSIONS) | B(STATE) | B(CLOCK) | B(STORE_ID) | B(LAST_SEQ),
	    B(NAME) | B(DIGEST) | B(CFG_ID) | B(ECHO) },
	{ FO_CTL_REQ, true,
	    B(VERSIONS) | B(NAME) | B(STORE_ID) | B(LAST_SEQ) | B(BUF_SIZE),
	    B(STATE) | B(CLOCK) | B(DIGEST) | B(CFG_ID) },
	{ FO_CTL_RET, false, B(RESULT),
	    B(VERSIONS) | B(STATE) | B(CLOCK) | B(LAST_SEQ) | B(BUF_SIZE) |
	    B(COUNT) | B(REASON) | B(ECHO) },
	{ FO_SYNC_REQ, false,
	    B(VERSIONS) | B(NAME) | B(STORE_ID) | B(LAST_SEQ) | B(BUF_SIZE),
	    B(STATE) | B(CLOCK) | B(DIGEST) },
	{ FO_SYNC_START, true, B(COUNT) | B(STORE_ID),
	    B(VERSIONS) | B(CLOCK) | B(LAST_SEQ) | B(BUF_SIZE) | B(RESULT) |
	    B(REASON) | B(CFG_ID) },
	{ FO_SYNC_DONE, true, B(COUNT), B(UPD_SEQ) | B(RESULT) | B(REASON) },
	{ FO_BIND_UPD, true, B(UPD_SEQ) | B(LEASE), 0 },
	{ FO_BIND_ACK, false, B(ACK_RANGE), 0 },
	{ FO_SUBNET_SYNC_START, false, B(SUBNET) | B(COUNT), B(UPD_SEQ) },
	{ FO_SUBNET_SYNC_DONE, false, B(SUBNET) | B(COUNT), B(UPD_SEQ) },
	{ FO_SHUTDOWN, true, 0, B(STATE) | B(CLOCK) | B(LAST_SEQ) | B(REASON) },
	{ FO_BIND_REQ, true, B(UPD_SEQ) | B(LEASE), 0 },
	{ FO_BIND_RPL, false, B(UPD_SEQ) | B(RESULT), B(REASON) },
	{ FO_CFG_REQ, false, B(CFG_ID) | B(OFFSET) | B(COUNT), 0 },
	{ FO_CFG_RPL, true, B(CFG_ID) | B(OFFSET),
	    B(CFG_DATA) | B(RESULT) | B(REASON) },
};

/* Types made of (UPD_SEQ, LEASE) pairs (protocol 5.2). */
static bool
paired(unsigned type)
{
	return type == FO_BIND_UPD || type == FO_BIND_REQ;
}
#define NTABLE	(sizeof(msg_table) / sizeof(msg_table[0]))
#define REPEATABLE	(B(DIGEST) | B(ACK_RANGE))

/* ---- helpers ---- */

static size_t
hex2bin(const char *hex, uint8_t *out, size_t cap)
{
	size_t	 n = 0;
	char	 pair[3] = { 0, 0, 0 };

	while (*hex != '\0') {
		if (isspace((unsigned char)*hex)) {
			hex++;
			continue;
		}
		if (*hex == 'z') {
			char		*end;
			unsigned long	 z = strtoul(hex + 1, &end, 10);

			assert_true(end != hex + 1);
			assert_true(z <= cap - n);
			memset(out + n, 0, z);
			n += z;
			hex = end;
			continue;
		}
		assert_true(isxdigit((unsigned char)hex[0]) &&
		    isxdigit((unsigned char)hex[1]));
		assert_true(n < cap);
		pair[0] = hex[0];
		pair[1] = hex[1];
		out[n++] = (uint8_t)strtoul(pair, NULL, 16);
		hex += 2;
	}
	return n;
}

static struct fo_msg *
new_msg(void)
{
	struct fo_msg	*m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

/*
 * Decode from an exact-size heap copy (a read past the datagram is an
 * ASan error).  The copy lives until the next call: the decoded LEASE and
 * CFG_DATA values point into it, and tests compare them afterwards.
 */
static enum fo_err
decode_bytes(const uint8_t *src, size_t len, size_t lease_max,
    struct fo_msg *m)
{
	static uint8_t	*buf;

	free(buf);
	buf = malloc(len > 0 ? len : 1);
	assert_non_null(buf);
	memcpy(buf, src, len);
	return fo_decode(buf, len, lease_max, m);
}

/*
 * Test-side message builder: writes raw wire bytes with no checks, so
 * tests can make any malformed message.  Static: up to 64 KB.
 */
static struct wb {
	uint8_t	 b[70000];
	size_t	 n;
} wb;

static void
wb_put(const void *p, size_t n)
{
	if (n == 0)
		return;
	assert_true(n <= sizeof(wb.b) - wb.n);
	memcpy(wb.b + wb.n, p, n);
	wb.n += n;
}

static void
wb_u16(uint16_t v)
{
	uint8_t	 b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	wb_put(b, 2);
}

static void
wb_u64(uint64_t v)
{
	uint8_t	 b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	wb_put(b, 8);
}

static void
wb_start(uint8_t version, uint8_t type, uint16_t flags)
{
	uint8_t	 h[FO_HDR_LEN];

	wb.n = 0;
	assert_int_equal(hex2bin(HDR("00", "0000", "0000000000000007", "0000"),
	    h, sizeof(h)), FO_HDR_LEN);
	h[4] = version;
	h[5] = type;
	h[6] = (uint8_t)(flags >> 8);
	h[7] = (uint8_t)flags;
	wb_put(h, sizeof(h));
}

static void
wb_tlv(uint16_t t, const void *v, size_t l)
{
	wb_u16(t);
	wb_u16((uint16_t)l);
	wb_put(v, l);
}

static void
wb_tlv_hex(uint16_t t, const char *hex)
{
	uint8_t	 v[256];

	wb_tlv(t, v, hex2bin(hex, v, sizeof(v)));
}

/* Append the zero HMAC and set the length field. */
static size_t
wb_finish(void)
{
	uint8_t	 z[FO_HMAC_LEN] = { 0 };

	wb_put(z, sizeof(z));
	assert_true(wb.n <= 0xffff);
	wb.b[FO_OFF_LENGTH] = (uint8_t)(wb.n >> 8);
	wb.b[FO_OFF_LENGTH + 1] = (uint8_t)wb.n;
	return wb.n;
}

static enum fo_err
wb_decode(size_t lease_max, struct fo_msg *m)
{
	return decode_bytes(wb.b, wb.n, lease_max, m);
}

/* A valid sample value of each TLV type, in mini hex. */
static const char *const sample[FO_TLV_MAX + 1] = {
	[FO_TLV_VERSIONS] = "0101",
	[FO_TLV_NAME] = "78",
	[FO_TLV_STATE] = "01",
	[FO_TLV_CLOCK] = "0000018bcfe5687b",
	[FO_TLV_STORE_ID] = STORE,
	[FO_TLV_LAST_SEQ] = "0000000000000005",
	[FO_TLV_BUF_SIZE] = "0400",
	[FO_TLV_COUNT] = "00000001",
	[FO_TLV_SUBNET] = "c6336400 18",
	[FO_TLV_DIGEST] = "c6336400 18" SHA_A5,
	[FO_TLV_UPD_SEQ] = "0000000000000010",
	[FO_TLV_LEASE] = "aabbcc",
	[FO_TLV_ACK_RANGE] = "0000000000000001 0000000000000002",
	[FO_TLV_REASON] = "78",
	[FO_TLV_RESULT] = "00",
	[FO_TLV_CFG_ID] = "00000100" SHA_A5,
	[FO_TLV_OFFSET] = "00000000",
	[FO_TLV_CFG_DATA] = "aabbcc",
	[FO_TLV_ECHO] = "0000000000000003 0000000000000004",
};

/* Sample TLVs for every bit of mask, in type order (pairs line up). */
static void
wb_tlvs(uint32_t mask)
{
	for (unsigned t = 1; t <= FO_TLV_MAX; t++)
		if (mask & FO_BIT(t))
			wb_tlv_hex((uint16_t)t, sample[t]);
}

static size_t
table_index(uint8_t type)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (msg_table[i].type == type)
			return i;
	fail();
	return 0;
}

static void
wb_start_type(size_t i)
{
	wb_start(1, msg_table[i].type,
	    msg_table[i].from_primary ? FO_FLAG_FROM_PRIMARY : 0);
}

/* First message type in the table that may carry t (BIND_UPD for pairs). */
static size_t
type_carrying(unsigned t)
{
	if (t == FO_TLV_UPD_SEQ || t == FO_TLV_LEASE)
		return table_index(FO_BIND_UPD);
	for (size_t i = 0; i < NTABLE; i++)
		if ((msg_table[i].req | msg_table[i].opt) & FO_BIT(t))
			return i;
	fail();
	return 0;
}

static const uint8_t lease_a[] = { 0x01, 0x00, 0x03, 0x02, 0xaa, 0xbb };
static const uint8_t lease_b[] = { 0xde, 0xad, 0xbe, 0xef };
static uint8_t sha_a5[FO_SHA256_LEN];

/* Fill m as a type-i message carrying every TLV in mask (valid values). */
static void
fill_msg(struct fo_msg *m, size_t i, uint32_t mask)
{
	fo_msg_init(m, msg_table[i].type, msg_table[i].from_primary);
	m->hdr.seq = 77;
	m->hdr.epoch = EPOCH_VAL;
	m->hdr.primary_id = PID_VAL;
	memset(sha_a5, 0xa5, sizeof(sha_a5));
	for (unsigned t = 1; t <= FO_TLV_MAX; t++) {
		if ((mask & FO_BIT(t)) == 0)
			continue;
		switch (t) {
		case FO_TLV_VERSIONS:
			m->ver_min = 1;
			m->ver_max = 1;
			break;
		case FO_TLV_NAME:
			/* The longest legal name, every character class. */
			snprintf(m->name, sizeof(m->name), "%s",
			    "branch-1.example_ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghij0123456789");
			assert_int_equal(strlen(m->name), FO_NAME_MAX);
			break;
		case FO_TLV_STATE:
			m->state = FO_STATE_TAKEOVER;
			break;
		case FO_TLV_CLOCK:
			m->clock_ms = CLOCK_VAL;
			break;
		case FO_TLV_STORE_ID:
			memcpy(m->store_id, store_id, sizeof(store_id));
			break;
		case FO_TLV_LAST_SEQ:
			m->last_seq = UINT64_MAX;
			break;
		case FO_TLV_BUF_SIZE:
			m->buf_size = FO_BUF_SIZE_MAX;
			break;
		case FO_TLV_COUNT:
			m->count = 0xfedcba98u;
			break;
		case FO_TLV_SUBNET:
			m->subnet = 0xcb007180u;	/* 203.0.113.128/25 */
			m->subnet_prefix = 25;
			break;
		case FO_TLV_DIGEST:
			assert_true(fo_msg_add_digest(m, 0xc6336400u, 24,
			    sha_a5));
			assert_true(fo_msg_add_digest(m, 0, 0, sha_a5));
			break;
		case FO_TLV_UPD_SEQ:
			if (paired(m->hdr.type))
				break;		/* pairs come with LEASE */
			m->upd_seq = 1234;
			break;
		case FO_TLV_LEASE:
			/*
			 * Set directly: fo_msg_add_update refuses to add to a
			 * message that is invalid, and some callers build one
			 * on purpose.
			 */
			m->updates[0].seq = 121;
			m->updates[0].lease = lease_a;
			m->updates[0].lease_len = sizeof(lease_a);
			m->n_updates = 1;
			if (paired(m->hdr.type)) {
				m->updates[1].seq = 122;
				m->updates[1].lease = lease_b;
				m->updates[1].lease_len = sizeof(lease_b);
				m->n_updates = 2;
			}
			break;
		case FO_TLV_ACK_RANGE:
			assert_true(fo_msg_add_ack(m, 1, 10));
			assert_true(fo_msg_add_ack(m, 20, UINT64_MAX));
			break;
		case FO_TLV_REASON:
			/* 127 printable characters, space to tilde. */
			for (int c = 0; c < FO_REASON_MAX; c++)
				m->reason[c] = (char)(0x20 + c % 95);
			m->reason[FO_REASON_MAX] = '\0';
			break;
		case FO_TLV_RESULT:
			m->result = FO_RESULT_SUBNETS;
			break;
		case FO_TLV_CFG_ID:
			m->cfg_size = FO_CFG_MAX;
			memcpy(m->cfg_sha, sha_a5, FO_SHA256_LEN);
			break;
		case FO_TLV_OFFSET:
			m->offset = FO_CFG_MAX - 3;
			break;
		case FO_TLV_CFG_DATA:
			m->data = lease_b;
			m->data_len = 3;
			break;
		case FO_TLV_ECHO:
			m->echo_epoch = 3;
			m->echo_seq = 4;
			break;
		}
		m->present |= FO_BIT(t);
		/* A CFG_REQ asks for at most one part. */
		if (t == FO_TLV_COUNT && m->hdr.type == FO_CFG_REQ)
			m->count = FO_CFG_CHUNK_MAX;
	}
}

/* Everything fo_decode reports, compared field by field. */
static void
assert_msg_equal(const struct fo_msg *a, const struct fo_msg *b)
{
	assert_int_equal(a->hdr.version, b->hdr.version);
	assert_int_equal(a->hdr.type, b->hdr.type);
	assert_int_equal(a->hdr.flags, b->hdr.flags);
	assert_true(a->hdr.seq == b->hdr.seq);
	assert_true(a->hdr.epoch == b->hdr.epoch);
	assert_int_equal(a->hdr.primary_id, b->hdr.primary_id);
	assert_int_equal(a->present, b->present);
#define SAME(t, cond) if (FO_HAS(a, FO_TLV_##t)) assert_true(cond)
	SAME(VERSIONS, a->ver_min == b->ver_min && a->ver_max == b->ver_max);
	SAME(NAME, strcmp(a->name, b->name) == 0);
	SAME(STATE, a->state == b->state);
	SAME(CLOCK, a->clock_ms == b->clock_ms);
	SAME(STORE_ID, memcmp(a->store_id, b->store_id, FO_STORE_ID_LEN) == 0);
	SAME(LAST_SEQ, a->last_seq == b->last_seq);
	SAME(BUF_SIZE, a->buf_size == b->buf_size);
	SAME(COUNT, a->count == b->count);
	SAME(SUBNET, a->subnet == b->subnet &&
	    a->subnet_prefix == b->subnet_prefix);
	SAME(REASON, strcmp(a->reason, b->reason) == 0);
	SAME(RESULT, a->result == b->result);
	SAME(CFG_ID, a->cfg_size == b->cfg_size &&
	    memcmp(a->cfg_sha, b->cfg_sha, FO_SHA256_LEN) == 0);
	SAME(OFFSET, a->offset == b->offset);
	SAME(ECHO, a->echo_epoch == b->echo_epoch &&
	    a->echo_seq == b->echo_seq);
	SAME(CFG_DATA, a->data_len == b->data_len &&
	    memcmp(a->data, b->data, a->data_len) == 0);
	if (!paired(a->hdr.type))
		SAME(UPD_SEQ, a->upd_seq == b->upd_seq);
#undef SAME
	assert_int_equal(a->n_digests, b->n_digests);
	for (size_t i = 0; i < a->n_digests; i++) {
		assert_int_equal(a->digests[i].network, b->digests[i].network);
		assert_int_equal(a->digests[i].prefix, b->digests[i].prefix);
		assert_memory_equal(a->digests[i].sha256, b->digests[i].sha256,
		    FO_SHA256_LEN);
	}
	assert_int_equal(a->n_acks, b->n_acks);
	for (size_t i = 0; i < a->n_acks; i++)
		assert_true(a->acks[i].first == b->acks[i].first &&
		    a->acks[i].last == b->acks[i].last);
	assert_int_equal(a->n_updates, b->n_updates);
	for (size_t i = 0; i < a->n_updates; i++) {
		assert_true(a->updates[i].seq == b->updates[i].seq);
		assert_int_equal(a->updates[i].lease_len,
		    b->updates[i].lease_len);
		assert_memory_equal(a->updates[i].lease, b->updates[i].lease,
		    a->updates[i].lease_len);
	}
}

/* Decode a vector; checks the header fields every vector shares. */
static void
decode_vec(const char *hex, struct fo_msg *m, uint8_t type, uint16_t flags,
    uint64_t seq)
{
	uint8_t	 tmp[2048];
	size_t	 len = hex2bin(hex, tmp, sizeof(tmp));

	assert_int_equal(decode_bytes(tmp, len, 4096, m), FO_OK);
	assert_int_equal(m->hdr.magic, FO_MAGIC);
	assert_int_equal(m->hdr.version, 1);
	assert_int_equal(m->hdr.type, type);
	assert_int_equal(m->hdr.flags, flags);
	assert_true(m->hdr.seq == seq);
	assert_true(m->hdr.epoch == EPOCH_VAL);
	assert_int_equal(m->hdr.primary_id, PID_VAL);
	assert_int_equal(m->hdr.length, len);
	assert_int_equal(m->n_ext, 0);
}

/* ---- decoding the vectors ---- */

static void
decode_poll(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(poll_hex, m, FO_POLL, 0, 1);
	assert_int_equal(m->present, B(VERSIONS) | B(CLOCK) | B(NAME) |
	    B(STATE) | B(LAST_SEQ));
	assert_int_equal(m->ver_min, 1);
	assert_int_equal(m->ver_max, 1);
	assert_true(m->clock_ms == CLOCK_VAL);
	assert_string_equal(m->name, "hub1");
	assert_int_equal(m->state, FO_STATE_MONITORING);
	assert_true(m->last_seq == 42);
	assert_false(fo_hdr_from_primary(&m->hdr));
	free(m);
}

static void
decode_poll_rpl(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(poll_rpl_hex, m, FO_POLL_RPL, FO_FLAG_FROM_PRIMARY, 1);
	assert_int_equal(m->present, B(VERSIONS) | B(STATE) | B(CLOCK) |
	    B(STORE_ID) | B(LAST_SEQ) | B(NAME) | B(DIGEST));
	assert_int_equal(m->state, FO_STATE_SERVING);
	assert_memory_equal(m->store_id, store_id, FO_STORE_ID_LEN);
	assert_true(m->last_seq == 7);
	assert_string_equal(m->name, "branch1");
	assert_int_equal(m->n_digests, 2);
	assert_int_equal(m->digests[0].network, 0xc6336400u);
	assert_int_equal(m->digests[0].prefix, 24);
	assert_int_equal(m->digests[0].sha256[31], 0xa5);
	assert_int_equal(m->digests[1].network, 0xcb007100u);
	assert_int_equal(m->digests[1].prefix, 25);
	for (int i = 0; i < FO_SHA256_LEN; i++)
		assert_int_equal(m->digests[1].sha256[i], i);
	assert_true(fo_hdr_from_primary(&m->hdr));
	free(m);
}

static void
decode_ctl_req(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(ctl_req_hex, m, FO_CTL_REQ, FO_FLAG_FROM_PRIMARY, 2);
	assert_int_equal(m->present, B(VERSIONS) | B(NAME) | B(STORE_ID) |
	    B(LAST_SEQ) | B(BUF_SIZE) | B(STATE) | B(CLOCK) | B(DIGEST));
	assert_string_equal(m->name, "branch1");
	assert_true(m->last_seq == 0);
	assert_int_equal(m->buf_size, 1024);
	assert_int_equal(m->state, FO_STATE_WAIT_CONTROL);
	assert_int_equal(m->n_digests, 1);
	free(m);
}

static void
decode_ctl_ret(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(ctl_ret_hex, m, FO_CTL_RET, 0, 2);
	assert_int_equal(m->present, B(RESULT) | B(REASON) | B(LAST_SEQ) |
	    B(COUNT) | B(VERSIONS));
	assert_int_equal(m->result, FO_RESULT_OK);
	assert_string_equal(m->reason, "ok");
	assert_true(m->last_seq == 9);
	assert_int_equal(m->count, 3);
	free(m);
}

static void
decode_sync_req(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(sync_req_hex, m, FO_SYNC_REQ, 0, 3);
	assert_int_equal(m->present, B(VERSIONS) | B(NAME) | B(STORE_ID) |
	    B(LAST_SEQ) | B(BUF_SIZE));
	assert_string_equal(m->name, "hub1");
	assert_int_equal(m->buf_size, 1024);
	free(m);
}

static void
decode_sync_start(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(sync_start_hex, m, FO_SYNC_START, FO_FLAG_FROM_PRIMARY, 3);
	assert_int_equal(m->present, B(COUNT) | B(STORE_ID) | B(LAST_SEQ));
	assert_int_equal(m->count, 2);
	assert_memory_equal(m->store_id, store_id, FO_STORE_ID_LEN);
	assert_true(m->last_seq == 120);
	free(m);
}

static void
decode_sync_done(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(sync_done_hex, m, FO_SYNC_DONE, FO_FLAG_FROM_PRIMARY, 4);
	assert_int_equal(m->present, B(COUNT) | B(UPD_SEQ));
	assert_int_equal(m->count, 2);
	assert_true(m->upd_seq == 122);
	assert_int_equal(m->n_updates, 0);
	free(m);
}

static void
decode_bind_upd(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(bind_upd_hex, m, FO_BIND_UPD, FO_FLAG_FROM_PRIMARY, 5);
	assert_int_equal(m->present, B(UPD_SEQ) | B(LEASE));
	assert_int_equal(m->n_updates, 2);
	assert_true(m->updates[0].seq == 121);
	assert_int_equal(m->updates[0].lease_len, sizeof(lease_a));
	assert_memory_equal(m->updates[0].lease, lease_a, sizeof(lease_a));
	assert_true(m->updates[1].seq == 122);
	assert_int_equal(m->updates[1].lease_len, sizeof(lease_b));
	assert_memory_equal(m->updates[1].lease, lease_b, sizeof(lease_b));
	free(m);
}

static void
decode_bind_req_rpl(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(bind_req_hex, m, FO_BIND_REQ, FO_FLAG_FROM_PRIMARY, 7);
	assert_int_equal(m->present, B(UPD_SEQ) | B(LEASE));
	assert_int_equal(m->n_updates, 1);
	assert_true(m->updates[0].seq == 121);
	assert_memory_equal(m->updates[0].lease, lease_a, sizeof(lease_a));
	decode_vec(bind_rpl_hex, m, FO_BIND_RPL, 0, 8);
	assert_int_equal(m->present, B(UPD_SEQ) | B(RESULT) | B(REASON));
	assert_true(m->upd_seq == 121);
	assert_int_equal(m->result, FO_RESULT_IN_USE);
	assert_string_equal(m->reason, "in use");
	assert_int_equal(m->n_updates, 0);
	free(m);
}

static void
decode_bind_ack(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(bind_ack_hex, m, FO_BIND_ACK, 0, 4);
	assert_int_equal(m->present, B(ACK_RANGE));
	assert_int_equal(m->n_acks, 2);
	assert_true(m->acks[0].first == 121 && m->acks[0].last == 122);
	assert_true(m->acks[1].first == 125 && m->acks[1].last == 125);
	free(m);
}

static void
decode_subnet_sync_start(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(subnet_sync_start_hex, m, FO_SUBNET_SYNC_START, 0, 5);
	assert_int_equal(m->present, B(SUBNET) | B(COUNT) | B(UPD_SEQ));
	assert_int_equal(m->subnet, 0xc6336400u);
	assert_int_equal(m->subnet_prefix, 24);
	assert_int_equal(m->count, 5);
	assert_true(m->upd_seq == 200);
	free(m);
}

static void
decode_subnet_sync_done(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(subnet_sync_done_hex, m, FO_SUBNET_SYNC_DONE, 0, 6);
	assert_int_equal(m->present, B(SUBNET) | B(COUNT));
	assert_int_equal(m->subnet, 0xc6336400u);
	assert_int_equal(m->count, 5);
	free(m);
}

static void
decode_shutdown(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	decode_vec(shutdown_hex, m, FO_SHUTDOWN, FO_FLAG_FROM_PRIMARY, 6);
	assert_int_equal(m->present, B(REASON) | B(STATE));
	assert_string_equal(m->reason, "operator stop");
	assert_int_equal(m->state, FO_STATE_SHUTTING_DOWN);
	free(m);
}

/*
 * Where a vector's TLVs are already in type order, encoding the decoded
 * message gives back exactly the vector.
 */
static void
encode_reproduces_type_ordered_vectors(void **state)
{
	const char *const vecs[] = { sync_req_hex, sync_done_hex,
	    bind_upd_hex, bind_ack_hex };
	struct fo_msg	*m = new_msg();
	uint8_t		 in[512], out[512];
	size_t		 inlen, outlen;

	(void)state;
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		inlen = hex2bin(vecs[i], in, sizeof(in));
		assert_int_equal(fo_decode(in, inlen, 4096, m), FO_OK);
		assert_int_equal(fo_encode(m, out, sizeof(out), &outlen),
		    FO_OK);
		assert_int_equal(outlen, inlen);
		assert_memory_equal(out, in, inlen);
		assert_int_equal(fo_encoded_len(m), inlen);
	}
	free(m);
}

/* Any vector: decode, encode, decode gives the same message. */
static void
vectors_survive_reencoding(void **state)
{
	struct fo_msg	*m1 = new_msg(), *m2 = new_msg();
	uint8_t		 in[512], out[512];
	size_t		 inlen, outlen;

	(void)state;
	for (size_t i = 0; i < NVEC; i++) {
		inlen = hex2bin(all_vectors[i], in, sizeof(in));
		assert_int_equal(fo_decode(in, inlen, 4096, m1), FO_OK);
		assert_int_equal(fo_encode(m1, out, sizeof(out), &outlen),
		    FO_OK);
		assert_int_equal(outlen, inlen);
		assert_int_equal(decode_bytes(out, outlen, 4096, m2), FO_OK);
		m2->hdr.length = m1->hdr.length;
		assert_msg_equal(m1, m2);
	}
	free(m1);
	free(m2);
}

/* ---- the per-message table, both directions ---- */

static void
table_required_only_and_all_optionals_decode(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	for (size_t i = 0; i < NTABLE; i++) {
		wb_start_type(i);
		wb_tlvs(msg_table[i].req);
		wb_finish();
		assert_int_equal(wb_decode(4096, m), FO_OK);
		assert_int_equal(m->present, msg_table[i].req);

		wb_start_type(i);
		wb_tlvs(msg_table[i].req | msg_table[i].opt);
		wb_finish();
		assert_int_equal(wb_decode(4096, m), FO_OK);
		assert_int_equal(m->present,
		    msg_table[i].req | msg_table[i].opt);
	}
	free(m);
}

static void
table_round_trip_every_type_with_every_optional(void **state)
{
	struct fo_msg	*a = new_msg(), *b = new_msg();
	uint8_t		*buf = malloc(FO_DGRAM_MAX);
	size_t		 len;

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < NTABLE; i++) {
		fill_msg(a, i, msg_table[i].req | msg_table[i].opt);
		assert_int_equal(fo_encode(a, buf, FO_DGRAM_MAX, &len), FO_OK);
		assert_int_equal(fo_encoded_len(a), len);
		assert_int_equal(decode_bytes(buf, len, 4096, b), FO_OK);
		assert_int_equal(b->present,
		    msg_table[i].req | msg_table[i].opt);
		a->hdr.length = (uint16_t)len;
		assert_msg_equal(a, b);
	}
	free(buf);
	free(a);
	free(b);
}

static void
table_missing_required_is_rejected(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 buf[2048];
	size_t		 len;

	(void)state;
	for (size_t i = 0; i < NTABLE; i++) {
		uint32_t req = msg_table[i].req;

		for (unsigned t = 1; t <= FO_TLV_MAX; t++) {
			if ((req & FO_BIT(t)) == 0)
				continue;
			wb_start_type(i);
			wb_tlvs((req | msg_table[i].opt) & ~FO_BIT(t));
			wb_finish();
			/* Half a BIND_UPD pair is an order error. */
			assert_int_equal(wb_decode(4096, m),
			    paired(msg_table[i].type) ?
			    FO_ERR_TLV_ORDER : FO_ERR_TLV_MISSING);

			fill_msg(m, i, (req | msg_table[i].opt) & ~FO_BIT(t));
			if (!paired(msg_table[i].type))
				assert_int_equal(fo_encode(m, buf,
				    sizeof(buf), &len), FO_ERR_TLV_MISSING);
		}
	}
	/* A BIND_UPD with no pair at all is missing them. */
	wb_start_type(table_index(FO_BIND_UPD));
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_TLV_MISSING);
	fill_msg(m, table_index(FO_BIND_UPD), 0);
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len),
	    FO_ERR_TLV_MISSING);
	free(m);
}

static void
table_tlv_not_allowed_is_rejected(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 buf[2048];
	size_t		 len;

	(void)state;
	for (size_t i = 0; i < NTABLE; i++) {
		uint32_t ok = msg_table[i].req | msg_table[i].opt;

		for (unsigned t = 1; t <= FO_TLV_MAX; t++) {
			if ((ok & FO_BIT(t)) != 0)
				continue;
			wb_start_type(i);
			wb_tlvs(msg_table[i].req);
			wb_tlv_hex((uint16_t)t, sample[t]);
			wb_finish();
			assert_int_equal(wb_decode(4096, m),
			    FO_ERR_TLV_NOT_ALLOWED);

			fill_msg(m, i, msg_table[i].req | FO_BIT(t));
			assert_int_equal(fo_encode(m, buf, sizeof(buf), &len),
			    FO_ERR_TLV_NOT_ALLOWED);
		}
	}
	free(m);
}

static void
table_duplicate_single_tlv_is_rejected(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	for (size_t i = 0; i < NTABLE; i++) {
		uint32_t ok = msg_table[i].req | msg_table[i].opt;

		if (paired(msg_table[i].type))
			continue;	/* see rejects_unpaired_updates */
		for (unsigned t = 1; t <= FO_TLV_MAX; t++) {
			if ((ok & FO_BIT(t)) == 0 || (REPEATABLE & FO_BIT(t)))
				continue;
			wb_start_type(i);
			wb_tlvs(ok);
			wb_tlv_hex((uint16_t)t, sample[t]);
			wb_finish();
			assert_int_equal(wb_decode(4096, m), FO_ERR_TLV_DUP);
		}
	}
	free(m);
}

static void
table_directions(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 buf[2048];
	size_t		 len;

	(void)state;
	for (size_t i = 0; i < NTABLE; i++) {
		enum fo_dir d = fo_type_dir(msg_table[i].type);

		assert_int_not_equal(d, FO_DIR_NONE);
		/* Flip the flag: wrong unless either side may send it. */
		wb_start(1, msg_table[i].type, msg_table[i].from_primary ?
		    0 : FO_FLAG_FROM_PRIMARY);
		wb_tlvs(msg_table[i].req);
		wb_finish();
		assert_int_equal(wb_decode(4096, m), d == FO_DIR_EITHER ?
		    FO_OK : FO_ERR_DIRECTION);

		fill_msg(m, i, msg_table[i].req);
		m->hdr.flags ^= FO_FLAG_FROM_PRIMARY;
		assert_int_equal(fo_encode(m, buf, sizeof(buf), &len),
		    d == FO_DIR_EITHER ? FO_OK : FO_ERR_DIRECTION);
	}
	assert_int_equal(fo_type_dir(FO_POLL), FO_DIR_F2P);
	assert_int_equal(fo_type_dir(FO_SHUTDOWN), FO_DIR_P2F);
	assert_int_equal(fo_type_dir(FO_BIND_UPD), FO_DIR_EITHER);
	assert_int_equal(fo_type_dir(0), FO_DIR_NONE);
	assert_int_equal(fo_type_dir(FO_BIND_REQ), FO_DIR_P2F);
	assert_int_equal(fo_type_dir(FO_BIND_RPL), FO_DIR_F2P);
	assert_int_equal(fo_type_dir(FO_CFG_REQ), FO_DIR_F2P);
	assert_int_equal(fo_type_dir(FO_CFG_RPL), FO_DIR_P2F);
	assert_int_equal(fo_type_dir(17), FO_DIR_NONE);
	free(m);
}

/* ---- truncation ---- */

/* Every proper prefix of every vector is rejected, from an exact copy. */
static void
truncation_at_every_offset(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 full[512];
	size_t		 len;
	enum fo_err	 e;

	(void)state;
	for (size_t v = 0; v < NVEC; v++) {
		len = hex2bin(all_vectors[v], full, sizeof(full));
		for (size_t n = 0; n < len; n++) {
			e = decode_bytes(full, n, 4096, m);
			assert_int_equal(e, n < FO_MIN_LEN ? FO_ERR_SHORT :
			    FO_ERR_LENGTH);
		}
	}
	free(m);
}

/*
 * The same cuts with a consistent length field (as a peer that
 * miscounted would send): the TLV walk must stop at the cut.  A cut
 * inside a TLV is "tlv-truncated"; a cut between TLVs may succeed only
 * if nothing required is gone.
 */
static void
truncation_inside_tlv_area_with_patched_length(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 full[512];
	size_t		 len, end, off, next, cut;
	bool		 boundary;
	enum fo_err	 e;

	(void)state;
	for (size_t v = 0; v < NVEC; v++) {
		len = hex2bin(all_vectors[v], full, sizeof(full));
		end = len - FO_HMAC_LEN;
		for (cut = FO_HDR_LEN; cut < end; cut++) {
			/* Is cut on a TLV boundary of the original? */
			boundary = false;
			for (off = FO_HDR_LEN; off <= cut; off = next) {
				next = off + 4 + ((size_t)full[off + 2] << 8 |
				    full[off + 3]);
				if (off == cut)
					boundary = true;
			}
			wb.n = 0;
			wb_put(full, cut);
			wb_finish();
			e = wb_decode(4096, m);
			if (!boundary)
				assert_int_equal(e, FO_ERR_TLV_TRUNC);
			else
				assert_true(e == FO_OK ||
				    e == FO_ERR_TLV_MISSING ||
				    e == FO_ERR_TLV_ORDER);
		}
	}
	free(m);
}

/* ---- header rules ---- */

static void
rejects_short(void **state)
{
	struct fo_msg	*m = new_msg();
	struct fo_hdr	 h;
	uint8_t		 buf[FO_MIN_LEN];

	(void)state;
	memset(buf, 0, sizeof(buf));
	for (size_t n = 0; n < FO_MIN_LEN; n++) {
		assert_int_equal(decode_bytes(buf, n, 4096, m), FO_ERR_SHORT);
		assert_int_equal(fo_peek_header(buf, n, &h), FO_ERR_SHORT);
	}
	free(m);
}

static void
rejects_bad_magic(void **state)
{
	struct fo_msg	*m = new_msg();
	struct fo_hdr	 h;

	(void)state;
	wb_start(1, FO_POLL, 0);
	wb_tlvs(B(VERSIONS) | B(CLOCK));
	wb_finish();
	for (int i = 0; i < 4; i++) {
		wb.b[i] ^= 0x20;
		assert_int_equal(wb_decode(4096, m), FO_ERR_MAGIC);
		assert_int_equal(fo_peek_header(wb.b, wb.n, &h), FO_ERR_MAGIC);
		wb.b[i] ^= 0x20;
	}
	assert_int_equal(wb_decode(4096, m), FO_OK);
	free(m);
}

static void
rejects_length_mismatch(void **state)
{
	struct fo_msg	*m = new_msg();
	struct fo_hdr	 h;
	size_t		 len;

	(void)state;
	wb_start(1, FO_POLL, 0);
	wb_tlvs(B(VERSIONS) | B(CLOCK));
	len = wb_finish();
	/* Declared longer than what arrived, then shorter. */
	wb.b[FO_OFF_LENGTH + 1]++;
	assert_int_equal(wb_decode(4096, m), FO_ERR_LENGTH);
	assert_int_equal(fo_peek_header(wb.b, wb.n, &h), FO_ERR_LENGTH);
	wb.b[FO_OFF_LENGTH + 1] -= 2;
	assert_int_equal(wb_decode(4096, m), FO_ERR_LENGTH);
	wb.b[FO_OFF_LENGTH + 1]++;
	/* Trailing bytes after the HMAC: the datagram is not the message. */
	assert_int_equal(decode_bytes(wb.b, len + 1, 4096, m), FO_ERR_LENGTH);
	/* Declared 65535 on a small buffer: never read past len. */
	wb.b[FO_OFF_LENGTH] = 0xff;
	wb.b[FO_OFF_LENGTH + 1] = 0xff;
	assert_int_equal(wb_decode(4096, m), FO_ERR_LENGTH);
	free(m);
}

static void
rejects_unknown_type(void **state)
{
	struct fo_msg	*m = new_msg();
	const uint8_t	 types[] = { 0, FO_TYPE_MAX + 1, 0x7f, 0xff };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		wb_start(1, types[i], 0);
		wb_finish();
		assert_int_equal(wb_decode(4096, m), FO_ERR_TYPE);
	}
	free(m);
}

static void
key_id_and_unknown_flag_bits(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 out[256];
	size_t		 len;

	(void)state;
	wb_start(1, FO_POLL, 0xfffe);
	wb_tlvs(B(VERSIONS) | B(CLOCK));
	wb_finish();
	wb.b[FO_OFF_KEY_ID] = 0xde;
	wb.b[FO_OFF_KEY_ID + 1] = 0xad;
	assert_int_equal(wb_decode(4096, m), FO_OK);
	assert_int_equal(m->hdr.flags, 0xfffe);
	/* The key id is read big-endian at offset 30 ... */
	assert_int_equal(m->hdr.key_id, 0xdead);
	/* ... and written back from the header, as are the flags. */
	m->hdr.key_id = 0x1a2b;
	assert_int_equal(fo_encode(m, out, sizeof(out), &len), FO_OK);
	assert_int_equal(out[FO_OFF_FLAGS], 0xff);
	assert_int_equal(out[FO_OFF_FLAGS + 1], 0xfe);
	assert_int_equal(out[30], 0x1a);
	assert_int_equal(out[31], 0x2b);
	/* An older peer's 0 reads as 0: no id. */
	m->hdr.key_id = 0;
	assert_int_equal(fo_encode(m, out, sizeof(out), &len), FO_OK);
	assert_int_equal(out[30] | out[31], 0);
	free(m);
}

static void
peek_header_reads_any_version_and_type(void **state)
{
	struct fo_hdr	 h;

	(void)state;
	wb_start(9, 200, 0x8001);
	wb_tlv_hex(0x1234, "00");
	wb_finish();
	assert_int_equal(fo_peek_header(wb.b, wb.n, &h), FO_OK);
	assert_int_equal(h.version, 9);
	assert_int_equal(h.type, 200);
	assert_int_equal(h.flags, 0x8001);
	assert_true(h.seq == 7);
	assert_true(h.epoch == EPOCH_VAL);
	assert_int_equal(h.primary_id, PID_VAL);
	assert_int_equal(h.length, wb.n);
}

/* ---- TLV framing ---- */

static void
rejects_unknown_tlv_types(void **state)
{
	struct fo_msg	*m = new_msg();
	const uint16_t	 types[] = { 0, FO_TLV_MAX + 1, 0x0100, 0x7fff };

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		wb_start(1, FO_POLL, 0);
		wb_tlvs(B(VERSIONS) | B(CLOCK));
		wb_tlv_hex(types[i], "00");
		wb_finish();
		assert_int_equal(wb_decode(4096, m), FO_ERR_TLV_UNKNOWN);
	}
	free(m);
}

static void
skips_extension_tlvs(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 big[300];

	(void)state;
	memset(big, 0xee, sizeof(big));
	wb_start(1, FO_BIND_UPD, FO_FLAG_FROM_PRIMARY);
	wb_tlv(FO_TLV_EXT, NULL, 0);
	wb_tlv_hex(FO_TLV_UPD_SEQ, "0000000000000001");
	wb_tlv_hex(FO_TLV_LEASE, "01");
	wb_tlv(0xffff, big, sizeof(big));
	wb_tlv_hex(FO_TLV_UPD_SEQ, "0000000000000002");
	wb_tlv_hex(FO_TLV_LEASE, "02");
	wb_tlv_hex(0x8123, "0101");	/* looks like VERSIONS: still skipped */
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_OK);
	assert_int_equal(m->n_ext, 3);
	assert_int_equal(m->n_updates, 2);
	assert_int_equal(m->present, B(UPD_SEQ) | B(LEASE));
	free(m);
}

static void
rejects_tlv_running_past_the_end(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	/* 1..3 bytes left: not even a TLV header. */
	for (int left = 1; left < FO_TLV_HDR_LEN; left++) {
		wb_start(1, FO_POLL, 0);
		wb_tlvs(B(VERSIONS) | B(CLOCK));
		wb_put("\x80\x00\x00", (size_t)left);
		wb_finish();
		assert_int_equal(wb_decode(4096, m), FO_ERR_TLV_TRUNC);
	}
	/* A value one byte longer than what is left (into the HMAC). */
	wb_start(1, FO_POLL, 0);
	wb_tlvs(B(VERSIONS));
	wb_u16(FO_TLV_CLOCK);
	wb_u16(9);
	wb_u64(1);
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_TLV_TRUNC);
	/* A length of 65535 on a tiny message. */
	wb_start(1, FO_POLL, 0);
	wb_u16(0x8000);
	wb_u16(0xffff);
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_TLV_TRUNC);
	free(m);
}

static void
rejects_wrong_tlv_sizes(void **state)
{
	struct fo_msg	*m = new_msg();
	static uint8_t	 v[FO_CFG_CHUNK_MAX + 2];
	size_t		 i, bad[2];

	(void)state;
	memset(v, 'a', sizeof(v));
	for (unsigned t = 1; t <= FO_TLV_MAX; t++) {
		uint8_t	 sv[256];
		size_t	 slen = hex2bin(sample[t], sv, sizeof(sv));

		switch (t) {
		case FO_TLV_NAME:
			bad[0] = 0, bad[1] = FO_NAME_MAX + 1;
			break;
		case FO_TLV_REASON:
			bad[0] = 0, bad[1] = FO_REASON_MAX + 1;
			break;
		case FO_TLV_LEASE:
			bad[0] = 0, bad[1] = 101;	/* lease_max 100 */
			break;
		case FO_TLV_CFG_DATA:
			bad[0] = 0, bad[1] = FO_CFG_CHUNK_MAX + 1;
			break;
		default:
			bad[0] = slen - 1, bad[1] = slen + 1;
			break;
		}
		i = type_carrying(t);
		for (int k = 0; k < 2; k++) {
			uint32_t base = msg_table[i].req & ~FO_BIT(t);

			/* LEASE before its UPD_SEQ: an order error */
			if (t == FO_TLV_UPD_SEQ)
				base &= ~B(LEASE);
			wb_start_type(i);
			wb_tlvs(base);
			wb_tlv((uint16_t)t, v, bad[k]);
			wb_finish();
			assert_int_equal(wb_decode(100, m), FO_ERR_TLV_SIZE);
		}
	}
	free(m);
}

static void
lease_size_follows_lease_max(void **state)
{
	struct fo_msg	*m = new_msg();
	static uint8_t	 v[FO_LEASE_MAX + 1];

	(void)state;
	memset(v, 0x5a, sizeof(v));
	wb_start(1, FO_BIND_UPD, 0);
	wb_tlv_hex(FO_TLV_UPD_SEQ, "0000000000000001");
	wb_tlv(FO_TLV_LEASE, v, 100);
	wb_finish();
	assert_int_equal(wb_decode(99, m), FO_ERR_TLV_SIZE);
	assert_int_equal(wb_decode(100, m), FO_OK);
	assert_int_equal(wb_decode(0, m), FO_ERR_TLV_SIZE);

	/* Above FO_LEASE_MAX, lease_max counts as FO_LEASE_MAX. */
	wb_start(1, FO_BIND_UPD, 0);
	wb_tlv_hex(FO_TLV_UPD_SEQ, "0000000000000001");
	wb_tlv(FO_TLV_LEASE, v, FO_LEASE_MAX);
	wb_finish();
	assert_int_equal(wb_decode(SIZE_MAX, m), FO_OK);
	assert_int_equal(m->updates[0].lease_len, FO_LEASE_MAX);
	wb_start(1, FO_BIND_UPD, 0);
	wb_tlv_hex(FO_TLV_UPD_SEQ, "0000000000000001");
	wb_tlv(FO_TLV_LEASE, v, FO_LEASE_MAX + 1);
	wb_finish();
	assert_int_equal(wb_decode(SIZE_MAX, m), FO_ERR_TLV_SIZE);
	free(m);
}

static void
rejects_too_many_repeats(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 d[FO_DIGEST_TLV_LEN], lease = 1;

	(void)state;
	memset(d, 0x11, sizeof(d));
	for (int extra = 0; extra <= 1; extra++) {
		wb_start(1, FO_POLL_RPL, FO_FLAG_FROM_PRIMARY);
		wb_tlvs(msg_table[table_index(FO_POLL_RPL)].req);
		for (int i = 0; i < FO_MAX_DIGESTS + extra; i++) {
			/* 10.h.l.0/24, all different */
			d[0] = 10, d[1] = (uint8_t)(i >> 8), d[2] = (uint8_t)i;
			d[3] = 0, d[4] = 24;
			wb_tlv(FO_TLV_DIGEST, d, sizeof(d));
		}
		wb_finish();
		assert_int_equal(wb_decode(4096, m),
		    extra ? FO_ERR_TLV_COUNT : FO_OK);
		if (!extra)
			assert_int_equal(m->n_digests, FO_MAX_DIGESTS);

		wb_start(1, FO_BIND_ACK, 0);
		for (int i = 0; i < FO_MAX_ACK_RANGES + extra; i++) {
			wb_u16(FO_TLV_ACK_RANGE);
			wb_u16(16);
			wb_u64((uint64_t)i * 10);
			wb_u64((uint64_t)i * 10 + 5);
		}
		wb_finish();
		assert_int_equal(wb_decode(4096, m),
		    extra ? FO_ERR_TLV_COUNT : FO_OK);

		wb_start(1, FO_BIND_UPD, 0);
		for (int i = 0; i < FO_MAX_UPDATES + extra; i++) {
			wb_u16(FO_TLV_UPD_SEQ);
			wb_u16(8);
			wb_u64((uint64_t)i + 1);
			wb_tlv(FO_TLV_LEASE, &lease, 1);
		}
		wb_finish();
		assert_int_equal(wb_decode(4096, m),
		    extra ? FO_ERR_TLV_COUNT : FO_OK);
	}
	free(m);
}

static void
rejects_unpaired_updates(void **state)
{
	struct fo_msg	*m = new_msg();
	static const struct {
		const char	*what;
		uint16_t	 t[5];
	} cases[] = {
		{ "lease first", { FO_TLV_LEASE, FO_TLV_UPD_SEQ } },
		{ "seq at end", { FO_TLV_UPD_SEQ, FO_TLV_LEASE,
		    FO_TLV_UPD_SEQ } },
		{ "two seqs", { FO_TLV_UPD_SEQ, FO_TLV_UPD_SEQ,
		    FO_TLV_LEASE } },
		{ "two leases", { FO_TLV_UPD_SEQ, FO_TLV_LEASE,
		    FO_TLV_LEASE } },
		{ "ext inside", { FO_TLV_UPD_SEQ, FO_TLV_EXT, FO_TLV_LEASE } },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint64_t seq = 1;

		wb_start(1, FO_BIND_UPD, 0);
		for (int k = 0; k < 5 && cases[c].t[k] != 0; k++) {
			if (cases[c].t[k] == FO_TLV_UPD_SEQ) {
				wb_u16(FO_TLV_UPD_SEQ);
				wb_u16(8);
				wb_u64(seq++);
			} else
				wb_tlv_hex(cases[c].t[k], "01");
		}
		wb_finish();
		print_message("case: %s\n", cases[c].what);
		assert_int_equal(wb_decode(4096, m), FO_ERR_TLV_ORDER);
	}
	free(m);
}

static void
rejects_bad_values(void **state)
{
	struct fo_msg	*m = new_msg();
	static const struct {
		uint16_t	 tlv;
		const char	*hex;
	} cases[] = {
		{ FO_TLV_VERSIONS, "0001" },		/* version 0 */
		{ FO_TLV_VERSIONS, "0000" },
		{ FO_TLV_VERSIONS, "0201" },		/* min > max */
		{ FO_TLV_NAME, "612062" },		/* "a b" */
		{ FO_TLV_NAME, "612f62" },		/* "a/b" */
		{ FO_TLV_NAME, "6100" },		/* NUL inside */
		{ FO_TLV_NAME, "c3a9" },		/* UTF-8 */
		{ FO_TLV_BUF_SIZE, "003f" },		/* 63 */
		{ FO_TLV_BUF_SIZE, "1001" },		/* 4097 */
		{ FO_TLV_BUF_SIZE, "0000" },
		{ FO_TLV_SUBNET, "c6336400 21" },	/* /33 */
		{ FO_TLV_SUBNET, "c6336401 18" },	/* host bits */
		{ FO_TLV_SUBNET, "80000000 00" },	/* /0 with bits */
		{ FO_TLV_DIGEST, "c6336400 ff" SHA_A5 },
		{ FO_TLV_DIGEST, "c6336480 18" SHA_A5 },
		{ FO_TLV_ACK_RANGE, "0000000000000002 0000000000000001" },
		{ FO_TLV_REASON, "61 1f" },		/* control */
		{ FO_TLV_REASON, "61 7f" },		/* DEL */
		{ FO_TLV_REASON, "61 0a" },		/* newline */
		{ FO_TLV_REASON, "e2" },		/* 8-bit */
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t	 i = type_carrying(cases[c].tlv);

		wb_start_type(i);
		wb_tlvs(msg_table[i].req & ~FO_BIT(cases[c].tlv));
		wb_tlv_hex(cases[c].tlv, cases[c].hex);
		wb_finish();
		print_message("case %zu: tlv %u %s\n", c, cases[c].tlv,
		    cases[c].hex);
		assert_int_equal(wb_decode(4096, m), FO_ERR_VALUE);
	}
	free(m);
}

static void
accepts_boundary_values(void **state)
{
	struct fo_msg	*m = new_msg();
	static const struct {
		uint16_t	 tlv;
		const char	*hex;
	} cases[] = {
		{ FO_TLV_VERSIONS, "01ff" },
		{ FO_TLV_VERSIONS, "ffff" },
		{ FO_TLV_BUF_SIZE, "0040" },		/* 64 */
		{ FO_TLV_BUF_SIZE, "1000" },		/* 4096 */
		{ FO_TLV_SUBNET, "00000000 00" },	/* 0.0.0.0/0 */
		{ FO_TLV_SUBNET, "ffffffff 20" },	/* /32 */
		{ FO_TLV_SUBNET, "80000000 01" },
		{ FO_TLV_ACK_RANGE, "ffffffffffffffff ffffffffffffffff" },
		{ FO_TLV_ACK_RANGE, "0000000000000000 0000000000000000" },
		{ FO_TLV_REASON, "20 7e" },
		{ FO_TLV_NAME, "2d2e5f" },		/* "-._" */
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t	 i = type_carrying(cases[c].tlv);

		wb_start_type(i);
		wb_tlvs(msg_table[i].req & ~FO_BIT(cases[c].tlv));
		wb_tlv_hex(cases[c].tlv, cases[c].hex);
		wb_finish();
		print_message("case %zu\n", c);
		assert_int_equal(wb_decode(4096, m), FO_OK);
	}
	free(m);
}

static void
rejects_inconsistent_repeats(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	/* Update sequences must ascend within a batch. */
	for (int dup = 0; dup <= 1; dup++) {
		wb_start(1, FO_BIND_UPD, 0);
		wb_tlv_hex(FO_TLV_UPD_SEQ, "0000000000000005");
		wb_tlv_hex(FO_TLV_LEASE, "01");
		wb_tlv_hex(FO_TLV_UPD_SEQ, dup ? "0000000000000005" :
		    "0000000000000004");
		wb_tlv_hex(FO_TLV_LEASE, "01");
		wb_finish();
		assert_int_equal(wb_decode(4096, m), FO_ERR_VALUE);
	}
	/* Ack ranges ascend without overlapping; adjacent is fine. */
	wb_start(1, FO_BIND_ACK, 0);
	wb_tlv_hex(FO_TLV_ACK_RANGE, "0000000000000001 0000000000000005");
	wb_tlv_hex(FO_TLV_ACK_RANGE, "0000000000000005 0000000000000009");
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_VALUE);
	wb_start(1, FO_BIND_ACK, 0);
	wb_tlv_hex(FO_TLV_ACK_RANGE, "0000000000000010 0000000000000011");
	wb_tlv_hex(FO_TLV_ACK_RANGE, "0000000000000001 0000000000000002");
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_VALUE);
	wb_start(1, FO_BIND_ACK, 0);
	wb_tlv_hex(FO_TLV_ACK_RANGE, "0000000000000001 0000000000000005");
	wb_tlv_hex(FO_TLV_ACK_RANGE, "0000000000000006 0000000000000009");
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_OK);
	/* One digest per subnet. */
	wb_start(1, FO_POLL_RPL, FO_FLAG_FROM_PRIMARY);
	wb_tlvs(msg_table[table_index(FO_POLL_RPL)].req);
	wb_tlv_hex(FO_TLV_DIGEST, "c6336400 18" SHA_A5);
	wb_tlv_hex(FO_TLV_DIGEST, "c6336400 19" SHA_A5);
	wb_tlv_hex(FO_TLV_DIGEST, "c6336400 18" SHA_SEQ);
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_VALUE);
	free(m);
}

/* ---- versions ---- */

static void
version_pick_table(void **state)
{
	static const struct {
		uint8_t	 a, b, c, d;
		int	 want;
	} t[] = {
		{ 1, 1, 1, 1, 1 },
		{ 1, 1, 1, 2, 1 },
		{ 1, 2, 1, 1, 1 },
		{ 1, 3, 2, 5, 3 },
		{ 2, 5, 1, 3, 3 },
		{ 1, 1, 2, 2, -1 },
		{ 3, 4, 1, 2, -1 },
		{ 0, 1, 1, 1, -1 },	/* version 0 does not exist */
		{ 1, 1, 0, 0, -1 },
		{ 2, 1, 1, 2, -1 },	/* empty range */
		{ 1, 255, 255, 255, 255 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(fo_version_pick(t[i].a, t[i].b, t[i].c,
		    t[i].d), t[i].want);
}

/*
 * A peer running a later version polls us.  The message authenticates
 * (the HMAC does not depend on the version); decoding stops at the
 * version but hands back the header and the peer's VERSIONS, and we
 * answer in the highest common version, which the peer can read.
 */
static void
negotiates_down_from_a_version_2_peer(void **state)
{
	struct fo_msg	*m = new_msg();
	struct fo_key	 key;
	struct fo_hdr	 h;
	uint8_t		 kb[32], out[512];
	size_t		 len;
	int		 v;

	(void)state;
	memset(kb, 0x42, sizeof(kb));
	assert_int_equal(fo_key_set(&key, kb, sizeof(kb)), 0);

	/* Version 2 POLL with a TLV type version 1 does not know. */
	wb_start(2, FO_POLL, 0);
	wb_tlv_hex(0x0010, "000102");
	wb_tlv_hex(FO_TLV_VERSIONS, "0102");
	wb_tlv_hex(FO_TLV_CLOCK, "0000018bcfe5687b");
	wb_finish();
	assert_true(fo_auth_sign(&key, wb.b, wb.n));

	assert_int_equal(fo_peek_header(wb.b, wb.n, &h), FO_OK);
	assert_int_equal(h.version, 2);
	assert_true(fo_auth_verify(&key, wb.b, wb.n));
	assert_int_equal(wb_decode(4096, m), FO_ERR_VERSION);
	assert_int_equal(m->hdr.version, 2);
	assert_int_equal(m->hdr.type, FO_POLL);
	assert_int_equal(m->hdr.primary_id, PID_VAL);
	assert_true(m->hdr.seq == 7);
	assert_int_equal(m->present, B(VERSIONS));
	assert_int_equal(m->ver_min, 1);
	assert_int_equal(m->ver_max, 2);

	v = fo_version_pick(FO_VERSION_MIN, FO_VERSION_MAX, m->ver_min,
	    m->ver_max);
	assert_int_equal(v, 1);

	/* Our answer, in version 1, announcing our own range. */
	fo_msg_init(m, FO_POLL_RPL, true);
	m->hdr.version = (uint8_t)v;
	m->present = B(VERSIONS) | B(STATE) | B(CLOCK) | B(STORE_ID) |
	    B(LAST_SEQ);
	m->ver_min = FO_VERSION_MIN;
	m->ver_max = FO_VERSION_MAX;
	m->state = FO_STATE_SERVING;
	assert_int_equal(fo_encode(m, out, sizeof(out), &len), FO_OK);
	assert_true(fo_auth_sign(&key, out, len));
	assert_true(fo_auth_verify(&key, out, len));
	assert_int_equal(decode_bytes(out, len, 4096, m), FO_OK);
	assert_int_equal(m->hdr.version, 1);

	/* A version 2-only peer: no common version. */
	wb_start(2, FO_POLL, 0);
	wb_tlv_hex(FO_TLV_VERSIONS, "0202");
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_VERSION);
	assert_int_equal(fo_version_pick(FO_VERSION_MIN, FO_VERSION_MAX,
	    m->ver_min, m->ver_max), -1);

	/* Unparseable framing or no VERSIONS: header only. */
	wb_start(2, FO_POLL, 0);
	wb_tlv_hex(0x0010, "00");
	wb_put("\x00\x01\x00", 3);
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_VERSION);
	assert_int_equal(m->present, 0);
	assert_int_equal(m->hdr.version, 2);

	/* A value running past the end stops the scan too. */
	wb_start(2, FO_POLL, 0);
	wb_u16(0x0010);
	wb_u16(200);
	wb_tlv_hex(FO_TLV_VERSIONS, "0102");
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_VERSION);
	assert_int_equal(m->present, 0);

	/* Version 0 is as unknown as any other. */
	wb_start(0, FO_POLL, 0);
	wb_tlvs(B(VERSIONS) | B(CLOCK));
	wb_finish();
	assert_int_equal(wb_decode(4096, m), FO_ERR_VERSION);
	assert_int_equal(m->present, B(VERSIONS));
	fo_key_clear(&key);
	free(m);
}

/* ---- encoder ---- */

static void
encode_nospace_below_exact_size(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		*buf;
	size_t		 need, len;

	(void)state;
	for (size_t i = 0; i < NTABLE; i++) {
		fill_msg(m, i, msg_table[i].req | msg_table[i].opt);
		need = fo_encoded_len(m);
		assert_true(need >= FO_MIN_LEN);
		for (size_t cap = 0; cap < need; cap++) {
			buf = malloc(cap > 0 ? cap : 1);
			assert_non_null(buf);
			assert_int_equal(fo_encode(m, buf, cap, &len),
			    FO_ERR_NOSPACE);
			free(buf);
		}
		buf = malloc(need);
		assert_non_null(buf);
		assert_int_equal(fo_encode(m, buf, need, &len), FO_OK);
		assert_int_equal(len, need);
		/* Length field, and the HMAC room left zeroed. */
		assert_int_equal((size_t)buf[FO_OFF_LENGTH] << 8 |
		    buf[FO_OFF_LENGTH + 1], need);
		for (size_t k = need - FO_HMAC_LEN; k < need; k++)
			assert_int_equal(buf[k], 0);
		free(buf);
	}
	free(m);
}

static void
encode_refuses_invalid_messages(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 buf[4096];
	size_t		 len, poll = table_index(FO_POLL);
	size_t		 upd = table_index(FO_BIND_UPD);

	(void)state;
#define REFUSE(err) \
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), err)
	fill_msg(m, poll, msg_table[poll].req);
	REFUSE(FO_OK);
	m->hdr.version = 0;
	REFUSE(FO_ERR_VERSION);
	m->hdr.version = FO_VERSION_MAX + 1;
	REFUSE(FO_ERR_VERSION);
	fill_msg(m, poll, msg_table[poll].req);
	m->hdr.type = 0;
	REFUSE(FO_ERR_TYPE);
	m->hdr.type = FO_TYPE_MAX + 1;
	REFUSE(FO_ERR_TYPE);
	fill_msg(m, poll, msg_table[poll].req);
	m->present |= FO_BIT(0);
	REFUSE(FO_ERR_TLV_UNKNOWN);
	m->present = msg_table[poll].req | FO_BIT(FO_TLV_MAX + 1);
	REFUSE(FO_ERR_TLV_UNKNOWN);
	fill_msg(m, poll, msg_table[poll].req);
	m->ver_min = 0;
	REFUSE(FO_ERR_VALUE);
	fill_msg(m, poll, msg_table[poll].req | B(NAME));
	strcpy(m->name, "bad name");
	REFUSE(FO_ERR_VALUE);
	m->name[0] = '\0';
	REFUSE(FO_ERR_TLV_SIZE);
	memset(m->name, 'a', sizeof(m->name));	/* unterminated */
	REFUSE(FO_ERR_TLV_SIZE);

	fill_msg(m, table_index(FO_CTL_RET),
	    B(RESULT) | B(REASON) | B(BUF_SIZE));
	m->reason[3] = '\t';
	REFUSE(FO_ERR_VALUE);
	m->reason[3] = 'x';
	m->buf_size = FO_BUF_SIZE_MIN - 1;
	REFUSE(FO_ERR_VALUE);
	m->buf_size = FO_BUF_SIZE_MIN;
	REFUSE(FO_OK);

	fill_msg(m, table_index(FO_SUBNET_SYNC_DONE), B(SUBNET) | B(COUNT));
	m->subnet_prefix = 33;
	REFUSE(FO_ERR_VALUE);
	m->subnet_prefix = 16;		/* 203.0.113.128 has host bits */
	REFUSE(FO_ERR_VALUE);

	fill_msg(m, upd, msg_table[upd].req);
	m->updates[1].seq = m->updates[0].seq;
	REFUSE(FO_ERR_VALUE);
	fill_msg(m, upd, msg_table[upd].req);
	m->updates[1].lease = NULL;
	REFUSE(FO_ERR_INVALID);
	fill_msg(m, upd, msg_table[upd].req);
	m->updates[1].lease_len = 0;
	REFUSE(FO_ERR_TLV_SIZE);
	m->n_updates = FO_MAX_UPDATES + 1;
	REFUSE(FO_ERR_TLV_COUNT);

	fill_msg(m, table_index(FO_BIND_ACK), B(ACK_RANGE));
	m->acks[0].first = m->acks[0].last + 1;
	REFUSE(FO_ERR_VALUE);
	fill_msg(m, table_index(FO_BIND_ACK), B(ACK_RANGE));
	m->acks[1].first = m->acks[0].last;
	REFUSE(FO_ERR_VALUE);
	m->n_acks = FO_MAX_ACK_RANGES + 1;
	REFUSE(FO_ERR_TLV_COUNT);

	fill_msg(m, table_index(FO_CTL_REQ), msg_table[table_index(
	    FO_CTL_REQ)].req | B(DIGEST));
	m->digests[1] = m->digests[0];
	REFUSE(FO_ERR_VALUE);
	m->n_digests = FO_MAX_DIGESTS + 1;
	REFUSE(FO_ERR_TLV_COUNT);
#undef REFUSE
	free(m);
}

/* Within every cap, yet too big for UDP: refused, not truncated. */
static void
encode_never_exceeds_udp_maximum(void **state)
{
	struct fo_msg	*m = new_msg();
	static uint8_t	 lease[FO_LEASE_MAX];
	uint8_t		*buf = malloc(200000);
	size_t		 len;

	(void)state;
	assert_non_null(buf);
	memset(lease, 0x77, sizeof(lease));
	fo_msg_init(m, FO_BIND_UPD, true);
	for (int i = 0; i < FO_MAX_UPDATES; i++) {
		m->updates[i].seq = (uint64_t)i + 1;
		m->updates[i].lease = lease;
		m->updates[i].lease_len = FO_LEASE_MAX;
	}
	m->n_updates = FO_MAX_UPDATES;
	assert_int_equal(fo_encode(m, buf, 200000, &len), FO_ERR_NOSPACE);
	assert_int_equal(fo_encoded_len(m), 0);
	/* 15 leases of 4096 fit in 65507 bytes, 16 do not. */
	m->n_updates = 15;
	assert_int_equal(fo_encode(m, buf, 200000, &len), FO_OK);
	assert_true(len <= FO_DGRAM_MAX);
	m->n_updates = 16;
	assert_int_equal(fo_encode(m, buf, 200000, &len), FO_ERR_NOSPACE);
	free(buf);
	free(m);
}

static void
batching_fills_a_datagram(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 lease[100], buf[FO_DGRAM_LOOPBACK];
	size_t		 n, len;
	size_t		 per = FO_TLV_HDR_LEN + 8 + FO_TLV_HDR_LEN + 100;

	(void)state;
	memset(lease, 0x33, sizeof(lease));
	/* 1400 bytes: (1400 - 64) / 116 = 11 pairs. */
	fo_msg_init(m, FO_BIND_UPD, true);
	for (n = 0; fo_msg_add_update(m, 1000 + n, lease, sizeof(lease),
	    FO_DGRAM_DEFAULT); n++)
		;
	assert_int_equal(n, (FO_DGRAM_DEFAULT - FO_MIN_LEN) / per);
	assert_int_equal(m->n_updates, n);
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_OK);
	assert_true(len <= FO_DGRAM_DEFAULT);
	assert_true(len + per > FO_DGRAM_DEFAULT);

	/* On loopback the pair cap is reached first. */
	fo_msg_init(m, FO_BIND_UPD, true);
	for (n = 0; fo_msg_add_update(m, 1000 + n, lease, sizeof(lease),
	    FO_DGRAM_LOOPBACK); n++)
		;
	assert_int_equal(n, FO_MAX_UPDATES);
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_OK);
	assert_true(len <= FO_DGRAM_LOOPBACK);

	/* Refusals leave the message as it was. */
	fo_msg_init(m, FO_BIND_UPD, true);
	assert_true(fo_msg_add_update(m, 5, lease, 10, FO_DGRAM_DEFAULT));
	assert_false(fo_msg_add_update(m, 5, lease, 10, FO_DGRAM_DEFAULT));
	assert_false(fo_msg_add_update(m, 4, lease, 10, FO_DGRAM_DEFAULT));
	assert_false(fo_msg_add_update(m, 6, lease, 0, FO_DGRAM_DEFAULT));
	assert_false(fo_msg_add_update(m, 6, NULL, 10, FO_DGRAM_DEFAULT));
	assert_false(fo_msg_add_update(m, 6, lease, FO_LEASE_MAX + 1,
	    FO_DGRAM_MAX));
	assert_false(fo_msg_add_update(m, 6, lease, 10, 100));
	assert_int_equal(m->n_updates, 1);
	assert_int_equal(m->updates[1].lease_len, 0);
	assert_true(fo_msg_add_update(m, 6, lease, 10, FO_DGRAM_DEFAULT));
	free(m);
}

static void
add_ack_coalesces_runs(void **state)
{
	struct fo_msg	*m = new_msg();

	(void)state;
	fo_msg_init(m, FO_BIND_ACK, false);
	assert_true(fo_msg_add_ack(m, 1, 1));
	assert_true(fo_msg_add_ack(m, 2, 2));
	assert_true(fo_msg_add_ack(m, 3, 5));
	assert_int_equal(m->n_acks, 1);
	assert_true(m->acks[0].first == 1 && m->acks[0].last == 5);
	assert_true(fo_msg_add_ack(m, 7, 7));
	assert_int_equal(m->n_acks, 2);
	assert_false(fo_msg_add_ack(m, 6, 6));	/* behind */
	assert_false(fo_msg_add_ack(m, 7, 8));	/* overlaps */
	assert_false(fo_msg_add_ack(m, 9, 8));	/* first > last */
	assert_true(fo_msg_add_ack(m, 8, UINT64_MAX));
	assert_false(fo_msg_add_ack(m, UINT64_MAX, UINT64_MAX));
	assert_int_equal(m->n_acks, 2);

	fo_msg_init(m, FO_BIND_ACK, false);
	for (uint64_t i = 0; i < FO_MAX_ACK_RANGES; i++)
		assert_true(fo_msg_add_ack(m, i * 2, i * 2));
	assert_false(fo_msg_add_ack(m, 1000, 1000));
	assert_true(fo_msg_add_ack(m, FO_MAX_ACK_RANGES * 2 - 1,
	    FO_MAX_ACK_RANGES * 2 - 1));	/* extends the last: fits */
	assert_int_equal(m->n_acks, FO_MAX_ACK_RANGES);
	free(m);
}

static void
add_digest_checks_subnet(void **state)
{
	struct fo_msg	*m = new_msg();
	uint8_t		 sha[FO_SHA256_LEN] = { 1 };

	(void)state;
	fo_msg_init(m, FO_CTL_REQ, true);
	assert_true(fo_msg_add_digest(m, 0xc6336400u, 24, sha));
	assert_false(fo_msg_add_digest(m, 0xc6336400u, 24, sha));
	assert_false(fo_msg_add_digest(m, 0xc6336401u, 24, sha));
	assert_false(fo_msg_add_digest(m, 0xc6336400u, 33, sha));
	assert_true(fo_msg_add_digest(m, 0xc6336400u, 23, sha));
	for (uint32_t i = 2; i < FO_MAX_DIGESTS; i++)
		assert_true(fo_msg_add_digest(m, 0x0a000000u | i << 8, 24,
		    sha));
	assert_false(fo_msg_add_digest(m, 0x0b000000u, 24, sha));
	assert_int_equal(m->n_digests, FO_MAX_DIGESTS);
	free(m);
}

/* A real lease record travels in BIND_UPD and decodes on the far side. */
static void
bind_upd_carries_lease_records(void **state)
{
	struct fo_msg	*m = new_msg();
	struct lease	 l, back;
	uint8_t		 rec[LEASE_RECORD_MAX], buf[FO_DGRAM_DEFAULT];
	size_t		 rlen, len;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.addr = 0xc6336464u;
	l.state = LEASE_BOUND;
	l.htype = 1;
	l.hlen = 6;
	memcpy(l.chaddr, "\x02\x00\x00\x00\x00\x07", 6);
	l.key.len = 7;
	memcpy(l.key.bytes, "H\x01\x02\x00\x00\x00\x07", 7);
	l.starts = 1700000000;
	l.ends = 1700003600;
	l.cltt = 1700000000;
	l.seq = 121;
	strcpy(l.hostname, "printer7");
	rlen = lease_encode(&l, rec, sizeof(rec));
	assert_true(rlen > 0);

	fo_msg_init(m, FO_BIND_UPD, true);
	assert_true(fo_msg_add_update(m, l.seq, rec, rlen, FO_DGRAM_DEFAULT));
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_OK);
	memset(rec, 0, sizeof(rec));	/* the decoded copy must not need it */
	assert_int_equal(fo_decode(buf, len, 1024, m), FO_OK);
	assert_true(lease_decode(m->updates[0].lease, m->updates[0].lease_len,
	    &back));
	assert_true(back.seq == 121 && back.addr == l.addr);
	assert_string_equal(back.hostname, "printer7");
	free(m);
}

/* ---- helpers and names ---- */

static void
primary_id_is_fnv1a_case_folded(void **state)
{
	(void)state;
	/* Published FNV-1a 32 test vectors. */
	assert_int_equal(fo_primary_id(""), 0x811c9dc5u);
	assert_int_equal(fo_primary_id("a"), 0xe40c292cu);
	assert_int_equal(fo_primary_id("foobar"), 0xbf9cf968u);
	assert_int_equal(fo_primary_id("branch1"), PID_VAL);
	assert_int_equal(fo_primary_id("Branch1"), PID_VAL);
	assert_int_equal(fo_primary_id("BRANCH1"), PID_VAL);
	assert_int_not_equal(fo_primary_id("branch2"), PID_VAL);
	assert_int_equal(fo_primary_id(NULL), 0x811c9dc5u);
}

static void
names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(fo_err_name(FO_OK), "ok");
	assert_string_equal(fo_err_name(FO_ERR_SHORT), "short");
	assert_string_equal(fo_err_name(FO_ERR_MAGIC), "bad-magic");
	assert_string_equal(fo_err_name(FO_ERR_LENGTH), "bad-length");
	assert_string_equal(fo_err_name(FO_ERR_VERSION), "bad-version");
	assert_string_equal(fo_err_name(FO_ERR_TYPE), "bad-type");
	assert_string_equal(fo_err_name(FO_ERR_DIRECTION), "bad-direction");
	assert_string_equal(fo_err_name(FO_ERR_TLV_UNKNOWN), "bad-tlv");
	assert_string_equal(fo_err_name(FO_ERR_TLV_TRUNC), "tlv-truncated");
	assert_string_equal(fo_err_name(FO_ERR_TLV_SIZE), "tlv-size");
	assert_string_equal(fo_err_name(FO_ERR_TLV_DUP), "tlv-duplicate");
	assert_string_equal(fo_err_name(FO_ERR_TLV_NOT_ALLOWED),
	    "tlv-not-allowed");
	assert_string_equal(fo_err_name(FO_ERR_TLV_MISSING), "tlv-missing");
	assert_string_equal(fo_err_name(FO_ERR_TLV_COUNT), "tlv-too-many");
	assert_string_equal(fo_err_name(FO_ERR_TLV_ORDER), "tlv-order");
	assert_string_equal(fo_err_name(FO_ERR_VALUE), "bad-value");
	assert_string_equal(fo_err_name(FO_ERR_NOSPACE), "no-space");
	assert_string_equal(fo_err_name(FO_ERR_INVALID), "invalid");
	assert_string_equal(fo_err_name(FO_ERR_COUNT), "unknown");
	assert_string_equal(fo_err_name((enum fo_err)-1), "unknown");
	for (int e = 0; e < FO_ERR_COUNT; e++)
		assert_string_not_equal(fo_err_name((enum fo_err)e),
		    "unknown");

	assert_string_equal(fo_type_name(FO_POLL), "poll");
	assert_string_equal(fo_type_name(FO_POLL_RPL), "poll-rpl");
	assert_string_equal(fo_type_name(FO_SUBNET_SYNC_DONE),
	    "subnet-sync-done");
	assert_string_equal(fo_type_name(FO_SHUTDOWN), "shutdown");
	assert_string_equal(fo_type_name(0), "unknown");
	assert_string_equal(fo_type_name(FO_BIND_REQ), "bind-req");
	assert_string_equal(fo_type_name(FO_BIND_RPL), "bind-rpl");
	assert_string_equal(fo_type_name(FO_CFG_REQ), "cfg-req");
	assert_string_equal(fo_type_name(FO_CFG_RPL), "cfg-rpl");
	assert_string_equal(fo_type_name(17), "unknown");
	for (unsigned t = 1; t <= FO_TYPE_MAX; t++)
		assert_string_not_equal(fo_type_name(t), "unknown");

	assert_string_equal(fo_tlv_name(FO_TLV_ACK_RANGE), "ack-range");
	assert_string_equal(fo_tlv_name(FO_TLV_STORE_ID), "store-id");
	assert_string_equal(fo_tlv_name(0x8000), "extension");
	assert_string_equal(fo_tlv_name(0), "unknown");
	assert_string_equal(fo_tlv_name(FO_TLV_CFG_DATA), "cfg-data");
	assert_string_equal(fo_tlv_name(FO_TLV_ECHO), "echo");
	assert_string_equal(fo_tlv_name(20), "unknown");
	for (unsigned t = 1; t <= FO_TLV_MAX; t++)
		assert_string_not_equal(fo_tlv_name(t), "unknown");
}

/* ---- configuration transfer (CFG_REQ, CFG_RPL) ---- */

/* A CFG_REQ or CFG_RPL of a 100-byte text, from offset off. */
static void
cfg_msg(struct fo_msg *m, uint8_t type, uint32_t off)
{
	fo_msg_init(m, type, type == FO_CFG_RPL);
	m->hdr.seq = 9;
	m->hdr.epoch = EPOCH_VAL;
	m->hdr.primary_id = PID_VAL;
	m->cfg_size = 100;
	memset(m->cfg_sha, 0x5a, FO_SHA256_LEN);
	m->offset = off;
	m->present = B(CFG_ID) | B(OFFSET);
}

static void
cfg_parts_inside_the_text(void **state)
{
	struct fo_msg	*m = new_msg(), *d = new_msg();
	static uint8_t	 buf[FO_DGRAM_MAX];
	static uint8_t	 data[FO_CFG_CHUNK_MAX];
	size_t		 len;
	/* { type, offset, count or data length, expected } */
	static const struct {
		uint8_t		type;
		uint32_t	off, n;
		enum fo_err	want;
	} cases[] = {
		{ FO_CFG_REQ, 0, 100, FO_OK },
		{ FO_CFG_REQ, 99, FO_CFG_CHUNK_MAX, FO_OK },	/* capped */
		{ FO_CFG_REQ, 100, 1, FO_ERR_VALUE },	/* past the end */
		{ FO_CFG_REQ, 0, 0, FO_ERR_VALUE },
		{ FO_CFG_REQ, 0, FO_CFG_CHUNK_MAX + 1, FO_ERR_VALUE },
		{ FO_CFG_RPL, 0, 100, FO_OK },
		{ FO_CFG_RPL, 60, 40, FO_OK },
		{ FO_CFG_RPL, 60, 41, FO_ERR_VALUE },	/* ends past it */
		{ FO_CFG_RPL, 100, 1, FO_ERR_VALUE },
		{ FO_CFG_RPL, 99, 0, FO_OK },	/* no data: a refusal */
	};

	(void)state;
	memset(data, 'x', sizeof(data));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu\n", i);
		cfg_msg(m, cases[i].type, cases[i].off);
		if (cases[i].type == FO_CFG_REQ) {
			m->count = cases[i].n;
			m->present |= B(COUNT);
		} else if (cases[i].n > 0) {
			m->data = data;
			m->data_len = (uint16_t)cases[i].n;
			m->present |= B(CFG_DATA);
		} else {
			m->result = FO_RESULT_CFG_CHANGED;
			m->present |= B(RESULT);
		}
		/* The encoder refuses what the decoder would. */
		assert_int_equal(fo_encode(m, buf, sizeof(buf), &len),
		    cases[i].want);
		if (cases[i].want != FO_OK)
			continue;
		/* In place: d->data points into buf. */
		assert_int_equal(fo_decode(buf, len, 4096, d), FO_OK);
		assert_msg_equal(m, d);
	}
	free(m);
	free(d);
}

static void
cfg_id_size_and_largest_part(void **state)
{
	struct fo_msg	*m = new_msg(), *d = new_msg();
	static uint8_t	 buf[FO_DGRAM_MAX];
	static uint8_t	 data[FO_CFG_CHUNK_MAX];
	size_t		 len;

	(void)state;
	/* The largest part of the largest text goes in one datagram. */
	cfg_msg(m, FO_CFG_RPL, FO_CFG_MAX - FO_CFG_CHUNK_MAX);
	m->cfg_size = FO_CFG_MAX;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	m->data = data;
	m->data_len = FO_CFG_CHUNK_MAX;
	m->present |= B(CFG_DATA);
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_OK);
	assert_int_equal(fo_decode(buf, len, 4096, d), FO_OK);
	assert_msg_equal(m, d);
	/* The data points into the datagram, not at the sender's copy. */
	assert_true(d->data >= buf && d->data < buf + len);
	/* An empty text, or one over FO_CFG_MAX, is no configuration. */
	m->cfg_size = 0;
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_ERR_VALUE);
	m->cfg_size = FO_CFG_MAX + 1;
	assert_int_equal(fo_encode(m, buf, sizeof(buf), &len), FO_ERR_VALUE);
	/* A POLL_RPL may announce the configuration; a POLL may not. */
	wb_start(1, FO_POLL, 0);
	wb_tlvs(B(VERSIONS) | B(CLOCK));
	wb_tlv_hex(FO_TLV_CFG_ID, sample[FO_TLV_CFG_ID]);
	wb_finish();
	assert_int_equal(wb_decode(4096, d), FO_ERR_TLV_NOT_ALLOWED);
	/* A CFG_DATA without its bytes is caught by the framing. */
	wb_start(1, FO_CFG_RPL, FO_FLAG_FROM_PRIMARY);
	wb_tlvs(B(CFG_ID) | B(OFFSET));
	wb_u16(FO_TLV_CFG_DATA);
	wb_u16(200);
	wb_put(data, 10);
	wb_finish();
	assert_int_equal(wb_decode(4096, d), FO_ERR_TLV_TRUNC);
	free(m);
	free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_poll),
		cmocka_unit_test(decode_poll_rpl),
		cmocka_unit_test(decode_ctl_req),
		cmocka_unit_test(decode_ctl_ret),
		cmocka_unit_test(decode_sync_req),
		cmocka_unit_test(decode_sync_start),
		cmocka_unit_test(decode_sync_done),
		cmocka_unit_test(decode_bind_upd),
		cmocka_unit_test(decode_bind_ack),
		cmocka_unit_test(decode_bind_req_rpl),
		cmocka_unit_test(decode_subnet_sync_start),
		cmocka_unit_test(decode_subnet_sync_done),
		cmocka_unit_test(decode_shutdown),
		cmocka_unit_test(encode_reproduces_type_ordered_vectors),
		cmocka_unit_test(vectors_survive_reencoding),
		cmocka_unit_test(table_required_only_and_all_optionals_decode),
		cmocka_unit_test(
		    table_round_trip_every_type_with_every_optional),
		cmocka_unit_test(table_missing_required_is_rejected),
		cmocka_unit_test(table_tlv_not_allowed_is_rejected),
		cmocka_unit_test(table_duplicate_single_tlv_is_rejected),
		cmocka_unit_test(table_directions),
		cmocka_unit_test(truncation_at_every_offset),
		cmocka_unit_test(
		    truncation_inside_tlv_area_with_patched_length),
		cmocka_unit_test(rejects_short),
		cmocka_unit_test(rejects_bad_magic),
		cmocka_unit_test(rejects_length_mismatch),
		cmocka_unit_test(rejects_unknown_type),
		cmocka_unit_test(key_id_and_unknown_flag_bits),
		cmocka_unit_test(peek_header_reads_any_version_and_type),
		cmocka_unit_test(rejects_unknown_tlv_types),
		cmocka_unit_test(skips_extension_tlvs),
		cmocka_unit_test(rejects_tlv_running_past_the_end),
		cmocka_unit_test(rejects_wrong_tlv_sizes),
		cmocka_unit_test(lease_size_follows_lease_max),
		cmocka_unit_test(rejects_too_many_repeats),
		cmocka_unit_test(rejects_unpaired_updates),
		cmocka_unit_test(rejects_bad_values),
		cmocka_unit_test(accepts_boundary_values),
		cmocka_unit_test(rejects_inconsistent_repeats),
		cmocka_unit_test(version_pick_table),
		cmocka_unit_test(negotiates_down_from_a_version_2_peer),
		cmocka_unit_test(encode_nospace_below_exact_size),
		cmocka_unit_test(encode_refuses_invalid_messages),
		cmocka_unit_test(encode_never_exceeds_udp_maximum),
		cmocka_unit_test(batching_fills_a_datagram),
		cmocka_unit_test(add_ack_coalesces_runs),
		cmocka_unit_test(add_digest_checks_subnet),
		cmocka_unit_test(bind_upd_carries_lease_records),
		cmocka_unit_test(primary_id_is_fnv1a_case_folded),
		cmocka_unit_test(cfg_parts_inside_the_text),
		cmocka_unit_test(cfg_id_size_and_largest_part),
		cmocka_unit_test(names_are_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
