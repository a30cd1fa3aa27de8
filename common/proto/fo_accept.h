/*
 * Accepting a failover datagram: the receive order of
 * docs/failover-protocol.md §7.1, one implementation for both daemons
 * (docs/architecture.md conventions 3 and 13).
 *
 *	1. sanity	fo_accept_header: at most FO_DGRAM_MAX, then
 *			size, magic, length == size (the header only)
 *	2. peer		fo_accept_peer: what the caller knows of it
 *	3. HMAC		over the datagram with the key set
 *			(fo_keyset_verify): nothing below is trusted
 *			before it
 *	4. replay	the window is checked, never moved here
 *	5. decode	against the message table
 *	6. direction	FROM_PRIMARY must name the other role: one key
 *			signs both ways, so a message reflected back to
 *			its sender passes the HMAC
 *	(7. the caller's state checks and handler)
 *	(8. the caller commits: fo_replay_commit once the handler
 *	    took it)
 *
 * fo_accept runs 1-6.  A daemon that hands datagrams between threads runs
 * 1-2 where it reads (fo_accept_header, fo_accept_peer) and 3-6 where the
 * key and the window live (fo_accept_message).
 *
 * Pure (convention 2): no I/O, no clock, no logging.  Each check returns
 * why it refused; the daemons count under fo_reject_name() and log at
 * their own limited rate.
 */
#ifndef DHCPFO_FO_ACCEPT_H
#define DHCPFO_FO_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_auth.h"
#include "fo_codec.h"

/*
 * Why a datagram was dropped: one counter each in dhcpfoctl status.
 * 1 .. FO_ERR_COUNT - 1 are the codec's errors (enum fo_err, same numbers:
 * fo_reject_of); the rest are the receive path's own.  A reason one daemon
 * never meets stays 0 there.
 */
enum fo_reject {
	FO_REJ_NONE = 0,		/* accepted (FO_OK) */
	/* A version we do not speak.  Checked after the replay window, so
	 * the caller may still answer a Poll in it (protocol §10). */
	FO_REJ_VERSION = FO_ERR_VERSION,
	FO_REJ_OVERSIZE = FO_ERR_COUNT,	/* "oversize": > FO_DGRAM_MAX */
	FO_REJ_UNKNOWN_PEER,	/* "unknown-peer": address, port or id */
	FO_REJ_WRONG_ID,	/* "wrong-primary-id": from the peer's
				 * connected socket, naming another one */
	FO_REJ_BAD_HMAC,	/* "bad-hmac" */
	FO_REJ_REPLAYED,	/* "replayed" */
	FO_REJ_TOO_OLD,		/* "too-old" */
	FO_REJ_OLD_EPOCH,	/* "old-epoch" */
	FO_REJ_REFLECTED,	/* "reflected": FROM_PRIMARY names our role */
	/* Found by the daemons, past the checks here. */
	FO_REJ_UNEXPECTED,	/* "unexpected": a type we never receive */
	FO_REJ_BAD_LEASE,	/* "bad-lease": a LEASE that does not decode */
	FO_REJ_SOCKET,		/* "socket-error": receive error */
	FO_REJ_STALE_ANSWER,	/* "stale-answer": a PollRpl or CtlRet
				 * that answers no request of this boot
				 * of ours (fo_accept_answer) */
	FO_REJ_COUNT
};

/* "bad-hmac", "replayed", ... and the codec's names (fo_err_name). */
const char	*fo_reject_name(enum fo_reject);
/* The codec's error as a reason. */
enum fo_reject	 fo_reject_of(enum fo_err);
/* One of the codec's errors (the datagram is malformed). */
bool		 fo_reject_is_codec(enum fo_reject);
/*
 * A refusal that says someone is at work without the key or with
 * recordings (bad-hmac, replayed, stale-answer): the authentication
 * failure of the MIB and its trap, in both daemons.  too-old and
 * old-epoch are not: a reordered or leftover datagram of the peer's
 * own makes them too.
 */
bool		 fo_reject_is_auth(enum fo_reject);
/* The sum of those in a table of counts by reason. */
uint64_t	 fo_reject_auth_total(const uint64_t counts[FO_REJ_COUNT]);

/* Who a datagram must come from (step 2). */
struct fo_accept_id {
	uint32_t	 primary_id;	/* the header must carry it */
	uint32_t	 addr;		/* the peer's source address, */
	uint16_t	 port;		/* and port */
	/*
	 * The socket takes nothing but the peer's datagrams (connect()ed
	 * to it): addr and port are not looked at, and an id other than
	 * primary_id is FO_REJ_WRONG_ID.  Otherwise the three together
	 * name the peer, and any of them wrong is FO_REJ_UNKNOWN_PEER.
	 */
	bool		 connected;
};

/* What the receiver holds for that peer (steps 3 to 6). */
struct fo_accept_ctx {
	const struct fo_keyset	*keys;		/* fo_keyset_verify picks */
	/* Out, if not NULL: which key verified (FO_KEY_NONE on a bad
	 * HMAC or a datagram step 1 refused), for the caller's count of
	 * messages taken with the second key. */
	enum fo_key_used	*used;
	const struct fo_replay	*replay;	/* checked, not moved */
	size_t			 lease_max;	/* fo_decode's */
	bool			 primary;	/* we are the primary */
};

/* Step 1: *h is filled when it returns FO_REJ_NONE. */
enum fo_reject	fo_accept_header(const uint8_t *buf, size_t len,
		    struct fo_hdr *h);
/* Step 2, on a header fo_accept_header returned. */
enum fo_reject	fo_accept_peer(const struct fo_hdr *h, uint32_t src,
		    uint16_t sport, const struct fo_accept_id *id);
/*
 * Steps 3 to 6 on a datagram that passed 1 (h is its header).  On
 * FO_REJ_NONE m is the decoded message.  On FO_REJ_VERSION m holds the
 * header and the VERSIONS it carries, if any (fo_decode), and the replay
 * check passed: the caller may answer and commit.
 */
enum fo_reject	fo_accept_message(const struct fo_accept_ctx *ctx,
		    const uint8_t *buf, size_t len, const struct fo_hdr *h,
		    struct fo_msg *m);
/* Steps 1 to 6.  *h is the header unless step 1 refused (all zero
 * then), for the caller's log. */
enum fo_reject	fo_accept(const struct fo_accept_id *id,
		    const struct fo_accept_ctx *ctx, const uint8_t *buf,
		    size_t len, uint32_t src, uint16_t sport, struct fo_hdr *h,
		    struct fo_msg *m);

/*
 * Step 7 for an answer (PollRpl to our Poll, CtlRet to our CtlReq;
 * protocol 7.2): does it answer a request we sent in this boot, and one
 * recent enough to count?
 *
 *	our_epoch	our boot epoch
 *	floor		the lowest seq of ours an answer may still echo:
 *			requests below it were answered already
 *	last_req	the seq of the last such request we sent
 *
 * A peer that does not set FO_FLAG_ECHO (an older release) echoes
 * nothing and its answers count as before; the replay window alone
 * guards them.
 */
enum fo_answer {
	FO_ANSWER_OK,		/* it answers a request in [floor, last_req] */
	FO_ANSWER_LATE,		/* a request below floor: a late duplicate,
				 * dropped without counting as a refusal */
	FO_ANSWER_STALE,	/* another boot of ours, a request we never
				 * sent, or no ECHO: FO_REJ_STALE_ANSWER */
};
enum fo_answer	fo_accept_answer(const struct fo_msg *m, uint64_t our_epoch,
		    uint64_t floor, uint64_t last_req);

#endif
