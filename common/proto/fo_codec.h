/*
 * Pure failover-protocol codec: datagram bytes -> struct fo_msg and back.
 * No I/O, no clock, no logging, no globals.  docs/failover-protocol.md
 * is the wire reference (header, TLVs, the per-message table).
 *
 * Receive path, in this order (docs/architecture.md convention 3):
 *
 *	fo_peek_header(buf, len, &h)	sanity + which primary, which type
 *	(look the peer up by h.primary_id; unknown: drop, count)
 *	fo_auth_verify(key, buf, len)	nothing below is trusted before this
 *	fo_replay_check(&win, h.epoch, h.seq)
 *	fo_decode(buf, len, lease_max, &m)
 *	(state checks, state machine)
 *	fo_replay_commit(&win, h.epoch, h.seq)	only once accepted
 *
 * fo_decode does not verify the HMAC; fed unauthenticated bytes it is
 * still safe (it is fuzzed), but its output must not be acted on.
 *
 * Send path: fo_msg_init, fill fields, fo_encode (leaves FO_HMAC_LEN zero
 * bytes at the end), fo_auth_sign over the same buffer and length, send.
 * Every datagram needs a fresh header seq: a retry is re-encoded, since
 * a byte-identical resend is dropped by the peer's replay window.
 *
 * Integers in struct fo_msg are host order; the codec does the byte
 * swapping.  Addresses (network, SUBNET) are host-order IPv4 addresses.
 */
#ifndef DHCPFO_FO_CODEC_H
#define DHCPFO_FO_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_proto.h"

enum fo_err {
	FO_OK = 0,
	FO_ERR_SHORT,		/* shorter than header + HMAC */
	FO_ERR_MAGIC,		/* not "DHFP" */
	FO_ERR_LENGTH,		/* header length != datagram size */
	FO_ERR_VERSION,		/* version outside FO_VERSION_MIN..MAX */
	FO_ERR_TYPE,		/* unknown message type */
	FO_ERR_DIRECTION,	/* FROM_PRIMARY flag wrong for the type */
	FO_ERR_TLV_UNKNOWN,	/* unknown TLV type below FO_TLV_EXT */
	FO_ERR_TLV_TRUNC,	/* TLV runs past the end of the TLV area */
	FO_ERR_TLV_SIZE,	/* value size wrong for the TLV type */
	FO_ERR_TLV_DUP,		/* non-repeatable TLV repeated */
	FO_ERR_TLV_NOT_ALLOWED,	/* TLV this message type may not carry */
	FO_ERR_TLV_MISSING,	/* a required TLV is absent */
	FO_ERR_TLV_COUNT,	/* more repeats than the cap */
	FO_ERR_TLV_ORDER,	/* UPD_SEQ and LEASE not in pairs */
	FO_ERR_VALUE,		/* value out of range or inconsistent */
	FO_ERR_NOSPACE,		/* encode: buffer or FO_DGRAM_MAX too small */
	FO_ERR_INVALID,		/* encode: NULL lease pointer */
	FO_ERR_COUNT
};

/* Short stable name ("short", "bad-magic", ...) for counters and logs. */
const char	*fo_err_name(enum fo_err);
/* "poll", "poll-rpl", ... or "unknown"; "versions", "name", ... */
const char	*fo_type_name(unsigned type);
const char	*fo_tlv_name(unsigned tlv);
/* A STATE value (enum fo_state_code): "serving", "ctl-wait", ...;
 * "unknown" for a code this build does not know. */
const char	*fo_state_code_name(unsigned code);

/* Which side may send a type. */
enum fo_dir {
	FO_DIR_NONE = 0,	/* unknown type */
	FO_DIR_P2F,
	FO_DIR_F2P,
	FO_DIR_EITHER,
};
enum fo_dir	fo_type_dir(unsigned type);

/* The fixed header, host order. */
struct fo_hdr {
	uint32_t	magic;
	uint8_t		version;
	uint8_t		type;
	uint16_t	flags;		/* FO_FLAG_*; unknown bits kept */
	uint64_t	seq;		/* message sequence, replay window */
	uint64_t	epoch;		/* sender boot epoch, microseconds */
	uint32_t	primary_id;	/* fo_primary_id(primary's Name) */
	uint16_t	length;		/* whole datagram, HMAC included */
	uint16_t	key_id;		/* fo_key_id of the signing key */
};

static inline bool
fo_hdr_from_primary(const struct fo_hdr *h)
{
	return (h->flags & FO_FLAG_FROM_PRIMARY) != 0;
}

/* Bit for TLV type t (1..FO_TLV_MAX) in fo_msg.present. */
#define FO_BIT(t)	(1u << (t))
#define FO_HAS(m, t)	(((m)->present & FO_BIT(t)) != 0)

struct fo_digest {
	uint32_t	network;	/* host order, host bits zero */
	uint8_t		prefix;		/* 0..32 */
	uint8_t		sha256[FO_SHA256_LEN];	/* of the subnet definition */
};

struct fo_ack_range {
	uint64_t	first, last;	/* first <= last */
};

/*
 * One binding update.  After fo_decode, lease points into the decoded
 * buffer (valid only while that buffer is); the caller runs
 * lease_decode() on it.  For fo_encode it points at the caller's
 * lease_encode() output.
 */
struct fo_update {
	uint64_t	 seq;
	const uint8_t	*lease;
	uint16_t	 lease_len;
};

/*
 * A message.  `present` has FO_BIT(t) set for every TLV type carried;
 * the field for a TLV is meaningful only when its bit is set.  Repeated
 * TLVs live in the arrays: for fo_encode their counts decide (a DIGEST,
 * ACK_RANGE, UPD_SEQ-in-BIND_UPD or LEASE bit in `present` is ignored),
 * and fo_decode sets those bits when the count is nonzero.
 * About 12 KB: keep it off small stacks.
 */
struct fo_msg {
	struct fo_hdr	hdr;
	uint32_t	present;	/* FO_BIT(FO_TLV_*) */
	unsigned	n_ext;		/* decode: extension TLVs skipped */

	uint8_t		ver_min, ver_max;		/* VERSIONS */
	char		name[FO_NAME_MAX + 1];		/* NAME, NUL-ended */
	uint8_t		state;				/* STATE */
	uint64_t	clock_ms;			/* CLOCK */
	uint8_t		store_id[FO_STORE_ID_LEN];	/* STORE_ID */
	uint64_t	last_seq;			/* LAST_SEQ */
	uint16_t	buf_size;			/* BUF_SIZE */
	uint32_t	count;				/* COUNT */
	uint32_t	subnet;				/* SUBNET network */
	uint8_t		subnet_prefix;			/* SUBNET prefix */
	uint64_t	upd_seq;	/* UPD_SEQ outside BIND_UPD/REQ */
	uint8_t		result;				/* RESULT */
	char		reason[FO_REASON_MAX + 1];	/* REASON, NUL-ended */
	uint32_t	cfg_size;			/* CFG_ID: text size */
	uint8_t		cfg_sha[FO_SHA256_LEN];		/* CFG_ID: its SHA-256 */
	uint32_t	offset;				/* OFFSET */
	uint64_t	echo_epoch, echo_seq;		/* ECHO */
	/* CFG_DATA: after fo_decode it points into the decoded buffer (like
	 * a LEASE); for fo_encode at the caller's bytes. */
	const uint8_t	*data;
	uint16_t	data_len;

	size_t		n_digests;
	struct fo_digest digests[FO_MAX_DIGESTS];
	size_t		n_acks;
	struct fo_ack_range acks[FO_MAX_ACK_RANGES];
	size_t		n_updates;	/* BIND_UPD, BIND_REQ: (UPD_SEQ,
					 * LEASE) pairs */
	struct fo_update updates[FO_MAX_UPDATES];
};

/*
 * Read only the header, for dispatch before authentication: checks the
 * size (FO_ERR_SHORT), magic and that the length field equals len; the
 * version and type are not checked, so any version can be routed to
 * its peer (and answered).  *h is filled on FO_OK.
 */
enum fo_err	fo_peek_header(const uint8_t *buf, size_t len,
		    struct fo_hdr *h);

/*
 * Parse a whole datagram (HMAC bytes included in len, not verified).
 * lease_max caps a LEASE value: the negotiated SyncBindingBufSize
 * (values above FO_LEASE_MAX count as FO_LEASE_MAX).  Never reads
 * outside buf[0..len).
 *
 * On FO_ERR_VERSION the header is filled in and, if a well-formed
 * VERSIONS TLV could be found, so are ver_min/ver_max with its bit in
 * `present`: enough to answer in the highest common version
 * (fo_version_pick).  On other errors *out is unspecified.
 */
enum fo_err	fo_decode(const uint8_t *buf, size_t len, size_t lease_max,
		    struct fo_msg *out);

/*
 * Zero *m and set up its header: version FO_VERSION_MAX (set
 * m->hdr.version to the negotiated one), type, FO_FLAG_ECHO, and the
 * FROM_PRIMARY flag when from_primary.  The caller fills hdr.seq,
 * hdr.epoch, hdr.primary_id and the TLVs.
 */
void		fo_msg_init(struct fo_msg *m, uint8_t type, bool from_primary);
/*
 * An answer (PollRpl, CtlRet) to the request whose header is req: ECHO
 * its (epoch, seq), if the requester set FO_FLAG_ECHO (protocol 7.2).
 */
void		fo_msg_echo(struct fo_msg *m, const struct fo_hdr *req);

/*
 * Encode m into out[0..cap).  The encoder checks m against the same
 * rules the decoder applies (required/allowed TLVs, sizes, caps, values,
 * direction) and refuses with the decoder's error code, so nothing it
 * builds is rejected by a peer of the same version.  The last
 * FO_HMAC_LEN bytes are zeroed for fo_auth_sign; *len receives the whole
 * datagram length, HMAC included.  FO_ERR_NOSPACE when it does not fit
 * cap or FO_DGRAM_MAX.  TLVs go out in type order (pairs in array order).
 */
enum fo_err	fo_encode(const struct fo_msg *m, uint8_t *out, size_t cap,
		    size_t *len);

/* What fo_encode would write (HMAC included), or 0 if m is invalid. */
size_t		fo_encoded_len(const struct fo_msg *m);

/*
 * Batching helpers for a message being built.  Each returns false and
 * leaves m unchanged when the entry does not fit.
 *
 * fo_msg_add_update: append a (seq, lease) pair to a BIND_UPD if there
 * are fewer than FO_MAX_UPDATES, seq is above the previous pair's,
 * 1 <= len <= FO_LEASE_MAX and the datagram stays within dgram_max
 * (e.g. FO_DGRAM_DEFAULT).  The lease bytes are not copied.
 */
bool		fo_msg_add_update(struct fo_msg *m, uint64_t seq,
		    const uint8_t *lease, size_t len, size_t dgram_max);
/*
 * fo_msg_add_ack: acknowledge first..last, extending the last range when
 * first follows it directly.  Ranges must come in ascending order and
 * not overlap (first > previous last).
 */
bool		fo_msg_add_ack(struct fo_msg *m, uint64_t first,
		    uint64_t last);
bool		fo_msg_add_digest(struct fo_msg *m, uint32_t network,
		    uint8_t prefix, const uint8_t sha256[FO_SHA256_LEN]);

/*
 * Highest version in both [our_min, our_max] and [their_min, their_max],
 * or -1 if the ranges do not meet (or one is empty or starts at 0).
 */
int		fo_version_pick(uint8_t our_min, uint8_t our_max,
		    uint8_t their_min, uint8_t their_max);

/*
 * Pair identity carried in every header: FNV-1a 32 over the primary's
 * Name folded to ASCII lower case.  Folded because the failover learns
 * the name from a [primary:NAME] section, which the INI parser lower-
 * cases, while the primary's Name keeps the case it was written in.
 */
uint32_t	fo_primary_id(const char *name);

#endif
