/*
 * The receive order of a failover datagram (fo_accept.h,
 * docs/failover-protocol.md §7.1).
 */
#include <string.h>

#include "fo_accept.h"

static const char *const reject_names[FO_REJ_COUNT - FO_ERR_COUNT] = {
	[FO_REJ_OVERSIZE - FO_ERR_COUNT] = "oversize",
	[FO_REJ_UNKNOWN_PEER - FO_ERR_COUNT] = "unknown-peer",
	[FO_REJ_WRONG_ID - FO_ERR_COUNT] = "wrong-primary-id",
	[FO_REJ_BAD_HMAC - FO_ERR_COUNT] = "bad-hmac",
	[FO_REJ_REPLAYED - FO_ERR_COUNT] = "replayed",
	[FO_REJ_TOO_OLD - FO_ERR_COUNT] = "too-old",
	[FO_REJ_OLD_EPOCH - FO_ERR_COUNT] = "old-epoch",
	[FO_REJ_REFLECTED - FO_ERR_COUNT] = "reflected",
	[FO_REJ_UNEXPECTED - FO_ERR_COUNT] = "unexpected",
	[FO_REJ_BAD_LEASE - FO_ERR_COUNT] = "bad-lease",
	[FO_REJ_SOCKET - FO_ERR_COUNT] = "socket-error",
	[FO_REJ_STALE_ANSWER - FO_ERR_COUNT] = "stale-answer",
};

const char *
fo_reject_name(enum fo_reject r)
{
	if ((unsigned)r < FO_ERR_COUNT)
		return fo_err_name((enum fo_err)r);
	if ((unsigned)r < FO_REJ_COUNT)
		return reject_names[r - FO_ERR_COUNT];
	return "unknown";
}

enum fo_reject
fo_reject_of(enum fo_err e)
{
	/* Same numbers (fo_accept.h). */
	return (enum fo_reject)e;
}

bool
fo_reject_is_codec(enum fo_reject r)
{
	return r != FO_REJ_NONE && (unsigned)r < FO_ERR_COUNT;
}

bool
fo_reject_is_auth(enum fo_reject r)
{
	return r == FO_REJ_BAD_HMAC || r == FO_REJ_REPLAYED ||
	    r == FO_REJ_STALE_ANSWER;
}

uint64_t
fo_reject_auth_total(const uint64_t counts[FO_REJ_COUNT])
{
	uint64_t n = 0;

	for (unsigned r = 0; r < FO_REJ_COUNT; r++)
		if (fo_reject_is_auth((enum fo_reject)r))
			n += counts[r];
	return n;
}

enum fo_reject
fo_accept_header(const uint8_t *buf, size_t len, struct fo_hdr *h)
{
	/* A receive buffer one byte larger tells a datagram cut short
	 * from one that fits: nothing past FO_DGRAM_MAX is read. */
	if (len > FO_DGRAM_MAX)
		return FO_REJ_OVERSIZE;
	return fo_reject_of(fo_peek_header(buf, len, h));
}

enum fo_reject
fo_accept_peer(const struct fo_hdr *h, uint32_t src, uint16_t sport,
    const struct fo_accept_id *id)
{
	if (id->connected)
		return h->primary_id == id->primary_id ? FO_REJ_NONE :
		    FO_REJ_WRONG_ID;
	if (src != id->addr || sport != id->port ||
	    h->primary_id != id->primary_id)
		return FO_REJ_UNKNOWN_PEER;
	return FO_REJ_NONE;
}

static enum fo_reject
replay_reject(enum fo_replay_res rr)
{
	switch (rr) {
	case FO_REPLAY_OK:
		return FO_REJ_NONE;
	case FO_REPLAY_REPLAYED:
		return FO_REJ_REPLAYED;
	case FO_REPLAY_TOO_OLD:
		return FO_REJ_TOO_OLD;
	case FO_REPLAY_OLD_EPOCH:
	case FO_REPLAY_COUNT:
		break;
	}
	return FO_REJ_OLD_EPOCH;
}

enum fo_reject
fo_accept_message(const struct fo_accept_ctx *ctx, const uint8_t *buf,
    size_t len, const struct fo_hdr *h, struct fo_msg *m)
{
	enum fo_reject	 r;
	enum fo_key_used used;

	used = fo_keyset_verify(ctx->keys, h->key_id, buf, len);
	if (ctx->used != NULL)
		*ctx->used = used;
	if (used == FO_KEY_NONE)
		return FO_REJ_BAD_HMAC;
	/* Before the decode: a replay costs no more than its HMAC. */
	r = replay_reject(fo_replay_check(ctx->replay, h->epoch, h->seq));
	if (r != FO_REJ_NONE)
		return r;
	if ((r = fo_reject_of(fo_decode(buf, len, ctx->lease_max, m))) !=
	    FO_REJ_NONE)
		return r;
	/* The decoder matched the flag to the type's direction; this is
	 * the flag against our own role. */
	if (fo_hdr_from_primary(&m->hdr) == ctx->primary)
		return FO_REJ_REFLECTED;
	return FO_REJ_NONE;
}

enum fo_reject
fo_accept(const struct fo_accept_id *id, const struct fo_accept_ctx *ctx,
    const uint8_t *buf, size_t len, uint32_t src, uint16_t sport,
    struct fo_hdr *h, struct fo_msg *m)
{
	enum fo_reject r;

	memset(h, 0, sizeof(*h));
	if (ctx->used != NULL)
		*ctx->used = FO_KEY_NONE;
	if ((r = fo_accept_header(buf, len, h)) != FO_REJ_NONE ||
	    (r = fo_accept_peer(h, src, sport, id)) != FO_REJ_NONE)
		return r;
	return fo_accept_message(ctx, buf, len, h, m);
}

enum fo_answer
fo_accept_answer(const struct fo_msg *m, uint64_t our_epoch, uint64_t floor,
    uint64_t last_req)
{
	if ((m->hdr.flags & FO_FLAG_ECHO) == 0)
		return FO_ANSWER_OK;
	/* A peer that echoes must echo here: every request of ours asks. */
	if (!FO_HAS(m, FO_TLV_ECHO) || m->echo_epoch != our_epoch ||
	    m->echo_seq == 0 || m->echo_seq > last_req)
		return FO_ANSWER_STALE;
	return m->echo_seq < floor ? FO_ANSWER_LATE : FO_ANSWER_OK;
}
