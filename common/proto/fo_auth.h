/*
 * Failover message authentication: the pair's shared key, HMAC-SHA256
 * over each datagram, and the per-peer replay window.  See fo_codec.h
 * for where these sit on the receive path (verify before decode; check
 * the replay window before acting, commit it after accepting).
 */
#ifndef DHCPFO_FO_AUTH_H
#define DHCPFO_FO_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fo_proto.h"

#define FO_KEY_MIN	32	/* bytes: HMAC-SHA256's output size */
#define FO_KEY_MAX	64	/* bytes: SHA-256's block size */

struct fo_key {
	size_t		len;		/* 0: no key loaded */
	uint16_t	id;		/* fo_key_id of bytes, 0 if none */
	uint8_t		bytes[FO_KEY_MAX];
};

/*
 * The keys one peer's messages may carry (docs/failover-protocol.md
 * section 6): sign is SharedKeyFile's, which signs everything we send;
 * accept is AcceptSharedKeyFile's (len 0 if none), taken as well so that
 * the two sides may switch keys one after the other.
 */
struct fo_keyset {
	struct fo_key	sign;
	struct fo_key	accept;
};

/* Which key of a set verified a message. */
enum fo_key_used {
	FO_KEY_NONE = 0,	/* neither: bad HMAC */
	FO_KEY_SIGN,
	FO_KEY_ACCEPT,
};

/*
 * Load a key file: FO_KEY_MIN..FO_KEY_MAX bytes written as 64..128 hex
 * digits (either case), optionally followed by one newline ("\n" or
 * "\r\n"), nothing else.  The file must be a regular file that neither
 * group nor others can access (mode & 077 == 0).  Returns 0, or -1 with
 * a message naming the path (and the fix) in err; the message never
 * quotes the file's contents.  *key is untouched on failure.
 */
int	fo_key_load(const char *path, struct fo_key *key, char *err,
	    size_t errlen);
/*
 * A key's id, sent in every header it signs (FO_OFF_KEY_ID) so that the
 * receiver tries the right key first: the first two bytes, big-endian,
 * of HMAC-SHA256(key, "dhcpfo key id"), with 0 taken as 1 -- 0 on the
 * wire means a peer too old to send one.  Public: it names a key in
 * status and logs without saying anything about its bytes.
 * fo_key_load and fo_key_set fill key->id with it.
 */
uint16_t fo_key_id(const struct fo_key *key);
/* Set a key from raw bytes (tests, tools).  -1 if len is out of range. */
int	fo_key_set(struct fo_key *key, const uint8_t *bytes, size_t len);
/* Wipe a key (the compiler may not elide it). */
void	fo_key_clear(struct fo_key *key);

/*
 * buf[0..len) is a whole datagram from fo_encode: sign writes the
 * HMAC-SHA256 of buf[0..len - FO_HMAC_LEN) into its last FO_HMAC_LEN
 * bytes; verify recomputes it and compares in constant time.  Both
 * return false if len < FO_MIN_LEN, the key is not loaded, or libcrypto
 * fails (verify then rejects: fail closed).
 */
bool	fo_auth_sign(const struct fo_key *key, uint8_t *buf, size_t len);
bool	fo_auth_verify(const struct fo_key *key, const uint8_t *buf,
	    size_t len);
/*
 * Verify with a key set: the key whose id is key_id (the header's) if
 * exactly one has it, else the signing key and then the accepted one --
 * at most two HMACs either way.  Returns which verified, or FO_KEY_NONE.
 */
enum fo_key_used fo_keyset_verify(const struct fo_keyset *ks,
		    uint16_t key_id, const uint8_t *buf, size_t len);
/*
 * Load a peer's key set: SharedKeyFile's path and AcceptSharedKeyFile's
 * ("" for none), each by fo_key_load's rules.  -1 with err starting with
 * the config key that failed ("SharedKeyFile: PATH: ..."); *ks is
 * untouched on failure, so a reload that fails keeps the running set.
 */
int	fo_keyset_load(const char *sign_path, const char *accept_path,
	    struct fo_keyset *ks, char *err, size_t errlen);
/* Wipe both keys. */
void	fo_keyset_clear(struct fo_keyset *ks);
/* The two sets hold the same keys in the same roles. */
bool	fo_keyset_equal(const struct fo_keyset *a, const struct fo_keyset *b);

/*
 * Replay window over one peer's header (epoch, seq), after IPsec's
 * anti-replay window (RFC 4303 3.4.3), 64 wide.  Zero it to start.
 * top is the highest seq accepted in `epoch`; bit i of bitmap says
 * top - i was accepted.
 */
struct fo_replay {
	uint64_t	epoch;
	uint64_t	top;
	uint64_t	bitmap;
};

enum fo_replay_res {
	FO_REPLAY_OK = 0,
	FO_REPLAY_REPLAYED,	/* this seq was accepted before */
	FO_REPLAY_TOO_OLD,	/* 64 or more below the highest seq */
	FO_REPLAY_OLD_EPOCH,	/* from a boot before the peer's current one */
	FO_REPLAY_COUNT
};

/* "ok", "replayed", "too-old", "old-epoch". */
const char	*fo_replay_name(enum fo_replay_res);

/*
 * Check only: may a message (epoch, seq) be accepted?  A higher epoch
 * than the window's means the peer restarted and is always accepted.
 * Call after fo_auth_verify (an unauthenticated epoch must never move
 * the window) and commit only once the message was accepted.
 */
enum fo_replay_res fo_replay_check(const struct fo_replay *r,
		    uint64_t epoch, uint64_t seq);
/*
 * Record (epoch, seq) as accepted; a higher epoch resets the window.
 * Does nothing for an epoch lower than the window's.
 */
void		fo_replay_commit(struct fo_replay *r, uint64_t epoch,
		    uint64_t seq);
/*
 * After our own restart: the window as saved, (epoch, top) of the last
 * accepted message (protocol 7.3).  Every seq up to top counts as
 * accepted, since which of the 64 below it were is not kept: the peer
 * never resends a seq, so nothing it sends now is refused by this.
 */
void		fo_replay_restore(struct fo_replay *r, uint64_t epoch,
		    uint64_t top);

#endif
