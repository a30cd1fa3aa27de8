/*
 * Pure failover-protocol codec (docs/failover-protocol.md).  No I/O, no
 * clock, no logging, no globals.
 *
 * The rules live in two tables: tlv_specs[] gives each TLV type its value
 * size, and msg_specs[] gives each message type its direction and the TLVs it
 * requires, may carry, and may repeat.  The decoder and the encoder
 * apply the same tables and the same value checks (size_ok, value_ok,
 * cross_check), so an encoded message always decodes.
 *
 * Decoding walks a cursor over the TLV area, buf[FO_HDR_LEN .. len -
 * FO_HMAC_LEN), and compares every declared length with what is left
 * before it reads the value.  Scalars are assembled byte by byte, never
 * read through a cast pointer.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "byteorder.h"
#include "fo_codec.h"

#define B(t)		FO_BIT(FO_TLV_##t)
#define ALL_TLV_BITS	(((1u << (FO_TLV_MAX + 1)) - 1) & ~1u)

static const char *const fo_err_names[FO_ERR_COUNT] = {
	[FO_OK] = "ok",
	[FO_ERR_SHORT] = "short",
	[FO_ERR_MAGIC] = "bad-magic",
	[FO_ERR_LENGTH] = "bad-length",
	[FO_ERR_VERSION] = "bad-version",
	[FO_ERR_TYPE] = "bad-type",
	[FO_ERR_DIRECTION] = "bad-direction",
	[FO_ERR_TLV_UNKNOWN] = "bad-tlv",
	[FO_ERR_TLV_TRUNC] = "tlv-truncated",
	[FO_ERR_TLV_SIZE] = "tlv-size",
	[FO_ERR_TLV_DUP] = "tlv-duplicate",
	[FO_ERR_TLV_NOT_ALLOWED] = "tlv-not-allowed",
	[FO_ERR_TLV_MISSING] = "tlv-missing",
	[FO_ERR_TLV_COUNT] = "tlv-too-many",
	[FO_ERR_TLV_ORDER] = "tlv-order",
	[FO_ERR_VALUE] = "bad-value",
	[FO_ERR_NOSPACE] = "no-space",
	[FO_ERR_INVALID] = "invalid",
};

static const char *const fo_type_names[FO_TYPE_MAX + 1] = {
	[FO_POLL] = "poll",
	[FO_POLL_RPL] = "poll-rpl",
	[FO_CTL_REQ] = "ctl-req",
	[FO_CTL_RET] = "ctl-ret",
	[FO_SYNC_REQ] = "sync-req",
	[FO_SYNC_START] = "sync-start",
	[FO_SYNC_DONE] = "sync-done",
	[FO_BIND_UPD] = "bind-upd",
	[FO_BIND_ACK] = "bind-ack",
	[FO_SUBNET_SYNC_START] = "subnet-sync-start",
	[FO_SUBNET_SYNC_DONE] = "subnet-sync-done",
	[FO_SHUTDOWN] = "shutdown",
	[FO_BIND_REQ] = "bind-req",
	[FO_BIND_RPL] = "bind-rpl",
	[FO_CFG_REQ] = "cfg-req",
	[FO_CFG_RPL] = "cfg-rpl",
};

/*
 * Value sizes.  LEASE's upper bound is the caller's lease_max (the
 * negotiated SyncBindingBufSize), so its max here is only the absolute
 * cap.  cap: how many times a TLV may appear where it is repeatable.
 */
static const struct tlv_spec {
	const char	*name;
	uint16_t	 min, max;
	uint16_t	 cap;
} tlv_specs[FO_TLV_MAX + 1] = {
	[FO_TLV_VERSIONS] = { "versions", 2, 2, 1 },
	[FO_TLV_NAME] = { "name", 1, FO_NAME_MAX, 1 },
	[FO_TLV_STATE] = { "state", 1, 1, 1 },
	[FO_TLV_CLOCK] = { "clock", 8, 8, 1 },
	[FO_TLV_STORE_ID] = { "store-id", FO_STORE_ID_LEN, FO_STORE_ID_LEN, 1 },
	[FO_TLV_LAST_SEQ] = { "last-seq", 8, 8, 1 },
	[FO_TLV_BUF_SIZE] = { "buf-size", 2, 2, 1 },
	[FO_TLV_COUNT] = { "count", 4, 4, 1 },
	[FO_TLV_SUBNET] = { "subnet", 5, 5, 1 },
	[FO_TLV_DIGEST] = { "digest", FO_DIGEST_TLV_LEN, FO_DIGEST_TLV_LEN,
	    FO_MAX_DIGESTS },
	[FO_TLV_UPD_SEQ] = { "upd-seq", 8, 8, FO_MAX_UPDATES },
	[FO_TLV_LEASE] = { "lease", 1, FO_LEASE_MAX, FO_MAX_UPDATES },
	[FO_TLV_ACK_RANGE] = { "ack-range", 16, 16, FO_MAX_ACK_RANGES },
	[FO_TLV_REASON] = { "reason", 1, FO_REASON_MAX, 1 },
	[FO_TLV_RESULT] = { "result", 1, 1, 1 },
	[FO_TLV_CFG_ID] = { "cfg-id", FO_CFG_ID_LEN, FO_CFG_ID_LEN, 1 },
	[FO_TLV_OFFSET] = { "offset", 4, 4, 1 },
	[FO_TLV_CFG_DATA] = { "cfg-data", 1, FO_CFG_CHUNK_MAX, 1 },
	[FO_TLV_ECHO] = { "echo", FO_ECHO_LEN, FO_ECHO_LEN, 1 },
};

/*
 * Per message type: direction, required TLVs, further TLVs it may carry,
 * and which of those may repeat.  docs/failover-protocol.md section 5
 * is this table in prose; change both together.
 */
static const struct msg_spec {
	enum fo_dir	 dir;
	uint32_t	 required;
	uint32_t	 optional;
	uint32_t	 repeat;
} msg_specs[FO_TYPE_MAX + 1] = {
	[FO_POLL] = { FO_DIR_F2P,
	    B(VERSIONS) | B(CLOCK),
	    B(NAME) | B(STATE) | B(LAST_SEQ), 0 },
	[FO_POLL_RPL] = { FO_DIR_P2F,
	    B(VERSIONS) | B(STATE) | B(CLOCK) | B(STORE_ID) | B(LAST_SEQ),
	    B(NAME) | B(DIGEST) | B(CFG_ID) | B(ECHO), B(DIGEST) },
	[FO_CTL_REQ] = { FO_DIR_P2F,
	    B(VERSIONS) | B(NAME) | B(STORE_ID) | B(LAST_SEQ) | B(BUF_SIZE),
	    B(STATE) | B(CLOCK) | B(DIGEST) | B(CFG_ID), B(DIGEST) },
	[FO_CTL_RET] = { FO_DIR_F2P,
	    B(RESULT),
	    B(VERSIONS) | B(STATE) | B(CLOCK) | B(LAST_SEQ) | B(BUF_SIZE) |
	    B(COUNT) | B(REASON) | B(ECHO), 0 },
	[FO_SYNC_REQ] = { FO_DIR_F2P,
	    B(VERSIONS) | B(NAME) | B(STORE_ID) | B(LAST_SEQ) | B(BUF_SIZE),
	    B(STATE) | B(CLOCK) | B(DIGEST), B(DIGEST) },
	[FO_SYNC_START] = { FO_DIR_P2F,
	    B(COUNT) | B(STORE_ID),
	    B(VERSIONS) | B(CLOCK) | B(LAST_SEQ) | B(BUF_SIZE) | B(RESULT) |
	    B(REASON) | B(CFG_ID), 0 },
	[FO_SYNC_DONE] = { FO_DIR_EITHER,
	    B(COUNT),
	    B(UPD_SEQ) | B(RESULT) | B(REASON), 0 },
	[FO_BIND_UPD] = { FO_DIR_EITHER,
	    B(UPD_SEQ) | B(LEASE),
	    0, B(UPD_SEQ) | B(LEASE) },
	[FO_BIND_ACK] = { FO_DIR_EITHER,
	    B(ACK_RANGE),
	    0, B(ACK_RANGE) },
	[FO_SUBNET_SYNC_START] = { FO_DIR_F2P,
	    B(SUBNET) | B(COUNT),
	    B(UPD_SEQ), 0 },
	[FO_SUBNET_SYNC_DONE] = { FO_DIR_F2P,
	    B(SUBNET) | B(COUNT),
	    B(UPD_SEQ), 0 },
	[FO_SHUTDOWN] = { FO_DIR_P2F,
	    0,
	    B(STATE) | B(CLOCK) | B(LAST_SEQ) | B(REASON), 0 },
	[FO_BIND_REQ] = { FO_DIR_P2F,
	    B(UPD_SEQ) | B(LEASE),
	    0, B(UPD_SEQ) | B(LEASE) },
	[FO_BIND_RPL] = { FO_DIR_F2P,
	    B(UPD_SEQ) | B(RESULT),
	    B(REASON), 0 },
	[FO_CFG_REQ] = { FO_DIR_F2P,
	    B(CFG_ID) | B(OFFSET) | B(COUNT),
	    0, 0 },
	[FO_CFG_RPL] = { FO_DIR_P2F,
	    B(CFG_ID) | B(OFFSET),
	    B(CFG_DATA) | B(RESULT) | B(REASON), 0 },
};

/* Messages made of (UPD_SEQ, LEASE) pairs (protocol 5.2). */
static bool
has_pairs(unsigned type)
{
	return type == FO_BIND_UPD || type == FO_BIND_REQ;
}

const char *
fo_err_name(enum fo_err e)
{
	if ((unsigned)e >= FO_ERR_COUNT || fo_err_names[e] == NULL)
		return "unknown";
	return fo_err_names[e];
}

const char *
fo_type_name(unsigned type)
{
	if (type > FO_TYPE_MAX || fo_type_names[type] == NULL)
		return "unknown";
	return fo_type_names[type];
}

const char *
fo_state_code_name(unsigned code)
{
	static const char *const names[] = {
		[FO_STATE_UNKNOWN] = "unknown",
		[FO_STATE_STARTUP] = "startup",
		[FO_STATE_SYNCING] = "syncing",
		[FO_STATE_MONITORING] = "monitoring",
		[FO_STATE_TAKEOVER] = "takeover",
		[FO_STATE_RETURNING] = "returning",
		[FO_STATE_SERVING] = "serving",
		[FO_STATE_WAIT_CONTROL] = "ctl-wait",
		[FO_STATE_STANDALONE] = "standalone",
		[FO_STATE_SHUTTING_DOWN] = "shutting-down",
	};

	if (code >= sizeof(names) / sizeof(names[0]) || names[code] == NULL)
		return "unknown";
	return names[code];
}

const char *
fo_tlv_name(unsigned tlv)
{
	if (tlv >= FO_TLV_EXT && tlv <= 0xffff)
		return "extension";
	if (tlv > FO_TLV_MAX || tlv_specs[tlv].name == NULL)
		return "unknown";
	return tlv_specs[tlv].name;
}

static const struct msg_spec *
msg_spec(unsigned type)
{
	if (type > FO_TYPE_MAX || msg_specs[type].dir == FO_DIR_NONE)
		return NULL;
	return &msg_specs[type];
}

enum fo_dir
fo_type_dir(unsigned type)
{
	const struct msg_spec *s = msg_spec(type);

	return s == NULL ? FO_DIR_NONE : s->dir;
}

/* ---- rules shared by the decoder and the encoder ---- */

static bool
subnet_ok(uint32_t net, uint8_t prefix)
{
	if (prefix > 32)
		return false;
	if (prefix == 32)
		return true;
	/* A network with host bits set names no subnet: a typo or junk. */
	return (net & (UINT32_MAX >> prefix)) == 0;
}

static bool
name_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static size_t
lease_cap(size_t lease_max)
{
	return lease_max < FO_LEASE_MAX ? lease_max : FO_LEASE_MAX;
}

static bool
size_ok(unsigned t, size_t l, size_t lease_max)
{
	const struct tlv_spec *s = &tlv_specs[t];

	if (t == FO_TLV_LEASE)
		return l >= s->min && l <= lease_cap(lease_max);
	return l >= s->min && l <= s->max;
}

/* Value of one TLV on its own; l has passed size_ok. */
static bool
value_ok(unsigned t, const uint8_t *v, size_t l)
{
	size_t	 i;
	uint16_t bs;

	switch (t) {
	case FO_TLV_VERSIONS:
		/* Version 0 does not exist; an empty range is nonsense. */
		return v[0] >= 1 && v[0] <= v[1];
	case FO_TLV_NAME:
		for (i = 0; i < l; i++)
			if (!name_char(v[i]))
				return false;
		return true;
	case FO_TLV_BUF_SIZE:
		bs = get_be16(v);
		return bs >= FO_BUF_SIZE_MIN && bs <= FO_BUF_SIZE_MAX;
	case FO_TLV_SUBNET:
	case FO_TLV_DIGEST:
		return subnet_ok(get_be32(v), v[4]);
	case FO_TLV_ACK_RANGE:
		return get_be64(v) <= get_be64(v + 8);
	case FO_TLV_CFG_ID:
		/* An empty text is no configuration at all. */
		return get_be32(v) >= 1 && get_be32(v) <= FO_CFG_MAX;
	case FO_TLV_OFFSET:
		return get_be32(v) < FO_CFG_MAX;
	case FO_TLV_REASON:
		/* Printable only: it ends up in log lines and dhcpfoctl. */
		for (i = 0; i < l; i++)
			if (v[i] < 0x20 || v[i] > 0x7e)
				return false;
		return true;
	default:
		return true;
	}
}

/*
 * A part of a configuration lies inside it: CFG_REQ asks for 1 to
 * FO_CFG_CHUNK_MAX bytes from an offset inside the text, and CFG_RPL's
 * bytes end at or before the text's end.
 */
static bool
cfg_part_ok(const struct fo_msg *m)
{
	if (m->hdr.type == FO_CFG_REQ)
		return m->offset < m->cfg_size && m->count >= 1 &&
		    m->count <= FO_CFG_CHUNK_MAX;
	if (m->hdr.type == FO_CFG_RPL && FO_HAS(m, FO_TLV_CFG_DATA))
		return m->offset < m->cfg_size &&
		    m->data_len <= m->cfg_size - m->offset;
	return true;
}

/*
 * Rules between TLVs.  Update sequences ascend within a batch and ack
 * ranges ascend without overlap, so a receiver can apply both in one
 * pass; a subnet is digested once; a configuration part is inside its
 * configuration.
 */
static bool
cross_check(const struct fo_msg *m)
{
	size_t	 i, j;

	if (!cfg_part_ok(m))
		return false;
	for (i = 1; i < m->n_updates; i++)
		if (m->updates[i].seq <= m->updates[i - 1].seq)
			return false;
	for (i = 1; i < m->n_acks; i++)
		if (m->acks[i].first <= m->acks[i - 1].last)
			return false;
	for (i = 1; i < m->n_digests; i++)
		for (j = 0; j < i; j++)
			if (m->digests[i].network == m->digests[j].network &&
			    m->digests[i].prefix == m->digests[j].prefix)
				return false;
	return true;
}

static enum fo_err
dir_check(const struct msg_spec *s, uint16_t flags)
{
	bool	 fp = (flags & FO_FLAG_FROM_PRIMARY) != 0;

	if ((s->dir == FO_DIR_P2F && !fp) || (s->dir == FO_DIR_F2P && fp))
		return FO_ERR_DIRECTION;
	return FO_OK;
}

/* ---- decoder ---- */

static void
read_header(const uint8_t *buf, struct fo_hdr *h)
{
	h->magic = get_be32(buf + FO_OFF_MAGIC);
	h->version = buf[FO_OFF_VERSION];
	h->type = buf[FO_OFF_TYPE];
	h->flags = get_be16(buf + FO_OFF_FLAGS);
	h->seq = get_be64(buf + FO_OFF_SEQ);
	h->epoch = get_be64(buf + FO_OFF_EPOCH);
	h->primary_id = get_be32(buf + FO_OFF_PRIMARY_ID);
	h->length = get_be16(buf + FO_OFF_LENGTH);
	h->key_id = get_be16(buf + FO_OFF_KEY_ID);
}

enum fo_err
fo_peek_header(const uint8_t *buf, size_t len, struct fo_hdr *h)
{
	struct fo_hdr	 tmp;

	if (len < FO_MIN_LEN)
		return FO_ERR_SHORT;
	read_header(buf, &tmp);
	if (tmp.magic != FO_MAGIC)
		return FO_ERR_MAGIC;
	/* Trust the declared length only once it matches what arrived. */
	if (tmp.length != len)
		return FO_ERR_LENGTH;
	*h = tmp;
	return FO_OK;
}

/*
 * A message in a version we do not speak: its TLV framing is the same
 * in every version (docs section 2), so look for VERSIONS only, for the
 * answer in a common version.  Stops quietly at the first bad frame.
 */
static void
scan_versions(const uint8_t *buf, size_t len, struct fo_msg *out)
{
	size_t	 off = FO_HDR_LEN, end = len - FO_HMAC_LEN;
	uint16_t t, l;

	while (end - off >= FO_TLV_HDR_LEN) {
		t = get_be16(buf + off);
		l = get_be16(buf + off + 2);
		off += FO_TLV_HDR_LEN;
		if (l > end - off)
			return;
		if (t == FO_TLV_VERSIONS && l == 2 &&
		    value_ok(t, buf + off, l)) {
			out->ver_min = buf[off];
			out->ver_max = buf[off + 1];
			out->present |= B(VERSIONS);
			return;
		}
		off += l;
	}
}

/* Store one checked TLV value into m. */
static void
store_tlv(struct fo_msg *m, unsigned t, const uint8_t *v, uint16_t l)
{
	struct fo_digest *d;
	struct fo_ack_range *a;

	switch (t) {
	case FO_TLV_VERSIONS:
		m->ver_min = v[0];
		m->ver_max = v[1];
		break;
	case FO_TLV_NAME:
		memcpy(m->name, v, l);
		m->name[l] = '\0';
		break;
	case FO_TLV_STATE:
		m->state = v[0];
		break;
	case FO_TLV_CLOCK:
		m->clock_ms = get_be64(v);
		break;
	case FO_TLV_STORE_ID:
		memcpy(m->store_id, v, FO_STORE_ID_LEN);
		break;
	case FO_TLV_LAST_SEQ:
		m->last_seq = get_be64(v);
		break;
	case FO_TLV_BUF_SIZE:
		m->buf_size = get_be16(v);
		break;
	case FO_TLV_COUNT:
		m->count = get_be32(v);
		break;
	case FO_TLV_SUBNET:
		m->subnet = get_be32(v);
		m->subnet_prefix = v[4];
		break;
	case FO_TLV_DIGEST:
		d = &m->digests[m->n_digests++];
		d->network = get_be32(v);
		d->prefix = v[4];
		memcpy(d->sha256, v + 5, FO_SHA256_LEN);
		break;
	case FO_TLV_UPD_SEQ:
		/* In BIND_UPD the pair is counted when its LEASE arrives. */
		if (has_pairs(m->hdr.type))
			m->updates[m->n_updates].seq = get_be64(v);
		else
			m->upd_seq = get_be64(v);
		break;
	case FO_TLV_LEASE:
		m->updates[m->n_updates].lease = v;
		m->updates[m->n_updates].lease_len = l;
		m->n_updates++;
		break;
	case FO_TLV_ACK_RANGE:
		a = &m->acks[m->n_acks++];
		a->first = get_be64(v);
		a->last = get_be64(v + 8);
		break;
	case FO_TLV_REASON:
		memcpy(m->reason, v, l);
		m->reason[l] = '\0';
		break;
	case FO_TLV_RESULT:
		m->result = v[0];
		break;
	case FO_TLV_CFG_ID:
		m->cfg_size = get_be32(v);
		memcpy(m->cfg_sha, v + 4, FO_SHA256_LEN);
		break;
	case FO_TLV_OFFSET:
		m->offset = get_be32(v);
		break;
	case FO_TLV_ECHO:
		m->echo_epoch = get_be64(v);
		m->echo_seq = get_be64(v + 8);
		break;
	case FO_TLV_CFG_DATA:
		m->data = v;
		m->data_len = l;
		break;
	}
}

/* How many of TLV t the message holds so far (for the repeat caps). */
static size_t
tlv_count(const struct fo_msg *m, unsigned t)
{
	switch (t) {
	case FO_TLV_DIGEST:
		return m->n_digests;
	case FO_TLV_ACK_RANGE:
		return m->n_acks;
	case FO_TLV_UPD_SEQ:
	case FO_TLV_LEASE:
		return m->n_updates;
	default:
		return 0;	/* only repeatable TLVs have caps */
	}
}

enum fo_err
fo_decode(const uint8_t *buf, size_t len, size_t lease_max,
    struct fo_msg *out)
{
	const struct msg_spec	*s;
	const uint8_t		*v;
	size_t			 off, end;
	uint32_t		 allowed, bit;
	uint16_t		 t, l;
	bool			 paired, pending = false;
	enum fo_err		 e;

	memset(out, 0, sizeof(*out));
	if ((e = fo_peek_header(buf, len, &out->hdr)) != FO_OK)
		return e;
	if (out->hdr.version < FO_VERSION_MIN ||
	    out->hdr.version > FO_VERSION_MAX) {
		scan_versions(buf, len, out);
		return FO_ERR_VERSION;
	}
	if ((s = msg_spec(out->hdr.type)) == NULL)
		return FO_ERR_TYPE;
	if ((e = dir_check(s, out->hdr.flags)) != FO_OK)
		return e;
	allowed = s->required | s->optional;
	/* UPD_SEQ and LEASE come as ordered pairs where they repeat. */
	paired = (s->repeat & B(UPD_SEQ)) != 0;

	off = FO_HDR_LEN;
	end = len - FO_HMAC_LEN;
	while (off < end) {
		if (end - off < FO_TLV_HDR_LEN)
			return FO_ERR_TLV_TRUNC;
		t = get_be16(buf + off);
		l = get_be16(buf + off + 2);
		off += FO_TLV_HDR_LEN;
		if (l > end - off)
			return FO_ERR_TLV_TRUNC;
		v = buf + off;
		off += l;

		if (t >= FO_TLV_EXT) {
			/* Ignorable, but never between a pair's halves. */
			if (pending)
				return FO_ERR_TLV_ORDER;
			out->n_ext++;
			continue;
		}
		if (t == 0 || t > FO_TLV_MAX)
			return FO_ERR_TLV_UNKNOWN;
		bit = FO_BIT(t);
		if ((allowed & bit) == 0)
			return FO_ERR_TLV_NOT_ALLOWED;
		if (!size_ok(t, l, lease_max))
			return FO_ERR_TLV_SIZE;
		if ((out->present & bit) != 0 && (s->repeat & bit) == 0)
			return FO_ERR_TLV_DUP;
		if (paired) {
			/* LEASE closes a pair; anything else needs none open */
			if (t == FO_TLV_LEASE ? !pending : pending)
				return FO_ERR_TLV_ORDER;
			pending = t == FO_TLV_UPD_SEQ;
		}
		if ((s->repeat & bit) != 0 &&
		    tlv_count(out, t) >= tlv_specs[t].cap)
			return FO_ERR_TLV_COUNT;
		if (!value_ok(t, v, l))
			return FO_ERR_VALUE;
		store_tlv(out, t, v, l);
		out->present |= bit;
	}
	if (pending)
		return FO_ERR_TLV_ORDER;
	if ((s->required & ~out->present) != 0)
		return FO_ERR_TLV_MISSING;
	if (!cross_check(out))
		return FO_ERR_VALUE;
	return FO_OK;
}

/* ---- encoder ---- */

/*
 * Output cursor.  With p == NULL it only counts (fo_encoded_len).  A
 * write that would pass cap is skipped but still counted, so the caller
 * learns the size needed and reports FO_ERR_NOSPACE once at the end.
 */
struct wr {
	uint8_t	*p;
	size_t	 cap;
	size_t	 off;
};

static void
wr_bytes(struct wr *w, const void *src, size_t n)
{
	if (w->p != NULL && w->off <= w->cap && n <= w->cap - w->off)
		memcpy(w->p + w->off, src, n);
	w->off += n;
}

static enum fo_err
emit_tlv(struct wr *w, unsigned t, const uint8_t *v, size_t l)
{
	uint8_t	 th[FO_TLV_HDR_LEN];

	/* LEASE is checked against the absolute cap: see fo_encode. */
	if (!size_ok(t, l, FO_LEASE_MAX))
		return FO_ERR_TLV_SIZE;
	if (!value_ok(t, v, l))
		return FO_ERR_VALUE;
	put_be16(th, (uint16_t)t);
	put_be16(th + 2, (uint16_t)l);
	wr_bytes(w, th, sizeof(th));
	wr_bytes(w, v, l);
	return FO_OK;
}

/* Wire value of a single TLV from m into v; returns its length. */
static size_t
single_value(const struct fo_msg *m, unsigned t, uint8_t *v)
{
	size_t	 n;

	switch (t) {
	case FO_TLV_VERSIONS:
		v[0] = m->ver_min;
		v[1] = m->ver_max;
		return 2;
	case FO_TLV_NAME:
		/* An unterminated name gives 64 and fails size_ok. */
		n = strnlen(m->name, sizeof(m->name));
		memcpy(v, m->name, n);
		return n;
	case FO_TLV_STATE:
		v[0] = m->state;
		return 1;
	case FO_TLV_CLOCK:
		put_be64(v, m->clock_ms);
		return 8;
	case FO_TLV_STORE_ID:
		memcpy(v, m->store_id, FO_STORE_ID_LEN);
		return FO_STORE_ID_LEN;
	case FO_TLV_LAST_SEQ:
		put_be64(v, m->last_seq);
		return 8;
	case FO_TLV_BUF_SIZE:
		put_be16(v, m->buf_size);
		return 2;
	case FO_TLV_COUNT:
		put_be32(v, m->count);
		return 4;
	case FO_TLV_SUBNET:
		put_be32(v, m->subnet);
		v[4] = m->subnet_prefix;
		return 5;
	case FO_TLV_UPD_SEQ:
		put_be64(v, m->upd_seq);
		return 8;
	case FO_TLV_REASON:
		/* An unterminated reason gives 128 and fails size_ok. */
		n = strnlen(m->reason, sizeof(m->reason));
		memcpy(v, m->reason, n);
		return n;
	case FO_TLV_RESULT:
		v[0] = m->result;
		return 1;
	case FO_TLV_CFG_ID:
		put_be32(v, m->cfg_size);
		memcpy(v + 4, m->cfg_sha, FO_SHA256_LEN);
		return FO_CFG_ID_LEN;
	case FO_TLV_OFFSET:
		put_be32(v, m->offset);
		return 4;
	case FO_TLV_ECHO:
		put_be64(v, m->echo_epoch);
		put_be64(v + 8, m->echo_seq);
		return FO_ECHO_LEN;
	default:
		return 0;
	}
}

/* TLVs to emit: single ones from `present`, repeated ones from counts. */
static uint32_t
enc_mask(const struct fo_msg *m)
{
	uint32_t mask;

	mask = m->present & ~(B(DIGEST) | B(ACK_RANGE) | B(LEASE));
	if (has_pairs(m->hdr.type))
		mask &= ~B(UPD_SEQ);
	if (m->n_digests > 0)
		mask |= B(DIGEST);
	if (m->n_acks > 0)
		mask |= B(ACK_RANGE);
	if (m->n_updates > 0)
		mask |= B(LEASE) |
		    (has_pairs(m->hdr.type) ? B(UPD_SEQ) : 0);
	return mask;
}

/* What an encoder refuses before writing anything. */
static enum fo_err
encode_check(const struct fo_msg *m, uint32_t *maskp)
{
	const struct msg_spec	*s;
	uint32_t		 mask;
	enum fo_err		 e;

	if (m->hdr.version < FO_VERSION_MIN || m->hdr.version > FO_VERSION_MAX)
		return FO_ERR_VERSION;
	if ((s = msg_spec(m->hdr.type)) == NULL)
		return FO_ERR_TYPE;
	if ((e = dir_check(s, m->hdr.flags)) != FO_OK)
		return e;
	if ((m->present & ~ALL_TLV_BITS) != 0)
		return FO_ERR_TLV_UNKNOWN;
	mask = enc_mask(m);
	if ((mask & ~(s->required | s->optional)) != 0)
		return FO_ERR_TLV_NOT_ALLOWED;
	if ((s->required & ~mask) != 0)
		return FO_ERR_TLV_MISSING;
	if (m->n_digests > FO_MAX_DIGESTS || m->n_acks > FO_MAX_ACK_RANGES ||
	    m->n_updates > FO_MAX_UPDATES)
		return FO_ERR_TLV_COUNT;
	if (!cross_check(m))
		return FO_ERR_VALUE;
	*maskp = mask;
	return FO_OK;
}

static void
encode_hdr(const struct fo_msg *m, struct wr *w)
{
	uint8_t		 hdr[FO_HDR_LEN];

	put_be32(hdr + FO_OFF_MAGIC, FO_MAGIC);
	hdr[FO_OFF_VERSION] = m->hdr.version;
	hdr[FO_OFF_TYPE] = m->hdr.type;
	put_be16(hdr + FO_OFF_FLAGS, m->hdr.flags);
	put_be64(hdr + FO_OFF_SEQ, m->hdr.seq);
	put_be64(hdr + FO_OFF_EPOCH, m->hdr.epoch);
	put_be32(hdr + FO_OFF_PRIMARY_ID, m->hdr.primary_id);
	put_be16(hdr + FO_OFF_LENGTH, 0);	/* patched at the end */
	put_be16(hdr + FO_OFF_KEY_ID, m->hdr.key_id);
	wr_bytes(w, hdr, sizeof(hdr));
}

/*
 * The repeated TLVs of type t: DIGEST, ACK_RANGE, and the (UPD_SEQ,
 * LEASE) pairs of the messages that carry updates.
 */
static enum fo_err
encode_repeated(const struct fo_msg *m, unsigned t, struct wr *w)
{
	uint8_t		 v[FO_DIGEST_TLV_LEN > 16 ? FO_DIGEST_TLV_LEN : 16];
	enum fo_err	 e = FO_OK;

	for (size_t i = 0; t == FO_TLV_DIGEST && i < m->n_digests; i++) {
		const struct fo_digest *d = &m->digests[i];

		put_be32(v, d->network);
		v[4] = d->prefix;
		memcpy(v + 5, d->sha256, FO_SHA256_LEN);
		if ((e = emit_tlv(w, t, v, FO_DIGEST_TLV_LEN)) != FO_OK)
			return e;
	}
	for (size_t i = 0; t == FO_TLV_ACK_RANGE && i < m->n_acks; i++) {
		put_be64(v, m->acks[i].first);
		put_be64(v + 8, m->acks[i].last);
		if ((e = emit_tlv(w, t, v, 16)) != FO_OK)
			return e;
	}
	for (size_t i = 0; t == FO_TLV_UPD_SEQ && i < m->n_updates; i++) {
		const struct fo_update *u = &m->updates[i];

		if (u->lease == NULL)
			return FO_ERR_INVALID;
		put_be64(v, u->seq);
		if ((e = emit_tlv(w, t, v, 8)) != FO_OK ||
		    (e = emit_tlv(w, FO_TLV_LEASE, u->lease,
		    u->lease_len)) != FO_OK)
			return e;
	}
	return e;
}

static enum fo_err
encode(const struct fo_msg *m, struct wr *w)
{
	/* v holds any single value; NAME and REASON fit unterminated. */
	uint8_t			 v[FO_REASON_MAX + 1];
	uint8_t			 zero[FO_HMAC_LEN] = { 0 };
	uint32_t		 mask;
	size_t			 n, total;
	unsigned		 t;
	enum fo_err		 e;

	_Static_assert(sizeof(v) >= sizeof(m->reason) &&
	    sizeof(v) >= sizeof(m->name), "TLV value buffer too small");
	if ((e = encode_check(m, &mask)) != FO_OK)
		return e;
	encode_hdr(m, w);
	for (t = 1; t <= FO_TLV_MAX; t++) {
		if ((mask & FO_BIT(t)) == 0 || t == FO_TLV_LEASE)
			continue;
		if (t == FO_TLV_DIGEST || t == FO_TLV_ACK_RANGE ||
		    (t == FO_TLV_UPD_SEQ && has_pairs(m->hdr.type)))
			e = encode_repeated(m, t, w);
		else if (t == FO_TLV_CFG_DATA)
			e = m->data == NULL ? FO_ERR_INVALID :
			    emit_tlv(w, t, m->data, m->data_len);
		else {
			n = single_value(m, t, v);
			e = emit_tlv(w, t, v, n);
		}
		if (e != FO_OK)
			return e;
	}
	wr_bytes(w, zero, sizeof(zero));

	total = w->off;
	if (total > FO_DGRAM_MAX || total > w->cap)
		return FO_ERR_NOSPACE;
	if (w->p != NULL)
		put_be16(w->p + FO_OFF_LENGTH, (uint16_t)total);
	return FO_OK;
}

/*
 * LEASE values are checked against FO_LEASE_MAX only: the sender builds
 * records to fit its own SyncBindingBufSize, which both ends must share
 * (CTL_REQ and SYNC_REQ carry it so a mismatch is caught up front).
 */
enum fo_err
fo_encode(const struct fo_msg *m, uint8_t *out, size_t cap, size_t *len)
{
	struct wr	 w = { out, cap, 0 };
	enum fo_err	 e;

	if ((e = encode(m, &w)) != FO_OK)
		return e;
	*len = w.off;
	return FO_OK;
}

size_t
fo_encoded_len(const struct fo_msg *m)
{
	struct wr	 w = { NULL, SIZE_MAX, 0 };

	if (encode(m, &w) != FO_OK)
		return 0;
	return w.off;
}

void
fo_msg_init(struct fo_msg *m, uint8_t type, bool from_primary)
{
	memset(m, 0, sizeof(*m));
	m->hdr.magic = FO_MAGIC;
	m->hdr.version = FO_VERSION_MAX;
	m->hdr.type = type;
	m->hdr.flags = (from_primary ? FO_FLAG_FROM_PRIMARY : 0) |
	    FO_FLAG_ECHO;
}

void
fo_msg_echo(struct fo_msg *m, const struct fo_hdr *req)
{
	if ((req->flags & FO_FLAG_ECHO) == 0)
		return;
	m->echo_epoch = req->epoch;
	m->echo_seq = req->seq;
	m->present |= FO_BIT(FO_TLV_ECHO);
}

bool
fo_msg_add_update(struct fo_msg *m, uint64_t seq, const uint8_t *lease,
    size_t len, size_t dgram_max)
{
	struct fo_update *u;
	size_t		 need;

	if (m->n_updates >= FO_MAX_UPDATES || lease == NULL || len == 0 ||
	    len > FO_LEASE_MAX)
		return false;
	if (m->n_updates > 0 && seq <= m->updates[m->n_updates - 1].seq)
		return false;
	u = &m->updates[m->n_updates++];
	u->seq = seq;
	u->lease = lease;
	u->lease_len = (uint16_t)len;
	need = fo_encoded_len(m);
	if (need == 0 || need > dgram_max) {
		m->n_updates--;
		memset(u, 0, sizeof(*u));
		return false;
	}
	return true;
}

bool
fo_msg_add_ack(struct fo_msg *m, uint64_t first, uint64_t last)
{
	struct fo_ack_range *prev;

	if (first > last)
		return false;
	if (m->n_acks > 0) {
		prev = &m->acks[m->n_acks - 1];
		if (first <= prev->last)
			return false;
		if (first - 1 == prev->last) {
			prev->last = last;
			return true;
		}
	}
	if (m->n_acks >= FO_MAX_ACK_RANGES)
		return false;
	m->acks[m->n_acks].first = first;
	m->acks[m->n_acks].last = last;
	m->n_acks++;
	return true;
}

bool
fo_msg_add_digest(struct fo_msg *m, uint32_t network, uint8_t prefix,
    const uint8_t sha256[FO_SHA256_LEN])
{
	struct fo_digest *d;
	size_t		 i;

	if (m->n_digests >= FO_MAX_DIGESTS || !subnet_ok(network, prefix))
		return false;
	for (i = 0; i < m->n_digests; i++)
		if (m->digests[i].network == network &&
		    m->digests[i].prefix == prefix)
			return false;
	d = &m->digests[m->n_digests++];
	d->network = network;
	d->prefix = prefix;
	memcpy(d->sha256, sha256, FO_SHA256_LEN);
	return true;
}

int
fo_version_pick(uint8_t our_min, uint8_t our_max, uint8_t their_min,
    uint8_t their_max)
{
	uint8_t	 lo, hi;

	if (our_min == 0 || their_min == 0 || our_min > our_max ||
	    their_min > their_max)
		return -1;
	lo = our_min > their_min ? our_min : their_min;
	hi = our_max < their_max ? our_max : their_max;
	return hi >= lo ? hi : -1;
}

/* FNV-1a, 32 bits (offset basis 2166136261, prime 16777619). */
uint32_t
fo_primary_id(const char *name)
{
	uint32_t	 h = 2166136261u;
	unsigned char	 c;

	if (name == NULL)
		return h;
	for (; *name != '\0'; name++) {
		c = (unsigned char)*name;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h ^= c;
		h *= 16777619u;
	}
	return h;
}
