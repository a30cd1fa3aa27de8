/*
 * Failover protocol constants: the wire numbers shared by the codec
 * (fo_codec.c), authentication (fo_auth.c) and both daemons.
 * docs/failover-protocol.md is the reference; keep the two in step.
 * Every value here is on the wire: never renumber, only add.
 */
#ifndef DHCPFO_FO_PROTO_H
#define DHCPFO_FO_PROTO_H

#define FO_PORT			647	/* default UDP port */
#define FO_MAGIC		0x44484650u	/* "DHFP" */

/* Protocol versions this build speaks (header byte 4). */
#define FO_VERSION_MIN		1
#define FO_VERSION_MAX		1

/* Fixed header, identical in every version (offsets in bytes). */
#define FO_HDR_LEN		32
#define FO_OFF_MAGIC		0	/* u32 */
#define FO_OFF_VERSION		4	/* u8 */
#define FO_OFF_TYPE		5	/* u8 */
#define FO_OFF_FLAGS		6	/* u16 */
#define FO_OFF_SEQ		8	/* u64 message sequence */
#define FO_OFF_EPOCH		16	/* u64 sender boot epoch, us */
#define FO_OFF_PRIMARY_ID	24	/* u32 FNV-1a of the primary's Name */
#define FO_OFF_LENGTH		28	/* u16 whole datagram, HMAC included */
/* u16 fo_key_id of the key that signed the datagram; 0 from a peer
 * older than key ids (it ignored these two bytes, which it sent as 0) */
#define FO_OFF_KEY_ID		30

#define FO_HMAC_LEN		32	/* HMAC-SHA256, ends a datagram */
#define FO_MIN_LEN		(FO_HDR_LEN + FO_HMAC_LEN)
#define FO_TLV_HDR_LEN		4	/* type u16, length u16 */

/*
 * Datagram sizes.  FO_DGRAM_MAX is the largest UDP payload over IPv4;
 * nothing larger is ever built or accepted.  The other two are what a
 * sender packs BIND_UPD batches up to: one Ethernet frame by default
 * (no IP fragmentation), more on loopback where the MTU is 64 KB.
 */
#define FO_DGRAM_MAX		65507
#define FO_DGRAM_DEFAULT	1400
#define FO_DGRAM_LOOPBACK	8192

/* Header flags.  Receivers ignore bits they do not know. */
/*
 * Set by the primary on everything it sends, clear on everything the
 * failover sends.  Both directions use one key, so without this a
 * captured BIND_UPD (a type either side may send) could be reflected
 * back to its own sender and pass the HMAC; the bit is covered by the
 * HMAC, so a reflected message arrives with the wrong direction.
 */
#define FO_FLAG_FROM_PRIMARY	0x0001
/*
 * Set by a failover that learns configurations (docs/learn.md) on
 * everything it sends.  A primary sends CFG_ID only to a failover that
 * set it: an older failover, which would drop a PollRpl with a TLV it
 * does not know, never sees one.
 */
#define FO_FLAG_LEARNS		0x0002
/*
 * Set on everything a sender sends that knows ECHO (protocol 7.2): its
 * requests want the answer to carry ECHO, and it echoes the requests of
 * a peer that set it.  A peer of an older release neither sets it nor
 * gets ECHO, which it would refuse as an unknown TLV.
 */
#define FO_FLAG_ECHO		0x0004

/* Message types (header byte 5). */
enum fo_type {
	FO_POLL = 1,			/* F->P heartbeat */
	FO_POLL_RPL = 2,		/* P->F heartbeat answer */
	FO_CTL_REQ = 3,			/* P->F primary asks for control */
	FO_CTL_RET = 4,			/* F->P failover returns control */
	FO_SYNC_REQ = 5,		/* F->P failover asks for bindings */
	FO_SYNC_START = 6,		/* P->F bindings follow */
	FO_SYNC_DONE = 7,		/* either: all bindings sent */
	FO_BIND_UPD = 8,		/* either: binding changes */
	FO_BIND_ACK = 9,		/* either: updates stored */
	FO_SUBNET_SYNC_START = 10,	/* F->P hand-back of one subnet */
	FO_SUBNET_SYNC_DONE = 11,	/* F->P subnet handed back */
	FO_SHUTDOWN = 12,		/* P->F graceful hand-off */
	FO_BIND_REQ = 13,		/* P->F may I make these bindings in
					 * your share? (docs/safety.md) */
	FO_BIND_RPL = 14,		/* F->P the answer, one per binding */
	FO_CFG_REQ = 15,		/* F->P send me this part of your
					 * configuration (docs/learn.md) */
	FO_CFG_RPL = 16,		/* P->F that part */
};
#define FO_TYPE_MAX		16

/* TLV types.  Types >= FO_TLV_EXT are ignorable extensions. */
enum fo_tlv {
	FO_TLV_VERSIONS = 1,	/* 2: min u8, max u8 */
	FO_TLV_NAME = 2,	/* 1..63: [A-Za-z0-9_.-] */
	FO_TLV_STATE = 3,	/* 1: FO_STATE_* */
	FO_TLV_CLOCK = 4,	/* 8: wall clock, ms since 1970 */
	FO_TLV_STORE_ID = 5,	/* 16: lease store identity */
	FO_TLV_LAST_SEQ = 6,	/* 8: highest update seq received */
	FO_TLV_BUF_SIZE = 7,	/* 2: SyncBindingBufSize */
	FO_TLV_COUNT = 8,	/* 4 */
	FO_TLV_SUBNET = 9,	/* 5: network u32, prefix u8 */
	FO_TLV_DIGEST = 10,	/* 37: network, prefix, SHA-256 */
	FO_TLV_UPD_SEQ = 11,	/* 8: binding update sequence */
	FO_TLV_LEASE = 12,	/* 1..lease_max: lease_encode() record */
	FO_TLV_ACK_RANGE = 13,	/* 16: first u64, last u64 */
	FO_TLV_REASON = 14,	/* 1..127: printable ASCII */
	FO_TLV_RESULT = 15,	/* 1: FO_RESULT_* */
	FO_TLV_CFG_ID = 16,	/* 36: size u32, SHA-256 of the text */
	FO_TLV_OFFSET = 17,	/* 4: byte offset into that text */
	FO_TLV_CFG_DATA = 18,	/* 1..FO_CFG_CHUNK_MAX: bytes of it */
	FO_TLV_ECHO = 19,	/* 16: epoch u64, seq u64 of the request
				 * a PollRpl or CtlRet answers */
};
#define FO_TLV_MAX		19
#define FO_TLV_EXT		0x8000

/* TLV value sizes. */
#define FO_NAME_MAX		63
#define FO_REASON_MAX		127
#define FO_STORE_ID_LEN		16
#define FO_SHA256_LEN		32
#define FO_DIGEST_TLV_LEN	(5 + FO_SHA256_LEN)
#define FO_LEASE_MAX		4096	/* absolute cap of a LEASE value */
#define FO_CFG_ID_LEN		(4 + FO_SHA256_LEN)
#define FO_ECHO_LEN		16
/*
 * A primary's configuration text travels in parts of at most
 * FO_CFG_CHUNK_MAX bytes (one per CFG_RPL) and is at most FO_CFG_MAX
 * bytes long in all: the failover holds one such text per primary while
 * it fetches (docs/learn.md "Limits").
 */
#define FO_CFG_CHUNK_MAX	8192
#define FO_CFG_MAX		(8u * 1024 * 1024)

/* SyncBindingBufSize range on the wire (VitalQIP: "minimum 64, maximum
 * 4096"): what a peer may announce. */
#define FO_BUF_SIZE_MIN		64
#define FO_BUF_SIZE_MAX		4096
/* The least a configuration may set: every lease record fits
 * (LEASE_RECORD_MAX; asserted in primary/replicate.c).  With less, a
 * large record (a long client id and host name, relay ids) could not be
 * replicated at all.  A peer of an older release may still announce
 * less; the pair then works with the smaller size, and a record that
 * does not fit is logged. */
#define FO_BUF_SIZE_CFG_MIN	512

/* Caps on repeated TLVs in one message. */
#define FO_MAX_DIGESTS		256
#define FO_MAX_ACK_RANGES	64
#define FO_MAX_UPDATES		32	/* (UPD_SEQ, LEASE) per BIND_UPD */

/*
 * STATE values: the sender's state as its peer should see it.  One code
 * space for both roles.  The codec accepts any byte (a newer peer may
 * have more states); a receiver treats a code it does not know as
 * FO_STATE_UNKNOWN.
 */
enum fo_state_code {
	FO_STATE_UNKNOWN = 0,
	FO_STATE_STARTUP = 1,		/* either: just started */
	FO_STATE_SYNCING = 2,		/* failover: start-up binding sync */
	FO_STATE_MONITORING = 3,	/* failover: asleep, polling */
	FO_STATE_TAKEOVER = 4,		/* failover: serving P's clients */
	FO_STATE_RETURNING = 5,		/* either: hand-back in progress */
	FO_STATE_SERVING = 6,		/* primary: normal service */
	FO_STATE_WAIT_CONTROL = 7,	/* primary: CtlReq sent, no CtlRet */
	FO_STATE_STANDALONE = 8,	/* primary: failover inoperable */
	FO_STATE_SHUTTING_DOWN = 9,	/* either: graceful stop */
};

/*
 * RESULT values.  Any nonzero code is a refusal; a receiver treats a
 * code it does not know as FO_RESULT_REFUSED.
 */
enum fo_result_code {
	FO_RESULT_OK = 0,
	FO_RESULT_REFUSED = 1,		/* unspecified refusal, see REASON */
	FO_RESULT_BUSY = 2,		/* try again after the usual wait */
	FO_RESULT_NO_VERSION = 3,	/* no common protocol version */
	FO_RESULT_BUF_SIZE = 4,		/* SyncBindingBufSize differs */
	FO_RESULT_UNKNOWN_PRIMARY = 5,	/* Name not configured here */
	FO_RESULT_STORE_ERROR = 6,	/* local lease store failed */
	FO_RESULT_SUBNETS = 7,		/* subnet definitions differ */
	FO_RESULT_IN_USE = 8,		/* BIND_RPL: the address is bound to
					 * another client here */
	FO_RESULT_CFG_CHANGED = 9,	/* CFG_RPL: the configuration asked
					 * for is no longer the primary's;
					 * CFG_ID names the current one */
};

#endif
